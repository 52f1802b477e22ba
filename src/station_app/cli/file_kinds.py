"""Which command a file belongs to, for files given to the wrong one.

A newcomer hands `bundle import` a public card, an .xlsx 台账 or another station's change bundle; the bundle reader
then answers in signature terms ("no minisign signature", "unknown key"). This looks at the first bytes only (the
file is still treated as hostile: nothing is trusted, nothing is imported) and says what the file is and where it
goes.
"""

from __future__ import annotations

import json
from pathlib import Path

from station_app.core.i18n import _

SNIFF_BYTES = 64 * 1024


def describe_misdirected(path: Path, *, here_township: bool) -> str | None:
    """A sentence when `path` is plainly not a bundle this installation imports; None when it may be one."""
    try:
        with open(path, "rb") as f:
            head = f.read(SNIFF_BYTES)
    except OSError:
        return None  # the bundle reader reports unreadable files itself
    name = path.name
    if head.startswith(b"PK\x03\x04") or name.lower().endswith((".xlsx", ".xls", ".csv")):
        return _("{name} is a spreadsheet (a 台账), not a sync bundle: import it with station-app ledger import "
                 "{name} --kind KIND", name=name)
    if head.lstrip()[:1] == b"{":
        try:
            data = json.loads(head.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            data = None
        if isinstance(data, dict) and ("age_recipient" in data or "minisign_public" in data or "key_id" in data):
            return _("{name} is a public card or a key rotation statement, not a sync bundle: give it to "
                     "station-app enroll {name}", name=name)
    if head.startswith(b"untrusted comment:") and not here_township:
        kind, code = _claimed_kind(head)
        if kind == "changes":
            # Read from the unauthenticated header only to name the file; nothing is believed or imported.
            return _("{name} is a change bundle from station {code}: change bundles go to the township centre and "
                     "are imported there, not at a village station", name=name, code=code or "?")
    return None


def _claimed_kind(head: bytes) -> tuple[str | None, str | None]:
    for line in head.split(b"\n", 4)[:4]:
        if line.startswith(b"trusted comment:"):
            fields = dict(part.partition("=")[::2] for part in line.decode("utf-8", "replace").split(" ")[2:])
            return fields.get("kind"), fields.get("code")
    return None, None


def refuse_misdirected(ctx, paths: list[str]) -> int | None:
    """For `bundle import`: print a refusal for each misdirected file named on the command line and return exit
    code 1, or None when every file may be a bundle (folders are searched for *.stbundle by the importer)."""
    from station_app.cli.common import emit
    from station_app.core.codes import StationKind

    here_township = ctx.db().station().kind == StationKind.CENTRE.value
    refused = []
    for raw in paths:
        p = Path(raw)
        if p.is_file():
            why = describe_misdirected(p, here_township=here_township)
            if why is not None:
                refused.append({"path": str(p), "status": "refused", "message": why})
    if not refused:
        return None
    emit(ctx, refused, [_("{name}: refused — {message}", name=Path(r["path"]).name, message=r["message"])
                        for r in refused])
    return 1
