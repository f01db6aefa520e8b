"""Every registry sentence of every bundled trial is a criterion, with the registry wording kept.

``trials/registry-text/<id>.txt`` holds the eligibility section exactly as scraped. Each
criterion's text must occur in it, and removing every criterion's text must leave nothing but
numbering, bullets, punctuation and the two section headings: nothing dropped.
"""

from __future__ import annotations

import re

import pytest

from cartscreen.trial import LoadedTrial, bundled_trials_dir, load_trials

TRIALS_DIR = bundled_trials_dir()
TEXT_DIR = TRIALS_DIR / "registry-text"
EXPECTED_IDS = {"NCT07184450", "NCT06569472", "NCT06792344", "NCT06934447", "NCT06222853"}

# Symbols the scrape lost (DESIGN.md): "≥"/"≤" became "=", circled numerals and "γ" became "?".
_LOST = str.maketrans({"≥": "=", "≤": "=", "γ": "?", **{c: "?" for c in "①②③④⑤⑥⑦⑧⑨"}})


def normalise(text: str) -> str:
    text = text.replace("<br>", " ").translate(_LOST)
    text = re.sub(r"[•·]", " ", text)
    return " ".join(text.split())


def _trials() -> dict[str, LoadedTrial]:
    return load_trials([TRIALS_DIR]).trials


def test_the_five_seed_trials_are_bundled() -> None:
    assert set(_trials()) == EXPECTED_IDS


@pytest.mark.parametrize("trial_id", sorted(EXPECTED_IDS))
def test_every_criterion_quotes_the_registry(trial_id: str) -> None:
    trial = _trials()[trial_id]
    source = normalise((TEXT_DIR / f"{trial_id}.txt").read_text(encoding="utf-8"))
    for item in trial.criteria:
        assert normalise(item.criterion.text) in source, item.criterion.id


@pytest.mark.parametrize("trial_id", sorted(EXPECTED_IDS))
def test_no_registry_sentence_is_dropped(trial_id: str) -> None:
    trial = _trials()[trial_id]
    remainder = normalise((TEXT_DIR / f"{trial_id}.txt").read_text(encoding="utf-8"))
    # Longest first, so a short fragment never splits a longer one it occurs in.
    for text in sorted({normalise(c.criterion.text) for c in trial.criteria}, key=len,
                       reverse=True):
        remainder = remainder.replace(text, " ")
    remainder = re.sub(r"(Inclusion|Exclusion) Criteria", " ", remainder)
    remainder = re.sub(r"\(?\b[0-9]{1,2}\b[.)]?", " ", remainder)  # item numbers
    leftover_words = re.findall(r"[A-Za-z]{2,}", remainder)
    assert not leftover_words, f"registry words in no criterion: {' '.join(leftover_words)}"


@pytest.mark.parametrize("trial_id", sorted(EXPECTED_IDS))
def test_trial_metadata_is_complete(trial_id: str) -> None:
    trial = _trials()[trial_id].trial
    assert trial.record_version and trial.source and trial.targets and trial.diseases
    kinds = {c.kind for c in trial.criteria}
    assert kinds == {"inclusion", "exclusion"}
