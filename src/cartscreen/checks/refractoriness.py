"""Refractoriness from the treatment history: drugs, doses, durations, responses.

Each trial states refractory disease differently ("glucocorticoids and at least 2
immunosuppressants for at least 6 months", "≥3M of prednisone ≥1 mg/kg/d, hydroxychloroquine
and at least 2 of …"). A trial file writes its rule as a list of requirements that must all
hold, each over a set of drugs, with optional dose, duration and response conditions, plus the
alternative paths its wording gives (intolerance; rapid progression), which go to review.

**Unrecorded facts are unknown at every depth.** A course counts only on what the file records:

- an unrecognised drug name, an unrecorded response, an unrecorded route of a drug that also
  comes in local forms (glucocorticoids, topical tacrolimus, cyclosporine eye drops) or of a
  course whose dose is compared, and an unrecorded dose or weight where the dose is compared,
  leave the course possible, never counted and never excluded;
- a course with no end surely covered its first day and may have run to the screening date;
  "ongoing" runs to the screening date.

So every rule is worked out twice: on the history as recorded, and with every unrecorded fact
at its most favourable. When the two agree, that is the outcome; when they differ, the outcome
is unknown and names the facts (``treatments[2].end``).

**A finding names the facts it rests on.** Several facts often decide a rule each on its own
(two courses that each end before a third begins; a third immunosuppressant beside two). A met
or review finding records in its ``read`` an irreducible set of the optional facts (responses,
routes, doses, weights, ends): each one needed given the others. Deleting any of them from the
file leaves the rule unknown, or decided by another fact the file gives.

**Readings the registry leaves open go to review**, with both readings in the evidence, when the
patient passes under one and fails under the other:

- *continuous or cumulative time* (``min_months``, every requirement that has it): no registry
  text says "continuous". The plain reading is one continuous period of qualifying courses at
  least N calendar months long. The cumulative reading adds up the days the qualifying courses
  cover, each day once, and asks for at least N × 365.25 / 12 days (the mean calendar month:
  6 months = 182.6 days). Interrupted courses can pass only this way; so can one course a day
  or two short of N calendar months (15 January to 13 July is 180 days: neither).
- *the duration of the agents* (``review_below_months``): "≥3M of high dose glucocorticoids,
  hydroxychloroquine and at least 2 of …" may or may not give the agents 3 months too. A drug
  with no continuous period that long counts only under the wider reading.
- *an adequate dose* (``adequate_dose_review_below_mg_per_kg_day``): the registry does not
  quantify it, so no dose threshold is applied; a history whose highest prednisone-equivalent
  dose in the counted period is below a floor far under any treatment dose goes to review.
- *open lists* (``review_also``): "etc.", or a category word the registry does not enumerate
  ("immunosuppressants"), may cover drugs it does not name.
- *a course given by an "other" route* of a drug that also comes in local forms may or may not
  have been systemic treatment.
- *a combination that failed for more than N months* (``treated_for_more_than_months``): met
  when the qualifying courses of every requirement were given together for more than N months;
  review when the last component was first given more than N months before screening but the
  courses were not given together that long (short exposure, or one after another).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from itertools import pairwise
from typing import Any, NamedTuple

from pydantic import Field, PrivateAttr, field_validator, model_validator

from cartscreen.checks.base import (
    MAX_MONTHS,
    MAX_WEEKS,
    MET,
    NOT_MET,
    REVIEW,
    UNKNOWN,
    Check,
    Example,
    Facts,
    Finding,
    LazyText,
    Outcome,
    Params,
    fmt,
)
from cartscreen.drugs import (
    CLASS_LABELS,
    CLASSES,
    LOCAL_FORMS,
    canonical_drug,
    expand,
    validate_drug_list,
)
from cartscreen.patient import Response, Treatment
from cartscreen.scores.steroids import CONVERTIBLE_ROUTES, prednisone_equivalent
from cartscreen.timeutil import add_months

_FAILURES: tuple[Response, ...] = ("inadequate", "intolerant")
# Local therapy is not systemic treatment: it counts towards no requirement.
LOCAL_ROUTES = frozenset({"topical", "intra_articular"})
# The cumulative reading counts days; its month is the mean calendar month.
DAYS_PER_MONTH = 365.25 / 12
# The highest glucocorticoid dose given to children is a methylprednisolone pulse of
# 30 mg/kg/day (37.5 mg/kg/day as prednisone): a dose threshold above it no course meets.
MAX_PREDNISONE_MG_PER_KG_DAY = prednisone_equivalent("methylprednisolone", 30.0)
# Registries ask for two or three different drugs; ten is far more than any.
MAX_DISTINCT_DRUGS = 10
# Why a course counts only on a wider reading of the registry (review).
_UNLISTED = "not on the registry's list"
_OTHER_ROUTE = "by an 'other' route"

Period = tuple[date, date]


class Requirement(Params):
    label: str = Field(min_length=1)
    drugs: list[str] = Field(min_length=1, description="drug names or class:NAME")
    min_distinct: int = Field(default=1, ge=1, le=MAX_DISTINCT_DRUGS)
    responses: list[Response] = Field(default_factory=lambda: list(_FAILURES))
    min_prednisone_mg_per_kg_day: float | None = Field(
        default=None, gt=0, le=MAX_PREDNISONE_MG_PER_KG_DAY,
        description="every counted course at least this prednisone-equivalent dose (oral or IV "
        "only; a course without a recorded route or dose is unknown)",
    )
    adequate_dose_review_below_mg_per_kg_day: float | None = Field(
        default=None, gt=0, le=MAX_PREDNISONE_MG_PER_KG_DAY,
        description="for an 'adequate' dose the registry does not quantify: review when no "
        "counted course reaches this prednisone-equivalent dose, set far below any treatment "
        "dose",
    )
    min_months: int | None = Field(
        default=None, ge=1, le=MAX_MONTHS,
        description="one continuous period of qualifying courses at least this many calendar "
        "months long; review when only the cumulative time reaches it (the days the courses "
        "cover, each once, at least months × 365.25 / 12)",
    )
    min_weeks_single_course: int | None = Field(
        default=None, ge=1, le=MAX_WEEKS,
        description="one course at a stable dose lasting this long",
    )
    review_below_months: int | None = Field(
        default=None, ge=1, le=MAX_MONTHS,
        description="each counted drug given for a continuous period at least this many months "
        "long; a requirement met only by counting drugs given for less goes to review",
    )
    review_also: list[str] = Field(
        default_factory=list,
        description="drugs an open list ('etc.', or a category word the registry does not "
        "enumerate) may cover: counting them goes to review",
    )

    _validate_drugs = field_validator("drugs", "review_also")(validate_drug_list)

    @model_validator(mode="after")
    def _dose_only_for_glucocorticoids(self) -> Requirement:
        glucocorticoids = set(CLASSES["glucocorticoid"])
        for name in ("min_prednisone_mg_per_kg_day", "adequate_dose_review_below_mg_per_kg_day"):
            if getattr(self, name) is not None and not expand(self.drugs) <= glucocorticoids:
                raise ValueError(f"{name} needs glucocorticoid drugs only")
        return self

    @property
    def timed(self) -> bool:
        """Whether the requirement looks at how long courses lasted."""
        return any(value is not None for value in (
            self.min_months, self.min_weeks_single_course, self.review_below_months))

    @property
    def compares_doses(self) -> bool:
        return (self.min_prednisone_mg_per_kg_day is not None
                or self.adequate_dose_review_below_mg_per_kg_day is not None)


class TreatmentParams(Params):
    requirements: list[Requirement] = Field(min_length=1)
    treated_for_more_than_months: int | None = Field(
        default=None, ge=1, le=MAX_MONTHS,
        description="the qualifying courses of every requirement given together for more than "
        "this many months; review when the full combination was in place that long before "
        "screening but its courses were not given together that long",
    )
    intolerance_review: bool = Field(
        default=False, description="'or intolerant to standard treatments' goes to review"
    )
    rapid_progression_review: bool = Field(
        default=False, description="'or rapid disease progression' goes to review"
    )
    # Per requirement: its drugs, the drugs its open list may cover, and whether time counts,
    # worked out once when the trial is loaded rather than for every patient.
    _plan: tuple[_RequirementPlan, ...] = PrivateAttr(default=())

    def model_post_init(self, context: Any) -> None:
        timed = self.treated_for_more_than_months is not None
        self._plan = tuple(_RequirementPlan(expand(r.drugs), _open_list(self, r), timed or r.timed)
                           for r in self.requirements)


class _RequirementPlan(NamedTuple):
    wanted: frozenset[str]
    open_list: frozenset[str]
    timed: bool


# --- the facts a rule may rest on ---------------------------------------------------------------

_RAPID = "diagnosis.features.rapidly_progressive"


@dataclass
class _Sources:
    """The optional facts of the file a rule may rest on: each course's response, route, dose,
    weight and end, the weight at screening, and rapid progression. The rule is worked out on
    all of them, then again with some set aside (taken as not recorded) to find the ones its
    outcome rests on. Each fact looked at is noted in ``consulted``."""

    courses: Sequence[Treatment]
    weight_kg: float | None
    rapidly_progressive: bool | None
    screening: date
    known: frozenset[str] | None = None  # None: every fact; else only these
    consulted: dict[str, None] = field(default_factory=dict)  # in the order looked at
    # What each requirement made of the facts it can see, shared by every working-out: setting
    # aside one course's fact changes nothing for a requirement that does not count that drug.
    memo: dict[Any, Any] = field(default_factory=dict)

    def _visible(self, key: str) -> bool:
        self.consulted[key] = None
        return self.known is None or key in self.known

    def value(self, key: str) -> Any:
        """The file's value at ``key``, whether or not it is set aside."""
        if key == "weight_kg":
            return self.weight_kg
        if key == _RAPID:
            return self.rapidly_progressive
        index, name = _course_key(key)
        return getattr(self.courses[index], name)

    def set_aside(self, key: str) -> bool:
        """Whether the file gives the fact but this working-out takes it as not recorded."""
        return self.known is not None and key not in self.known and self.value(key) is not None

    def course(self, index: int, name: str) -> Any:
        key = f"treatments[{index}].{name}"
        return getattr(self.courses[index], name) if self._visible(key) else None

    def weight(self) -> float | None:
        return self.weight_kg if self._visible("weight_kg") else None

    def rapid(self) -> bool | None:
        return self.rapidly_progressive if self._visible(_RAPID) else None

    def only(self, known: Iterable[str] | None) -> _Sources:
        """The same facts with only ``known`` known (None: all), nothing consulted yet."""
        return _Sources(self.courses, self.weight_kg, self.rapidly_progressive, self.screening,
                        None if known is None else frozenset(known), memo=self.memo)


@lru_cache(maxsize=4096)
def _course_key(key: str) -> tuple[int, str]:
    """``"treatments[3].end"`` -> ``(3, "end")``."""
    entry, _, name = key.partition(".")
    return int(entry.removeprefix("treatments[").removesuffix("]")), name


# --- one course as a requirement reads it -------------------------------------------------------


class _Course(NamedTuple):
    """One course in one scenario: as recorded, or with its unrecorded facts at best."""

    entry: int  # its index in the treatments list
    drug: str
    start: date
    end: date
    end_note: str | None = ""  # "" a recorded end; text: why it is not; None: not looked at
    unconverted: str = ""  # the route of a dose not converted to prednisone ("intramuscular")
    dose: float | None = None  # prednisone-equivalent mg/kg/day, when compared
    adequate: bool = True  # reaches the adequate-dose floor (True when there is none)
    wider_reading: str = ""  # why it counts only on a wider reading of the registry

    @property
    def period(self) -> Period:
        return self.start, self.end


class _Record(NamedTuple):
    """A course and what its file leaves unrecorded."""

    course: _Course  # as recorded: its surely covered days; an unshown dose not adequate
    best: _Course  # at best: up to its latest possible end; an unshown dose adequate
    missing: tuple[str, ...] = ()  # facts without which it may not count at all
    end_missing: tuple[str, ...] = ()
    dose_missing: tuple[str, ...] = ()  # facts the adequate-dose review needs

    def as_recorded(self) -> _Course | None:
        return None if self.missing else self.course

    def at_best(self) -> _Course:
        return self.best

    @property
    def unrecorded(self) -> tuple[str, ...]:
        return self.missing + self.end_missing + self.dose_missing


class _History(NamedTuple):
    """One requirement's reading of the treatment history."""

    records: tuple[_Record, ...]
    excluded: tuple[str, ...]  # courses of its drugs that cannot count, and why

    def as_recorded(self) -> list[_Course]:
        return [c for r in self.records if (c := r.as_recorded()) is not None]

    def at_best(self) -> list[_Course]:
        return [r.at_best() for r in self.records]

    @property
    def unrecorded(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(key for r in self.records for key in r.unrecorded))


def _route_words(route: str) -> str:
    return {"im": "intramuscular", "sc": "subcutaneous", "iv": "IV"}.get(
        route, route.replace("_", "-"))


def _prednisone_mg_per_kg_day(src: _Sources, index: int,
                              drug: str) -> tuple[float | None, tuple[str, ...]]:
    """The dose as prednisone-equivalent mg/kg/day, were it given orally or IV (the route is
    the caller's to judge), or the facts it needs."""
    dose = src.course(index, "dose")
    if dose is None:
        return None, (f"treatments[{index}].dose",)
    equivalent = prednisone_equivalent(drug, dose)
    if src.value(f"treatments[{index}].dose_unit") == "mg/kg/day":
        return equivalent, ()
    weight = src.course(index, "weight_kg")
    if weight is None:
        if src.set_aside(f"treatments[{index}].weight_kg"):
            return None, (f"treatments[{index}].weight_kg",)
        weight = src.weight()  # the patient format's fallback: the weight at screening
    if weight is None:
        return None, ("weight_kg",)
    return equivalent / weight, ()


def _span(src: _Sources, index: int, timed: bool) -> tuple[date, date, str | None,
                                                          tuple[str, ...]]:
    """(last day surely covered, last day possibly covered, why the end is not shown, the
    unrecorded end). An unrecorded end means the course surely covered its first day only."""
    start = src.courses[index].start
    if not timed:
        return start, start, None, ()
    end = src.course(index, "end")
    if end is None:
        return start, src.screening, "end not recorded", (f"treatments[{index}].end",)
    if isinstance(end, date):
        return min(end, src.screening), min(end, src.screening), "", ()
    return src.screening, src.screening, "", ()  # ongoing


def _unrecognised(src: _Sources, req: Requirement, index: int, timed: bool) -> _Record | None:
    """A drug name the vocabulary does not know could be any drug: possible, not counted."""
    response = src.course(index, "response")
    if response is not None and response not in req.responses:
        return None
    missing = [f"treatments[{index}].drug"]
    if response is None:
        missing.append(f"treatments[{index}].response")
    known_end, latest_end, note, end_missing = _span(src, index, timed)
    name, start = src.courses[index].drug, src.courses[index].start
    return _Record(_Course(index, name, start, known_end, note),
                   _Course(index, name, start, latest_end, note), tuple(missing), end_missing)


def _read_course(src: _Sources, req: Requirement, index: int, drug: str, timed: bool,
                 unlisted: bool) -> _Record | str:
    """The course as this requirement may count it, or why it cannot count. Each fact is
    looked at only where it can matter: the route of a drug with local forms or of a dose
    compared, the dose where one is compared, the end where time counts."""
    key = f"treatments[{index}]"
    missing: list[str] = []
    wider = _UNLISTED if unlisted else ""
    route = None
    # A drug with no local form is systemic whatever its route: an unrecorded route cannot
    # make it local, so a recorded one is not looked at either (a local route for it would be
    # a recording error, not a reading).
    if drug in LOCAL_FORMS or req.compares_doses:
        # Also given as creams, eye drops and joint injections: the route says it was systemic.
        route = src.course(index, "route")
        if route is None:
            missing.append(f"{key}.route")
        elif route in LOCAL_ROUTES:
            return f"{drug} by {_route_words(route)} route (local)"
        elif route == "other" and req.min_prednisone_mg_per_kg_day is None:
            wider = wider or _OTHER_ROUTE
    response = src.course(index, "response")
    if response is None:
        missing.append(f"{key}.response")
    elif response not in req.responses:
        return f"{drug}: {response}"
    dose: float | None = None
    unconverted = ""
    adequate = True
    dose_missing: tuple[str, ...] = ()
    if req.compares_doses:
        dose, needed = _prednisone_mg_per_kg_day(src, index, drug)
        converted = route is None or route in CONVERTIBLE_ROUTES
        minimum = req.min_prednisone_mg_per_kg_day
        if minimum is not None:
            if dose is not None and dose < minimum:  # below it by any route
                return f"{drug} {_dose_words([dose])} < {fmt(minimum)}"
            if not converted:
                assert route is not None
                return f"{drug} by {_route_words(route)} route is not converted"
            missing.extend(needed)
        floor = req.adequate_dose_review_below_mg_per_kg_day
        if floor is not None:
            if not converted:
                assert route is not None
                adequate, dose, unconverted = False, None, _route_words(route)
            elif dose is None:
                adequate, dose_missing = False, needed
            else:
                adequate = dose >= floor
    known_end, latest_end, note, end_missing = _span(src, index, timed)
    start = src.courses[index].start
    recorded = _Course(index, drug, start, known_end, note, unconverted, dose, adequate, wider)
    best = recorded if latest_end == known_end and not dose_missing else _Course(
        index, drug, start, latest_end, note, unconverted, dose, adequate or bool(dose_missing),
        wider)
    return _Record(recorded, best, tuple(dict.fromkeys(missing)), end_missing, dose_missing)


def _read_history(src: _Sources, req: Requirement, wanted: frozenset[str],
                  open_list: frozenset[str], timed: bool) -> _History:
    records: list[_Record] = []
    excluded: list[str] = []
    for index, course in enumerate(src.courses):
        if course.start > src.screening:
            continue
        drug = canonical_drug(course.drug)
        read: _Record | str | None
        if drug is None:
            read = _unrecognised(src, req, index, timed)
        elif drug in wanted or drug in open_list:
            read = _read_course(src, req, index, drug, timed, drug not in wanted)
        else:
            continue
        if isinstance(read, str):
            excluded.append(read)
        elif read is not None:
            records.append(read)
    return _History(tuple(records), tuple(excluded))


def _open_list(p: TreatmentParams, req: Requirement) -> frozenset[str]:
    return _unlisted(tuple(req.review_also), tuple(req.drugs),
                     tuple(tuple(r.drugs) for r in p.requirements if r is not req))


@lru_cache(maxsize=256)
def _unlisted(review_also: tuple[str, ...], drugs: tuple[str, ...],
              others: tuple[tuple[str, ...], ...]) -> frozenset[str]:
    # A drug another requirement names is that requirement's, never this one's extra.
    named_elsewhere = frozenset().union(*(expand(names) for names in others))
    return expand(review_also) - expand(drugs) - named_elsewhere


# --- periods ------------------------------------------------------------------------------------


def _merged_periods(periods: Iterable[Period]) -> list[Period]:
    """The runs of days the periods cover, touching or overlapping periods merged."""
    merged: list[Period] = []
    for start, end in sorted(periods):
        if merged and start <= merged[-1][1] + timedelta(days=1):
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _longest(periods: Iterable[Period]) -> Period | None:
    return max(periods, key=lambda period: period[1] - period[0], default=None)


def _days(period: Period) -> int:
    return (period[1] - period[0]).days + 1


def _day_count(days: int) -> str:
    return f"{days} day" if days == 1 else f"{days} days"


def _lasts(period: Period, months: int) -> bool:
    """At least ``months`` calendar months: 15 January to 15 July is 6 months."""
    return period[1] >= add_months(period[0], months)


def _lasts_more_than(period: Period, months: int) -> bool:
    return period[1] > add_months(period[0], months)


def _covered_by(distinct: int, courses: Sequence[_Course]) -> list[Period]:
    """The days on which at least ``distinct`` different drugs of the courses were given."""
    changes: dict[date, int] = {}
    for drug in {c.drug for c in courses}:
        for start, end in _merged_periods(c.period for c in courses if c.drug == drug):
            changes[start] = changes.get(start, 0) + 1
            after = end + timedelta(days=1)
            changes[after] = changes.get(after, 0) - 1
    covered: list[Period] = []
    given = 0
    for day, next_day in pairwise(sorted(changes)):
        given += changes[day]
        if given >= distinct:
            covered.append((day, next_day - timedelta(days=1)))
    return _merged_periods(covered)


def _overlap(first: list[Period], second: list[Period]) -> list[Period]:
    overlap: list[Period] = []
    for a_start, a_end in first:
        for b_start, b_end in second:
            start, end = max(a_start, b_start), min(a_end, b_end)
            if start <= end:
                overlap.append((start, end))
    return _merged_periods(overlap)


def _describe_courses(courses: Sequence[_Course]) -> str:
    by_drug: dict[str, list[_Course]] = {}
    for course in courses:
        by_drug.setdefault(course.drug, []).append(course)
    parts = []
    for drug, items in by_drug.items():
        periods = [f"{start} to {end}" for start, end in
                   _merged_periods(c.period for c in items if c.end_note == "")]
        periods += [f"from {c.start}" + (f", {c.end_note}" if c.end_note else "")
                    for c in items if c.end_note != ""]
        doses = [c.dose for c in items if c.dose is not None]
        routes = dict.fromkeys(f" by {c.unconverted} route" for c in items if c.unconverted)
        dose_words = f" {_dose_words(doses)}" if doses else ""
        parts.append(f"{drug}{dose_words}{''.join(routes)} ({', '.join(periods)})")
    return ", ".join(parts)


def _dose_words(doses: Sequence[float]) -> str:
    """``1.33, 0.65 mg/kg/day prednisone-equivalent``: each dose once, in order given."""
    shown = dict.fromkeys(fmt(d) for d in doses)
    return f"{', '.join(shown)} mg/kg/day prednisone-equivalent"


# --- one requirement ----------------------------------------------------------------------------


class _Assessment(NamedTuple):
    """A requirement in one scenario: met, review or not met, and the courses it counts."""

    outcome: Outcome
    evidence: str
    plain: list[_Course]  # counted on the registry's plain reading
    wider: list[_Course]  # counted on the wider readings too


def _given_long_enough(req: Requirement, courses: Sequence[_Course]) -> list[_Course]:
    """The courses of the drugs given for a continuous period of ``review_below_months``."""
    if req.review_below_months is None:
        return list(courses)
    months = req.review_below_months
    long_given = {drug for drug in {c.drug for c in courses}
                  if any(_lasts(p, months) for p in
                         _merged_periods(c.period for c in courses if c.drug == drug))}
    return [c for c in courses if c.drug in long_given]


def _enough_drugs(req: Requirement, courses: Sequence[_Course]) -> bool:
    return len({c.drug for c in courses}) >= req.min_distinct


def _continuous_periods(req: Requirement, courses: Sequence[_Course]) -> list[Period]:
    """The continuous periods of courses long enough for ``min_months``."""
    assert req.min_months is not None
    months = req.min_months
    return [p for p in _merged_periods(c.period for c in courses) if _lasts(p, months)]


def _long_enough(req: Requirement, courses: Sequence[_Course]) -> bool:
    return req.min_months is None or bool(_continuous_periods(req, courses))


def _cumulative_days(courses: Sequence[_Course]) -> tuple[int, int]:
    """(days covered, each once; number of separate periods)."""
    periods = _merged_periods(c.period for c in courses)
    return sum(_days(p) for p in periods), len(periods)


def _long_enough_in_all(req: Requirement, courses: Sequence[_Course]) -> bool:
    """The cumulative reading: the days of treatment add up to ``min_months`` mean months."""
    if req.min_months is None:
        return True
    days, _ = _cumulative_days(courses)
    return days >= req.min_months * DAYS_PER_MONTH


def _single_course(req: Requirement, courses: Sequence[_Course]) -> bool:
    if req.min_weeks_single_course is None:
        return True
    needed = timedelta(weeks=req.min_weeks_single_course)
    return any(c.end - c.start >= needed for c in courses)


def _counted_period(req: Requirement, courses: Sequence[_Course]) -> list[_Course]:
    """The courses the duration rests on: those in a long enough continuous period, or, when
    there is none, all of them (the cumulative reading counts them all)."""
    if req.min_months is None:
        return list(courses)
    periods = _continuous_periods(req, courses)
    inside = [c for c in courses if any(s <= c.start and c.end <= e for s, e in periods)]
    return inside or list(courses)


def _adequate_dose(req: Requirement, courses: Sequence[_Course]) -> bool:
    if req.adequate_dose_review_below_mg_per_kg_day is None:
        return True
    return any(c.adequate for c in _counted_period(req, courses))


def _holds(req: Requirement, counted: Sequence[_Course]) -> bool:
    """The plain reading: enough drugs, one continuous period, one course, an adequate dose."""
    return (_enough_drugs(req, counted) and _long_enough(req, counted)
            and _single_course(req, counted) and _adequate_dose(req, counted))


def _holds_widely(req: Requirement, counted: Sequence[_Course]) -> bool:
    return (_enough_drugs(req, counted)
            and (_long_enough(req, counted) or _long_enough_in_all(req, counted))
            and _single_course(req, counted))


def _extra_drugs(req: Requirement, plain: Sequence[_Course],
                 wider: Sequence[_Course]) -> list[str]:
    """The drugs counted only on a wider reading, grouped by the reading."""
    counted = {c.drug for c in plain}
    by_reading: dict[str, list[str]] = {}
    for drug in dict.fromkeys(c.drug for c in wider if c.drug not in counted):
        items = [c for c in wider if c.drug == drug]
        reading = next((c.wider_reading for c in items if c.wider_reading), "")
        if reading == _UNLISTED:
            text = f"{_UNLISTED}; whether its wording covers it is for the investigator"
        elif reading == _OTHER_ROUTE:
            text = f"{_OTHER_ROUTE}; whether it was systemic treatment is for the investigator"
        else:
            text = (f"given for less than {req.review_below_months} months; whether the "
                    "registry's duration applies to it is for the investigator")
            drug = _describe_courses(items)
        by_reading.setdefault(text, []).append(drug)
    return [f"{', '.join(drugs)} ({text})" for text, drugs in by_reading.items()]


def _cumulative_note(req: Requirement, courses: Sequence[_Course]) -> str:
    assert req.min_months is not None
    months = req.min_months
    longest = _longest(_merged_periods(c.period for c in courses))
    assert longest is not None
    days, _ = _cumulative_days(courses)
    return (f"continuous reading: the longest continuous period, {longest[0]} to {longest[1]}, "
            f"is shorter than {months} calendar months; cumulative reading: {_day_count(days)} of "
            f"treatment in all, at least {months} months of 30.44 days "
            f"({fmt(round(months * DAYS_PER_MONTH, 1))} days); whether that is {months} months "
            "of treatment is for the investigator")


def _dose_note(req: Requirement, courses: Sequence[_Course]) -> str:
    floor = req.adequate_dose_review_below_mg_per_kg_day
    assert floor is not None
    doses = [c.dose for c in _counted_period(req, courses) if c.dose is not None]
    if not doses:
        return (f"no counted course shows a treatment dose (≥{fmt(floor)} mg/kg/day "
                "prednisone-equivalent); whether the dose was adequate is for the investigator")
    return (f"the highest dose, {fmt(max(doses))} mg/kg/day prednisone-equivalent, is below "
            f"{fmt(floor)}, far below a treatment dose; whether it was adequate is for the "
            "investigator")


def _review_notes(req: Requirement, plain: Sequence[_Course],
                  wider: Sequence[_Course]) -> list[str]:
    """What the wider readings had to grant: each one the plain reading failed."""
    notes = []
    extras = _extra_drugs(req, plain, wider)
    extras_needed = (not _enough_drugs(req, plain) or not _single_course(req, plain)
                     or (not _long_enough(req, plain) and _long_enough(req, wider)))
    if extras and extras_needed:
        notes.append("met only by counting " + "; ".join(extras))
    if not _long_enough(req, wider):
        notes.append(_cumulative_note(req, wider))
    if not _adequate_dose(req, wider if not _long_enough(req, plain) else plain):
        notes.append(_dose_note(req, wider))
    return notes or ["met only on a wider reading of the registry's wording"]


def _shortfall(req: Requirement, courses: Sequence[_Course], excluded: Sequence[str]) -> str:
    """Why even the wider readings fail."""
    if not _enough_drugs(req, courses):
        found = f" ({_describe_courses(courses)})" if courses else ""
        why = (f"{len({c.drug for c in courses})} of {req.min_distinct} different drugs "
               f"needed{found}" if req.min_distinct > 1 else "no qualifying course")
    elif not (_long_enough(req, courses) or _long_enough_in_all(req, courses)):
        longest = _longest(_merged_periods(c.period for c in courses))
        assert longest is not None
        why = (f"longest continuous course {longest[0]} to {longest[1]}, shorter than "
               f"{req.min_months} months")
        days, _ = _cumulative_days(courses)
        why += (f"; {_day_count(days)} in all, short of {req.min_months} months of 30.44 days too "
                f"({_describe_courses(courses)})")
    else:
        why = f"no single course lasting {req.min_weeks_single_course} weeks"
    if excluded:
        why += "; not counted: " + "; ".join(excluded)
    return why


def _assess(req: Requirement, courses: list[_Course], excluded: Sequence[str],
            explain: bool) -> _Assessment:
    """The requirement's outcome, with its evidence text when ``explain``."""
    plain = _given_long_enough(req, [c for c in courses if not c.wider_reading])
    if _holds(req, plain):
        return _Assessment(MET, _describe_courses(plain) if explain else "", plain,
                           courses)
    if _holds_widely(req, courses):
        notes = "; ".join(_review_notes(req, plain, courses)) if explain else ""
        return _Assessment(REVIEW, notes, plain, courses)
    return _Assessment(NOT_MET, _shortfall(req, courses, excluded) if explain else "",
                       plain, courses)


# --- the whole rule -----------------------------------------------------------------------------

_RANK = {NOT_MET: 0, REVIEW: 1, MET: 2}


class _Verdict(NamedTuple):
    """A rule's outcome on the history as recorded and at best (every unrecorded fact at its
    most favourable): the outcome when they agree, unknown when they do not."""

    recorded: Outcome
    at_best: Outcome
    evidence: str
    missing: tuple[str, ...] = ()
    counted: frozenset[int] = frozenset()  # the courses the outcome counts, as recorded

    @property
    def outcome(self) -> Outcome:
        return self.recorded if self.recorded == self.at_best else UNKNOWN


def _requirement_verdict(req: Requirement, recorded: _Assessment, best: _Assessment,
                         history: _History) -> _Verdict:
    if recorded.outcome != best.outcome:
        evidence = f"depends on facts not recorded; as recorded, {recorded.evidence}"
    else:  # a failure is explained by the best case, which fails too
        evidence = best.evidence if best.outcome == NOT_MET else recorded.evidence
    return _Verdict(recorded.outcome, best.outcome, f"{req.label}: {evidence}",
                    history.unrecorded)


def _in_place_from(req: Requirement, courses: Sequence[_Course]) -> date | None:
    """The day the requirement's drugs were all started: the first day of its n-th drug."""
    firsts: dict[str, date] = {}
    for course in courses:
        firsts[course.drug] = min(course.start, firsts.get(course.drug, course.start))
    starts = sorted(firsts.values())
    return starts[req.min_distinct - 1] if len(starts) >= req.min_distinct else None


def _given_together(reqs: Sequence[Requirement],
                    counted: Sequence[Sequence[_Course]]) -> Period | None:
    """The longest run of days on which every requirement was covered by its courses."""
    together: list[Period] | None = None
    for req, courses in zip(reqs, counted, strict=True):
        covered = _covered_by(req.min_distinct, courses)
        together = covered if together is None else _overlap(together, covered)
    return _longest(together or [])


def _combination(p: TreatmentParams, assessed: Sequence[_Assessment], screening: date,
                 explain: bool) -> tuple[Outcome, str]:
    """'Did not show significant remission for more than N months': given together for more
    than N months; or, a reading the registry does not exclude, completed that long ago."""
    months = p.treated_for_more_than_months
    assert months is not None
    reqs = p.requirements
    plain = _given_together(reqs, [a.plain for a in assessed])
    if plain is not None and _lasts_more_than(plain, months):
        return MET, (f"the combination given together {plain[0]} to {plain[1]}, more than "
                     f"{months} months")
    firsts = [_in_place_from(r, a.wider) for r, a in zip(reqs, assessed, strict=True)]
    completed = None if None in firsts else max(d for d in firsts if d is not None)
    if completed is None or screening <= add_months(completed, months):
        return NOT_MET, (f"the full combination was in place from {completed}, not more "
                         f"than {months} months before screening")
    wider = _given_together(reqs, [a.wider for a in assessed])
    if wider is not None and _lasts_more_than(wider, months):
        return REVIEW, (f"the combination given together {wider[0]} to {wider[1]} only on "
                        "the wider readings above")
    together = (f"given together for only {_day_count(_days(wider))} ({wider[0]} to {wider[1]})"
                if wider is not None else "never given together")
    courses = "; ".join(f"{r.label}: {_describe_courses(a.wider)}"
                        for r, a in zip(reqs, assessed, strict=True)) if explain else ""
    return REVIEW, (
        f"the combination {together} ({courses}), though in place from {completed}, more than "
        f"{months} months before screening; whether courses given one after another count is "
        "for the investigator")


def _combination_verdict(p: TreatmentParams, recorded: Sequence[_Assessment],
                         best: Sequence[_Assessment], histories: Sequence[_History],
                         screening: date, explain: bool
                         ) -> tuple[_Verdict | None, Outcome, Outcome]:
    """The combination's verdict to show (if any), and its outcome in either scenario (MET
    where a requirement already fails, so that it changes nothing)."""
    def outcome_in(assessed: Sequence[_Assessment]) -> tuple[Outcome, str] | None:
        if any(a.outcome == NOT_MET for a in assessed):
            return None
        return _combination(p, assessed, screening, explain)

    at_best = outcome_in(best)
    if at_best is None:
        return None, MET, MET
    as_recorded = outcome_in(recorded)
    if as_recorded is None:  # a requirement's own unrecorded facts come first
        shown = _Verdict(NOT_MET, NOT_MET, at_best[1]) if (
            at_best[0] == NOT_MET) else None
        return shown, MET, at_best[0]
    missing = tuple(dict.fromkeys(k for h in histories for k in h.unrecorded))
    if as_recorded[0] != at_best[0]:
        evidence = f"depends on facts not recorded; as recorded, {as_recorded[1]}"
    else:  # a failure is explained by the best case, which fails too
        evidence = at_best[1] if at_best[0] == NOT_MET else as_recorded[1]
    return (_Verdict(as_recorded[0], at_best[0], evidence, missing),
            as_recorded[0], at_best[0])


def _worst(outcomes: Iterable[Outcome]) -> Outcome:
    return min(outcomes, key=_RANK.__getitem__)


_FACTS = ("route", "response", "dose", "weight_kg", "end")


def _facts_of(src: _Sources, drugs: frozenset[str]) -> frozenset[str]:
    """Every optional fact a requirement over these drugs could look at."""
    return frozenset({"weight_kg"} | {
        f"treatments[{index}].{name}" for index, course in enumerate(src.courses)
        if (drug := canonical_drug(course.drug)) is None or drug in drugs for name in _FACTS})


def _scenarios(src: _Sources, p: TreatmentParams, number: int, plan: _RequirementPlan,
               explain: bool) -> tuple[_History, _Assessment, _Assessment]:
    """A requirement's reading of the history, and its outcome as recorded and at best."""
    req = p.requirements[number]
    wanted, open_list, timed = plan
    seen: frozenset[str] | None = None  # every fact the file gives
    if src.known is not None:
        facts_key = ("facts", number)
        if facts_key not in src.memo:
            src.memo[facts_key] = _facts_of(src, wanted | open_list)
        seen = src.known & src.memo[facts_key]
    key = (number, explain, seen)
    if key not in src.memo:
        looking = src.only(src.known)
        history = _read_history(looking, req, wanted, open_list, timed)
        as_recorded = _assess(req, history.as_recorded(), history.excluded, explain)
        # A history whose courses leave nothing unrecorded is the same at best.
        at_best = (as_recorded if not history.unrecorded
                   else _assess(req, history.at_best(), history.excluded, explain))
        src.memo[key] = (history, as_recorded, at_best, tuple(looking.consulted))
    history, recorded, best, consulted = src.memo[key]
    src.consulted.update(dict.fromkeys(consulted))
    return history, recorded, best


def _requirements(src: _Sources, p: TreatmentParams, explain: bool) -> _Verdict:
    timed = p.treated_for_more_than_months is not None
    # (A private attribute of a pydantic model is read through its __getattr__: once here.)
    worked = [_scenarios(src, p, number, plan, explain) for number, plan in enumerate(p._plan)]
    histories = [h for h, _, _ in worked]
    recorded = [a for _, a, _ in worked]
    best = [b for _, _, b in worked]
    parts = [_requirement_verdict(r, a, b, h)
             for r, a, b, h in zip(p.requirements, recorded, best, histories, strict=True)]
    as_recorded = _worst(a.outcome for a in recorded)
    at_best = _worst(b.outcome for b in best)
    if timed:
        shown, combined_recorded, combined_best = _combination_verdict(
            p, recorded, best, histories, src.screening, explain)
        parts += [shown] if shown else []
        as_recorded = _worst((as_recorded, combined_recorded))
        at_best = _worst((at_best, combined_best))
    counted = frozenset(c.entry for a in recorded
                        for c in (a.plain if a.outcome == MET else a.wider))
    verdict = _Verdict(as_recorded, at_best, "", counted=counted)
    outcome = verdict.outcome
    shown_parts = [v for v in parts if v.outcome == outcome]
    if outcome == UNKNOWN:
        shown_parts += [v for v in parts if v.outcome == REVIEW]
    missing = tuple(dict.fromkeys(k for v in parts if v.outcome == UNKNOWN
                                  for k in v.missing))
    return verdict._replace(evidence="; ".join(v.evidence for v in shown_parts),
                   missing=missing)


# --- the alternative paths ----------------------------------------------------------------------


def _intolerance(src: _Sources, p: TreatmentParams) -> _Verdict | None:
    """'Or intolerant to standard treatments': the drugs the requirements name."""
    standard = frozenset().union(*(expand(r.drugs) for r in p.requirements))
    intolerant: list[str] = []
    unrecorded: list[str] = []
    for index, course in enumerate(src.courses):
        drug = canonical_drug(course.drug)
        if course.start > src.screening or (drug is not None and drug not in standard):
            continue
        response = src.course(index, "response")
        if drug is not None and response == "intolerant":
            intolerant.append(drug)
        elif response is None:
            unrecorded.append(f"treatments[{index}].response")
        elif drug is None and response == "intolerant":
            unrecorded.append(f"treatments[{index}].drug")
    if intolerant:
        return _Verdict(REVIEW, REVIEW, "intolerant to "
                        + ", ".join(sorted(set(intolerant))) + ": whether this is intolerance "
                        "to standard treatments is for the investigator")
    if unrecorded:
        return _Verdict(NOT_MET, REVIEW, "intolerance to standard treatments "
                        "(the alternative path) not recorded for every course",
                        tuple(unrecorded))
    return None


def _rapid_progression(src: _Sources) -> _Verdict | None:
    rapid = src.rapid()
    if rapid is True:
        return _Verdict(REVIEW, REVIEW,
                        "rapidly progressive disease: the registry's alternative path needs the "
                        "investigator's judgement of ineffective routine treatment and benefit "
                        "over risk")
    if rapid is None:
        return _Verdict(NOT_MET, REVIEW,
                        "rapid progression (the alternative path) not recorded", (_RAPID,))
    return None


def _rule(src: _Sources, p: TreatmentParams, explain: bool = True) -> _Verdict:
    """The requirements, or else the alternative paths; with the evidence text when
    ``explain``, else only the outcome."""
    primary = _requirements(src, p, explain)
    if primary.recorded != NOT_MET:
        return primary  # the alternative paths lead to review at most: they change nothing
    alternatives = [a for a in (
        _intolerance(src, p) if p.intolerance_review else None,
        _rapid_progression(src) if p.rapid_progression_review else None,
    ) if a is not None]
    # Either path suffices: the better outcome in each scenario.
    verdicts = [primary, *alternatives]
    overall = _Verdict(max((v.recorded for v in verdicts), key=_RANK.__getitem__),
                       max((v.at_best for v in verdicts), key=_RANK.__getitem__), "")
    outcome = overall.outcome
    if outcome == UNKNOWN:
        # The facts that could lift the outcome above what the record shows.
        undecided = [v for v in verdicts if _RANK[v.at_best] > _RANK[overall.recorded]]
        missing = tuple(dict.fromkeys(k for v in undecided for k in v.missing))
        shown = [primary, *(a for a in alternatives if a.outcome != NOT_MET)]
        return overall._replace(evidence="; ".join(v.evidence for v in shown), missing=missing)
    if outcome == REVIEW:
        reviews = [a for a in alternatives if a.recorded == REVIEW]
        return overall._replace(evidence="; ".join(v.evidence for v in (primary, *reviews)))
    return primary


# --- the finding and the facts it rests on -------------------------------------------------------


def _rested_on(src: _Sources, p: TreatmentParams, verdict: _Verdict) -> list[str]:
    """An irreducible set of the facts the file gives that decides the outcome: each one set
    aside in turn, and left out when the rule still reaches the outcome without it."""
    def decides(known: list[str]) -> bool:
        return _rule(src.only(known), p, explain=False).outcome == verdict.outcome

    kept = [key for key in src.consulted if src.value(key) is not None]
    # Most often the courses the outcome does not count decide nothing: one try for them all.
    used = [key for key in kept
            if not key.startswith("treatments[") or _course_key(key)[0] in verdict.counted]
    if len(used) < len(kept) and decides(used):
        kept = used
    for key in list(kept):
        fewer = [k for k in kept if k != key]
        if decides(fewer):
            kept = fewer
    return kept


def _record(facts: Facts, courses: Sequence[Treatment], keys: Iterable[str]) -> None:
    """Read through the facts reader the facts the finding rests on, so its ``read`` names
    each of them (``treatments[2].end``); every course's drug and start are looked at."""
    for course in courses:
        _ = course.drug, course.start
    for key in keys:
        if key in ("weight_kg", _RAPID):
            facts.get(key)
            continue
        index, name = _course_key(key)
        getattr(courses[index], name)
        if name == "dose":  # a dose is read with its unit
            _ = courses[index].dose_unit


def _treatment(facts: Facts, p: TreatmentParams) -> Finding:
    courses = facts.items("treatments", Treatment)
    if courses is None:
        return facts.unknown("treatment history not recorded", ["treatments"])
    # The rule is worked out on the file's values; the finding then reads the facts it rests on.
    patient = facts.patient
    src = _Sources(patient.treatments or [], patient.weight_kg,
                   patient.diagnosis.features.rapidly_progressive, facts.screening_date)
    verdict = _rule(src, p, explain=False)
    outcome = verdict.outcome
    # Describing the courses costs as much as deciding: done only when the evidence is shown.
    evidence = LazyText(lambda: _explained(src, p, verdict))
    if outcome in (MET, REVIEW):
        # Narrowing the facts down takes work (the rule, once per fact set aside): done only
        # when the finding's facts are shown.
        return facts.finding(outcome, evidence, read_later=lambda: _record(
            facts, courses, _rested_on(src, p, verdict)))
    # not met or unknown: every fact it looked at, recorded or not (read when shown)
    consulted = tuple(src.consulted)
    missing = verdict.missing if outcome == UNKNOWN else ()
    assert missing or outcome == NOT_MET, "an unknown finding must name what is missing"
    return facts.finding(outcome, evidence, missing,
                         read_later=lambda: _record(facts, courses, consulted))


def _explained(src: _Sources, p: TreatmentParams, verdict: _Verdict) -> str:
    """The evidence for a verdict worked out without its words: the rule again, in words.
    The words change nothing else (the outcome and the facts it names are the same)."""
    explained = _rule(src.only(None), p, explain=True)
    assert (explained.outcome, explained.missing) == (verdict.outcome, verdict.missing)
    return explained.evidence


# --- the rule in words --------------------------------------------------------------------------


def _drug_words(names: list[str]) -> str:
    return ", ".join(CLASS_LABELS.get(n.removeprefix("class:"), n) if n.startswith("class:")
                     else n for n in names)


def _describe_requirement(r: Requirement) -> str:
    drugs = _drug_words(r.drugs)
    if r.min_distinct > 1:
        single_class = len(r.drugs) == 1 and r.drugs[0].startswith("class:")
        drugs = (f"at least {r.min_distinct} different {drugs}" if single_class
                 else f"at least {r.min_distinct} of: {drugs}")
    text = f"{r.label}: {drugs}"
    if r.min_prednisone_mg_per_kg_day is not None:
        text += (f" at ≥{fmt(r.min_prednisone_mg_per_kg_day)} mg/kg/day prednisone-equivalent "
                 "(oral or IV)")
    if r.min_months is not None:
        text += (f" for ≥{r.min_months} months (one continuous period of calendar months; "
                 f"review if only the days of treatment add up to it, at {r.min_months} × 30.44 "
                 "days)")
    if r.min_weeks_single_course is not None:
        text += f", one course at a stable dose for ≥{r.min_weeks_single_course} weeks"
    text += " (response: " + " or ".join(r.responses) + ")"
    if r.adequate_dose_review_below_mg_per_kg_day is not None:
        text += (f"; review if no counted course reaches "
                 f"{fmt(r.adequate_dose_review_below_mg_per_kg_day)} mg/kg/day "
                 "prednisone-equivalent (an 'adequate' dose the registry does not quantify)")
    if r.review_below_months is not None:
        text += (f"; review if met only by counting a drug given for less than "
                 f"{r.review_below_months} months")
    if r.review_also:
        text += (f"; review if met only by counting a drug the list does not name: "
                 f"{_drug_words(r.review_also)}")
    return text


def _describe(p: TreatmentParams) -> str:
    text = "; and ".join(_describe_requirement(r) for r in p.requirements)
    if p.treated_for_more_than_months:
        months = p.treated_for_more_than_months
        text += (f"; all of these given together for more than {months} months (review if the "
                 f"full combination was in place more than {months} months before screening "
                 "but its courses were not given together that long)")
    if p.intolerance_review:
        text += "; or intolerance to these treatments (review)"
    if p.rapid_progression_review:
        text += "; or rapid progression with ineffective routine treatment (review)"
    return text + ("; a course's unrecorded response, route, dose or end leaves it unknown "
                   "where it could decide it")


_EXAMPLE_PARAMS = {
    "requirements": [
        {"label": "glucocorticoids", "drugs": ["class:glucocorticoid"], "min_months": 6},
        {"label": "immunosuppressants", "drugs": ["class:immunosuppressant"],
         "min_distinct": 2},
    ]
}

TREATMENT_HISTORY = Check(
    name="treatment_history",
    family="refractoriness",
    summary="Met when every requirement holds on the treatment history: enough distinct drugs "
    "from the set, each with an inadequate (or, where allowed, intolerant) response, at the "
    "prednisone-equivalent dose and for the duration asked. A course's unrecorded response, "
    "route, dose or end leaves the requirement unknown where it could decide it. Readings the "
    "registry leaves open (continuous or cumulative time, the agents' durations, an adequate "
    "dose, open drug lists, courses given one after another) and the alternative paths go to "
    "review.",
    reads=("treatments", "weight_kg", "diagnosis.features.rapidly_progressive"),
    params=TreatmentParams,
    evaluate=_treatment,
    describe=_describe,
    examples=(
        Example("oral prednisolone since January, MTX and MMF failed", _EXAMPLE_PARAMS,
                {"treatments": [
                    {"drug": "prednisolone", "route": "oral", "start": date(2026, 1, 1),
                     "end": "ongoing", "response": "inadequate"},
                    {"drug": "methotrexate", "start": date(2026, 1, 1), "end": "ongoing",
                     "response": "inadequate"},
                    {"drug": "MMF", "start": date(2026, 4, 1), "end": date(2026, 6, 1),
                     "response": "intolerant"},
                ]}, MET),
        Example("only one immunosuppressant", _EXAMPLE_PARAMS,
                {"treatments": [
                    {"drug": "prednisolone", "route": "oral", "start": date(2026, 1, 1),
                     "end": "ongoing", "response": "inadequate"},
                    {"drug": "methotrexate", "start": date(2026, 1, 1), "end": "ongoing",
                     "response": "inadequate"},
                ]}, NOT_MET),
        Example("6 months of steroids only with a 2-month break: continuous or cumulative",
                _EXAMPLE_PARAMS,
                {"treatments": [
                    {"drug": "prednisolone", "route": "oral", "start": date(2026, 1, 1),
                     "end": date(2026, 3, 31), "response": "inadequate"},
                    {"drug": "prednisolone", "route": "oral", "start": date(2026, 6, 1),
                     "end": date(2026, 9, 30), "response": "inadequate"},
                    {"drug": "methotrexate", "start": date(2026, 1, 1), "end": "ongoing",
                     "response": "inadequate"},
                    {"drug": "azathioprine", "start": date(2026, 2, 1), "end": "ongoing",
                     "response": "inadequate"},
                ]}, REVIEW),
        Example("steroid course with no end recorded: its length is unknown", _EXAMPLE_PARAMS,
                {"treatments": [
                    {"drug": "prednisolone", "route": "oral", "start": date(2026, 1, 1),
                     "response": "inadequate"},
                    {"drug": "methotrexate", "start": date(2026, 1, 1), "response": "inadequate"},
                    {"drug": "azathioprine", "start": date(2026, 2, 1), "response": "inadequate"},
                ]}, UNKNOWN),
        Example("no treatment history", _EXAMPLE_PARAMS, {}, UNKNOWN),
    ),
)
