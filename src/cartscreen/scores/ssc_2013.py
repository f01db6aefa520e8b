"""2013 ACR/EULAR classification criteria for systemic sclerosis.

van den Hoogen F et al., Arthritis Rheum 2013;65:2737–47 (doi 10.1002/art.38098) and
Ann Rheum Dis 2013;72:1747–55: items, weights and rules.

Skin thickening of the fingers of both hands extending proximal to the MCP joints is sufficient
on its own (9 points). Otherwise add the highest weight within each item; a total of 9 or more
classifies the patient as having definite SSc. With every item and sub-item present the
arithmetic maximum is 28 (9 + 19).

The criteria do not apply to a patient whose skin thickening spares the fingers, nor to one
whose findings a scleroderma-like disorder better explains (nephrogenic sclerosing fibrosis,
generalized morphea, eosinophilic fasciitis, scleredema diabeticorum, scleromyxedema,
erythromyalgia, porphyria, lichen sclerosus, graft-versus-host disease, diabetic
cheiroarthropathy). Both must be recorded absent before a patient is classified.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Literal, get_args

from pydantic import Field, model_validator

from cartscreen.scores.base import Components, Derivation, Item, ItemStatus, fmt_number

INSTRUMENT = "2013 ACR/EULAR SSc classification criteria"
CITATION = (
    "van den Hoogen F et al. 2013 classification criteria for systemic sclerosis: an American "
    "College of Rheumatology/European League Against Rheumatism collaborative initiative. "
    "Arthritis Rheum 2013;65:2737–47; Ann Rheum Dis 2013;72:1747–55"
)

# van den Hoogen 2013: the sufficient criterion's weight and the classification threshold.
SUFFICIENT_CRITERION_POINTS = 9
CLASSIFICATION_THRESHOLD = 9

SufficientKey = Literal["skin_thickening_proximal_to_mcp_both_hands"]
SUFFICIENT_KEY: SufficientKey = "skin_thickening_proximal_to_mcp_both_hands"
SUFFICIENT_LABEL = "skin thickening of both hands' fingers proximal to the MCPs"

SubItemKey = Literal[
    "puffy_fingers",
    "sclerodactyly",
    "digital_tip_ulcers",
    "fingertip_pitting_scars",
    "telangiectasia",
    "abnormal_nailfold_capillaries",
    "pulmonary_arterial_hypertension",
    "interstitial_lung_disease",
    "raynauds_phenomenon",
    "anticentromere",
    "scl70",
    "rnap3",
]
SUB_ITEM_KEYS: tuple[SubItemKey, ...] = get_args(SubItemKey)

# Items 2–8 of van den Hoogen 2013: (item, its sub-items as (key, label, weight)). Only the
# highest weight present within an item counts.
ITEMS: tuple[tuple[str, tuple[tuple[SubItemKey, str, int], ...]], ...] = (
    ("skin thickening of the fingers", (
        ("puffy_fingers", "puffy fingers", 2),
        ("sclerodactyly", "sclerodactyly", 4),
    )),
    ("fingertip lesions", (
        ("digital_tip_ulcers", "digital tip ulcers", 2),
        ("fingertip_pitting_scars", "fingertip pitting scars", 3),
    )),
    ("telangiectasia", (
        ("telangiectasia", "telangiectasia", 2),
    )),
    ("abnormal nailfold capillaries", (
        ("abnormal_nailfold_capillaries", "abnormal nailfold capillaries", 2),
    )),
    ("PAH and/or ILD", (
        ("pulmonary_arterial_hypertension", "PAH", 2),
        ("interstitial_lung_disease", "ILD", 2),
    )),
    ("Raynaud's phenomenon", (
        ("raynauds_phenomenon", "Raynaud's phenomenon", 3),
    )),
    ("SSc-related autoantibodies", (
        ("anticentromere", "anticentromere", 3),
        ("scl70", "anti-topoisomerase I (Scl-70)", 3),
        ("rnap3", "anti-RNA polymerase III", 3),
    )),
)

ARITHMETIC_MAXIMUM = SUFFICIENT_CRITERION_POINTS + sum(
    max(weight for _, _, weight in sub_items) for _, sub_items in ITEMS
)

ApplicabilityKey = Literal["skin_thickening_sparing_fingers",
                           "scleroderma_like_disorder_explains_findings"]

CATEGORY_CLASSIFIED = "definite SSc"
CATEGORY_NOT_APPLICABLE = "criteria not applicable"


class Ssc2013Components(Components):
    """The findings the 2013 ACR/EULAR SSc criteria score (None = not recorded)."""

    skin_thickening_proximal_to_mcp_both_hands: bool | None = Field(
        default=None,
        description="skin thickening of the fingers of both hands extending proximal to the "
        "MCP joints (the sufficient criterion); or record each hand in the two fields below",
    )
    skin_thickening_proximal_to_mcp_right_hand: bool | None = Field(
        default=None,
        description="skin thickening of the right hand's fingers extending proximal to the MCPs",
    )
    skin_thickening_proximal_to_mcp_left_hand: bool | None = Field(
        default=None,
        description="skin thickening of the left hand's fingers extending proximal to the MCPs",
    )
    puffy_fingers: bool | None = Field(
        default=None, description="diffuse, usually non-pitting swelling of the digits"
    )
    sclerodactyly: bool | None = Field(
        default=None,
        description="skin thickening of the fingers distal to the MCPs and proximal to the PIPs",
    )
    digital_tip_ulcers: bool | None = Field(
        default=None, description="ulcers at or distal to the PIP, not due to trauma"
    )
    fingertip_pitting_scars: bool | None = Field(
        default=None, description="pitting scars at or distal to the PIP, not due to trauma"
    )
    telangiectasia: bool | None = None
    abnormal_nailfold_capillaries: bool | None = Field(
        default=None,
        description="enlarged capillaries and/or capillary loss, with or without "
        "pericapillary hemorrhages",
    )
    pulmonary_arterial_hypertension: bool | None = Field(
        default=None, description="PAH diagnosed by right-heart catheterization"
    )
    interstitial_lung_disease: bool | None = Field(
        default=None,
        description="ILD: fibrosis on HRCT or chest X-ray, or velcro crackles not due to "
        "another cause",
    )
    raynauds_phenomenon: bool | None = None
    anticentromere: bool | None = Field(
        default=None, description="anticentromere antibody, or a centromere pattern on ANA"
    )
    scl70: bool | None = Field(default=None, description="anti-topoisomerase I (Scl-70)")
    rnap3: bool | None = Field(default=None, description="anti-RNA polymerase III")
    explained_by_other_cause: list[SubItemKey] = Field(
        default_factory=list,
        description="findings present but due to another cause (e.g. an ulcer from trauma); "
        "they do not count",
    )
    skin_thickening_sparing_fingers: bool | None = Field(
        default=None,
        description="skin thickening that spares the fingers: the criteria do not apply",
    )
    scleroderma_like_disorder_explains_findings: bool | None = Field(
        default=None,
        description="a scleroderma-like disorder (e.g. eosinophilic fasciitis, generalized "
        "morphea) better explains the findings: the criteria do not apply",
    )
    scleroderma_like_disorder_name: str | None = Field(
        default=None, description="which scleroderma-like disorder, for the explanation"
    )

    @model_validator(mode="after")
    def _consistent(self) -> Ssc2013Components:
        both = self.skin_thickening_proximal_to_mcp_both_hands
        right = self.skin_thickening_proximal_to_mcp_right_hand
        left = self.skin_thickening_proximal_to_mcp_left_hand
        # Name the keys, never their values: the message reaches stderr and logs.
        hands = ("skin_thickening_proximal_to_mcp_right_hand and "
                 "skin_thickening_proximal_to_mcp_left_hand")
        if (both is True and False in (right, left)) or (
                both is False and right is True and left is True):
            raise ValueError(f"{SUFFICIENT_KEY} contradicts {hands}; correct one of them, or "
                             "give the hands alone")
        if self.skin_thickening_sparing_fingers is True and _fingers_thickened(self):
            raise ValueError("skin_thickening_sparing_fingers contradicts the finger skin "
                             "thickening recorded (sclerodactyly or proximal to the MCPs); "
                             "correct one of them")
        return self


def _fingers_thickened(c: Ssc2013Components) -> bool:
    return True in (
        c.skin_thickening_proximal_to_mcp_both_hands,
        c.skin_thickening_proximal_to_mcp_right_hand,
        c.skin_thickening_proximal_to_mcp_left_hand,
        c.sclerodactyly,
    )


def _sufficient_criterion(c: Ssc2013Components) -> tuple[Item, tuple[str, ...]]:
    """Item 1 (its points are its weight; its status says whether they count) and, while it is
    unknown, the fields that would decide it."""
    both = c.skin_thickening_proximal_to_mcp_both_hands
    right = c.skin_thickening_proximal_to_mcp_right_hand
    left = c.skin_thickening_proximal_to_mcp_left_hand
    points = SUFFICIENT_CRITERION_POINTS
    domain = "sufficient criterion"
    if both is True or (right is True and left is True):
        return Item(SUFFICIENT_KEY, SUFFICIENT_LABEL, points, "counted", domain,
                    "sufficient on its own to classify"), ()
    one_hand = ("right hand only" if right is True else "left hand only" if left is True
                else None)
    if both is False or right is False or left is False:
        note = f"{one_hand}: the criterion needs both hands" if one_hand else None
        return Item(SUFFICIENT_KEY, SUFFICIENT_LABEL, points, "absent", domain, note), ()
    unrecorded = tuple(
        key for key, value in (("skin_thickening_proximal_to_mcp_right_hand", right),
                               ("skin_thickening_proximal_to_mcp_left_hand", left))
        if value is None
    )
    if len(unrecorded) == 2:
        unrecorded = (SUFFICIENT_KEY,)
    note = f"{one_hand} so far; the other hand is not recorded" if one_hand else None
    return Item(SUFFICIENT_KEY, SUFFICIENT_LABEL, points, "unknown", domain, note), unrecorded


def _scored_item(c: Ssc2013Components, item: str,
                 sub_items: tuple[tuple[SubItemKey, str, int], ...]
                 ) -> tuple[list[Item], int, int, list[SubItemKey]]:
    """One item's sub-items with their status, its points, its highest possible points, and
    the unrecorded sub-items that could still raise it."""
    explained = set(c.explained_by_other_cause)
    present = [(key, weight) for key, _, weight in sub_items
               if key not in explained and getattr(c, key) is True]
    points = max((weight for _, weight in present), default=0)
    counted_key = next((key for key, weight in present if weight == points), None)
    unknown = [(key, weight) for key, _, weight in sub_items
               if key not in explained and getattr(c, key) is None]
    highest = max([points, *(weight for _, weight in unknown)])
    items: list[Item] = []
    for key, label, weight in sub_items:
        value = getattr(c, key)
        status: ItemStatus
        note = None
        if key in explained:
            status, note = "excluded", "explained by another cause"
        elif key == counted_key:
            status = "counted"
        elif value is True:
            status, note = "superseded", f"{item} counts once, at its highest weight"
        elif value is None:
            status = "unknown"
        else:
            status = "absent"
        items.append(Item(key, label, weight, status, item, note))
    could_raise = [key for key, weight in unknown if weight > points]
    return items, points, highest, could_raise


def acr_eular_2013_ssc(c: Ssc2013Components) -> Derivation:
    """Score and classify by the 2013 ACR/EULAR SSc criteria (van den Hoogen 2013)."""
    sufficient, sufficient_missing = _sufficient_criterion(c)
    items = [sufficient]
    total = sufficient.points if sufficient.status == "counted" else 0
    maximum = sufficient.points if sufficient.status in ("counted", "unknown") else 0
    item_missing: list[str] = list(sufficient_missing)
    for item, sub_items in ITEMS:
        sub_item_results, points, highest, could_raise = _scored_item(c, item, sub_items)
        items.extend(sub_item_results)
        total += points
        maximum += highest
        item_missing.extend(could_raise)

    sparing = False if _fingers_thickened(c) else c.skin_thickening_sparing_fingers
    disorder = c.scleroderma_like_disorder_explains_findings
    scored = Derivation(INSTRUMENT, CITATION, float(total), float(maximum), tuple(items))

    if sparing is True or disorder is True:
        if sparing is True:
            excluded_by: ApplicabilityKey = "skin_thickening_sparing_fingers"
            why = "skin thickening spares the fingers"
        else:
            excluded_by = "scleroderma_like_disorder_explains_findings"
            name = c.scleroderma_like_disorder_name
            disorder_named = f" ({name})" if name else ""
            why = f"a scleroderma-like disorder{disorder_named} better explains the findings"
        return replace(scored, classified=False, category=CATEGORY_NOT_APPLICABLE,
                       excluded_by=excluded_by, notes=(f"the criteria do not apply: {why}",))

    applicability_missing = [key for key, value in (
        ("skin_thickening_sparing_fingers", sparing),
        ("scleroderma_like_disorder_explains_findings", disorder),
    ) if value is None]
    if total >= CLASSIFICATION_THRESHOLD:
        if applicability_missing:
            reached = f"{fmt_number(total)} points ≥ {CLASSIFICATION_THRESHOLD}"
            return replace(scored, classified=None, missing=tuple(applicability_missing),
                           notes=(f"{reached}, but whether the criteria apply is not recorded",))
        return replace(scored, classified=True, category=CATEGORY_CLASSIFIED)
    if maximum < CLASSIFICATION_THRESHOLD:
        return replace(scored, classified=False)
    return replace(scored, classified=None, missing=(*item_missing, *applicability_missing))

