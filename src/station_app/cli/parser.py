"""The command line's argparse in the user's language, with the global options on every (sub)command.

- argparse's own words (`usage:`, `error:`, `the following arguments are required`) come from the same gettext
  catalogue as every other message: argparse looks its `_` up in its module globals at call time, so pointing that
  name at the catalogue translates them (Python's own argparse has no Chinese catalogue).
- Every parser built from StationArgumentParser (subparsers inherit the class) gets `--json --lang --data-dir --user
  -v`, so `station-app --json stations` and `station-app stations --json` mean the same. On subcommands their default
  is SUPPRESS: a value given before the subcommand is not overwritten by the subcommand's default.
- An option whose values come from a code table (core/codes.py) gets its allowed values appended to its help, and
  `choices` are listed too, so `--help` always says what may be typed.
"""

from __future__ import annotations

import argparse
from typing import Any

from station_app.core.i18n import N_, _, available_languages, translations


def _argparse_gettext(message: str) -> str:
    return translations().gettext(message)


def _argparse_ngettext(singular: str, plural: str, n: int) -> str:
    return translations().ngettext(singular, plural, n)


def localise_argparse() -> None:
    argparse._ = _argparse_gettext  # type: ignore[attr-defined]
    argparse.ngettext = _argparse_ngettext  # type: ignore[attr-defined]


#: Options whose allowed values are a code table: dest -> the table's name in core/codes.py.
CODE_TABLE_OPTIONS = {
    "channel": "Channel", "gender": "Gender", "age_band": "AgeBand", "special_groups": "SpecialGroup",
    "category": None,  # consultation category vs posting category: decided by the command, see _code_table
    "referral": "Referral", "role": "Role", "dispute_type": "DisputeType", "source": "CaseSource",
    "outcome": "MediationOutcome", "agreement_form": "AgreementForm", "medium": "PostingMedium",
    "outreach_kind": "OutreachKind", "kind_of_event": "OutreachKind", "unit": "PeriodUnit",
}

#: Help for options registered without one, by dest: `--help` explains every option.
DEFAULT_HELP = {
    "address": N_("address"), "answer": N_("the answer given"), "answered_by": N_("who answered"),
    "consultant_name": N_("the consultant's name (leave out for an anonymous consultation)"),
    "content": N_("content"), "entry": N_("one work-log entry: served|content|result"), "file": N_("the file"),
    "held_on": N_("date, e.g. 2021-03-05"), "id": N_("record id (a unique prefix is enough)"), "kind": N_("kind"),
    "limit": N_("at most this many rows"), "offset": N_("skip this many rows first"), "login": N_("login name"),
    "mediator": N_("the mediator's name"), "name": N_("name"), "note": N_("note"),
    "out": N_("where to write (the folder must exist, e.g. the USB stick)"), "paths": N_("bundle files or folders"),
    "phone": N_("phone number"), "place": N_("place"), "reason": N_("reason"), "speaker": N_("speaker"),
    "target": N_("station code or key id"), "title": N_("title"), "topic": N_("topic"),
    "year": N_("year, e.g. 2021"),
}

#: Set by cli.main when --json is on the command line (before argparse has parsed it).
json_errors = False

GLOBAL_DESTS = ("json", "lang", "data_dir", "user", "verbose")


def _code_table(dest: str, prog: str) -> Any:
    from station_app.core import codes

    name = CODE_TABLE_OPTIONS.get(dest)
    if dest == "category":
        if " consult" in prog:
            name = "ConsultationCategory"
        elif " posting" in prog or " schedule" in prog:
            name = "PostingCategory"
    return getattr(codes, name) if name else None


def allowed_values_text(values: list[str]) -> str:
    return _("allowed values: {values}", values=" / ".join(values))


class StationArgumentParser(argparse.ArgumentParser):
    def __init__(self, *args: Any, top_level: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("allow_abbrev", False)  # `--dat` must not silently mean --data-dir
        super().__init__(*args, **kwargs)
        self._top_level = top_level
        add_global_options(self, top_level=top_level)

    # The global options are listed in every --help, but left out of subcommands' usage lines, which would
    # otherwise open every error message with five options that have nothing to do with it.
    def _usage_actions(self) -> list[argparse.Action]:
        if self._top_level:
            return self._actions
        return [a for a in self._actions if a.dest not in GLOBAL_DESTS]

    def format_usage(self) -> str:
        formatter = self._get_formatter()
        formatter.add_usage(self.usage, self._usage_actions(), self._mutually_exclusive_groups)
        return formatter.format_help()

    def format_help(self) -> str:
        formatter = self._get_formatter()
        formatter.add_usage(self.usage, self._usage_actions(), self._mutually_exclusive_groups)
        formatter.add_text(self.description)
        for group in self._action_groups:
            formatter.start_section(group.title)
            formatter.add_text(group.description)
            formatter.add_arguments(group._group_actions)
            formatter.end_section()
        formatter.add_text(self.epilog)
        return formatter.format_help()

    def add_argument(self, *args: Any, **kwargs: Any) -> argparse.Action:
        action = super().add_argument(*args, **kwargs)
        _describe_values(self.prog, action)
        return action

    def add_subparsers(self, **kwargs: Any) -> argparse._SubParsersAction:
        kwargs.setdefault("parser_class", StationArgumentParser)
        kwargs.setdefault("title", _("commands"))
        return super().add_subparsers(**kwargs)

    def error(self, message: str) -> None:  # type: ignore[override]
        # Exit 2 = bad input; nothing has been opened or written yet.
        import sys

        if json_errors:  # a script asked for JSON: it gets its usage error as JSON too
            import json

            self.exit(2, json.dumps({"error": message, "usage": self.format_usage().strip()}, ensure_ascii=False)
                      + "\n")
        self.print_usage(sys.stderr)
        self.exit(2, _("{prog}: error: {message}\n", prog=self.prog, message=message))


def _describe_values(prog: str, action: argparse.Action) -> None:
    if action.help == argparse.SUPPRESS:
        return
    if not action.help and action.dest in DEFAULT_HELP:
        action.help = _(DEFAULT_HELP[action.dest])
    if not action.option_strings:
        return
    values: list[str] | None = None
    if action.choices:
        values = [str(c) for c in action.choices]
    else:
        table = _code_table(action.dest, prog)
        if table is not None:
            values = table.values()
    if not values:
        return
    help_text = action.help or ""
    if all(v in help_text for v in values):
        return
    allowed = allowed_values_text(values)
    action.help = _("{text}; {allowed}", text=help_text, allowed=allowed) if help_text else allowed


def add_global_options(p: argparse.ArgumentParser, *, top_level: bool) -> None:
    """The options every command takes, wherever they are written."""
    default = (lambda value: value) if top_level else (lambda value: argparse.SUPPRESS)
    g = p.add_argument_group(_("global options (before or after the command)"))
    g.add_argument("--data-dir", metavar="DIR", default=default(None),
                   help=_("data directory (default: STATION_APP_HOME or the user data directory)"))
    g.add_argument("--user", metavar="LOGIN", default=default(None),
                   help=_("record changes as this user (default: STATION_APP_USER, else the OS user)"))
    _describe_values(p.prog, g.add_argument("--lang", choices=available_languages(), default=default(None),
                                            help=_("language of messages")))
    g.add_argument("--json", action="store_true", default=default(False),
                   help=_("print JSON (for scripts)"))
    g.add_argument("-v", "--verbose", action="store_true", default=default(False),
                   help=_("also show the log on the terminal"))
