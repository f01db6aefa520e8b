"""Loading a patient file: read, parse, validate and apply the plausibility rules."""


from __future__ import annotations

import codecs
import math
import re
import tomllib
from collections.abc import Callable
from datetime import date
from pathlib import Path

from pydantic import ValidationError

from cartscreen.errors import (
    InputError,
    all_validation_errors,
    describe_toml_error,
    first_validation_error,
    more_problems,
)
from cartscreen.files import NotARegularFile, read_regular_file
from cartscreen.patient.model import Patient
from cartscreen.patient.plausibility import (
    dates_out_of_range,
    facts_against_screening_date,
    implausible_facts,
)
from cartscreen.toml_parse import loads as loads_toml
from cartscreen.tomlpos import key_line


def load_patient(path: Path) -> Patient:
    """Read and validate one patient file; raise :class:`InputError` naming file, line and key.

    Besides the model's own validation this applies the plausibility rules that need nothing
    but the file (:func:`implausible_facts`); those that need the screening date in effect are
    :func:`check_against_screening_date`. Every rule is an error: nothing is silently fixed.
    """
    file = str(path)
    text = _read_text(path)
    data = _parse_toml(file, text)
    if "criteria" in data and "record_version" in data:
        raise InputError(file, None, "a trial file, not a patient file; give check and explain "
                         "patient files, and load trial files with --trials FOLDER")
    failure: tuple[str | None, str] | None = None
    try:
        patient = Patient.model_validate(data)
    except ValidationError as exc:
        # The error embeds the file's values: keep only the key and our value-free message,
        # and raise outside this block so the exception is not even attached as context.
        failure = first_validation_error(exc, Patient)
    if failure is not None:
        key, message = failure
        raise InputError(file, key, message, _line(text, key))
    problems = list(implausible_facts(patient))
    if problems:
        raise _first_problem(file, text, problems)
    return patient


def file_problems(path: Path, screening: Callable[[Patient], tuple[date, str]]
                  ) -> list[InputError]:
    """Every problem of one patient file at once, for ``cartscreen validate``: reading and
    syntax stop at the first (nothing after can be trusted); otherwise every schema error,
    then, if the file validates, every plausibility rule and every rule of the screening date
    in effect (``screening`` gives it and its source for the patient)."""
    file = str(path)
    try:
        text = _read_text(path)
        data = _parse_toml(file, text)
    except InputError as exc:
        return [exc]
    failures: list[tuple[str | None, str]] = []
    try:
        patient = Patient.model_validate(data)
    except ValidationError as exc:
        failures = all_validation_errors(exc, Patient)
    if not failures:
        failures = list(implausible_facts(patient))
        # The rules of the screening date do date arithmetic: not on dates out of range.
        if not any(True for _ in dates_out_of_range(patient)):
            day, source = screening(patient)
            failures += facts_against_screening_date(patient, day, source)
    found = [InputError(file, key, message, _line(text, key)) for key, message in failures]
    return sorted(found, key=lambda error: error.line or 0)


# A patient file is a few kilobytes; these limits are far above any real one and keep a stray
# file from stalling a batch. tomllib's time grows with the square of a dotted key's length (a
# line of 100,000 dots takes minutes), and a dotted key cannot span lines.
MAX_FILE_BYTES = 1024 * 1024
MAX_DOTS_PER_LINE = 1000


def _read_text(path: Path) -> str:
    file = str(path)
    try:
        raw = read_regular_file(path, MAX_FILE_BYTES + 1)
    except NotARegularFile as exc:
        raise InputError(file, None, f"not a regular file ({exc.kind}); a patient file is "
                         "read whole, so save the patient to an ordinary .toml file and give "
                         "its path") from None
    except OSError as exc:
        raise InputError(file, None, f"cannot read file ({exc.strerror or type(exc).__name__})"
                         "; check the path and its permissions") from None
    if len(raw) > MAX_FILE_BYTES:
        raise InputError(file, None, "larger than 1 MiB, far more than a patient file holds; "
                         "check that this is a patient file")
    if not raw.strip():
        raise InputError(file, None, "empty file; expected a TOML patient file (see the "
                         "complete example in the README)")
    if _looks_like_utf16(raw):
        raise InputError(file, None, "UTF-16 text (as some Windows editors save); save the "
                         "file as UTF-8")
    if b"\x00" in raw:
        raise InputError(file, None, "binary data, not a text file; expected a TOML patient "
                         "file")
    bad_byte: int | None = None
    try:
        # A byte-order mark, which some editors write, is encoding, not content.
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad_byte = exc.start
    if bad_byte is not None:
        # Raised outside the except block, so the error (which holds the file's bytes) is not
        # even attached as context.
        raise InputError(file, None, "not UTF-8 text; save the file as UTF-8",
                         raw[:bad_byte].count(b"\n") + 1)
    if raw.count(b".") > MAX_DOTS_PER_LINE:  # only then look line by line
        for number, content in enumerate(text.splitlines(), start=1):
            if content.count(".") > MAX_DOTS_PER_LINE:
                raise InputError(file, None, f"more than {MAX_DOTS_PER_LINE} dots on one line, "
                                 "far more than a patient file's keys and values hold; check "
                                 "that this is a patient file", number)
    return text


def _looks_like_utf16(raw: bytes) -> bool:
    """A UTF-16 byte-order mark, or (without one) text whose every other byte is zero, as
    UTF-16 writes the letters, digits and signs a TOML file is made of."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    sample = raw[:512]
    even, odd = sample[0::2], sample[1::2]
    zeros_even, zeros_odd = not even.strip(b"\x00"), not odd.strip(b"\x00")
    return len(sample) >= 4 and zeros_even != zeros_odd


def _parse_toml(file: str, text: str) -> dict[str, object]:
    failure: tuple[int | None, str] | None = None
    non_finite: list[str] = []
    try:
        data = loads_toml(text, parse_float=_float_noting_non_finite(non_finite))
    except tomllib.TOMLDecodeError as exc:
        failure = describe_toml_error(exc, text)
    except RecursionError:
        failure = None, "tables or lists nested too deeply; a patient file needs a few levels"
    except ValueError:  # Python's limit on the digits of an integer (4,300 by default)
        failure = (_line_of_long_number(text), "a number too long to read (thousands of "
                   "digits); write the measurement as an ordinary number")
    if failure is not None:
        line, message = failure
        raise InputError(file, None, message, line)
    if not data:
        raise InputError(file, None, "no keys, only comments; expected a TOML patient file "
                         "(see the complete example in the README)")
    bad_number = _first_non_finite(data) if non_finite else None
    if bad_number is not None:
        raise InputError(file, bad_number, "not a finite number (inf or nan); write an "
                         "ordinary number, or leave the key out if it is not known",
                         _line(text, bad_number))
    return data


def _line_of_long_number(text: str) -> int | None:
    for number, content in enumerate(text.splitlines(), start=1):
        if _LONG_NUMBER.search(content):
            return number
    return None


_LONG_NUMBER = re.compile(r"[0-9_]{1000,}")


def _float_noting_non_finite(seen: list[str]) -> Callable[[str], float]:
    """A ``parse_float`` that notes inf and nan, so that only a file holding one is searched
    for its key (most files hold none, and the search visits every value). Every literal that
    is not a finite float reaches it, whichever parser :func:`loads_toml` uses."""
    def parse(literal: str) -> float:
        value = float(literal)
        if not math.isfinite(value):
            seen.append(literal)
        return value
    return parse


def _first_non_finite(data: dict[str, object]) -> str | None:
    """The key path of the first inf or nan (TOML allows them; no measurement is one)."""
    stack: list[tuple[str, object]] = [(key, value) for key, value in reversed(data.items())]
    while stack:
        path, value = stack.pop()
        if isinstance(value, float) and not math.isfinite(value):
            return path
        if isinstance(value, dict):
            stack.extend((f"{path}.{k}", v) for k, v in reversed(value.items()))
        elif isinstance(value, list):
            stack.extend((f"{path}[{i}]", v) for i, v in reversed(list(enumerate(value))))
    return None


def _line(text: str, key: str | None) -> int | None:
    return key_line(text, key) if key else None


def _first_problem(file: str, text: str | None, problems: list[tuple[str, str]]) -> InputError:
    key, message = problems[0]
    if len(problems) > 1:
        rest = len(problems) - 1
        message += more_problems(rest)
    return InputError(file, key, message, _line(text, key) if text is not None else None)

def check_against_screening_date(patient: Patient, path: Path, screening: date,
                                 source: str = "patient file") -> None:
    """Raise :class:`InputError` for the first fact that the screening date in effect (the
    file's screening_date, else --as-of, else today; ``source`` says which) contradicts: a
    birth after it, an age that disagrees with the birth date, an event after it."""
    problems = list(facts_against_screening_date(patient, screening, source))
    if problems:
        raise _first_problem(str(path), _text_or_none(path), problems)


def _text_or_none(path: Path) -> str | None:
    """The file's text again, only to find the line of an error."""
    try:
        return path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None

