"""Plausibility: values outside physiological ranges, dates out of order, facts after the
screening date and facts that contradict each other are errors naming the key, never fixed
silently and never quoting a value."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from cartscreen.errors import InputError
from cartscreen.patient import (
    Patient,
    check_against_screening_date,
    dated_facts,
    load_patient,
)
from cartscreen.patient.plausibility import weight_for_age_bounds_kg
from tests_support import ELIGIBLE, SAMPLES, run, write

HEAD = 'id = "P"\nsex = "female"\nbirth_date = 2013-04-18\nscreening_date = 2026-11-02\n'


def _error(tmp_path: Path, text: str, *, screening: date | None = None,
           source: str = "patient file") -> InputError | None:
    """The error loading the file and checking it against the screening date, or None."""
    path = write(tmp_path / "p.toml", text)
    try:
        patient = load_patient(path)
        check_against_screening_date(patient, path, screening or patient.screening_date
                                     or date(2026, 11, 2), source)
    except InputError as exc:
        return exc
    return None


def _key(tmp_path: Path, text: str, *, screening: date | None = None,
         source: str = "patient file") -> str | None:
    error = _error(tmp_path, text, screening=screening, source=source)
    return None if error is None else error.key


# --- ranges: both sides of every bound ------------------------------------------------------


@pytest.mark.parametrize(("line", "key", "plausible"), [
    ("[organ_function]\nlvef_percent = 0", "organ_function.lvef_percent", True),
    ("[organ_function]\nlvef_percent = 100", "organ_function.lvef_percent", True),
    ("[organ_function]\nlvef_percent = 100.1", "organ_function.lvef_percent", False),
    ("[organ_function]\nlvef_percent = -0.1", "organ_function.lvef_percent", False),
    ("[organ_function]\nspo2_percent = 100", "organ_function.spo2_percent", True),
    ("[organ_function]\nspo2_percent = 101", "organ_function.spo2_percent", False),
    ("[organ_function]\nspo2_percent = -1", "organ_function.spo2_percent", False),
    ("weight_kg = 300.0", "weight_kg", True),
    ("weight_kg = 300.1", "weight_kg", False),
    ("weight_kg = 0.0", "weight_kg", False),
    ("height_cm = 250.0", "height_cm", True),
    ("height_cm = 250.5", "height_cm", False),
    ("[b_cells]\ncount_per_ul = 0", "b_cells.count_per_ul", True),
    ("[b_cells]\ncount_per_ul = 100000", "b_cells.count_per_ul", True),
    ("[b_cells]\ncount_per_ul = -1", "b_cells.count_per_ul", False),
    ("[b_cells]\ncount_per_ul = 100001", "b_cells.count_per_ul", False),
    ("[antibodies]\nana_titre = 1", "antibodies.ana_titre", True),
    ("[antibodies]\nana_titre = 0", "antibodies.ana_titre", False),
    ("[antibodies]\nana_titre = -160", "antibodies.ana_titre", False),
    ("[activity]\nsledai_2k = 105", "activity.sledai_2k", True),
    ("[activity]\nsledai_2k = 106", "activity.sledai_2k", False),
    ("[activity]\nmrss = 52", "activity.mrss", False),
    ("[activity.jdm]\ncmas = 52", "activity.jdm.cmas", True),
    ("[activity.jdm]\ncmas = 53", "activity.jdm.cmas", False),
    ("[activity.jdm]\nchaq = 3.1", "activity.jdm.chaq", False),
    ("[organ_function]\negfr_ml_min_1_73m2 = 300", "organ_function.egfr_ml_min_1_73m2", True),
    ("[organ_function]\negfr_ml_min_1_73m2 = -5", "organ_function.egfr_ml_min_1_73m2", False),
    ("[organ_function]\nast = { value = 28, uln = 5 }", "organ_function.ast.uln", True),
    ("[organ_function]\nast = { value = 28, uln = 4.9 }", "organ_function.ast.uln", False),
    ("[organ_function]\nast = { x_uln = -0.5 }", "organ_function.ast.x_uln", False),
    ('[[treatments]]\ndrug = "x"\ndose = 0\ndose_unit = "mg/day"\nstart = 2025-01-01',
     "treatments[0].dose", True),
    ('[[treatments]]\ndrug = "x"\ndose = -1\ndose_unit = "mg/day"\nstart = 2025-01-01',
     "treatments[0].dose", False),
    ('[events]\ntransplants = [{ type = "hsct", date = 2020-01-10, '
     'gvhd = [{ grade = 0, onset = 2020-02-01 }] }]',
     "events.transplants[0].gvhd[0].grade", False),
])
def test_ranges_both_sides(tmp_path: Path, line: str, key: str, plausible: bool) -> None:
    error = _error(tmp_path, HEAD + line + "\n")
    if plausible:
        assert error is None
    else:
        assert error is not None
        assert error.key == key
        assert error.message.startswith("outside the plausible range ")


def test_a_range_error_names_the_whole_range_and_its_unit(tmp_path: Path) -> None:
    error = _error(tmp_path, HEAD + "[organ_function]\nlvef_percent = 640\n")
    assert error is not None
    assert error.message == ("outside the plausible range 0–100 %; check the value and its "
                             "unit")
    assert error.line == 6


@pytest.mark.parametrize("name", ["lvef_percent", "spo2_percent", "dlco_percent_predicted",
                                  "fvc_percent_predicted"])
@pytest.mark.parametrize(("value", "plausible"), [
    ("0", True),  # within the range the issue gives; no fraction to mistake it for
    ("0.01", False), ("0.6", False), ("1", False), ("1.0", False),
    ("1.01", True), ("55", True),
])
def test_a_percentage_written_as_a_fraction(tmp_path: Path, name: str, value: str,
                                            plausible: bool) -> None:
    error = _error(tmp_path, f"{HEAD}[organ_function]\n{name} = {value}\n")
    if plausible:
        assert error is None
    else:
        assert error is not None and error.key == f"organ_function.{name}"
        assert error.message == ("at or below 1, which is a fraction, not a percentage; "
                                 "write the percentage (a fraction of 0.55 is 55)")


@pytest.mark.parametrize(("age", "key"), [(0, None), (120, None), (121, "age_years"),
                                          (-1, "age_years")])
def test_stated_age_without_birth_date(tmp_path: Path, age: int, key: str | None) -> None:
    assert _key(tmp_path, f'id = "P"\nage_years = {age}\n') == key


@pytest.mark.parametrize("number", ["nan", "inf", "-inf", "+nan"])
def test_inf_and_nan_are_not_numbers_a_clinician_measured(tmp_path: Path, number: str) -> None:
    error = _error(tmp_path, HEAD + f"[organ_function]\nspo2_percent = {number}\n")
    assert error is not None and error.key == "organ_function.spo2_percent"
    assert error.message.startswith("not a finite number")


def test_inf_inside_score_components_is_caught_too(tmp_path: Path) -> None:
    text = HEAD + "[activity.components.sledai_2k]\nhighest_urine_rbc_per_hpf = inf\n"
    assert _key(tmp_path, text) == "activity.components.sledai_2k.highest_urine_rbc_per_hpf"


# --- dates in order ---------------------------------------------------------------------------


@pytest.mark.parametrize(("screening", "key"), [("2013-04-18", None),
                                                ("2013-04-17", "screening_date")])
def test_screening_on_or_after_birth(tmp_path: Path, screening: str, key: str | None) -> None:
    text = f'id = "P"\nbirth_date = 2013-04-18\nscreening_date = {screening}\n'
    assert _key(tmp_path, text) == key


@pytest.mark.parametrize(("start", "key"), [("2013-04-18", None),
                                            ("2013-04-17", "treatments[0].start")])
def test_nothing_before_birth(tmp_path: Path, start: str, key: str | None) -> None:
    text = HEAD + f'[[treatments]]\ndrug = "x"\nstart = {start}\n'
    assert _key(tmp_path, text) == key


@pytest.mark.parametrize("table", [
    '[diagnosis]\nonset_date = 2010-01-01',
    '[activity]\nassessed_on = 2010-01-01',
    '[b_cells]\nmeasured_on = 2010-01-01',
    '[serology]\ntested_on = 2010-01-01',
    '[tuberculosis]\ntested_on = 2010-01-01',
    '[pregnancy]\ntest_date = 2010-01-01',
    '[history]\nmalignancies = [{ type = "x", diagnosed = 2010-01-01 }]',
    '[history.cardiac]\nmyocardial_infarctions = [2010-01-01]',
    '[events]\nvaccines = [{ name = "x", date = 2010-01-01 }]',
    '[events]\ncar_t = [{ target = "cd19", date = 2010-01-01 }]',
    '[events]\nstudies = [{ name = "x", start = 2010-01-01 }]',
    '[events]\ncns_events = [{ description = "x", date = 2010-01-01 }]',
    '[events]\nrenal_replacement_therapy = [{ start = 2010-01-01 }]',
])
def test_every_dated_fact_is_checked_against_birth(tmp_path: Path, table: str) -> None:
    error = _error(tmp_path, HEAD + table + "\n")
    assert error is not None and error.message.startswith("before birth_date")


@pytest.mark.parametrize(("entry", "end", "key"), [
    ('[[treatments]]\ndrug = "x"\nstart = 2025-03-10', "end = 2025-03-10", None),
    ('[[treatments]]\ndrug = "x"\nstart = 2025-03-10', "end = 2025-03-09", "treatments[0].end"),
    ('[events]\ninfections = [{ name = "x", onset = 2026-06-02', "resolved = 2026-06-02 }]",
     None),
    ('[events]\ninfections = [{ name = "x", onset = 2026-06-02', "resolved = 2026-06-01 }]",
     "events.infections[0].resolved"),
    ('[events]\ninfections = [{ name = "x", onset = 2026-06-02', "treatment_end = 2026-06-01 }]",
     "events.infections[0].treatment_end"),
    ('[events]\nstudies = [{ name = "x", start = 2026-06-02', "end = 2026-06-01 }]",
     "events.studies[0].end"),
    ('[events]\nrenal_replacement_therapy = [{ start = 2026-06-02', "end = 2026-06-01 }]",
     "events.renal_replacement_therapy[0].end"),
    ('[events]\ntransplants = [{ type = "hsct", date = 2020-01-10, gvhd = [{ grade = 2, '
     'onset = 2020-03-01', "resolved = 2020-02-28 }] }]",
     "events.transplants[0].gvhd[0].resolved"),
])
def test_no_end_before_its_start(tmp_path: Path, entry: str, end: str, key: str | None) -> None:
    separator = ", " if entry.rstrip().endswith(tuple("0123456789")) and "{" in entry else "\n"
    assert _key(tmp_path, HEAD + entry + separator + end + "\n") == key


@pytest.mark.parametrize(("onset", "key"), [("2020-01-10", None),
                                            ("2020-01-09", "events.transplants[0].gvhd[0].onset")])
def test_gvhd_follows_its_transplant(tmp_path: Path, onset: str, key: str | None) -> None:
    text = HEAD + ('[events]\ntransplants = [{ type = "hsct", date = 2020-01-10, gvhd = '
                   f'[{{ grade = 2, onset = {onset} }}] }}]\n')
    assert _key(tmp_path, text) == key


# --- facts after the screening date --------------------------------------------------------


@pytest.mark.parametrize(("day", "key"), [("2026-11-02", None),
                                          ("2026-11-03", "events.vaccines[0].date")])
def test_an_event_after_the_files_screening_date(tmp_path: Path, day: str,
                                                 key: str | None) -> None:
    text = HEAD + f'[events]\nvaccines = [{{ name = "x", date = {day} }}]\n'
    assert _key(tmp_path, text) == key


def test_the_screening_date_in_effect_is_as_of_or_today(tmp_path: Path) -> None:
    text = 'id = "P"\n[activity]\nassessed_on = 2026-10-28\nsledai_2k = 10\n'
    assert _key(tmp_path, text, screening=date(2026, 10, 28), source="--as-of") is None
    error = _error(tmp_path, text, screening=date(2026, 10, 27), source="--as-of")
    assert error is not None and error.key == "activity.assessed_on"
    assert "after the screening date (--as-of)" in error.message
    error = _error(tmp_path, text, screening=date(2026, 10, 27), source="today")
    assert error is not None and "after the screening date (today)" in error.message


def test_a_continuing_course_is_told_to_write_ongoing(tmp_path: Path) -> None:
    error = _error(tmp_path, HEAD + '[[treatments]]\ndrug = "x"\nstart = 2025-01-01\n'
                   "end = 2027-01-01\n")
    assert error is not None and error.key == "treatments[0].end"
    assert error.message.endswith('write "ongoing" while it continues, or correct it')
    assert error.line == 8


def test_every_date_but_birth_and_screening_counts_as_a_fact() -> None:
    patient = Patient.model_validate({
        "id": "P", "birth_date": date(2013, 4, 18), "screening_date": date(2026, 11, 2),
        "activity": {"components": {"sledai_2k": {"seizure": True,
                                                  "last_present": {"seizure": date(2026, 10,
                                                                                   25)}}}},
        "history": {"cardiac": {"myocardial_infarctions": [date(2020, 1, 1)]}},
    })
    assert dict(dated_facts(patient)) == {
        "activity.components.sledai_2k.last_present.seizure": date(2026, 10, 25),
        "history.cardiac.myocardial_infarctions[0]": date(2020, 1, 1),
    }


def _dates_in(value: object, path: str = "") -> dict[str, date]:
    """Every date in a dumped model, found without the model's types (the oracle for the
    walk, which looks only into the fields whose types can hold a date or a table)."""
    if isinstance(value, date):
        return {path: value}
    found: dict[str, date] = {}
    if isinstance(value, dict):
        for key, item in value.items():
            found |= _dates_in(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found |= _dates_in(item, f"{path}[{index}]")
    return found


@pytest.mark.parametrize("sample", sorted(SAMPLES.glob("*.toml")), ids=lambda p: p.stem)
def test_dated_facts_finds_every_date_of_every_sample(sample: Path) -> None:
    patient = load_patient(sample)
    expected = _dates_in(patient.model_dump())
    for key in ("birth_date", "screening_date"):
        expected.pop(key, None)
    assert dict(dated_facts(patient)) == expected
    assert expected, "each sample records at least one dated fact"


def test_birth_after_the_screening_date_in_effect(tmp_path: Path) -> None:
    text = 'id = "P"\nbirth_date = 2026-11-03\n'
    error = _error(tmp_path, text, screening=date(2026, 11, 2), source="--as-of")
    assert error is not None and error.key == "birth_date"
    assert _key(tmp_path, text, screening=date(2026, 11, 3), source="--as-of") is None


def test_birth_date_more_than_120_years_before_screening(tmp_path: Path) -> None:
    assert _key(tmp_path, 'id = "P"\nbirth_date = 1906-11-02\nscreening_date = 2026-11-02\n') \
        is None
    assert _key(tmp_path, 'id = "P"\nbirth_date = 1905-11-02\nscreening_date = 2026-11-02\n') \
        == "birth_date"


# --- contradictions -------------------------------------------------------------------------


@pytest.mark.parametrize(("birth", "age", "key"), [
    ("2013-11-02", 13, None),  # 13th birthday on the screening date
    ("2013-11-02", 12, "age_years"),
    ("2013-11-03", 12, None),  # the day before the 13th birthday
    ("2013-11-03", 13, "age_years"),
])
def test_stated_age_agrees_with_birth_date(tmp_path: Path, birth: str, age: int,
                                           key: str | None) -> None:
    text = f'id = "P"\nbirth_date = {birth}\nage_years = {age}\nscreening_date = 2026-11-02\n'
    assert _key(tmp_path, text) == key


def test_stated_age_is_checked_at_the_as_of_date(tmp_path: Path) -> None:
    text = 'id = "P"\nbirth_date = 2013-11-02\nage_years = 13\n'
    assert _key(tmp_path, text, screening=date(2026, 11, 2), source="--as-of") is None
    assert _key(tmp_path, text, screening=date(2026, 11, 1), source="--as-of") == "age_years"


@pytest.mark.parametrize(("sex", "pregnancy", "key"), [
    ("male", 'test = "positive"', "pregnancy.test"),
    ("male", 'test = "negative"', None),
    ("female", 'test = "positive"', None),
    ("male", "childbearing_potential = true", "pregnancy.childbearing_potential"),
    ("male", "childbearing_potential = false", None),
    ("female", 'childbearing_potential = false\ntest = "positive"', "pregnancy.test"),
    ("female", 'childbearing_potential = false\ntest = "negative"', None),
    ("female", 'childbearing_potential = true\ntest = "positive"', None),
])
def test_pregnancy_contradictions(tmp_path: Path, sex: str, pregnancy: str,
                                  key: str | None) -> None:
    text = f'id = "P"\nsex = "{sex}"\n[pregnancy]\n{pregnancy}\n'
    assert _key(tmp_path, text) == key


@pytest.mark.parametrize(("sex", "ilar_sex", "key"), [
    ("female", "female", None), ("female", "male", "diagnosis.components.ilar_2001.sex"),
])
def test_ilar_sex_agrees_with_sex(tmp_path: Path, sex: str, ilar_sex: str,
                                 key: str | None) -> None:
    text = f'id = "P"\nsex = "{sex}"\n[diagnosis.components.ilar_2001]\nsex = "{ilar_sex}"\n'
    assert _key(tmp_path, text) == key


@pytest.mark.parametrize(("onset", "key"), [
    (13.5, None), (13.6, "diagnosis.components.ilar_2001.age_at_onset_years"),
])
def test_arthritis_onset_is_not_after_the_current_age(tmp_path: Path, onset: float,
                                                      key: str | None) -> None:
    # Born 2013-04-18, screened 2026-11-02: 13.54 years old.
    text = HEAD + f"[diagnosis.components.ilar_2001]\nage_at_onset_years = {onset}\n"
    assert _key(tmp_path, text) == key


def test_contradiction_messages_never_quote_the_values(tmp_path: Path) -> None:
    error = _error(tmp_path, 'id = "P"\nsex = "male"\n[pregnancy]\ntest = "positive"\n')
    assert error is not None
    assert str(error).endswith("pregnancy.test: contradicts sex; correct one of the two")
    assert "male" not in error.message and "positive" not in error.message


def test_only_the_first_problem_is_described_and_the_rest_counted(tmp_path: Path) -> None:
    text = ('id = "P"\nsex = "male"\nbirth_date = 2013-04-18\nscreening_date = 2026-11-02\n'
            '[pregnancy]\nchildbearing_potential = true\ntest = "positive"\n')
    error = _error(tmp_path, text)
    assert error is not None
    assert error.message == ("contradicts sex; correct one of the two (and 1 more problem: "
                             "cartscreen validate lists them all)")


# --- a vaccine named as live, recorded as not live -----------------------------------------


@pytest.mark.parametrize(("name", "live", "key"), [
    ("MMR", "false", "events.vaccines[1].live"),
    ("Varivax", "false", "events.vaccines[1].live"),
    ("FluMist", "false", "events.vaccines[1].live"),
    ("MMR", "true", None),
    ("MMR", None, None),  # left out: the live-vaccine check decides what a live name means
    ("influenza (inactivated)", "false", None),
    ("zoster", "false", None),  # either kind: the flag decides
    ("Shingrix", "false", None),
    ("influenza", "true", None),  # a flag saying live where the name leaves it open
])
def test_a_vaccine_named_live_recorded_not_live(tmp_path: Path, name: str, live: str | None,
                                                key: str | None) -> None:
    flag = "" if live is None else f", live = {live}"
    text = HEAD + ('[events]\nvaccines = [\n  { name = "Hib", date = 2026-01-05, live = false },\n'
                   f'  {{ name = "{name}", date = 2026-02-01{flag} }},\n]\n')
    error = _error(tmp_path, text)
    assert (error.key if error else None) == key
    if error is not None:
        assert error.message == ("contradicts events.vaccines[1].name, which names a live "
                                 "vaccine; correct one of the two")
        assert name not in error.message
        assert error.line == 8


# --- weight against height and age -------------------------------------------------------

NO_AGE = 'id = "P"\nsex = "female"\nscreening_date = 2026-11-02\n'


@pytest.mark.parametrize(("weight", "height", "plausible"), [
    # at 100 cm the body mass index is the weight: 6–120 kg/m² is plausible
    ("6.0", "100.0", True), ("5.9", "100.0", False),
    ("120.0", "100.0", True), ("120.1", "100.0", False),
    ("24.0", "200.0", True), ("23.9", "200.0", False),
    ("42.0", "152.0", True),  # the README's example
    ("4.2", "152.0", False),  # the same child with a digit lost
    ("42.0", "52.0", False),  # a height with its first digit lost
])
def test_a_weight_implausible_for_the_height(tmp_path: Path, weight: str, height: str,
                                             plausible: bool) -> None:
    error = _error(tmp_path, NO_AGE + f"weight_kg = {weight}\nheight_cm = {height}\n")
    if plausible:
        assert error is None
    else:
        assert error is not None and error.key == "weight_kg"
        assert error.message == ("contradicts height_cm: a body mass index outside 6–120 "
                                 "kg/m²; correct one of the two (weight in kg, height in cm)")
        assert error.line == 4


def test_the_review_case_is_refused_before_any_dose_is_computed(tmp_path: Path) -> None:
    # 4.2 kg at 152 cm and 13 years made prednisone 5 mg/day count as 1.19 mg/kg/day.
    text = HEAD + ('weight_kg = 4.2\nheight_cm = 152.0\n[[treatments]]\ndrug = "prednisone"\n'
                   'dose = 5\ndose_unit = "mg/day"\nstart = 2026-01-01\nend = "ongoing"\n')
    error = _error(tmp_path, text)
    assert error is not None and error.key == "weight_kg"
    assert "height_cm" in error.message
    assert "4.2" not in error.message and "152" not in error.message


def test_weight_without_height_or_age_is_not_judged(tmp_path: Path) -> None:
    assert _error(tmp_path, 'id = "P"\nweight_kg = 1.0\n') is None


@pytest.mark.parametrize(("birth", "weight", "plausible"), [
    # 13 years at screening: from a sixth of 45.8 kg (7.63 kg) up to 300 kg
    ("2013-04-18", "7.63", True), ("2013-04-18", "7.62", False), ("2013-04-18", "4.2", False),
    ("2013-04-18", "300.0", True),
    # the fifth birthday on the screening date: 3.0 kg (18.0 / 6) and up
    ("2021-11-02", "3.0", True), ("2021-11-02", "2.9", False),
    ("2021-11-03", "2.9", True),  # the day before: 4 years, 2.63 kg and up
    # 2 years: up to six times 14.3 kg (85.8 kg); 3 years: up to 97.2 kg
    ("2024-11-02", "85.8", True), ("2024-11-02", "85.9", False),
    ("2023-11-02", "85.9", True), ("2023-11-02", "97.3", False),
    ("2024-11-02", "2.0", True), ("2024-11-02", "1.9", False),
    # below 2 years no bound (the CDC table starts at 2; every trial at 5)
    ("2024-11-03", "0.5", True),
    # from 20 years the 20-year row: a sixth of 58.2 kg (9.7 kg)
    ("1990-01-01", "9.7", True), ("1990-01-01", "9.69", False),
])
def test_a_weight_implausible_for_the_age(tmp_path: Path, birth: str, weight: str,
                                          plausible: bool) -> None:
    text = f'id = "P"\nbirth_date = {birth}\nscreening_date = 2026-11-02\nweight_kg = {weight}\n'
    error = _error(tmp_path, text)
    if plausible:
        assert error is None
    else:
        assert error is not None and error.key == "weight_kg"
        assert error.message == (
            "contradicts birth_date: a weight far outside the range for the age at the "
            "screening date (the file's screening_date); correct one of the two (the weight "
            "in kg)")


def test_the_age_for_the_weight_is_taken_at_the_as_of_date(tmp_path: Path) -> None:
    text = 'id = "P"\nbirth_date = 2021-11-02\nweight_kg = 2.9\n'  # 3 kg from the 5th birthday
    assert _error(tmp_path, text, screening=date(2026, 11, 1), source="--as-of") is None
    error = _error(tmp_path, text, screening=date(2026, 11, 2), source="--as-of")
    assert error is not None and error.key == "weight_kg"
    assert "at the screening date (--as-of)" in error.message


@pytest.mark.parametrize(("age", "weight", "plausible"), [
    (13, "7.63", True), (13, "7.62", False), (2, "85.8", True), (2, "85.9", False),
    (1, "0.5", True),
])
def test_a_weight_implausible_for_the_stated_age(tmp_path: Path, age: int, weight: str,
                                                 plausible: bool) -> None:
    error = _error(tmp_path, f'id = "P"\nage_years = {age}\nweight_kg = {weight}\n')
    if plausible:
        assert error is None
    else:
        assert error is not None and error.key == "weight_kg"
        assert error.message == ("contradicts age_years: a weight far outside the range for "
                                 "that age; correct one of the two (the weight in kg)")


def test_height_and_age_are_both_judged(tmp_path: Path) -> None:
    # A plausible body mass index does not excuse a weight no child of that age has.
    text = HEAD + "weight_kg = 4.0\nheight_cm = 80.0\n"  # 6.25 kg/m² at 13 years
    error = _error(tmp_path, text)
    assert error is not None and error.key == "weight_kg"
    assert error.message.startswith("contradicts birth_date")


@pytest.mark.parametrize(("start", "weight", "plausible"), [
    # born 2013-04-18: 5 years on 2018-04-18 (3.0 kg and up), 4 the day before (2.63 kg)
    ("2018-04-18", "3.0", True), ("2018-04-18", "2.9", False), ("2018-04-17", "2.9", True),
    # 2 years (up to 85.8 kg), 3 years (up to 97.2 kg)
    ("2015-04-18", "85.9", False), ("2016-04-18", "85.9", True),
    ("2014-04-18", "0.5", True),  # 1 year: no bound
])
def test_a_courses_weight_implausible_for_the_age_at_its_start(
        tmp_path: Path, start: str, weight: str, plausible: bool) -> None:
    text = HEAD + (f'[[treatments]]\ndrug = "prednisone"\ndose = 1\ndose_unit = "mg/day"\n'
                   f"weight_kg = {weight}\nstart = {start}\nend = {start}\n")
    error = _error(tmp_path, text)
    if plausible:
        assert error is None
    else:
        assert error is not None and error.key == "treatments[0].weight_kg"
        assert error.message == (
            "contradicts birth_date and treatments[0].start: a weight far outside the range "
            "for the age at the course's start; correct one of them (the weight in kg)")
        assert error.line == 9


def test_a_courses_weight_needs_the_birth_date_to_be_judged(tmp_path: Path) -> None:
    text = ('id = "P"\nage_years = 13\n[[treatments]]\ndrug = "prednisone"\ndose = 1\n'
            'dose_unit = "mg/day"\nweight_kg = 0.5\nstart = 2018-04-18\n')
    assert _error(tmp_path, text) is None


def test_the_weight_for_age_bounds() -> None:
    assert weight_for_age_bounds_kg(1) is None
    assert weight_for_age_bounds_kg(2) == (2.0, 85.8)
    assert weight_for_age_bounds_kg(13) == (7.63, 300)
    assert weight_for_age_bounds_kg(20) == (9.7, 300)
    assert weight_for_age_bounds_kg(20) == weight_for_age_bounds_kg(119)
    for age in range(2, 21):
        low, high = weight_for_age_bounds_kg(age) or (0.0, 0.0)
        assert 0 < low < 10 < 85 < high <= 300  # far from any child a clinician would screen


# --- one entry per course at a steady dose -------------------------------------------------


def _course(drug: str, dose: str | None, start: str, end: str | None,
            route: str | None = None, unit: str = "mg/day") -> str:
    lines = [f'[[treatments]]\ndrug = "{drug}"']
    if dose is not None:
        lines.append(f'dose = {dose}\ndose_unit = "{unit}"')
    if route is not None:
        lines.append(f'route = "{route}"')
    lines.append(f"start = {start}")
    if end is not None:
        lines.append(f"end = {end}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(("first", "second", "key"), [
    # two doses of one drug over a common day
    (("prednisone", "40", "2025-01-01", "2025-03-01"),
     ("prednisone", "20", "2025-02-01", "2025-06-01"), "treatments[1]"),
    # touching: the first ends the day the second starts (how a dose change is written)
    (("prednisone", "40", "2025-01-01", "2025-03-01"),
     ("prednisone", "20", "2025-03-01", "2025-06-01"), None),
    (("prednisone", "40", "2025-01-01", "2025-03-02"),
     ("prednisone", "20", "2025-03-01", "2025-06-01"), "treatments[1]"),
    # the same dose, or a dose not recorded: no contradiction
    (("prednisone", "40", "2025-01-01", "2025-03-01"),
     ("prednisone", "40", "2025-02-01", "2025-06-01"), None),
    (("prednisone", "40", "2025-01-01", "2025-03-01"),
     ("prednisone", None, "2025-02-01", "2025-06-01"), None),
    # one drug by its synonyms; two drugs are two drugs
    (("MP", "16", "2025-01-01", "2025-03-01"),
     ("Methylprednisolone", "8", "2025-02-01", "2025-06-01"), "treatments[1]"),
    (("prednisone", "40", "2025-01-01", "2025-03-01"),
     ("prednisolone", "20", "2025-02-01", "2025-06-01"), None),
    # a drug not recognised: the same text (case and spacing aside)
    (("Drug X", "5", "2025-01-01", "2025-03-01"),
     ("drug  x", "10", "2025-02-01", "2025-06-01"), "treatments[1]"),
    (("Drug X", "5", "2025-01-01", "2025-03-01"),
     ("Drug Y", "10", "2025-02-01", "2025-06-01"), None),
    # an end not recorded claims the start day only
    (("prednisone", "40", "2025-01-01", None),
     ("prednisone", "20", "2025-01-02", "2025-06-01"), None),
    (("prednisone", "40", "2025-01-01", None),
     ("prednisone", "20", "2025-01-01", "2025-06-01"), "treatments[1]"),
    (("prednisone", "40", "2024-12-01", "2025-01-05"),
     ("prednisone", "20", "2025-01-01", None), "treatments[1]"),
    (("prednisone", "40", "2024-12-01", "2025-01-01"),
     ("prednisone", "20", "2025-01-01", None), None),
    # a one-day course claims its day
    (("prednisone", "40", "2025-01-01", "2025-01-01"),
     ("prednisone", "20", "2025-01-01", "2025-06-01"), "treatments[1]"),
    (("prednisone", "20", "2024-06-01", "2025-01-01"),
     ("prednisone", "40", "2025-01-01", "2025-01-01"), None),
    # "ongoing" runs on
    (("prednisone", "40", "2025-01-01", '"ongoing"'),
     ("prednisone", "20", "2026-01-01", "2026-02-01"), "treatments[1]"),
    (("prednisone", "20", "2026-01-01", "2026-02-01"),
     ("prednisone", "40", "2025-01-01", '"ongoing"'), "treatments[1]"),
    (("prednisone", "40", "2024-01-01", "2025-01-01"),
     ("prednisone", "20", "2025-01-01", '"ongoing"'), None),
    (("prednisone", "40", "2024-01-01", '"ongoing"'),
     ("prednisone", "20", "2025-01-01", '"ongoing"'), "treatments[1]"),
])
def test_two_courses_of_one_drug_at_different_doses_over_a_common_day(
        tmp_path: Path, first: tuple[str, str | None, str, str | None],
        second: tuple[str, str | None, str, str | None], key: str | None) -> None:
    text = HEAD + _course(*first, route="oral") + _course(*second, route="oral")
    assert _key(tmp_path, text) == key


def test_an_overlap_names_the_later_entry_and_the_earlier_one(tmp_path: Path) -> None:
    text = HEAD + (_course("prednisone", "40", "2025-01-01", "2025-03-01", "oral")
                   + _course("methotrexate", "15", "2025-01-01", '"ongoing"', "sc")
                   + _course("prednisone", "20", "2025-02-01", "2025-06-01", "oral"))
    error = _error(tmp_path, text)
    assert error is not None and error.key == "treatments[2]"
    assert error.message == ("overlaps treatments[0], the same drug at another dose; give one "
                             "entry per course at a steady dose (end one before the next "
                             "begins)")
    assert error.line == 19


def test_a_dose_in_another_unit_is_another_dose(tmp_path: Path) -> None:
    text = HEAD + (_course("prednisone", "40", "2025-01-01", "2025-03-01", "oral")
                   + _course("prednisone", "1", "2025-02-01", "2025-06-01", "oral",
                             unit="mg/kg/day"))
    assert _key(tmp_path, text) == "treatments[1]"


@pytest.mark.parametrize(("route_a", "route_b", "key"), [
    ("iv", "oral", None),  # IV methylprednisolone pulses during oral methylprednisolone
    ("oral", "oral", "treatments[1]"),
    ("iv", None, "treatments[1]"),  # a route not recorded may be the same
    (None, None, "treatments[1]"),
])
def test_courses_by_different_routes_do_not_contradict(tmp_path: Path, route_a: str | None,
                                                       route_b: str | None,
                                                       key: str | None) -> None:
    text = HEAD + (_course("methylprednisolone", "16", "2025-01-01", '"ongoing"', route_a)
                   + _course("methylprednisolone", "1000", "2025-03-04", "2025-03-06", route_b))
    error = _error(tmp_path, text)
    assert (error.key if error else None) == key
    if error is not None:
        hint = ", or give each its route if the routes differ"
        assert error.message.endswith(hint) == (route_a is None or route_b is None)


# --- every sample still loads; the CLI applies the date rules ------------------------------


@pytest.mark.parametrize("sample", sorted(SAMPLES.glob("*.toml")), ids=lambda p: p.stem)
def test_every_sample_patient_is_plausible(tmp_path: Path, sample: Path) -> None:
    assert _error(tmp_path, sample.read_text(encoding="utf-8")) is None


def test_check_and_explain_apply_the_screening_date_rules(tmp_path: Path) -> None:
    text = ELIGIBLE.read_text(encoding="utf-8").replace("screening_date = 2026-11-02\n", "")
    path = write(tmp_path / "p.toml", text)
    assert run("check", path, "--as-of", "2026-11-02").returncode == 0
    for command in (["check", path], ["explain", "NCT06222853", "--patient", path],
                    ["funnel", path]):
        result = run(*command, "--as-of", "2026-10-01")
        assert result.returncode == 3, command
        assert result.stderr.startswith(f"cartscreen: {path}:"), command
        assert "after the screening date (--as-of)" in result.stderr
        assert result.stderr.count("\n") == 1
