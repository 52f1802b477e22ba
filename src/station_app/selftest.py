"""`station-app selftest`: does this installed copy of the app work on this PC?

Township IT runs it after installing or upgrading a station PC (and the GUI's help menu runs it). Every check works
in a temporary folder, so the station's own data is only read, never changed: the real installation, if there is one,
is checked with SQLite's quick_check and its schema compared with the app's; everything else (a database made and
migrated, keys made and read back, a PDF written, a bundle sent to a temporary township and imported there) happens
in throw-away installations. The Qt checks (font, GUI) run in ui/selftest_qt.py: nothing outside ui/ imports Qt.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from station_app import __version__, config
from station_app.core.i18n import _


@dataclass
class CheckResult:
    name: str
    ok: bool
    detail: str
    seconds: float

    def as_dict(self) -> dict:
        return {"check": self.name, "ok": self.ok, "detail": self.detail, "seconds": round(self.seconds, 3)}


@contextmanager
def _scratch() -> Iterator[Path]:
    root = Path(tempfile.mkdtemp(prefix="station-app-selftest-"))
    try:
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


def check_installation(paths: config.Paths) -> str:
    """The station's own database, if any: read-only integrity check and schema revision."""
    from station_app.store.db import head_revision

    if paths.database_url is not None:
        # A township hub on PostgreSQL (issue 14): the server answers and the schema is known (read only, too).
        from station_app.store.dburl import mask
        from station_app.store.pgcheck import health_check_pg
        from station_app.store.stationdb import database_url

        url = database_url(paths) or ""  # a damaged setting is an error naming the file
        bad = [i for i in health_check_pg(url) if not i.ok and i.name in ("server", "migrations")]
        if bad and bad[0].name == "server":
            raise RuntimeError(bad[0].detail)
        return bad[0].detail if bad else _("{url} answers, schema {head}", url=mask(url), head=head_revision())
    db_file = paths.database
    if not db_file.exists():
        return _("no installation yet at {root}; skipped", root=paths.root)
    # Read-only: a self-test never migrates or writes the station's own data.
    con = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)
    try:
        bad = [r[0] for r in con.execute("PRAGMA quick_check")]
        rev = con.execute("SELECT version_num FROM alembic_version").fetchone()
    finally:
        con.close()
    if bad != ["ok"]:
        raise RuntimeError(_("database damaged: {join}", join='; '.join(bad[:3])))
    head = head_revision()
    if rev and rev[0] != head:
        return _("{db_file} is sound; schema {value} will be upgraded to {head} on open (backed up first)", db_file=db_file, value=rev[0], head=head)
    return _("{db_file} is sound, schema {head}", db_file=db_file, head=head)


def _make(root: Path, code: str, name: str, kind, township_card: Path | None = None):
    from station_app.services.setup import init_installation
    from station_app.sync import setup as sync_setup

    db = init_installation(config.resolve(root / code), kind=kind, code=code, name=name, actor="selftest")
    sync_setup.after_init(db, township_card=str(township_card) if township_card else None)
    return db


def check_database(scratch: Path) -> str:
    from station_app.core.codes import StationKind
    from station_app.store.db import head_revision, integrity_check

    with _make(scratch / "db", "S99", "自检村", StationKind.VILLAGE) as db:
        path = db.paths.database
    problems = integrity_check(path)
    if problems:
        raise RuntimeError("; ".join(problems[:3]))
    return _("created a database and migrated it to {head_revision}", head_revision=head_revision())


def check_keys(scratch: Path) -> str:
    from station_app.core.codes import StationKind
    from station_app.sync import identity

    with _make(scratch / "keys", "S98", "自检村", StationKind.VILLAGE) as db:
        own = identity.own_key(db)
        identity.load_signing_key(db)
        if not identity.age_identities(db):
            raise RuntimeError(_("the decryption key cannot be read"))
        return _("signing and encryption keys made and read back (fingerprint {fingerprint})", fingerprint=own.fingerprint)


def check_pdf(scratch: Path) -> str:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    from station_app.resources import cjk_font_path

    font = cjk_font_path()
    pdfmetrics.registerFont(TTFont("StationCJK", str(font)))
    out = scratch / "selftest.pdf"
    c = canvas.Canvas(str(out), pagesize=A4)
    c.setFont("StationCJK", 14)
    c.drawString(72, 760, "人民调解协议书 自检")
    c.save()
    data = out.read_bytes()
    if not data.startswith(b"%PDF") or b"/FontFile2" not in data:
        raise RuntimeError(_("the PDF does not embed the Chinese font"))
    return _("wrote a PDF with the Chinese font embedded ({name}, {len} bytes)", name=font.name, len=len(data))


def check_bundle(scratch: Path) -> str:
    from station_app.core.codes import StationKind
    from station_app.services import consultations
    from station_app.sync import identity
    from station_app.sync.exporter import export_bundle
    from station_app.sync.importer import import_paths

    root = scratch / "sync"
    with _make(root, "T99", "自检镇中心", StationKind.CENTRE) as township:
        township_card = identity.export_card(township, root / "township.card")
    with _make(root, "S97", "自检村", StationKind.VILLAGE, township_card) as station:
        station_card = identity.export_card(station, root / "station.card")
        consultations.record_consultation(station, "selftest", {
            "occurred_at": "2021-03-05 09:30", "channel": "来访", "category": "婚姻家庭",
            "summary": "自检咨询", "answer": "自检答复", "anonymous": True})
        bundle = export_bundle(station, root / "usb")
    if bundle is None:
        raise RuntimeError(_("no bundle was exported"))
    with _open(root / "T99") as township:
        identity.enroll(township, station_card)
        results = import_paths(township, [bundle])
    if [r.status for r in results] != ["imported"]:
        raise RuntimeError("; ".join(f"{r.status}: {r.message}" for r in results))
    return _("a bundle was signed, encrypted, exported and imported at a temporary township ({st_size} bytes)", st_size=bundle.stat().st_size)


def _open(root: Path):
    from station_app.services.base import StationDB

    return StationDB.open(config.resolve(root))


def checks(paths: config.Paths, *, gui: bool = True) -> list[tuple[str, Callable[[Path], str]]]:
    items: list[tuple[str, Callable[[Path], str]]] = [
        (_("this PC's installation"), lambda _s: check_installation(paths)),
        (_("database create and migrate"), check_database),
        (_("keys"), check_keys),
        (_("PDF with the Chinese font"), check_pdf),
        (_("bundle round trip"), check_bundle),
    ]
    if gui:
        def qt_font(s: Path) -> str:
            from station_app.ui.selftest_qt import check_font_renders

            return check_font_renders()

        def qt_gui(s: Path) -> str:
            from station_app.ui.selftest_qt import check_gui_starts

            return check_gui_starts(s)

        items += [(_("Chinese font renders"), qt_font),
                  (_("GUI starts"), qt_gui)]
    return items


def run(paths: config.Paths, *, gui: bool = True,
        report: Callable[[CheckResult], None] | None = None) -> list[CheckResult]:
    """Run every check; one failing check never stops the others."""
    results: list[CheckResult] = []
    with _scratch() as scratch:
        for name, fn in checks(paths, gui=gui):
            t0 = time.perf_counter()
            try:
                res = CheckResult(name, True, fn(scratch), time.perf_counter() - t0)
            except Exception as e:  # a self-test reports every failure, whatever its kind
                detail = f"{type(e).__name__}: {e}"
                res = CheckResult(name, False, detail, time.perf_counter() - t0)
                res.trace = traceback.format_exc()  # type: ignore[attr-defined]
            results.append(res)
            if report:
                report(res)
    return results


def version_line() -> str:
    return f"station-app {__version__}"
