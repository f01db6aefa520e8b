"""Modified Rodnan skin score (mRSS).

Clements P et al., J Rheumatol 1995;22:1281–5; standardization: Khanna D et al.,
J Scleroderma Relat Disord 2017;2:11–18.

Skin thickness is scored by palpation at 17 sites (face, anterior chest, abdomen, and right and
left fingers, dorsum of hands, forearms, upper arms, thighs, lower legs, dorsum of feet), each
0 normal, 1 mild, 2 moderate, 3 severe thickening (cannot be pinched). The total, 0–51, is the
plain sum: no site caps another.

Every site is required. The score is defined over all 17 sites of one examination, so a
partial examination is rejected as invalid rather than reported as a range.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from cartscreen.scores.base import Components, Derivation, Item

INSTRUMENT = "modified Rodnan skin score (mRSS)"
CITATION = (
    "Clements P et al. Inter and intraobserver variability of total skin thickness score "
    "(modified Rodnan TSS) in systemic sclerosis. J Rheumatol 1995;22:1281–5; Khanna D et al. "
    "Standardization of the modified Rodnan skin score. J Scleroderma Relat Disord 2017;2:11–18"
)

# Clements 1995: each site 0–3, integers only.
SITE_MINIMUM = 0
SITE_MAXIMUM = 3

SiteScore = Annotated[int, Field(ge=SITE_MINIMUM, le=SITE_MAXIMUM)]

# The 17 sites in the order of the scoring form: (field, label).
SITES: tuple[tuple[str, str], ...] = (
    ("face", "face"),
    ("anterior_chest", "anterior chest"),
    ("abdomen", "abdomen"),
    ("right_fingers", "right fingers"),
    ("left_fingers", "left fingers"),
    ("right_hand_dorsum", "right hand (dorsum)"),
    ("left_hand_dorsum", "left hand (dorsum)"),
    ("right_forearm", "right forearm"),
    ("left_forearm", "left forearm"),
    ("right_upper_arm", "right upper arm"),
    ("left_upper_arm", "left upper arm"),
    ("right_thigh", "right thigh"),
    ("left_thigh", "left thigh"),
    ("right_lower_leg", "right lower leg"),
    ("left_lower_leg", "left lower leg"),
    ("right_foot_dorsum", "right foot (dorsum)"),
    ("left_foot_dorsum", "left foot (dorsum)"),
)

TOTAL_MAXIMUM = SITE_MAXIMUM * len(SITES)


class MrssSites(Components):
    """Skin thickness at each of the 17 mRSS sites: 0 normal, 1 mild, 2 moderate, 3 severe."""

    face: SiteScore
    anterior_chest: SiteScore
    abdomen: SiteScore
    right_fingers: SiteScore
    left_fingers: SiteScore
    right_hand_dorsum: SiteScore = Field(description="dorsum of the right hand")
    left_hand_dorsum: SiteScore = Field(description="dorsum of the left hand")
    right_forearm: SiteScore
    left_forearm: SiteScore
    right_upper_arm: SiteScore
    left_upper_arm: SiteScore
    right_thigh: SiteScore
    left_thigh: SiteScore
    right_lower_leg: SiteScore
    left_lower_leg: SiteScore
    right_foot_dorsum: SiteScore = Field(description="dorsum of the right foot")
    left_foot_dorsum: SiteScore = Field(description="dorsum of the left foot")


def modified_rodnan(sites: MrssSites) -> Derivation:
    """The mRSS (Clements 1995): the sum of the 17 site scores, 0–51."""
    items = tuple(
        Item(key, label, score, "counted" if score > 0 else "absent")
        for key, label in SITES
        for score in (int(getattr(sites, key)),)
    )
    total = float(sum(item.points for item in items))
    return Derivation(INSTRUMENT, CITATION, total, total, items)
