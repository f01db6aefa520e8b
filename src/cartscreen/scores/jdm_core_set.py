"""The JDM persistent-weakness rule of NCT07184450 inclusion 2.1.1 (5).

Registry wording: muscle MRI indicates extensive, diffuse edema or the CMAS is less than 48
points, and at least two of the five core measures are abnormal: PhGA ≥2 cm, PtGA ≥2 cm,
DAS ≥2 points, C-HAQ ≥0.25 points, muscle enzyme > 1.5 × ULN. Instrument ranges from
clinical-instruments.md §9 (Lovell 1999 CMAS 0–52; Bode 2003 DAS 0–20; Singh 1994 C-HAQ 0–3).
"""

from __future__ import annotations

from dataclasses import dataclass

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


@dataclass(frozen=True)
class CoreSetResult:
    holds: bool | None
    explanation: str
    missing: tuple[str, ...]


def persistent_weakness(values: dict[str, float | bool | None]) -> CoreSetResult:
    """Evaluate the rule from the activity.jdm values (None = not recorded)."""
    missing: list[str] = []
    cmas = values.get("cmas")
    edema = values.get("muscle_mri_diffuse_edema")
    weakness: bool | None
    if edema is True or (isinstance(cmas, float | int) and cmas < CMAS_BELOW):
        weakness = True
    elif edema is False and cmas is not None:
        weakness = False
    else:
        weakness = None
        if cmas is None:
            missing.append("activity.jdm.cmas")
        if edema is None:
            missing.append("activity.jdm.muscle_mri_diffuse_edema")
    weak_text = (
        "MRI diffuse edema" if edema is True
        else f"CMAS {cmas:g}" if isinstance(cmas, float | int) else "CMAS not recorded"
    )
    abnormal: list[str] = []
    unknown: list[str] = []
    for key, label, threshold, strict in CORE_MEASURES:
        value = values.get(key)
        if value is None or isinstance(value, bool):
            unknown.append(f"activity.jdm.{key}")
        elif value > threshold or (not strict and value == threshold):
            abnormal.append(f"{label} {value:g}")
    core_text = f"{len(abnormal)} of 5 core measures abnormal" + (
        f" ({', '.join(abnormal)})" if abnormal else ""
    )
    core: bool | None
    if len(abnormal) >= CORE_MEASURES_NEEDED:
        core = True
    elif len(abnormal) + len(unknown) < CORE_MEASURES_NEEDED:
        core = False
    else:
        core = None
        missing.extend(unknown)
    if weakness is False or core is False:
        holds: bool | None = False
    elif weakness and core:
        holds = True
    else:
        holds = None
    return CoreSetResult(holds, f"{weak_text}; {core_text}", tuple(missing))
