"""One patient file: the top-level model."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from cartscreen.patient.activity import Activity
from cartscreen.patient.common import Fact, Sex
from cartscreen.patient.diagnosis import Diagnosis
from cartscreen.patient.events import Events
from cartscreen.patient.history import History, Pregnancy
from cartscreen.patient.immunology import Antibodies, BCells
from cartscreen.patient.organ import OrganFunction
from cartscreen.patient.serology import Serology, Tuberculosis
from cartscreen.patient.treatments import Treatment

Verdict = Literal["eligible", "ineligible", "incomplete"]


def _printable_id(value: str) -> str:
    """An id is shown in tables and written to CSV cells: a control character in it (a
    carriage return, an escape) could split a row or drive the terminal."""
    if not value.isprintable() or value != value.strip():
        raise ValueError("holds a control character or space at either end (a line break, "
                         "tab or escape, say); write the id on one line in plain characters")
    return value


class Patient(Fact):
    """One patient file."""

    format: Literal[1] = Field(default=1, description="patient file format version (1)")
    id: Annotated[str, Field(min_length=1, max_length=64), AfterValidator(_printable_id)] = Field(
        description="pseudonymous patient id; never a name or medical record number"
    )
    sex: Sex | None = Field(
        default=None, description="sex the trial criteria refer to: female or male"
    )
    birth_date: date | None = Field(
        default=None, description="date of birth; gives the age at screening"
    )
    age_years: Annotated[int, Field(ge=0, le=120)] | None = Field(
        default=None, description="age in completed years at screening_date; give birth_date "
        "instead when it is known"
    )
    screening_date: date | None = Field(
        default=None, description="date of the screening visit; every window counts back from it"
    )
    # From the smallest newborn to above any adult: a weight of 5e-324 kg is a typo, and
    # the body-mass-index rule divides by the height.
    weight_kg: Annotated[float, Field(ge=0.2, le=300)] | None = Field(
        default=None, description="body weight at screening"
    )
    height_cm: Annotated[float, Field(ge=20, le=250)] | None = Field(
        default=None, description="height at screening (the pediatric eGFR from creatinine "
        "needs it)"
    )
    diagnosis: Diagnosis = Field(
        default=Diagnosis(), description="the rheumatic disease, its classification "
        "criteria and features"
    )
    activity: Activity = Field(
        default=Activity(), description="disease activity scores and the JDM core set measures"
    )
    antibodies: Antibodies = Field(
        default=Antibodies(), description="autoantibody results; leave out a test not done"
    )
    b_cells: BCells = Field(
        default=BCells(), description="peripheral blood B-cell count and CD19 expression"
    )
    organ_function: OrganFunction = Field(
        default=OrganFunction(), description="cardiac, renal, liver and lung function at "
        "screening, each result dated by its test"
    )
    treatments: list[Treatment] | None = Field(
        default=None, description="treatment history, one entry per course at a steady dose; "
        "[] means recorded: none"
    )
    events: Events = Field(
        default=Events(), description="dated events: vaccines, infections, transplants, dialysis, "
        "CNS events, studies, prior CAR-T"
    )
    serology: Serology = Field(
        default=Serology(), description="infection screening: hepatitis B and C, HIV, syphilis "
        "and CMV"
    )
    tuberculosis: Tuberculosis = Field(
        default=Tuberculosis(), description="tuberculosis screening (IGRA or tuberculin skin test)"
    )
    pregnancy: Pregnancy = Field(
        default=Pregnancy(), description="childbearing potential and the screening pregnancy test"
    )
    history: History = Field(
        default=History(), description="medical history: malignancy, immunodeficiency, cardiac "
        "disease, other autoimmune disease"
    )
    expected_verdicts: dict[str, Verdict] = Field(
        default_factory=dict,
        description="for sample and test files only: trial id -> verdict this file should get",
    )

