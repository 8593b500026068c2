"""The replay corpus: catalog statements real clients send, read from tests/catalog/corpus/*.sql.

Format (as in /work/shared/reference/client-traffic): '-- [N] action: …' starts an entry,
'--      params: [...]' lists its parameters, the statement follows and ends with ';' at
the end of a line. Symbolic parameters (SCHEMA_OID, TABLE_OID, INDEX_OID) are resolved per
server, because our OIDs differ from the real PostgreSQL's.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CORPUS_DIR = Path(__file__).parent / "corpus"
_ENTRY = re.compile(r"^--\s*\[([\w.]+)\]")
_PARAMS = re.compile(r"^--\s*params:\s*(\[.*\])\s*$")


@dataclass
class CorpusQuery:
    source: str
    label: str
    sql: str
    params: list[Any] = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"{self.source}[{self.label}]"


def load(path: Path) -> list[CorpusQuery]:
    queries: list[CorpusQuery] = []
    label, params, lines, count = "", [], [], 0
    for raw in path.read_text().splitlines():
        stripped = raw.strip()
        if not lines and stripped.startswith("--"):
            if m := _ENTRY.match(stripped):
                label, params, count = m.group(1), [], 0
            elif m := _PARAMS.match(stripped):
                params = ast.literal_eval(m.group(1))
            continue
        if not lines and not stripped:
            continue
        lines.append(raw)
        if stripped.endswith(";"):
            count += 1
            sql = "\n".join(lines).rstrip().rstrip(";")
            queries.append(CorpusQuery(path.stem, label + (f".{count}" if count > 1 else ""), sql, params))
            lines = []
    return queries


def load_all() -> list[CorpusQuery]:
    return [q for path in sorted(CORPUS_DIR.glob("*.sql")) for q in load(path)]


def inline(sql: str, params: list[Any]) -> str:
    """Replace $n (and :name, in order) with literals, so both servers run the same text."""
    def literal(value: Any) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int):
            return str(value)
        return "'" + str(value).replace("'", "''") + "'"

    for i, value in sorted(enumerate(params, start=1), reverse=True):
        sql = sql.replace(f"${i}", literal(value))
    names = iter(params)
    return re.sub(r"(?<![:\w]):[a-z_]+\b", lambda m: literal(next(names)), sql)
