"""Every example query of the CData spec, for both editions, through the whole stack.

The spec lists, per view, queries "processed server side". Each one is run as written (the
view name the example uses is mapped to the view of its block: some examples say
`SalesTransactionViews` for `SalesTransactions`) over a real socket, against the sandbox on a
real HTTP port, with the connection's Schema set to the example's edition. For each:

- it runs, or fails exactly as PostgreSQL fails on it (`ExchangeRate = 'Sample'` on a numeric
  column is 22P02; the StandardUK blocks copy five examples naming Professional-only columns,
  which PostgreSQL answers 42703) — the same error when the view is filtered locally;
- its condition reaches the sandbox's request log: the `$filter` of every page request, parsed
  by the sandbox's own parser, names the column's API field;
- its rows equal those of the same view filtered locally (`WHERE` over a derived table, which is
  never offered to the provider: DuckDB evaluates it, and its requests carry no `$filter`);
- EXPLAIN shows the request the scan makes: its `API: GET` line's `$filter` is the one the
  sandbox logged, and every clause it lists under a pushed or sent condition is part of it.

The same is done for queries of the same shapes with values that occur in the demo data —
=, <, >=, LIKE 'prefix%', IS NULL, IS NOT NULL on every column the spec filters server side,
dates and date-times written as the spec writes them ('2017-12-31T01:00:00.000+01:00'). There a
condition the API cannot take must say so in EXPLAIN ("Not Sent", with the reason), and only for
the reasons of docs/decisions/0505-literals-and-nested-pushdown.md.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs

import psycopg
import pytest

from pgserver.provider import Column, TableSpec
from providers.sage200.model import load_views
from providers.sage200.odata import CASE_INSENSITIVE
from sage_sandbox.odata.filter_parser import filter_fields, parse_filter
from sage_sandbox.state import SandboxState
from scripts.generate_datamodel import parse_spec
from tests.integration.conftest import Stack

SPEC = Path("/work/shared/seeds/cdata-sage200-data-model.txt")
pytestmark = pytest.mark.skipif(not SPEC.exists(), reason="the shared spec documents are not on this machine")
EDITIONS = ("StandardUK", "ProfessionalUK")
# Why a condition on a column the spec filters server side may stay local (decision 0505).
ACCEPTED_REASONS = (CASE_INSENSITIVE, "is a collection rendered as JSON text")


@dataclass(frozen=True)
class Case:
    view: TableSpec
    column: str  # as written
    condition: str  # the WHERE text
    must_push: bool  # a spec example: the condition must reach the API

    @property
    def sql(self) -> str:
        return f"SELECT * FROM {self.view.name} WHERE {self.condition}"


def spec_examples() -> list[Case]:
    views = load_views()
    blocks = parse_spec(SPEC.read_text())
    assert [(b.schema, b.name) for b in blocks] == [(v.schema, v.name) for v in views]
    found: list[Case] = []
    for block, view in zip(blocks, views, strict=True):
        for sql in block.examples:
            head, condition = sql.split(" WHERE ", 1)
            written = head.removeprefix("SELECT * FROM ").strip()
            assert written.removesuffix("Views").rstrip("s") == view.name.rstrip("s"), sql
            found.append(Case(view, condition.split()[0], condition, must_push=True))
    return found


def server_side_columns(view: TableSpec) -> list[Column]:
    """The columns the spec says the API filters: all but the block's "except" list (and the spec's columns only:
    Customers.ExternalId is the truth table's, filtered locally)."""
    client_side = set(view.extra["client_side_filters"])
    return [c for c in view.columns if c.name not in client_side and c.source is not None]


def quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def spec_literal(value: object) -> str:
    """A demo value written as the spec writes literals: dates and date-times as
    '2017-12-31T01:00:00.000+01:00' (PostgreSQL: a date column drops the time, a timestamp
    column the offset), numbers bare, booleans true/false, text quoted."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return quote(value.isoformat(timespec="milliseconds") + "+01:00")
    if isinstance(value, dt.date):
        return quote(f"{value.isoformat()}T01:00:00.000+01:00")
    if isinstance(value, int | decimal.Decimal | float):
        return str(value)
    return quote(str(value))


def like_prefix(text: str) -> str:
    prefix = text[:3].replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return quote(prefix + "%")


def demo_cases(view: TableSpec, rows: list[tuple[object, ...]]) -> list[Case]:
    """Conditions of the spec's shapes with a value the demo data holds: every shape (=, <, >=,
    LIKE 'prefix%', IS NULL, IS NOT NULL) on each nested or collection column of both editions; for
    the other server-side columns, one shape per column in one of the editions, taking turns along
    the columns (a column's resource and its translation are the same in both)."""
    index = {c.name: i for i, c in enumerate(view.columns)}
    edition = EDITIONS.index(view.schema)
    cases: list[Case] = []
    for position, column in enumerate(server_side_columns(view)):
        if view.extra["source_kinds"][column.name] == "field" and position % 2 != edition:
            continue
        values = sorted({r[index[column.name]] for r in rows} - {None}, key=repr)
        name = column.name
        shapes = [f"{name} IS NULL", f"{name} IS NOT NULL"]
        if values:
            value = values[len(values) // 2]
            shapes += [f"{name} {op} {spec_literal(value)}" for op in ("=", "<", ">=")]
            if isinstance(value, str) and value:
                shapes.append(f"{name} LIKE {like_prefix(value)}")
        if view.extra["source_kinds"][name] == "field":
            shapes = [shapes[position // 2 % len(shapes)]]
        cases += [Case(view, name, shape, False) for shape in shapes]
    return cases


# ---------------------------------------------------------------------------
# Running them
# ---------------------------------------------------------------------------


def filters_sent(sandbox: SandboxState, view: TableSpec) -> list[str | None]:
    """The $filter of every logged page request (not $count) of the view's resource."""
    path = str(view.extra["base_path"]) + str(view.extra["resource"])
    out: list[str | None] = []
    for record in sandbox.requests:
        if record.method != "GET" or record.path != path:
            continue
        query = {k: v[0] for k, v in parse_qs(record.query, keep_blank_values=True).items()}
        if "$count" not in query:
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


def explain(conn: psycopg.Connection, sql: str) -> list[str]:
    with conn.cursor() as cur:
        cur.execute(f"EXPLAIN {sql}")
        return [str(r[0]) for r in cur.fetchall()]


def explained_filter(lines: list[str]) -> str | None:
    """The $filter of EXPLAIN's first `API: GET` line (None when the request has none)."""
    request = next(line for line in lines if line.strip().startswith("API: GET "))
    if "?$filter=" not in request:
        return None
    return request.split("?$filter=", 1)[1].split("&$select=", 1)[0]


def explain_problem(lines: list[str], logged: list[str | None], case: Case) -> str | None:
    """None when EXPLAIN's request is the logged one and each clause it shows is in it; else what differs."""
    shown = explained_filter(lines)
    if not logged or any(f != shown for f in logged):
        return f"EXPLAIN's $filter {shown!r} is not the logged {logged}"
    clauses = [line.strip().removeprefix("$filter: ") for line in lines if line.strip().startswith("$filter: ")]
    missing = [c for c in clauses if shown is None or c not in shown]
    if missing:
        return f"EXPLAIN shows clauses {missing} that the $filter {shown!r} lacks"
    if case.column.lower() in {c.name.lower() for c in case.view.columns} and not case.must_push:
        sent_for_it = any(line.strip().startswith(("Pushed Filter:", "Sent, Re-checked Locally:")) for line in lines)
        refused = [line for line in lines if line.strip().startswith("Not Sent:")]
        if not sent_for_it and not refused:
            return "EXPLAIN says neither that the condition is sent nor why not"
        if refused:
            why = " ".join(lines[lines.index(refused[0]) + 1:lines.index(refused[0]) + 2])
            if not any(reason in why for reason in ACCEPTED_REASONS):
                return f"not sent for a reason the decision does not accept: {why.strip()}"
    return None


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


def local_sql(view: TableSpec, condition: str) -> str:
    return f"SELECT * FROM (SELECT * FROM {view.name} OFFSET 0) AS local WHERE {condition}"


def check_case(case: Case, conn: psycopg.Connection, sandbox: SandboxState, got: Outcome,
               sent: list[str | None], expected: list[tuple[object, ...]]) -> str | None:
    """None when the case behaves; else what went wrong."""
    if got.rows != expected:
        return f"{len(got.rows or [])} rows, locally {len(expected)}"
    column = case.view.column(case.column)
    assert column is not None and column.source
    field = column.source
    pushed = bool(sent) and all(f and field in filter_fields(parse_filter(f)) for f in sent)
    if case.must_push and not pushed:
        return f"not pushed: $filter {sent}"
    return explain_problem(explain(conn, case.sql), sent, case)


def run_cases(cases: list[Case], connections: dict[str, psycopg.Connection], sandbox: SandboxState) -> list[str]:
    """Every case through the server; the failures, one line each."""
    failures: list[str] = []
    by_view: dict[tuple[str, str], list[Case]] = {}
    for case in cases:
        by_view.setdefault((case.view.schema, case.view.name), []).append(case)
    for group in by_view.values():
        view = group[0].view
        conn = connections[view.schema]
        outcomes = []
        for case in group:
            sandbox.clear()
            got = run(conn, case.sql)
            outcomes.append((case, got, filters_sent(sandbox, view)))
        for case, got, _ in outcomes:
            if got.sqlstate is not None:  # an error must be PostgreSQL's: the same when evaluated locally
                local = run(conn, local_sql(view, case.condition))
                if got.sqlstate != local.sqlstate or got.sqlstate == "XX000":
                    failures.append(f"{view.schema}: {case.sql}: error {got.sqlstate} {got.message!r}, "
                                    f"locally {local.sqlstate} {local.message!r}")
        fine = [(c, g, s) for c, g, s in outcomes if g.sqlstate is None]
        if not fine:
            continue
        expected = reference_rows(conn, sandbox, view, [c.condition for c, _, _ in fine])
        for (case, got, sent), rows in zip(fine, expected, strict=True):
            problem = check_case(case, conn, sandbox, got, sent, rows)
            if problem:
                failures.append(f"{view.schema}: {case.sql}: {problem}")
    return failures


@pytest.fixture(scope="module")
def connections(stack: Stack) -> Iterator[dict[str, psycopg.Connection]]:
    conns = {edition: psycopg.connect(stack.dsn(options=f"'-c Schema={edition}'"), autocommit=True)
             for edition in EDITIONS}
    yield conns
    for conn in conns.values():
        conn.close()


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_every_spec_example_both_editions(stack: Stack, sandbox: SandboxState,
                                          connections: dict[str, psycopg.Connection]) -> None:
    examples = spec_examples()
    assert len(examples) == 899
    assert {c.view.schema for c in examples} == set(EDITIONS)
    failures = run_cases(examples, connections, sandbox)
    print(f"\nspec examples run, pushed and answered as PostgreSQL: {len(examples) - len(failures)}/{len(examples)}")
    assert not failures, "\n".join(failures[:80]) + f"\n{len(failures)} failures"


@pytest.mark.slow
@pytest.mark.timeout(1200)
def test_same_shapes_with_demo_values_both_editions(stack: Stack, sandbox: SandboxState,
                                                    connections: dict[str, psycopg.Connection]) -> None:
    cases: list[Case] = []
    for view in load_views():
        with connections[view.schema].cursor() as cur:
            cur.execute(f"SELECT * FROM {view.name}")
            cases += demo_cases(view, cur.fetchall())
    nested = [c for c in cases
              if c.view.extra["source_kinds"][c.view.column(c.column).name] not in ("field", "truth_table")]
    assert len({(c.view.schema, c.view.name, c.column) for c in nested}) == 68  # every nested/collection column
    failures = run_cases(cases, connections, sandbox)
    print(f"\nspec shapes with demo values answered as PostgreSQL, sent where the API can take them: "
          f"{len(cases) - len(failures)}/{len(cases)}")
    assert not failures, "\n".join(failures[:80]) + f"\n{len(failures)} failures"
