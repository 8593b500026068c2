"""EXPLAIN: what each view is asked of the Sage 200 API and what DuckDB runs locally."""

from __future__ import annotations

import datetime as dt
import decimal

import duckdb
from sqlglot import exp

from pgserver.errors import SYNTAX_ERROR, PgError
from pgserver.provider import AllOf, AnyOf, Comparison, Literal, Not, Op, Qual, QualReport, SortKey
from pgserver.sql.bind.bound_query import QueryPlan
from pgserver.sql.pushdown.key_lookups import MAX_KEYS
from pgserver.sql.run.duckdb_errors import translate
from pgserver.sql.run.execution import empty_inputs
from pgserver.sql.text.statements import Statement


def format_value(value: Literal) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | decimal.Decimal):
        return str(value)
    if isinstance(value, tuple):
        return "(" + ", ".join(format_value(v) for v in value) + ")"
    if isinstance(value, dt.date | dt.datetime):
        return "'" + value.isoformat(sep=" ") + "'" if isinstance(value, dt.datetime) else f"'{value.isoformat()}'"
    return "'" + str(value).replace("'", "''") + "'"


def format_qual(qual: Qual) -> str:
    """A qual as SQL-like text: Name = 'x', (A < 1 OR B IS NULL) …"""
    if isinstance(qual, Comparison):
        if qual.op in (Op.IS_NULL, Op.IS_NOT_NULL):
            return f"{qual.column} {qual.op.value}"
        return f"{qual.column} {qual.op.value} {format_value(qual.value)}"
    if isinstance(qual, AnyOf):
        return "(" + " OR ".join(format_qual(q) for q in qual.items) + ")"
    if isinstance(qual, AllOf):
        return "(" + " AND ".join(format_qual(q) for q in qual.items) + ")"
    if isinstance(qual, Not):
        return f"NOT {format_qual(qual.item)}"
    return repr(qual)


def _sort(key: SortKey) -> str:
    text = f"{key.column} {'DESC' if key.descending else 'ASC'}"
    if key.nulls_first is not None:
        text += " NULLS FIRST" if key.nulls_first else " NULLS LAST"
    return text


def _report_lines(reports: list[QualReport]) -> list[str]:
    """Each offered qual with its clause of the request (from the provider's own request objects)."""
    lines: list[str] = []
    for report in reports:
        if report.sent is None:
            lines.append(f"  Not Sent: {format_qual(report.qual)}")
        else:
            heading = "Pushed Filter" if report.exact else "Sent, Re-checked Locally"
            lines.append(f"  {heading}: {format_qual(report.qual)}")
            lines.append(f"    $filter: {report.sent}")
        if report.note:
            lines.append(f"    why: {report.note}")
    return lines


def explain_lines(plan: QueryPlan, duckdb_sql: str, duckdb_plan: list[str] | None = None) -> list[str]:
    """The QUERY PLAN rows: one block per table reference, then the local part."""
    lines: list[str] = []
    for slot in plan.scans:
        spec = slot.relation.spec
        scan_plan = slot.plan
        request = slot.request
        lines.append(f"Remote Scan on {spec.schema}.{spec.name} {slot.alias}")
        lines.append(f"  Columns: {', '.join(request.columns)}")
        if scan_plan is not None and scan_plan.reports:
            lines.extend(_report_lines(scan_plan.reports))
        elif scan_plan is not None and scan_plan.pushed_quals:
            lines.append(f"  Pushed Filter: {' AND '.join(format_qual(q) for q in scan_plan.pushed_quals)}")
        if slot.residual_sql:
            lines.append(f"  Local Filter: {' AND '.join(slot.residual_sql)}")
        if request.order_by:
            state = "pushed" if scan_plan and scan_plan.order_pushed else "not pushed"
            lines.append(f"  Order By ({state}): {', '.join(_sort(k) for k in request.order_by)}")
        if request.limit is not None:
            state = "pushed" if scan_plan and scan_plan.limit_pushed else "not pushed"
            offset = f" OFFSET {request.offset}" if request.offset else ""
            lines.append(f"  Limit ({state}): {request.limit}{offset}")
        if slot.nullable:
            lines.append("  Note: outer-joined (WHERE filters on it run locally)")
        for description in scan_plan.description if scan_plan else []:
            lines.append(f"  API: {description}")
    for key in plan.key_lookups:
        lines.append(f"Key Lookup: {key.target.alias}.{key.target_column} IN (values of "
                     f"{key.driver.alias}.{key.driver_column}, read first; at most {MAX_KEYS} keys)")
    for proc in plan.procedures:
        arguments = ", ".join(f"{k} => {format_value(v)}" for k, v in proc.arguments.items())
        lines.append(f"Procedure Call {proc.procedure.spec.schema}.{proc.procedure.spec.name}({arguments})")
    if plan.max_rows_applied is not None:
        lines.append(f"MaxRows: {plan.max_rows_applied} (connection property)")
    if not plan.qualified and plan.scans:
        lines.append("Note: names not fully resolved by the planner; no filters pushed, all columns fetched")
    lines.append(f"Local (DuckDB): {duckdb_sql}")
    for line in duckdb_plan or []:
        lines.append(f"  {line}")
    return lines


def duckdb_explain(duck: duckdb.DuckDBPyConnection, plan: QueryPlan, sql: str, tree: exp.Expression) -> list[str]:
    """DuckDB's own plan of the local query (EXPLAIN VERBOSE), bound over empty inputs."""
    with empty_inputs(duck, plan) as cursor:
        try:
            rows = cursor.execute(f"EXPLAIN {sql}").fetchall()
        except duckdb.Error as err:
            raise translate(err, tree.sql(dialect="postgres")) from None
        return [line for row in rows for line in str(row[-1]).splitlines()]


def explain_parts(statement: Statement) -> tuple[str, frozenset[str]]:
    """The query EXPLAIN applies to and its options (ANALYZE, VERBOSE …)."""
    words = statement.words
    options: set[str] = set()
    index = 1
    if index < len(words) and words[index].kind == "op" and words[index].text == "(":
        index += 1
        while index < len(words) and words[index].text != ")":
            word = words[index]
            if word.kind == "word":
                value_off = index + 1 < len(words) and words[index + 1].is_word("OFF", "FALSE")
                if not value_off:
                    options.add(word.text.upper())
            index += 1
        index += 1
    else:
        while index < len(words) and words[index].is_word("ANALYZE", "ANALYSE", "VERBOSE"):
            options.add("ANALYZE" if words[index].is_word("ANALYSE") else words[index].text.upper())
            index += 1
    if index >= len(words):
        raise PgError(SYNTAX_ERROR, "syntax error at end of input", position=len(statement.sql) + 1)
    return statement.sql[words[index].start :], frozenset(options)

