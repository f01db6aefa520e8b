"""The JDM persistent-weakness rule of NCT07184450 inclusion 2.1.1 (5).

Registry wording: "Repeated or persistent myasthenia (muscle MRI indicates extensive, diffuse
edema or the CMAS should be less than 48 points, and at least two of the following five core
measurement indicators should have abnormal results: PhGA ≥2cm, PtGA ≥2cm, DAS ≥2, C-HAQ ≥0.25,
muscle enzyme > 1.5×ULN)". Instrument ranges: CMAS 0–52 (Lovell 1999), DAS 0–20 (Bode 2003),
C-HAQ 0–3 (Singh 1994).

The sentence reads two ways, and the registry does not say which it means:

- reading A: (MRI edema or CMAS < 48) and at least two core measures abnormal;
- reading B: MRI edema, or (CMAS < 48 and at least two core measures abnormal).

Reading A is the stricter: whatever meets it meets B. So the rule is met when A holds, not met
when B fails, and for the investigator (review) when only B holds, which happens with MRI edema
and fewer than two core measures abnormal. While an unrecorded value could still change which
of these it is, the result is unknown and names the values that could.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from itertools import product
from typing import Literal

# NCT07184450 2.1.1 (5): the weakness gate and the core measures with their thresholds.
CMAS_BELOW = 48.0
CORE_MEASURES: tuple[tuple[str, str, float, bool], ...] = (
    # (patient key under activity.jdm, label, threshold, strictly greater)
    ("phga_cm", "PhGA", 2.0, False),
    ("ptga_cm", "PtGA", 2.0, False),
    ("das", "DAS", 2.0, False),
    ("chaq", "C-HAQ", 0.25, False),
    ("muscle_enzyme_max_x_uln", "muscle enzyme × ULN", 1.5, True),
)
CORE_MEASURES_NEEDED = 2
SOURCE = "activity.jdm."  # the prefix of the missing keys named

EDEMA = "muscle_mri_diffuse_edema"
CMAS = "cmas"

READING_A = "(MRI diffuse edema or CMAS <48) and ≥2 of 5 core measures abnormal"
READING_B = "MRI diffuse edema alone, or CMAS <48 with ≥2 of 5 core measures abnormal"

CoreSetStatus = Literal["met", "not_met", "review", "unknown"]
#   met       reading A holds (so B does too)
#   not_met   neither reading holds
#   review    only reading B holds: the wording admits both, the investigator decides
#   unknown   an unrecorded value could still change which of these it is (``missing``)


@dataclass(frozen=True)
class CoreSetResult:
    status: CoreSetStatus
    explanation: str
    missing: tuple[str, ...]

    @property
    def holds(self) -> bool | None:
        """True when met, False when not met; None when a human decides or a value is missing."""
        return {"met": True, "not_met": False}.get(self.status)


def _number(value: float | bool | None) -> float | None:
    """A recorded number; a boolean in a numeric slot counts as not recorded."""
    if value is None or isinstance(value, bool):
        return None
    return float(value)


def _abnormal(value: float, threshold: float, strictly_greater: bool) -> bool:
    return value > threshold if strictly_greater else value >= threshold


def _status(facts: Mapping[str, bool]) -> CoreSetStatus:
    """The result for fully known facts: edema, CMAS below 48, and each core measure."""
    core = sum(facts[key] for key, _, _, _ in CORE_MEASURES) >= CORE_MEASURES_NEEDED
    reading_a = (facts[EDEMA] or facts[CMAS]) and core
    reading_b = facts[EDEMA] or (facts[CMAS] and core)
    return "met" if reading_a else "review" if reading_b else "not_met"


def persistent_weakness(values: Mapping[str, float | bool | None]) -> CoreSetResult:
    """Evaluate the rule, under both readings, from the activity.jdm values (None = not
    recorded)."""
    edema = values.get(EDEMA)
    cmas = _number(values.get(CMAS))
    facts: dict[str, bool | None] = {
        CMAS: None if cmas is None else cmas < CMAS_BELOW,
        EDEMA: edema if isinstance(edema, bool) else None,
    }
    abnormal: list[str] = []
    for key, label, threshold, strictly_greater in CORE_MEASURES:
        value = _number(values.get(key))
        facts[key] = None if value is None else _abnormal(value, threshold, strictly_greater)
        if facts[key]:
            abnormal.append(f"{label} {value:g}")

    # Every way the unrecorded values could turn out; the rule is decided when all agree.
    known = {key: fact for key, fact in facts.items() if fact is not None}
    unknown = [key for key, fact in facts.items() if fact is None]
    outcomes = {
        combination: _status({**known, **dict(zip(unknown, combination, strict=True))})
        for combination in product((False, True), repeat=len(unknown))
    }
    possible = set(outcomes.values())
    status: CoreSetStatus = possible.pop() if len(possible) == 1 else "unknown"
    missing = () if status != "unknown" else tuple(
        SOURCE + key for index, key in enumerate(unknown)
        if any(outcomes[c] != outcomes[(*c[:index], not c[index], *c[index + 1:])]
               for c in outcomes)
    )

    weak_text = ", ".join((
        "MRI diffuse edema" if edema is True else "MRI without diffuse edema" if edema is False
        else "muscle MRI not recorded",
        "CMAS not recorded" if cmas is None else f"CMAS {cmas:g}",
    ))
    core_text = f"{len(abnormal)} of 5 core measures abnormal" + (
        f" ({', '.join(abnormal)})" if abnormal else ""
    )
    explanation = f"{weak_text}; {core_text}"
    if status == "review":
        explanation += (f"; the registry wording reads two ways: {READING_A} (not met), or "
                        f"{READING_B} (met); the investigator decides")
    return CoreSetResult(status, explanation, missing)
