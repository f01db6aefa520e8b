"""2002 American-European Consensus Group (AECG) classification of primary Sjögren's syndrome.

Vitali C et al., Ann Rheum Dis 2002;61:554–8 (doi 10.1136/ard.61.6.554): items, rules and
exclusions.

Six items: I ocular symptoms, II oral symptoms, III ocular signs, IV histopathology, V salivary
gland involvement, VI autoantibodies. Each is recorded present or absent, or derived from its
sub-findings (present when any sub-finding is, absent when all are recorded absent). Primary SS
when (a) any 4 of the 6 items are positive, including IV or VI, or (b) any 3 of the 4 objective
items (III–VI) are. Secondary SS (an associated disease) is not computed here.

Adult criteria are insensitive in children, where recurrent parotitis is common and dryness
symptoms are rare.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import combinations

from pydantic import Field, model_validator

from cartscreen.scores.base import Components, Derivation, Item, ItemStatus, fmt_number

INSTRUMENT = "2002 AECG Sjögren's classification criteria"
CITATION = (
    "Vitali C et al. Classification criteria for Sjögren's syndrome: a revised version of the "
    "European criteria proposed by the American-European Consensus Group. Ann Rheum Dis "
    "2002;61:554–8"
)

# Vitali 2002: sub-finding thresholds (≤ and ≥ as the primary text gives them) and the rules.
SCHIRMER_MM_AT_MOST = 5.0  # Schirmer I without anaesthesia, mm in 5 minutes
VAN_BIJSTERVELD_AT_LEAST = 4.0  # rose bengal or other ocular dye score
FOCUS_SCORE_AT_LEAST = 1.0  # foci (≥50 lymphocytes) per 4 mm²
SALIVARY_FLOW_ML_15_MIN_AT_MOST = 1.5  # unstimulated whole salivary flow, mL in 15 minutes
RULE_A_ITEMS = 4  # any 4 of the 6 items, provided IV or VI is one of them
RULE_B_OBJECTIVE_ITEMS = 3  # any 3 of the 4 objective items

# Score range for validation, not a threshold: 0–9 per eye (van Bijsterveld OP, Arch
# Ophthalmol 1969;82:10–4).
VAN_BIJSTERVELD_RANGE = (0.0, 9.0)

OCULAR_SYMPTOMS = "ocular_symptoms"
ORAL_SYMPTOMS = "oral_symptoms"
OCULAR_SIGNS = "ocular_signs"
HISTOPATHOLOGY = "histopathology"
SALIVARY_GLAND_INVOLVEMENT = "salivary_gland_involvement"
AUTOANTIBODIES = "autoantibodies"


@dataclass(frozen=True)
class AecgItem:
    key: str
    label: str
    objective: bool
    sub_findings: tuple[str, ...]


ITEMS: tuple[AecgItem, ...] = (
    AecgItem(OCULAR_SYMPTOMS, "I ocular symptoms", False, (
        "dry_eyes_daily_over_3_months", "sand_or_gravel_sensation_in_eyes",
        "tear_substitutes_over_3_times_daily")),
    AecgItem(ORAL_SYMPTOMS, "II oral symptoms", False, (
        "dry_mouth_daily_over_3_months", "salivary_gland_swelling_as_adult",
        "drinks_liquids_to_swallow_dry_food")),
    AecgItem(OCULAR_SIGNS, "III ocular signs", True, (
        "schirmer_mm_5_min", "van_bijsterveld_score")),
    AecgItem(HISTOPATHOLOGY, "IV histopathology", True, ("focus_score",)),
    AecgItem(SALIVARY_GLAND_INVOLVEMENT, "V salivary gland involvement", True, (
        "unstimulated_salivary_flow_ml_15_min", "sialography_diffuse_sialectasias",
        "scintigraphy_abnormal")),
    AecgItem(AUTOANTIBODIES, "VI autoantibodies", True, ("anti_ssa_ro", "anti_ssb_la")),
)
SUB_FINDING_LABELS: dict[str, str] = {
    "dry_eyes_daily_over_3_months": "dry eyes >3 months",
    "sand_or_gravel_sensation_in_eyes": "sand or gravel sensation in the eyes",
    "tear_substitutes_over_3_times_daily": "tear substitutes >3 times a day",
    "dry_mouth_daily_over_3_months": "dry mouth >3 months",
    "salivary_gland_swelling_as_adult": "salivary gland swelling as an adult",
    "drinks_liquids_to_swallow_dry_food": "drinks liquids to swallow dry food",
    "sialography_diffuse_sialectasias": "diffuse sialectasias on sialography",
    "scintigraphy_abnormal": "abnormal salivary scintigraphy",
    "anti_ssa_ro": "anti-Ro(SSA)",
    "anti_ssb_la": "anti-La(SSB)",
}
RULE_A_REQUIRES_ONE_OF = frozenset({HISTOPATHOLOGY, AUTOANTIBODIES})
OBJECTIVE_ITEMS = frozenset(item.key for item in ITEMS if item.objective)

# Vitali 2002 exclusions.
EXCLUSIONS: tuple[tuple[str, str], ...] = (
    ("head_and_neck_radiation", "past head and neck radiation"),
    ("hepatitis_c", "hepatitis C infection"),
    ("aids", "AIDS"),
    ("pre_existing_lymphoma", "pre-existing lymphoma"),
    ("sarcoidosis", "sarcoidosis"),
    ("graft_versus_host_disease", "graft-versus-host disease"),
    ("anticholinergic_drugs_within_4_half_lives",
     "anticholinergic drugs within 4 half-lives"),
)

CATEGORY_CLASSIFIED = "primary Sjögren's syndrome"
CATEGORY_NOT_CLASSIFIED = "not classified"
CATEGORY_EXCLUDED = "excluded"


class Aecg2002Components(Components):
    """What the 2002 AECG criteria read (None = not recorded). Record each item directly, or
    its sub-findings, or both (they must then agree)."""

    ocular_symptoms: bool | None = Field(
        default=None, description="item I, ocular symptoms: at least one of the three below"
    )
    dry_eyes_daily_over_3_months: bool | None = Field(
        default=None, description="daily, persistent, troublesome dry eyes for more than 3 months"
    )
    sand_or_gravel_sensation_in_eyes: bool | None = Field(
        default=None, description="recurrent sensation of sand or gravel in the eyes"
    )
    tear_substitutes_over_3_times_daily: bool | None = Field(
        default=None, description="uses tear substitutes more than 3 times a day"
    )
    oral_symptoms: bool | None = Field(
        default=None, description="item II, oral symptoms: at least one of the three below"
    )
    dry_mouth_daily_over_3_months: bool | None = Field(
        default=None, description="daily feeling of dry mouth for more than 3 months"
    )
    salivary_gland_swelling_as_adult: bool | None = Field(
        default=None, description="recurrent or persistently swollen salivary glands as an adult"
    )
    drinks_liquids_to_swallow_dry_food: bool | None = Field(
        default=None, description="frequently drinks liquids to help swallow dry food"
    )
    ocular_signs: bool | None = Field(
        default=None,
        description="item III, ocular signs: Schirmer I ≤5 mm/5 min or dye score ≥4",
    )
    schirmer_mm_5_min: float | None = Field(
        default=None, ge=0, le=50,
        description="Schirmer I test without anaesthesia, worse (lower) eye, mm in 5 minutes",
    )
    van_bijsterveld_score: float | None = Field(
        default=None, ge=VAN_BIJSTERVELD_RANGE[0], le=VAN_BIJSTERVELD_RANGE[1],
        description="rose bengal or other ocular dye score (van Bijsterveld), worse eye, 0–9",
    )
    histopathology: bool | None = Field(
        default=None,
        description="item IV: minor salivary gland focal lymphocytic sialadenitis, focus score ≥1",
    )
    focus_score: float | None = Field(
        default=None, ge=0, le=50,
        description="minor salivary gland biopsy focus score, foci (≥50 lymphocytes) per 4 mm²",
    )
    salivary_gland_involvement: bool | None = Field(
        default=None,
        description="item V, salivary gland involvement: at least one of the three below",
    )
    unstimulated_salivary_flow_ml_15_min: float | None = Field(
        default=None, ge=0, le=50, description="unstimulated whole salivary flow, mL in 15 minutes"
    )
    sialography_diffuse_sialectasias: bool | None = Field(
        default=None,
        description="parotid sialography: diffuse sialectasias without obstruction of the "
        "major ducts",
    )
    scintigraphy_abnormal: bool | None = Field(
        default=None,
        description="salivary scintigraphy: delayed uptake, reduced concentration and/or "
        "delayed excretion of tracer",
    )
    autoantibodies: bool | None = Field(
        default=None, description="item VI: anti-Ro(SSA) and/or anti-La(SSB) positive"
    )
    anti_ssa_ro: bool | None = Field(default=None, description="anti-Ro(SSA) positive")
    anti_ssb_la: bool | None = Field(default=None, description="anti-La(SSB) positive")
    head_and_neck_radiation: bool | None = Field(
        default=None, description="past head and neck radiation treatment"
    )
    hepatitis_c: bool | None = Field(default=None, description="hepatitis C infection")
    aids: bool | None = Field(default=None, description="acquired immunodeficiency syndrome")
    pre_existing_lymphoma: bool | None = None
    sarcoidosis: bool | None = None
    graft_versus_host_disease: bool | None = None
    anticholinergic_drugs_within_4_half_lives: bool | None = Field(
        default=None,
        description="anticholinergic drugs taken within four half-lives of the drug before the "
        "tests",
    )

    @model_validator(mode="after")
    def _items_agree_with_sub_findings(self) -> Aecg2002Components:
        for item in ITEMS:
            stated = getattr(self, item.key)
            derived, _ = _from_sub_findings(self, item)
            if stated is not None and derived is not None and stated != derived:
                # Name the keys, never their values: the message reaches stderr and logs.
                raise ValueError(f"{item.key} contradicts its sub-findings; correct one of "
                                 "them, or give the sub-findings alone")
        return self


def _sub_finding(c: Aecg2002Components, key: str) -> tuple[bool | None, str | None]:
    """Whether one sub-finding is met, and the raw value it read (for the explanation)."""
    value: bool | float | None = getattr(c, key)
    if value is None or isinstance(value, bool):
        return value, None
    met = {
        "schirmer_mm_5_min": value <= SCHIRMER_MM_AT_MOST,
        "van_bijsterveld_score": value >= VAN_BIJSTERVELD_AT_LEAST,
        "focus_score": value >= FOCUS_SCORE_AT_LEAST,
        "unstimulated_salivary_flow_ml_15_min": value <= SALIVARY_FLOW_ML_15_MIN_AT_MOST,
    }[key]
    shown = {
        "schirmer_mm_5_min": f"Schirmer {fmt_number(value)} mm/5 min",
        "van_bijsterveld_score": f"van Bijsterveld {fmt_number(value)}",
        "focus_score": f"focus score {fmt_number(value)}",
        "unstimulated_salivary_flow_ml_15_min":
            f"unstimulated salivary flow {fmt_number(value)} mL/15 min",
    }[key]
    return met, shown


def _from_sub_findings(c: Aecg2002Components, item: AecgItem) -> tuple[bool | None, str | None]:
    """The item as its sub-findings decide it (None while they do not), and a note."""
    results = [(key, *_sub_finding(c, key)) for key in item.sub_findings]
    met = [shown or SUB_FINDING_LABELS[key] for key, value, shown in results if value is True]
    if met:
        return True, "; ".join(met)
    if all(value is False for _, value, _ in results):
        shown_values = [shown for _, _, shown in results if shown]
        return False, "; ".join(shown_values) or None
    return None, None


def _item(c: Aecg2002Components, item: AecgItem) -> Item:
    stated = getattr(c, item.key)
    derived, note = _from_sub_findings(c, item)
    present = stated if stated is not None else derived
    if stated is not None and derived is None:
        note = "recorded present" if stated else "recorded absent"
    status: ItemStatus = "unknown" if present is None else "counted" if present else "absent"
    return Item(key=item.key, label=item.label, points=1, status=status,
                domain="objective" if item.objective else "symptoms", note=note)


def _primary_ss(positive: frozenset[str]) -> bool:
    rule_a = len(positive) >= RULE_A_ITEMS and bool(positive & RULE_A_REQUIRES_ONE_OF)
    rule_b = len(positive & OBJECTIVE_ITEMS) >= RULE_B_OBJECTIVE_ITEMS
    return rule_a or rule_b


def _pivotal(positive: frozenset[str], unknown: list[str],
             rule: Callable[[frozenset[str]], bool]) -> list[str]:
    """The unknown items that can still change the result: for some values of the other
    unknown items, this one alone flips it."""
    pivotal: list[str] = []
    for key in unknown:
        others = [other for other in unknown if other != key]
        subsets = (frozenset(chosen) for size in range(len(others) + 1)
                   for chosen in combinations(others, size))
        if any(rule(positive | s) != rule(positive | s | {key}) for s in subsets):
            pivotal.append(key)
    return pivotal


def _rules_met(positive: frozenset[str]) -> Iterable[str]:
    if len(positive) >= RULE_A_ITEMS and positive & RULE_A_REQUIRES_ONE_OF:
        yield f"rule (a): {len(positive)} of 6 items, including IV or VI"
    objective = len(positive & OBJECTIVE_ITEMS)
    if objective >= RULE_B_OBJECTIVE_ITEMS:
        yield f"rule (b): {objective} of the 4 objective items (III–VI)"


def aecg_2002_pss(c: Aecg2002Components) -> Derivation:
    """Classify primary Sjögren's syndrome by the 2002 AECG rules.

    The total is the number of positive items (0–6). Primary SS when 4 of the 6 items are
    positive including IV (histopathology) or VI (autoantibodies), or when 3 of the 4 objective
    items (III–VI) are, with every exclusion recorded absent.
    """
    items = tuple(_item(c, item) for item in ITEMS)
    positive = frozenset(item.key for item in items if item.status == "counted")
    unknown = [item.key for item in items if item.status == "unknown"]
    total = float(len(positive))
    maximum = total + len(unknown)
    notes: list[str] = []
    exclusions = {key: getattr(c, key) for key, _ in EXCLUSIONS}
    excluded_by = next((label for key, label in EXCLUSIONS if exclusions[key] is True), None)

    def result(classified: bool | None, category: str | None,
               missing: Iterable[str] = ()) -> Derivation:
        return Derivation(
            instrument=INSTRUMENT, citation=CITATION, total=total, maximum=maximum,
            items=items, missing=tuple(missing), classified=classified, category=category,
            excluded_by=excluded_by, notes=tuple(notes),
        )

    if excluded_by is not None:
        notes.append(f"exclusion applies: {excluded_by}; the criteria cannot classify")
        return result(False, CATEGORY_EXCLUDED)
    if not _primary_ss(positive | frozenset(unknown)):
        notes.append("neither 4 of 6 items including IV or VI, nor 3 of the 4 objective items"
                     + (", even if every unrecorded item is positive" if unknown else ""))
        return result(False, CATEGORY_NOT_CLASSIFIED)

    missing: list[str] = []
    if not _primary_ss(positive):
        missing.extend(_pivotal(positive, unknown, _primary_ss))
    missing.extend(key for key, value in exclusions.items() if value is None)
    notes.extend(_rules_met(positive))
    if missing:
        return result(None, None, missing)
    return result(True, CATEGORY_CLASSIFIED)
