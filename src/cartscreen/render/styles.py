"""Shared wording and colours for verdicts and outcomes."""

from __future__ import annotations

from cartscreen.checks.base import Outcome

VERDICT_STYLE = {"eligible": "bold green", "ineligible": "bold red", "incomplete": "bold yellow"}

OUTCOME_LABEL = {
    Outcome.MET: "met",
    Outcome.NOT_MET: "not met",
    Outcome.UNKNOWN: "unknown",
    Outcome.REVIEW: "review",
    Outcome.NOT_APPLICABLE: "n/a",
}
OUTCOME_STYLE = {
    Outcome.MET: "green",
    Outcome.NOT_MET: "red",
    Outcome.UNKNOWN: "yellow",
    Outcome.REVIEW: "cyan",
    Outcome.NOT_APPLICABLE: "dim",
}
