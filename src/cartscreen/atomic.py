"""Write a file so that an interrupted run never leaves half of it: a temporary file in the
same folder, renamed into place only when complete."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO, cast


@contextlib.contextmanager
def atomic_text_file(path: Path) -> Iterator[TextIO]:
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, then renamed
        "w", encoding="utf-8", newline="", dir=path.parent or Path("."),
        prefix=f".{path.name}.", suffix=".partial", delete=False,
    )
    try:
        with handle:
            yield cast(TextIO, handle)
        os.replace(handle.name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(handle.name)
        raise
