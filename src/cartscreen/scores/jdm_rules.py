"""JDM rules written in the trial texts, as derivations.

- The "four of six" diagnostic rule of NCT06569472 inclusion I2b (registry text: "four or five
  of the following criteria must be met: ① symmetrical proximal muscle weakness; ②
  characteristic skin changes [heliotrope rash, Gottron papules]; ③ the level of one muscle
  enzyme in serum was increased; ④ positive myositis antibody; ⑤ electromyography shows
  denervation and myopathy; ⑥ muscle biopsies showed necrosis and inflammation").
- The JDM core-set (persistent weakness) rule of NCT07184450 inclusion 2.1.1 (5), under both
  readings the registry wording admits, computed by :mod:`cartscreen.scores.jdm_core_set` and
  returned here as a :class:`Derivation`.
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import Field

from cartscreen.scores.base import Components, Derivation, Item, ItemStatus, fmt_number
from cartscreen.scores.jdm_core_set import (
    CMAS_BELOW,
    CORE_MEASURES,
    CORE_MEASURES_NEEDED,
    SOURCE,
    persistent_weakness,
)

# --- NCT06569472 I2b: four of six features --------------------------------------------------

FOUR_OF_SIX_INSTRUMENT = "NCT06569472 JDM diagnostic features (four of six)"
FOUR_OF_SIX_CITATION = (
    "ClinicalTrials.gov NCT06569472, inclusion criterion I2b: \"four or five of the following "
    "criteria must be met\" (six features listed)"
)
# NCT06569472 I2b: "four or five of the following [six] criteria".
FEATURES_NEEDED = 4
FEATURES_STATED_AT_MOST = 5  # the text names no meaning for six; the check sends six to review
FEATURE_POINTS = 1

FOUR_OF_SIX_MET = "four or more of six features"
FOUR_OF_SIX_NOT_MET = "fewer than four of six features"

ANTIBODY = ("antibody_positive", "positive myositis antibody")
FEATURES: tuple[tuple[str, str], ...] = (
    # (key, label) in the registry's order ①–⑥; ④ is the antibody argument
    ("symmetric_proximal_weakness", "symmetrical proximal muscle weakness"),
    ("characteristic_rash", "characteristic skin changes"),
    ("muscle_enzymes_raised", "raised serum muscle enzyme"),
    ANTIBODY,
    ("emg_myopathic", "EMG denervation and myopathy"),
    ("biopsy_inflammation", "muscle biopsy necrosis and inflammation"),
)


class JdmFeatures(Components):
    """Features ①②③⑤⑥ of NCT06569472 I2b (None = not recorded). Feature ④, a positive
    myositis antibody, is read from the antibody results and passed separately. The field
    names are those of the patient file's ``diagnosis.myositis_features``."""

    symmetric_proximal_weakness: bool | None = None
    characteristic_rash: bool | None = Field(
        default=None, description="heliotrope rash (with periorbital edema) and/or Gottron papules"
    )
    muscle_enzymes_raised: bool | None = Field(
        default=None, description="at least one serum muscle enzyme raised"
    )
    emg_myopathic: bool | None = Field(
        default=None, description="electromyography showing denervation and myopathy"
    )
    biopsy_inflammation: bool | None = Field(
        default=None, description="muscle biopsy showing necrosis and inflammation"
    )


def jdm_four_of_six(features: JdmFeatures, antibody_positive: bool | None) -> Derivation:
    """Count the six JDM features of NCT06569472 I2b; classified when four or more are present.

    ``antibody_positive`` is feature ④: True when any myositis-specific or myositis-associated
    antibody is positive, False only when the antibodies the caller requires are all negative,
    None otherwise (the caller names the untested antibodies). Classified False once even every
    unrecorded feature could not bring the count to four. All six present still classifies
    (at least four), with a note: the registry says "four or five" and does not say what six
    means, which the trial's check decides.
    """
    values: dict[str, bool | None] = {
        key: getattr(features, key) for key, _ in FEATURES if key != ANTIBODY[0]
    }
    values[ANTIBODY[0]] = antibody_positive
    items = tuple(
        Item(key=key, label=label, points=FEATURE_POINTS, status=_status(values[key]))
        for key, label in FEATURES
    )
    total = float(sum(item.points for item in items if item.status == "counted"))
    unknown = [item.key for item in items if item.status == "unknown"]
    maximum = total + FEATURE_POINTS * len(unknown)
    notes: list[str] = []
    classified: bool | None
    category: str | None
    missing: tuple[str, ...] = ()
    if total >= FEATURES_NEEDED:
        classified, category = True, FOUR_OF_SIX_MET
        notes.append(f"{fmt_number(total)} of 6 features present: {FEATURES_NEEDED} needed")
        if total > FEATURES_STATED_AT_MOST:
            notes.append("all six features present: the registry says \"four or five\" and "
                         "does not say what six means")
    elif maximum < FEATURES_NEEDED:
        classified, category = False, FOUR_OF_SIX_NOT_MET
        notes.append(f"at most {fmt_number(maximum)} of 6 features: {FEATURES_NEEDED} needed")
    else:
        # Every feature weighs the same, so each unrecorded one can tip the count.
        classified, category, missing = None, None, tuple(unknown)
        notes.append(f"{fmt_number(total)} of 6 features so far, up to {fmt_number(maximum)}: "
                     f"{FEATURES_NEEDED} needed")
    return Derivation(
        instrument=FOUR_OF_SIX_INSTRUMENT, citation=FOUR_OF_SIX_CITATION, total=total,
        maximum=maximum, items=items, missing=missing, classified=classified,
        category=category, notes=tuple(notes),
    )


def _status(value: bool | None) -> ItemStatus:
    return "unknown" if value is None else "counted" if value else "absent"


# --- NCT07184450 2.1.1 (5): the JDM core-set rule --------------------------------------------

CORE_SET_INSTRUMENT = "NCT07184450 JDM persistent weakness (core-set rule)"
CORE_SET_CITATION = (
    "ClinicalTrials.gov NCT07184450, inclusion criterion 2.1.1 (5): muscle MRI with extensive, "
    "diffuse edema or CMAS < 48, and at least two of PhGA ≥2 cm, PtGA ≥2 cm, DAS ≥2, "
    "C-HAQ ≥0.25, muscle enzyme > 1.5 × ULN"
)
CORE_SET_MET = "persistent weakness rule met"
CORE_SET_NOT_MET = "persistent weakness rule not met"
CORE_SET_REVIEW = "persistent weakness rule met under one reading only: the investigator decides"
WEAKNESS_POINTS = 0  # the weakness gate is required, not counted
CORE_MEASURE_POINTS = 1


def jdm_core_set_derivation(values: Mapping[str, float | bool | None]) -> Derivation:
    """The core-set rule of NCT07184450 from the ``activity.jdm`` values (None = not
    recorded), as a derivation.

    The rule itself is :func:`cartscreen.scores.jdm_core_set.persistent_weakness`; this adds the
    items: the weakness gate (MRI diffuse edema, CMAS below 48; 0 points, either one suffices)
    and the five core measures (1 point each when abnormal). ``total`` is the number of core
    measures abnormal, ``maximum`` adds the unrecorded ones; ``missing`` names keys of the
    ``activity.jdm`` table. ``classified`` is True when the rule is met and False when it is
    not; None while a value is missing, and when only the looser of the rule's two readings
    holds (``category`` then says the investigator decides, and nothing is missing).
    """
    result = persistent_weakness(dict(values))
    edema = values.get("muscle_mri_diffuse_edema")
    cmas = _number(values.get("cmas"))
    items = [
        Item(key="muscle_mri_diffuse_edema", label="muscle MRI extensive, diffuse edema",
             points=WEAKNESS_POINTS, status=_status(None if edema is None else edema is True),
             domain="weakness"),
        Item(key="cmas", label=f"CMAS <{fmt_number(CMAS_BELOW)}", points=WEAKNESS_POINTS,
             status=_status(None if cmas is None else cmas < CMAS_BELOW), domain="weakness",
             note=None if cmas is None else f"CMAS {fmt_number(cmas)}"),
    ]
    for key, label, threshold, strictly_greater in CORE_MEASURES:
        value = _number(values.get(key))
        abnormal = None if value is None else (
            value > threshold if strictly_greater else value >= threshold
        )
        sign = ">" if strictly_greater else "≥"
        items.append(Item(
            key=key, label=f"{label} {sign}{fmt_number(threshold)}", points=CORE_MEASURE_POINTS,
            status=_status(abnormal), domain="core measures",
            note=None if value is None else f"{label} {fmt_number(value)}",
        ))
    core = [item for item in items if item.domain == "core measures"]
    total = float(sum(item.points for item in core if item.status == "counted"))
    maximum = total + sum(item.points for item in core if item.status == "unknown")
    notes = [result.explanation,
             f"at least {CORE_MEASURES_NEEDED} of {len(CORE_MEASURES)} core measures needed"]
    category = {"met": CORE_SET_MET, "not_met": CORE_SET_NOT_MET,
                "review": CORE_SET_REVIEW}.get(result.status)
    missing = tuple(key.removeprefix(SOURCE) for key in result.missing)
    return Derivation(
        instrument=CORE_SET_INSTRUMENT, citation=CORE_SET_CITATION, total=total,
        maximum=maximum, items=tuple(items), missing=missing, classified=result.holds,
        category=category, notes=tuple(notes),
    )


def _number(value: float | bool | None) -> float | None:
    """A recorded number; a boolean in a numeric slot counts as not recorded, as in
    jdm_core_set."""
    if value is None or isinstance(value, bool):
        return None
    return float(value)
