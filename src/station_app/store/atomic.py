"""Atomic, durable file writes: temp file in the same folder, fsync, os.replace, fsync the folder, read back."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path


def fsync_file(path: Path) -> None:
    with open(path, "rb+") as f:
        os.fsync(f.fileno())


def fsync_dir(path: Path) -> None:
    if os.name == "nt":  # directories cannot be opened for fsync on Windows; NTFS journals the rename
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def replace_durably(tmp: Path, dest: Path) -> None:
    os.replace(tmp, dest)
    fsync_dir(dest.parent)


def write_atomic(dest: Path, data: bytes, *, mode: int | None = None) -> str:
    """Write `data` to `dest` so a power cut leaves either the old file or the whole new one.

    Returns the sha256 of what was read back from disk, after checking it matches what was meant to be written.
    """
    dest = Path(dest)
    # New folders are owner-only (what is written holds personal data; mkstemp makes the file 0600 already).
    dest.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        replace_durably(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    expected = hashlib.sha256(data).hexdigest()
    actual = hashlib.sha256(dest.read_bytes()).hexdigest()
    if actual != expected:
        raise OSError(f"{dest}: read-back check failed (written data does not match)")
    return actual
