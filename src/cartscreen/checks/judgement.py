"""Criteria no program may decide: consent, feasibility, the investigator's opinion."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from cartscreen.checks.base import (
    NOT_APPLICABLE,
    REVIEW,
    Check,
    Example,
    Facts,
    Finding,
    Params,
)
from cartscreen.checks.reproductive import childbearing_status

Topic = Literal[
    "informed_consent",
    "leukapheresis",
    "contraception",
    "investigator_opinion",
    "benefit_risk",
    "organ_involvement",
    "kidney_outlook",
    "refractory_equivalence",
]

TOPICS = {
    "informed_consent": "informed consent by the patient or guardian",
    "leukapheresis": "fitness for leukapheresis or blood collection",
    "contraception": "agreement to effective contraception",
    "investigator_opinion": "the investigator's judgement of suitability",
    "benefit_risk": "the investigator's weighing of benefits and risks",
    "organ_involvement": "the severity of major organ involvement",
    "kidney_outlook": "the investigator's view of significant kidney disease ahead",
    "refractory_equivalence": "whether the disease is equivalent to refractory JDM",
}


Concerns = Literal["everyone", "females_of_childbearing_potential", "subjects_of_childbearing_age"]


class ReviewParams(Params):
    topic: Topic
    concerns: Concerns = Field(
        default="everyone",
        description="whom the sentence concerns: everyone; 'female subjects of childbearing "
        "age' (not applicable to males and to girls not of childbearing potential); or "
        "'subjects of childbearing age', which includes boys of reproductive age (a boy goes "
        "to review: whether he is of that age is for the investigator)")


def _review(facts: Facts, p: ReviewParams) -> Finding:
    if p.concerns != "everyone":
        sex = facts.get("sex")
        if sex == "male" and p.concerns == "subjects_of_childbearing_age":
            return facts.review(f"for the investigator: {TOPICS[p.topic]}; the registry's "
                                "'subject of childbearing age' includes a boy of reproductive "
                                "age, which is for the investigator to judge")
        status = childbearing_status(facts)
        if status is not None and status.outcome == NOT_APPLICABLE:
            return status
    return facts.review(f"for the investigator: {TOPICS[p.topic]}")


_CONCERNS_TEXT = {
    "everyone": "",
    "females_of_childbearing_potential": " (females of childbearing potential)",
    "subjects_of_childbearing_age": " (subjects of childbearing age: females of childbearing "
    "potential, and boys, for the investigator)",
}


INVESTIGATOR_REVIEW = Check(
    name="investigator_review",
    family="judgement",
    summary="Always review: a person must decide. A sentence about females of childbearing "
    "potential is not applicable to males and to girls not of childbearing potential; one "
    "about subjects of childbearing age is review for boys too.",
    reads=("sex", "pregnancy.childbearing_potential"),
    params=ReviewParams,
    evaluate=_review,
    describe=lambda p: f"review: {TOPICS[p.topic]}{_CONCERNS_TEXT[p.concerns]}",
    examples=(
        Example("consent", {"topic": "informed_consent"}, {}, REVIEW),
        Example("contraception, boy, 'female subjects'",
                {"topic": "contraception", "concerns": "females_of_childbearing_potential"},
                {"sex": "male"}, NOT_APPLICABLE),
        Example("contraception, boy, 'subjects of childbearing age'",
                {"topic": "contraception", "concerns": "subjects_of_childbearing_age"},
                {"sex": "male"}, REVIEW),
    ),
)
