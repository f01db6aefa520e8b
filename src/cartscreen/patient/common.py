"""What every table of the patient file shares: the base model and the value types."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

Sex = Literal["female", "male"]
PosNeg = Literal["positive", "negative"]
Disease = Literal["jdm", "imnm", "pjia", "ssc", "pss", "sle", "other"]

DISEASE_NAMES: dict[str, str] = {
    "jdm": "juvenile dermatomyositis",
    "imnm": "immune-mediated necrotizing myopathy",
    "pjia": "polyarticular juvenile idiopathic arthritis",
    "ssc": "systemic sclerosis",
    "pss": "primary Sjögren's syndrome",
    "sle": "systemic lupus erythematosus",
    "other": "another disease",
}

DISEASE_ABBREVIATIONS: dict[str, str] = {
    "jdm": "JDM", "imnm": "IMNM", "pjia": "pJIA", "ssc": "SSc", "pss": "pSS", "sle": "SLE",
    "other": "other",
}

NonNegative = Annotated[float, Field(ge=0)]
Percent = Annotated[float, Field(ge=0, le=100)]
class Fact(BaseModel):
    """Base for every table of the patient file: strict types, no unknown keys, immutable."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

