"""Restoring an old backup at a station: what will be lost, what the township already has, and a new epoch.

A backup from before the last export knows fewer bundles than the station really sent: continuing from it would
reuse bundle numbers (the township refuses them as a fork) and, without care, change counters. So, when a restore
goes back in time:
- before the swap, `assess` reads the current database and the backup (read-only, plain sqlite3) and says which
  records the backup lacks, which of them left in bundles (and which bundles the township confirmed), and which
  were never exported;
- after the swap, `continue_after_restore` carries over the bundle log and outbox of the replaced database (so the
  next bundle continues the chain and `--resend` still works) and starts a new epoch, whose counters (epoch x
  EPOCH_SPAN) no change of the replaced database ever used, so the township accepts the next bundles.
The lost records that reached the township come back with a restore-export (docs/operations.md §6).
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from station_app.core.i18n import _, N_, NP_, tr
from station_app.store.keys_models import ExportedBundle
from station_app.store.models import SYNCED_MODELS, LocalState
from station_app.store.recovery_models import OutboxBundle
from station_app.store.sync_models import ChainBase

#: How the warning names a table (zh, en).
LABELS = {"stations": N_("stations"), "advisers": N_("advisers"), "duty_shifts": N_("duty shifts"),
          "duty_log_entries": N_("duty log entries"), "consultations": N_("consultations"),
          "mediation_cases": N_("mediation cases"), "mediation_parties": N_("mediation parties"),
          "mediation_sessions": N_("mediation sessions"),
          "mediation_followups": N_("mediation follow-ups"),
          "mediation_documents": N_("mediation documents"), "postings": NP_("table", "postings"),
          "posting_photos": N_("posting photos"), "outreach_events": N_("outreach events")}

_EXPORT_COLS = ("kind", "number", "epoch", "counter_from", "counter_to", "status", "sha256", "prev_sha256",
                "key_id", "path", "size", "created_at")


def _ro(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro", uri=True)


def _tables(con) -> set[str]:
    return {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def _state(con) -> tuple[str, int, int]:
    sid, counter, epoch = con.execute("SELECT station_id, counter, epoch FROM local_state WHERE id=1").fetchone()
    return sid, counter, epoch


def _exported(con, kind: str | None = "changes") -> list[dict]:
    if "exported_bundles" not in _tables(con):
        return []
    rows = con.execute(f"SELECT {', '.join(_EXPORT_COLS)} FROM exported_bundles "
                       "WHERE status='written' AND (? IS NULL OR kind=?) ORDER BY kind, number", (kind, kind)).fetchall()
    return [dict(zip(_EXPORT_COLS, r)) for r in rows]


def assess(current: Path, source: Path) -> dict[str, Any]:
    """What restoring `source` over `current` would lose. Never raises for an unreadable current database."""
    with closing(_ro(source)) as con:
        b_sid, b_counter, b_epoch = _state(con)
        b_exported = _exported(con)
        b_all = {(e["kind"], e["number"]) for e in _exported(con, None)}
    plan: dict[str, Any] = {"backup_counter": b_counter, "backup_epoch": b_epoch, "current_readable": False,
                            "behind": False, "lost": {"records": {}, "unsent": {}, "exported_numbers": []},
                            "township": None}
    b_last = max((e["number"] for e in b_exported), default=0)
    try:
        with closing(_ro(current)) as con:
            sid, counter, epoch = _state(con)
            names = _tables(con)
            records: dict[str, int] = {}
            unsent: dict[str, int] = {}
            exported = [e for e in _exported(con) if e["number"] > b_last]
            last_to = max((e["counter_to"] for e in _exported(con)), default=0)
            # Every kind's numbering is carried (a township restoring an old backup continues its reference chain).
            carry = [e for e in _exported(con, None) if (e["kind"], e["number"]) not in b_all]
            for model in SYNCED_MODELS:
                t = model.__tablename__
                if t == "record_history" or t not in names:
                    continue
                n, m = con.execute(f'SELECT count(*), coalesce(sum(counter > ?), 0) FROM "{t}" '
                                   "WHERE station_id=? AND counter>?", (last_to, sid, b_counter)).fetchone()
                if n:
                    records[t] = n
                if m:
                    unsent[t] = m
            receipt = None
            if "sync_receipts" in names:
                receipt = con.execute("SELECT numbers, contiguous_number, contiguous_counter, issued_at "
                                      "FROM sync_receipts WHERE station_id=?", (sid,)).fetchone()
    except (sqlite3.Error, TypeError):
        plan["behind"] = True  # nothing can be compared: assume the worst
        return plan
    plan.update(current_readable=True, current_counter=counter, current_epoch=epoch,
                behind=counter > b_counter or bool(carry) or sid != b_sid)
    plan["lost"] = {"records": records, "unsent": unsent, "exported_numbers": [e["number"] for e in exported]}
    plan["carry"] = carry
    if receipt is not None:
        plan["township"] = {"numbers": json.loads(receipt[0]) if isinstance(receipt[0], str) else receipt[0],
                            "contiguous_number": receipt[1], "contiguous_counter": receipt[2],
                            "issued_at": receipt[3]}
    return plan


def continue_after_restore(db, plan: dict[str, Any], replaced: Path | None) -> dict[str, Any] | None:
    """After the swap: carry the replaced database's bundle log and outbox over, and start a new epoch.
    Returns {epoch, counter, carried} or None when the restore did not go back in time."""
    from station_app.sync.restore import EPOCH_SPAN

    if not plan.get("behind"):
        return None
    carry = plan.get("carry") or []
    outbox: dict[int, tuple] = {}
    base = None
    if replaced is not None and carry:
        try:
            with closing(_ro(replaced)) as con:
                if "sync_outbox" in _tables(con):
                    for n, sha, size, data, at in con.execute(
                            "SELECT number, sha256, size, data, stored_at FROM sync_outbox WHERE kind='changes'"):
                        outbox[n] = (sha, size, data)
                if "sync_chain_base" in _tables(con):
                    base = con.execute("SELECT station_id, number, sha256, counter_to, epoch FROM sync_chain_base"
                                       ).fetchone()
        except sqlite3.Error:
            pass
    with db.raw_write() as s:
        state = s.get(LocalState, 1)
        highest = max(state.counter, plan.get("current_counter") or 0)
        epoch = max(state.epoch, plan.get("current_epoch") or 0) + 1
        while epoch * EPOCH_SPAN <= highest:
            epoch += 1
        state.epoch, state.counter = epoch, epoch * EPOCH_SPAN
        held = set(s.execute(select(ExportedBundle.kind, ExportedBundle.number)).all())
        carried = []
        for e in carry:
            if (e["kind"], e["number"]) in held:
                continue
            values = dict(e)
            if isinstance(values["created_at"], str):
                values["created_at"] = datetime.fromisoformat(values["created_at"])
            s.add(ExportedBundle(**values))
            got = outbox.get(e["number"]) if e["kind"] == "changes" else None
            if got:
                s.add(OutboxBundle(kind="changes", number=e["number"], sha256=got[0], size=got[1], data=got[2]))
            if e["kind"] == "changes":
                carried.append(e["number"])
        if base is not None and base[0] == state.station_id and s.get(ChainBase, base[0]) is None:
            s.add(ChainBase(station_id=base[0], number=base[1], sha256=base[2], counter_to=base[3], epoch=base[4]))
    return {"epoch": epoch, "counter": epoch * EPOCH_SPAN, "carried": carried}


def describe(plan: dict[str, Any], code: str | None = None) -> list[str]:
    """The warning, in plain words: what will be lost, what the township has, how to get it back."""
    from station_app.sync.merge import _ranges_text

    lines: list[str] = []
    if not plan["current_readable"]:
        return [_("the current database cannot be read, so the changes after the backup cannot be compared. The station continues in a new epoch; before exporting, import the township's latest reference bundle and ask the township for the last bundle number it holds.")]
    lost = plan["lost"]
    total = sum(lost["records"].values())
    if not plan["behind"]:
        return [_("the backup is as recent as the database: nothing is lost.")]
    if total:
        per = _(", ").join(f"{tr(LABELS[t]) if t in LABELS else t} {n}" for t, n in sorted(lost["records"].items()))
        lines.append(_("warning: {total} records added or changed after the backup will be gone from this PC ({per}).", total=total, per=per))
    nums = lost["exported_numbers"]
    if nums:
        lines.append(_("after the backup this station exported bundles {ranges_text}; numbering continues after them, so nothing clashes.", ranges_text=_ranges_text(nums)))
    t = plan.get("township")
    if t and t["numbers"]:
        held = [n for a, b in t["numbers"] for n in range(a, b + 1)]
        lines.append(_("the township has confirmed bundles {ranges_text} of this station (up to change counter {contiguous_counter}): it holds their records.", ranges_text=_ranges_text(held), contiguous_counter=t['contiguous_counter']))
    else:
        lines.append(_("the township has not confirmed any bundle of this station."))
    unsent = sum(lost["unsent"].values())
    if unsent:
        lines.append(_("{unsent} of them were never exported: they exist only in the replaced database (kept in backups/ before the restore).", unsent=unsent))
    lines.append(_("to get back the records the township holds: init this station in a new data directory, export its card, have the township run station-app bundle restore-export --station {value} --card NEW.card --out DIR, and import it there (operations guide §6). After the restore this station continues in a new epoch, and the township accepts its next bundles as usual.", value=code or 'CODE'))
    return lines


def catch_up(s, station_id: str, receipts: list[dict]) -> dict[str, int] | None:
    """At a station importing the township's reference bundle: if the township holds more of this station's bundles
    than this installation remembers exporting (an old backup restored over a damaged database), continue the chain
    after the township's last bundle, and in a new epoch if this station's counter fell behind what the township
    holds, so the next export is neither a same-number fork nor a counter reused. Runs inside the merge transaction."""
    from station_app.sync.restore import EPOCH_SPAN

    r = next((x for x in receipts if x["station_id"] == station_id), None)
    if r is None or not r["last_number"]:
        return None
    written = s.execute(select(ExportedBundle.number).where(ExportedBundle.kind == "changes")
                        .order_by(ExportedBundle.number.desc()).limit(1)).scalar_one_or_none() or 0
    base = s.get(ChainBase, station_id)
    if r["last_number"] <= max(written, base.number if base else 0):
        return None
    state = s.get(LocalState, 1)
    if state.counter <= r["high_counter"]:
        epoch = max(state.epoch, r["epoch"]) + 1
        while epoch * EPOCH_SPAN <= max(r["high_counter"], state.counter):
            epoch += 1
        state.epoch, state.counter = epoch, epoch * EPOCH_SPAN
    if base is None:
        base = ChainBase(station_id=station_id)
        s.add(base)
    # The next export starts after what the township holds without a gap; anything after that it holds already is
    # sent again unchanged and skipped there.
    base.number, base.sha256, base.counter_to, base.epoch = (r["last_number"], r["last_sha256"],
                                                             r["contiguous_counter"], state.epoch)
    return {"number": r["last_number"], "epoch": state.epoch}
