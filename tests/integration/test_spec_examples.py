"""Every example query of the CData spec, for both editions, through the whole stack.

The spec lists, per view, queries "processed server side". Each one is run as written (the
view name the example uses is mapped to the view of its block: some examples say
`SalesTransactionViews` for `SalesTransactions`) over a real socket, against the sandbox on a
real HTTP port, with the connection's Schema set to the example's edition. For each:

- it runs, or fails exactly as PostgreSQL fails on it (`ExchangeRate = 'Sample'` on a numeric
  column is 22P02; the StandardUK blocks copy three examples naming Professional-only columns,
  which PostgreSQL answers 42703);
- its condition reaches the sandbox's request log: the `$filter` of the page requests, parsed by
  the sandbox's own parser, compares the column's API field;
- its rows equal those of the same view filtered locally (`WHERE` over a derived table, which
  is never offered to the provider: DuckDB evaluates it; its request carries no `$filter`).

The same is done for queries of the same shapes with values that occur in the demo data
(=, <, >=, LIKE 'prefix%', IS [NOT] NULL), literals written as the spec writes them.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs

import psycopg
import pytest

from pgserver.provider import TableSpec
from providers.sage200.model import load_views
from sage_sandbox.odata.filter_parser import filter_fields, parse_filter
from sage_sandbox.state import SandboxState
from scripts.generate_datamodel import parse_spec
from tests.integration.conftest import Stack

SPEC = Path("/work/shared/seeds/cdata-sage200-data-model.txt")
pytestmark = pytest.mark.skipif(not SPEC.exists(), reason="the shared spec documents are not on this machine")


@dataclass(frozen=True)
class Example:
    view: TableSpec
    sql: str  # as the spec writes it, the view name mapped to the block's view
    column: str  # as written
    condition: str  # the WHERE text


def spec_examples() -> list[Example]:
    views = load_views()
    blocks = parse_spec(SPEC.read_text())
    assert [(b.schema, b.name) for b in blocks] == [(v.schema, v.name) for v in views]
    found: list[Example] = []
    for block, view in zip(blocks, views, strict=True):
        for sql in block.examples:
            head, condition = sql.split(" WHERE ", 1)
            written = head.removeprefix("SELECT * FROM ").strip()
            found.append(Example(view, f"SELECT * FROM {view.name} WHERE {condition}", condition.split()[0],
                                 condition))
            assert written.removesuffix("Views").rstrip("s") == view.name.rstrip("s"), sql
    return found


def filters_sent(sandbox: SandboxState, view: TableSpec) -> list[str | None]:
    """The $filter of every logged page request (not $count) of the view's resource."""
    path = str(view.extra["base_path"]) + str(view.extra["resource"])
    out: list[str | None] = []
    for record in sandbox.requests:
        if record.method != "GET" or record.path != path:
            continue
        query = {k: v[0] for k, v in parse_qs(record.query, keep_blank_values=True).items()}
        if "$count" in query:
            continue
        out.append(query.get("$filter"))
    return out


def row_key(row: tuple[object, ...]) -> tuple[str, ...]:
    return tuple(repr(v) for v in row)


@dataclass
class Outcome:
    rows: list[tuple[object, ...]] | None
    sqlstate: str | None
    message: str = ""


def run(conn: psycopg.Connection, sql: str) -> Outcome:
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
            return Outcome(sorted(cur.fetchall(), key=row_key), None)
    except psycopg.Error as exc:
        return Outcome(None, exc.sqlstate, str(exc).splitlines()[0] if str(exc) else "")


@pytest.fixture(scope="module")
def connections(stack: Stack) -> Iterator[dict[str, psycopg.Connection]]:
    conns = {edition: psycopg.connect(stack.dsn(options=f"'-c Schema={edition}'"), autocommit=True)
             for edition in ("StandardUK", "ProfessionalUK")}
    yield conns
    for conn in conns.values():
        conn.close()


def local_sql(view: TableSpec, condition: str) -> str:
    return f"SELECT * FROM (SELECT * FROM {view.name} OFFSET 0) AS local WHERE {condition}"


def reference_rows(conn: psycopg.Connection, sandbox: SandboxState, view: TableSpec,
                   conditions: list[str]) -> list[list[tuple[object, ...]]]:
    """Per condition, the view's rows for which DuckDB finds it true: one full scan for all of them."""
    flags = ", ".join(f"({c}) IS TRUE" for c in conditions)
    sandbox.clear()
    with conn.cursor() as cur:
        cur.execute(f"SELECT {flags}, local.* FROM (SELECT * FROM {view.name} OFFSET 0) AS local")
        rows = cur.fetchall()
    assert not any(filters_sent(sandbox, view)), "the local reference query sent a $filter"
    width = len(conditions)
    return [sorted((r[width:] for r in rows if r[i]), key=row_key) for i in range(width)]


def check_pushed(example: Example, got: Outcome, sent: list[str | None],
                 expected: list[tuple[object, ...]]) -> str | None:
    """None when the example behaves; else what went wrong."""
    if got.sqlstate:
        return f"error {got.sqlstate} {got.message!r}"
    if got.rows != expected:
        return f"{len(got.rows or [])} rows, locally {len(expected)}"
    column = example.view.column(example.column)
    assert column is not None and column.source
    field = column.source
    if not sent or not all(f and field in filter_fields(parse_filter(f)) for f in sent):
        return f"not pushed: $filter {sent}"
    return None


def run_examples(examples: list[Example], connections: dict[str, psycopg.Connection],
                 sandbox: SandboxState) -> list[str]:
    """Every example through the server; the failures, one line each."""
    failures: list[str] = []
    by_view: dict[tuple[str, str], list[Example]] = {}
    for example in examples:
        by_view.setdefault((example.view.schema, example.view.name), []).append(example)
    for group in by_view.values():
        view = group[0].view
        conn = connections[view.schema]
        outcomes = []
        for example in group:
            sandbox.clear()
            got = run(conn, example.sql)
            outcomes.append((example, got, filters_sent(sandbox, view)))
        fine = [(e, g, s) for e, g, s in outcomes if g.sqlstate is None]
        for example, got, _ in outcomes:
            if got.sqlstate is not None:  # an error must be PostgreSQL's: the same when evaluated locally
                local = run(conn, local_sql(view, example.condition))
                if got.sqlstate != local.sqlstate or got.sqlstate == "XX000":
                    failures.append(f"{view.schema}: {example.sql}: error {got.sqlstate} {got.message!r}, "
                                    f"locally {local.sqlstate} {local.message!r}")
        if not fine:
            continue
        expected = reference_rows(conn, sandbox, view, [e.condition for e, _, _ in fine])
        for (example, got, sent), rows in zip(fine, expected, strict=True):
            problem = check_pushed(example, got, sent, rows)
            if problem:
                failures.append(f"{view.schema}: {example.sql}: {problem}")
    return failures


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_every_spec_example_both_editions(stack: Stack, sandbox: SandboxState,
                                          connections: dict[str, psycopg.Connection]) -> None:
    examples = spec_examples()
    assert len(examples) == 899
    failures = run_examples(examples, connections, sandbox)
    print(f"spec examples pushed and answered as PostgreSQL: {len(examples) - len(failures)}/{len(examples)}")
    assert not failures, "\n".join(failures[:80]) + f"\n{len(failures)} failures"


_ = (dt, decimal)
