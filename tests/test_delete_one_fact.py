"""Delete one fact: missing data never leaves a trial's verdict eligible (issue 5, item 5).

For every sample patient, every trial it is eligible for, and every fact that trial's criteria
read (the ``read`` keys of its criterion results) that the file gives, the fact is deleted from
the TOML data, the file re-validated and re-screened: the verdict must be incomplete or
ineligible.

A fact the file gives twice on purpose is one fact, and its forms are deleted together:
``birth_date`` and ``age_years``; a stated score or classification and its components
(``activity.sledai_2k`` and ``activity.components.sledai_2k``; ``diagnosis.classification.X``
and ``diagnosis.components.X``); an eGFR and the creatinine it is computed from. A liver enzyme
or bilirubin given as ``x_uln`` or as ``value`` + ``uln`` is read as one table
(``organ_function.alt``), so deleting the table deletes whichever form the file used.

Some criteria rest on any one of several independent facts ("any of these features", "4 of 6
items", "ANA or an SSc-specific antibody", "male or not of childbearing potential"). Deleting
one of them may rightly leave the criterion decided by the others: that is three-valued logic,
not missing data passing. Such a deletion is accepted only when the criterion's outcome is
unchanged, every deleted fact is one of the alternatives the check names in
:data:`ALTERNATIVES`, and deleting all of those alternatives at once leaves the criterion
unknown or not met (so it really rested on them).

A check may also read a fact only to describe its evidence; :data:`DESCRIPTIVE` lists each
such fact with the reason it cannot change the outcome, and deleting it must leave the outcome
unchanged.
"""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cartscreen.checks.base import Outcome
from cartscreen.engine import screen_patient
from cartscreen.patient import Patient
from cartscreen.result import CriterionResult, TrialResult
from cartscreen.trial import LoadedTrial, load_trials, trial_dirs

SAMPLES = Path(__file__).resolve().parents[1] / "sample_patients"
TODAY = date(2000, 1, 1)  # every sample states its screening date

_SCORED = ("sledai_2k", "mrss", "essdai")
_CLASSIFIED = ("eular_acr_2019_sle", "acr_eular_2013_ssc", "acr_eular_2016_pss",
               "aecg_2002_pss", "bohan_peter", "ilar_2001")

SAME_FACT: tuple[frozenset[str], ...] = (
    frozenset({"birth_date", "age_years"}),
    frozenset({"organ_function.egfr_ml_min_1_73m2", "organ_function.creatinine"}),
    *(frozenset({f"activity.{s}", f"activity.components.{s}"}) for s in _SCORED),
    *(frozenset({f"diagnosis.classification.{c}", f"diagnosis.components.{c}"})
      for c in _CLASSIFIED),
)
"""Forms of one fact that a file may give together; they are deleted together."""

_CHILDBEARING = ("sex", "pregnancy.childbearing_potential")

ALTERNATIVES: dict[str, tuple[str, ...]] = {
    # check name: key paths (or prefixes ending in ".") any one of which can decide it
    "disease_features_any": ("diagnosis.features.", "activity.jdm."),
    "myositis_feature_count": ("diagnosis.myositis_features.", "antibodies."),
    "antibody_positive": ("antibodies.",),
    # the recorded disease is read only to fail a classification of another disease
    "classification": ("diagnosis.classification.", "diagnosis.components.",
                       "diagnosis.disease"),
    "activity_score": (*(f"activity.{s}" for s in (*_SCORED, "clinessdai", "active_joint_count")),
                       "activity.components."),
    "pregnancy_test_negative": _CHILDBEARING,
    "investigator_review": _CHILDBEARING,
    # a course's own weight_kg, or another qualifying course, can decide the dose
    "treatment_history": ("weight_kg", "treatments"),
}
"""Per check, the facts any one of which can decide it: an exact key path, or a table ("x.")."""

DESCRIPTIVE: dict[tuple[str, str], str] = {
    ("pregnancy_test_negative", "pregnancy.test_type"):
        "the trials' notes accept a negative test of either kind, urine or blood",
}
"""Facts a check reads only for its evidence text, with why they cannot change its outcome."""


def _is_alternative(check: str, key: str) -> bool:
    return any(key == a or (a.endswith(".") and key.startswith(a))
               for a in ALTERNATIVES.get(check, ()))


def _has(data: dict[str, Any], path: str) -> bool:
    node: Any = data
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


def _without(data: dict[str, Any], paths: Iterable[str]) -> dict[str, Any]:
    copied = copy.deepcopy(data)
    for path in paths:
        *tables, key = path.split(".")
        node = copied
        for part in tables:
            node = node[part]
        del node[key]
    return copied


def _fact(path: str, data: dict[str, Any]) -> tuple[str, ...]:
    """The forms of the fact at ``path`` that the file gives, in a stable order."""
    assert "[" not in path, f"read keys are dotted paths; {path!r} is not"
    forms = next((group for group in SAME_FACT if path in group), frozenset({path}))
    return tuple(sorted(f for f in forms if _has(data, f)))


@dataclass(frozen=True)
class Case:
    sample: Path
    trial_id: str
    fact: tuple[str, ...]

    @property
    def id(self) -> str:
        return f"{self.sample.stem}-{self.trial_id}-{'+'.join(self.fact)}"


def _trials() -> dict[str, LoadedTrial]:
    return load_trials(trial_dirs()).trials


def _data(sample: Path) -> dict[str, Any]:
    return tomllib.loads(sample.read_text(encoding="utf-8"))


def _screen(data: dict[str, Any], trial: LoadedTrial) -> TrialResult:
    patient = Patient.model_validate(data)
    return screen_patient(patient, "sample", [trial], as_of=None, today=TODAY).trials[0]


def _cases() -> Iterator[Case]:
    trials = _trials()
    for sample in sorted(SAMPLES.glob("*.toml")):
        data = _data(sample)
        for trial_id, trial in trials.items():
            result = _screen(data, trial)
            if result.verdict != "eligible":
                continue
            facts = {_fact(key, data) for c in result.criteria for key in c.read}
            for fact in sorted(f for f in facts if f):
                yield Case(sample, trial_id, fact)


CASES = list(_cases())


@pytest.fixture(scope="module")
def trials() -> dict[str, LoadedTrial]:
    return _trials()


def test_the_property_covers_every_trial_and_hundreds_of_facts() -> None:
    # Guards against the parametrisation silently shrinking (no eligible sample, no reads).
    assert {case.trial_id for case in CASES} == set(_trials())
    assert len(CASES) > 500


def _rested_on_alternatives(criterion: CriterionResult, data: dict[str, Any],
                            trial: LoadedTrial) -> bool:
    """Whether deleting all the criterion's alternatives leaves it unknown or not met.

    All of them, not only those it read: a check stops reading at the first that decides.
    An investigator_review criterion stays with the investigator (review) once nothing says
    the patient cannot concern it.
    """
    alternatives = [a.removesuffix(".") for a in ALTERNATIVES[criterion.check]]
    result = _screen(_without(data, [a for a in alternatives if _has(data, a)]), trial)
    outcome = next(c.outcome for c in result.criteria if c.id == criterion.id)
    undecided = {Outcome.UNKNOWN, Outcome.NOT_MET}
    if criterion.check == "investigator_review":
        undecided.add(Outcome.REVIEW)
    return outcome in undecided


def _unexplained(before: TrialResult, after: TrialResult, fact: tuple[str, ...],
                 data: dict[str, Any], trial: LoadedTrial) -> list[str]:
    """Criteria that read the deleted fact and still pass without a documented alternative."""
    problems = []
    for old, new in zip(before.criteria, after.criteria, strict=True):
        deleted = [key for key in old.read if _fact(key, data) == fact]
        if not deleted:
            continue
        if new.outcome != old.outcome:
            problems.append(f"{old.id}: {old.outcome} -> {new.outcome}: {new.evidence}")
        elif all((old.check, key) in DESCRIPTIVE for key in deleted):
            continue
        elif not all(_is_alternative(old.check, key) for key in deleted):
            problems.append(f"{old.id} [{old.check}] still {new.outcome} without "
                            f"{', '.join(deleted)}: {new.evidence}")
        elif not _rested_on_alternatives(old, data, trial):
            problems.append(f"{old.id} [{old.check}] passes with all its alternatives deleted")
    return problems


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_deleting_a_fact_an_eligible_verdict_rests_on_leaves_it_not_eligible(
    case: Case, trials: dict[str, LoadedTrial]
) -> None:
    data = _data(case.sample)
    trial = trials[case.trial_id]
    before = _screen(data, trial)
    after = _screen(_without(data, case.fact), trial)  # a left-out fact must validate
    if after.verdict == "eligible":
        assert not _unexplained(before, after, case.fact, data, trial), (
            f"still eligible without {case.fact}: "
            f"{_unexplained(before, after, case.fact, data, trial)}"
        )
    else:
        assert after.verdict in ("incomplete", "ineligible")


def test_alternatives_are_not_an_escape_hatch(trials: dict[str, LoadedTrial]) -> None:
    # The one disjunction every SLE sample shows: stated classification plus disease. Deleting
    # one leaves the classification criterion met; deleting both must not.
    data = _data(SAMPLES / "sle-refractory-eligible.toml")
    trial = trials["NCT06222853"]
    classification = next(c for c in _screen(data, trial).criteria if c.check == "classification")
    assert classification.outcome == Outcome.MET
    assert _rested_on_alternatives(classification, data, trial)
    gone = _screen(_without(data, ["diagnosis.disease",
                                   "diagnosis.classification.eular_acr_2019_sle"]), trial)
    assert gone.verdict == "incomplete"
