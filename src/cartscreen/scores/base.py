"""What every calculator returns: the value and its derivation.

A calculator is a pure function of a components model (a table of the patient file) to a
:class:`Derivation`. Components are tri-state: present (True or a value), absent (False), or
not recorded (None). A calculator never guesses an unrecorded item: it reports the lowest and
highest totals the unrecorded items still allow, and names them, so a threshold can be judged
"reached already", "cannot be reached", or "depends on the missing items".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict

ItemStatus = Literal["counted", "superseded", "absent", "unknown", "excluded"]
#   counted     present, and its points are in the total
#   superseded  present, but a higher item of the same domain counts instead
#   absent      recorded absent (or below its threshold)
#   unknown     not recorded: it could still add points (see Derivation.maximum)
#   excluded    present but not counted (outside the window, explained by another cause)


class Components(BaseModel):
    """Base for components models: strict, no unknown keys, immutable."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


@dataclass(frozen=True)
class Item:
    key: str
    label: str
    points: float
    status: ItemStatus
    domain: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Derivation:
    """A computed score or classification, with the arithmetic that produced it.

    ``total`` counts only items recorded present; ``maximum`` adds every unrecorded item that
    could still count. For a classification, ``classified`` is True or False once the recorded
    items decide it, and None while unrecorded items could change it; ``category`` names the
    result (e.g. "definite DM") and ``excluded_by`` names an exclusion that applies. An
    instrument with named categories (Bohan and Peter, ILAR) lists in ``possible`` every
    category the recorded items still allow, in the instrument's order: one, the ``category``,
    once decided; several while unrecorded items could change it. Instruments without named
    categories leave it empty.
    """

    instrument: str
    citation: str
    total: float
    maximum: float
    items: tuple[Item, ...] = ()
    missing: tuple[str, ...] = ()
    classified: bool | None = None
    category: str | None = None
    excluded_by: str | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)
    possible: tuple[str, ...] = ()

    @property
    def decided(self) -> bool:
        return self.total == self.maximum

    def arithmetic(self) -> str:
        """The counted items with their points: "arthritis 4 + rash 2 + low complement 2 = 8"."""
        counted = [i for i in self.items if i.status == "counted"]
        if not counted:
            return f"no item counted = {fmt_number(self.total)}"
        terms = " + ".join(f"{i.label} {fmt_number(i.points)}" for i in counted)
        return f"{terms} = {fmt_number(self.total)}"

    def reaches(self, threshold: float) -> bool | None:
        """Whether the score is ≥ threshold: True/False once decided, else None."""
        if self.total >= threshold:
            return True
        if self.maximum < threshold:
            return False
        return None


def fmt_number(number: float) -> str:
    """A number as a clinician writes it: no trailing .0, at most two decimals."""
    text = f"{number:.2f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"
