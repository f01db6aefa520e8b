"""Delete one leaf: missing data never makes, or keeps, a trial result eligible (evidence must be
current, and unknown means unknown at every depth).

For every patient in P (every sample patient file, plus patients derived from them by
:mod:`patient_generator`), screened against every trial, and for every leaf of the patient's
TOML data at any depth (a scalar, a list entry's field such as ``treatments[3].end``, an empty
table or list, a whole list of scalars; not ``format``, ``id`` or ``expected_verdicts``), the
leaf is deleted and the data re-validated exactly as the loader does. A deletion the loader
would refuse is fine: the file is never screened. Otherwise the patient is screened again and:

P1. A trial result that was not eligible does not become eligible.

P2. A trial result that was eligible does not stay eligible when a criterion's finding read the
    leaf (a key in its ``read`` is the leaf's path, a table or list the leaf lies in, or an
    element of a list-of-scalars leaf), unless one of these exceptions explains it:

    (a) another fact decided it: after the deletion the criterion read a key, present in the
        file with a non-empty value, that it did not read before (a date falling back to a
        general date), or read the leaf's documented fallback (:data:`FALLBACKS`: a course's
        own weight replaced by ``weight_kg``, which another course may have read already);
    (b) the leaf is one of the :data:`ALTERNATIVES` of the criterion's check; deleting every
        alternative the file gives at once leaves the criterion undecided (unknown or not met;
        or review where it was met or not applicable: the program no longer decides it), so it
        really rested on them; and, for a leaf inside a list entry (a course), the criterion
        reaches the same outcome without that whole entry, so another course decides
        (:data:`DEPENDENTS` names the entries a leaf outside them is read for);
    (c) the check reads the leaf only for its evidence text (:data:`DESCRIPTIVE`), and the
        criterion's outcome is unchanged.

Every failure of one patient is collected into one assertion message naming the patient, the
trial, the leaf, the criterion, its check, its outcome before and after, why no exception
applied, and its evidence. Run with ``-s`` to print the number of cases.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from cartscreen.checks.base import Outcome
from cartscreen.drugs import CLASSES, canonical_drug
from cartscreen.engine import screen_patient, screening_date_for
from cartscreen.patient import Patient
from cartscreen.patient.plausibility import facts_against_screening_date, implausible_facts
from cartscreen.result import CriterionResult, PatientResult, TrialResult
from cartscreen.trial import LoadedTrial, load_trials, trial_dirs
from patient_generator import (
    MISSING,
    Generated,
    general_path,
    generate,
    leaves,
    parse_path,
    path_text,
    pattern,
    value_at,
    without,
    without_all,
)

Leaf = tuple[str | int, ...]

SAMPLES = Path(__file__).resolve().parents[1] / "sample_patients"

# Every sample states its screening date. A file whose screening_date is deleted (or a generated
# file without one) is screened on this fixed "today", months after the samples' dates, as the
# command would screen it on a later day: results that old must not pass.
TODAY = date(2027, 6, 1)

SEED = 20261102
GENERATED_COUNT = 250

# Floors for the guard test, a little below today's numbers, so the parametrisation cannot
# silently shrink (a sample refused, a generator that stops producing eligible patients).
MIN_ELIGIBLE_PAIRS = 100
MIN_ELIGIBLE_PAIRS_PER_TRIAL = 10
MIN_CASES = 130_000
MIN_ELIGIBLE_CASES = 20_000

GLUCOCORTICOIDS = frozenset(CLASSES["glucocorticoid"])

_SCORES = ("sledai_2k", "mrss", "essdai", "clinessdai", "active_joint_count")

ALTERNATIVES: dict[str, tuple[str, ...]] = {
    # "any one of these features": one feature present decides; the JDM persistent-weakness
    # rule (NCT06569472) is one of them, itself "2 of 5 core measures", dated by the activity
    # assessment.
    "disease_features_any": ("diagnosis.features.*", "activity.jdm.*", "activity.assessed_on"),
    # "at least 4 of the 6 items", one item being any myositis antibody: four others decide.
    "myositis_feature_count": ("diagnosis.myositis_features.*", "antibodies.*"),
    # "ANA or a disease-specific antibody positive": any one positive antibody decides.
    "antibody_positive": ("antibodies.*",),
    # Any one named instrument met decides; its stated result and its components are two forms
    # of one fact (components whose points already reach the threshold decide: README,
    # "Components instead of totals"); the disease is read only to fail another disease.
    "classification": ("diagnosis.classification.*", "diagnosis.components.**",
                       "diagnosis.disease"),
    # The same for the ILAR 2001 category: items the recorded ones already outweigh (the total
    # joint count once 5 joints in the first 6 months make it polyarticular; sex once HLA-B27
    # is negative) cannot change the category.
    "ilar_2001": ("diagnosis.classification.ilar_2001", "diagnosis.components.ilar_2001.**",
                  "diagnosis.disease"),
    # Any one listed score reaching the minimum decides, stated or from components whose
    # points already reach it.
    "activity_score": (*(f"activity.{s}" for s in _SCORES), "activity.components.**"),
    # A stated eGFR and the creatinine it is computed from are two forms of one quantity (a
    # disagreement between them is the check's to raise: README, "Contradictions between results").
    "egfr_at_least": ("organ_function.egfr_ml_min_1_73m2", "organ_function.creatinine.*"),
    # Male, or not of childbearing potential: either alone means pregnancy cannot concern the
    # patient.
    "pregnancy_test_negative": ("sex", "pregnancy.childbearing_potential"),
    "investigator_review": ("sex", "pregnancy.childbearing_potential"),
    # Another qualifying course can decide: accepted only when the criterion reaches the same
    # outcome without the leaf's whole course, or without every course that reads the general
    # weight (DEPENDENTS).
    "treatment_history": ("treatments[*].**", "weight_kg"),
}
"""Per check, leaf-path patterns (see :func:`patient_generator.pattern`) any one of which can
decide it."""

DESCRIPTIVE: dict[tuple[str, str], str] = {
    ("pregnancy_test_negative", "pregnancy.test_type"):
        "the trials' notes accept a negative test of either kind, urine or blood",
    # NCT06569472 I6.4 "lung function is basically normal, SpO2 ≥92%": SpO2 decides; recorded
    # lesions or pulmonary function below normal can only send it to review (the other
    # reading), so a normal one left out cannot pass the criterion.
    **{("lung_function_basically_normal", key):
       "read only for findings against basically normal lung function (review), never to pass"
       for key in ("organ_function.serious_lung_lesions", "organ_function.chest_imaging_on",
                   "organ_function.fvc_percent_predicted",
                   "organ_function.dlco_percent_predicted",
                   "organ_function.lung_function_on")},
}
"""(check, leaf pattern) a check reads only for its evidence text, with why it cannot change
the outcome."""

FALLBACKS: dict[str, str] = {
    # Treatment.weight_kg: "weight during this course, for mg/day doses; else weight_kg".
    "treatments[*].weight_kg": "weight_kg",
}
"""Leaf pattern -> the key the patient format documents as its fallback: reading it after the
deletion is exception (a) even when another part of the criterion read it before."""


def _general_weight_courses(data: dict[str, Any]) -> list[Leaf]:
    """The glucocorticoid courses dosed in mg/day without a weight of their own: the ones the
    general weight_kg is read for."""
    courses = data.get("treatments") or []
    return [("treatments", index) for index, course in enumerate(courses)
            if canonical_drug(course["drug"]) in GLUCOCORTICOIDS
            and course.get("dose_unit") == "mg/day" and "weight_kg" not in course]


DEPENDENTS: dict[tuple[str, str], Callable[[dict[str, Any]], list[Leaf]]] = {
    # The general weight converts only these courses' doses; if the criterion reaches the same
    # outcome without them, other courses decide it.
    ("treatment_history", "weight_kg"): _general_weight_courses,
}
"""(check, leaf pattern) -> the list entries a leaf outside them is read for: for exception (b)
the criterion must reach the same outcome without them."""


# --- loading and screening as the command does -------------------------------------------------

def load_like_the_loader(data: dict[str, Any]) -> Patient | None:
    """The patient, or None when the loader would refuse the file: the model's validation, the
    plausibility rules, and the rules that need the screening date in effect."""
    try:
        patient = Patient.model_validate(data)
    except ValidationError:
        return None
    if next(iter(implausible_facts(patient)), None) is not None:
        return None
    screening, source = screening_date_for(patient, None, TODAY)
    if next(iter(facts_against_screening_date(patient, screening, source)), None) is not None:
        return None
    return patient


TRIALS: dict[str, LoadedTrial] = load_trials(trial_dirs()).trials


def screen(patient: Patient, trials: Iterable[LoadedTrial] | None = None) -> PatientResult:
    chosen = list(TRIALS.values()) if trials is None else list(trials)
    return screen_patient(patient, "patient.toml", chosen, as_of=None, today=TODAY)


# --- the patients --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Subject:
    name: str
    origin: str
    data: dict[str, Any]
    result: PatientResult | None
    error: str | None
    leaves: tuple[Leaf, ...]

    def eligible(self) -> list[str]:
        trials = self.result.trials if self.result is not None else ()
        return [t.trial_id for t in trials if t.verdict == "eligible"]


def _subject(name: str, origin: str, data: dict[str, Any]) -> Subject:
    patient = load_like_the_loader(data)
    assert patient is not None, f"{name}: the loader refuses it"
    result, error = _screened(patient)
    return Subject(name, origin, data, result, error, tuple(leaves(data)))


def _screened(patient: Patient) -> tuple[PatientResult | None, str | None]:
    """The result, or the error screening a file the loader accepts raised (a failure of its
    own, reported by the property test rather than breaking its collection)."""
    try:
        return screen(patient), None
    except Exception as exc:
        return None, f"screening raised {type(exc).__name__}: {exc}"


def _samples() -> list[Subject]:
    found = []
    for file in sorted(SAMPLES.glob("*.toml")):
        data = tomllib.loads(file.read_text(encoding="utf-8"))
        found.append(_subject(file.stem, "sample file", data))
    return found


def _generated(samples: list[Subject]) -> list[Generated]:
    # Samples eligible for some trial are drawn five times as often as the others, which still
    # contribute their near misses (an age, an LVEF, a serology just across a limit).
    bases = [(s.name, s.data, 5 if s.eligible() else 1) for s in samples]
    return generate(bases, GENERATED_COUNT, seed=SEED,
                    accept=lambda data: load_like_the_loader(data) is not None)


SAMPLE_SUBJECTS = _samples()
GENERATED = _generated(SAMPLE_SUBJECTS)
SUBJECTS = SAMPLE_SUBJECTS + [
    _subject(g.name, f"from {g.base}: " + "; ".join(g.changes), g.data) for g in GENERATED
]
ELIGIBLE_PAIRS = [(s.name, t) for s in SUBJECTS for t in s.eligible()]
CASES = sum(len(s.leaves) for s in SUBJECTS) * len(TRIALS)
"""(patient, trial, leaf) cases: every deletion is judged against every trial."""
ELIGIBLE_CASES = sum(len(s.leaves) * len(s.eligible()) for s in SUBJECTS)
"""(patient, trial, leaf) cases whose trial result is eligible before the deletion (P2)."""


# --- the judgement ---------------------------------------------------------------------------

def reads_leaf(key: str, leaf: str) -> bool:
    """Whether reading ``key`` read the leaf: the leaf itself, a table or list it lies in, or
    (for a list-of-scalars leaf) one of its elements."""
    return key == leaf or leaf.startswith((key + ".", key + "[")) or key.startswith(leaf + "[")


def _matches(patterns: Iterable[str], leaf: str) -> bool:
    return any(pattern(p).match(leaf) for p in patterns)


def is_alternative(check: str, leaf: str) -> bool:
    return _matches(ALTERNATIVES.get(check, ()), leaf)


def is_descriptive(check: str, leaf: str) -> bool:
    return any(c == check and pattern(p).match(leaf) for c, p in DESCRIPTIVE)


def _present(data: dict[str, Any], key: str) -> bool:
    value = value_at(data, parse_path(key))
    return value is not MISSING and value is not None and value != [] and value != {}


def _entries_for(check: str, leaf: Leaf, data: dict[str, Any]) -> list[Leaf]:
    """The list entries the leaf belongs to for exception (b): the innermost entry it lies in
    (a course, an infection), or those DEPENDENTS names; none for any other leaf."""
    indexes = [i for i, step in enumerate(leaf) if isinstance(step, int)]
    if indexes:
        return [leaf[: indexes[-1] + 1]]
    text = path_text(leaf)
    return [entry for (c, p), find in DEPENDENTS.items()
            if c == check and pattern(p).match(text) for entry in find(data)]


def without_entries(data: dict[str, Any], entries: list[Leaf]) -> dict[str, Any]:
    for entry in sorted(entries, reverse=True):  # later indexes first
        data = without(data, entry)
    return data


def _criterion(result: TrialResult, criterion_id: str) -> CriterionResult:
    return next(c for c in result.criteria if c.id == criterion_id)


def _outcome_without(data: dict[str, Any], trial: LoadedTrial, criterion_id: str
                     ) -> Outcome | None:
    """The criterion's outcome with ``data``; None when the loader would refuse it."""
    patient = load_like_the_loader(data)
    if patient is None:
        return None
    return _criterion(screen(patient, [trial]).trials[0], criterion_id).outcome


def rested_on_alternatives(check: str, criterion_id: str, data: dict[str, Any],
                           trial: LoadedTrial,
                           alternatives: dict[str, tuple[str, ...]] | None = None
                           ) -> tuple[bool, str]:
    """Whether deleting every alternative of the check that the file gives, at once, leaves
    the criterion undecided; with a description for the failure message."""
    table = ALTERNATIVES if alternatives is None else alternatives
    present = [leaf for leaf in leaves(data) if _matches(table.get(check, ()), path_text(leaf))]
    before = _outcome_without(data, trial, criterion_id)
    outcome = _outcome_without(without_all(data, present), trial, criterion_id)
    if outcome is None:
        return False, f"the file without its {len(present)} alternatives is refused"
    undecided = outcome in (Outcome.UNKNOWN, Outcome.NOT_MET) or (
        # A person decides it now, where the program did (an investigator_review criterion
        # that concerned no one, a treatment history whose other paths go to review).
        outcome == Outcome.REVIEW and before != Outcome.REVIEW)
    return undecided, f"{outcome} without its {len(present)} alternatives"


class Judge:
    """Judges every deletion for one patient, remembering what it computed once."""

    def __init__(self, subject: Subject) -> None:
        self.subject = subject
        self.rested: dict[tuple[str, str], tuple[bool, str]] = {}

    def failures(self) -> list[str]:
        if self.subject.result is None:
            return [f"the file as it is: {self.subject.error}"]
        found: list[str] = []
        for leaf in self.subject.leaves:
            data = without(self.subject.data, leaf)
            patient = load_like_the_loader(data)
            if patient is None:
                continue  # refused: never screened
            after, error = _screened(patient)
            if after is None:
                found.append(f"{path_text(leaf)} | {error}")
                continue
            for old, new in zip(self.subject.result.trials, after.trials, strict=True):
                found.extend(f"{old.trial_id} | {path_text(leaf)} | {problem}"
                             for problem in self.judge(leaf, data, old, new))
        return found

    def judge(self, leaf: Leaf, data: dict[str, Any], before: TrialResult,
              after: TrialResult) -> list[str]:
        if before.verdict != "eligible":
            if after.verdict != "eligible":
                return []
            changed = [f"{c.id} [{c.check}] {c.outcome} -> {n.outcome}: {n.evidence}"
                       for c, n in zip(before.criteria, after.criteria, strict=True)
                       if c.outcome != n.outcome]
            return [f"P1 {before.verdict} -> eligible; " + "; ".join(changed)]
        if after.verdict != "eligible":
            return []
        problems = []
        text = path_text(leaf)
        for old, new in zip(before.criteria, after.criteria, strict=True):
            keys = [k for k in old.read if reads_leaf(k, text)]
            if not keys:
                continue
            why = self.unexplained(leaf, data, before, old, new)
            if why is not None:
                problems.append(f"P2 {old.id} [{old.check}] {old.outcome} -> {new.outcome}; "
                                f"read as {', '.join(keys)}; {why}; evidence: {new.evidence}")
        return problems

    def unexplained(self, leaf: Leaf, data: dict[str, Any], before: TrialResult,
                    old: CriterionResult, new: CriterionResult) -> str | None:
        """None when an exception explains the criterion still passing, else why none does."""
        text = path_text(leaf)
        if new.outcome == old.outcome and is_descriptive(old.check, text):
            return None  # (c)
        if any(k not in old.read and _present(data, k) for k in new.read):
            return None  # (a)
        fallbacks = [key for p, key in FALLBACKS.items() if pattern(p).match(text)]
        if any(key in new.read and _present(data, key) for key in fallbacks):
            return None  # (a), a documented fallback
        if not is_alternative(old.check, text):
            return "no other fact read; not an alternative of the check"
        trial = TRIALS[before.trial_id]
        entries = _entries_for(old.check, leaf, data)
        if entries:
            outcome = _outcome_without(without_entries(data, entries), trial, old.id)
            if outcome != new.outcome:
                named = ", ".join(path_text(e) for e in entries)
                return (f"an alternative, but {named} decided it (without: "
                        f"{outcome or 'refused'})")
        rested_key = (before.trial_id, old.id)
        if rested_key not in self.rested:
            self.rested[rested_key] = rested_on_alternatives(old.check, old.id,
                                                             self.subject.data, trial)
        rested, outcome_text = self.rested[rested_key]
        if not rested:
            return f"an alternative, but the criterion did not rest on them ({outcome_text})"
        return None  # (b)


# --- the tests -----------------------------------------------------------------------------------

def test_the_property_covers_every_trial_and_enough_cases() -> None:
    # Guards against the parametrisation silently shrinking: a sample the loader refuses, a
    # generator that falls short, a trial no patient is eligible for.
    print(f"\ndelete one leaf: {len(SUBJECTS)} patients ({len(SAMPLE_SUBJECTS)} samples, "
          f"{len(GENERATED)} generated), {len(TRIALS)} trials, "
          f"{sum(len(s.leaves) for s in SUBJECTS)} leaves, {CASES} (patient, trial, leaf) "
          f"cases; {len(ELIGIBLE_PAIRS)} eligible (patient, trial) pairs, {ELIGIBLE_CASES} "
          "cases on them")
    assert len(SAMPLE_SUBJECTS) == len(list(SAMPLES.glob("*.toml")))
    assert len(GENERATED) == GENERATED_COUNT
    per_trial = {trial_id: sum(1 for _, t in ELIGIBLE_PAIRS if t == trial_id)
                 for trial_id in TRIALS}
    assert min(per_trial.values()) >= MIN_ELIGIBLE_PAIRS_PER_TRIAL, per_trial
    assert len(ELIGIBLE_PAIRS) >= MIN_ELIGIBLE_PAIRS
    assert CASES >= MIN_CASES
    assert ELIGIBLE_CASES >= MIN_ELIGIBLE_CASES


def test_the_leaves_reach_every_depth() -> None:
    # List entries' fields, nested tables, empty lists and whole lists of scalars are leaves;
    # the file's format, id and expected verdicts are not.
    found = {general_path(leaf) for s in SAMPLE_SUBJECTS for leaf in s.leaves}
    assert {"treatments[*].end", "events.infections[*].onset", "organ_function.ast.uln",
            "history.cardiac.myocardial_infarctions", "events.transplants",
            "diagnosis.features.organ_involvement"} <= found
    assert not {"format", "id"} & found
    assert not any(f.startswith("expected_verdicts") for f in found)


@pytest.mark.parametrize("subject", SUBJECTS, ids=lambda s: s.name)
def test_deleting_one_leaf_never_makes_or_keeps_a_result_eligible(subject: Subject) -> None:
    failures = Judge(subject).failures()
    assert not failures, (
        f"{subject.name} ({subject.origin}): {len(failures)} problem(s): a result made or "
        "kept eligible on missing data, or a screening error:\n  " + "\n  ".join(failures)
    )


def _first_met(check: str) -> tuple[Subject, str, CriterionResult]:
    """The first sample eligible for a trial whose criterion with this check is met."""
    for subject in SAMPLE_SUBJECTS:
        for result in subject.result.trials if subject.result is not None else ():
            if result.verdict != "eligible":
                continue
            for criterion in result.criteria:
                if criterion.check == check and criterion.outcome == Outcome.MET:
                    return subject, result.trial_id, criterion
    raise AssertionError(f"no sample is eligible with a met {check} criterion")


def _needed_course(subject: Subject, result: TrialResult) -> Leaf:
    """A course without which the trial's met treatment_history criterion no longer passes."""
    treatment = next(c for c in result.criteria
                     if c.check == "treatment_history" and c.outcome == Outcome.MET)
    for index in range(len(subject.data.get("treatments", []))):
        course = ("treatments", index)
        outcome = _outcome_without(without(subject.data, course), TRIALS[result.trial_id],
                                   treatment.id)
        if outcome in (Outcome.UNKNOWN, Outcome.NOT_MET):
            return course
    raise AssertionError(f"{subject.name}: no single course is needed for {result.trial_id}")


def test_the_exceptions_are_not_an_escape_hatch() -> None:
    subject, trial_id, classification = _first_met("classification")
    trial = TRIALS[trial_id]
    assert subject.result is not None
    before = next(t for t in subject.result.trials if t.trial_id == trial_id)

    # (b) The classification rests on its alternatives: without every one of them (stated
    # results, components, disease) it is undecided and the verdict is not eligible.
    assert rested_on_alternatives("classification", classification.id, subject.data, trial)[0]
    # ... while a table naming facts the criterion does not rest on excuses nothing.
    assert not rested_on_alternatives("classification", classification.id, subject.data, trial,
                                      {"classification": ("height_cm", "weight_kg")})[0]

    # A check that ignored a deletion (the same findings after it) is caught for every leaf a
    # criterion read, unless the leaf is an alternative or descriptive: reading the same keys,
    # it read no other fact (a), and none of its leaves is excused by (b) without resting.
    judge = Judge(subject)
    flagged = 0
    for leaf in subject.leaves:
        text = path_text(leaf)
        readers = [c for c in before.criteria if any(reads_leaf(k, text) for k in c.read)]
        if not readers or any(is_alternative(c.check, text) or is_descriptive(c.check, text)
                              for c in readers):
            continue
        problems = judge.judge(leaf, without(subject.data, leaf), before, before)
        assert len(problems) == len(readers), (text, problems)
        flagged += 1
    assert flagged >= 20

    # (b) for a course: a course field is excused only when other courses decide. For a course
    # the treatment history needs, a check that ignored the field's deletion is caught.
    needed = _needed_course(subject, before)
    leaf = next(leaf for leaf in subject.leaves if leaf[:2] == needed)
    problems = judge.judge(leaf, without(subject.data, leaf), before, before)
    assert any("[treatment_history]" in p and "decided it" in p for p in problems), problems

    # (a) counts only a fact the file gives, with a value: not a key that is absent or empty.
    assert not _present(subject.data, "no_such_table.no_such_key")
    assert not _present({"treatments": []}, "treatments")
    assert _present(subject.data, "diagnosis.disease")
