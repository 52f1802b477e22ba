"""Reading a bundle's archive as a stream: decompression, the tar members and their checks, one piece at a time.

Nothing is inflated whole: the gzip stream is decompressed on demand in small pieces and counted against the cap on
the plaintext (a decompression bomb is refused the moment it passes it), the tar is read in stream mode member by
member, and a table member is handed to its reader as a file object to parse chunk by chunk. The manifest comes
first, so every later member is checked against it as it arrives (name, order, size; sha256 once read).
"""

from __future__ import annotations

import hashlib
import json
import re
import tarfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from station_app.core.i18n import _, pgettext
from station_app.sync.results import BundleRefused

#: Payload format written by this release; a reader takes every format up to this one.
PAYLOAD_FORMAT = 2
MEMBER_MANIFEST = "manifest.json"
MEMBER_META = "meta.json"
#: Caps for the members parsed whole (the manifest lists at most 25 000 members; meta holds receipts).
MANIFEST_BYTES = 16 * 1024 * 1024
META_BYTES = 8 * 1024 * 1024
_TABLE_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_SHA_RE = re.compile(r"^[0-9a-f]{64}$")
_IN_PIECE = 64 * 1024


def _refuse(message: str) -> BundleRefused:
    return BundleRefused(message)


def _bad(problem: str) -> BundleRefused:
    return _refuse(_("the bundle's archive is malformed: {problem}", problem=problem))


def _bomb(cap: int) -> BundleRefused:
    return _refuse(_("the bundle expands beyond {value} MiB (a decompression bomb?); refused", value=cap // 2 ** 20))


def _damaged() -> BundleRefused:
    return _refuse(_("the bundle's compressed archive is damaged"))


class Inflater:
    """A read-only file object over one gzip stream held compressed in memory; refuses output beyond `cap`."""

    def __init__(self, data: bytes, cap: int):
        self._d = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        self._src = memoryview(data)
        self._pos = 0
        self._cap = cap
        self.total = 0

    def read(self, n: int = -1) -> bytes:
        if n is None or n < 0:
            n = 1 << 20  # never unbounded: callers loop until b""
        parts: list[bytes] = []
        need = n
        d = self._d
        while need > 0 and not d.eof:
            if d.unconsumed_tail:
                feed = d.unconsumed_tail
            elif self._pos < len(self._src):
                feed = self._src[self._pos:self._pos + _IN_PIECE]
                self._pos += len(feed)
            else:
                break
            try:
                out = d.decompress(feed, need)
            except zlib.error:
                raise _damaged() from None
            if out:
                self.total += len(out)
                if self.total > self._cap:
                    raise _bomb(self._cap)
                parts.append(out)
                need -= len(out)
        return b"".join(parts)

    def finish(self) -> None:
        """After the archive: the gzip stream must be complete, with nothing after it."""
        while self.read(1 << 20):
            pass
        if not self._d.eof:
            raise _refuse(_("the bundle's compressed archive is incomplete or has trailing data"))
        if self._d.unused_data or self._pos < len(self._src):
            raise _refuse(_("the bundle's compressed archive is incomplete or has trailing data"))


def gunzip_capped(data: bytes, cap: int) -> bytes:
    """Decompress one whole gzip stream (small inputs only; bundles are read with `walk`)."""
    inf = Inflater(data, cap)
    parts = []
    while chunk := inf.read(1 << 20):
        parts.append(chunk)
    inf.finish()
    return b"".join(parts)


def loads(data: bytes, member: str) -> Any:
    """Strict JSON of a small member: UTF-8, no duplicate keys, no NaN/Infinity, bounded nesting."""
    def no_dupes(pairs):
        out = {}
        for k, v in pairs:
            if k in out:
                raise ValueError(f"duplicate key {k!r}")
            out[k] = v
        return out

    def no_constants(name):
        raise ValueError(f"{name} is not JSON")

    try:
        return json.loads(data.decode("utf-8"), object_pairs_hook=no_dupes, parse_constant=no_constants)
    except RecursionError:
        raise _refuse(_("{member} in the bundle is nested too deeply", member=member)) from None
    except (UnicodeDecodeError, ValueError) as e:
        msg = str(e)[:120]
        raise _refuse(_("{member} in the bundle is not valid JSON: {msg}", member=member, msg=msg)) from None


@dataclass
class Entry:
    name: str
    size: int
    sha256: str


class MemberReader:
    """A member's bytes as a file object, hashed and counted on the way (checked against the manifest after)."""

    def __init__(self, f, entry: Entry):
        self._f = f
        self.entry = entry
        self._h = hashlib.sha256()
        self.read_bytes = 0

    @property
    def name(self) -> str:
        return self.entry.name

    def read(self, n: int = 1 << 20) -> bytes:
        if n is None or n < 0:
            n = 1 << 20
        data = self._f.read(min(n, max(self.entry.size - self.read_bytes, 0))) if self._f is not None else b""
        self._h.update(data)
        self.read_bytes += len(data)
        return data

    def drain(self) -> None:
        while self.read(1 << 20):
            pass

    def verify(self) -> None:
        self.drain()
        if self.read_bytes != self.entry.size:
            raise _bad(_("member {value!r} is truncated", value=self.name[:80]))
        if self._h.hexdigest() != self.entry.sha256:
            raise _bad(_("member {value!r} does not match the manifest", value=self.name[:80]))


@dataclass
class Manifest:
    format: int
    tables: list[str]
    files: list[str]
    members: list[Entry]

    def table_member(self, table: str) -> str:
        return f"tables/{table}.json" if self.format == 1 else f"tables/{table}.jsonl"


def parse_manifest(data: bytes) -> Manifest:
    m = loads(data, MEMBER_MANIFEST)
    if isinstance(m, dict) and isinstance(m.get("format"), int) and not isinstance(m["format"], bool) \
            and m["format"] > PAYLOAD_FORMAT:
        raise _refuse(_("this bundle was made by a newer version of the app (payload format {format}; this app reads up to format {payload_format}): update the app, then import it again", format=m['format'], payload_format=PAYLOAD_FORMAT))
    if not isinstance(m, dict) or set(m) != {"format", "tables", "files", "members"} \
            or m["format"] not in (1, 2) or isinstance(m["format"], bool) or not isinstance(m["tables"], list) \
            or not isinstance(m["files"], list) or not isinstance(m["members"], list):
        raise _bad(_("manifest.json has the wrong fields"))
    tables, files = m["tables"], m["files"]
    if not all(isinstance(t, str) and _TABLE_RE.match(t) for t in tables) or len(set(tables)) != len(tables):
        raise _bad(_("manifest.json names an invalid or repeated table"))
    if not all(isinstance(h, str) and _SHA_RE.match(h) for h in files) or files != sorted(set(files)):
        raise _bad(_("manifest.json lists invalid, repeated or unsorted files"))
    man = Manifest(m["format"], tables, files, [])
    expected = [MEMBER_META] + [man.table_member(t) for t in tables] + [f"files/{h}" for h in files]
    listed = m["members"]
    if len(listed) != len(expected) or not all(
            isinstance(e, dict) and set(e) == {"name", "size", "sha256"} and e["name"] == n
            and isinstance(e["size"], int) and not isinstance(e["size"], bool) and e["size"] >= 0
            and isinstance(e["sha256"], str) and _SHA_RE.match(e["sha256"])
            for e, n in zip(listed, expected)):
        raise _bad(_("manifest.json's member list is wrong"))
    man.members = [Entry(e["name"], e["size"], e["sha256"]) for e in listed]
    return man


def walk(data: bytes, limits) -> Iterator[tuple[str, Any, Any]]:
    """Yield the archive's content in order, checking it as it goes:

        ("manifest", Manifest, None), ("meta", dict, None), ("table", name, MemberReader) ..., ("file", sha, bytes) ...

    A table's reader must be consumed before the next item is asked for (what is left is drained and hashed). The
    walk ends only after every member the manifest lists was seen and the archive and gzip stream ended cleanly."""
    inf = Inflater(data, limits.plaintext_bytes)
    try:
        tf = tarfile.open(fileobj=inf, mode="r|")
    except BundleRefused:
        raise
    except (tarfile.TarError, EOFError):
        raise _bad(_("cannot be read")) from None
    manifest: Manifest | None = None
    seen: set[str] = set()
    count = 0
    position = 0  # index into manifest.members
    try:
        while True:
            try:
                m = tf.next()
            except BundleRefused:
                raise
            except (tarfile.TarError, EOFError):
                raise _bad(_("the archive is damaged")) from None
            if m is None:
                break
            name = m.name
            count += 1
            if count > limits.members:
                raise _bad(_("too many members"))
            if m.pax_headers or m.type not in (tarfile.REGTYPE, tarfile.AREGTYPE):
                # one English text; Chinese says which of the two it is
                raise _bad(pgettext("link", "not a regular file (link or special): {name!r}", name=name[:80])
                           if m.issym() or m.islnk() else
                           pgettext("special file", "not a regular file (link or special): {name!r}", name=name[:80]))
            if ".." in name.split("/") or name.startswith("/") or "\\" in name:
                raise _bad(_("path outside the archive: {value!r}", value=name[:80]))
            if name in seen:
                raise _bad(_("duplicated member: {value!r}", value=name[:80]))
            seen.add(name)
            if m.size > limits.member_bytes:
                raise _bad(_("member {value!r} is too large", value=name[:80]))
            if manifest is None:
                if name != MEMBER_MANIFEST:
                    raise _bad(_("manifest.json is missing (it must come first)"))
                if m.size > MANIFEST_BYTES:
                    raise _bad(_("manifest.json is too large"))
                manifest = parse_manifest(_read_whole(tf, m))
                yield "manifest", manifest, None
                continue
            names = [e.name for e in manifest.members]
            if position >= len(names) or names[position] != name:
                if name not in names:
                    raise _bad(_("unexpected member {value!r}", value=name[:80]))
                if names.index(name) > position:
                    raise _bad(_("member {value!r} is missing", value=names[position][:80]))
                raise _bad(_("members are out of order"))
            entry = manifest.members[position]
            position += 1
            if m.size != entry.size:
                raise _bad(_("member {value!r} does not match the manifest", value=name[:80]))
            reader = MemberReader(tf.extractfile(m), entry)
            if name == MEMBER_META:
                if m.size > META_BYTES:
                    raise _bad(_("meta.json is too large"))
                body = _take(reader)
                yield "meta", loads(body, MEMBER_META), None
            elif name.startswith("tables/"):
                table = name[len("tables/"):].rsplit(".", 1)[0]
                yield "table", table, reader
                reader.verify()
            else:
                if m.size > limits.file_bytes:
                    raise _bad(_("member {value!r} is too large", value=name[:80]))
                yield "file", name[len("files/"):], _take(reader)
        if manifest is None:
            raise _bad(_("manifest.json is missing (it must come first)"))
        if position < len(manifest.members):
            missing = manifest.members[position].name
            raise _bad(_("member {value!r} is missing", value=missing[:80]))
        # Whatever follows the end-of-archive marker must be the zero padding of the last record.
        while True:
            rest = tf.fileobj.read(1 << 20)
            if not rest:
                break
            if rest.count(0) != len(rest):
                raise _bad(_("there is data after the end of the archive"))
        inf.finish()
    finally:
        tf.close()


def _take(reader: MemberReader) -> bytes:
    parts = []
    while chunk := reader.read(1 << 20):
        parts.append(chunk)
    reader.verify()
    return b"".join(parts)


def _read_whole(tf, m) -> bytes:
    f = tf.extractfile(m)
    data = f.read(m.size) if f is not None else b""
    if len(data) != m.size:
        raise _bad(_("member {value!r} is truncated", value=m.name[:80]))
    return data
