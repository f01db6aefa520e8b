"""How long a screening result stays current: the validity windows, kept here as data.

A criterion about the patient at screening ("LVEF ≥55%", "HBsAg negative", "SLEDAI-2K ≥8")
can only be decided from a result recent enough to describe the patient at screening. Every
dated result a check reads therefore has a validity window counted back from the screening
date: a result dated earlier than the window is **stale** and leaves the criterion unknown
("repeat it"), never met and never failed; an undated result is unknown too.

The registry records of the five bundled trials give no window for any of these results, so
the defaults below apply to them. They are this project's conservative choice for
pre-screening, in line with the screening windows of CAR-T and other cell-therapy protocols: a
pregnancy test within 7 days, every other screening result within 28 days (4 weeks). A trial
file can replace a default for the whole trial (``[result_windows]`` at the top of the file)
or for one criterion (``result_windows = { laboratory = 14 }`` in the criterion), for
instance where its registry record states its own window; ``cartscreen explain`` shows the
window each criterion applies.

``DATED_RESULTS`` maps each dated result of the patient file to its kind and to the keys that
date it, most specific first (an AST result's own ``measured_on``, else the blood tests'
``labs_on``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, get_args

ResultKind = Literal[
    "pregnancy_test",
    "laboratory",
    "serology",
    "tuberculosis_test",
    "b_cells",
    "cardiopulmonary",
    "activity",
]
RESULT_KINDS: tuple[ResultKind, ...] = get_args(ResultKind)

DEFAULT_WINDOW_DAYS: dict[ResultKind, int] = {
    "pregnancy_test": 7,
    "laboratory": 28,
    "serology": 28,
    "tuberculosis_test": 28,
    "b_cells": 28,
    "cardiopulmonary": 28,
    "activity": 28,
}

KIND_LABELS: dict[ResultKind, str] = {
    "pregnancy_test": "pregnancy test",
    "laboratory": "blood tests of organ function (eGFR, creatinine, AST, ALT, bilirubin)",
    "serology": "infection serology and viral loads",
    "tuberculosis_test": "tuberculosis test",
    "b_cells": "B-cell count and CD19 expression",
    "cardiopulmonary": "ECG, echocardiogram, lung function, oximetry and chest imaging",
    "activity": "disease activity assessment",
}

MAX_WINDOW_DAYS = 365  # a trial file's window beyond a year is not a screening window


@dataclass(frozen=True)
class DatedResult:
    """A screening result of the patient file: what it is called, its kind, and the keys of
    its date, most specific first."""

    label: str
    kind: ResultKind
    dates: tuple[str, ...]
    test: str  # the test that gives it, for "repeat the …"


def _serology(key: str, label: str) -> tuple[str, DatedResult]:
    return f"serology.{key}", DatedResult(
        label, "serology", (f"serology.{key}_on", "serology.tested_on"), f"the {label} test")


def _lab(key: str, label: str) -> tuple[str, DatedResult]:
    return f"organ_function.{key}", DatedResult(
        label, "laboratory", (f"organ_function.{key}.measured_on", "organ_function.labs_on"),
        f"the {label} test")


_ECHO = "organ_function.echo_on"
_PULMONARY_PRESSURE = ("organ_function.pulmonary_pressure_on", _ECHO)

DATED_RESULTS: dict[str, DatedResult] = dict([
    ("pregnancy.test", DatedResult("pregnancy test", "pregnancy_test", ("pregnancy.test_date",),
                                   "the pregnancy test")),
    ("organ_function.lvef_percent", DatedResult("LVEF", "cardiopulmonary", (_ECHO,),
                                                "the echocardiogram")),
    ("organ_function.ecg", DatedResult("ECG", "cardiopulmonary", ("organ_function.ecg_on",),
                                       "the ECG")),
    ("organ_function.egfr_ml_min_1_73m2", DatedResult(
        "eGFR", "laboratory", ("organ_function.labs_on",), "the renal function tests")),
    _lab("creatinine", "creatinine"),
    _lab("ast", "AST"),
    _lab("alt", "ALT"),
    _lab("total_bilirubin", "total bilirubin"),
    ("organ_function.spo2_percent", DatedResult("SpO2", "cardiopulmonary",
                                                ("organ_function.spo2_on",), "the oximetry")),
    ("organ_function.fvc_percent_predicted", DatedResult(
        "FVC", "cardiopulmonary", ("organ_function.lung_function_on",),
        "the pulmonary function tests")),
    ("organ_function.dlco_percent_predicted", DatedResult(
        "DLCO", "cardiopulmonary", ("organ_function.lung_function_on",),
        "the pulmonary function tests")),
    ("organ_function.serious_lung_lesions", DatedResult(
        "lung imaging", "cardiopulmonary", ("organ_function.chest_imaging_on",),
        "the chest imaging")),
    ("organ_function.mean_pulmonary_artery_pressure_mmhg", DatedResult(
        "mean pulmonary artery pressure", "cardiopulmonary", _PULMONARY_PRESSURE,
        "the assessment of pulmonary pressure")),
    ("organ_function.pulmonary_hypertension", DatedResult(
        "pulmonary hypertension assessment", "cardiopulmonary", _PULMONARY_PRESSURE,
        "the assessment of pulmonary pressure")),
    ("history.cardiac.pericardial_effusion", DatedResult(
        "pericardial effusion", "cardiopulmonary", (_ECHO,), "the echocardiogram")),
    _serology("hbsag", "HBsAg"),
    _serology("hbcab", "HBcAb"),
    _serology("hbv_dna", "HBV DNA"),
    _serology("hcv_ab", "HCV antibody"),
    _serology("hcv_rna", "HCV RNA"),
    _serology("hiv_ab", "HIV antibody"),
    _serology("syphilis", "syphilis"),
    _serology("cmv_dna", "CMV DNA"),
    ("tuberculosis.status", DatedResult("tuberculosis status", "tuberculosis_test",
                                        ("tuberculosis.tested_on",), "the tuberculosis test")),
    ("b_cells.count_per_ul", DatedResult("B-cell count", "b_cells", ("b_cells.measured_on",),
                                         "the B-cell count")),
    ("b_cells.cd19_positive", DatedResult("CD19 expression", "b_cells",
                                          ("b_cells.measured_on",), "the B-cell phenotyping")),
    ("b_cells.method", DatedResult("B-cell method", "b_cells", ("b_cells.measured_on",),
                                   "the B-cell phenotyping")),
])

# Activity instruments and their components are all dated by the assessment.
_ACTIVITY = DatedResult("activity assessment", "activity", ("activity.assessed_on",),
                        "the disease activity assessment")
ACTIVITY_PREFIX = "activity."


def dated_result(path: str) -> DatedResult | None:
    """The dated result at a key path (any key under ``activity`` is one assessment)."""
    found = DATED_RESULTS.get(path)
    if found is None and path.startswith(ACTIVITY_PREFIX) and path != "activity.assessed_on":
        return _ACTIVITY
    return found


def result_kinds(paths: tuple[str, ...]) -> tuple[ResultKind, ...]:
    """The kinds of the results at these paths, in the order of :data:`RESULT_KINDS`."""
    kinds = set()
    for path in paths:
        result = dated_result(path)
        if result is None:
            raise ValueError(f"{path} is not a dated result (add it to DATED_RESULTS)")
        kinds.add(result.kind)
    return tuple(kind for kind in RESULT_KINDS if kind in kinds)


def resolve_windows(kinds: tuple[ResultKind, ...], *overrides: Mapping[ResultKind, int]
                    ) -> tuple[tuple[ResultKind, int], ...]:
    """The window in days for each kind: the default, replaced by each override in turn (the
    trial's, then the criterion's)."""
    windows: list[tuple[ResultKind, int]] = []
    for kind in kinds:
        days = DEFAULT_WINDOW_DAYS[kind]
        for override in overrides:
            days = override.get(kind, days)
        windows.append((kind, days))
    return tuple(windows)


def describe_windows(windows: tuple[tuple[ResultKind, int], ...]) -> str:
    """"pregnancy test within 7 days; ECG, echocardiogram … within 28 days" for explain."""
    return "; ".join(f"{KIND_LABELS[kind]} within {days} day{'' if days == 1 else 's'}"
                     for kind, days in windows)
