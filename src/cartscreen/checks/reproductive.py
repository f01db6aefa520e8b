"""Pregnancy: a test for patients of childbearing potential; not applicable to others."""

from __future__ import annotations

from datetime import date

from cartscreen.checks.base import (
    MET,
    NOT_APPLICABLE,
    NOT_MET,
    UNKNOWN,
    Check,
    Example,
    Facts,
    Finding,
    NoParams,
)


def childbearing_status(facts: Facts) -> Finding | None:
    """A not-applicable or unknown finding when pregnancy cannot concern the patient, else None."""
    sex = facts.get("sex")
    if sex == "male":
        return facts.not_applicable("male patient")
    potential = facts.get("pregnancy.childbearing_potential")
    if potential is False:
        return facts.not_applicable("not of childbearing potential")
    if sex is None:
        return facts.unknown("sex not recorded", ["sex"])
    if potential is None:
        return facts.unknown(
            "childbearing potential not recorded", ["pregnancy.childbearing_potential"]
        )
    return None


_TEST = "pregnancy.test"


def _pregnancy_test(facts: Facts, p: NoParams) -> Finding:
    status = childbearing_status(facts)
    if status is not None:
        return status
    # The criteria ask about pregnancy at screening: an undated or old result cannot show it.
    test = facts.result(_TEST)
    if test is None:
        return facts.unknown_results([_TEST])
    kind = facts.get("pregnancy.test_type")
    described = " ".join(x for x in (kind or "", "pregnancy test") if x)
    if test == "negative":
        return facts.met(f"{described} negative on {facts.dated(_TEST)}")
    return facts.not_met(f"{described} positive on {facts.dated(_TEST)}")


PREGNANCY_TEST = Check(
    name="pregnancy_test_negative",
    family="reproductive",
    summary="Met when a patient of childbearing potential has a negative, dated pregnancy test; "
    "not applicable to males and to patients recorded as not of childbearing potential. A "
    "positive test of either kind (urine or blood) fails it; a result without its date, or "
    "older than its window (7 days by default), is unknown.",
    reads=("sex", "pregnancy.childbearing_potential", "pregnancy.test", "pregnancy.test_type",
           "pregnancy.test_date"),
    params=NoParams,
    evaluate=_pregnancy_test,
    results=lambda p: (_TEST,),
    describe=lambda p: "negative pregnancy test if of childbearing potential",
    examples=(
        Example("negative urine test", {},
                {"sex": "female", "pregnancy": {"childbearing_potential": True,
                                                "test": "negative", "test_type": "urine",
                                                "test_date": date(2026, 10, 30)}},
                MET),
        Example("positive blood test", {},
                {"sex": "female", "pregnancy": {"childbearing_potential": True,
                                                "test": "positive", "test_type": "blood",
                                                "test_date": date(2026, 10, 30)}},
                NOT_MET),
        Example("negative test 8 days before screening", {},
                {"sex": "female", "pregnancy": {"childbearing_potential": True,
                                                "test": "negative", "test_type": "urine",
                                                "test_date": date(2026, 10, 24)}},
                UNKNOWN),
        Example("boy", {}, {"sex": "male"}, NOT_APPLICABLE),
    ),
)
