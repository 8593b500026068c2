"""Cursors for statements whose rows are known up front (SHOW, EXPLAIN, CALL, SET …)."""

from __future__ import annotations

from typing import Any

from pgserver.engine import Cursor, ResultColumn
from pgserver.types import TEXT


class StaticCursor(Cursor):
    """A finished result: optional rows plus the CommandComplete tag."""

    copy_out = None

    def __init__(self, tag: str, columns: list[ResultColumn] | None = None,
                 rows: list[tuple[Any, ...]] | None = None, tag_counts_rows: bool = False) -> None:
        self.columns = columns
        self._rows = list(rows or [])
        self._tag = tag
        self._tag_counts_rows = tag_counts_rows
        self._sent = 0

    async def fetch(self, max_rows: int | None) -> list[tuple[Any, ...]]:
        count = len(self._rows) if max_rows is None else max_rows
        rows, self._rows = self._rows[:count], self._rows[count:]
        self._sent += len(rows)
        return rows

    @property
    def command_tag(self) -> str:
        return f"{self._tag} {self._sent}" if self._tag_counts_rows else self._tag

    @property
    def row_count(self) -> int:
        """The rows of the result (for the statement log)."""
        return len(self._rows) + self._sent

    async def close(self) -> None:
        self._rows = []


def text_columns(*names: str) -> list[ResultColumn]:
    return [ResultColumn(name, TEXT) for name in names]
