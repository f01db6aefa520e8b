"""The cohort attrition funnel, counted on a small cohort whose counts were made by hand.

The cohort: five bundled sample patients copied as they are, plus CS-SLE-201, a copy of CS-SLE-001
whose CMV DNA result has not come back (the only missing fact, so it is "unknown alone").

Hand count, read from `cartscreen explain TRIAL --patient FILE --format json` (criteria whose
outcome is not_met = NM, unknown = UN):

NCT06222853 (CD19, cSLE)
  patient     verdict      NM          UN
  CS-SLE-001  eligible     -           -
  CS-SLE-008  incomplete   -           E8a E8b E8c E8d E8e
  CS-SLE-009  ineligible   I4a         -
  CS-SLE-201  incomplete   -           E8e
  CS-JDM-003  ineligible   I2a E8a     I3 E6
  CS-JDM-005  ineligible   I2a         I3

NCT07184450 (BCMA/CD70, pediatric rheumatic diseases)
  patient     verdict      NM          UN
  CS-SLE-001  ineligible   I2          -
  CS-SLE-008  ineligible   I2          E3c E8a E8b E8c E8d
  CS-SLE-009  ineligible   I2 I5.1a    -
  CS-SLE-201  ineligible   I2          -
  CS-JDM-003  ineligible   E3c E8a     E3a
  CS-JDM-005  incomplete   -           I3a I3b

(CS-JDM-003's active hepatitis B infection does not record whether it is uncontrolled, so the
infection exclusions E6 and E3a are unknown for it.)

Verdicts elsewhere (from the samples' [expected_verdicts]):
  NCT06569472: CS-JDM-005 eligible, the other five ineligible
  NCT06792344: all six ineligible
  NCT06934447: CS-SLE-001 eligible; CS-SLE-008, CS-SLE-201 incomplete; the other three ineligible
"""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest
from pydantic import ValidationError

from cartscreen.engine import screen_patient
from cartscreen.funnel import (
    CriterionAttrition,
    Funnel,
    FunnelBuilder,
    TrialFunnel,
    funnel,
)
from cartscreen.patient import load_patient
from cartscreen.render.funnel import render_funnel_json, render_funnel_table, short_wording
from cartscreen.result import PatientResult
from cartscreen.trial import LoadedTrial

SAMPLES = Path(__file__).resolve().parents[1] / "sample_patients"
COPIED = (
    "sle-refractory-eligible.toml",
    "sle-serology-not-done.toml",
    "sle-lvef-50.toml",
    "jdm-hbv-viremia.toml",
    "jdm-b-cells-not-measured.toml",
)

# (eligible, ineligible, incomplete) per trial, from the table above.
VERDICT_COUNTS = {
    "NCT06222853": (1, 3, 2),
    "NCT06569472": (1, 5, 0),
    "NCT06792344": (0, 6, 0),
    "NCT06934447": (1, 3, 2),
    "NCT07184450": (0, 5, 1),
}

# criterion id -> (not_met, excludes_alone, unknown, unknown_alone); every other criterion 0s.
ATTRITION = {
    "NCT06222853": {
        "I2a": (2, 1, 0, 0),  # JDM-005 alone; JDM-003 with E8a
        "I3": (0, 0, 2, 0),  # both JDM patients, already ineligible
        "I4a": (1, 1, 0, 0),  # SLE-009 alone
        "E6": (0, 0, 1, 0),  # JDM-003, already ineligible
        "E8a": (1, 0, 1, 0),  # NM for JDM-003 (with I2a); UN for SLE-008 among four others
        "E8b": (0, 0, 1, 0),
        "E8c": (0, 0, 1, 0),
        "E8d": (0, 0, 1, 0),
        "E8e": (0, 0, 2, 1),  # SLE-008 among five; SLE-201 alone
    },
    "NCT07184450": {
        # Alone for SLE-001, SLE-201 and SLE-008 (its unknowns do not share the exclusion);
        # SLE-009 also fails I5.1a.
        "I2": (4, 3, 0, 0),
        "I3a": (0, 0, 1, 0),  # JDM-005, together with I3b
        "I3b": (0, 0, 1, 0),
        "I5.1a": (1, 0, 0, 0),  # SLE-009, with I2
        "E3a": (0, 0, 1, 0),  # JDM-003, already ineligible
        "E3c": (1, 0, 1, 0),  # NM for JDM-003 (with E8a); UN for SLE-008
        "E8a": (1, 0, 1, 0),  # NM for JDM-003 (with E3c); UN for SLE-008
        "E8b": (0, 0, 1, 0),
        "E8c": (0, 0, 1, 0),
        "E8d": (0, 0, 1, 0),
    },
}


def _cmv_dna_not_sent(text: str) -> str:
    """CS-SLE-001 as CS-SLE-201, with the CMV DNA result left out."""
    edited = (
        text.replace('id = "CS-SLE-001"', 'id = "CS-SLE-201"')
        .replace('cmv_dna = "negative"\n', "")
        .replace('NCT06934447 = "eligible"', 'NCT06934447 = "incomplete"')
        .replace('NCT06222853 = "eligible"', 'NCT06222853 = "incomplete"')
    )
    # If the sample changes shape, fail here rather than count a different cohort.
    assert "cmv_dna" not in edited and "CS-SLE-201" in edited
    assert edited.count('"incomplete"') == 2
    return edited


@pytest.fixture(scope="module")
def cohort(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("clinic")
    for name in COPIED:
        (folder / name).write_text((SAMPLES / name).read_text(encoding="utf-8"),
                                   encoding="utf-8")
    eligible = (SAMPLES / "sle-refractory-eligible.toml").read_text(encoding="utf-8")
    (folder / "sle-cmv-dna-not-sent.toml").write_text(_cmv_dna_not_sent(eligible),
                                                      encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def results(cohort: Path, bundled_trials: dict[str, LoadedTrial]) -> list[PatientResult]:
    screened = []
    for path in sorted(cohort.glob("*.toml")):
        patient = load_patient(path)
        result = screen_patient(patient, str(path), bundled_trials.values(), as_of=None,
                                today=date(2026, 11, 2))
        # The cohort is what its files declare; otherwise the hand count is of something else.
        assert {t.trial_id: t.verdict for t in result.trials} == patient.expected_verdicts
        screened.append(result)
    return screened


@pytest.fixture(scope="module")
def cohort_funnel(results: list[PatientResult]) -> Funnel:
    return funnel(results, errors=1)


def _trial(funnel_: Funnel, trial_id: str) -> TrialFunnel:
    return next(t for t in funnel_.trials if t.trial_id == trial_id)


def _counts(criterion: CriterionAttrition) -> tuple[int, int, int, int]:
    return (criterion.not_met, criterion.excludes_alone, criterion.unknown,
            criterion.unknown_alone)


def test_funnel_counts_patients_errors_and_every_trial_in_screening_order(
    cohort_funnel: Funnel, bundled_trials: dict[str, LoadedTrial],
) -> None:
    assert cohort_funnel.schema_version == 1
    assert cohort_funnel.patients == 6
    assert cohort_funnel.errors == 1
    assert [t.trial_id for t in cohort_funnel.trials] == list(bundled_trials)


@pytest.mark.parametrize("trial_id", sorted(VERDICT_COUNTS))
def test_verdict_counts_per_trial_match_the_hand_count(
    cohort_funnel: Funnel, trial_id: str,
) -> None:
    trial = _trial(cohort_funnel, trial_id)
    assert (trial.eligible, trial.ineligible, trial.incomplete) == VERDICT_COUNTS[trial_id]


@pytest.mark.parametrize("trial_id", sorted(ATTRITION))
def test_criterion_attrition_matches_the_hand_count(
    cohort_funnel: Funnel, bundled_trials: dict[str, LoadedTrial], trial_id: str,
) -> None:
    trial = _trial(cohort_funnel, trial_id)
    assert trial.title == bundled_trials[trial_id].trial.title
    assert [c.id for c in trial.criteria] == [
        item.criterion.id for item in bundled_trials[trial_id].criteria
    ]
    counted = {c.id: _counts(c) for c in trial.criteria if c.affects_anyone}
    assert counted == ATTRITION[trial_id]
    assert all(_counts(c) == (0, 0, 0, 0) for c in trial.criteria if c.id not in counted)


def test_criterion_carries_its_registry_wording_kind_and_check(
    cohort_funnel: Funnel, bundled_trials: dict[str, LoadedTrial],
) -> None:
    e8e = next(c for c in _trial(cohort_funnel, "NCT06222853").criteria if c.id == "E8e")
    bound = next(i for i in bundled_trials["NCT06222853"].criteria if i.criterion.id == "E8e")
    assert (e8e.kind, e8e.text, e8e.check) == ("exclusion", bound.criterion.text,
                                               bound.check.name)


def test_verdicts_add_up_to_the_patients_screened(cohort_funnel: Funnel) -> None:
    for trial in cohort_funnel.trials:
        assert trial.eligible + trial.ineligible + trial.incomplete == trial.patients
        assert trial.patients == cohort_funnel.patients
        # Each patient is excluded alone, or incomplete for one fact alone, by at most one
        # criterion, and only if ineligible or incomplete respectively.
        assert sum(c.excludes_alone for c in trial.criteria) <= trial.ineligible
        assert sum(c.unknown_alone for c in trial.criteria) <= trial.incomplete
        for criterion in trial.criteria:
            assert criterion.excludes_alone <= criterion.not_met <= trial.ineligible
            assert criterion.unknown_alone <= criterion.unknown


def test_builder_gives_the_same_funnel_as_funnel(
    results: list[PatientResult], cohort_funnel: Funnel,
) -> None:
    builder = FunnelBuilder()
    for result in results:
        builder.add(result)
    assert builder.build(errors=1) == cohort_funnel
    assert builder.build(errors=0) == funnel(results)


def test_funnel_reads_its_input_once_so_a_batch_can_stream_through(
    results: list[PatientResult], cohort_funnel: Funnel,
) -> None:
    # A generator can be iterated only once: a second pass would see no patients.
    assert funnel((r for r in results), errors=1) == cohort_funnel


def test_empty_cohort_has_no_trials() -> None:
    assert funnel([], errors=3) == Funnel(patients=0, errors=3, trials=())


def test_funnel_is_immutable(cohort_funnel: Funnel) -> None:
    with pytest.raises(ValidationError):
        cohort_funnel.patients = 7  # type: ignore[misc]
    with pytest.raises(ValidationError):
        cohort_funnel.trials[0].criteria[0].not_met = 9  # type: ignore[misc]


def test_json_is_the_model_dumped_and_reads_back(cohort_funnel: Funnel) -> None:
    out = io.StringIO()
    render_funnel_json(cohort_funnel, out)
    data = json.loads(out.getvalue())
    assert data["schema_version"] == 1 and data["patients"] == 6 and data["errors"] == 1
    first = data["trials"][0]["criteria"][0]
    assert set(first) == {"id", "kind", "text", "check", "not_met", "excludes_alone",
                          "unknown", "unknown_alone"}
    assert Funnel.model_validate_json(out.getvalue()) == cohort_funnel


@pytest.fixture
def table(cohort_funnel: Funnel, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    out = io.StringIO()
    render_funnel_table(cohort_funnel, out, width=160)
    return out.getvalue()


def test_table_has_header_counts_and_no_colour(table: str) -> None:
    assert "\x1b[" not in table
    assert "Cohort funnel: 6 patients screened; 1 input file could not be screened" in table
    assert "1 eligible / 3 ineligible / 2 incomplete of 6 patients" in table
    assert "0 eligible / 5 ineligible / 1 incomplete of 6 patients" in table
    assert "0 eligible / 6 ineligible / 0 incomplete of 6 patients" in table


def _section(table: str, trial_id: str) -> str:
    start = table.index(trial_id)
    end = table.find("NCT0", start + len(trial_id))
    return table[start:end if end != -1 else len(table)]


def _rows(section: str) -> list[list[str]]:
    """The cells of each body row of the section's table (the header row is drawn with "┃")."""
    lines = [line for line in section.splitlines() if line.startswith("│")]
    return [[cell.strip() for cell in line.strip("│").split("│")] for line in lines]


def test_table_orders_criteria_by_excludes_alone_then_not_met(table: str) -> None:
    sle = _section(table, "NCT06222853")
    # I2a and I4a each exclude one patient alone (I2a has more not met); E8a excludes none alone;
    # then the unknowns: E8e (unknown alone once) before I3, then the trial's order.
    assert [row[0] for row in _rows(sle)] == ["I2a", "I4a", "E8a", "E8e", "I3", "E6", "E8b",
                                              "E8c", "E8d"]
    assert "25 other criteria excluded no patient and left none unknown." in sle
    rheum = _rows(_section(table, "NCT07184450"))
    assert rheum[0][:2] == ["I2", "inclusion"]
    assert rheum[0][3:] == ["4", "3", "0", "0"]


def test_table_shortens_the_registry_wording(table: str, cohort_funnel: Funnel) -> None:
    e8a = next(c for c in _trial(cohort_funnel, "NCT06222853").criteria if c.id == "E8a")
    assert len(e8a.text) > 60
    shortened = short_wording(e8a.text)
    assert len(shortened) <= 60 and shortened.endswith("…")
    assert shortened in table
    assert e8a.text not in table
