"""Client traffic captured live from a PostgreSQL 15 server log, as corpus files (tests/differential/clients/).

    python -m tests.differential.capture NAME LOGFILE

The log is a PostgreSQL 15 stderr log with `log_statement = 'all'` while the client ran against a mirror of our
tables (pgAdmin 4 in Chromium via tests/clients/node/pgadmin.js, Django inspectdb via tests/clients/django_probe.py,
TypeORM and Sequelize via tests/clients/node/orms.js). Simple-query statements are taken as logged; extended-query
ones (`execute <name>: …` with `DETAIL: parameters: $1 = '…'`) get their parameters inlined. Only queries are kept
(SELECT, WITH, SHOW, VALUES, TABLE), each once, in the order first seen.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

CLIENTS_DIR = Path(__file__).with_name("clients")
_ENTRY = re.compile(r"^\S+ \S+ \S+ \[\d+\] (LOG|DETAIL|ERROR|STATEMENT|HINT|FATAL|WARNING):  (.*)$")
_QUERY = re.compile(r"^\s*(select|with|show|values|table)\b", re.IGNORECASE)


def statements_from_log(text: str) -> list[str]:
    entries: list[tuple[str, str]] = []
    for line in text.splitlines():
        match = _ENTRY.match(line)
        if match:
            entries.append((match[1], match[2]))
        elif entries:
            kind, body = entries[-1]
            entries[-1] = (kind, body + "\n" + line)
    out: list[str] = []
    pending: str | None = None
    for kind, body in entries:
        if kind == "LOG" and (m := re.match(r"(?:statement|execute [^:]*): (.*)", body, re.DOTALL)):
            if pending is not None:
                out.append(pending)
            pending = m[1].strip().rstrip(";")
        elif kind == "DETAIL" and pending is not None and body.startswith("parameters: "):
            values = dict(re.findall(r"\$(\d+) = ('(?:[^']|'')*'|NULL)", body))
            pending = re.sub(r"\$(\d+)\b", lambda p, bound=values: bound.get(p[1], p[0]), pending)
    if pending is not None:
        out.append(pending)
    seen: set[str] = set()
    queries = []
    for sql in out:
        if _QUERY.match(sql) and sql not in seen:
            seen.add(sql)
            queries.append(sql)
    return queries


def write_corpus(name: str, statements: list[str], source: str) -> Path:
    CLIENTS_DIR.mkdir(exist_ok=True)
    path = CLIENTS_DIR / f"{name}.sql"
    lines = [f"-- {source}", "-- Captured live from a PostgreSQL 15 log (log_statement = 'all') by tests/differential/capture.py;",
             "-- OID literals are the capturing server's (the differential test maps them to ours).", ""]
    for index, sql in enumerate(statements, 1):
        lines += [f"-- [{index}]", sql + ";", ""]
    path.write_text("\n".join(lines))
    return path


def load(path: Path) -> list[tuple[str, str]]:
    """(label, sql) of a corpus file written by write_corpus."""
    out: list[tuple[str, str]] = []
    label, body = None, []
    for line in path.read_text().splitlines():
        if m := re.match(r"^-- \[(\d+)\]$", line):
            label, body = m[1], []
        elif label is not None and not (not body and line.startswith("--")):
            body.append(line)
            if line.endswith(";"):
                out.append((f"{path.stem}[{label}]", "\n".join(body)[:-1]))
                label, body = None, []
    return out


if __name__ == "__main__":
    name, log = sys.argv[1], Path(sys.argv[2])
    found = statements_from_log(log.read_text(errors="replace"))
    print(write_corpus(name, found, " ".join(sys.argv[3:]) or name), len(found))
