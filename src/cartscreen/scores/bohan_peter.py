"""Bohan and Peter criteria for dermatomyositis and polymyositis.

Bohan A, Peter JB. Polymyositis and dermatomyositis. N Engl J Med 1975;292:344–7 and 403–7:
criteria, levels and exclusions.

Five criteria: (1) symmetric proximal weakness, (2) raised serum skeletal-muscle enzymes,
(3) the EMG triad, (4) a muscle biopsy showing myositis, (5) the typical rash of
dermatomyositis. Dermatomyositis requires the rash: definite with 3 or 4 of criteria 1–4,
probable with 2, possible with 1. Polymyositis applies only without the rash: definite with all
4 of criteria 1–4, probable with 3, possible with 2. The rash alone (amyopathic DM) is not
classified by Bohan and Peter.

Exclusions: central or peripheral neurologic disease, muscular dystrophy, granulomatous or
infectious myositis, metabolic or endocrine myopathy, myasthenia gravis; drug or toxin myopathy
is usually added. An exclusion leaves the patient not classified.

Pediatric cohorts often accept muscle MRI (T2/STIR edema) in place of EMG or biopsy, which the
original does not ("modified Bohan and Peter"). That is an option here, off by default, and the
result says which version was applied. The MRI stands in for one missing test: EMG, biopsy and
MRI together contribute at most two criteria.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from itertools import product

from pydantic import Field

from cartscreen.scores.base import Components, Derivation, Item, ItemStatus

INSTRUMENT = "Bohan and Peter criteria"
INSTRUMENT_MODIFIED = "Bohan and Peter criteria, modified (muscle MRI in place of EMG or biopsy)"
CITATION = (
    "Bohan A, Peter JB. Polymyositis and dermatomyositis. N Engl J Med 1975;292:344–7 and "
    "403–7"
)

CATEGORY_NOT_CLASSIFIED = "not classified"
CLASSIFIED_CATEGORIES = (
    "definite DM", "probable DM", "possible DM", "definite PM", "probable PM", "possible PM",
)

# Bohan and Peter 1975: how many of criteria 1–4 each level needs.
DM_LEVELS: tuple[tuple[int, str], ...] = (
    # with the typical rash (criterion 5)
    (3, "definite DM"),
    (2, "probable DM"),
    (1, "possible DM"),
)
PM_LEVELS: tuple[tuple[int, str], ...] = (
    # without the rash
    (4, "definite PM"),
    (3, "probable PM"),
    (2, "possible PM"),
)
CRITERION_POINTS = 1  # each criterion met counts one towards the levels above

# Criteria 1–4, in the paper's order: (key, label).
MUSCLE_CRITERIA: tuple[tuple[str, str], ...] = (
    ("symmetric_proximal_weakness", "symmetric proximal weakness"),
    ("muscle_enzymes_raised", "raised muscle enzymes"),
    ("emg_myopathic_triad", "EMG triad"),
    ("muscle_biopsy_myositis", "biopsy showing myositis"),
)
RASH = ("typical_dm_rash", "typical DM rash")
MRI = ("muscle_mri_edema", "muscle MRI edema (in place of EMG or biopsy)")
# EMG, biopsy and the MRI substitute together count at most this many criteria.
ELECTRO_HISTOLOGIC_CRITERIA = 2

EXCLUSIONS: tuple[tuple[str, str], ...] = (
    ("neurologic_disease", "central or peripheral neurologic disease"),
    ("muscular_dystrophy", "muscular dystrophy"),
    ("granulomatous_or_infectious_myositis", "granulomatous or infectious myositis"),
    ("metabolic_or_endocrine_myopathy", "metabolic or endocrine myopathy"),
    ("myasthenia_gravis", "myasthenia gravis"),
    # Not in the 1975 text; usually added in later use of the criteria.
    ("drug_or_toxin_myopathy", "drug- or toxin-induced myopathy"),
)
_ANY_EXCLUSION = "exclusion"  # one unknown in the enumeration stands for every unrecorded one


class BohanPeterComponents(Components):
    """What the Bohan and Peter criteria read (None = not recorded)."""

    symmetric_proximal_weakness: bool | None = Field(
        default=None,
        description="criterion 1: symmetric weakness of the limb-girdle muscles and anterior "
        "neck flexors on examination, usually progressive",
    )
    muscle_enzymes_raised: bool | None = Field(
        default=None,
        description="criterion 2: raised serum skeletal-muscle enzymes (CK, aldolase, AST, ALT "
        "or LDH)",
    )
    emg_myopathic_triad: bool | None = Field(
        default=None,
        description="criterion 3: EMG triad: short, small, polyphasic motor-unit potentials; "
        "fibrillations, positive sharp waves and insertional irritability; bizarre "
        "high-frequency repetitive discharges",
    )
    muscle_biopsy_myositis: bool | None = Field(
        default=None,
        description="criterion 4: muscle biopsy with necrosis, phagocytosis, regeneration, "
        "degeneration, perifascicular atrophy or a mononuclear inflammatory infiltrate",
    )
    typical_dm_rash: bool | None = Field(
        default=None,
        description="criterion 5: typical rash of dermatomyositis: heliotrope rash, Gottron's "
        "sign or Gottron's papules",
    )
    muscle_mri_edema: bool | None = Field(
        default=None,
        description="muscle MRI with T2/STIR edema; counts only under the MRI-substitute "
        "option (modified Bohan and Peter), in place of EMG or biopsy",
    )
    neurologic_disease: bool | None = Field(
        default=None, description="exclusion: central or peripheral neurologic disease"
    )
    muscular_dystrophy: bool | None = Field(default=None, description="exclusion")
    granulomatous_or_infectious_myositis: bool | None = Field(
        default=None, description="exclusion"
    )
    metabolic_or_endocrine_myopathy: bool | None = Field(default=None, description="exclusion")
    myasthenia_gravis: bool | None = Field(default=None, description="exclusion")
    drug_or_toxin_myopathy: bool | None = Field(
        default=None, description="exclusion (usually added to the 1975 list)"
    )


def _muscle_criteria_met(findings: Mapping[str, bool], mri_substitutes: bool) -> int:
    """How many of criteria 1–4 count, the MRI standing in for a missing EMG or biopsy."""
    electro_histologic = int(findings["emg_myopathic_triad"]) + int(
        findings["muscle_biopsy_myositis"]
    )
    if mri_substitutes and findings[MRI[0]]:
        electro_histologic = min(electro_histologic + 1, ELECTRO_HISTOLOGIC_CRITERIA)
    return (int(findings["symmetric_proximal_weakness"]) + int(findings["muscle_enzymes_raised"])
            + electro_histologic)


def _category(findings: Mapping[str, bool], mri_substitutes: bool) -> str:
    if findings[_ANY_EXCLUSION]:
        return CATEGORY_NOT_CLASSIFIED
    met = _muscle_criteria_met(findings, mri_substitutes)
    for needed, category in DM_LEVELS if findings[RASH[0]] else PM_LEVELS:
        if met >= needed:
            return category
    return CATEGORY_NOT_CLASSIFIED


def _outcomes(known: Mapping[str, bool], unknown: list[str],
              decide: Callable[[Mapping[str, bool]], str]) -> dict[tuple[bool, ...], str]:
    """The category for every way the unknown findings could turn out (absent first)."""
    return {
        values: decide(_completed(known, unknown, values))
        for values in product((False, True), repeat=len(unknown))
    }


def _completed(known: Mapping[str, bool], unknown: list[str],
               values: tuple[bool, ...]) -> dict[str, bool]:
    return {**known, **dict(zip(unknown, values, strict=True))}


def _pivotal(unknown: list[str], outcomes: Mapping[tuple[bool, ...], str]) -> list[str]:
    """The unknown findings whose value changes the category for some value of the others."""
    pivotal = []
    for index, key in enumerate(unknown):
        flipped = (
            (values, (*values[:index], True, *values[index + 1:]))
            for values in outcomes if not values[index]
        )
        if any(outcomes[absent] != outcomes[present] for absent, present in flipped):
            pivotal.append(key)
    return pivotal


def _item(key: str, label: str, value: bool | None, counted: bool, domain: str,
          note: str | None = None, status: ItemStatus | None = None) -> Item:
    if status is None:
        status = "unknown" if value is None else "counted" if counted else "absent"
    return Item(key=key, label=label, points=CRITERION_POINTS, status=status, domain=domain,
                note=note)


def _items(c: BohanPeterComponents, mri_substitutes: bool) -> tuple[Item, ...]:
    items = [_item(RASH[0], RASH[1], c.typical_dm_rash, c.typical_dm_rash is True, "skin")]
    items += [
        _item(key, label, getattr(c, key), getattr(c, key) is True, "muscle")
        for key, label in MUSCLE_CRITERIA
    ]
    mri = c.muscle_mri_edema
    if mri_substitutes:
        both_tests = c.emg_myopathic_triad is True and c.muscle_biopsy_myositis is True
        items.append(_item(
            MRI[0], MRI[1], mri, mri is True, "muscle",
            status="superseded" if mri and both_tests else None,
            note="EMG and biopsy both count already" if mri and both_tests else None,
        ))
    elif mri is True:
        items.append(_item(
            MRI[0], MRI[1], mri, False, "muscle", status="excluded",
            note="not a criterion of the original; counts only with the MRI substitute",
        ))
    return tuple(items)


def bohan_peter(c: BohanPeterComponents, *, mri_substitutes: bool = False) -> Derivation:
    """Classify dermatomyositis or polymyositis by Bohan and Peter (1975).

    ``mri_substitutes`` accepts muscle MRI edema in place of EMG or biopsy (the pediatric
    "modified" criteria). ``total`` counts the criteria met (rash included, at most 5);
    ``maximum`` what the unrecorded ones could add. The category is decided when every way the
    unrecorded findings could turn out gives the same one; otherwise ``classified`` and
    ``category`` are None and ``missing`` names the findings (and exclusions) that decide it.
    ``possible`` lists every category the recorded findings still allow (one once decided).
    An exclusion recorded present leaves the patient not classified; ``excluded_by`` names it
    (as a label: "muscular dystrophy").
    """
    findings: dict[str, bool | None] = {
        key: getattr(c, key) for key, _ in (*MUSCLE_CRITERIA, RASH)
    }
    findings[MRI[0]] = c.muscle_mri_edema if mri_substitutes else False
    exclusions = {key: getattr(c, key) for key, _ in EXCLUSIONS}
    excluded_by = next((label for key, label in EXCLUSIONS if exclusions[key] is True), None)
    findings[_ANY_EXCLUSION] = (
        True if excluded_by else False if None not in exclusions.values() else None
    )

    known = {key: value for key, value in findings.items() if value is not None}
    unknown = [key for key, value in findings.items() if value is None]
    outcomes = _outcomes(known, unknown, lambda f: _category(f, mri_substitutes))
    counts = [
        _muscle_criteria_met(f, mri_substitutes) + int(f[RASH[0]])
        for f in (_completed(known, unknown, values) for values in outcomes)
    ]
    possible = sorted(set(outcomes.values()), key=_category_order)

    notes = [
        "modified Bohan and Peter: muscle MRI edema accepted in place of EMG or biopsy"
        if mri_substitutes else "strict Bohan and Peter (1975): muscle MRI not a criterion"
    ]
    missing: list[str] = []
    classified: bool | None
    category: str | None
    if len(possible) == 1:
        category = possible[0]
        classified = category != CATEGORY_NOT_CLASSIFIED
        if excluded_by is not None:
            notes.append(f"exclusion applies: {excluded_by}; Bohan and Peter cannot classify")
        elif not classified and findings[RASH[0]] is True:
            notes.append("rash without a muscle criterion (amyopathic DM) is not classified "
                         "by Bohan and Peter")
    else:
        category = classified = None
        for key in _pivotal(unknown, outcomes):
            if key == _ANY_EXCLUSION:
                missing.extend(k for k, value in exclusions.items() if value is None)
            else:
                missing.append(key)
        notes.append("one of: " + ", ".join(possible) + ", depending on the missing findings")

    return Derivation(
        instrument=INSTRUMENT_MODIFIED if mri_substitutes else INSTRUMENT,
        citation=CITATION,
        total=float(min(counts)),
        maximum=float(max(counts)),
        items=_items(c, mri_substitutes),
        missing=tuple(missing),
        classified=classified,
        category=category,
        excluded_by=excluded_by,
        notes=tuple(notes),
        possible=tuple(possible),
    )


def _category_order(category: str) -> int:
    order = (*CLASSIFIED_CATEGORIES, CATEGORY_NOT_CLASSIFIED)
    return order.index(category)
