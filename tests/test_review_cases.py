"""The cases of the independent clinical review, screened through the real bundled trial files.

The review found children called eligible whom a careful clinician would not call eligible, and
readings decided that the registry leaves open. Each case here starts from a real sample patient
(every one of them eligible for the trial concerned, which the guard test at the end checks),
changes the few keys the case is about, validates the file as the loader does, and screens it
with the engine against the bundled trial. A case whose point is a contradiction within the
file is written to disk and must be refused by the loader, naming the key and never the value.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Final

import pytest
import tomli_w

from cartscreen.checks.base import Outcome
from cartscreen.engine import screen_patient
from cartscreen.errors import InputError
from cartscreen.patient import Patient, check_against_screening_date, load_patient
from cartscreen.patient.plausibility import facts_against_screening_date, implausible_facts
from cartscreen.result import CriterionResult, TrialResult
from cartscreen.trial import LoadedTrial

SAMPLES = Path(__file__).resolve().parents[1] / "sample_patients"
SCREENING = date(2026, 11, 2)  # the screening_date of every sample used here

SLE = "sle-refractory-eligible.toml"  # eligible for NCT06222853 and NCT06934447
JDM = "jdm-refractory-eligible.toml"  # eligible for NCT07184450 and NCT06569472
SSC = "ssc-refractory-eligible.toml"  # eligible for NCT06792344 and NCT07184450
PJIA = "pjia-refractory-eligible.toml"  # eligible for NCT07184450 (a boy)
PJIA_COMPONENTS = "pjia-refractory-eligible--components.toml"  # its ILAR components

STEAM = "NCT06222853"  # CD19, SLE
SLE_BCMA = "NCT06934447"  # BCMA/CD70, SLE
MULTI = "NCT07184450"  # BCMA/CD70: JDM, pJIA, SSc, pSS
JDM_CD19 = "NCT06569472"  # CD19, JDM
SSC_CD19 = "NCT06792344"  # CD19, SSc


# --- a sample with these changes ---------------------------------------------------------------

REMOVED: Final = object()  # a change that takes the key out of the file
_KEY_PATH = re.compile(r"[^.\[\]]+(\[\d+\])*(\.[^.\[\]]+(\[\d+\])*)*")
_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def read_sample(name: str) -> dict[str, Any]:
    """A sample patient file as the TOML parser gives it."""
    return tomllib.loads((SAMPLES / name).read_text(encoding="utf-8"))


def _steps(path: str) -> list[str | int]:
    assert _KEY_PATH.fullmatch(path), f"not a key path: {path}"
    return [key if key else int(index) for key, index in _STEP.findall(path)]


def _set(data: dict[str, Any], path: str, value: object) -> None:
    """Set (or, with REMOVED, delete) the value at a dotted key path with list indexes
    (``events.infections[1].uncontrolled``). Missing tables on the way are created; an index
    one past the end of a list appends. Deleting a key that is not there is an error, so a
    misspelt path cannot pass unnoticed (and a misspelt new key is refused by the model)."""
    steps = _steps(path)
    node: Any = data
    for step in steps[:-1]:
        if isinstance(step, str) and step not in node:
            node[step] = {}
        node = node[step]
    last = steps[-1]
    if value is REMOVED:
        del node[last]
    elif isinstance(last, int) and last == len(node):
        node.append(value)
    else:
        node[last] = value


def sample(name: str, changes: Mapping[str, object] | None = None) -> dict[str, Any]:
    """The sample's data with the changes made, in the order given."""
    data = read_sample(name)
    for path, value in (changes or {}).items():
        _set(data, path, value)
    return data


def validated(data: dict[str, Any], as_of: date | None = None) -> Patient:
    """The patient, validated exactly as the loader does: the model, the plausibility rules
    that need only the file, and those that need the screening date in effect."""
    patient = Patient.model_validate(data)
    screening = patient.screening_date or as_of
    assert screening is not None, "give as_of for a file without a screening_date"
    source = "patient file" if patient.screening_date is not None else "--as-of"
    problems = [*implausible_facts(patient),
                *facts_against_screening_date(patient, screening, source)]
    assert not problems, problems
    return patient


def screened(trials: dict[str, LoadedTrial], trial_id: str, name: str,
             changes: Mapping[str, object] | None = None, *,
             as_of: date | None = None) -> TrialResult:
    """One trial's result for the sample with the changes made."""
    patient = validated(sample(name, changes), as_of)
    result = screen_patient(patient, name, [trials[trial_id]], as_of=as_of, today=SCREENING)
    (trial,) = result.trials
    return trial


def criterion(result: TrialResult, criterion_id: str) -> CriterionResult:
    matches = [c for c in result.criteria if c.id == criterion_id]
    assert len(matches) == 1, f"{result.trial_id} has no single criterion {criterion_id}"
    return matches[0]


def expect(result: TrialResult, criterion_id: str, outcome: Outcome, *fragments: str,
           missing: set[str] | None = None) -> CriterionResult:
    """The criterion's outcome, fragments of its evidence and, when given, its missing keys."""
    found = criterion(result, criterion_id)
    shown = (f"{result.trial_id} {criterion_id}: {found.outcome}: {found.evidence} "
             f"(missing {list(found.missing)}; verdict {result.verdict})")
    assert found.outcome == outcome, shown
    for fragment in fragments:
        assert fragment in found.evidence, shown
    if missing is not None:
        assert set(found.missing) == missing, shown
    return found


def days_before(days: int) -> date:
    return SCREENING - timedelta(days=days)


def written(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / "patient.toml"
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    return path


def refused(tmp_path: Path, data: dict[str, Any]) -> InputError:
    """The loader's error for the file; it must refuse it."""
    with pytest.raises(InputError) as caught:
        load_patient(written(tmp_path, data))
    return caught.value


def course(drug: str, start: date, end: date | str, response: str = "inadequate",
           **more: object) -> dict[str, object]:
    """A [[treatments]] entry."""
    return {"drug": drug, **more, "start": start, "end": end, "response": response}


# =================================================================================================
# 1. Evidence must be current
# =================================================================================================

# "A 5-year-old HBsAg (serology tested_on 2021) → NCT06222853 E8a unknown"
def test_five_year_old_hbsag_leaves_steam_e8a_unknown(
        bundled_trials: dict[str, LoadedTrial]) -> None:
    result = screened(bundled_trials, STEAM, SLE, {"serology.tested_on": date(2021, 10, 28)})
    found = expect(result, "E8a", Outcome.UNKNOWN,
                   "HBsAg of 2021-10-28 is older than 28 days before screening",
                   missing={"serology.hbsag", "serology.hbcab"})
    assert ("serology.hbsag", date(2021, 10, 28), 28) in {
        (s.key, s.dated, s.window_days) for s in found.finding.stale}
    assert result.verdict != "eligible"


def test_serology_dated_on_the_first_day_of_its_window_still_meets_steam_e8a(
        bundled_trials: dict[str, LoadedTrial]) -> None:
    result = screened(bundled_trials, STEAM, SLE, {"serology.tested_on": days_before(28)})
    expect(result, "E8a", Outcome.MET, "HBsAg and HBcAb negative")
    result = screened(bundled_trials, STEAM, SLE, {"serology.tested_on": days_before(29)})
    expect(result, "E8a", Outcome.UNKNOWN, missing={"serology.hbsag", "serology.hbcab"})


# "A 10-year-old IGRA (tuberculosis.tested_on 2016) → NCT07184450 E3b unknown [jdm]"
def test_ten_year_old_igra_leaves_nct07184450_e3b_unknown(
        bundled_trials: dict[str, LoadedTrial]) -> None:
    result = screened(bundled_trials, MULTI, JDM, {"tuberculosis.tested_on": date(2016, 10, 28)})
    expect(result, "E3b", Outcome.UNKNOWN, "tuberculosis status of 2016-10-28 is older than",
           missing={"tuberculosis.status"})
    assert result.verdict != "eligible"
    result = screened(bundled_trials, MULTI, JDM, {"tuberculosis.tested_on": days_before(28)})
    expect(result, "E3b", Outcome.MET, "tuberculosis screening negative")


# "A 3-year-old SLEDAI-2K (activity.assessed_on 2023) → NCT06222853 I3 unknown"
def test_three_year_old_sledai_leaves_steam_i3_unknown(
        bundled_trials: dict[str, LoadedTrial]) -> None:
    result = screened(bundled_trials, STEAM, SLE, {"activity.assessed_on": date(2023, 10, 28)})
    expect(result, "I3", Outcome.UNKNOWN, "assessment of 2023-10-28 is older than 28 days",
           missing={"activity.sledai_2k"})
    assert result.verdict != "eligible"
    result = screened(bundled_trials, STEAM, SLE, {"activity.assessed_on": days_before(28)})
    expect(result, "I3", Outcome.MET, "SLEDAI-2K 14 ≥ 8")


# "A 2-year-old pregnancy test → NCT06934447 I7a unknown"
def test_two_year_old_pregnancy_test_leaves_nct06934447_i7a_unknown(
        bundled_trials: dict[str, LoadedTrial]) -> None:
    result = screened(bundled_trials, SLE_BCMA, SLE, {"pregnancy.test_date": date(2024, 10, 30)})
    expect(result, "I7a", Outcome.UNKNOWN, "pregnancy test of 2024-10-30 is older than 7 days",
           missing={"pregnancy.test"})
    assert result.verdict != "eligible"


# "... and test_date 7 days before screening met, 8 days unknown"
@pytest.mark.parametrize(("days", "outcome"), [(7, Outcome.MET), (8, Outcome.UNKNOWN)])
def test_pregnancy_test_is_current_for_seven_days_before_screening(
        bundled_trials: dict[str, LoadedTrial], days: int, outcome: Outcome) -> None:
    result = screened(bundled_trials, SLE_BCMA, SLE, {"pregnancy.test_date": days_before(days)})
    expect(result, "I7a", outcome, str(days_before(days)))


# "age_years = 18 with no birth_date and no screening_date in the file, screened with as_of
# 2032-11-02 → NCT06222853 I1 unknown (not met nor met)"
def test_stated_age_without_the_files_screening_date_leaves_steam_i1_unknown(
        bundled_trials: dict[str, LoadedTrial]) -> None:
    changes = {"age_years": 18, "birth_date": REMOVED, "screening_date": REMOVED}
    result = screened(bundled_trials, STEAM, SLE, changes, as_of=date(2032, 11, 2))
    expect(result, "I1", Outcome.UNKNOWN, "no screening_date to tie it to",
           missing={"birth_date"})
    assert result.verdict != "eligible"


def test_stated_age_at_the_files_own_screening_date_decides_steam_i1(
        bundled_trials: dict[str, LoadedTrial]) -> None:
    changes = {"age_years": 18, "birth_date": REMOVED}
    result = screened(bundled_trials, STEAM, SLE, changes, as_of=date(2032, 11, 2))
    expect(result, "I1", Outcome.MET, "age 18 (stated")


# "An undated echo (echo_on removed) → LVEF criterion unknown naming organ_function.echo_on"
def test_undated_echo_leaves_steam_lvef_criterion_unknown(
        bundled_trials: dict[str, LoadedTrial]) -> None:
    result = screened(bundled_trials, STEAM, SLE, {"organ_function.echo_on": REMOVED})
    expect(result, "I4a", Outcome.UNKNOWN, "LVEF", "is not dated",
           missing={"organ_function.echo_on"})
    assert result.verdict != "eligible"
    result = screened(bundled_trials, STEAM, SLE, {"organ_function.echo_on": days_before(28)})
    expect(result, "I4a", Outcome.MET, "LVEF 64% ≥ 55%")


# "A lab result with its own stale measured_on overriding a current labs_on → unknown"
def test_stale_measured_on_of_one_lab_result_overrides_a_current_labs_on(
        bundled_trials: dict[str, LoadedTrial]) -> None:
    ast = {"value": 28, "uln": 40, "measured_on": date(2026, 1, 5)}
    result = screened(bundled_trials, STEAM, SLE, {"organ_function.ast": ast})
    expect(result, "I4d", Outcome.UNKNOWN, "AST of 2026-01-05 is older than 28 days",
           missing={"organ_function.ast"})
    assert result.verdict != "eligible"
    ast = {**ast, "measured_on": days_before(28)}
    result = screened(bundled_trials, STEAM, SLE, {"organ_function.ast": ast})
    expect(result, "I4d", Outcome.MET, f"AST 0.70×ULN ≤ 3 ({days_before(28)})")


# "explain-level: the BoundCriterion of NCT06222853 I6a has windows {"pregnancy_test": 7}"
def test_steam_i6a_applies_a_seven_day_pregnancy_test_window(
        bundled_trials: dict[str, LoadedTrial]) -> None:
    (bound,) = [c for c in bundled_trials[STEAM].criteria if c.criterion.id == "I6a"]
    assert dict(bound.windows) == {"pregnancy_test": 7}
    assert dict(bound.window_days) == {"pregnancy_test": 7}
    assert bound.windows_text == "pregnancy test within 7 days"


# =================================================================================================
# 2. Unknown at every depth
# =================================================================================================

SINUSITIS = {"name": "sinusitis", "onset": days_before(8), "resolved": "ongoing",
             "systemic_treatment": False}


# "An active infection (resolved = "ongoing", systemic_treatment false) with uncontrolled
# unrecorded → NCT06222853 E6 unknown naming events.infections[i].uncontrolled"
def test_active_infection_with_control_unrecorded_leaves_steam_e6_unknown(
        bundled_trials: dict[str, LoadedTrial]) -> None:
    result = screened(bundled_trials, STEAM, SLE, {"events.infections[1]": SINUSITIS})
    expect(result, "E6", Outcome.UNKNOWN, "uncontrolled",
           missing={"events.infections[1].uncontrolled"})
    assert result.verdict != "eligible"
    sinusitis = {**SINUSITIS, "uncontrolled": False}
    result = screened(bundled_trials, STEAM, SLE, {"events.infections[1]": sinusitis})
    expect(result, "E6", Outcome.MET, "no active infection needing systemic treatment")


# "A resolved infection with systemic treatment and no treatment_end, resolved before the
# 7-day window → E6 unknown naming treatment_end"
def test_treated_infection_without_treatment_end_leaves_steam_e6_unknown(
        bundled_trials: dict[str, LoadedTrial]) -> None:
    # The sample's urinary tract infection resolved on 2026-06-12, treated systemically.
    result = screened(bundled_trials, STEAM, SLE, {"events.infections[0].treatment_end": REMOVED})
    expect(result, "E6", Outcome.UNKNOWN, "treated in the window",
           missing={"events.infections[0].treatment_end"})
    assert result.verdict != "eligible"


BASAL_CELL_CARCINOMA = {"type": "basal cell carcinoma", "diagnosed": date(2025, 3, 1),
                        "status": "cured", "skin_basal_cell_carcinoma": True}


# "A malignancy entry that is a skin basal cell carcinoma, cured, with resected unrecorded →
# NCT06569472 E5 unknown (not not_met) [jdm]"
def test_basal_cell_carcinoma_with_resection_unrecorded_leaves_nct06569472_e5_unknown(
        bundled_trials: dict[str, LoadedTrial]) -> None:
    result = screened(bundled_trials, JDM_CD19, JDM,
                      {"history.malignancies": [BASAL_CELL_CARCINOMA]})
    expect(result, "E5", Outcome.UNKNOWN, "resected, cured skin basal cell carcinoma",
           missing={"history.malignancies[0].resected"})
    assert result.verdict != "eligible"
    resected = {**BASAL_CELL_CARCINOMA, "resected": True}
    result = screened(bundled_trials, JDM_CD19, JDM, {"history.malignancies": [resected]})
    expect(result, "E5", Outcome.MET, "exempted by the registry")


# "The high-dose prednisone course with its route removed → NCT06222853 I2b unknown naming
# treatments[0].route"
def test_high_dose_prednisone_without_route_leaves_steam_i2b_unknown(
        bundled_trials: dict[str, LoadedTrial]) -> None:
    result = screened(bundled_trials, STEAM, SLE, {"treatments[0].route": REMOVED})
    expect(result, "I2b", Outcome.UNKNOWN, "high-dose glucocorticoids",
           "depends on facts not recorded", missing={"treatments[0].route"})
    assert result.verdict != "eligible"


# "The JDM core set with activity.assessed_on removed, in a JDM patient whose only refractory
# feature is persistent weakness → NCT07184450 I2.1.1b unknown"
@pytest.mark.parametrize(("assessed_on", "outcome"), [
    (REMOVED, Outcome.UNKNOWN),
    (date(2026, 10, 28), Outcome.MET),  # the sample's own date: the rule decides it
], ids=["undated", "dated"])
def test_undated_jdm_core_set_leaves_persistent_weakness_unknown(
        bundled_trials: dict[str, LoadedTrial], assessed_on: object, outcome: Outcome) -> None:
    # The sample's other features are recorded absent; only calcinosis was present.
    changes = {"diagnosis.features.calcinosis": False, "activity.assessed_on": assessed_on}
    result = screened(bundled_trials, MULTI, JDM, changes)
    found = expect(result, "I2.1.1b", outcome, "persistent weakness rule",
                   missing={"activity.assessed_on"} if outcome == Outcome.UNKNOWN else None)
    if outcome == Outcome.UNKNOWN:
        assert "assessment is not dated (record activity.assessed_on)" in found.evidence
        assert result.verdict != "eligible"


# "A course's end removed where that course is needed → unknown naming it"
@pytest.mark.parametrize("trial_id", [STEAM, SLE_BCMA])
def test_needed_high_dose_steroid_course_without_end_leaves_sle_i2b_unknown(
        bundled_trials: dict[str, LoadedTrial], trial_id: str) -> None:
    # treatments[0]: prednisone 45 mg/day (1.07 mg/kg/day), the only high-dose course.
    result = screened(bundled_trials, trial_id, SLE, {"treatments[0].end": REMOVED})
    expect(result, "I2b", Outcome.UNKNOWN, "end not recorded", missing={"treatments[0].end"})
    assert result.verdict != "eligible"


# =================================================================================================
# 3. Contradictions
# =================================================================================================

# "A stated eGFR against the eGFR computed from a recorded creatinine that disagrees beyond
# measurement error (eGFR 96 stated, creatinine 8 mg/dL: eligible today)": the file does not
# say what the kidney function is, so the criterion is unknown, naming both keys, and the
# verdict is no longer eligible; a creatinine that agrees leaves the criterion met.
@pytest.mark.parametrize(("mg_per_dl", "outcome"), [(8.0, Outcome.UNKNOWN), (0.6, Outcome.MET)])
def test_stated_egfr_96_beside_creatinine_8_is_unknown_naming_both_keys(
        bundled_trials: dict[str, LoadedTrial], mg_per_dl: float, outcome: Outcome) -> None:
    creatinine = {"value": mg_per_dl, "unit": "mg/dL", "measured_on": date(2026, 10, 28)}
    result = screened(bundled_trials, STEAM, SLE, {"organ_function.creatinine": creatinine})
    found = expect(result, "I4c", outcome, "stated eGFR 96", f"creatinine {mg_per_dl:g} mg/dL")
    if outcome == Outcome.UNKNOWN:
        assert found.missing == ("organ_function.egfr_ml_min_1_73m2",
                                 "organ_function.creatinine")
        assert "disagree" in found.evidence
        assert result.verdict != "eligible"


# "HBV DNA above normal with negative HBsAg and HBcAb → NCT06222853 E8a review"
@pytest.mark.parametrize(("hbv_dna", "outcome"), [
    ("above_normal", Outcome.REVIEW), ("undetectable", Outcome.MET)])
def test_hbv_dna_above_normal_with_negative_hbsag_and_hbcab_goes_to_review(
        bundled_trials: dict[str, LoadedTrial], hbv_dna: str, outcome: Outcome) -> None:
    result = screened(bundled_trials, STEAM, SLE, {"serology.hbv_dna": hbv_dna})
    found = expect(result, "E8a", outcome, "HBV DNA")
    if outcome == Outcome.REVIEW:
        assert "HBV DNA above the normal range" in found.evidence
        assert "HBsAg and HBcAb negative" in found.evidence


# "A vaccine named "MMR" recorded live = false → loader refuses (key events.vaccines[0].live)"
def test_loader_refuses_mmr_recorded_not_live(tmp_path: Path) -> None:
    error = refused(tmp_path, sample(SLE, {"events.vaccines[0].name": "MMR"}))
    assert error.key == "events.vaccines[0].live"
    assert "events.vaccines[0].name" in error.message
    assert "MMR" not in error.message
    load_patient(written(tmp_path, sample(SLE, {"events.vaccines[0].name": "MMR",
                                                "events.vaccines[0].live": True})))


# "Weight 4.2 kg at 152 cm and 13 years → loader refuses"
def test_loader_refuses_weight_of_4_2_kg_at_152_cm_and_13_years(tmp_path: Path) -> None:
    data = sample(SLE, {"weight_kg": 4.2})
    assert (data["height_cm"], data["birth_date"]) == (152.0, date(2013, 4, 18))  # 13 years
    error = refused(tmp_path, data)
    assert error.key == "weight_kg"
    assert "height_cm" in error.message
    assert "4.2" not in error.message
    # At a height that makes the body mass index plausible, the weight is still far outside the
    # weights for 13 years: refused against the screening date, as every command checks next.
    path = written(tmp_path, sample(SLE, {"weight_kg": 4.2, "height_cm": 52.0}))
    with pytest.raises(InputError) as caught:
        check_against_screening_date(load_patient(path), path, SCREENING)
    assert caught.value.key == "weight_kg"
    assert "birth_date" in caught.value.message
    assert "4.2" not in caught.value.message


# "Two overlapping prednisone courses at different doses → loader refuses"
def test_loader_refuses_overlapping_prednisone_courses_at_different_doses(
        tmp_path: Path) -> None:
    # treatments[0]: prednisone 45 mg/day to 2026-03-10; treatments[1]: 20 mg/day from then.
    error = refused(tmp_path, sample(SLE, {"treatments[1].start": date(2026, 3, 1)}))
    assert error.key == "treatments[1]"
    assert "treatments[0]" in error.message
    assert "45" not in error.message and "20" not in error.message
    # A dose change written as one course ending the day the next begins is no contradiction.
    load_patient(written(tmp_path, sample(SLE, {"treatments[1].start": date(2026, 3, 10)})))


# =================================================================================================
# 4. Stated values against partial components
# =================================================================================================

_SLEDAI_LAB_DESCRIPTORS = ("hematuria", "proteinuria", "pyuria", "fever", "thrombocytopenia",
                           "leukopenia")
_SLEDAI_RAW_VALUES = ("highest_urine_rbc_per_hpf", "highest_proteinuria_g_per_24h",
                      "highest_urine_wbc_per_hpf", "highest_temperature_c",
                      "lowest_platelets_10e9_per_l", "lowest_wbc_10e9_per_l")
# The clinical descriptors of the SLEDAI-2K 6 sample (rash, low complement, raised anti-dsDNA),
# without any laboratory descriptor: they total 6 and allow up to 21.
SLEDAI_6_WITHOUT_LABS = {
    key: value
    for key, value in read_sample("sle-sledai-6--components.toml")
    ["activity"]["components"]["sledai_2k"].items()
    if key not in _SLEDAI_RAW_VALUES
}


# "Stated SLEDAI-2K 6 with [activity.components.sledai_2k] leaving the lab descriptors out
# (consistent with 6) → NCT06222853 I3 not met, verdict ineligible"
def test_stated_sledai_6_beside_partial_components_allowing_it_fails_steam_i3(
        bundled_trials: dict[str, LoadedTrial]) -> None:
    changes = {"activity.sledai_2k": 6, "activity.components.sledai_2k": SLEDAI_6_WITHOUT_LABS}
    result = screened(bundled_trials, STEAM, SLE, changes)
    expect(result, "I3", Outcome.NOT_MET, "SLEDAI-2K 6 < 8",
           "stated; the components recorded allow 6 to")
    assert result.verdict == "ineligible"


# "Stated 6 with components already totalling 10 → review"
def test_stated_sledai_6_beside_components_already_totalling_10_goes_to_review(
        bundled_trials: dict[str, LoadedTrial]) -> None:
    components = {**SLEDAI_6_WITHOUT_LABS, "arthritis": True}  # 4 + 2 + 2 + 2 = 10
    changes = {"activity.sledai_2k": 6, "activity.components.sledai_2k": components}
    result = screened(bundled_trials, STEAM, SLE, changes)
    expect(result, "I3", Outcome.REVIEW, "stated SLEDAI-2K 6 (activity.sledai_2k)",
           "(activity.components.sledai_2k) already total 10")


# "A stated ILAR category with partial components consistent with it → NCT07184450 I2.2a
# decided by the stated category [pjia]"
def test_stated_ilar_category_beside_consistent_partial_components_decides_i2_2a(
        bundled_trials: dict[str, LoadedTrial]) -> None:
    components = read_sample(PJIA_COMPONENTS)["diagnosis"]["components"]["ilar_2001"]
    partial = {key: value for key, value in components.items()
               if key not in ("hla_b27", "psoriasis_first_degree_relative")}
    result = screened(bundled_trials, MULTI, PJIA, {"diagnosis.components.ilar_2001": partial})
    expect(result, "I2.2a", Outcome.MET, "polyarticular RF negative (stated; the components "
           "recorded allow")
    # Without the stated category, the same components leave the category open.
    result = screened(bundled_trials, MULTI, PJIA, {
        "diagnosis.classification.ilar_2001": REMOVED, "diagnosis.components.ilar_2001": partial})
    expect(result, "I2.2a", Outcome.UNKNOWN, missing={
        "diagnosis.components.ilar_2001.hla_b27",
        "diagnosis.components.ilar_2001.psoriasis_first_degree_relative"})


# "SLEDAI lab descriptors recorded present/absent (booleans) with a complete components table
# → computed"
@pytest.mark.parametrize(("present", "total", "outcome"), [
    ((), 6, Outcome.NOT_MET),
    (("hematuria", "proteinuria"), 14, Outcome.MET),
])
def test_sledai_lab_descriptors_scored_present_or_absent_complete_the_components(
        bundled_trials: dict[str, LoadedTrial], present: tuple[str, ...], total: int,
        outcome: Outcome) -> None:
    components = {**SLEDAI_6_WITHOUT_LABS,
                  **{key: key in present for key in _SLEDAI_LAB_DESCRIPTORS}}
    changes = {"activity.sledai_2k": REMOVED, "activity.components.sledai_2k": components}
    result = screened(bundled_trials, STEAM, SLE, changes)
    found = expect(result, "I3", outcome, f"SLEDAI-2K {total}", "computed")
    (derivation,) = found.derivations
    assert (derivation.total, derivation.maximum, derivation.missing) == (total, total, ())


# =================================================================================================
# 5. Readings
# =================================================================================================

# "NCT06792344 I5 with a 5-day steroid burst, one cyclophosphamide dose (start = end) and 6 weeks
# of MMF years apart → review (never met)"
def test_ssc_treatments_given_years_apart_send_nct06792344_i5_to_review(
        bundled_trials: dict[str, LoadedTrial]) -> None:
    apart = [
        course("prednisone", date(2024, 2, 1), date(2024, 2, 5), dose=30, dose_unit="mg/day",
               route="oral"),  # 0.79 mg/kg/day at 38 kg
        course("cyclophosphamide", date(2025, 1, 10), date(2025, 1, 10), route="iv"),
        course("mycophenolate mofetil", date(2026, 1, 5), date(2026, 2, 16)),
    ]
    result = screened(bundled_trials, SSC_CD19, SSC, {"treatments": apart})
    expect(result, "I5", Outcome.REVIEW, "never given together",
           "whether courses given one after another count is for the investigator")


# "The same courses overlapping more than 3 months → met"
@pytest.mark.parametrize(("end", "outcome"), [
    (date(2025, 4, 2), Outcome.MET),  # one day more than 3 months together
    (date(2025, 5, 15), Outcome.MET),
    (date(2025, 4, 1), Outcome.REVIEW),  # exactly 3 months: not "more than"
])
def test_ssc_treatments_given_together_more_than_3_months_meet_nct06792344_i5(
        bundled_trials: dict[str, LoadedTrial], end: date, outcome: Outcome) -> None:
    start = date(2025, 1, 1)
    together = [
        course("prednisone", start, end, dose=30, dose_unit="mg/day", route="oral"),
        course("cyclophosphamide", start, end, route="iv"),
        course("mycophenolate mofetil", start, end),
    ]
    result = screened(bundled_trials, SSC_CD19, SSC, {"treatments": together})
    fragment = (f"the combination given together {start} to {end}, more than 3 months"
                if outcome == Outcome.MET
                else f"given together for only 91 days ({start} to {end})")
    expect(result, "I5", outcome, fragment)


# "NCT06934447/NCT06222853 I2b with two weeks each of HCQ, MMF and azathioprine (and 3+ months
# of high-dose steroids) → review"
@pytest.mark.parametrize("trial_id", [STEAM, SLE_BCMA])
def test_two_weeks_each_of_hcq_mmf_and_azathioprine_send_sle_i2b_to_review(
        bundled_trials: dict[str, LoadedTrial], trial_id: str) -> None:
    steroids = read_sample(SLE)["treatments"][:2]  # 45 mg/day for 4 months, then 20 mg/day
    short = [*steroids,
             course("hydroxychloroquine", date(2025, 11, 3), date(2025, 11, 17)),
             course("mycophenolate mofetil", date(2025, 12, 1), date(2025, 12, 15)),
             course("azathioprine", date(2026, 1, 5), date(2026, 1, 19))]
    result = screened(bundled_trials, trial_id, SLE, {"treatments": short})
    found = expect(result, "I2b", Outcome.REVIEW, "met only by counting hydroxychloroquine",
                   "mycophenolate (2025-12-01 to 2025-12-15), azathioprine",
                   "given for less than 3 months")
    assert "high-dose glucocorticoids" not in found.evidence  # the steroids meet it plainly


# "tuberculosis.status = "active" (current) → NCT06222853 E6 and NCT06934447 E5 not met"
@pytest.mark.parametrize(("trial_id", "criterion_id"), [(STEAM, "E6"), (SLE_BCMA, "E5")])
def test_current_active_tuberculosis_excludes_from_both_sle_trials(
        bundled_trials: dict[str, LoadedTrial], trial_id: str, criterion_id: str) -> None:
    result = screened(bundled_trials, trial_id, SLE, {"tuberculosis.status": "active"})
    expect(result, criterion_id, Outcome.NOT_MET, "active tuberculosis (2026-10-28)")
    assert result.verdict == "ineligible"


LUPUS_PSYCHOSIS = {"description": "lupus psychosis", "date": date(2025, 3, 1),
                   "neuropsychiatric_lupus": True, "required_intervention": True,
                   "intervention_end": date(2025, 6, 1)}


# "CNS lupus event from 2025 still active = true → NCT06934447 E1 not met"
def test_cns_lupus_from_2025_still_active_excludes_from_nct06934447(
        bundled_trials: dict[str, LoadedTrial]) -> None:
    event = {**LUPUS_PSYCHOSIS, "active": True}
    result = screened(bundled_trials, SLE_BCMA, SLE, {"events.cns_events": [event]})
    expect(result, "E1", Outcome.NOT_MET, "lupus psychosis", "still active")
    assert result.verdict == "ineligible"


# "... and intervention_end "ongoing" with active false → not met, intervention ended > 60 days
# before → met"
@pytest.mark.parametrize(("intervention_end", "outcome"), [
    ("ongoing", Outcome.NOT_MET),
    (days_before(60), Outcome.NOT_MET),  # the first day of the 60-day window
    (days_before(61), Outcome.MET),
    (date(2025, 6, 1), Outcome.MET),
])
def test_cns_lupus_intervention_reaching_the_60_day_window_excludes_from_nct06934447(
        bundled_trials: dict[str, LoadedTrial], intervention_end: date | str,
        outcome: Outcome) -> None:
    event = {**LUPUS_PSYCHOSIS, "intervention_end": intervention_end, "active": False}
    result = screened(bundled_trials, SLE_BCMA, SLE, {"events.cns_events": [event]})
    fragment = ("intervention continuing into the window" if outcome == Outcome.NOT_MET
                else "no CNS lupus needing intervention in the 60 days before screening")
    expect(result, "E1", outcome, fragment)


# "NCT06569472 I6.4 with serious_lung_lesions = true (SpO2 fine) → review, FVC 60% predicted →
# review"
@pytest.mark.parametrize(("changes", "fragment", "outcome"), [
    ({"organ_function.serious_lung_lesions": True}, "but serious lung lesions", Outcome.REVIEW),
    ({"organ_function.fvc_percent_predicted": 60}, "but FVC 60% predicted", Outcome.REVIEW),
    ({"organ_function.fvc_percent_predicted": 80}, "no recorded lung lesion", Outcome.MET),
])
def test_lung_findings_beside_a_good_spo2_send_nct06569472_i6_4_to_review(
        bundled_trials: dict[str, LoadedTrial], changes: dict[str, object], fragment: str,
        outcome: Outcome) -> None:
    result = screened(bundled_trials, JDM_CD19, JDM, changes)
    expect(result, "I6.4", outcome, "SpO2 99%", fragment)


def _jdm_without_glucocorticoids() -> list[dict[str, Any]]:
    """The JDM sample's courses other than its glucocorticoids (methotrexate, HCQ,
    cyclosporine, IVIG, MMF)."""
    courses: list[dict[str, Any]] = read_sample(JDM)["treatments"][5:]
    assert "prednisolone" not in {c["drug"] for c in courses}
    return courses


# "Adequate hormone therapy: JDM glucocorticoid history whose highest dose is 0.2 mg/kg/day for
# 8 months → NCT06569472 I3a review"
@pytest.mark.parametrize(("dose", "outcome"), [(0.2, Outcome.REVIEW), (0.5, Outcome.MET)])
def test_jdm_glucocorticoids_at_0_2_mg_kg_for_8_months_send_nct06569472_i3a_to_review(
        bundled_trials: dict[str, LoadedTrial], dose: float, outcome: Outcome) -> None:
    steroid = course("prednisolone", date(2025, 1, 1), date(2025, 9, 1), dose=dose,
                     dose_unit="mg/kg/day", route="oral")
    result = screened(bundled_trials, JDM_CD19, JDM,
                      {"treatments": [steroid, *_jdm_without_glucocorticoids()]})
    fragment = ("the highest dose, 0.2 mg/kg/day prednisone-equivalent, is below 0.5"
                if outcome == Outcome.REVIEW else "prednisolone 0.5 mg/kg/day")
    expect(result, "I3a", outcome, fragment)


# "Only interrupted steroid courses adding up to 6 months → review"
@pytest.mark.parametrize(("ends", "outcome"), [
    ((date(2024, 6, 15), date(2025, 4, 15)), Outcome.REVIEW),  # 101 + 105 = 206 days
    ((date(2024, 5, 15), date(2025, 3, 15)), Outcome.NOT_MET),  # 70 + 74 = 144 days
])
def test_interrupted_steroid_courses_adding_up_to_6_months_send_nct06569472_i3a_to_review(
        bundled_trials: dict[str, LoadedTrial], ends: tuple[date, date],
        outcome: Outcome) -> None:
    steroids = [course("prednisolone", start, end, dose=1.0, dose_unit="mg/kg/day",
                       route="oral")
                for start, end in zip((date(2024, 3, 7), date(2025, 1, 1)), ends, strict=True)]
    result = screened(bundled_trials, JDM_CD19, JDM,
                      {"treatments": [*steroids, *_jdm_without_glucocorticoids()]})
    fragment = ("cumulative reading: 206 days of treatment in all" if outcome == Outcome.REVIEW
                else "144 days in all, short of 6 months")
    expect(result, "I3a", outcome, fragment)


# "IVIG as the second "immunosuppressant" → NCT06569472 I3a review (not not_met)"
def test_ivig_as_the_second_immunosuppressant_sends_nct06569472_i3a_to_review(
        bundled_trials: dict[str, LoadedTrial]) -> None:
    treatments = read_sample(JDM)["treatments"]
    kept = [c for c in treatments
            if c["drug"] not in ("hydroxychloroquine", "cyclosporine", "mycophenolate mofetil")]
    assert {c["drug"] for c in kept[5:]} == {"methotrexate", "intravenous immunoglobulin"}
    result = screened(bundled_trials, JDM_CD19, JDM, {"treatments": kept})
    expect(result, "I3a", Outcome.REVIEW, "immunosuppressants: met only by counting ivig",
           "not on the registry's list")


# "NCT07184450 I2.2b with methotrexate 7 months stopped for intolerance plus a 12-week stable
# biologic with inadequate response → met [pjia]"
@pytest.mark.parametrize(("biologic_start", "outcome"), [
    (days_before(84), Outcome.MET),  # 12 weeks on the screening date
    (days_before(83), Outcome.NOT_MET),
])
def test_methotrexate_stopped_for_intolerance_and_a_12_week_biologic_meet_pjia_i2_2b(
        bundled_trials: dict[str, LoadedTrial], biologic_start: date, outcome: Outcome) -> None:
    naproxen = read_sample(PJIA)["treatments"][0]
    treatments = [
        naproxen,
        course("methotrexate", date(2023, 1, 2), date(2023, 8, 2), "intolerant", route="sc"),
        course("adalimumab", biologic_start, "ongoing", route="sc"),
    ]
    result = screened(bundled_trials, MULTI, PJIA, {"treatments": treatments})
    fragment = ("traditional DMARDs: methotrexate (2023-01-02 to 2023-08-02); stable dose of "
                f"DMARD or biologic: adalimumab ({biologic_start} to {SCREENING})"
                if outcome == Outcome.MET else "no single course lasting 12 weeks")
    expect(result, "I2.2b", outcome, fragment)


# "NCT07184450 I2.1.1b item (5) with MRI edema but fewer than 2 core measures abnormal (and no
# other feature) → review"
@pytest.mark.parametrize(("phga_cm", "outcome"), [(2.0, Outcome.REVIEW), (4.5, Outcome.MET)])
def test_mri_edema_with_fewer_than_2_core_measures_sends_persistent_weakness_to_review(
        bundled_trials: dict[str, LoadedTrial], phga_cm: float, outcome: Outcome) -> None:
    changes = {
        "diagnosis.features.calcinosis": False,  # the other features are recorded absent
        "activity.jdm.muscle_mri_diffuse_edema": True,
        "activity.jdm.phga_cm": phga_cm,
        "activity.jdm.ptga_cm": 1.0 if outcome == Outcome.REVIEW else 5.0,
        "activity.jdm.das": 1,
        "activity.jdm.chaq": 0.125,
        "activity.jdm.muscle_enzyme_max_x_uln": 1.2,
    }
    result = screened(bundled_trials, MULTI, JDM, changes)
    fragment = ("1 of 5 core measures abnormal (PhGA 2); the registry wording reads two ways"
                if outcome == Outcome.REVIEW else "2 of 5 core measures abnormal")
    expect(result, "I2.1.1b", outcome, "MRI diffuse edema", fragment)


# "NCT06569472 E14 with an observational registry study in the window → review"
@pytest.mark.parametrize(("end", "outcome"), [
    ("ongoing", Outcome.REVIEW),
    (date(2026, 8, 2), Outcome.REVIEW),  # the first day of the 3-month window
    (date(2026, 8, 1), Outcome.MET),
])
def test_observational_registry_study_in_the_window_sends_nct06569472_e14_to_review(
        bundled_trials: dict[str, LoadedTrial], end: date | str, outcome: Outcome) -> None:
    registry = {"name": "national JDM registry", "interventional": False,
                "start": date(2024, 6, 1), "end": end}
    result = screened(bundled_trials, JDM_CD19, JDM, {"events.studies": [registry]})
    fragment = ("observational study national JDM registry" if outcome == Outcome.REVIEW
                else "no other study within 3 months")
    expect(result, "E14", outcome, fragment)


BOY = {"sex": "male", "pregnancy": {"childbearing_potential": False}}


# "Contraception: a boy → NCT06792344 I7b review"
def test_boy_goes_to_review_for_ssc_contraception_nct06792344_i7b(
        bundled_trials: dict[str, LoadedTrial]) -> None:
    result = screened(bundled_trials, SSC_CD19, SSC, BOY)
    expect(result, "I7b", Outcome.REVIEW, "includes a boy of reproductive age")
    # A girl recorded as not of childbearing potential is not concerned.
    result = screened(bundled_trials, SSC_CD19, SSC, {"pregnancy": BOY["pregnancy"]})
    expect(result, "I7b", Outcome.NOT_APPLICABLE, "not of childbearing potential")


# "... NCT06222853 I6b not applicable (SLE trials say "female Subjects")"
@pytest.mark.parametrize(("trial_id", "criterion_id"), [(STEAM, "I6b"), (SLE_BCMA, "I7b")])
def test_boy_is_not_concerned_by_sle_contraception_for_female_subjects(
        bundled_trials: dict[str, LoadedTrial], trial_id: str, criterion_id: str) -> None:
    result = screened(bundled_trials, trial_id, SLE, BOY)
    expect(result, criterion_id, Outcome.NOT_APPLICABLE, "male patient")


# =================================================================================================
# 6. ILAR
# =================================================================================================

RF_POSITIVE_TWICE = [{"month": 1.0, "positive": True}, {"month": 4.5, "positive": True}]


# "An HLA-B27-positive boy with onset after his 6th birthday and RF-positive polyarthritis by
# the components → NCT07184450 I2.2a not met"
@pytest.mark.parametrize(("onset_age", "onset_date", "outcome"), [
    (10.3, date(2022, 9, 1), Outcome.NOT_MET),  # the sample's onset, aged 10
    (5.9, date(2018, 4, 1), Outcome.MET),  # before his 6th birthday: exclusion (b) is silent
])
def test_hla_b27_positive_boy_with_onset_after_his_6th_birthday_is_not_polyarticular_jia(
        bundled_trials: dict[str, LoadedTrial], onset_age: float, onset_date: date,
        outcome: Outcome) -> None:
    components = read_sample(PJIA_COMPONENTS)["diagnosis"]["components"]["ilar_2001"]
    assert components["sex"] == "male"
    changes = {
        "diagnosis.classification.ilar_2001": REMOVED,
        "diagnosis.onset_date": onset_date,
        "diagnosis.components.ilar_2001": {**components, "hla_b27": True,
                                            "age_at_onset_years": onset_age,
                                            "rf_tests": RF_POSITIVE_TWICE},
    }
    result = screened(bundled_trials, MULTI, PJIA, changes)
    fragment = ("not polyarthritis (computed)" if outcome == Outcome.NOT_MET
                else "polyarticular RF positive (computed)")
    found = expect(result, "I2.2a", outcome, fragment)
    (derivation,) = found.derivations
    if outcome == Outcome.NOT_MET:
        assert derivation.excluded_by is not None and "HLA-B27" in derivation.excluded_by
        assert result.verdict == "ineligible"


# =================================================================================================
# 7. Guard: every case started from the result stated for its trial before the change
# =================================================================================================

# (sample, trial, criterion, its outcome before the change). Each sample is eligible for the
# trial as it stands, so every case above shows a change of the case's making.
BASELINES = [
    (SLE, STEAM, "E8a", Outcome.MET),
    (JDM, MULTI, "E3b", Outcome.MET),
    (SLE, STEAM, "I3", Outcome.MET),
    (SLE, SLE_BCMA, "I7a", Outcome.MET),
    (SLE, STEAM, "I1", Outcome.MET),
    (SLE, STEAM, "I4a", Outcome.MET),
    (SLE, STEAM, "I4d", Outcome.MET),
    (SLE, STEAM, "E6", Outcome.MET),
    (JDM, JDM_CD19, "E5", Outcome.MET),
    (SLE, STEAM, "I2b", Outcome.MET),
    (SLE, SLE_BCMA, "I2b", Outcome.MET),
    (JDM, MULTI, "I2.1.1b", Outcome.MET),
    (SLE, STEAM, "I4c", Outcome.MET),
    (PJIA, MULTI, "I2.2a", Outcome.MET),
    (SSC, SSC_CD19, "I5", Outcome.MET),
    (SLE, SLE_BCMA, "E5", Outcome.MET),
    (SLE, SLE_BCMA, "E1", Outcome.MET),
    (JDM, JDM_CD19, "I6.4", Outcome.MET),
    (JDM, JDM_CD19, "I3a", Outcome.MET),
    (PJIA, MULTI, "I2.2b", Outcome.MET),
    (JDM, JDM_CD19, "E14", Outcome.MET),
    (SSC, SSC_CD19, "I7b", Outcome.REVIEW),  # a girl of childbearing potential
    (SLE, STEAM, "I6b", Outcome.REVIEW),
    (SLE, SLE_BCMA, "I7b", Outcome.REVIEW),
]


@pytest.mark.parametrize(("name", "trial_id", "criterion_id", "before"), BASELINES,
                         ids=[f"{n.split('-')[0]}-{t}-{c}" for n, t, c, _ in BASELINES])
def test_each_case_starts_from_an_eligible_sample(
        bundled_trials: dict[str, LoadedTrial], name: str, trial_id: str, criterion_id: str,
        before: Outcome) -> None:
    result = screened(bundled_trials, trial_id, name)
    assert result.verdict == "eligible"
    assert read_sample(name)["expected_verdicts"][trial_id] == "eligible"
    expect(result, criterion_id, before)


@pytest.mark.parametrize("name", [SLE, JDM, SSC, PJIA, PJIA_COMPONENTS])
def test_each_sample_used_loads_as_it_stands(name: str, tmp_path: Path) -> None:
    load_patient(SAMPLES / name)
    load_patient(written(tmp_path, sample(name)))  # and survives being written back
