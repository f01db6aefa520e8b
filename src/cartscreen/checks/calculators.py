"""Which calculator computes each instrument, and where its components live in the patient file.

Checks look instruments up here by the key they already use for the stated value, so an
instrument given as components is computed and one given as a total is read, with the same
check and the same trial file. For an instrument with named categories, this is also where the
values a patient file may state meet the calculator's categories, so that a stated category
can be held against the components (:mod:`cartscreen.checks.derive`).
"""

from __future__ import annotations

from datetime import date

from cartscreen.checks.base import Facts
from cartscreen.checks.derive import Calculator
from cartscreen.scores import ilar_2001
from cartscreen.scores.aecg_2002 import aecg_2002_pss
from cartscreen.scores.bohan_peter import (
    CATEGORY_NOT_CLASSIFIED,
    CLASSIFIED_CATEGORIES,
    bohan_peter,
)
from cartscreen.scores.essdai import essdai
from cartscreen.scores.ilar_2001 import ilar_2001_polyarticular
from cartscreen.scores.mrss import modified_rodnan
from cartscreen.scores.pss_2016 import acr_eular_2016_pss
from cartscreen.scores.sle_2019 import eular_acr_2019_sle
from cartscreen.scores.sledai_2k import sledai_2k
from cartscreen.scores.ssc_2013 import acr_eular_2013_ssc


def _sledai_visit(facts: Facts) -> date:
    """SLEDAI-2K's 10-day window ends on the assessment date, else the screening date."""
    assessed: date | None = facts.get("activity.assessed_on")
    return assessed or facts.screening_date


# activity.<key> (stated total) ↔ activity.components.<key> (components)
SCORE_CALCULATORS: dict[str, Calculator] = {
    "sledai_2k": Calculator("activity.components.sledai_2k",
                            lambda c, facts: sledai_2k(c, _sledai_visit(facts))),
    "mrss": Calculator("activity.components.mrss", lambda c, facts: modified_rodnan(c)),
    "essdai": Calculator("activity.components.essdai", lambda c, facts: essdai(c)),
}

# Stated Bohan and Peter levels (diagnosis.classification.bohan_peter) and the calculator's
# categories: one to one ("probable_dm" ↔ "probable DM").
BOHAN_PETER_CATEGORIES: dict[str, frozenset[str]] = {
    category.lower().replace(" ", "_"): frozenset({category})
    for category in (*CLASSIFIED_CATEGORIES, CATEGORY_NOT_CLASSIFIED)
}

# Stated ILAR 2001 categories (diagnosis.classification.ilar_2001) and the calculator's
# categories that agree with each. The calculator classifies polyarthritis only: a child an
# exclusion bars from it is "not polyarthritis", which Petty 2004 files as enthesitis-related
# arthritis (exclusions b, c), psoriatic arthritis (a) or undifferentiated arthritis (fitting no
# category, or more than one). An RF positive once, or twice less than 3 months apart
# ("ambiguous"), is not a negative RF test: it agrees with undifferentiated arthritis only, so a
# stated RF-negative category beside it goes to the investigator. "Not JIA" agrees with none.
ILAR_2001_CATEGORIES: dict[str, frozenset[str]] = {
    "polyarticular_rf_negative": frozenset({ilar_2001.CATEGORY_RF_NEGATIVE}),
    "polyarticular_rf_positive": frozenset({ilar_2001.CATEGORY_RF_POSITIVE}),
    "oligoarticular_persistent": frozenset({ilar_2001.CATEGORY_PERSISTENT_OLIGO}),
    "oligoarticular_extended": frozenset({ilar_2001.CATEGORY_EXTENDED_OLIGO}),
    "systemic": frozenset({ilar_2001.CATEGORY_SYSTEMIC}),
    "enthesitis_related": frozenset({ilar_2001.CATEGORY_NOT_POLYARTHRITIS}),
    "psoriatic": frozenset({ilar_2001.CATEGORY_NOT_POLYARTHRITIS}),
    "undifferentiated": frozenset({ilar_2001.CATEGORY_NOT_POLYARTHRITIS,
                                   ilar_2001.CATEGORY_AMBIGUOUS}),
}

# diagnosis.classification.<key> (stated) ↔ diagnosis.components.<key> (components)
CLASSIFICATION_CALCULATORS: dict[str, Calculator] = {
    "eular_acr_2019_sle": Calculator("diagnosis.components.eular_acr_2019_sle",
                                     lambda c, facts: eular_acr_2019_sle(c)),
    "acr_eular_2013_ssc": Calculator("diagnosis.components.acr_eular_2013_ssc",
                                     lambda c, facts: acr_eular_2013_ssc(c)),
    "acr_eular_2016_pss": Calculator("diagnosis.components.acr_eular_2016_pss",
                                     lambda c, facts: acr_eular_2016_pss(c)),
    "aecg_2002_pss": Calculator("diagnosis.components.aecg_2002_pss",
                                lambda c, facts: aecg_2002_pss(c)),
    # The registries cite Bohan and Peter itself, so the strict criteria are applied.
    "bohan_peter": Calculator("diagnosis.components.bohan_peter",
                              lambda c, facts: bohan_peter(c, mri_substitutes=False),
                              BOHAN_PETER_CATEGORIES),
    "ilar_2001": Calculator("diagnosis.components.ilar_2001",
                            lambda c, facts: ilar_2001_polyarticular(c), ILAR_2001_CATEGORIES),
}
