"""Criteria for a person to decide: always review, except contraception for those who cannot
become pregnant."""

from __future__ import annotations

import pytest

from cartscreen.checks.base import Outcome
from cartscreen.checks.judgement import TOPICS

from .helpers import run

CONTRACEPTION = {"topic": "contraception", "concerns": "females_of_childbearing_potential"}
SUBJECTS = {"topic": "contraception", "concerns": "subjects_of_childbearing_age"}


@pytest.mark.parametrize("topic", sorted(TOPICS))
def test_every_judgement_topic_goes_to_review(topic: str) -> None:
    finding = run("investigator_review", {"topic": topic}, {"sex": "male"})
    assert finding.outcome == Outcome.REVIEW
    assert TOPICS[topic] in finding.evidence


def test_female_subjects_contraception_does_not_apply_to_a_boy() -> None:
    # NCT06222853 and NCT06934447: "female Subjects of childbearing age".
    assert run("investigator_review", CONTRACEPTION, {"sex": "male"}).outcome == (
        Outcome.NOT_APPLICABLE)


def test_subjects_of_childbearing_age_include_a_boy_for_review() -> None:
    # The review's case: "the subject of childbearing age" (NCT06569472, NCT06792344,
    # NCT07184450) was not applicable to post-pubertal boys.
    finding = run("investigator_review", SUBJECTS, {"sex": "male"})
    assert finding.outcome == Outcome.REVIEW
    assert "boy" in finding.evidence


@pytest.mark.parametrize("params", [CONTRACEPTION, SUBJECTS])
def test_contraception_agreement_does_not_apply_to_a_girl_who_cannot_become_pregnant(
    params: dict[str, str]
) -> None:
    finding = run("investigator_review", params,
                  {"sex": "female", "pregnancy": {"childbearing_potential": False}})
    assert finding.outcome == Outcome.NOT_APPLICABLE


@pytest.mark.parametrize("params", [CONTRACEPTION, SUBJECTS])
@pytest.mark.parametrize("potential", [True, None])
def test_contraception_agreement_is_reviewed_for_a_girl_who_may_become_pregnant(
    potential: bool | None, params: dict[str, str]
) -> None:
    pregnancy = {} if potential is None else {"childbearing_potential": potential}
    finding = run("investigator_review", params, {"sex": "female", "pregnancy": pregnancy})
    assert finding.outcome == Outcome.REVIEW
    assert "contraception" in finding.evidence
