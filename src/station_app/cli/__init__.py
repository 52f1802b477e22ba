"""`station-app`: the command-line front door. Never imports Qt.

Exit codes: 0 success, 1 a failure of the operation (e.g. a refused bundle), 2 bad input (nothing written).
"""

from __future__ import annotations

import argparse
import logging
import sys

from station_app import __version__
from station_app.cli.common import Context, fail
from station_app.core.errors import StationError, ValidationError
from station_app.core.i18n import pick, set_language

#: Command modules; each has register(subparsers).
MODULES = (
    "station_app.cli.setup_cmds",
    "station_app.cli.records",
    "station_app.cli.work_cmds",
    "station_app.cli.mediation_cmds",
    "station_app.cli.report_cmds",
    "station_app.cli.maintenance",
    "station_app.cli.sync_cmds",
    "station_app.cli.ledger_cmds",
    "station_app.cli.selftest_cmd",
)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="station-app",
        description=pick("村公共法律服务工作室 台账与同步工具", "Records and sync for village public legal service stations"),
    )
    p.add_argument("--version", action="version", version=f"station-app {__version__}")
    p.add_argument("--data-dir", metavar="DIR",
                   help=pick("数据目录（默认：STATION_APP_HOME 或系统用户数据目录）",
                             "data directory (default: STATION_APP_HOME or the user data directory)"))
    p.add_argument("--user", metavar="LOGIN", default=None,
                   help=pick("以哪个用户的名义记录（默认：操作系统用户名）", "record changes as this user (default: OS user)"))
    p.add_argument("--lang", choices=["zh_CN", "en"], help=pick("界面语言", "language of messages"))
    p.add_argument("-v", "--verbose", action="store_true", help=pick("显示详细日志", "verbose logging"))
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    import importlib

    for name in MODULES:
        importlib.import_module(name).register(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # --lang must be known before help texts are built.
    for i, a in enumerate(argv):
        if a == "--lang" and i + 1 < len(argv):
            set_language(argv[i + 1])
        elif a.startswith("--lang="):
            set_language(a.split("=", 1)[1])
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(encoding="utf-8")  # type: ignore[union-attr]
        except (AttributeError, ValueError):
            pass
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    if not getattr(args, "handler", None):
        # The GUI arrives with a later issue; until then a bare `station-app` explains itself.
        parser.print_help()
        return 0
    ctx = Context.from_args(args)
    try:
        return int(args.handler(args, ctx) or 0)
    except ValidationError as e:
        return fail(ctx, e, code=2)
    except StationError as e:
        return fail(ctx, e, code=2)
    finally:
        ctx.close()
