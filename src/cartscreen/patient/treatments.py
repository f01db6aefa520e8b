"""The treatment history: one course per steady dose."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field, model_validator

from cartscreen.patient.common import EndDate, Fact
from cartscreen.patient.units import DoseUnit

Response = Literal["inadequate", "intolerant", "responded"]


class Treatment(Fact):
    drug: Annotated[str, Field(min_length=1)] = Field(
        description="generic drug name; common abbreviations (MMF, HCQ, MTX, CYC) are understood"
    )
    # Any unit's dose of any drug is far below this; it keeps the number finite.
    dose: Annotated[float, Field(ge=0, le=1_000_000)] | None = Field(
        default=None, description="the steady dose of this course, in dose_unit"
    )
    dose_unit: DoseUnit | None = Field(
        default=None, description="unit of dose: mg/day or mg/kg/day"
    )
    route: Literal["oral", "iv", "sc", "im", "intra_articular", "topical", "other"] | None = Field(
        default=None, description="route: oral, intravenous, subcutaneous, intramuscular, "
        "intra-articular, topical or other"
    )
    weight_kg: Annotated[float, Field(ge=0.2, le=300)] | None = Field(
        default=None, description="weight during this course, for mg/day doses; else weight_kg"
    )
    start: date = Field(description="date the course began at this dose")
    end: EndDate | None = Field(default=None, description='"ongoing" while the course continues')
    response: Response | None = Field(
        default=None, description="response: inadequate (disease still active on it), intolerant "
        "(adverse effects), or responded"
    )

    @model_validator(mode="after")
    def _dose_has_unit(self) -> Treatment:
        if (self.dose is None) != (self.dose_unit is None):
            raise ValueError("dose and dose_unit go together; give both (dose_unit "
                             "\"mg/day\" or \"mg/kg/day\"), or neither")
        return self

