"""Date functions that SQLite and PostgreSQL spell differently, compiled per dialect (issue 14).

The reports and services write `epoch_seconds(col)` and `year_month(col)`; SQLite gets its strftime, PostgreSQL
extract/to_char, with the same values: whole seconds since 1970 (strftime('%s') drops fractions, hence floor)
and 'YYYY-MM'.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class epoch_seconds(FunctionElement):
    """Whole seconds since 1970-01-01 of a naive timestamp column (as an integer)."""

    type = BigInteger()
    inherit_cache = True


class year_month(FunctionElement):
    """'YYYY-MM' of a date or timestamp column."""

    type = String()
    inherit_cache = True


@compiles(epoch_seconds)
def _epoch_sqlite(element, compiler, **kw):
    return f"CAST(strftime('%s', {compiler.process(element.clauses, **kw)}) AS INTEGER)"


@compiles(epoch_seconds, "postgresql")
def _epoch_postgres(element, compiler, **kw):
    return f"CAST(floor(extract(epoch FROM {compiler.process(element.clauses, **kw)})) AS BIGINT)"


@compiles(year_month)
def _month_sqlite(element, compiler, **kw):
    return f"strftime('%Y-%m', {compiler.process(element.clauses, **kw)})"


@compiles(year_month, "postgresql")
def _month_postgres(element, compiler, **kw):
    return f"to_char({compiler.process(element.clauses, **kw)}, 'YYYY-MM')"
