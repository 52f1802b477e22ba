"""Masking of personal data for lists and reports (个人信息保护法: show only what the task needs)."""

from __future__ import annotations


def mask_name(name: str | None) -> str:
    """张三 → 张*, 欧阳小明 → 欧***; an anonymous consultant stays empty."""
    if not name:
        return ""
    n = name.strip()
    if len(n) <= 1:
        return n
    return n[0] + "*" * (len(n) - 1)


def mask_phone(phone: str | None) -> str:
    """13812341234 → 138****1234; landlines keep area code and last 4 digits."""
    if not phone:
        return ""
    p = phone.strip()
    if len(p) <= 4:
        return "*" * len(p)
    if len(p) == 11 and p.startswith("1"):
        return p[:3] + "****" + p[-4:]
    head = p.split("-")[0] if "-" in p else p[:3]
    return head + "-" + "*" * max(len(p) - len(head) - 5, 3) + p[-4:]


def mask_id_number(id_number: str | None) -> str:
    """110101199003078515 → 110101********8515."""
    if not id_number:
        return ""
    v = id_number.strip()
    if len(v) < 10:
        return "*" * len(v)
    return v[:6] + "*" * (len(v) - 10) + v[-4:]
