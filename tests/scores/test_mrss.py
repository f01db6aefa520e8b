"""Modified Rodnan skin score against worked examples MRSS-01..05, the 0–3 site range
and the 17 required sites."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from cartscreen.scores.mrss import SITES, TOTAL_MAXIMUM, MrssSites, modified_rodnan

SITE_KEYS = [key for key, _ in SITES]


def sites(rest: int = 0, **scores: Any) -> dict[str, Any]:
    """All 17 sites scored ``rest``, with the named sites overridden."""
    return {key: rest for key in SITE_KEYS} | scores


MRSS_02 = sites(right_fingers=2, left_fingers=2, right_hand_dorsum=2, left_hand_dorsum=2,
                right_forearm=1, left_forearm=1, face=1)
MRSS_04 = sites(
    face=1, anterior_chest=1, abdomen=0, right_fingers=3, left_fingers=3, right_hand_dorsum=2,
    left_hand_dorsum=2, right_forearm=2, left_forearm=2, right_upper_arm=1, left_upper_arm=1,
    right_thigh=1, left_thigh=1, right_lower_leg=1, left_lower_leg=1, right_foot_dorsum=1,
    left_foot_dorsum=1,
)


@pytest.mark.parametrize(("scores", "total"), [
    pytest.param(sites(0), 0, id="MRSS-01"),
    pytest.param(MRSS_02, 11, id="MRSS-02"),
    pytest.param(sites(3), 51, id="MRSS-03"),
    pytest.param(MRSS_04, 24, id="MRSS-04"),
])
def test_worked_example(scores: dict[str, int], total: int) -> None:
    derivation = modified_rodnan(MrssSites(**scores))
    assert derivation.total == total
    assert derivation.maximum == total
    assert derivation.missing == ()
    assert derivation.classified is None


@pytest.mark.parametrize("scores", [
    pytest.param(sites(face=4), id="MRSS-05 (a site scored 4)"),
    pytest.param({k: v for k, v in sites().items() if k != "left_foot_dorsum"},
                 id="MRSS-05 (16 sites)"),
])
def test_invalid_site_scores_are_validation_errors(scores: dict[str, int]) -> None:
    with pytest.raises(ValidationError):
        MrssSites(**scores)


def test_mrss_02_arithmetic_lists_the_thickened_sites() -> None:
    derivation = modified_rodnan(MrssSites(**MRSS_02))
    assert derivation.arithmetic() == (
        "face 1 + right fingers 2 + left fingers 2 + right hand (dorsum) 2 + "
        "left hand (dorsum) 2 + right forearm 1 + left forearm 1 = 11"
    )
    assert [i.key for i in derivation.items if i.status == "absent"] == [
        "anterior_chest", "abdomen", "right_upper_arm", "left_upper_arm", "right_thigh",
        "left_thigh", "right_lower_leg", "left_lower_leg", "right_foot_dorsum",
        "left_foot_dorsum",
    ]


def test_mrss_01_no_site_counted() -> None:
    assert modified_rodnan(MrssSites(**sites(0))).arithmetic() == "no item counted = 0"


# --- site range 0–3 -----------------------------------------------------------------------------


@pytest.mark.parametrize("score", [0, 3])
def test_site_scores_at_the_ends_of_the_range_are_accepted(score: int) -> None:
    assert modified_rodnan(MrssSites(**sites(0, abdomen=score))).total == score


@pytest.mark.parametrize("score", [
    pytest.param(-1, id="-1"),
    pytest.param(4, id="4"),
    pytest.param(1.5, id="1.5: integers only"),
    pytest.param(2.0, id="2.0: integers only"),
    pytest.param(True, id="true is not a score"),
    pytest.param("2", id="text"),
])
def test_site_scores_outside_0_to_3_are_validation_errors(score: Any) -> None:
    with pytest.raises(ValidationError, match="right_thigh"):
        MrssSites(**sites(0, right_thigh=score))


# --- every site is required ---------------------------------------------------------------------


@pytest.mark.parametrize("site", SITE_KEYS)
def test_an_unrecorded_site_is_a_validation_error_naming_it(site: str) -> None:
    scores = {k: v for k, v in sites(1).items() if k != site}
    with pytest.raises(ValidationError, match=site) as error:
        MrssSites(**scores)
    assert error.value.errors()[0]["type"] == "missing"


def test_an_unknown_site_is_a_validation_error() -> None:
    with pytest.raises(ValidationError, match="hands"):
        MrssSites(**sites(0, hands=2))


def test_the_17_sites_are_the_model_fields_and_total_at_most_51() -> None:
    assert len(SITES) == 17
    assert list(MrssSites.model_fields) == SITE_KEYS
    assert TOTAL_MAXIMUM == 51


def test_sites_are_additive_with_no_cap() -> None:
    both_sides = modified_rodnan(MrssSites(**sites(0, right_forearm=3, left_forearm=3)))
    assert both_sides.total == 6
