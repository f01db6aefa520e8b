"""Dated events: vaccines, infections, transplants, renal replacement, CNS events, studies,
prior CAR-T therapy."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field

from cartscreen.patient.common import Fact


class Vaccine(Fact):
    name: str
    date: date
    live: bool | None = None


class Infection(Fact):
    name: str
    onset: date
    resolved: date | None = Field(default=None, description="omit while active")
    systemic_treatment: bool | None = None
    treatment_end: date | None = None
    serious: bool | None = None
    uncontrolled: bool | None = None


class GvhdEpisode(Fact):
    grade: Annotated[int, Field(ge=1, le=4)]
    onset: date
    resolved: date | None = None


class Transplant(Fact):
    type: Literal["solid_organ", "hsct"]
    date: date
    gvhd: list[GvhdEpisode] | None = Field(
        default=None, description="acute GVHD episodes after this transplant ([] for none)"
    )


class RenalReplacement(Fact):
    start: date
    end: date | None = None


class CnsEvent(Fact):
    description: str
    date: date
    neuropsychiatric_lupus: bool | None = None
    required_intervention: bool | None = None
    active: bool | None = None


class Study(Fact):
    name: str
    interventional: bool | None = None
    start: date
    end: date | None = None


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

