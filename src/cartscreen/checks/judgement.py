"""Criteria no program may decide: consent, feasibility, the investigator's opinion."""

from __future__ import annotations

from typing import Literal

from cartscreen.checks.base import Check, Example, Facts, Finding, Outcome, Params
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


class ReviewParams(Params):
    topic: Topic
    only_if_childbearing_potential: bool = False


def _review(facts: Facts, p: ReviewParams) -> Finding:
    if p.only_if_childbearing_potential:
        status = childbearing_status(facts)
        if status is not None and status.outcome == Outcome.NOT_APPLICABLE:
            return status
    return facts.review(f"for the investigator: {TOPICS[p.topic]}")


INVESTIGATOR_REVIEW = Check(
    name="investigator_review",
    family="judgement",
    summary="Always review: a person must decide. With only_if_childbearing_potential, not "
    "applicable to males and to patients not of childbearing potential.",
    reads=("sex", "pregnancy.childbearing_potential"),
    params=ReviewParams,
    evaluate=_review,
    describe=lambda p: f"review: {TOPICS[p.topic]}"
    + (" (if of childbearing potential)" if p.only_if_childbearing_potential else ""),
    examples=(
        Example("consent", {"topic": "informed_consent"}, {}, Outcome.REVIEW),
        Example("contraception, boy", {"topic": "contraception",
                                       "only_if_childbearing_potential": True},
                {"sex": "male"}, Outcome.NOT_APPLICABLE),
    ),
)
