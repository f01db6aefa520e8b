"""Reading an input file safely: only a regular file, never a pipe or device that could keep
a run waiting for ever."""

from __future__ import annotations

import os
import stat
from pathlib import Path


class NotARegularFile(OSError):
    """A path that names a pipe (FIFO), a device or a socket: reading one can wait for ever."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


_KINDS = ((stat.S_ISFIFO, "a named pipe"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"),
          (stat.S_ISDIR, "a folder"))


def file_kind(mode: int) -> str | None:
    """What a non-regular file is ("a named pipe"), or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    return next((kind for test, kind in _KINDS if test(mode)), "not an ordinary file")


def read_regular_file(path: Path, limit: int) -> bytes:
    """Up to ``limit`` bytes of a regular file. Anything else raises :class:`NotARegularFile`
    without waiting: the file is opened without blocking (opening a FIFO for reading would
    wait for a writer) and checked on the open descriptor, so it cannot be swapped between a
    check and the read."""
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)
                         | getattr(os, "O_BINARY", 0))
    try:
        info = os.fstat(descriptor)
        kind = file_kind(info.st_mode)
        if kind is not None:
            raise NotARegularFile(kind)
        if hasattr(os, "set_blocking"):
            os.set_blocking(descriptor, True)
        # Read in pieces of about the file's size: a buffered read of ``limit`` bytes would
        # first set aside ``limit`` bytes (a mebibyte for a few kilobytes of patient file).
        chunks: list[bytes] = []
        remaining = limit
        while remaining > 0:
            chunk = os.read(descriptor, min(remaining, max(info.st_size + 1, 1 << 16)))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(descriptor)
