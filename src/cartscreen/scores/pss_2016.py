"""2016 ACR/EULAR classification criteria for primary Sjögren's syndrome.

Shiboski CH et al., Ann Rheum Dis 2017;76:9–16 (doi 10.1136/annrheumdis-2016-210571) and
Arthritis Rheumatol 2017;69:35–45: items, weights and rules.

The criteria apply to a patient who meets the inclusion criterion (at least one positive answer
to the five dryness questions, or suspicion of Sjögren's from the ESSDAI questionnaire) and has
none of the exclusions. Five additive items are then weighed (no "highest per domain" rule); a
total of 4 or more, out of 9, classifies the patient as having primary Sjögren's syndrome.
Without a biopsy or anti-SSA/Ro the other items reach only 3, so classification is impossible.
Only anti-SSA/Ro counts: anti-SSB/La alone scores nothing.

The objective dryness tests of a patient on anticholinergic drugs must be repeated after an
adequate washout; record only results obtained off those drugs.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import combinations

from pydantic import Field

from cartscreen.scores.base import Components, Derivation, Item, ItemStatus, fmt_number

INSTRUMENT = "2016 ACR/EULAR primary Sjögren's classification criteria"
CITATION = (
    "Shiboski CH et al. 2016 American College of Rheumatology/European League Against "
    "Rheumatism classification criteria for primary Sjögren's syndrome. Ann Rheum Dis "
    "2017;76:9–16; Arthritis Rheumatol 2017;69:35–45"
)

# Shiboski 2017: item weights, item thresholds (≥ and ≤ as the primary text gives them) and
# the classification threshold.
FOCUS_SCORE_WEIGHT = 3
FOCUS_SCORE_AT_LEAST = 1.0  # foci per 4 mm², focal lymphocytic sialadenitis
ANTI_SSA_WEIGHT = 3
OCULAR_STAINING_WEIGHT = 1
OCULAR_STAINING_SCORE_AT_LEAST = 5.0
VAN_BIJSTERVELD_AT_LEAST = 4.0
SCHIRMER_WEIGHT = 1
SCHIRMER_MM_AT_MOST = 5.0  # mm in 5 minutes
SALIVA_FLOW_WEIGHT = 1
SALIVA_FLOW_ML_MIN_AT_MOST = 0.1  # unstimulated whole saliva, mL/min
CLASSIFICATION_THRESHOLD = 4
ARITHMETIC_MAXIMUM = (FOCUS_SCORE_WEIGHT + ANTI_SSA_WEIGHT + OCULAR_STAINING_WEIGHT
                      + SCHIRMER_WEIGHT + SALIVA_FLOW_WEIGHT)

# Score ranges for validation, not thresholds: the SICCA ocular staining score is 0–12 per eye
# (Whitcher JP et al., Am J Ophthalmol 2010;149:405–15) and the van Bijsterveld score 0–9 per
# eye (van Bijsterveld OP, Arch Ophthalmol 1969;82:10–4).
OCULAR_STAINING_SCORE_RANGE = (0.0, 12.0)
VAN_BIJSTERVELD_RANGE = (0.0, 9.0)

# Shiboski 2017 inclusion: the five dryness questions, then ESSDAI-based suspicion.
DRYNESS_QUESTIONS: tuple[tuple[str, str], ...] = (
    ("dry_eyes_daily_over_3_months", "daily, persistent, troublesome dry eyes for >3 months"),
    ("sand_or_gravel_sensation_in_eyes", "recurrent sensation of sand or gravel in the eyes"),
    ("tear_substitutes_over_3_times_daily", "tear substitutes used >3 times a day"),
    ("dry_mouth_daily_over_3_months", "daily feeling of dry mouth for >3 months"),
    ("drinks_liquids_to_swallow_dry_food", "frequently drinks liquids to help swallow dry food"),
)
ESSDAI_SUSPICION = ("essdai_suspicion",
                    "suspicion of Sjögren's from the ESSDAI questionnaire")
INCLUSION = (*DRYNESS_QUESTIONS, ESSDAI_SUSPICION)

# Shiboski 2017 exclusions: a prior diagnosis of any of these.
EXCLUSIONS: tuple[tuple[str, str], ...] = (
    ("head_and_neck_radiation", "head and neck radiation"),
    ("active_hepatitis_c", "active hepatitis C (PCR-confirmed)"),
    ("aids", "AIDS"),
    ("sarcoidosis", "sarcoidosis"),
    ("amyloidosis", "amyloidosis"),
    ("graft_versus_host_disease", "graft-versus-host disease"),
    ("igg4_related_disease", "IgG4-related disease"),
)

CATEGORY_CLASSIFIED = "primary Sjögren's syndrome"
CATEGORY_NOT_CLASSIFIED = "not classified"
CATEGORY_INCLUSION_NOT_MET = "inclusion not met"
CATEGORY_EXCLUDED = "excluded"


class Pss2016Components(Components):
    """What the 2016 ACR/EULAR pSS criteria read (None = not recorded). Test results are raw
    values: the item thresholds are applied here."""

    dry_eyes_daily_over_3_months: bool | None = Field(
        default=None, description="daily, persistent, troublesome dry eyes for more than 3 months"
    )
    sand_or_gravel_sensation_in_eyes: bool | None = Field(
        default=None, description="recurrent sensation of sand or gravel in the eyes"
    )
    tear_substitutes_over_3_times_daily: bool | None = Field(
        default=None, description="uses tear substitutes more than 3 times a day"
    )
    dry_mouth_daily_over_3_months: bool | None = Field(
        default=None, description="daily feeling of dry mouth for more than 3 months"
    )
    drinks_liquids_to_swallow_dry_food: bool | None = Field(
        default=None, description="frequently drinks liquids to help swallow dry food"
    )
    essdai_suspicion: bool | None = Field(
        default=None,
        description="suspicion of Sjögren's from the ESSDAI questionnaire: at least one domain "
        "with a positive item (an alternative to the dryness questions for inclusion)",
    )
    head_and_neck_radiation: bool | None = Field(
        default=None, description="prior head and neck radiation treatment"
    )
    active_hepatitis_c: bool | None = Field(
        default=None, description="active hepatitis C infection, confirmed by PCR"
    )
    aids: bool | None = None
    sarcoidosis: bool | None = None
    amyloidosis: bool | None = None
    graft_versus_host_disease: bool | None = None
    igg4_related_disease: bool | None = None
    focus_score: float | None = Field(
        default=None, ge=0, le=50,
        description="labial salivary gland biopsy: focal lymphocytic sialadenitis focus score, "
        "foci per 4 mm²",
    )
    anti_ssa_ro: bool | None = Field(
        default=None, description="anti-SSA/Ro positive (anti-SSB/La does not count)"
    )
    ocular_staining_score: float | None = Field(
        default=None, ge=OCULAR_STAINING_SCORE_RANGE[0], le=OCULAR_STAINING_SCORE_RANGE[1],
        description="SICCA ocular staining score of the worse (higher-scoring) eye, 0–12",
    )
    van_bijsterveld_score: float | None = Field(
        default=None, ge=VAN_BIJSTERVELD_RANGE[0], le=VAN_BIJSTERVELD_RANGE[1],
        description="van Bijsterveld ocular staining score of the worse eye, 0–9 (where the "
        "ocular staining score was not used)",
    )
    schirmer_mm_5_min: float | None = Field(
        default=None, ge=0, le=50,
        description="Schirmer test of the worse (lower) eye, mm wetted in 5 minutes",
    )
    unstimulated_whole_saliva_ml_min: float | None = Field(
        default=None, ge=0, le=10, description="unstimulated whole saliva flow rate, mL/min"
    )


def _item(key: str, label: str, weight: int, met: bool | None, shown: str | None) -> Item:
    status: ItemStatus = "unknown" if met is None else "counted" if met else "absent"
    return Item(key=key, label=label, points=weight, status=status, note=shown)


def _items(c: Pss2016Components) -> tuple[Item, ...]:
    focus = c.focus_score
    staining = _ocular_staining(c)
    schirmer = c.schirmer_mm_5_min
    saliva = c.unstimulated_whole_saliva_ml_min
    return (
        _item(
            "focus_score", "focus score ≥1", FOCUS_SCORE_WEIGHT,
            None if focus is None else focus >= FOCUS_SCORE_AT_LEAST,
            None if focus is None else f"focus score {fmt_number(focus)} foci/4 mm²",
        ),
        _item("anti_ssa_ro", "anti-SSA/Ro", ANTI_SSA_WEIGHT, c.anti_ssa_ro, None),
        _item("ocular_staining_score", "ocular staining score ≥5 (van Bijsterveld ≥4)",
              OCULAR_STAINING_WEIGHT, *staining),
        _item(
            "schirmer_mm_5_min", "Schirmer ≤5 mm/5 min", SCHIRMER_WEIGHT,
            None if schirmer is None else schirmer <= SCHIRMER_MM_AT_MOST,
            None if schirmer is None else f"Schirmer {fmt_number(schirmer)} mm/5 min",
        ),
        _item(
            "unstimulated_whole_saliva_ml_min", "unstimulated saliva ≤0.1 mL/min",
            SALIVA_FLOW_WEIGHT,
            None if saliva is None else saliva <= SALIVA_FLOW_ML_MIN_AT_MOST,
            None if saliva is None else f"unstimulated whole saliva {fmt_number(saliva)} mL/min",
        ),
    )


def _ocular_staining(c: Pss2016Components) -> tuple[bool | None, str | None]:
    """The ocular staining item and what it read. The ocular staining score and the van
    Bijsterveld score are two scorings of the same staining examination, so one recorded score
    decides the item: either at its threshold counts, and one below its threshold is absent."""
    oss, vb = c.ocular_staining_score, c.van_bijsterveld_score
    shown = "; ".join(
        text for text in (
            None if oss is None else f"ocular staining score {fmt_number(oss)} (≥5 counts)",
            None if vb is None else f"van Bijsterveld {fmt_number(vb)} (≥4 counts)",
        ) if text
    ) or None
    if oss is None and vb is None:
        return None, None
    met = ((oss is not None and oss >= OCULAR_STAINING_SCORE_AT_LEAST)
           or (vb is not None and vb >= VAN_BIJSTERVELD_AT_LEAST))
    return met, shown


def _missing_keys(item: Item) -> tuple[str, ...]:
    if item.key == "ocular_staining_score":
        return ("ocular_staining_score", "van_bijsterveld_score")
    return (item.key,)


def _pivotal(total: float, unknown: list[Item], threshold: float) -> list[Item]:
    """The unknown items whose value can still decide whether the total reaches the threshold:
    for some values of the other unknown items, this one tips it."""
    pivotal: list[Item] = []
    for item in unknown:
        others = [other.points for other in unknown if other is not item]
        sums = {sum(chosen) for size in range(len(others) + 1)
                for chosen in combinations(others, size)}
        if any(total + s < threshold <= total + s + item.points for s in sums):
            pivotal.append(item)
    return pivotal


def _recorded(c: Pss2016Components, keys: Iterable[tuple[str, str]]) -> dict[str, bool | None]:
    return {key: getattr(c, key) for key, _ in keys}


def acr_eular_2016_pss(c: Pss2016Components) -> Derivation:
    """Classify primary Sjögren's syndrome by the 2016 ACR/EULAR criteria.

    Classified when the inclusion criterion is met, no exclusion applies and the weighted items
    total ≥4. An exclusion recorded present, or inclusion recorded not met (every dryness
    question and ESSDAI suspicion answered no), gives classified False whatever the score.
    """
    items = _items(c)
    total = float(sum(item.points for item in items if item.status == "counted"))
    unknown = [item for item in items if item.status == "unknown"]
    maximum = total + sum(item.points for item in unknown)
    notes: list[str] = []

    inclusion = _recorded(c, INCLUSION)
    met_by = [label for key, label in INCLUSION if inclusion[key] is True]
    inclusion_met = True if met_by else False if None not in inclusion.values() else None
    exclusions = _recorded(c, EXCLUSIONS)
    excluded_by = next((label for key, label in EXCLUSIONS if exclusions[key] is True), None)

    def result(classified: bool | None, category: str | None,
               missing: Iterable[str] = ()) -> Derivation:
        return Derivation(
            instrument=INSTRUMENT, citation=CITATION, total=total, maximum=maximum,
            items=items, missing=tuple(missing), classified=classified, category=category,
            excluded_by=excluded_by, notes=tuple(notes),
        )

    if met_by:
        notes.append("inclusion met: " + "; ".join(met_by))
    if excluded_by is not None:
        notes.append(f"exclusion applies: {excluded_by}; the criteria cannot classify")
        return result(False, CATEGORY_EXCLUDED)
    if inclusion_met is False:
        notes.append("inclusion not met: no dryness question answered yes and no ESSDAI-based "
                     "suspicion; the criteria do not apply")
        return result(False, CATEGORY_INCLUSION_NOT_MET)

    reaches: bool | None = (True if total >= CLASSIFICATION_THRESHOLD
                            else False if maximum < CLASSIFICATION_THRESHOLD else None)
    if reaches is False:
        if total == maximum:
            notes.append(f"total {fmt_number(total)} is below {CLASSIFICATION_THRESHOLD}")
        else:
            notes.append(f"at most {fmt_number(maximum)} even if every unrecorded item is "
                         f"positive: below {CLASSIFICATION_THRESHOLD}")
        return result(False, CATEGORY_NOT_CLASSIFIED)

    missing: list[str] = []
    if reaches is None:
        for item in _pivotal(total, unknown, CLASSIFICATION_THRESHOLD):
            missing.extend(_missing_keys(item))
    if inclusion_met is None:
        missing.extend(key for key, value in inclusion.items() if value is None)
    missing.extend(key for key, value in exclusions.items() if value is None)
    if missing:
        return result(None, None, missing)
    notes.append(f"total {fmt_number(total)} ≥ {CLASSIFICATION_THRESHOLD}, inclusion met, "
                 "no exclusion")
    return result(True, CATEGORY_CLASSIFIED)
