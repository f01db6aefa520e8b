"""Dated events: vaccines, infections, transplants, renal replacement, CNS events, studies,
prior CAR-T therapy."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field

from cartscreen.patient.common import EndDate, Fact


class Vaccine(Fact):
    name: str
    date: date
    live: bool | None = None


class Infection(Fact):
    name: str
    onset: date
    resolved: EndDate | None = Field(default=None, description='"ongoing" while active')
    systemic_treatment: bool | None = None
    treatment_end: EndDate | None = Field(
        default=None, description='end of the systemic treatment; "ongoing" while it continues'
    )
    serious: bool | None = None
    uncontrolled: bool | None = None


class GvhdEpisode(Fact):
    grade: Annotated[int, Field(ge=1, le=4)]
    onset: date
    resolved: EndDate | None = Field(default=None, description='"ongoing" while active')


class Transplant(Fact):
    type: Literal["solid_organ", "hsct"]
    date: date
    gvhd: list[GvhdEpisode] | None = Field(
        default=None, description="acute GVHD episodes after this transplant ([] for none)"
    )


class RenalReplacement(Fact):
    start: date
    end: EndDate | None = Field(default=None, description='"ongoing" while it continues')


class CnsEvent(Fact):
    description: str
    date: date
    neuropsychiatric_lupus: bool | None = None
    required_intervention: bool | None = None
    intervention_end: EndDate | None = Field(
        default=None, description='when the intervention for it ended; "ongoing" while it '
        "continues"
    )
    active: bool | None = Field(default=None, description="still active at screening")


class Study(Fact):
    name: str
    interventional: bool | None = Field(
        default=None, description="false for an observational study or a registry"
    )
    start: date
    end: EndDate | None = Field(default=None, description='"ongoing" while it continues')


class CarT(Fact):
    target: Literal["cd19", "bcma", "cd70", "bcma_cd70", "cd19_bcma", "other"]
    date: date
    product: Literal["autologous", "allogeneic", "universal", "unknown"] = "unknown"
    outcome: Literal["responded", "relapsed", "poor_response"] | None = None


class Events(Fact):
    vaccines: list[Vaccine] | None = None
    infections: list[Infection] | None = None
    transplants: list[Transplant] | None = None
    renal_replacement_therapy: list[RenalReplacement] | None = None
    cns_events: list[CnsEvent] | None = None
    studies: list[Study] | None = None
    car_t: list[CarT] | None = None

