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

    format: Literal[1] = 1
    id: Annotated[str, Field(min_length=1, max_length=64), AfterValidator(_printable_id)]
    sex: Sex | None = None
    birth_date: date | None = None
    age_years: Annotated[int, Field(ge=0, le=120)] | None = None
    screening_date: date | None = None
    # From the smallest newborn to above any adult: a weight of 5e-324 kg is a typo, and
    # the body-mass-index rule divides by the height.
    weight_kg: Annotated[float, Field(ge=0.2, le=300)] | None = None
    height_cm: Annotated[float, Field(ge=20, le=250)] | None = None
    diagnosis: Diagnosis = Diagnosis()
    activity: Activity = Activity()
    antibodies: Antibodies = Antibodies()
    b_cells: BCells = BCells()
    organ_function: OrganFunction = OrganFunction()
    treatments: list[Treatment] | None = None
    events: Events = Events()
    serology: Serology = Serology()
    tuberculosis: Tuberculosis = Tuberculosis()
    pregnancy: Pregnancy = Pregnancy()
    history: History = History()
    expected_verdicts: dict[str, Verdict] = Field(
        default_factory=dict,
        description="for sample and test files only: trial id -> verdict this file should get",
    )

