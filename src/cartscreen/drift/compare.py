"""An encoded trial against a ClinicalTrials.gov record: what changed.

Two kinds of change are found:

- **Metadata**: the record's minimum and maximum age, sex, overall status and conditions
  against the trial file's ``min_age_years``, ``max_age_years``/``max_age_inclusive``, ``sex``,
  ``status`` and ``conditions``, and the record's last update against the record version the
  file names (:func:`encoded_version`). Each names the criteria that apply it (the ``age``
  check's criteria for an age, the ``sex`` check's for sex).
- **Eligibility sentences**, against the kept registry text (``registry-text/<id>.txt``
  beside the trial file), section by section (:mod:`cartscreen.drift.sentences` says how a
  text becomes sentences and when two are the same). A sentence found on both sides, in any
  order, is unchanged. Of the rest, a kept sentence and a record sentence of the same section
  whose similarity (difflib's ratio on their words: :func:`~cartscreen.drift.sentences.
  similarity`) is at least :data:`REWORDED_AT` are paired as **reworded**, the most similar
  pair first (ties in the kept text's order); what is left is **removed** (only in the kept
  text) or **added** (only in the record). Each change names the criteria whose ``text``
  quotes its sentence: for a kept sentence, every criterion whose text overlaps it in the
  kept text; for a record's sentence, every criterion whose text contains it or is contained
  in it (usually none for an added sentence, which is then quoted by no criterion).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Literal

from cartscreen.drift.record import RegistryRecord
from cartscreen.drift.sentences import (
    EXCLUSION,
    INCLUSION,
    NO_SECTION,
    Sentence,
    WordDiff,
    flatten,
    has_sections,
    quick_similarity_bound,
    readable,
    same_wording,
    similarity,
    split_sentences,
    without_sections,
    word_diff,
)
from cartscreen.trial import LoadedTrial

# A removed and an added sentence this similar (difflib's ratio on their words) are one
# sentence reworded. 0.6 is difflib's own cut-off for a close match (get_close_matches): an
# edit of a few words in a sentence stays above it; a sentence that shares only its frame
# ("Or … positive") with another falls below.
REWORDED_AT = 0.6

Change = Literal["added", "removed", "reworded"]
VersionKind = Literal["updated", "seen"]


@dataclass(frozen=True)
class FieldComparison:
    """One metadata field of the trial file against the record."""

    field: str  # minimum_age, maximum_age, sex, status, conditions, record_date
    label: str  # as a person reads it: "maximum age"
    trial: str | None  # the trial file's value in words (None: not stated)
    record: str | None  # the record's value as written (None: absent)
    changed: bool
    message: str
    criteria: tuple[str, ...] = ()  # the criteria that apply this field


@dataclass(frozen=True)
class SentenceChange:
    change: Change
    section: str
    before: str | None  # the kept text's sentence (removed, reworded)
    after: str | None  # the record's sentence (added, reworded)
    criteria: tuple[str, ...]
    diff: WordDiff | None = None  # reworded only


@dataclass(frozen=True)
class Drift:
    """A trial file and a record compared: every metadata field, the sentences that
    changed, and counts of those that did not."""

    trial_id: str
    trial_file: str
    baseline_file: str
    record_file: str
    record_date: date
    fields: tuple[FieldComparison, ...]
    sentences: tuple[SentenceChange, ...]
    kept_sentences: int
    record_sentences: int
    unchanged_sentences: int
    lost_symbol_matches: int  # unchanged only by reading a kept "=" or "?" as a lost symbol
    sections_compared: bool
    notes: tuple[str, ...]

    @property
    def matches(self) -> bool:
        return not self.sentences and not any(f.changed for f in self.fields)


# --- metadata ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class EncodedVersion:
    """The record version a trial file names: the date it was updated (that version), or
    the date a copy was seen (the version current then)."""

    kind: VersionKind
    day: date


_MONTHS = {name: number for number, name in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"), start=1)}
_DAY = (r"(?:(?P<iso>\d{4}-\d{2}-\d{2})|(?P<d1>\d{1,2}) (?P<m1>[A-Za-z]+),? (?P<y1>\d{4})"
        r"|(?P<m2>[A-Za-z]+) (?P<d2>\d{1,2}),? (?P<y2>\d{4}))")
_VERSION_PATTERNS: tuple[tuple[VersionKind, re.Pattern[str]], ...] = (
    ("updated", re.compile(rf"\b(?:last )?updated(?: on)?:? {_DAY}", re.IGNORECASE)),
    ("seen", re.compile(rf"\b(?:dated|as of|seen(?: on)?|copied(?: on)?|retrieved(?: on)?"
                        rf"|downloaded(?: on)?):? {_DAY}", re.IGNORECASE)),
)


def _day(match: re.Match[str]) -> date | None:
    try:
        if match.group("iso"):
            return date.fromisoformat(match.group("iso"))
        day, month, year = ((match.group("d1"), match.group("m1"), match.group("y1"))
                            if match.group("d1") else
                            (match.group("d2"), match.group("m2"), match.group("y2")))
        number = _MONTHS.get(month.lower())
        return date(int(year), number, int(day)) if number else None
    except ValueError:
        return None


def encoded_version(*texts: str) -> EncodedVersion | None:
    """The version named in a trial file's ``record_version`` (else its ``source``):
    "updated 2024-01-25" is that version; "dated 30 January 2025", "as of November 14,
    2025" are the version current on that day. None when neither names a date that way."""
    for text in texts:
        for kind, pattern in _VERSION_PATTERNS:
            for match in pattern.finditer(text):
                day = _day(match)
                if day is not None:
                    return EncodedVersion(kind, day)
    return None


def _record_date(trial: LoadedTrial, record: RegistryRecord) -> tuple[FieldComparison, str | None]:
    meta = trial.trial
    version = encoded_version(meta.record_version, meta.source)
    updated = record.last_update
    shown = f"updated {updated.isoformat()}"
    if version is None:
        note = (f"The trial file names no dated record version (record_version: "
                f"{meta.record_version!r}), so the record's date ({updated.isoformat()}) is not "
                f"compared; once the record is reviewed, name it: record_version = \"updated "
                f"{updated.isoformat()}\".")
        return FieldComparison("record_date", "record date", None, shown, False,
                               "the trial file names no dated version"), note
    encoded = version.day.isoformat()
    if version.kind == "updated":
        trial_text = f"updated {encoded}"
        changed = updated != version.day
        if updated > version.day:
            message = (f"the record was updated on {updated.isoformat()}, after the version "
                       f"encoded (updated {encoded})")
        elif changed:
            message = (f"the record (updated {updated.isoformat()}) is older than the version "
                       f"encoded (updated {encoded})")
        else:
            message = "the version encoded"
    else:
        trial_text = f"current on {encoded}"
        changed = updated > version.day
        message = (f"the record was updated on {updated.isoformat()}, after the copy encoded "
                   f"(current on {encoded})" if changed else
                   f"last updated on or before {encoded}: the version encoded")
    return FieldComparison("record_date", "record date", trial_text, shown, changed,
                           message), None


def _code(text: str) -> str:
    """A status as the v2 API writes it: "Active, not recruiting" is ACTIVE_NOT_RECRUITING."""
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_").upper()


def _status(trial: LoadedTrial, record: RegistryRecord) -> FieldComparison:
    encoded = trial.trial.status
    changed = _code(encoded) != _code(record.overall_status)
    message = (f"the record's status is {record.overall_status}; the trial file says {encoded}"
               if changed else "as encoded")
    return FieldComparison("status", "status", encoded, record.overall_status, changed, message)


def _criteria_of(trial: LoadedTrial, check: str) -> tuple[str, ...]:
    return tuple(b.criterion.id for b in trial.criteria if b.check.name == check)


def _years(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{float(value):.2f}"


def _ages(trial: LoadedTrial, record: RegistryRecord) -> list[FieldComparison]:
    meta = trial.trial
    criteria = _criteria_of(trial, "age")
    applied = (f"; criteria applying it: {', '.join(criteria)}" if criteria
               else "; no criterion applies it")
    found = []
    # Minimum: the youngest age, in whole years, that is eligible.
    low = meta.min_age_years
    record_low = record.minimum_age
    trial_low = f"{low} years" if low is not None else None
    changed = (None if low is None else Fraction(low)) != (
        None if record_low is None else record_low.years)
    message = "as encoded" if not changed else (
        f"the record's minimum age is {record_low.text if record_low else 'none'}; the trial "
        f"file encodes {trial_low or 'none'}{applied}")
    found.append(FieldComparison("minimum_age", "minimum age", trial_low,
                                 record_low.text if record_low else None, changed, message,
                                 criteria))
    # Maximum: the oldest age, in whole years, that is eligible. ClinicalTrials.gov's
    # maximum age is included ("18 Years": an 18-year-old is eligible), so a trial file's
    # exclusive maximum of 17 ("<17") is the record's 16 Years.
    high = meta.max_age_years
    oldest = None if high is None else Fraction(high if meta.max_age_inclusive else high - 1)
    record_high = record.maximum_age
    if high is None:
        trial_high = None
    elif meta.max_age_inclusive:
        trial_high = f"{high} years (inclusive)"
    else:
        trial_high = f"under {high} years (at most {high - 1})"
    changed = oldest != (None if record_high is None else record_high.years)
    if not changed:
        message = "as encoded"
    elif record_high is None:
        message = (f"the record sets no maximum age; the trial file encodes {trial_high}"
                   f"{applied}")
    else:
        message = (f"the record's maximum age is {record_high.text} (an age of "
                   f"{_years(record_high.years)} years is eligible); the trial file encodes "
                   f"{trial_high or 'none'}{applied}")
    found.append(FieldComparison("maximum_age", "maximum age", trial_high,
                                 record_high.text if record_high else None, changed, message,
                                 criteria))
    return found


def _sex(trial: LoadedTrial, record: RegistryRecord) -> FieldComparison:
    encoded = trial.trial.sex
    criteria = _criteria_of(trial, "sex")
    changed = encoded.upper() != record.sex
    message = "as encoded" if not changed else (
        f"the record takes {record.sex}; the trial file says {encoded}"
        + (f"; criteria applying it: {', '.join(criteria)}" if criteria
           else "; no criterion applies it"))
    return FieldComparison("sex", "sex", encoded, record.sex, changed, message, criteria)


def _condition_key(text: str) -> str:
    return " ".join(text.casefold().split())


def _conditions(trial: LoadedTrial, record: RegistryRecord) -> FieldComparison:
    encoded = {_condition_key(c): c for c in trial.trial.conditions}
    recorded = {_condition_key(c): c for c in record.conditions}
    added = [recorded[k] for k in recorded if k not in encoded]
    removed = [encoded[k] for k in encoded if k not in recorded]
    parts = []
    if added:
        parts.append("the record adds " + "; ".join(added))
    if removed:
        parts.append("the record no longer lists " + "; ".join(removed))
    changed = bool(parts)
    message = ", and ".join(parts) if changed else "as encoded (letter case and spacing aside)"
    if changed:
        message += (f" (the trial file's diseases, {', '.join(trial.trial.diseases)}, decide who"
                    " is screened)")
    return FieldComparison("conditions", "conditions", "; ".join(trial.trial.conditions),
                           "; ".join(record.conditions), changed, message)


# --- sentences ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Quote:
    criterion: str
    kind: str
    flat: str


def _quotes(trial: LoadedTrial) -> list[_Quote]:
    return [_Quote(b.criterion.id, b.criterion.kind, flatten(readable(b.criterion.text)))
            for b in trial.criteria]


def _section_fits(section: str, kind: str) -> bool:
    return section in (NO_SECTION, kind)


def _kept_spans(kept: Sequence[Sentence], flat: str) -> list[tuple[int, int] | None]:
    """Where each kept sentence lies in the flattened kept text, searched in order."""
    spans: list[tuple[int, int] | None] = []
    position = 0
    for sentence in kept:
        needle = sentence.flat
        start = flat.find(needle, position)
        if start < 0:
            start = flat.find(needle)
        if start < 0:
            spans.append(None)
            continue
        spans.append((start, start + len(needle)))
        position = start + len(needle)
    return spans


def _criteria_quoting_kept(kept: Sequence[Sentence], baseline: str,
                           quotes: list[_Quote]) -> list[tuple[str, ...]]:
    """For each kept sentence, the criteria whose text overlaps it in the kept text: a
    criterion may quote part of a sentence, several sentences, or a sentence and a half."""
    flat = flatten(readable(baseline))
    where: list[tuple[_Quote, int, int]] = []
    for quote in quotes:
        if not quote.flat:
            continue
        start = flat.find(quote.flat)
        while start >= 0:
            where.append((quote, start, start + len(quote.flat)))
            start = flat.find(quote.flat, start + 1)
    found = []
    for sentence, span in zip(kept, _kept_spans(kept, flat), strict=True):
        if span is None:
            found.append(_criteria_containing(sentence, quotes))
            continue
        ids = [quote.criterion for quote, start, end in where
               if _section_fits(sentence.section, quote.kind)
               and any(c.isalnum() for c in flat[max(start, span[0]):min(end, span[1])])]
        found.append(tuple(dict.fromkeys(ids)))
    return found


# A sentence shorter than this ("Or", "etc") is found in too many criteria to name them.
_QUOTED_FROM_WORDS = 3


def _criteria_containing(sentence: Sentence, quotes: list[_Quote]) -> tuple[str, ...]:
    """The criteria whose text contains the sentence (of a few words at least), or is
    contained in it."""
    flat = sentence.flat
    long_enough = len(sentence.words) >= _QUOTED_FROM_WORDS
    return tuple(dict.fromkeys(
        q.criterion for q in quotes
        if q.flat and _section_fits(sentence.section, q.kind)
        and ((long_enough and flat in q.flat) or q.flat in flat)))


@dataclass(frozen=True)
class SentenceComparison:
    changes: tuple[SentenceChange, ...]
    unchanged: int
    lost_symbol_matches: int


def _unchanged(kept: list[int], record: list[int], kept_sentences: Sequence[Sentence],
               record_sentences: Sequence[Sentence]) -> tuple[set[int], set[int], int]:
    """The kept and record sentences of one section found on both sides (in any order):
    exact matches first, then matches that read a kept "=" or "?" as a lost symbol."""
    matched_kept: set[int] = set()
    matched_record: set[int] = set()
    lost = 0
    for exact in (True, False):
        by_key: dict[tuple[str, ...], list[int]] = defaultdict(list)
        for j in record:
            if j not in matched_record:
                sentence = record_sentences[j]
                by_key[sentence.tokens if exact else sentence.key].append(j)
        for i in kept:
            if i in matched_kept:
                continue
            sentence = kept_sentences[i]
            candidates = by_key.get(sentence.tokens if exact else sentence.key, [])
            for j in candidates:
                if j not in matched_record and (exact or same_wording(sentence,
                                                                      record_sentences[j])):
                    matched_kept.add(i)
                    matched_record.add(j)
                    lost += not exact
                    break
    return matched_kept, matched_record, lost


def compare_sentences(kept: Sequence[Sentence], record: Sequence[Sentence], baseline: str,
                      trial: LoadedTrial, reworded_at: float = REWORDED_AT
                      ) -> SentenceComparison:
    quotes = _quotes(trial)
    kept_criteria = _criteria_quoting_kept(kept, baseline, quotes)
    changes: list[SentenceChange] = []
    unchanged = lost = 0
    sections = list(dict.fromkeys([NO_SECTION, INCLUSION, EXCLUSION,
                                   *(s.section for s in kept), *(s.section for s in record)]))
    for section in sections:
        kept_here = [i for i, s in enumerate(kept) if s.section == section]
        record_here = [j for j, s in enumerate(record) if s.section == section]
        matched_kept, matched_record, lost_here = _unchanged(kept_here, record_here, kept,
                                                             record)
        unchanged += len(matched_kept)
        lost += lost_here
        removed = [i for i in kept_here if i not in matched_kept]
        added = [j for j in record_here if j not in matched_record]
        pairs: list[tuple[float, int, int]] = []
        for i in removed:
            for j in added:
                if quick_similarity_bound(kept[i], record[j]) < reworded_at:
                    continue
                alike = similarity(kept[i], record[j])
                if alike >= reworded_at:
                    pairs.append((alike, i, j))
        pairs.sort(key=lambda pair: (-pair[0], pair[1], pair[2]))
        paired_kept: set[int] = set()
        paired_record: set[int] = set()
        reworded: list[tuple[int, SentenceChange]] = []
        for _, i, j in pairs:
            if i in paired_kept or j in paired_record:
                continue
            paired_kept.add(i)
            paired_record.add(j)
            ids = dict.fromkeys([*kept_criteria[i], *_criteria_containing(record[j], quotes)])
            reworded.append((i, SentenceChange("reworded", section, kept[i].text,
                                               record[j].text, tuple(ids),
                                               word_diff(kept[i], record[j]))))
        in_order = sorted([*reworded, *((i, SentenceChange(
            "removed", section, kept[i].text, None, kept_criteria[i]))
            for i in removed if i not in paired_kept)], key=lambda item: item[0])
        changes += [change for _, change in in_order]
        changes += [SentenceChange("added", section, None, record[j].text,
                                   _criteria_containing(record[j], quotes))
                    for j in added if j not in paired_record]
    return SentenceComparison(tuple(changes), unchanged, lost)


def compare(trial: LoadedTrial, baseline: str, baseline_file: str,
            record: RegistryRecord) -> Drift:
    """The trial file and its kept registry text against a record of the same trial."""
    kept = split_sentences(baseline)
    recorded = split_sentences(record.eligibility_criteria)
    notes: list[str] = []
    sections = has_sections(kept) and has_sections(recorded)
    if not sections and (has_sections(kept) or has_sections(recorded)):
        which = "the record" if has_sections(kept) else "the kept text"
        notes.append(f"{which.capitalize()} has no \"Inclusion Criteria:\" or \"Exclusion "
                     "Criteria:\" heading, so sentences are compared without their sections.")
        kept, recorded = without_sections(kept), without_sections(recorded)
    date_field, date_note = _record_date(trial, record)
    if date_note:
        notes.append(date_note)
    fields = (date_field, _status(trial, record), *_ages(trial, record), _sex(trial, record),
              _conditions(trial, record))
    compared = compare_sentences(kept, recorded, baseline, trial)
    if compared.lost_symbol_matches:
        count = compared.lost_symbol_matches
        notes.append(f"{count} sentence{' is' if count == 1 else 's are'} unchanged only by "
                     "reading a \"=\" or \"?\" of the kept text as a symbol the scrape lost (≥, ≤,"
                     " γ, ①…); the record has the symbol.")
    return Drift(
        trial_id=trial.id, trial_file=str(trial.path), baseline_file=baseline_file,
        record_file=record.file, record_date=record.last_update, fields=fields,
        sentences=compared.changes, kept_sentences=len(kept), record_sentences=len(recorded),
        unchanged_sentences=compared.unchanged, lost_symbol_matches=compared.lost_symbol_matches,
        sections_compared=sections, notes=tuple(notes))


def changed_fields(drift: Drift) -> Iterable[FieldComparison]:
    return (f for f in drift.fields if f.changed)
