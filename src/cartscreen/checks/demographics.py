"""Demographic checks: age at the screening date and sex."""

from __future__ import annotations

from datetime import date

from pydantic import Field, model_validator

from cartscreen.checks.base import (
    MAX_AGE_YEARS,
    MET,
    NOT_MET,
    UNKNOWN,
    Check,
    Example,
    Facts,
    Finding,
    Params,
)
from cartscreen.patient import Sex


class AgeParams(Params):
    min_years: int | None = Field(default=None, ge=0, le=MAX_AGE_YEARS)
    max_years: int | None = Field(default=None, ge=0, le=MAX_AGE_YEARS)
    max_inclusive: bool = True

    @model_validator(mode="after")
    def _bounds(self) -> AgeParams:
        if self.min_years is None and self.max_years is None:
            raise ValueError("give min_years, max_years or both")
        if (
            self.min_years is not None
            and self.max_years is not None
            and self.min_years > self.max_years
        ):
            raise ValueError("min_years is above max_years")
        return self


def _age_rule(p: AgeParams) -> str:
    parts = []
    if p.min_years is not None:
        parts.append(f"≥{p.min_years}")
    if p.max_years is not None:
        parts.append(f"{'≤' if p.max_inclusive else '<'}{p.max_years}")
    return " and ".join(parts)


def _describe_age(p: AgeParams) -> str:
    return f"age at the screening date, in whole years, {_age_rule(p)}"


def _age(facts: Facts, p: AgeParams) -> Finding:
    age = facts.age_years()
    if age is None:
        if facts.patient.age_years is not None:
            return facts.unknown("age_years is stated, but the file gives no screening_date "
                                 "to tie it to; give birth_date", ["birth_date"])
        return facts.unknown("age unknown", ["birth_date"])
    rule = _age_rule(p)
    source = (
        f"born {facts.patient.birth_date}, " if facts.patient.birth_date is not None else "stated, "
    )
    context = f"age {age} ({source}screening {facts.screening_date})"
    if p.min_years is not None and age < p.min_years:
        return facts.not_met(f"{context}; required {rule}")
    if p.max_years is not None and (
        age > p.max_years or (age == p.max_years and not p.max_inclusive)
    ):
        return facts.not_met(f"{context}; required {rule}")
    return facts.met(f"{context}; required {rule}")


AGE = Check(
    name="age",
    family="demographics",
    summary="Met when the patient's age in whole years at the screening date lies within the "
    "bounds. Age comes from birth_date; a stated age_years is used only without a birth date, "
    "and only with the file's own screening_date (the date it is the age at).",
    reads=("birth_date", "age_years"),
    params=AgeParams,
    evaluate=_age,
    describe=_describe_age,
    examples=(
        Example(
            "16 years old, trial under 17",
            {"min_years": 5, "max_years": 17, "max_inclusive": False},
            {"birth_date": date(2010, 6, 1)},
            MET,
        ),
        Example(
            "17th birthday reached, trial under 17",
            {"min_years": 5, "max_years": 17, "max_inclusive": False},
            {"birth_date": date(2009, 11, 1)},
            NOT_MET,
        ),
        Example("no birth date", {"min_years": 5}, {}, UNKNOWN),
        Example("age 18 stated at the file's screening date", {"min_years": 5, "max_years": 18},
                {"age_years": 18, "screening_date": date(2026, 11, 1)}, MET),
        Example("age 18 stated, no screening date in the file",
                {"min_years": 5, "max_years": 18}, {"age_years": 18}, UNKNOWN),
    ),
)


class SexParams(Params):
    allowed: list[Sex] = Field(min_length=1)


def _sex(facts: Facts, p: SexParams) -> Finding:
    sex = facts.get("sex")
    if sex is None:
        return facts.unknown("sex not recorded", ["sex"])
    allowed = " or ".join(p.allowed)
    if sex in p.allowed:
        return facts.met(f"{sex}; trial takes {allowed}")
    return facts.not_met(f"{sex}; trial takes {allowed} only")


SEX = Check(
    name="sex",
    family="demographics",
    summary="Met when the patient's sex is one the trial takes.",
    reads=("sex",),
    params=SexParams,
    evaluate=_sex,
    describe=lambda p: "sex is " + " or ".join(p.allowed),
    examples=(
        Example("girl, any sex", {"allowed": ["female", "male"]}, {"sex": "female"}, MET),
        Example("boy, girls only", {"allowed": ["female"]}, {"sex": "male"}, NOT_MET),
    ),
)
