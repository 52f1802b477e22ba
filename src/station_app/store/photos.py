"""Photo evidence on disk: files under photos/ named by their sha256 (photos/ab/ab12…ef.jpg), so the same photo is
kept once and a bundle can carry it by hash. Reading checks type (by extension and content) and size."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from station_app.config import Paths
from station_app.core.errors import FieldProblem, ValidationError
from station_app.core.i18n import _, pgettext
from station_app.store.atomic import write_atomic
from station_app.store.stationdb import Writer

#: Photos larger than this are refused (a phone photo is a few MB; this keeps bundles on a USB stick small).
MAX_PHOTO_BYTES = 20 * 1024 * 1024
MEDIA_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}


@dataclass(frozen=True)
class PhotoFile:
    """A photo read and checked, ready to store."""

    file_name: str
    data: bytes
    sha256: str
    media_type: str

    @property
    def size(self) -> int:
        return len(self.data)


_MAGIC = {"image/jpeg": (b"\xff\xd8\xff",), "image/png": (b"\x89PNG\r\n\x1a\n",)}


def _photo_label(name: str) -> str:
    return _("photo {name}", name=name)


def read_photo(path: str | Path) -> PhotoFile:
    """Read one photo file, checking type (jpg/jpeg/png, by extension and content) and size."""
    p = Path(path)
    label = _photo_label(p.name)
    ext = p.suffix.lower()
    if ext not in MEDIA_TYPES:
        raise ValidationError.single(label, _("only jpg, jpeg or png photos are accepted"))
    try:
        size = p.stat().st_size
        if not p.is_file():
            raise IsADirectoryError(str(p))
        if size > MAX_PHOTO_BYTES:
            raise ValidationError.single(label, _("too large ({value:.1f} MB, the limit is 20 MB)", value=size / 1048576))
        data = p.read_bytes()
    except FileNotFoundError:
        raise ValidationError.single(label, pgettext("station_app.store.photos", "no such file: {p}", p=p)) from None
    except OSError as e:
        raise ValidationError.single(label, _("cannot read the file: {value}", value=e.strerror or e)) from None
    media_type = MEDIA_TYPES[ext]
    if len(data) > MAX_PHOTO_BYTES:  # the file grew while we looked
        raise ValidationError.single(label, _("too large (the limit is 20 MB)"))
    if not data.startswith(_MAGIC[media_type]):
        raise ValidationError.single(label, _("the file is not a valid jpg/png image"))
    return PhotoFile(p.name[:255], data, hashlib.sha256(data).hexdigest(), media_type)


def read_photos(paths: Iterable[str | Path]) -> list[PhotoFile]:
    """Read every photo, reporting every bad one at once."""
    out: list[PhotoFile] = []
    problems: list[FieldProblem] = []
    for path in paths:
        if isinstance(path, PhotoFile):
            out.append(path)
            continue
        try:
            out.append(read_photo(path))
        except ValidationError as e:
            problems.extend(e.problems)
    if problems:
        raise ValidationError(problems)
    return out


_SHA = re.compile(r"^[0-9a-f]{64}$")


def photo_path(paths: Paths, sha256: str, file_name: str) -> Path:
    """Where a photo's file lives: photos/ab/ab12…ef.jpg. Refuses a hash or name that could escape photos/
    (the values may come from a bundle)."""
    if not _SHA.match(sha256 or ""):
        raise ValueError(f"not a sha256: {sha256!r}")
    ext = Path(file_name or "").suffix.lower()
    if ext not in MEDIA_TYPES:
        raise ValueError(f"not a photo file name: {file_name!r}")
    return paths.photos / sha256[:2] / (sha256 + ext)


def paths_of_writer(w: Writer) -> Paths:
    # Photos live in the data directory (config.Paths), which StationDB gives its writer sessions; a session made
    # elsewhere on a SQLite file finds it beside the database.
    paths = w.session.info.get("paths")
    if paths is not None:
        return paths
    return Paths(Path(w.session.get_bind().url.database).resolve().parent)


def store_photo(paths: Paths, photo: PhotoFile) -> Path:
    """Write a photo atomically under its hash (once: the same photo twice is stored once)."""
    dest = photo_path(paths, photo.sha256, photo.file_name)
    if dest.exists() and hashlib.sha256(dest.read_bytes()).hexdigest() == photo.sha256:
        return dest
    write_atomic(dest, photo.data)
    return dest
