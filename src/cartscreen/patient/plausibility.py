"""Plausibility rules: facts that cannot both be true, values outside their unit's range,
and facts the screening date in effect contradicts. Each names the key at fault and what to
correct, never a value."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from functools import cache
from typing import Any, get_args

from pydantic import BaseModel

from cartscreen.drugs import canonical_drug
from cartscreen.patient.common import ONGOING, Fact
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
from cartscreen.vaccines import live_vaccine

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


def _can_hold_date(annotation: object, models_seen: set[type[BaseModel]]) -> bool:
    """Whether a field of this type can hold a date, directly or in a table at any depth.

    ``models_seen`` holds the models this search has looked into: one seen again is either
    being looked into (its own call answers for it) or was found to hold no date (a date
    found ends the search), so it adds nothing.
    """
    if annotation is Any or annotation is object:
        return True
    if isinstance(annotation, type) and issubclass(annotation, date):
        return True
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in models_seen:
            return False
        models_seen.add(annotation)
        return any(_can_hold_date(info.annotation, models_seen)
                   for info in annotation.model_fields.values())
    return any(_can_hold_date(arg, models_seen) for arg in get_args(annotation))


@cache
def _walked_fields(model: type[BaseModel]) -> tuple[str, ...]:
    """The fields of a model that the walk below must look into: those that can hold a date,
    directly or in a table at any depth. The rest (numbers, text, flags, and tables of those,
    such as the classification criteria) can hold none, and skipping them is a good part of
    what makes the walk cheap."""
    return tuple(name for name, info in model.model_fields.items()
                 if _can_hold_date(info.annotation, set()))


# The key paths of the patient's own two dates: the rules name them apart, so they are not
# among the dates of the file's facts.
_OWN_DATES = ("birth_date", "screening_date")


def _tables_and_dates(patient: BaseModel
                      ) -> tuple[list[tuple[str, BaseModel]], list[tuple[str, date]]]:
    """Every table of the file that can hold a date (the patient, its tables, the entries of
    its lists), in file order, each with its key path; and every date in them but the
    patient's own two, with its key path: each table's in the order of its fields, the tables
    in file order.

    The rules read the tables only for their dates (periods, transplants), so the tables that
    can hold none are left out. One pass finds both lists: this walk is most of what the rules
    cost.
    """
    tables: list[tuple[str, BaseModel]] = []
    dates: list[tuple[str, date]] = []
    stack: list[tuple[str, BaseModel]] = [("", patient)]
    while stack:
        path, fact = stack.pop()
        tables.append((path, fact))
        inner: list[tuple[str, BaseModel]] = []
        for name in _walked_fields(type(fact)):
            value = getattr(fact, name)
            if value is None:  # a key left out, as most optional keys are
                continue
            # _join written out: this line runs for every field of every file
            key = f"{path}.{name}" if path else name
            if isinstance(value, date):
                if key not in _OWN_DATES:
                    dates.append((key, value))
            elif isinstance(value, list):
                for index, item in enumerate(value):
                    if isinstance(item, BaseModel):
                        inner.append((f"{key}[{index}]", item))
                    elif isinstance(item, date) and key not in _OWN_DATES:
                        dates.append((f"{key}[{index}]", item))
            elif isinstance(value, BaseModel):
                inner.append((key, value))
            elif isinstance(value, dict) and key not in _OWN_DATES:
                dates.extend((f"{key}.{k}", d) for k, d in value.items() if isinstance(d, date))
        # The tables inside this one come next, in the order of its fields, before the rest.
        stack.extend(reversed(inner))
    return tables, dates


# The walk of the last patient read: the load rules and the screening-date rules each walk
# the same patient, so it is walked once. The patient is held, so its identity is never
# another's; a patient is immutable, so what was found stays true of it.
_walked: tuple[BaseModel, list[tuple[str, BaseModel]], list[tuple[str, date]]] | None = None


def _walk(patient: BaseModel) -> tuple[list[tuple[str, BaseModel]], list[tuple[str, date]]]:
    """The patient's tables and every date in them (:func:`_tables_and_dates`)."""
    global _walked
    if _walked is None or _walked[0] is not patient:
        _walked = (patient, *_tables_and_dates(patient))
    return _walked[1], _walked[2]


def dated_facts(patient: Patient) -> Iterator[tuple[str, date]]:
    """Every date in the file except birth_date and screening_date, with its key path."""
    return iter(_walk(patient)[1])


def implausible_facts(patient: Patient) -> Iterator[Problem]:
    """The rules that need only the file: dates in order, units, contradictions."""
    out_of_range = list(dates_out_of_range(patient))
    if out_of_range:  # the rules below do arithmetic on dates, which these would overflow
        yield from out_of_range
        return
    yield from _dates_in_order(patient)
    yield from _unit_ranges(patient)
    yield from _fractions(patient)
    yield from _contradictions(patient)
    yield from _weight_for_height(patient)
    yield from _course_weights_for_age(patient)
    yield from _vaccines_named_live(patient)
    yield from _overlapping_courses(patient)


# A date a screen can hold: a patient born, treated or tested from 1900 on, screened before
# 2200. Anything else is a typo (0001-02-01, 9999-12-31), and keeping every date in this range
# keeps date arithmetic with any trial window (at most ten years) away from the calendar's ends.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2199, 12, 31)
DATE_RANGE_TEXT = f"{EARLIEST_DATE.year}–{LATEST_DATE.year}"


def date_in_range(day: date) -> bool:
    return EARLIEST_DATE <= day <= LATEST_DATE


def dates_out_of_range(patient: Patient) -> Iterator[Problem]:
    named = (("birth_date", patient.birth_date), ("screening_date", patient.screening_date))
    for key, day in (*named, *dated_facts(patient)):
        if day is not None and not date_in_range(day):
            yield key, f"a date outside the years {DATE_RANGE_TEXT}; correct the year"


@cache
def _periods_of(model: type[BaseModel]) -> tuple[tuple[str, str, str], ...]:
    """The periods of :data:`_PERIODS` a table of this model holds (most hold none): found once
    per model rather than tried on every table of every file."""
    return tuple((start, end, start_name) for period_model, start, end, start_name in _PERIODS
                 if issubclass(model, period_model))


def _dates_in_order(patient: Patient) -> Iterator[Problem]:
    birth = patient.birth_date
    tables, dates = _walk(patient)
    if birth is not None:
        if patient.screening_date is not None and patient.screening_date < birth:
            yield "screening_date", "before birth_date; correct one of the two dates"
        for key, day in dates:
            if day < birth:
                yield key, "before birth_date; correct this date or birth_date"
    for path, fact in tables:
        for start, end, start_name in _periods_of(type(fact)):
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



# --- weight against height and age ---------------------------------------------------------
# These catch slips (a lost digit or decimal point in the weight, a height in other units), not
# thin or heavy children: the bounds lie far outside the CDC's own cut-offs for "biologically
# implausible values" (BIV), which flag values for review in survey data and can flag real
# children at the extremes (CDC, "A SAS Program for the 2000 CDC Growth Charts (ages 0 to
# <20 years)", BIV cut-offs as revised in 2016: BMI-for-age modified z-score below -4 or above
# +8, weight-for-age below -5 or above +8). A weight in grams is already above the 300 kg
# limit of weight_kg; one in pounds (2.2 times the kilograms) stays within these bounds for
# most children and is not caught.

# Body mass index (kg/m²): the project's generous bounds, about 40 % beyond the extremes of the
# CDC 2016 BIV cut-offs for BMI-for-age over ages 2 to 20 years and both sexes (10.3 kg/m² at
# the lowest, 84 kg/m² at the highest; computed from the CDC 2000 BMI-for-age LMS table,
# bmiagerev.csv, Kuczmarski et al., Vital Health Stat 11(246), 2002). A weight that lost a digit
# (a tenth of itself) falls below the lower bound for any child with a BMI under 60.
BMI_RANGE_KG_M2 = (6.0, 120.0)

# Weight-for-age: per whole year of age, the lowest and the highest CDC 2000 median weight (kg)
# of either sex over that year (CDC 2000 weight-for-age LMS table, wtage.csv, the M column;
# Kuczmarski et al. 2002). The project's generous bounds are a sixth of the lowest median and
# six times the highest (at most 300 kg, the range of weight_kg): at every age they lie outside
# the CDC 2016 BIV cut-offs for weight-for-age (for example 6.6–31 kg at 2 years, 12–173 kg at
# 13 years, where these bounds are 2–86 kg and 7.6–300 kg). The CDC table starts at 2 years
# (below it the WHO standards apply, and every trial here starts at 5); from 20 years the
# 20-year row applies. Sex is not needed: the bounds hold for either.
WEIGHT_FOR_AGE_MEDIANS_KG: dict[int, tuple[float, float]] = {
    2: (12.0, 14.3), 3: (13.9, 16.2), 4: (15.8, 18.3), 5: (18.0, 20.6), 6: (20.3, 23.0),
    7: (22.8, 25.6), 8: (25.7, 28.9), 9: (28.6, 32.8), 10: (32.0, 37.1), 11: (36.0, 41.5),
    12: (40.6, 45.7), 13: (45.8, 50.8), 14: (49.4, 56.1), 15: (52.1, 60.8), 16: (53.9, 64.5),
    17: (55.1, 67.2), 18: (56.2, 69.1), 19: (57.3, 70.6), 20: (58.2, 70.6),
}
WEIGHT_FOR_AGE_FACTOR = 6
WEIGHT_LIMIT_KG = 300  # as for weight_kg


def weight_for_age_bounds_kg(age_years: int) -> tuple[float, float] | None:
    """The plausible weights (kg, to 10 g) at an age in whole years, or None below 2 years (no
    bound)."""
    if age_years < min(WEIGHT_FOR_AGE_MEDIANS_KG):
        return None
    lowest, highest = WEIGHT_FOR_AGE_MEDIANS_KG[min(age_years, max(WEIGHT_FOR_AGE_MEDIANS_KG))]
    return (round(lowest / WEIGHT_FOR_AGE_FACTOR, 2),
            min(round(highest * WEIGHT_FOR_AGE_FACTOR, 2), WEIGHT_LIMIT_KG))


def _implausible_for_age(weight_kg: float, age_years: int) -> bool:
    bounds = weight_for_age_bounds_kg(age_years)
    return bounds is not None and not bounds[0] <= weight_kg <= bounds[1]


def _weight_for_height(patient: Patient) -> Iterator[Problem]:
    weight, height = patient.weight_kg, patient.height_cm
    if weight is None or height is None:
        return
    low, high = BMI_RANGE_KG_M2
    if not low <= weight / (height / 100) ** 2 <= high:
        yield ("weight_kg", f"contradicts height_cm: a body mass index outside {low:g}–{high:g} "
               "kg/m²; correct one of the two (weight in kg, height in cm)")


def _course_weights_for_age(patient: Patient) -> Iterator[Problem]:
    """A course's own weight against the age at its start (the height then is not known)."""
    birth = patient.birth_date
    if birth is None:
        return
    for index, course in enumerate(patient.treatments or []):
        if course.weight_kg is not None and course.start >= birth \
                and _implausible_for_age(course.weight_kg, whole_years(birth, course.start)):
            yield (f"treatments[{index}].weight_kg",
                   f"contradicts birth_date and treatments[{index}].start: a weight far outside "
                   "the range for the age at the course's start; correct one of them (the "
                   "weight in kg)")


def _vaccines_named_live(patient: Patient) -> Iterator[Problem]:
    for index, vaccine in enumerate(patient.events.vaccines or []):
        if vaccine.live is False and live_vaccine(vaccine.name) is not None:
            key = f"events.vaccines[{index}]"
            yield (f"{key}.live", f"contradicts {key}.name, which names a live vaccine; correct "
                   "one of the two")


# --- one entry per course at a steady dose -------------------------------------------------

def _same_drug(name: str) -> str:
    """The drug's canonical name, or its text (case and spacing aside) when not recognised."""
    return canonical_drug(name) or " ".join(name.casefold().replace("_", " ").split())


def _days_taken(course: Treatment) -> tuple[date, date | None]:
    """The days a course claims, as [first, stop) with ``stop`` excluded (None: open-ended).

    An end is the day the next course may start, so courses that touch (one ends the day the
    next starts) claim no common day. A course that ends on its start day, or whose end is not
    recorded, claims its start day only; an "ongoing" one is open-ended (for a file whose dates
    pass the screening-date rules this is the same as running to the screening date, and it
    keeps the rule to the file alone).
    """
    if course.end == ONGOING:
        return course.start, None
    if isinstance(course.end, date) and course.end > course.start:
        return course.start, course.end
    return course.start, course.start + timedelta(days=1)


def _overlap(first: Treatment, second: Treatment) -> bool:
    (start_a, stop_a), (start_b, stop_b) = _days_taken(first), _days_taken(second)
    stops = [stop for stop in (stop_a, stop_b) if stop is not None]
    return not stops or max(start_a, start_b) < min(stops)


def _overlapping_courses(patient: Patient) -> Iterator[Problem]:
    """Two courses of one drug by one route (or a route not recorded) at different recorded
    doses over a common day: each entry is one course at a steady dose, so they contradict."""
    courses = patient.treatments or []
    drugs = [_same_drug(course.drug) for course in courses]
    for later, course in enumerate(courses):
        if course.dose is None:
            continue
        for earlier in range(later):
            other = courses[earlier]
            if drugs[earlier] != drugs[later] or other.dose is None \
                    or (other.dose, other.dose_unit) == (course.dose, course.dose_unit):
                continue
            known_routes = course.route is not None and other.route is not None
            if known_routes and course.route != other.route:
                continue  # e.g. IV methylprednisolone pulses during oral methylprednisolone
            if _overlap(other, course):
                routes = "" if known_routes else ", or give each its route if the routes differ"
                yield (f"treatments[{later}]", f"overlaps treatments[{earlier}], the same drug at "
                       "another dose; give one entry per course at a steady dose (end one "
                       f"before the next begins){routes}")
                break


# --- rules that need the screening date ------------------------------------------------------

_DATE_SOURCES = {"patient file": "the file's screening_date", "--as-of": "--as-of",
                 "today": "today", "--screen-on": "--screen-on"}

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
    # A stated age is the age at the file's own screening date (or, without one, at the date
    # in effect); a what-if date does not make it wrong.
    stated_on = patient.screening_date or screening
    if birth is not None and patient.age_years is not None \
            and patient.age_years != whole_years(birth, stated_on):
        yield ("age_years", f"disagrees with birth_date at {when}; correct one of the two, "
               "or leave age_years out (birth_date is enough)")
    ilar = patient.diagnosis.components.ilar_2001
    if ilar is not None and ilar.age_at_onset_years is not None:
        age = decimal_years(birth, screening) if birth is not None else (
            patient.age_years + 1 if patient.age_years is not None else None)
        if age is not None and ilar.age_at_onset_years > age:
            yield ("diagnosis.components.ilar_2001.age_at_onset_years",
                   f"above the patient's age at {when}; correct it or the birth date")
    yield from _weight_for_age(patient, screening, when)
    for key, day in dated_facts(patient):
        if day > screening:
            fix = ('write "ongoing" while it continues, or correct it'
                   if key.rpartition(".")[2] in _ENDS else "correct the date")
            yield key, f"after {when}: a recorded fact cannot be later; {fix}"


def _weight_for_age(patient: Patient, screening: date, when: str) -> Iterator[Problem]:
    """weight_kg against the age at the screening date, from birth_date or else age_years."""
    weight, birth = patient.weight_kg, patient.birth_date
    if weight is None:
        return
    if birth is not None:
        if birth <= screening and _implausible_for_age(weight, whole_years(birth, screening)):
            yield ("weight_kg", "contradicts birth_date: a weight far outside the range for the "
                   f"age at {when}; correct one of the two (the weight in kg)")
    elif patient.age_years is not None and _implausible_for_age(weight, patient.age_years):
        yield ("weight_kg", "contradicts age_years: a weight far outside the range for that "
               "age; correct one of the two (the weight in kg)")
