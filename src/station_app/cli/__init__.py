"""`station-app`: the command-line front door. Never imports Qt.

Exit codes (docs/operations.md):
  0  success
  1  an operation that ran and failed: a refused bundle, a missing or full USB stick, a locked database; or an
     unexpected error (a short sentence on the terminal, the details in the log file it names)
  2  bad input: a mistyped command or option, an invalid value, a missing installation; nothing was written

Start-up is kept light: `--version` answers before argparse is built, and only the module of the command being run
is imported (`--help` lists the commands from COMMANDS without importing any of them, so neither imports SQLAlchemy).
"""

from __future__ import annotations

import sys

from station_app import __version__
from station_app.core.i18n import N_, _, set_language

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
    "station_app.cli.recovery_cmds",
    "station_app.cli.records_cmds",
    "station_app.cli.screening_cmds",
    "station_app.cli.gui_cmd",
    "station_app.cli.report_print_cmds",
    "station_app.cli.selftest_cmd",
)

#: Each top-level command: the module that registers it and its one-line help (English msgid; shown by `--help`
#: without importing the module). tests/cli/test_front_door.py checks this table against what the modules register.
#: A command missing here still works (every module is then imported); add it here to keep start-up fast.
COMMANDS: dict[str, tuple[str, str]] = {
    "init": ("station_app.cli.setup_cmds", N_("set up this installation")),
    "user": ("station_app.cli.setup_cmds", N_("users")),
    "schedule": ("station_app.cli.setup_cmds",
                 N_("this village's 三务 posting schedule (default: 财务 monthly, 村务 and 党务 quarterly)")),
    "consult": ("station_app.cli.records", N_("legal consultations")),
    "adviser": ("station_app.cli.work_cmds", N_("legal advisers")),
    "duty": ("station_app.cli.work_cmds", N_("advisers' duty shifts and work log")),
    "posting": ("station_app.cli.work_cmds", N_("三务 postings (Party, village, finances)")),
    "outreach": ("station_app.cli.work_cmds", N_("outreach events")),
    "mediation": ("station_app.cli.mediation_cmds", N_("people's mediation cases")),
    "stats": ("station_app.cli.report_cmds", N_("yearly figures, as in the township report")),
    "demo": ("station_app.cli.report_cmds",
             N_("build a demo township year (a centre and 21 villages) and print its figures")),
    "report": ("station_app.cli.report_print_cmds",
               N_("printed reports (PDF, optional Excel): annual, monthly, adviser hours, postings")),
    "check": ("station_app.cli.maintenance", N_("check the database (integrity, schema version, search index, counter)")),
    "backup": ("station_app.cli.maintenance", N_("back up and restore")),
    "identity": ("station_app.cli.sync_cmds", N_("this installation's keys and public card")),
    "enroll": ("station_app.cli.sync_cmds",
               N_("enroll a station card / trust the township card / accept a rotation statement")),
    "stations": ("station_app.cli.sync_cmds", N_("enrolled stations, sync progress, revoked keys")),
    "revoke": ("station_app.cli.sync_cmds", N_("revoke a station key (a lost PC)")),
    "bundle": ("station_app.cli.sync_cmds", N_("sync bundles")),
    "ledger": ("station_app.cli.ledger_cmds", N_("import and export Excel/CSV ledgers (台账)")),
    "access-log": ("station_app.cli.access_log_cmds", N_("who revealed which personal data, and when")),
    "fork": ("station_app.cli.recovery_cmds",
             N_("fork review (township): see both versions, keep one with a reason")),
    "settings": ("station_app.cli.records_cmds", N_("settings: 三务 grace days, advisers' standards")),
    "screening": ("station_app.cli.screening_cmds", N_("dispute screening register (矛盾纠纷排查)")),
    "township": ("station_app.cli.township_cmds",
                 N_("township hub: move the township's database to a PostgreSQL server")),
    "gui": ("station_app.cli.gui_cmd", N_("open the desktop app")),
    "selftest": ("station_app.cli.selftest_cmd",
                 N_("self-test: database, keys, Chinese font, PDF, bundles, GUI")),
}

#: Commands that make their installation (or none) rather than open an existing one.
NO_INSTALLATION_NEEDED = {("init", None), ("demo", None), ("backup", "restore"), ("gui", None),
                          ("selftest", None)}

#: Global options that take a value (to find the command word in argv).
_VALUED = ("--data-dir", "--user", "--lang")


def build_parser(command: str | None = "*"):
    """The parser; with a known `command` only that command's module is imported, with None none is (help only),
    with "*" all of them."""
    import importlib

    from station_app.cli.parser import StationArgumentParser

    p = StationArgumentParser(
        prog="station-app", top_level=True,
        description=_("Records and sync for village public legal service stations"),
        epilog=_("Run station-app COMMAND --help for a command's options. Exit status: 0 done, "
                 "1 the operation failed, 2 bad input (nothing written)."))
    p.add_argument("--version", action="version", version=f"station-app {__version__}",
                   help=_("show the version and exit"))
    # --help only lists the commands: plain stubs, without the global options every real parser gets.
    stubs = {"parser_class": __import__("argparse").ArgumentParser} if command is None else {}
    sub = p.add_subparsers(dest="command", metavar="COMMAND", **stubs)
    if command in COMMANDS:
        importlib.import_module(COMMANDS[command][0]).register(sub)
    elif command is None:
        for name, (_module, help_msgid) in COMMANDS.items():
            sub.add_parser(name, help=_(help_msgid), add_help=False)
    else:
        for name in _all_modules():
            importlib.import_module(name).register(sub)
    return p


def _all_modules() -> list[str]:
    extra = [m for m, _h in COMMANDS.values() if m not in MODULES]
    return list(MODULES) + sorted(set(extra), key=extra.index)


def command_word(argv: list[str]) -> str | None:
    """The first word that is not a global option or its value: the command being run (None for none)."""
    skip = False
    for a in argv:
        if skip:
            skip = False
            continue
        if a == "--":
            return None
        if a in _VALUED:
            skip = True
            continue
        if a.startswith("-"):
            continue
        return a
    return None


def _language_from(argv: list[str]) -> None:
    # The language must be known before the first help text is built.
    for i, a in enumerate(argv):
        if a == "--lang" and i + 1 < len(argv):
            set_language(argv[i + 1])
        elif a.startswith("--lang="):
            set_language(a.split("=", 1)[1])


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    _language_from(argv)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(encoding="utf-8")  # type: ignore[union-attr]
        except (AttributeError, ValueError):
            pass
    if "--version" in argv and command_word(argv) is None:
        print(f"station-app {__version__}")
        return 0
    from station_app.cli import parser as parser_module

    parser_module.localise_argparse()
    parser_module.json_errors = "--json" in argv
    word = command_word(argv)
    if word is None or word in ("help",):
        parser = build_parser(None)
        if word == "help":
            parser.print_help()
            return 0
    elif word in COMMANDS:
        parser = build_parser(word)
    else:
        # Unknown word: the full parser says "invalid choice" and lists every command, including ones from
        # modules not yet listed in COMMANDS.
        parser = build_parser("*")
    args = parser.parse_args(argv)
    from station_app.cli import runner

    return runner.run(parser, args)
