"""Recover a PgError raised inside a catalog UDF from the DuckDB exception that wraps it.

Why: DuckDB reports a Python UDF's exception as its own InvalidInputException with the
text 'Python exception occurred while executing the UDF: PgError: 42P01: …'; the SQL
layer calls this to give the client the original SQLSTATE and message.
"""

from __future__ import annotations

import re

from pgserver.errors import PgError

_UDF_ERROR = re.compile(r"executing the UDF: PgError: ([0-9A-Z]{5}): (.*)", re.DOTALL)


def pg_error_from_duckdb(exc: BaseException) -> PgError | None:
    match = _UDF_ERROR.search(str(exc))
    if match is None:
        return None
    return PgError(match.group(1), match.group(2).strip())
