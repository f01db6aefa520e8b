"""The one registry of built-in checks, in the order the documentation lists them.

Trial files name checks from this mapping; the CLI, ``explain`` and the documentation read it.
"""

from __future__ import annotations

from typing import Any

from cartscreen.checks import (
    activity,
    bcells,
    demographics,
    diagnosis,
    exposures,
    features,
    history,
    infections,
    judgement,
    organ,
    refractoriness,
    reproductive,
)
from cartscreen.checks.base import Check

CHECKS: dict[str, Check[Any]] = {
    check.name: check
    for check in (
        demographics.AGE,
        demographics.SEX,
        diagnosis.DISEASE,
        diagnosis.CLASSIFICATION,
        diagnosis.BOHAN_PETER,
        diagnosis.ILAR_2001,
        diagnosis.MYOSITIS_FEATURE_COUNT,
        diagnosis.ANTIBODY,
        features.DISEASE_FEATURES_ANY,
        refractoriness.TREATMENT_HISTORY,
        activity.ACTIVITY_SCORE,
        bcells.CD19_EXPRESSION,
        bcells.B_CELL_COUNT,
        organ.MEASURE_AT_LEAST,
        organ.EGFR_AT_LEAST,
        organ.LIVER_WITHIN_ULN,
        organ.ECG,
        organ.PULMONARY_PRESSURE,
        organ.NO_SERIOUS_LUNG_LESIONS,
        organ.LUNG_FUNCTION,
        reproductive.PREGNANCY_TEST,
        infections.TUBERCULOSIS,
        infections.ACTIVE_VIRAL_HEPATITIS,
        infections.VIRAL_MARKER,
        infections.ACTIVE_INFECTION,
        exposures.LIVE_VACCINE,
        exposures.TRANSPLANT,
        exposures.GVHD,
        exposures.RENAL_REPLACEMENT,
        exposures.CNS_LUPUS,
        exposures.ACTIVE_CNS_DISEASE,
        exposures.OTHER_STUDY,
        exposures.PRIOR_CAR_T,
        history.MALIGNANCY,
        history.IMMUNODEFICIENCY,
        history.CARDIAC,
        history.OTHER_AUTOIMMUNE,
        history.LONG_TERM_IMMUNOSUPPRESSION,
        judgement.INVESTIGATOR_REVIEW,
    )
}
