"""Which calculator computes each instrument, and where its components live in the patient file.

Checks look instruments up here by the key they already use for the stated value, so an
instrument given as components is computed and one given as a total is read, with the same
check and the same trial file.
"""

from __future__ import annotations

from cartscreen.checks.derive import Calculator
from cartscreen.scores.aecg_2002 import aecg_2002_pss
from cartscreen.scores.essdai import essdai
from cartscreen.scores.mrss import modified_rodnan
from cartscreen.scores.pss_2016 import acr_eular_2016_pss
from cartscreen.scores.ssc_2013 import acr_eular_2013_ssc

# activity.<key> (stated total) ↔ activity.components.<key> (components)
SCORE_CALCULATORS: dict[str, Calculator] = {
    "mrss": Calculator("activity.components.mrss", lambda c, facts: modified_rodnan(c)),
    "essdai": Calculator("activity.components.essdai", lambda c, facts: essdai(c)),
}

# diagnosis.classification.<key> (stated) ↔ diagnosis.components.<key> (components)
CLASSIFICATION_CALCULATORS: dict[str, Calculator] = {
    "acr_eular_2013_ssc": Calculator("diagnosis.components.acr_eular_2013_ssc",
                                     lambda c, facts: acr_eular_2013_ssc(c)),
    "acr_eular_2016_pss": Calculator("diagnosis.components.acr_eular_2016_pss",
                                     lambda c, facts: acr_eular_2016_pss(c)),
    "aecg_2002_pss": Calculator("diagnosis.components.aecg_2002_pss",
                                lambda c, facts: aecg_2002_pss(c)),
}
