"""What every table of the patient file shares: the base model and the value types."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

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

Percent = Annotated[float, Field(ge=0, le=100)]

ONGOING: Literal["ongoing"] = "ongoing"


def _date_or_ongoing(value: object) -> date | Literal["ongoing"]:
    # One error for both forms (a plain union would report one per form, with odd key paths).
    if isinstance(value, date) and type(value) is date:
        return value
    if value == ONGOING:
        return ONGOING
    raise PydanticCustomError(
        "end_date", 'expected a date or "ongoing" (got {got}); write the date as YYYY-MM-DD '
        'without quotes, or "ongoing" while it continues',
        {"got": "text" if isinstance(value, str) else type(value).__name__.replace(
            "datetime", "a date and time").replace("int", "a number").replace(
            "float", "a number").replace("bool", "true or false")},
    )


EndDate = Annotated[date | Literal["ongoing"], PlainValidator(_date_or_ongoing),
                    WithJsonSchema({"anyOf": [{"type": "string", "format": "date"},
                                              {"const": ONGOING}]})]
"""When something ended: a date, or "ongoing" while it continues. Left out, it is not recorded
(never taken as ongoing, nor as over)."""


class Fact(BaseModel):
    """Base for every table of the patient file: strict types, no unknown keys, immutable."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

