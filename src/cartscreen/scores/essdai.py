"""EULAR Sjögren's Syndrome Disease Activity Index (ESSDAI).

Seror R et al., Ann Rheum Dis 2010;69:1103–9 (Table 3: domains, levels and weights), with the
user guide Seror R et al., RMD Open 2015;1:e000022.

ESSDAI = Σ (domain weight × activity level), 0–123. Each of the 12 domains is rated at one level,
the highest whose definition is met, for features due to current active disease only (stable,
long-standing damage scores 0). CNS has no low level (0, 2, 3); constitutional, glandular and
biological stop at 2 (0, 1, 2); the others take 0–3.

Activity states (Seror R et al., Ann Rheum Dis 2016;75:382–9): low < 5, moderate 5–13,
high ≥ 14.

clinESSDAI (the ESSDAI without the biological domain, with re-estimated weights) is not
computed: its weights are not yet confirmed against Seror 2016, so it stays a stated value.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BeforeValidator, Field

from cartscreen.scores.base import Components, Derivation, Item, ItemStatus, fmt_number

INSTRUMENT = "ESSDAI"
CITATION = (
    "Seror R et al. EULAR Sjögren's syndrome disease activity index: development of a "
    "consensus systemic disease activity index for primary Sjögren's syndrome. Ann Rheum Dis "
    "2010;69:1103–9"
)


def _whole_number(value: object) -> object:
    # Strict validation still lets 2.0 and True match the literals 2 and 1.
    if isinstance(value, float | bool):
        raise ValueError("an ESSDAI activity level is a whole number")
    return value


LevelUpTo2 = Annotated[Literal[0, 1, 2], BeforeValidator(_whole_number)]
LevelUpTo3 = Annotated[Literal[0, 1, 2, 3], BeforeValidator(_whole_number)]
CnsLevel = Annotated[Literal[0, 2, 3], BeforeValidator(_whole_number)]

# Seror 2010 Table 3: (domain, label, weight, highest level).
DOMAINS: tuple[tuple[str, str, int, int], ...] = (
    ("constitutional", "constitutional", 3, 2),
    ("lymphadenopathy", "lymphadenopathy", 4, 3),
    ("glandular", "glandular", 2, 2),
    ("articular", "articular", 2, 3),
    ("cutaneous", "cutaneous", 3, 3),
    ("pulmonary", "pulmonary", 5, 3),
    ("renal", "renal", 5, 3),
    ("muscular", "muscular", 6, 3),
    ("peripheral_nervous_system", "peripheral nervous system", 5, 3),
    ("central_nervous_system", "central nervous system", 5, 3),
    ("hematological", "hematological", 2, 3),
    ("biological", "biological", 1, 2),
)
ARITHMETIC_MAXIMUM = sum(weight * top for _, _, weight, top in DOMAINS)  # 123

# Seror 2016 activity states.
MODERATE_ACTIVITY_FROM = 5
HIGH_ACTIVITY_FROM = 14
CATEGORY_LOW = "low activity"
CATEGORY_MODERATE = "moderate activity"
CATEGORY_HIGH = "high activity"


class EssdaiDomains(Components):
    """The activity level of each ESSDAI domain (None = not rated). Rate the highest level whose
    definition is met, for current active disease only; damage scores 0."""

    constitutional: LevelUpTo2 | None = Field(
        default=None,
        description="0–2: fever, night sweats, involuntary weight loss (not infectious fever or "
        "voluntary weight loss)",
    )
    lymphadenopathy: LevelUpTo3 | None = Field(
        default=None,
        description="0–3: lymph nodes, splenomegaly; 3 = current malignant B-cell proliferation",
    )
    glandular: LevelUpTo2 | None = Field(
        default=None,
        description="0–2: parotid, submandibular or lacrimal swelling (not stone or infection)",
    )
    articular: LevelUpTo3 | None = Field(
        default=None, description="0–3: arthralgia with morning stiffness, synovitis of 28 joints"
    )
    cutaneous: LevelUpTo3 | None = Field(
        default=None, description="0–3: erythema multiforme, cutaneous vasculitis, purpura"
    )
    pulmonary: LevelUpTo3 | None = Field(
        default=None, description="0–3: bronchial involvement, interstitial lung disease"
    )
    renal: LevelUpTo3 | None = Field(
        default=None, description="0–3: tubular acidosis, proteinuria, glomerulonephritis"
    )
    muscular: LevelUpTo3 | None = Field(
        default=None, description="0–3: myositis shown by EMG, MRI or biopsy"
    )
    peripheral_nervous_system: LevelUpTo3 | None = Field(
        default=None, description="0–3: peripheral neuropathy, ganglionopathy, CIDP, vasculitis"
    )
    central_nervous_system: CnsLevel | None = Field(
        default=None, description="0, 2 or 3 (no low level): central nervous system involvement"
    )
    hematological: LevelUpTo3 | None = Field(
        default=None, description="0–3: autoimmune cytopenia"
    )
    biological: LevelUpTo2 | None = Field(
        default=None,
        description="0–2: clonal component, low complement, hypergammaglobulinemia, "
        "cryoglobulinemia",
    )


def _activity_state(total: float, maximum: float) -> str | None:
    """The activity state once the recorded and possible totals fall in the same band."""
    if total >= HIGH_ACTIVITY_FROM:
        return CATEGORY_HIGH
    if total >= MODERATE_ACTIVITY_FROM and maximum < HIGH_ACTIVITY_FROM:
        return CATEGORY_MODERATE
    if maximum < MODERATE_ACTIVITY_FROM:
        return CATEGORY_LOW
    return None


def essdai(d: EssdaiDomains) -> Derivation:
    """The ESSDAI from its domain activity levels: Σ weight × level, 0–123.

    An unrated domain is unknown: it adds nothing to the total, weight × its highest level to
    the maximum, and is named in ``missing``. ``category`` gives the activity state (low < 5,
    moderate 5–13, high ≥ 14) once the unrated domains cannot change it.
    """
    items: list[Item] = []
    for key, label, weight, top in DOMAINS:
        level: int | None = getattr(d, key)
        status: ItemStatus
        if level is None:
            status, points = "unknown", weight * top
            note = f"not rated: up to level {top} × weight {weight}"
        else:
            status = "counted" if level > 0 else "absent"
            points = weight * level
            note = f"level {level} × weight {weight}"
        items.append(Item(key=key, label=label, points=points, status=status, note=note))
    total = float(sum(item.points for item in items if item.status == "counted"))
    maximum = total + sum(item.points for item in items if item.status == "unknown")
    missing = tuple(item.key for item in items if item.status == "unknown")
    category = _activity_state(total, maximum)
    notes = () if category is None else (
        f"{category}: ESSDAI {fmt_number(total)}"
        + ("" if total == maximum else f" (up to {fmt_number(maximum)} with unrated domains)"),
    )
    return Derivation(
        instrument=INSTRUMENT, citation=CITATION, total=total, maximum=maximum,
        items=tuple(items), missing=missing, category=category, notes=notes,
    )
