"""Writing output: a file is written so that an interrupted run never leaves half of it (a
temporary file in the same folder, renamed into place only when complete), and a write that
fails (a full disk) says so in words rather than as an internal error."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO, cast


class CannotWrite(Exception):
    """The output could not be written: ``where`` (a file name, or "standard output") and the
    operating system's reason, e.g. "no space left on device"."""

    def __init__(self, where: str, error: OSError) -> None:
        reason = error.strerror or type(error).__name__
        super().__init__(f"cannot write {where}: {reason[:1].lower()}{reason[1:]}")
        self.where = where


@contextlib.contextmanager
def writing(where: str) -> Iterator[None]:
    """Turn an operating-system error while writing ``where`` into :class:`CannotWrite`. A
    broken pipe is left alone: the reader stopped reading, which the command line reports in
    its own way."""
    try:
        yield
    except BrokenPipeError:
        raise
    except OSError as error:
        raise CannotWrite(where, error) from None


class GuardedText:
    """A text stream whose failed writes raise :class:`CannotWrite` naming the output."""

    def __init__(self, stream: TextIO, where: str) -> None:
        self._stream = stream
        self._where = where

    def write(self, text: str) -> int:
        # As writing() does, without a context manager for each of a batch's rows.
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            raise
        except OSError as error:
            raise CannotWrite(self._where, error) from None

    def flush(self) -> None:
        with writing(self._where):
            self._stream.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def guarded(stream: TextIO, where: str) -> TextIO:
    return cast(TextIO, GuardedText(stream, where))


@contextlib.contextmanager
def atomic_text_file(path: Path) -> Iterator[TextIO]:
    """A UTF-8 text file written whole or not at all. An existing file keeps its permissions;
    a new one gets those the user's umask gives, as a shell's ``>`` would."""
    where = str(path)
    with writing(where):
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, then renamed
            "w", encoding="utf-8", newline="", dir=path.parent or Path("."),
            prefix=f".{path.name}.", suffix=".partial", delete=False,
        )
    try:
        yield guarded(cast(TextIO, handle), where)
        with writing(where):
            handle.close()
            os.chmod(handle.name, _mode_for(path))
            os.replace(handle.name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            handle.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(handle.name)
        raise


def _mode_for(path: Path) -> int:
    """The permissions of the file being replaced, else the default for a new file."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask
