"""Owner-only files: everything in a data directory holds personal data (names, phones, consultation text,
password hashes), so on POSIX every folder in it is 0700 and every file 0600, whatever the umask.

Files are created private (`create_private_file`, `private_dir`, write_atomic's mkstemp), SQLite's -wal/-shm files
take the database file's mode, and `harden` puts the modes right on every open (an installation made by an older
release, or a file someone copied in). Windows: the user profile's ACLs already restrict the folder; nothing to do.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600
POSIX = os.name == "posix"


def _chmod(path: Path, mode: int) -> None:
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    if stat.S_ISLNK(st.st_mode) or stat.S_IMODE(st.st_mode) == mode:
        return  # never follow a link out of the data dir
    try:
        os.chmod(path, mode)
    except OSError:  # a file of another user (copied in as root?): leave it, `check` would say so
        pass


def private_dir(path: Path) -> Path:
    """mkdir -p with mode 0700 for every folder it makes, and the folder itself set to 0700."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    if POSIX:
        _chmod(path, DIR_MODE)
    return path


def create_private_file(path: Path) -> Path:
    """Create `path` empty with mode 0600 if it does not exist (before a library creates it with 0644 & ~umask);
    set 0600 if it does."""
    path = Path(path)
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_APPEND, FILE_MODE)
    os.close(fd)
    if POSIX:
        _chmod(path, FILE_MODE)
    return path


def make_private(path: Path) -> None:
    """0600 for a file, 0700 for a folder (POSIX only)."""
    if not POSIX:
        return
    path = Path(path)
    _chmod(path, DIR_MODE if path.is_dir() and not path.is_symlink() else FILE_MODE)


def harden(root: Path) -> None:
    """Owner-only modes for the data dir and everything in it. Cheap when already right: the whole tree is walked
    only when the data dir itself was not private (an older installation); otherwise its top two levels."""
    if not POSIX:
        return
    root = Path(root)
    try:
        was_private = stat.S_IMODE(os.lstat(root).st_mode) == DIR_MODE
    except FileNotFoundError:
        return
    _chmod(root, DIR_MODE)
    if not was_private:
        for dirpath, dirnames, filenames in os.walk(root):
            for d in dirnames:
                _chmod(Path(dirpath) / d, DIR_MODE)
            for f in filenames:
                _chmod(Path(dirpath) / f, FILE_MODE)
        return
    for entry in os.scandir(root):
        if entry.is_dir(follow_symlinks=False):
            _chmod(Path(entry.path), DIR_MODE)
            if entry.name != "photos":  # photos are made private as they are written
                for sub in os.scandir(entry.path):
                    _chmod(Path(sub.path), DIR_MODE if sub.is_dir(follow_symlinks=False) else FILE_MODE)
        elif entry.is_file(follow_symlinks=False):
            _chmod(Path(entry.path), FILE_MODE)
