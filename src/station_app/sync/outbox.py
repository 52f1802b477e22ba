"""The station's outbox: every changes bundle it exported, kept byte for byte, and `bundle export --resend N`.

Re-sending writes exactly the bundle the township is missing (same number, same signed header and payload, same
sha256), so the township's gap closes with the bundle itself and no new number is used. A bundle exported before
the outbox existed is taken from the file it was written to, if that file is still there unchanged; otherwise the
message names the fallback (`--from`, a new bundle reaching back over the lost one's counter range, which closes the
gap at the township as well; see sync/gaps.py).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

from sqlalchemy import select

from station_app.core.errors import ValidationError
from station_app.core.i18n import _
from station_app.store.atomic import write_atomic
from station_app.store.keys_models import ExportedBundle
from station_app.store.recovery_models import OutboxBundle
from station_app.store.models import utcnow

#: More numbers than this in one --resend is a typo, not a request (a station exports a few bundles a month).
MAX_RESEND = 1000
_SPEC = re.compile(r"^\d{1,9}(-\d{1,9})?$")


def store(s, kind: str, number: int, data: bytes) -> None:
    """Keep an exported bundle (inside the transaction that marks it written). The outbox's sha256 is that of the
    file's bytes, whatever the bundle log calls the bundle's identity: it guards the copy, nothing else."""
    sha256 = hashlib.sha256(data).hexdigest()
    row = s.execute(select(OutboxBundle).where(OutboxBundle.kind == kind, OutboxBundle.number == number)
                    ).scalar_one_or_none()
    if row is None:
        s.add(OutboxBundle(kind=kind, number=number, sha256=sha256, size=len(data), data=data, stored_at=utcnow()))
    elif row.sha256 != sha256:
        row.sha256, row.size, row.data, row.stored_at = sha256, len(data), data, utcnow()


def _bad(message: str) -> ValidationError:
    return ValidationError.single("--resend", message)


def parse_spec(text: str, last: int) -> list[int]:
    """`2`, `2-4` or `2,5-7` -> numbers, each between 1 and the last bundle exported (never materialising more)."""
    numbers: set[int] = set()
    for part in (text or "").replace("，", ",").split(","):
        part = part.strip()
        if not _SPEC.match(part):
            raise _bad(_("{part!r} must be a bundle number N or a range N-M (e.g. 2 or 2-4)", part=part))
        a, _unused, b = part.partition("-")
        first, end = int(a), int(b or a)
        if first < 1 or end < first:
            raise _bad(_("the range {part} is not valid: numbers start at 1 and a range must not end before it starts", part=part))
        if end > last:
            raise _bad(_("this station has exported bundles 1-{last} only; there is no bundle {end}", last=last, end=end)
                       if last else _("this station has not exported any bundle yet"))
        if end - first + 1 + len(numbers) > MAX_RESEND:
            raise _bad(_("at most {max_resend} bundles can be re-sent at once", max_resend=MAX_RESEND))
        numbers.update(range(first, end + 1))
    return sorted(numbers)


def _copy_of(s, row: ExportedBundle) -> bytes | None:
    kept = s.execute(select(OutboxBundle).where(OutboxBundle.kind == row.kind, OutboxBundle.number == row.number)
                     ).scalar_one_or_none()
    if kept is not None and hashlib.sha256(kept.data).hexdigest() == kept.sha256:
        return kept.data
    if row.path:
        try:
            data = Path(row.path).read_bytes()
        except OSError:
            return None
        if row.sha256 in (hashlib.sha256(data).hexdigest(), _identity_of(data)):
            return data
    return None


def _identity_of(data: bytes) -> str | None:
    """The bundle id of a file's bytes (the exported log holds ids since 0006; 0.1.0 logged the file's sha256)."""
    from station_app.sync.bundle import _split, bundle_id
    from station_app.sync.results import BundleRefused

    try:
        sig, body = _split(data)
    except BundleRefused:
        return None
    return bundle_id(sig.trusted_comment, body)


def resend(db, spec: str, out_dir: Path) -> list[dict[str, Any]]:
    """Write the exported bundles `spec` names again into out_dir, byte for byte. Checks every number first, so
    either all are written or none (a file already there with the same content is simply written again)."""
    from station_app.sync.bundle import bundle_file_name
    from station_app.sync.exporter import sync_logger

    with db.read() as s:
        rows = {r.number: r for r in s.execute(select(ExportedBundle).where(
            ExportedBundle.kind == "changes", ExportedBundle.status == "written")).scalars()}
        base = _base_number(db)
        numbers = parse_spec(spec, max(rows, default=0))
        copies: dict[int, bytes] = {}
        for n in numbers:
            row = rows.get(n)
            if row is None:
                if n <= base:
                    raise _bad(_("bundle {n} was exported by the old PC before the restore; this installation does not have it, and the township already holds its contents", n=n))
                raise _bad(_("this station never exported bundle {n}", n=n))
            data = _copy_of(s, row)
            if data is None:
                raise _bad(
                    _("bundle {n} was exported before the outbox existed and its file {path} is gone or changed, so it cannot be sent as it was. Run station-app bundle export --from {value} --out DIR instead: a new bundle reaching over bundle {n}'s counter range, which closes the gap at the township", n=n, path=row.path, value=row.counter_from + 1))
            copies[n] = data
        code = db.station().code
    out = []
    for n in numbers:
        row = rows[n]
        path = Path(out_dir) / bundle_file_name(code, "changes", n)
        sha = write_atomic(path, copies[n])
        sync_logger(db).info("re-sent changes bundle %d (sha256 %s) to %s", n, sha, path)
        out.append({"number": n, "path": str(path), "sha256": sha, "counter_from": row.counter_from,
                    "counter_to": row.counter_to, "epoch": row.epoch})
    return out


def _base_number(db) -> int:
    from station_app.sync.restore import chain_base

    base = chain_base(db)
    return base["number"] if base else 0


def covered_numbers(db, number: int) -> list[int]:
    """Earlier exported bundles whose whole counter range the bundle `number` carries again (a `--from`/`--full`
    export): once the township holds it, a gap at any of those numbers is closed."""
    with db.read() as s:
        rows = list(s.execute(select(ExportedBundle).where(ExportedBundle.kind == "changes",
                                                           ExportedBundle.status == "written")).scalars())
    this = next((r for r in rows if r.number == number), None)
    if this is None:
        return []
    return sorted(r.number for r in rows if r.number < number and this.counter_from <= r.counter_from
                  and r.counter_to <= this.counter_to)
