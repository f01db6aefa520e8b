"""Units: every concentration is converted explicitly, both ways, and a check decides the same
for the same quantity whatever unit it was written in."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cartscreen.checks.base import Outcome
from cartscreen.errors import InputError
from cartscreen.patient import (
    BILIRUBIN_UMOL_L_PER_MG_DL,
    CREATININE_UMOL_L_PER_MG_DL,
    BilirubinResult,
    Creatinine,
    load_patient,
    to_mg_per_dl,
    to_umol_per_l,
)
from checks.helpers import run as run_check

BIRTH = date(2013, 4, 18)  # 13 years old at the helpers' screening date, 2026-11-02


def _load(tmp_path: Path, body: str) -> InputError | None:
    path = tmp_path / "p.toml"
    path.write_text('id = "U"\n' + body, encoding="utf-8")
    try:
        load_patient(path)
    except InputError as exc:
        return exc
    return None


# --- the factors and both directions -------------------------------------------------------


def test_creatinine_factor_is_88_4_from_its_molar_mass() -> None:
    # 10 000 / 113.12 g/mol (clinical-instruments.md §10; worked examples CR-03, CR-04).
    assert round(10_000 / 113.12, 1) == CREATININE_UMOL_L_PER_MG_DL == 88.4
    assert to_mg_per_dl(88.4, "µmol/L", CREATININE_UMOL_L_PER_MG_DL) == pytest.approx(1.000)
    assert to_mg_per_dl(53, "µmol/L", CREATININE_UMOL_L_PER_MG_DL) == pytest.approx(0.600,
                                                                                   abs=5e-4)
    assert to_umol_per_l(1.0, "mg/dL", CREATININE_UMOL_L_PER_MG_DL) == pytest.approx(88.4)
    assert to_umol_per_l(0.6, "mg/dL", CREATININE_UMOL_L_PER_MG_DL) == pytest.approx(53.04)


def test_bilirubin_factor_is_17_1_from_its_molar_mass() -> None:
    assert round(10_000 / 584.66, 1) == BILIRUBIN_UMOL_L_PER_MG_DL == 17.1
    assert to_mg_per_dl(17.1, "µmol/L", BILIRUBIN_UMOL_L_PER_MG_DL) == pytest.approx(1.0)
    assert to_mg_per_dl(20.52, "µmol/L", BILIRUBIN_UMOL_L_PER_MG_DL) == pytest.approx(1.2)
    assert to_umol_per_l(1.2, "mg/dL", BILIRUBIN_UMOL_L_PER_MG_DL) == pytest.approx(20.52)


@pytest.mark.parametrize("unit", ["µmol/L", "μmol/L", "umol/L"])
def test_the_three_spellings_of_micromoles_convert_alike(unit: Any) -> None:
    creatinine = Creatinine.model_validate({"value": 53.04, "unit": unit})
    assert creatinine.mg_per_dl == pytest.approx(0.6)
    assert creatinine.umol_per_l == pytest.approx(53.04)


def test_a_value_in_its_own_unit_is_unchanged() -> None:
    assert Creatinine.model_validate({"value": 0.6, "unit": "mg/dL"}).mg_per_dl == 0.6
    assert Creatinine.model_validate({"value": 53.0, "unit": "µmol/L"}).umol_per_l == 53.0


@pytest.mark.parametrize("value", [0.3, 0.6, 1.2, 7.5])
def test_round_trip_mg_dl_to_micromoles_and_back(value: float) -> None:
    for factor in (CREATININE_UMOL_L_PER_MG_DL, BILIRUBIN_UMOL_L_PER_MG_DL):
        there = to_umol_per_l(value, "mg/dL", factor)
        assert to_mg_per_dl(there, "µmol/L", factor) == pytest.approx(value)


def test_bilirubin_gives_both_units_and_none_for_a_multiple_of_uln() -> None:
    in_umol = BilirubinResult.model_validate({"value": 20.52, "unit": "µmol/L", "uln": 17.1})
    assert (in_umol.mg_per_dl, in_umol.umol_per_l) == (pytest.approx(1.2), 20.52)
    in_mg = BilirubinResult.model_validate({"value": 1.2, "unit": "mg/dL", "uln": 1.0})
    assert (in_mg.mg_per_dl, in_mg.umol_per_l) == (1.2, pytest.approx(20.52))
    multiple = BilirubinResult.model_validate({"x_uln": 1.2})
    assert (multiple.mg_per_dl, multiple.umol_per_l) == (None, None)


# --- the checks decide alike in either unit -----------------------------------------------


def _egfr(creatinine: dict[str, Any], minimum: float) -> tuple[Outcome, str]:
    finding = run_check("egfr_at_least", {"minimum": minimum}, {
        "sex": "female", "birth_date": BIRTH, "height_cm": 152.0,
        "organ_function": {"creatinine": creatinine, "labs_on": date(2026, 10, 30)},
    })
    return finding.outcome, finding.evidence


@pytest.mark.parametrize("minimum", [60, 90, 94, 95, 120])
def test_egfr_from_creatinine_is_the_same_in_mg_dl_and_micromoles(minimum: float) -> None:
    in_mg = _egfr({"value": 0.6, "unit": "mg/dL"}, minimum)
    in_umol = _egfr({"value": 0.6 * 88.4, "unit": "µmol/L"}, minimum)
    assert in_mg == in_umol


def test_egfr_threshold_is_decided_on_both_sides_in_both_units() -> None:
    # CKiD U25, girl of 13.5 years, 152 cm, creatinine 0.6 mg/dL (53.04 µmol/L):
    # 36.1 × 1.023^1.54 × 1.52 / 0.6 = 94.7 mL/min/1.73 m².
    for creatinine in ({"value": 0.6, "unit": "mg/dL"}, {"value": 53.04, "unit": "umol/L"}):
        assert _egfr(creatinine, 94)[0] is Outcome.MET
        assert _egfr(creatinine, 95)[0] is Outcome.NOT_MET


def _bilirubin(result: dict[str, Any], max_x_uln: float) -> tuple[Outcome, str]:
    finding = run_check("within_uln", {"analytes": ["total_bilirubin"], "max_x_uln": max_x_uln},
                        {"organ_function": {"total_bilirubin": result,
                                            "labs_on": date(2026, 10, 30)}})
    return finding.outcome, finding.evidence


@pytest.mark.parametrize(("mg_dl", "expected"), [(1.5, Outcome.MET), (1.8, Outcome.MET),
                                                 (1.81, Outcome.NOT_MET)])
def test_bilirubin_times_uln_is_the_same_in_mg_dl_and_micromoles(mg_dl: float,
                                                                 expected: Outcome) -> None:
    # ULN 1.2 mg/dL = 20.52 µmol/L; the limit 1.5 × ULN is 1.8 mg/dL = 30.78 µmol/L.
    in_mg = _bilirubin({"value": mg_dl, "unit": "mg/dL", "uln": 1.2}, 1.5)
    in_umol = _bilirubin({"value": round(mg_dl * 17.1, 6), "unit": "µmol/L",
                          "uln": round(1.2 * 17.1, 6)}, 1.5)
    assert in_mg[0] is in_umol[0] is expected
    assert in_mg == in_umol


# --- unknown units ------------------------------------------------------------------------


@pytest.mark.parametrize(("body", "key", "accepted"), [
    ('[organ_function]\ncreatinine = { value = 0.6, unit = "mg/dl" }\n',
     "organ_function.creatinine.unit", "mg/dL, µmol/L (or umol/L)"),
    ('[organ_function]\ncreatinine = { value = 0.6, unit = 1 }\n',
     "organ_function.creatinine.unit", "mg/dL, µmol/L (or umol/L)"),
    ('[organ_function]\ntotal_bilirubin = { value = 10, unit = "mmol/L", uln = 21 }\n',
     "organ_function.total_bilirubin.unit", "mg/dL, µmol/L (or umol/L)"),
    ('[organ_function]\nast = { value = 28, unit = "ukat/L", uln = 40 }\n',
     "organ_function.ast.unit", "U/L (or IU/L)"),
    ('[[treatments]]\ndrug = "prednisone"\ndose = 2\ndose_unit = "mg/kg"\nstart = 2025-01-01\n',
     "treatments[0].dose_unit", "mg/day, mg/kg/day"),
])
def test_an_unknown_unit_lists_the_accepted_ones(tmp_path: Path, body: str, key: str,
                                                 accepted: str) -> None:
    error = _load(tmp_path, body)
    assert error is not None
    assert (error.key, error.message) == (key, f"unknown unit; accepted: {accepted}")


@pytest.mark.parametrize("unit", ["mg/dL", "µmol/L", "μmol/L", "umol/L"])
def test_every_accepted_concentration_unit_loads(tmp_path: Path, unit: str) -> None:
    value = 0.6 if unit == "mg/dL" else 53.0
    assert _load(tmp_path, f'[organ_function]\ncreatinine = {{ value = {value}, '
                           f'unit = "{unit}" }}\n') is None


@pytest.mark.parametrize("unit", ["U/L", "IU/L"])
def test_enzymes_take_u_per_l_or_iu_per_l(tmp_path: Path, unit: str) -> None:
    assert _load(tmp_path, f'[organ_function]\nalt = {{ value = 35, unit = "{unit}", '
                           'uln = 40 }\n') is None


# --- the plausible range follows the unit ----------------------------------------------------


@pytest.mark.parametrize(("value", "unit", "plausible"), [
    (0.1, "mg/dL", True), (0.09, "mg/dL", False), (40, "mg/dL", True), (40.01, "mg/dL", False),
    (8.84, "µmol/L", True), (8.83, "µmol/L", False), (3536, "µmol/L", True),
    (3536.1, "µmol/L", False),
    # The usual slip: the number from one unit written with the other.
    (53, "mg/dL", False), (0.6, "µmol/L", False),
])
def test_creatinine_range_is_checked_in_the_unit_given(tmp_path: Path, value: float, unit: str,
                                                       plausible: bool) -> None:
    error = _load(tmp_path, f'[organ_function]\ncreatinine = {{ value = {value}, '
                            f'unit = "{unit}" }}\n')
    if plausible:
        assert error is None
    else:
        assert error is not None and error.key == "organ_function.creatinine.value"
        assert error.message == ("outside the plausible range 0.1–40 mg/dL (8.84–3536 µmol/L); "
                                 "check the value and its unit")


@pytest.mark.parametrize(("value", "uln", "unit", "bad_key"), [
    (0.6, 0.3, "mg/dL", None), (0.6, 0.29, "mg/dL", "uln"), (0.6, 5, "mg/dL", None),
    (0.6, 5.01, "mg/dL", "uln"), (50, 1.2, "mg/dL", None), (50.1, 1.2, "mg/dL", "value"),
    (10, 5.13, "µmol/L", None), (10, 5.12, "µmol/L", "uln"), (855, 21, "µmol/L", None),
    (855.1, 21, "µmol/L", "value"),
    (10, 1.2, "µmol/L", "uln"),  # the ULN copied in mg/dL beside a value in µmol/L
])
def test_bilirubin_range_is_checked_in_the_unit_given(tmp_path: Path, value: float, uln: float,
                                                      unit: str, bad_key: str | None) -> None:
    error = _load(tmp_path, f'[organ_function]\ntotal_bilirubin = {{ value = {value}, '
                            f'unit = "{unit}", uln = {uln} }}\n')
    if bad_key is None:
        assert error is None
    else:
        assert error is not None
        assert error.key == f"organ_function.total_bilirubin.{bad_key}"
        assert error.message.startswith("outside the plausible range")
