"""Helpers for the transport tests: a station and a township that know each other, a whole-database dump, and a
way to wrap arbitrary (even malicious) archive bytes into a correctly signed and encrypted bundle."""

from __future__ import annotations

import io
import sqlite3
import tarfile
from dataclasses import replace
from pathlib import Path

from station_app.core.codes import StationKind
from station_app.services.consultations import record_consultation
from station_app.sync import bundle, identity, setup
from station_app.sync.bundle import BundleHeader

CONSULT = {"occurred_at": "2024-03-02 09:30", "channel": "来访", "category": "继承", "summary": "遗产怎么分",
           "anonymous": True}


def make_pair(make_station, code: str = "S01", *, enroll: bool = True):
    """(station, township): both with keys; the station trusts the township, the township enrolled the station."""
    township = make_station("T00", "小王庄镇公共法律服务中心", StationKind.CENTRE)
    setup.after_init(township)
    station = make_station(code, "小苏庄村")
    setup.after_init(station, township_card=str(township.paths.keys / identity.CARD_FILE))
    if enroll:
        identity.enroll(township, station.paths.keys / identity.CARD_FILE)
    return station, township


def add_station(make_station, township, code: str, name: str = "另一村"):
    s = make_station(code, name)
    setup.after_init(s, township_card=str(township.paths.keys / identity.CARD_FILE))
    identity.enroll(township, s.paths.keys / identity.CARD_FILE)
    return s


def consult(db, summary: str = "遗产怎么分"):
    return record_consultation(db, "tester", {**CONSULT, "summary": summary}).first("consultations")


def dump(db) -> dict[str, list[tuple]]:
    """Every row of every table of the database file (what 'the township database is unchanged' compares)."""
    con = sqlite3.connect(db.paths.database)
    try:
        names = [r[0] for r in con.execute("select name from sqlite_master where type='table' order by name")]
        return {n: sorted(map(repr, con.execute(f'select * from "{n}"').fetchall())) for n in names}
    finally:
        con.close()


def header_for(db, number: int = 1, **changes) -> BundleHeader:
    key = identity.own_key(db)
    st = db.station()
    h = BundleHeader(format=1, kind="changes", station_id=st.id, station_code=st.code, number=number, epoch=0,
                     counter_from=0, counter_to=max(db.counter(), 1), prev_sha256=None,
                     created_at="2024-03-02T01:00:00Z", key_id=key.key_id)
    return replace(h, **changes)


def wrap(db, archive: bytes, path: Path, *, header: BundleHeader | None = None,
         recipients: list[str] | None = None) -> Path:
    """Sign and encrypt arbitrary archive bytes with `db`'s real keys, to its trusted township by default."""
    header = header or header_for(db)
    if recipients is None:
        recipients = [identity.township_key(db).age_recipient]
    sk = identity.load_signing_key(db)
    data = bundle.seal(archive, header, secret_key=sk, recipients=recipients)
    path.write_bytes(data)
    return path


def tar_gz(members: list[tuple[str, bytes] | tarfile.TarInfo], *, trailing: bytes = b"") -> bytes:
    """A gzip'd ustar archive from (name, data) pairs or ready TarInfo objects (links and the like)."""
    import gzip

    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as tf:
        for m in members:
            if isinstance(m, tarfile.TarInfo):
                tf.addfile(m)
                continue
            name, data = m
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return gzip.compress(raw.getvalue() + trailing, mtime=0)


def archive_members(db, after: int = 0) -> list[tuple[str, bytes]]:
    """The members a correct archive of db's changes would have (to be tampered with)."""
    import gzip

    from station_app.sync.payload import collect_changes

    p = collect_changes(db, after, db.counter())
    raw = gzip.decompress(bundle.build_archive(p.tables, p.files, p.meta, payload_format=1))
    with tarfile.open(fileobj=io.BytesIO(raw)) as tf:
        return [(m.name, tf.extractfile(m).read()) for m in tf.getmembers()]


def plain_tar_gz(members: list[tuple[str, bytes]]) -> bytes:
    return tar_gz(members)


def with_manifest(members: list[tuple[str, bytes]], *, listed: list[tuple[str, bytes]] | None = None) -> bytes:
    """A gzip'd archive of `members` (no manifest among them) headed by a manifest that lists `listed`
    (default: exactly the members), so the tampering reaches the check under test."""
    import hashlib
    import json

    listed = members if listed is None else listed
    tables = [n[len("tables/"):-len(".json")] for n, _ in listed if n.startswith("tables/")]
    files = [n[len("files/"):] for n, _ in listed if n.startswith("files/")]
    manifest = {"format": 1, "tables": tables, "files": files,
                "members": [{"name": n, "size": len(d), "sha256": hashlib.sha256(d).hexdigest()} for n, d in listed]}
    return tar_gz([("manifest.json", json.dumps(manifest).encode())] + members)
