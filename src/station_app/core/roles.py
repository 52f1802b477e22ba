"""Who may do what: the permission table (docs/roles.md is its readable copy; a test keeps them in step).

Roles are the values of `codes.Role`. A permission is a short dotted name. The store enforces the table on every
write (by table, see TABLE_PERMISSIONS) and services check the finer actions (closing a mediation, revealing
personal data, managing users and keys), so no front end can go around it.
"""

from __future__ import annotations

from station_app.core.codes import Role
from station_app.core.errors import StationError
from station_app.core.i18n import pick

DISPATCHER, ADVISER, MEDIATOR, TOWNSHIP, ADMIN = (Role.DISPATCHER.value, Role.ADVISER.value, Role.MEDIATOR.value,
                                                  Role.TOWNSHIP_STAFF.value, Role.ADMIN.value)
EVERYONE = frozenset({DISPATCHER, ADVISER, MEDIATOR, TOWNSHIP, ADMIN})

#: permission -> (roles that hold it, what it allows in Chinese, in English)
PERMISSIONS: dict[str, tuple[frozenset[str], str, str]] = {
    "consultation.read": (EVERYONE - {MEDIATOR}, "查看咨询登记（个人信息脱敏）", "see consultations (personal data masked)"),
    "consultation.write": (frozenset({DISPATCHER, ADVISER, TOWNSHIP, ADMIN}), "登记、更正、删除咨询", "record, correct, delete consultations"),
    "consultation.reveal": (frozenset({ADVISER, TOWNSHIP, ADMIN}), "查看咨询人完整姓名和电话（记入访问日志）", "see consultants' full names and phones (logged)"),
    "adviser.write": (frozenset({DISPATCHER, TOWNSHIP, ADMIN}), "维护法律顾问名册", "keep the adviser roster"),
    "duty.write": (frozenset({DISPATCHER, ADVISER, TOWNSHIP, ADMIN}), "登记值班和工作日志", "record duty shifts and work logs"),
    "duty.reveal": (frozenset({ADVISER, TOWNSHIP, ADMIN}), "查看工作日志中的完整个人信息（记入访问日志）", "see full personal data in work logs (logged)"),
    "posting.write": (frozenset({DISPATCHER, ADMIN}), "登记三务公开", "record 三务公开 postings"),
    "outreach.write": (frozenset({DISPATCHER, ADVISER, TOWNSHIP, ADMIN}), "登记普法活动", "record outreach events"),
    "mediation.read": (frozenset({ADVISER, MEDIATOR, TOWNSHIP, ADMIN}), "查看调解案卷（脱敏）", "see mediation files (masked)"),
    "mediation.write": (frozenset({ADVISER, MEDIATOR, ADMIN}), "受理调解、记录调解过程和回访", "open cases, record sessions and follow-ups"),
    "mediation.close": (frozenset({MEDIATOR, ADMIN}), "结案、归档调解案件", "close and archive mediation cases"),
    "mediation.reveal": (frozenset({MEDIATOR, ADMIN}), "查看调解当事人完整信息（记入访问日志）", "see parties' full personal data (logged)"),
    "station.settings": (frozenset({TOWNSHIP, ADMIN}), "修改站点设置（三务公开频率）", "change station settings (posting schedule)"),
    "records.write": (frozenset({DISPATCHER, ADVISER, TOWNSHIP, ADMIN}), "登记其他台账记录", "record other ledger records"),
    "ledger.import": (frozenset({DISPATCHER, TOWNSHIP, ADMIN}), "导入台账文件", "import ledger files"),
    "ledger.export": (frozenset({DISPATCHER, TOWNSHIP, ADMIN}), "导出台账文件（含个人信息）", "export ledger files (with personal data)"),
    "bundle.export": (frozenset({DISPATCHER, TOWNSHIP, ADMIN}), "导出同步包", "export sync bundles"),
    "bundle.import": (frozenset({DISPATCHER, TOWNSHIP, ADMIN}), "导入同步包", "import sync bundles"),
    "report.read": (EVERYONE, "查看统计报表", "see statistics and reports"),
    "stations.read": (EVERYONE, "查看站点与同步进度", "see stations and sync progress"),
    "keys.manage": (frozenset({ADMIN}), "管理密钥：登记名片、轮换、吊销、托管、恢复包", "manage keys: enrol cards, rotate, revoke, escrow, restore bundles"),
    "user.manage": (frozenset({ADMIN}), "管理用户", "manage users"),
    "backup.make": (EVERYONE, "立即备份", "make a backup"),
    "backup.restore": (frozenset({ADMIN}), "从备份恢复", "restore a backup"),
    "accesslog.read": (frozenset({ADMIN}), "查看访问日志", "read the access log"),
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
        what = PERMISSIONS.get(permission, (frozenset(), permission, permission))
        if not role:
            super().__init__(pick(f"{login} 不是本机的用户（或已停用），不能{what[1]}",
                                  f"{login} is not an active user of this installation and may not {what[2]}"))
        else:
            super().__init__(pick(f"用户 {login}（{role_label(role)}）无权{what[1]}",
                                  f"user {login} ({role_label(role)}) may not {what[2]}"))


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
