"""Tables of the 台账 import layer: which ledger rows have already been imported.

Local to this installation (never synced): the records a ledger created travel in bundles like any other record;
the fingerprints only stop the same rows being imported twice *here*.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from station_app.store.models import Base, utcnow


class LedgerRow(Base):
    """One ledger row already imported (or exported from here), recognised by its fingerprint.

    The fingerprint is the sha256 of the layout kind and the row's normalised cell values (see
    ledger.layouts.fingerprint), so the same row in a re-saved, re-ordered or re-encoded file is recognised.
    """

    __tablename__ = "ledger_rows"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))  # consultation, duty, mediation, posting, outreach
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    record_table: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[str] = mapped_column(String(36))
    file_name: Mapped[str] = mapped_column(String(255))
    sheet: Mapped[str | None] = mapped_column(String(64))  # worksheet name of an .xlsx; None for .csv
    row_number: Mapped[int] = mapped_column(Integer)  # spreadsheet row (the header is row 1)
    imported_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
