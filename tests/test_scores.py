"""Calculators against the worked examples, and the
calendar arithmetic every window relies on."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from cartscreen.patient import Creatinine, Sex
from cartscreen.scores import egfr
from cartscreen.scores.steroids import (
    APPROXIMATE,
    CONVERTIBLE_ROUTES,
    EQUIVALENT_TO_PREDNISONE_5_MG,
    prednisone_equivalent,
)
from cartscreen.timeutil import add_months, decimal_years, whole_years, window_start

TOLERANCE = 0.1

# --- eGFR: CKiD U25 (K × height in m / Scr in mg/dL) ---------------------------------------------

U25 = [
    pytest.param("female", 16.0, 1.60, 0.7, 90.4, id="U25-07"),
    pytest.param("male", 12.0, 1.50, 0.6, 97.5, id="U25-08"),
    pytest.param("female", 12.0, 1.50, 0.6, 90.25, id="U25-09"),
    pytest.param("male", 17.99, 1.75, 1.0, 88.84, id="U25-10 (17.99 y)"),
    pytest.param("male", 18.00, 1.75, 1.0, 88.90, id="U25-10 (18.00 y)"),
    pytest.param("male", 10.0, 0.90, 1.4, 24.7, id="U25-11"),
    pytest.param("female", 9.5, 1.32, 0.8, 58.4, id="U25-12"),
]


@pytest.mark.parametrize(("sex", "age", "height_m", "scr", "expected"), U25)
def test_ckid_u25_worked_example(sex: Sex, age: float, height_m: float, scr: float,
                                 expected: float) -> None:
    assert egfr.ckid_u25(sex, age, height_m, scr) == pytest.approx(expected, abs=TOLERANCE)


def test_ckid_u25_is_continuous_at_18() -> None:
    before = egfr.ckid_u25("male", 17.99, 1.75, 1.0)
    at = egfr.ckid_u25("male", 18.0, 1.75, 1.0)
    assert 0 < at - before < 0.1


# --- eGFR: bedside Schwartz (0.413 × height in cm / Scr in mg/dL) ------------------------------

SCHWARTZ = [
    pytest.param(140, 0.5, "mg/dL", 115.6, id="SCH-02"),
    pytest.param(150, 1.2, "mg/dL", 51.6, id="SCH-03"),
    pytest.param(140, 53, "µmol/L", 96.4, id="SCH-04"),
    pytest.param(120, 0.45, "mg/dL", 110.1, id="SCH-05"),
]


@pytest.mark.parametrize(("height_cm", "value", "unit", "expected"), SCHWARTZ)
def test_bedside_schwartz_worked_example(height_cm: float, value: float, unit: str,
                                         expected: float) -> None:
    scr = Creatinine.model_validate({"value": value, "unit": unit}).mg_per_dl
    assert egfr.bedside_schwartz(height_cm, scr) == pytest.approx(expected, abs=TOLERANCE)


# --- eGFR: CKD-EPI 2021 -------------------------------------------------------------------------

CKD_EPI = [
    pytest.param("male", 60, 1.4, 57.5, id="CKD-02"),
    pytest.param("female", 20, 0.6, 131.7, id="CKD-03"),
    pytest.param("male", 18, 0.8, 131.6, id="CKD-04"),
    pytest.param("female", 25, 1.0, 80.2, id="CKD-05"),
    pytest.param("female", 19, 0.7, 127.7, id="CKD-06"),
    pytest.param("male", 30, 0.9, 117.8, id="CKD-07"),
]


@pytest.mark.parametrize(("sex", "age", "scr", "expected"), CKD_EPI)
def test_ckd_epi_2021_worked_example(sex: Sex, age: float, scr: float, expected: float) -> None:
    assert egfr.ckd_epi_2021(sex, age, scr) == pytest.approx(expected, abs=TOLERANCE)


@pytest.mark.parametrize(("micromol", "expected"), [
    pytest.param(88.4, 1.000, id="CR-03"),
    pytest.param(53, 0.600, id="CR-04"),
])
def test_creatinine_micromoles_to_mg_per_dl_worked_example(micromol: float,
                                                           expected: float) -> None:
    for unit in ("µmol/L", "umol/L"):
        creatinine = Creatinine.model_validate({"value": micromol, "unit": unit})
        assert creatinine.mg_per_dl == pytest.approx(expected, abs=0.001)


def test_creatinine_in_mg_per_dl_is_unchanged() -> None:
    assert Creatinine.model_validate({"value": 0.7, "unit": "mg/dL"}).mg_per_dl == 0.7


def test_egfr_policy_uses_ckid_u25_below_25_with_schwartz_beside_it() -> None:
    estimate = egfr.estimate("female", 16.0, 160, 0.7)
    assert estimate is not None
    assert estimate.equation == "CKiD U25"
    assert estimate.value == pytest.approx(90.4, abs=TOLERANCE)
    assert estimate.alongside is not None and "bedside Schwartz" in estimate.alongside


def test_egfr_policy_uses_ckd_epi_from_25_without_height() -> None:
    estimate = egfr.estimate("female", 25.0, None, 1.0)
    assert estimate is not None
    assert estimate.equation == "CKD-EPI 2021"
    assert estimate.value == pytest.approx(80.2, abs=TOLERANCE)


def test_egfr_policy_below_25_needs_height() -> None:
    assert egfr.estimate("male", 12.0, None, 0.6) is None


# --- glucocorticoid equivalence (0.75 mg table for dexamethasone and betamethasone) ----------
# "prednisone 60 mg -> X" is checked as: the reference's dose of X is prednisone 60 mg.

PREDNISONE_60_TO = [
    pytest.param("methylprednisolone", 48, id="GC-02"),
    pytest.param("dexamethasone", 9, id="GC-03"),
    pytest.param("hydrocortisone", 240, id="GC-04"),
    pytest.param("cortisone", 300, id="GC-05"),
    pytest.param("triamcinolone", 48, id="GC-06"),
    pytest.param("betamethasone", 9.0, id="GC-07"),
    pytest.param("deflazacort", 72, id="GC-08"),
]


@pytest.mark.parametrize(("drug", "dose"), PREDNISONE_60_TO)
def test_prednisone_60_mg_worked_example(drug: str, dose: float) -> None:
    assert prednisone_equivalent(drug, dose) == pytest.approx(60, abs=0.01)
    assert 60 * EQUIVALENT_TO_PREDNISONE_5_MG[drug] / 5 == pytest.approx(dose, abs=0.01)


TO_PREDNISONE = [
    pytest.param("methylprednisolone", 1000, 1250, id="GC-09"),
    pytest.param("dexamethasone", 4, 26.67, id="GC-10"),
    pytest.param("deflazacort", 18, 15, id="GC-11"),
    pytest.param("betamethasone", 3, 20, id="GC-12"),
]


@pytest.mark.parametrize(("drug", "dose", "expected"), TO_PREDNISONE)
def test_prednisone_equivalent_worked_example(drug: str, dose: float, expected: float) -> None:
    assert prednisone_equivalent(drug, dose) == pytest.approx(expected, abs=0.01)


def test_gc_13_prednisolone_56_mg_a_day_at_28_kg_is_2_mg_per_kg() -> None:
    assert prednisone_equivalent("prednisolone", 56) / 28 == pytest.approx(2.0)


def test_gc_14_methylprednisolone_pulse_capped_at_1_g() -> None:
    pulse_mg = min(30 * 40, 1000)
    equivalent = prednisone_equivalent("methylprednisolone", pulse_mg)
    assert equivalent == pytest.approx(1250)
    assert equivalent / 40 == pytest.approx(31.25)


def test_gc_15_intra_articular_triamcinolone_is_not_a_convertible_route() -> None:
    assert "intra_articular" not in CONVERTIBLE_ROUTES
    assert {"oral", "iv"} == set(CONVERTIBLE_ROUTES)


def test_dexamethasone_0_75_mg_is_prednisone_5_mg() -> None:
    assert prednisone_equivalent("dexamethasone", 0.75) == pytest.approx(5.0)


def test_mg_per_kg_doses_convert_like_mg_doses() -> None:
    assert prednisone_equivalent("methylprednisolone", 0.8) == pytest.approx(1.0)


def test_deflazacort_equivalence_is_flagged_approximate() -> None:
    assert "deflazacort" in APPROXIMATE


# --- calendar arithmetic -----------------------------------------------------------------------


@pytest.mark.parametrize(("day", "months", "expected"), [
    pytest.param(date(2026, 1, 31), 1, date(2026, 2, 28), id="31 Jan + 1 month, common year"),
    pytest.param(date(2028, 1, 31), 1, date(2028, 2, 29), id="31 Jan + 1 month, leap year"),
    pytest.param(date(2026, 3, 31), -1, date(2026, 2, 28), id="31 Mar - 1 month"),
    pytest.param(date(2026, 5, 31), -3, date(2026, 2, 28), id="31 May - 3 months"),
    pytest.param(date(2026, 8, 31), 1, date(2026, 9, 30), id="31 Aug + 1 month"),
    pytest.param(date(2026, 11, 2), -3, date(2026, 8, 2), id="same day 3 months back"),
    pytest.param(date(2025, 12, 15), 1, date(2026, 1, 15), id="across a year end"),
    pytest.param(date(2026, 1, 15), -1, date(2025, 12, 15), id="back across a year end"),
    pytest.param(date(2028, 2, 29), 12, date(2029, 2, 28), id="29 Feb + 12 months"),
    pytest.param(date(2026, 7, 15), 0, date(2026, 7, 15), id="zero months"),
])
def test_add_months(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected


def test_add_months_keeps_the_day_or_clips_it_to_the_months_end_for_every_day() -> None:
    """Every day of a leap and a common year, up to four years either way: the day of the
    month is kept where the month has it, else the month's last day."""
    import calendar

    day = date(2027, 1, 1)
    while day < date(2029, 1, 1):
        for months in range(-48, 49):
            moved = add_months(day, months)
            assert (moved.year * 12 + moved.month) - (day.year * 12 + day.month) == months
            last = calendar.monthrange(moved.year, moved.month)[1]
            assert moved.day == min(day.day, last)
        day += timedelta(days=1)


@pytest.mark.parametrize(("birth", "on", "years"), [
    pytest.param(date(2021, 11, 2), date(2026, 11, 2), 5, id="birthday on the day"),
    pytest.param(date(2021, 11, 3), date(2026, 11, 2), 4, id="day before the birthday"),
    pytest.param(date(2012, 2, 29), date(2026, 2, 28), 13, id="29 Feb born, 28 Feb common"),
    pytest.param(date(2012, 2, 29), date(2026, 3, 1), 14, id="29 Feb born, 1 Mar common"),
    pytest.param(date(2012, 2, 29), date(2028, 2, 29), 16, id="29 Feb born, 29 Feb leap"),
    pytest.param(date(2012, 2, 29), date(2028, 2, 28), 15, id="29 Feb born, 28 Feb leap"),
    pytest.param(date(2010, 12, 31), date(2026, 1, 1), 15, id="new year's day"),
])
def test_whole_years(birth: date, on: date, years: int) -> None:
    assert whole_years(birth, on) == years


def test_decimal_years_of_exactly_twelve_years() -> None:
    assert decimal_years(date(2014, 11, 2), date(2026, 11, 2)) == pytest.approx(12.0, abs=0.003)


def test_window_start_for_four_weeks_and_three_months() -> None:
    screening = date(2026, 11, 2)
    assert window_start(screening, weeks=4) == date(2026, 10, 5)
    assert window_start(screening, months=3) == date(2026, 8, 2)
    assert window_start(date(2026, 5, 31), months=3) == date(2026, 2, 28)
