"""Refractoriness from the treatment history: drugs, doses, durations, responses.

Each trial states refractory disease differently ("glucocorticoids and at least 2
immunosuppressants for at least 6 months", "≥3M of prednisone ≥1 mg/kg/d, hydroxychloroquine
and at least 2 of …"). A trial file writes its rule as a list of requirements that must all
hold, each over a set of drugs, with optional dose, duration and response conditions, plus the
alternative paths its wording gives (intolerance; rapid progression), which go to review.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from pydantic import Field, field_validator, model_validator

from cartscreen.checks.base import (
    Check,
    Example,
    Facts,
    Finding,
    Outcome,
    Params,
    combine_all,
    fmt,
)
from cartscreen.drugs import CLASS_LABELS, CLASSES, canonical_drug, expand, validate_drug_list
from cartscreen.patient import Response, Treatment
from cartscreen.scores.steroids import (
    CONVERTIBLE_ROUTES,
    prednisone_equivalent,
)
from cartscreen.timeutil import add_months

_FAILURES: tuple[Response, ...] = ("inadequate", "intolerant")
# Local therapy is not systemic treatment: it counts towards no requirement.
LOCAL_ROUTES = frozenset({"topical", "intra_articular"})


class Requirement(Params):
    label: str = Field(min_length=1)
    drugs: list[str] = Field(min_length=1, description="drug names or class:NAME")
    min_distinct: int = Field(default=1, ge=1)
    responses: list[Response] = Field(default_factory=lambda: list(_FAILURES))
    min_prednisone_mg_per_kg_day: float | None = Field(default=None, gt=0)
    min_months: int | None = Field(
        default=None, ge=1, description="longest continuous period of qualifying courses"
    )
    min_weeks_single_course: int | None = Field(
        default=None, ge=1, description="one course at a stable dose lasting this long"
    )
    review_also: list[str] = Field(
        default_factory=list,
        description="drugs an open list ('etc.') may cover: counting them goes to review",
    )

    _validate_drugs = field_validator("drugs", "review_also")(validate_drug_list)

    @model_validator(mode="after")
    def _dose_only_for_glucocorticoids(self) -> Requirement:
        if self.min_prednisone_mg_per_kg_day is not None and not expand(self.drugs) <= set(
            CLASSES["glucocorticoid"]
        ):
            raise ValueError("min_prednisone_mg_per_kg_day needs glucocorticoid drugs only")
        return self


class TreatmentParams(Params):
    requirements: list[Requirement] = Field(min_length=1)
    treated_for_more_than_months: int | None = Field(
        default=None, ge=1,
        description="every requirement was first met more than this many months before "
        "screening (the combination has failed for that long)",
    )
    intolerance_review: bool = Field(
        default=False, description="'or intolerant to standard treatments' goes to review"
    )
    rapid_progression_review: bool = Field(
        default=False, description="'or rapid disease progression' goes to review"
    )


@dataclass
class _Course:
    index: int
    drug: str
    start: date
    end: date
    dose_text: str = ""


@dataclass
class _Tally:
    definite: list[_Course] = field(default_factory=list)
    possible: list[_Course] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)


def _prednisone_mg_per_kg_day(
    facts: Facts, index: int, course: Treatment, drug: str
) -> tuple[float | None, list[str], str | None]:
    """(value, missing fields, reason it cannot count)."""
    if course.route is not None and course.route not in CONVERTIBLE_ROUTES:
        return None, [], f"{course.drug} by {course.route.replace('_', '-')} route is not converted"
    if course.dose is None or course.dose_unit is None:
        return None, [f"treatments[{index}].dose"], None
    equivalent = prednisone_equivalent(drug, course.dose)
    if course.dose_unit == "mg/kg/day":
        return equivalent, [], None
    weight = course.weight_kg if course.weight_kg is not None else facts.get("weight_kg")
    if weight is None:
        return None, ["weight_kg"], None
    return equivalent / weight, [], None


def _tally(facts: Facts, req: Requirement, courses: list[Treatment],
           wanted: frozenset[str] | None = None) -> _Tally:
    wanted = expand(req.drugs) if wanted is None else wanted
    screening = facts.screening_date
    tally = _Tally()
    for index, course in enumerate(courses):
        drug = canonical_drug(course.drug)
        if course.start > screening:
            continue
        if drug is None:
            tally.missing.append(f"treatments[{index}].drug")
            tally.possible.append(_Course(index, course.drug, course.start,
                                          min(course.end or screening, screening)))
            continue
        if drug not in wanted:
            continue
        if course.route in LOCAL_ROUTES:
            tally.excluded.append(f"{drug} by {course.route.replace('_', '-')} route (local)")
            continue
        missing: list[str] = []
        if course.response is None:
            missing.append(f"treatments[{index}].response")
        elif course.response not in req.responses:
            tally.excluded.append(f"{drug}: {course.response}")
            continue
        dose_text = ""
        if req.min_prednisone_mg_per_kg_day is not None:
            value, dose_missing, reason = _prednisone_mg_per_kg_day(facts, index, course, drug)
            if reason:
                tally.excluded.append(reason)
                continue
            missing.extend(dose_missing)
            if value is not None:
                dose_text = f" {fmt(value)} mg/kg/day prednisone-equivalent"
                if value < req.min_prednisone_mg_per_kg_day:
                    minimum = fmt(req.min_prednisone_mg_per_kg_day)
                    tally.excluded.append(f"{drug}{dose_text} < {minimum}")
                    continue
        item = _Course(index, drug, course.start, min(course.end or screening, screening),
                       dose_text)
        if missing:
            tally.missing.extend(missing)
            tally.possible.append(item)
        else:
            tally.definite.append(item)
    return tally


def _merged_periods(courses: list[_Course]) -> list[tuple[date, date]]:
    """The runs of days the courses cover, touching or overlapping courses merged."""
    merged: list[tuple[date, date]] = []
    for start, end in sorted((c.start, c.end) for c in courses):
        if merged and start <= merged[-1][1] + timedelta(days=1):
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _longest_period(courses: list[_Course]) -> tuple[date, date] | None:
    return max(_merged_periods(courses), key=lambda period: period[1] - period[0], default=None)


def _duration_ok(req: Requirement, courses: list[_Course]) -> tuple[bool, str]:
    if req.min_months is not None:
        period = _longest_period(courses)
        if period is None:
            return False, "no qualifying course"
        enough = period[1] >= add_months(period[0], req.min_months)
        span = f"{period[0]} to {period[1]}"
        if not enough:
            return False, f"longest continuous course {span}, shorter than {req.min_months} months"
    if req.min_weeks_single_course is not None:
        needed = timedelta(weeks=req.min_weeks_single_course)
        if not any(c.end - c.start >= needed for c in courses):
            return False, f"no single course lasting {req.min_weeks_single_course} weeks"
    return True, ""


def _describe_courses(courses: list[_Course]) -> str:
    by_drug: dict[str, list[_Course]] = {}
    for course in courses:
        by_drug.setdefault(course.drug, []).append(course)
    parts = []
    for drug, items in by_drug.items():
        periods = ", ".join(f"{start} to {end}" for start, end in _merged_periods(items))
        doses = "".join(dict.fromkeys(c.dose_text for c in items if c.dose_text))
        parts.append(f"{drug}{doses} ({periods})")
    return ", ".join(parts)


def _requirement(facts: Facts, req: Requirement, courses: list[Treatment],
                 others: frozenset[str] = frozenset()) -> Finding:
    tally = _tally(facts, req, courses)
    distinct = {c.drug for c in tally.definite}
    ok, why = _duration_ok(req, tally.definite)
    if len(distinct) >= req.min_distinct and ok:
        return facts.met(f"{req.label}: {_describe_courses(tally.definite)}")
    everything = tally.definite + tally.possible
    could, _ = _duration_ok(req, everything)
    if len({c.drug for c in everything}) >= req.min_distinct and could and tally.possible:
        return facts.unknown(f"{req.label}: depends on incompletely recorded courses",
                             tally.missing)
    if req.review_also:
        # A drug another requirement names is that requirement's, never this one's extra.
        wider = _tally(facts, req, courses,
                       expand(req.drugs) | (expand(req.review_also) - others))
        extra = {c.drug for c in wider.definite} - distinct
        if len({c.drug for c in wider.definite}) >= req.min_distinct and extra and (
            _duration_ok(req, wider.definite)[0]
        ):
            return facts.review(
                f"{req.label}: met only by counting {', '.join(sorted(extra))}, which the "
                "registry's list does not name but its 'etc.' may cover"
            )
    if len(distinct) < req.min_distinct:
        found = f" ({_describe_courses(tally.definite)})" if tally.definite else ""
        why = (f"{len(distinct)} of {req.min_distinct} different drugs needed{found}"
               if req.min_distinct > 1 else "no qualifying course")
        if tally.excluded:
            why += "; not counted: " + "; ".join(tally.excluded)
    return facts.not_met(f"{req.label}: {why}")


def _named_elsewhere(p: TreatmentParams, req: Requirement) -> frozenset[str]:
    return frozenset().union(*(expand(r.drugs) for r in p.requirements if r is not req))


def _in_place_from(req: Requirement, courses: list[_Course]) -> date | None:
    """The day the requirement's drugs were all started: the first day of its n-th drug."""
    firsts: dict[str, date] = {}
    for course in courses:
        firsts[course.drug] = min(course.start, firsts.get(course.drug, course.start))
    starts = sorted(firsts.values())
    return starts[req.min_distinct - 1] if len(starts) >= req.min_distinct else None


def _combination_duration(facts: Facts, p: TreatmentParams, courses: list[Treatment],
                          primary: Finding) -> Finding:
    """The whole combination must have failed for more than N months: count from the day the
    last required component was first given. Courses not yet fully recorded count too, since
    if even they cannot make the combination old enough, nothing missing can change that."""
    assert p.treated_for_more_than_months is not None
    tallies = [_tally(facts, r, courses) for r in p.requirements]
    use_possible = primary.outcome == Outcome.UNKNOWN
    firsts = []
    for req, tally in zip(p.requirements, tallies, strict=True):
        first = _in_place_from(req, tally.definite + (tally.possible if use_possible else []))
        if first is None:
            return primary
        firsts.append(first)
    combined = max(firsts)
    if facts.screening_date > add_months(combined, p.treated_for_more_than_months):
        return primary
    return facts.not_met(
        f"the full combination was in place from {combined}, not more than "
        f"{p.treated_for_more_than_months} months before screening"
    )


def _treatment(facts: Facts, p: TreatmentParams) -> Finding:
    courses = facts.get("treatments")
    if courses is None:
        primary = facts.unknown("treatment history not recorded", ["treatments"])
        courses = []
    else:
        parts = [(r.label, _requirement(facts, r, courses, _named_elsewhere(p, r)))
                 for r in p.requirements]
        outcome = combine_all(parts)
        shown = [f for _, f in parts if f.outcome == outcome] or [f for _, f in parts]
        primary = facts.finding(
            outcome, "; ".join(f.evidence for f in shown),
            [m for _, f in parts for m in f.missing] if outcome == Outcome.UNKNOWN else [],
        )
        if outcome in (Outcome.MET, Outcome.UNKNOWN) and p.treated_for_more_than_months:
            primary = _combination_duration(facts, p, courses, primary)
    if primary.outcome == Outcome.MET:
        return primary
    alternatives: list[Finding] = []
    if p.intolerance_review:
        standard = frozenset().union(*(expand(r.drugs) for r in p.requirements))
        intolerant = sorted({
            canonical_drug(c.drug) or c.drug for c in courses
            if c.response == "intolerant" and canonical_drug(c.drug) in standard
        })
        if intolerant:
            alternatives.append(facts.review(
                "intolerant to " + ", ".join(intolerant)
                + ": whether this is intolerance to standard treatments is for the investigator"
            ))
    if p.rapid_progression_review:
        rapid = facts.get("diagnosis.features.rapidly_progressive")
        if rapid is True:
            alternatives.append(facts.review(
                "rapidly progressive disease: the registry's alternative path needs the "
                "investigator's judgement of ineffective routine treatment and benefit over risk"
            ))
        elif rapid is None:
            alternatives.append(facts.unknown(
                "rapid progression (the alternative path) not recorded",
                ["diagnosis.features.rapidly_progressive"],
            ))
    for alternative in alternatives:
        if alternative.outcome == Outcome.REVIEW:
            return facts.review(f"{primary.evidence}; {alternative.evidence}")
    if primary.outcome in (Outcome.UNKNOWN, Outcome.REVIEW):
        # The alternative paths can only add a review, so they cannot change either answer.
        return primary
    unknown = [a for a in alternatives if a.outcome == Outcome.UNKNOWN]
    if unknown:
        return facts.unknown(f"{primary.evidence}; {unknown[0].evidence}", unknown[0].missing)
    return primary


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
        text += f" at ≥{fmt(r.min_prednisone_mg_per_kg_day)} mg/kg/day prednisone-equivalent"
    if r.min_months is not None:
        text += f" for ≥{r.min_months} months"
    if r.min_weeks_single_course is not None:
        text += f", one course at a stable dose for ≥{r.min_weeks_single_course} weeks"
    text += " (response: " + " or ".join(r.responses) + ")"
    if r.review_also:
        text += f"; review if met only with other {_drug_words(r.review_also)}"
    return text


def _describe(p: TreatmentParams) -> str:
    text = "; and ".join(_describe_requirement(r) for r in p.requirements)
    if p.treated_for_more_than_months:
        text += (f"; the full combination in place more than {p.treated_for_more_than_months} "
                 "months before screening")
    if p.intolerance_review:
        text += "; or intolerance to these treatments (review)"
    if p.rapid_progression_review:
        text += "; or rapid progression with ineffective routine treatment (review)"
    return text


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
    "prednisone-equivalent dose and for the duration asked. Alternative paths go to review.",
    reads=("treatments", "weight_kg", "diagnosis.features.rapidly_progressive"),
    params=TreatmentParams,
    evaluate=_treatment,
    describe=_describe,
    examples=(
        Example("steroids 7 months, MTX and MMF failed", _EXAMPLE_PARAMS,
                {"treatments": [
                    {"drug": "prednisolone", "start": date(2026, 1, 1), "response": "inadequate"},
                    {"drug": "methotrexate", "start": date(2026, 1, 1), "response": "inadequate"},
                    {"drug": "MMF", "start": date(2026, 4, 1), "response": "intolerant"},
                ]}, Outcome.MET),
        Example("only one immunosuppressant", _EXAMPLE_PARAMS,
                {"treatments": [
                    {"drug": "prednisolone", "start": date(2026, 1, 1), "response": "inadequate"},
                    {"drug": "methotrexate", "start": date(2026, 1, 1), "response": "inadequate"},
                ]}, Outcome.NOT_MET),
        Example("no treatment history", _EXAMPLE_PARAMS, {}, Outcome.UNKNOWN),
    ),
)

