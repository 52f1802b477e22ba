"""台账 (CSV / XLSX ledger) import and export."""
