"""Typed errors raised by the loaders. The CLI turns them into one line and an exit code.

Messages never quote the offending value: patient files are health data, and a value in a
log or terminal scroll-back is a leak. They name the file, the key path and what was expected.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError


@dataclass(frozen=True)
class InputError(Exception):
    """A file that cannot be read or does not validate."""

    file: str
    key: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.key}" if self.key else self.file
        return f"{where}: {self.message}"


class TrialDefinitionError(InputError):
    """A trial file that cannot be read or does not validate."""


def _key_path(loc: tuple[int | str, ...]) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        elif parts:
            parts.append(f".{item}")
        else:
            parts.append(str(item))
    return "".join(parts)


_TYPE_NAMES = {
    "str": "text",
    "int": "a whole number",
    "float": "a number",
    "bool": "true or false",
    "list": "a list",
    "dict": "a table",
    "date": "a date",
    "datetime": "a date and time",
    "NoneType": "nothing",
}


def _describe_type(value: object) -> str:
    return _TYPE_NAMES.get(type(value).__name__, type(value).__name__)


def first_validation_error(exc: ValidationError) -> tuple[str | None, str]:
    """The key path and a value-free message of the first error, with a count of the rest."""
    errors = exc.errors(include_url=False, include_context=True, include_input=True)
    first = errors[0]
    # Errors raised by a model-level validator have the model's own location.
    key = _key_path(tuple(part for part in first["loc"] if part != "__root__")) or None
    kind = first["type"]
    if kind == "extra_forbidden":
        message = "unknown key; check its spelling against the documented patient file format"
    elif kind == "missing":
        message = "required key is missing"
    else:
        message = first["msg"]
        message = message.replace("Input should be", "expected").replace(
            "Value error, ", ""
        )
        if kind.endswith("_type") or kind in {"literal_error", "date_from_datetime_inexact"}:
            message += f" (got {_describe_type(first.get('input'))})"
    if len(errors) > 1:
        message += f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})"
    return key, message
