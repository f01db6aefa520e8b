"""Plausibility rules: facts that cannot both be true, values outside their unit's range,
and facts the screening date in effect contradicts. Each names the key at fault and what to
correct, never a value."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from functools import cache
from typing import Any, get_args

from pydantic import BaseModel

from cartscreen.patient.common import Fact
from cartscreen.patient.events import (
    CnsEvent,
    GvhdEpisode,
    Infection,
    RenalReplacement,
    Study,
    Transplant,
)
from cartscreen.patient.model import Patient
from cartscreen.patient.organ import (
    BILIRUBIN_ULN_RANGE_MG_DL,
    BILIRUBIN_VALUE_RANGE_MG_DL,
    CREATININE_RANGE_MG_DL,
)
from cartscreen.patient.treatments import Treatment
from cartscreen.patient.units import (
    BILIRUBIN_UMOL_L_PER_MG_DL,
    CREATININE_UMOL_L_PER_MG_DL,
    ConcentrationUnitName,
)
from cartscreen.timeutil import decimal_years, whole_years

# Each rule names the key at fault and what to correct, never a value. Ranges of single
# values are field constraints on the models above (pydantic reports them); these rules
# relate two facts, or a value to its unit.

Problem = tuple[str, str]  # key path, "problem; fix"

# (model, start, end, what the start is called): an end before its start is an error.
_PERIODS: tuple[tuple[type[Fact], str, str, str], ...] = (
    (Treatment, "start", "end", "start"),
    (Infection, "onset", "resolved", "onset"),
    (Infection, "onset", "treatment_end", "onset"),
    (GvhdEpisode, "onset", "resolved", "onset"),
    (RenalReplacement, "start", "end", "start"),
    (Study, "start", "end", "start"),
    (CnsEvent, "date", "intervention_end", "date"),
)

# Dates that end something; one in the future is advice to leave it out, not a typo.
_ENDS = {"end", "resolved", "treatment_end", "intervention_end"}


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _can_hold_date_or_table(annotation: object) -> bool:
    """Whether a field of this type can hold a date or a table (a model), at any depth."""
    if annotation is Any or annotation is object:
        return True
    if isinstance(annotation, type) and issubclass(annotation, (date, BaseModel)):
        return True
    return any(_can_hold_date_or_table(arg) for arg in get_args(annotation))


@cache
def _walked_fields(model: type[BaseModel]) -> tuple[str, ...]:
    """The fields of a model that the walks below must look into; the rest (numbers, text,
    flags) can hold neither a date nor a table."""
    return tuple(name for name, info in model.model_fields.items()
                 if _can_hold_date_or_table(info.annotation))


def _facts(patient: BaseModel) -> list[tuple[str, BaseModel]]:
    """Every table of the file (the patient, its tables, the entries of its lists), in file
    order, each with its key path."""
    found: list[tuple[str, BaseModel]] = []
    stack: list[tuple[str, BaseModel]] = [("", patient)]
    while stack:
        path, fact = stack.pop()
        found.append((path, fact))
        inner: list[tuple[str, BaseModel]] = []
        for name in _walked_fields(type(fact)):
            value = getattr(fact, name)
            if isinstance(value, BaseModel):
                inner.append((_join(path, name), value))
            elif isinstance(value, list):
                key = _join(path, name)
                inner.extend((f"{key}[{index}]", item) for index, item in enumerate(value)
                             if isinstance(item, BaseModel))
        stack.extend(reversed(inner))
    return found


def dated_facts(patient: Patient, tables: list[tuple[str, BaseModel]] | None = None
                ) -> Iterator[tuple[str, date]]:
    """Every date in the file except birth_date and screening_date, with its key path
    (``tables``: the patient's :func:`_facts`, when the caller has them already)."""
    for path, fact in _facts(patient) if tables is None else tables:
        for name in _walked_fields(type(fact)):
            key = _join(path, name)
            if key in ("birth_date", "screening_date"):
                continue
            value = getattr(fact, name)
            if isinstance(value, date):
                yield key, value
            elif isinstance(value, list):
                yield from ((f"{key}[{i}]", d) for i, d in enumerate(value)
                            if isinstance(d, date))
            elif isinstance(value, dict):
                yield from ((f"{key}.{k}", d) for k, d in value.items() if isinstance(d, date))


def implausible_facts(patient: Patient) -> Iterator[Problem]:
    """The rules that need only the file: dates in order, units, contradictions."""
    yield from _dates_in_order(patient)
    yield from _unit_ranges(patient)
    yield from _fractions(patient)
    yield from _contradictions(patient)


def _dates_in_order(patient: Patient) -> Iterator[Problem]:
    birth = patient.birth_date
    tables = _facts(patient)
    if birth is not None:
        if patient.screening_date is not None and patient.screening_date < birth:
            yield "screening_date", "before birth_date; correct one of the two dates"
        for key, day in dated_facts(patient, tables):
            if day < birth:
                yield key, "before birth_date; correct this date or birth_date"
    for path, fact in tables:
        for model, start, end, start_name in _PERIODS:
            if isinstance(fact, model):
                began, ended = getattr(fact, start), getattr(fact, end)
                if isinstance(began, date) and isinstance(ended, date) and ended < began:
                    yield (_join(path, end), f"before {start_name}; correct the dates "
                           f'(write {end} = "ongoing" while it continues)')
        if isinstance(fact, Transplant):
            for index, episode in enumerate(fact.gvhd or []):
                if episode.onset < fact.date:
                    yield (f"{path}.gvhd[{index}].onset", "before the transplant's date (acute "
                           "GVHD follows a transplant); correct one of the two dates")


def _range_text(low_mg_dl: float, high_mg_dl: float, umol_per_mg_dl: float) -> str:
    return (f"{low_mg_dl:g}–{high_mg_dl:g} mg/dL ({round(low_mg_dl * umol_per_mg_dl, 2):g}–"
            f"{round(high_mg_dl * umol_per_mg_dl, 2):g} µmol/L)")


def _outside(value: float, unit: ConcentrationUnitName, bounds: tuple[float, float],
             umol_per_mg_dl: float) -> bool:
    """Whether a value lies outside bounds given in mg/dL, compared in the value's own unit
    (so a value exactly on a bound in µmol/L is not lost to rounding)."""
    factor = 1.0 if unit == "mg/dL" else umol_per_mg_dl
    low, high = (round(bound * factor, 6) for bound in bounds)
    return not low <= value <= high


def _unit_ranges(patient: Patient) -> Iterator[Problem]:
    """Concentrations whose plausible range depends on the unit they are given in: a value
    outside it is most often a value written in the other unit."""
    fix = "check the value and its unit"
    organ = patient.organ_function
    creatinine = organ.creatinine
    if creatinine is not None and _outside(creatinine.value, creatinine.unit,
                                           CREATININE_RANGE_MG_DL, CREATININE_UMOL_L_PER_MG_DL):
        text = _range_text(*CREATININE_RANGE_MG_DL, CREATININE_UMOL_L_PER_MG_DL)
        yield "organ_function.creatinine.value", f"outside the plausible range {text}; {fix}"
    bilirubin = organ.total_bilirubin
    if bilirubin is not None and bilirubin.unit is not None:
        for name, bounds in (("value", BILIRUBIN_VALUE_RANGE_MG_DL),
                             ("uln", BILIRUBIN_ULN_RANGE_MG_DL)):
            value = getattr(bilirubin, name)
            if value is not None and _outside(value, bilirubin.unit, bounds,
                                              BILIRUBIN_UMOL_L_PER_MG_DL):
                text = _range_text(*bounds, BILIRUBIN_UMOL_L_PER_MG_DL)
                yield (f"organ_function.total_bilirubin.{name}",
                       f"outside the plausible range {text}; {fix} (value and uln share it)")


# Percentages a report may give as a fraction (an LVEF of 0.55 for 55 %). At or below 1 % none
# of them is compatible with a child well enough to be screened, so such a value is a fraction
# written in a percent key: read as a percentage it would silently fail the criterion.
_PERCENT_KEYS = ("lvef_percent", "spo2_percent", "dlco_percent_predicted",
                 "fvc_percent_predicted")


def _fractions(patient: Patient) -> Iterator[Problem]:
    organ = patient.organ_function
    for name in _PERCENT_KEYS:
        value = getattr(organ, name)
        if value is not None and 0 < value <= 1:
            yield (f"organ_function.{name}", "at or below 1, which is a fraction, not a "
                   "percentage; write the percentage (a fraction of 0.55 is 55)")


def _contradictions(patient: Patient) -> Iterator[Problem]:
    """Facts that cannot both be true. The messages name the keys, never their values."""
    pregnancy = patient.pregnancy
    if patient.sex == "male":
        if pregnancy.test == "positive":
            yield "pregnancy.test", "contradicts sex; correct one of the two"
        if pregnancy.childbearing_potential is True:
            yield "pregnancy.childbearing_potential", "contradicts sex; correct one of the two"
    if pregnancy.test == "positive" and pregnancy.childbearing_potential is False:
        yield "pregnancy.test", ("contradicts pregnancy.childbearing_potential; correct one of "
                                 "the two")
    ilar = patient.diagnosis.components.ilar_2001
    if ilar is not None and ilar.sex is not None and patient.sex is not None \
            and ilar.sex != patient.sex:
        yield "diagnosis.components.ilar_2001.sex", "contradicts sex; correct one of the two"



# --- rules that need the screening date ------------------------------------------------------

_DATE_SOURCES = {"patient file": "the file's screening_date", "--as-of": "--as-of",
                 "today": "today"}

AGE_LIMIT_YEARS = 120  # as for age_years


def facts_against_screening_date(patient: Patient, screening: date,
                                 source: str = "patient file") -> Iterator[Problem]:
    """The problems :func:`check_against_screening_date` raises the first of."""
    when = f"the screening date ({_DATE_SOURCES.get(source, source)})"
    birth = patient.birth_date
    if birth is not None and patient.screening_date is None and birth > screening:
        yield "birth_date", f"after {when}; correct birth_date or the screening date"
        return
    if birth is not None and whole_years(birth, screening) > AGE_LIMIT_YEARS:
        yield ("birth_date", f"gives an age above {AGE_LIMIT_YEARS} years at {when}; "
               "correct birth_date")
    if birth is not None and patient.age_years is not None \
            and patient.age_years != whole_years(birth, screening):
        yield ("age_years", f"disagrees with birth_date at {when}; correct one of the two, "
               "or leave age_years out (birth_date is enough)")
    ilar = patient.diagnosis.components.ilar_2001
    if ilar is not None and ilar.age_at_onset_years is not None:
        age = decimal_years(birth, screening) if birth is not None else (
            patient.age_years + 1 if patient.age_years is not None else None)
        if age is not None and ilar.age_at_onset_years > age:
            yield ("diagnosis.components.ilar_2001.age_at_onset_years",
                   f"above the patient's age at {when}; correct it or the birth date")
    for key, day in dated_facts(patient):
        if day > screening:
            fix = ('write "ongoing" while it continues, or correct it'
                   if key.rpartition(".")[2] in _ENDS else "correct the date")
            yield key, f"after {when}: a recorded fact cannot be later; {fix}"
