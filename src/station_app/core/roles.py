"""Who may do what: the permission table (docs/roles.md is its readable copy; a test keeps them in step).

Roles are the values of `codes.Role`. A permission is a short dotted name. The store enforces the table on every
write (by table, see TABLE_PERMISSIONS) and services check the finer actions (closing a mediation, revealing
personal data, managing users and keys), so no front end can go around it.
"""

from __future__ import annotations

from station_app.core.codes import Role
from station_app.core.errors import StationError
from station_app.core.i18n import _, NP_, tr

DISPATCHER, ADVISER, MEDIATOR, TOWNSHIP, ADMIN = (Role.DISPATCHER.value, Role.ADVISER.value, Role.MEDIATOR.value,
                                                  Role.TOWNSHIP_STAFF.value, Role.ADMIN.value)
EVERYONE = frozenset({DISPATCHER, ADVISER, MEDIATOR, TOWNSHIP, ADMIN})

#: permission -> (the roles that have it, what it lets a user do: a message translated with tr())
PERMISSIONS: dict[str, tuple[frozenset[str], tuple[str, str]]] = {
    "consultation.read": (EVERYONE - {MEDIATOR}, NP_("permission", "see consultations (personal data masked)")),
    "consultation.write": (frozenset({DISPATCHER, ADVISER, TOWNSHIP, ADMIN}), NP_("permission", "record, correct, delete consultations")),
    "consultation.reveal": (frozenset({ADVISER, TOWNSHIP, ADMIN}), NP_("permission", "see consultants' full names and phones (logged)")),
    "adviser.write": (frozenset({DISPATCHER, TOWNSHIP, ADMIN}), NP_("permission", "keep the adviser roster")),
    "duty.write": (frozenset({DISPATCHER, ADVISER, TOWNSHIP, ADMIN}), NP_("permission", "record duty shifts and work logs")),
    "duty.reveal": (frozenset({ADVISER, TOWNSHIP, ADMIN}), NP_("permission", "see full personal data in work logs (logged)")),
    "posting.write": (frozenset({DISPATCHER, ADMIN}), NP_("permission", "record 三务公开 postings")),
    "outreach.write": (frozenset({DISPATCHER, ADVISER, TOWNSHIP, ADMIN}), NP_("permission", "record outreach events")),
    "mediation.read": (frozenset({ADVISER, MEDIATOR, TOWNSHIP, ADMIN}), NP_("permission", "see mediation files (masked)")),
    "mediation.write": (frozenset({ADVISER, MEDIATOR, ADMIN}), NP_("permission", "open cases, record sessions and follow-ups")),
    "mediation.close": (frozenset({MEDIATOR, ADMIN}), NP_("permission", "close and archive mediation cases")),
    "mediation.reveal": (frozenset({MEDIATOR, ADMIN}), NP_("permission", "see parties' full personal data (logged)")),
    "station.settings": (frozenset({TOWNSHIP, ADMIN}), NP_("permission", "change station settings (posting schedule)")),
    "records.write": (frozenset({DISPATCHER, ADVISER, TOWNSHIP, ADMIN}), NP_("permission", "record other ledger records")),
    "ledger.import": (frozenset({DISPATCHER, TOWNSHIP, ADMIN}), NP_("permission", "import ledger files")),
    "ledger.export": (frozenset({DISPATCHER, TOWNSHIP, ADMIN}), NP_("permission", "export ledger files (with personal data)")),
    "bundle.export": (frozenset({DISPATCHER, TOWNSHIP, ADMIN}), NP_("permission", "export sync bundles")),
    "bundle.import": (frozenset({DISPATCHER, TOWNSHIP, ADMIN}), NP_("permission", "import sync bundles")),
    "report.read": (EVERYONE, NP_("permission", "see statistics and reports")),
    "stations.read": (EVERYONE, NP_("permission", "see stations and sync progress")),
    "keys.manage": (frozenset({ADMIN}), NP_("permission", "manage keys: enrol cards, rotate, revoke, escrow, restore bundles")),
    "user.manage": (frozenset({ADMIN}), NP_("permission", "manage users")),
    "backup.make": (EVERYONE, NP_("permission", "make a backup")),
    "backup.restore": (frozenset({ADMIN}), NP_("permission", "restore a backup")),
    "accesslog.read": (frozenset({ADMIN}), NP_("permission", "read the access log")),
}

#: What writing a row of each table needs (checked by the store's Writer on add, update and delete).
TABLE_PERMISSIONS: dict[str, str] = {
    "consultations": "consultation.write",
    "advisers": "adviser.write",
    "duty_shifts": "duty.write",
    "duty_log_entries": "duty.write",
    "postings": "posting.write",
    "posting_photos": "posting.write",
    "outreach_events": "outreach.write",
    "mediation_cases": "mediation.write",
    "mediation_parties": "mediation.write",
    "mediation_sessions": "mediation.write",
    "mediation_followups": "mediation.write",
    "mediation_documents": "mediation.write",
    "mediation_agents": "mediation.write",
    "mediation_investigations": "mediation.write",
    "mediation_obligations": "mediation.write",
    "mediation_performances": "mediation.write",
    "mediation_extensions": "mediation.write",
    "mediation_committees": "station.settings",  # the committee's formal names and mediator roster
    "outreach_photos": "outreach.write",
    "adviser_assignments": "adviser.write",
    "duty_confirmations": "duty.write",
    "screening_items": "records.write",
    "stations": "station.settings",
    "record_history": "",  # written with every change: the change itself was checked
}
#: Setting these fields needs more than the table's permission (checked by the Writer on update, and on add when
#: the value is not the column's default): closing and archiving a mediation case is a mediator's or an admin's.
FIELD_PERMISSIONS: dict[str, dict[str, str]] = {
    "mediation_cases": {"outcome": "mediation.close", "closed_on": "mediation.close",
                        "archived_on": "mediation.close"},
}

#: Tables not listed above (added by later work) need this.
DEFAULT_TABLE_PERMISSION = "records.write"


class PermissionDenied(StationError):
    """The signed-in user's role may not do this. Nothing was written."""

    def __init__(self, login: str, role: str, permission: str):
        self.login, self.role, self.permission = login, role, permission
        action = tr(PERMISSIONS[permission][1]) if permission in PERMISSIONS else permission
        if not role:
            super().__init__(_("{login} is not an active user of this installation and may not {action}",
                               login=login, action=action))
        else:
            super().__init__(_("user {login} ({role}) may not {action}", login=login, role=role_label(role),
                               action=action))


def role_label(role: str) -> str:
    try:
        return Role(role).label
    except ValueError:
        return role


def allowed(role: str, permission: str) -> bool:
    entry = PERMISSIONS.get(permission)
    if entry is None:
        raise KeyError(f"unknown permission {permission!r}")
    return role in entry[0]


def table_permission(table: str) -> str:
    return TABLE_PERMISSIONS.get(table, DEFAULT_TABLE_PERMISSION)
