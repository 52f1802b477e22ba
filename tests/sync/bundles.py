"""In-memory bundles for the data half's tests: what open_bundle hands to the merge, without files or keys.

A station's `Outbox` numbers its exports, chains them by sha256 and carries the counter range, exactly as the
transport's exporter does; the payload goes through a JSON round trip and `validate_payload`, as on import.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from station_app.store.models import SYNCED_MODELS, LocalState
from station_app.sync.payload import Payload, collect_changes, validate_payload


@dataclass
class Header:
    format: int
    kind: str
    station_id: str
    station_code: str
    number: int
    epoch: int
    counter_from: int
    counter_to: int
    prev_sha256: str | None
    created_at: str = "2024-01-01T00:00:00Z"
    key_id: str = "0123456789ABCDEF"


@dataclass
class Opened:
    path: Path
    sha256: str
    header: Header
    payload: Payload


def seal(header: Header, payload: Payload, *, path: str | None = None) -> Opened:
    """Serialise as the wire would, hash the result, and re-validate what a reader would get."""
    body = json.dumps({"header": header.__dict__, "tables": payload.tables, "meta": payload.meta,
                       "files": {k: v.hex() for k, v in sorted(payload.files.items())}},
                      sort_keys=True, ensure_ascii=False).encode()
    sha = hashlib.sha256(body).hexdigest()
    wire = json.loads(body)
    validated = validate_payload(wire["tables"], {k: bytes.fromhex(v) for k, v in wire["files"].items()},
                                 wire["meta"], kind=header.kind, signer_station_id=header.station_id)
    name = path or f"{header.station_code}-{header.kind}-{header.number:05d}.bundle"
    return Opened(Path(name), sha, header, validated)


@dataclass
class Outbox:
    """A station's export state: next number, previous sha256, counter exported so far."""

    db: object
    number: int = 0
    prev: str | None = None
    exported_to: int = 0
    sent: list[Opened] = field(default_factory=list)

    def export(self, *, full: bool = False) -> Opened | None:
        db = self.db
        upto = db.counter()
        after = 0 if full else self.exported_to
        if upto <= after:
            return None
        with db.read() as s:
            epoch = s.execute(select(LocalState.epoch)).scalar_one()
        payload = collect_changes(db, after, upto)
        self.number += 1
        st = db.station()
        h = Header(1, "changes", db.station_id, st.code, self.number, epoch, after, upto, self.prev)
        b = seal(h, payload)
        self.prev = b.sha256
        self.exported_to = upto
        self.sent.append(b)
        return b


def dump_origin(db, station_id: str) -> dict[str, list[tuple]]:
    """Every row of every synced table that originates at `station_id`, sorted: what must converge."""
    out = {}
    with db.read() as s:
        for model in SYNCED_MODELS:
            t = model.__table__
            rows = s.execute(select(t).where(t.c.station_id == station_id).order_by(t.c.id)).all()
            out[model.__tablename__] = [tuple(r) for r in rows]
    return out
