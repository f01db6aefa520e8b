"""Disease activity: instrument totals, their components, and the JDM core set."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import Field

from cartscreen.patient.common import Fact
from cartscreen.scores.essdai import EssdaiDomains
from cartscreen.scores.mrss import MrssSites
from cartscreen.scores.sledai_2k import SledaiComponents


class JdmCoreSet(Fact):
    """JDM core set measures (CMAS, global assessments, DAS, C-HAQ, muscle enzymes)."""

    cmas: Annotated[float, Field(ge=0, le=52)] | None = None
    muscle_mri_diffuse_edema: bool | None = None
    phga_cm: Annotated[float, Field(ge=0, le=10)] | None = None
    ptga_cm: Annotated[float, Field(ge=0, le=10)] | None = None
    das: Annotated[float, Field(ge=0, le=20)] | None = None
    chaq: Annotated[float, Field(ge=0, le=3)] | None = None
    muscle_enzyme_max_x_uln: Annotated[float, Field(ge=0, le=1000)] | None = Field(
        default=None, description="highest muscle enzyme as a multiple of its upper limit"
    )


class ActivityComponents(Fact):
    """The items behind activity scores; cartscreen computes the total from them."""

    sledai_2k: SledaiComponents | None = Field(
        default=None, description="descriptors at the visit (activity.assessed_on) or the 10 "
        "days before it"
    )
    mrss: MrssSites | None = None
    essdai: EssdaiDomains | None = None


class Activity(Fact):
    assessed_on: date | None = None
    sledai_2k: Annotated[int, Field(ge=0, le=105)] | None = None
    mrss: Annotated[int, Field(ge=0, le=51)] | None = None
    essdai: Annotated[int, Field(ge=0, le=123)] | None = None
    clinessdai: Annotated[int, Field(ge=0, le=135)] | None = None
    active_joint_count: Annotated[int, Field(ge=0, le=71)] | None = None
    jdm: JdmCoreSet = JdmCoreSet()
    components: ActivityComponents = ActivityComponents()

