"""Disease activity thresholds: SLEDAI-2K, mRSS, ESSDAI/clinESSDAI, active joints."""

from __future__ import annotations

from datetime import date

import pytest

from cartscreen.checks.base import Outcome

from .helpers import days_before, run

SLEDAI_8 = {"scores": ["sledai_2k"], "minimum": 8}
MRSS_15 = {"scores": ["mrss"], "minimum": 15}
ESSDAI_5 = {"scores": ["essdai", "clinessdai"], "minimum": 5}
JOINTS_2 = {"scores": ["active_joint_count"], "minimum": 2}
VISIT = {"assessed_on": date(2026, 10, 28)}


def test_sledai_2k_of_8_is_moderate_to_severe_activity() -> None:
    finding = run("activity_score", SLEDAI_8,
                  {"activity": {"sledai_2k": 8, "assessed_on": date(2026, 10, 30)}})
    assert finding.outcome == Outcome.MET
    assert "SLEDAI-2K 8 ≥ 8" in finding.evidence
    assert "2026-10-30" in finding.evidence


def test_sledai_2k_of_7_is_not_enough() -> None:
    finding = run("activity_score", SLEDAI_8, {"activity": {"sledai_2k": 7, **VISIT}})
    assert finding.outcome == Outcome.NOT_MET
    assert "SLEDAI-2K 7 < 8" in finding.evidence


def test_sledai_2k_not_recorded_is_unknown() -> None:
    finding = run("activity_score", SLEDAI_8, {})
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("activity.sledai_2k", "activity.components.sledai_2k")


@pytest.mark.parametrize(("mrss", "outcome"), [(15, Outcome.MET), (14, Outcome.NOT_MET)])
def test_mrss_threshold_of_15_is_inclusive(mrss: int, outcome: Outcome) -> None:
    finding = run("activity_score", MRSS_15, {"activity": {"mrss": mrss, **VISIT}})
    assert finding.outcome == outcome


@pytest.mark.parametrize(("joints", "outcome"), [(2, Outcome.MET), (1, Outcome.NOT_MET)])
def test_at_least_two_active_joints(joints: int, outcome: Outcome) -> None:
    finding = run("activity_score", JOINTS_2,
                  {"activity": {"active_joint_count": joints, **VISIT}})
    assert finding.outcome == outcome
    assert "active joints" in finding.evidence


def test_clinessdai_of_5_suffices_without_essdai() -> None:
    finding = run("activity_score", ESSDAI_5, {"activity": {"clinessdai": 5, **VISIT}})
    assert finding.outcome == Outcome.MET
    assert "clinESSDAI 5 ≥ 5" in finding.evidence


def test_essdai_of_4_with_clinessdai_unrecorded_is_unknown_naming_clinessdai() -> None:
    finding = run("activity_score", ESSDAI_5, {"activity": {"essdai": 4}})
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("activity.clinessdai",)
    assert "ESSDAI 4 < 5" in finding.evidence


def test_essdai_and_clinessdai_both_4_fail() -> None:
    finding = run("activity_score", ESSDAI_5,
                  {"activity": {"essdai": 4, "clinessdai": 4, **VISIT}})
    assert finding.outcome == Outcome.NOT_MET
    assert finding.evidence.startswith("assessed 2026-10-28: ESSDAI 4 < 5")


@pytest.mark.parametrize(("sledai", "decided"), [(8, "SLEDAI-2K 8 ≥ 8"), (7, "SLEDAI-2K 7 < 8")])
def test_undated_score_is_unknown_on_either_side_of_the_threshold(sledai: int,
                                                                   decided: str) -> None:
    # Delete-one-fact (tests/test_delete_one_fact.py): an undated SLEDAI-2K passed, though the
    # criteria concern activity at screening.
    finding = run("activity_score", SLEDAI_8, {"activity": {"sledai_2k": sledai}})
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("activity.assessed_on",)
    assert finding.evidence.startswith(decided)


def test_undated_clinessdai_reaching_5_is_unknown_naming_the_date() -> None:
    finding = run("activity_score", ESSDAI_5, {"activity": {"clinessdai": 5}})
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("activity.assessed_on",)


@pytest.mark.parametrize(("days", "outcome"), [(28, Outcome.MET), (29, Outcome.UNKNOWN)])
def test_an_activity_score_is_current_for_28_days(days: int, outcome: Outcome) -> None:
    finding = run("activity_score", {"scores": ["sledai_2k"], "minimum": 8},
                  {"activity": {"sledai_2k": 14, "assessed_on": days_before(days)}})
    assert finding.outcome == outcome


def test_a_three_year_old_sledai_neither_passes_nor_fails() -> None:
    # The review's case: a SLEDAI-2K of 3 years before screening passed.
    for score in (14, 2):
        finding = run("activity_score", {"scores": ["sledai_2k"], "minimum": 8},
                      {"activity": {"sledai_2k": score, "assessed_on": days_before(3 * 365)}})
        assert finding.outcome == Outcome.UNKNOWN
        assert finding.missing == ("activity.sledai_2k",)
        assert "older than 28 days before screening" in finding.evidence
