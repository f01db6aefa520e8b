"""Criteria for a person to decide: always review, except contraception for those who cannot
become pregnant."""

from __future__ import annotations

import pytest

from cartscreen.checks.base import Outcome
from cartscreen.checks.judgement import TOPICS

from .helpers import run

CONTRACEPTION = {"topic": "contraception", "only_if_childbearing_potential": True}


@pytest.mark.parametrize("topic", sorted(TOPICS))
def test_every_judgement_topic_goes_to_review(topic: str) -> None:
    finding = run("investigator_review", {"topic": topic}, {"sex": "male"})
    assert finding.outcome == Outcome.REVIEW
    assert TOPICS[topic] in finding.evidence


def test_contraception_agreement_does_not_apply_to_a_boy() -> None:
    assert run("investigator_review", CONTRACEPTION, {"sex": "male"}).outcome == (
        Outcome.NOT_APPLICABLE)


def test_contraception_agreement_does_not_apply_to_a_girl_who_cannot_become_pregnant() -> None:
    finding = run("investigator_review", CONTRACEPTION,
                  {"sex": "female", "pregnancy": {"childbearing_potential": False}})
    assert finding.outcome == Outcome.NOT_APPLICABLE


@pytest.mark.parametrize("potential", [True, None])
def test_contraception_agreement_is_reviewed_for_a_girl_who_may_become_pregnant(
    potential: bool | None
) -> None:
    pregnancy = {} if potential is None else {"childbearing_potential": potential}
    finding = run("investigator_review", CONTRACEPTION, {"sex": "female", "pregnancy": pregnancy})
    assert finding.outcome == Outcome.REVIEW
    assert "contraception" in finding.evidence
