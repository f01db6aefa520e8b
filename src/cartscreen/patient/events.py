"""Dated events: vaccines, infections, transplants, renal replacement, CNS events, studies,
prior CAR-T therapy."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field

from cartscreen.patient.common import EndDate, Fact


class Vaccine(Fact):
    name: str = Field(description="the vaccine, by name, trade name or abbreviation (e.g. MMR)")
    date: Annotated[date, Field(description="date the vaccine was given")]
    live: bool | None = Field(default=None, description="true for a live attenuated vaccine")


class Infection(Fact):
    name: str = Field(description="the infection, e.g. urinary tract infection")
    onset: date = Field(description="date the infection began")
    resolved: EndDate | None = Field(default=None, description='"ongoing" while active')
    systemic_treatment: bool | None = Field(
        default=None, description="true when treated with systemic (oral or intravenous) "
        "anti-infectives"
    )
    treatment_end: EndDate | None = Field(
        default=None, description='end of the systemic treatment; "ongoing" while it continues'
    )
    serious: bool | None = Field(
        default=None, description="true for a serious infection, as the clinician judges it"
    )
    uncontrolled: bool | None = Field(
        default=None, description="true when the infection is not controlled by its treatment"
    )


class GvhdEpisode(Fact):
    grade: Annotated[int, Field(ge=1, le=4)] = Field(
        description="overall grade of the acute GVHD episode, 1–4 (grades I–IV)"
    )
    onset: date = Field(description="date the GVHD episode began")
    resolved: EndDate | None = Field(default=None, description='"ongoing" while active')


class Transplant(Fact):
    type: Literal["solid_organ", "hsct"] = Field(
        description="solid organ transplant, or hsct: hematopoietic stem cell transplant"
    )
    date: Annotated[date, Field(description="date of the transplant")]
    gvhd: list[GvhdEpisode] | None = Field(
        default=None, description="acute GVHD episodes after this transplant ([] for none)"
    )


class RenalReplacement(Fact):
    start: date = Field(
        description="date dialysis or other renal replacement therapy began"
    )
    end: EndDate | None = Field(default=None, description='"ongoing" while it continues')


class CnsEvent(Fact):
    description: str = Field(description="what happened, e.g. seizure, stroke, lupus psychosis")
    date: Annotated[date, Field(description="date of the CNS event")]
    neuropsychiatric_lupus: bool | None = Field(
        default=None, description="true when the event is neuropsychiatric lupus (NPSLE)"
    )
    required_intervention: bool | None = Field(
        default=None, description="true when the event needed treatment or another intervention"
    )
    intervention_end: EndDate | None = Field(
        default=None, description='when the intervention for it ended; "ongoing" while it '
        "continues"
    )
    active: bool | None = Field(default=None, description="still active at screening")


class Study(Fact):
    name: str = Field(description="the study, by name or registry id (NCT…)")
    interventional: bool | None = Field(
        default=None, description="false for an observational study or a registry"
    )
    start: date = Field(description="date the patient entered the study")
    end: EndDate | None = Field(default=None, description='"ongoing" while it continues')


class CarT(Fact):
    target: Literal["cd19", "bcma", "cd70", "bcma_cd70", "cd19_bcma", "other"] = Field(
        description="antigen the CAR-T cells targeted; bcma_cd70 and cd19_bcma are dual-target"
    )
    date: Annotated[date, Field(description="date of the CAR-T cell infusion")]
    product: Literal["autologous", "allogeneic", "universal", "unknown"] = Field(
        default="unknown", description="cells: autologous (the patient's own), allogeneic (a "
        "donor's), or universal (off-the-shelf)"
    )
    outcome: Literal["responded", "relapsed", "poor_response"] | None = Field(
        default=None, description="outcome: responded and not relapsed, relapsed after a "
        "response, or a poor response"
    )


class Events(Fact):
    vaccines: list[Vaccine] | None = Field(
        default=None, description="vaccinations, one entry per dose; [] means recorded: none"
    )
    infections: list[Infection] | None = Field(
        default=None, description="infections, one entry each; [] means recorded: none"
    )
    transplants: list[Transplant] | None = Field(
        default=None, description="solid organ and stem cell transplants; [] means recorded: none"
    )
    renal_replacement_therapy: list[RenalReplacement] | None = Field(
        default=None, description="periods of dialysis or other renal replacement therapy; [] "
        "means recorded: none"
    )
    cns_events: list[CnsEvent] | None = Field(
        default=None, description="central nervous system events (seizure, stroke, psychosis…); "
        "[] means recorded: none"
    )
    studies: list[Study] | None = Field(
        default=None, description="other clinical studies the patient took part in; [] means "
        "recorded: none"
    )
    car_t: list[CarT] | None = Field(
        default=None, description="prior CAR-T cell therapies, one entry per infusion; [] means "
        "recorded: none"
    )

