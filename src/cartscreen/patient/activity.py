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

    cmas: Annotated[float, Field(ge=0, le=52)] | None = Field(
        default=None, description="Childhood Myositis Assessment Scale (CMAS) score; lower is "
        "weaker"
    )
    muscle_mri_diffuse_edema: bool | None = Field(
        default=None, description="true when muscle MRI shows extensive, diffuse edema"
    )
    phga_cm: Annotated[float, Field(ge=0, le=10)] | None = Field(
        default=None, description="physician global assessment of disease activity (PhGA), on a "
        "10 cm visual analogue scale"
    )
    ptga_cm: Annotated[float, Field(ge=0, le=10)] | None = Field(
        default=None, description="patient/parent global assessment (PtGA), on a 10 cm visual "
        "analogue scale"
    )
    das: Annotated[float, Field(ge=0, le=20)] | None = Field(
        default=None, description="JDM Disease Activity Score (DAS): skin 0–9 plus muscle 0–11"
    )
    chaq: Annotated[float, Field(ge=0, le=3)] | None = Field(
        default=None, description="Childhood Health Assessment Questionnaire (C-HAQ) disability "
        "index"
    )
    muscle_enzyme_max_x_uln: Annotated[float, Field(ge=0, le=1000)] | None = Field(
        default=None, description="highest muscle enzyme as a multiple of its upper limit"
    )


class ActivityComponents(Fact):
    """The items behind activity scores; cartscreen computes the total from them."""

    sledai_2k: SledaiComponents | None = Field(
        default=None, description="descriptors at the visit (activity.assessed_on) or the 10 "
        "days before it"
    )
    mrss: MrssSites | None = Field(
        default=None, description="skin thickness 0–3 at each of the 17 mRSS sites; all 17 needed"
    )
    essdai: EssdaiDomains | None = Field(
        default=None, description="the activity level of each of the 12 ESSDAI domains"
    )


class Activity(Fact):
    assessed_on: date | None = Field(
        default=None, description="date of the disease activity assessment; dates every score "
        "and measure here"
    )
    sledai_2k: Annotated[int, Field(ge=0, le=105)] | None = Field(
        default=None, description="SLEDAI-2K total score"
    )
    mrss: Annotated[int, Field(ge=0, le=51)] | None = Field(
        default=None, description="modified Rodnan skin score (mRSS) total"
    )
    essdai: Annotated[int, Field(ge=0, le=123)] | None = Field(
        default=None, description="ESSDAI total score (EULAR Sjögren's disease activity index)"
    )
    clinessdai: Annotated[int, Field(ge=0, le=135)] | None = Field(
        default=None, description="clinESSDAI total: the ESSDAI without its biological domain, "
        "re-weighted"
    )
    active_joint_count: Annotated[int, Field(ge=0, le=71)] | None = Field(
        default=None, description="number of joints with active arthritis (71-joint count)"
    )
    jdm: JdmCoreSet = Field(
        default=JdmCoreSet(), description="JDM core set measures: CMAS, global assessments, DAS, "
        "C-HAQ, muscle enzymes"
    )
    components: ActivityComponents = Field(
        default=ActivityComponents(), description="the items behind activity scores; cartscreen "
        "computes the totals from them"
    )

