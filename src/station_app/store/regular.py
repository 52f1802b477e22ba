"""Reading a file from outside (a USB stick) only if it is a regular file.

A FIFO blocks `open` until someone writes to it, /dev/zero never ends, a socket or a folder is no file: each is
refused at once, without blocking (O_NONBLOCK) and without reading from it; the check is on the opened
descriptor, so a path swapped between a check and the open changes nothing.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO


def open_regular(path: Path | str) -> BinaryIO | None:
    """A binary file object for `path` if it is a regular file (links followed), else None. OSError as usual
    (FileNotFoundError, PermissionError)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        regular = stat.S_ISREG(os.fstat(fd).st_mode)
    except OSError:
        os.close(fd)
        raise
    if not regular:
        os.close(fd)
        return None
    return os.fdopen(fd, "rb")


def read_regular(path: Path | str, cap: int) -> bytes | None:
    """At most cap + 1 bytes of a regular file (the caller refuses more), or None when it is not a regular file."""
    f = open_regular(path)
    if f is None:
        return None
    with f:
        return f.read(cap + 1)
