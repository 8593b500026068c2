"""The differential corpus: every statement on a real PostgreSQL 15 and on our server, compared on the wire.

Statements: the expression corpus (expressions.py, no tables needed), the catalog queries real clients send
(tests/catalog/corpus/*.sql, with their parameters inlined) and client traffic captured live from PostgreSQL 15
(tests/differential/clients/*.sql: pgAdmin 4, Django, TypeORM/Sequelize; capture.py). Identical means the same SQLSTATE, or the same
column names, type OIDs, command tag and rows (our own objects' OIDs mapped to the mirror's). The figure is
printed at the end of the run; KNOWN_DIFFERENCES lists the deliberate differences with their reasons, and
each must still be seen (a fixed one must leave the list).
"""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass

import psycopg
import pytest
import sqlglot
from psycopg import pq
from sqlglot import exp

from tests.catalog.corpus import inline, load_all
from tests.clients.conftest import Mirror
from tests.differential.capture import CLIENTS_DIR
from tests.differential.capture import load as load_captured
from tests.differential.compare import Answer, run, same
from tests.differential.expressions import statements
from tests.integration.conftest import Stack

# The share of identical statements this branch has reached; the run fails below it. (The goal is
# 0.97; docs/decisions/0452-differential-corpus.md records where the rest stands.)
FLOOR = 0.97

# Deliberate differences: (statement pattern, reason). Matched against the SQL text.
KNOWN_DIFFERENCES: list[tuple[str, str]] = [
    (r"version\(\)", "version() names our server_version, not the build's compiler"),
    (r"pg_catalog\.pg_settings|pg_show_all_settings", "pg_settings: the real cluster reports its own values"),
    (r"\{\{|ARRAY\[ARRAY\[", "multidimensional arrays: PostgreSQL's arrays are n-dimensional with bounds, DuckDB's lists "
     "nest (a list of lists), so cardinality, = ANY, unnest, array_dims and the text form differ; emulating them "
     "would take an array executor of our own (decision 0454)"),
    (r"VALUES \(1\.5\), \(2\.25\)|ARRAY\[1\.5, 2\]|VALUES \(1\), \(2\.5\)|SELECT 1 UNION( ALL)? SELECT 2\.5|"
     r"THEN 1 ELSE 2\.5|(greatest|least)\((1|-?0\.5|-?2\.5|3\.14159|123\.456::numeric\(6,2\)), |"
     r"::float8::numeric",
     "per-value numeric scale: PostgreSQL keeps each numeric value's own display scale, a DuckDB DECIMAL column has "
     "one (1 and 2.5 in one column print 1.0 and 2.5; a double cast to numeric prints the column's scale) "
     "(decision 0800)"),
    (r"rolsuper|pg_roles|pg_user u ON|nspowner|spcowner|SCHEMA_OWNER|n\.oid,n\.\*,d\.description FROM pg_catalog\.pg_namespace",
     "one role: the configured login is the bootstrap superuser (OID 10) that owns every object (decision 0961); "
     "the mirror's demo is an ordinary role (16384) beside postgres"),
    (r"has_(schema|database)_privilege\([^)]*'CREATE'\)|relacl",
     "privileges: no role may CREATE in our schemas or database, and our relations carry an explicit read grant "
     "(demo=r/demo) where the mirror's owner has the default ACL (NULL)"),
    (r"pg_catalog\.pg_database d|pg_catalog\.pg_database db", "only the served database is listed, not postgres or the "
     "templates (decision 0600)"),
    (r"standarduk\.customers", "unquoted names match our mixed-case schemas and views case-insensitively "
     "(decision 0602), where PostgreSQL folds them to lower case and finds nothing"),
    (r"pg_get_function_result\(p\.oid\)", "the data source's procedures (RefreshMirror, GetOAuthAccessToken …) are "
     "listed in pg_proc; the mirror has none"),
    (r"pg_table_size|pg_total_relation_size|pg_relation_size", "our views hold no local storage: 0 bytes"),
    (r"(16442|16421|16639)::oid|pg_stat_gssapi",
     "pgAdmin's captured statements name OIDs that are the mirror's TOAST relations (ours have none: no data is "
     "stored), and pg_stat_gssapi has no row per backend here"),
    (r"Load all supported types|WHEN typtype IN \('b', 'e', 'p'\) THEN 0|ORDER BY sp\.r, pg_type\.oid DESC",
     "ORDER BY with ties: rows of equal keys come in each server's own storage order (both are correct)"),
    (r"CAST\('(NaN|Infinity)' AS numeric", "DuckDB's DECIMAL has no NaN or ±Infinity"),
    (r"order by ref\.oid, ref\.i", "our OIDs are stable hashes of each object's name (pgserver/catalog/oids.py: a "
     "client's cached OIDs survive a restart or a new view), the mirror's are handed out in creation order, so "
     "rows ordered by constraint OID come in another order (each server's order is right for its OIDs)"),
    (r"pg_catalog\.ARRAY_AGG\(t\.typname\)", "array_agg without ORDER BY: the elements come in each server's plan "
     "order (PostgreSQL leaves it unspecified)"),
    (r"'SYSTEM TOAST INDEX'", "PostgreSQL's pg_toast relations of its own catalogs are not in our pg_class (the "
     "generator ships pg_catalog and information_schema relations only; scripts/generate_pg_catalog.py)"),
    (r"from INFORMATION_SCHEMA\.COLUMNS\s+where TABLE_SCHEMA in|SELECT columns\.\*, pg_catalog\.col_description",
     "is_updatable says which columns the Sage 200 API accepts in a write (decision 0731); the mirror's plain "
     "tables say YES for every column"),
    (r"pg_catalog\.pg_statio_all_tables AS st", "pg_statio_* are empty here: PostgreSQL lists every table, and this "
     "Sequelize describeTable query then fails with 21000 whenever two schemas hold a table of one name (ours "
     "always do: StandardUK and ProfessionalUK), so we keep Sequelize working (pgserver/catalog/install.py)"),
]


@dataclass(frozen=True)
class Case:
    label: str
    sql: str


def corpus() -> list[Case]:
    cases = [Case(label, sql) for label, sql in statements()]
    for query in load_all():
        if query.params and any(p in ("SCHEMA_OID", "TABLE_OID", "INDEX_OID") for p in query.params):
            continue  # their OID parameters differ per server: compared by tests/catalog/test_corpus.py
        cases.append(Case(query.id, inline(query.sql, query.params)))
    for path in sorted(CLIENTS_DIR.glob("*.sql")):
        cases += [Case(label, sql) for label, sql in load_captured(path) if not reads_our_data(sql)]
    return cases


def reads_our_data(sql: str) -> bool:
    """A captured statement over our views' rows (the ORM queries): the mirror's tables are empty, so only
    the catalog and expression statements of the capture are compared here (the rows are checked against
    the Sage API by the client tests)."""
    try:
        tree = sqlglot.parse_one(sql, read="postgres")
    except sqlglot.errors.ParseError:
        return False
    ctes = {c.alias_or_name.lower() for c in tree.find_all(exp.CTE)}
    for table in tree.find_all(exp.Table):
        if isinstance(table.this, exp.Func) or table.name.lower() in ctes:
            continue
        if (table.db or "").lower() not in ("pg_catalog", "information_schema") and not table.name.lower().startswith("pg_"):
            return True
    return False


def _connect(conninfo: str) -> pq.PGconn:
    """A libpq connection (psycopg connects without holding the GIL, which our in-process server needs)."""
    return psycopg.connect(conninfo, autocommit=True).pgconn


def oid_pairs(ours: pq.PGconn, real: pq.PGconn) -> dict[bytes, bytes]:
    """Our OID → the mirror's, for the objects both have (by schema and name)."""
    query = ("SELECT n.nspname || '.' || c.relname, c.oid::text FROM pg_class c JOIN pg_namespace n "
             "ON n.oid = c.relnamespace WHERE c.oid >= 16384 UNION ALL SELECT nspname, oid::text FROM pg_namespace "
             "WHERE oid >= 16384 UNION ALL SELECT 'constraint.' || n.nspname || '.' || t.conname, t.oid::text FROM pg_constraint t "
             "JOIN pg_namespace n ON n.oid = t.connamespace WHERE t.oid >= 16384 UNION ALL SELECT 'type.' || "
             "typnamespace::regnamespace::text || '.' || typname, oid::text FROM pg_type WHERE oid >= 16384 UNION ALL SELECT 'db', oid::text FROM pg_database "
             "WHERE datname = current_database()")
    mine = {r[0]: r[1] for r in run(ours, query).rows}
    theirs = {r[0]: r[1] for r in run(real, query).rows}
    return {oid: theirs[name] for name, oid in mine.items() if name in theirs and oid is not None}


def mapped(answer: Answer, oids: dict[bytes, bytes]) -> Answer:
    if answer.sqlstate is not None or not oids:
        return answer

    def cell(value: bytes | None) -> bytes | None:
        if value is None:
            return None
        return re.sub(rb"\d{5,}", lambda m: oids.get(m.group(), m.group()), value)

    rows = tuple(tuple(cell(v) for v in row) for row in answer.rows)
    return Answer(None, "", answer.names, answer.types, rows, answer.tag)


@pytest.fixture(scope="module")
def outcomes(stack: Stack, mirror: Mirror) -> list[tuple[Case, Answer, Answer, bool]]:
    ours = _connect(stack.dsn())
    real = _connect(f"{mirror.dsn()} password=unused")
    try:
        oids = oid_pairs(ours, real)
        back = {int(theirs): mine.decode() for mine, theirs in oids.items()}
        results = []
        looked_up: dict[str, tuple[str, str]] = {}  # psql command -> the OID its first query found on (real, ours)
        for case in corpus():
            # captured statements embed the capturing server's OIDs: ours run with our own
            real_sql = case.sql
            our_sql = re.sub(r"(?<![\w.])(\d{5,})(?![\w.])", lambda m: back.get(int(m[1]), m[1]), case.sql)
            command = psql_command(case.label)
            if command in looked_up:  # psql uses the OID its lookup query returned, as '16408'
                real_sql = re.sub(r"'\d{5,}'", f"'{looked_up[command][0]}'", case.sql)
                our_sql = re.sub(r"'\d{5,}'", f"'{looked_up[command][1]}'", case.sql)
            expected, raw = run(real, real_sql), run(ours, our_sql)
            if command is not None and case.label.endswith(".1]") and expected.names[:1] == ("oid",) \
                    and expected.rows and raw.rows:
                looked_up[command] = (expected.rows[0][0].decode(), raw.rows[0][0].decode())
            got = mapped(raw, oids)
            results.append((case, expected, got, same(case.sql, expected, got)))
        return results
    finally:
        ours.finish()
        real.finish()


def psql_command(label: str) -> str | None:
    """`psql[d_StandardUK_Customers.3]` -> `d_StandardUK_Customers`: the psql command a captured query belongs to."""
    found = re.fullmatch(r"psql\[(.+)\.\d+\]", label)
    return found[1] if found else None


def _reason(sql: str) -> str | None:
    return next((reason for pattern, reason in KNOWN_DIFFERENCES if re.search(pattern, sql)), None)


def test_corpus_is_large_and_varied() -> None:
    cases = corpus()
    assert len(cases) >= 2000
    assert len({c.sql for c in cases}) == len(cases) or len(cases) - len({c.sql for c in cases}) < 20
    families = Counter(c.label.split(".")[0].split("[")[0] for c in cases)
    assert len(families) >= 15, families


def test_identical_to_postgresql(outcomes: list[tuple[Case, Answer, Answer, bool]], figures: list[str]) -> None:
    total = len(outcomes)
    identical = sum(1 for *_, ok in outcomes if ok)
    expected = sum(1 for case, *_, ok in outcomes if not ok and _reason(case.sql))
    by_family: Counter[str] = Counter()
    for case, *_, ok in outcomes:
        if not ok:
            by_family[case.label.split(".")[0].split("[")[0]] += 1
    figures.append(f"differential corpus: {identical}/{total} identical to PostgreSQL 15 "
                   f"({100 * identical / total:.1f}%); {expected} of the {total - identical} differences are "
                   f"listed as deliberate; differing by family: {dict(by_family.most_common())}")
    print(figures[-1])
    if report := os.environ.get("DIFFERENTIAL_REPORT"):
        write_report(report, outcomes)
    assert identical / total >= FLOOR, figures[-1]


def write_report(path: str, outcomes: list[tuple[Case, Answer, Answer, bool]]) -> None:
    """Every differing statement, by family, with both answers (DIFFERENTIAL_REPORT=path: a developer's aid)."""
    lines = []
    for case, expected, got, ok in sorted(outcomes, key=lambda o: o[0].label):
        if not ok:
            listed = " [listed]" if _reason(case.sql) else ""
            lines += [f"## {case.label}{listed}", case.sql, f"  pg:   {expected.summary()}",
                      f"  ours: {got.summary()}"]
            if expected.sqlstate is None and got.sqlstate is None:
                theirs, mine = Counter(expected.rows), Counter(got.rows)
                lines += [f"  only pg:   {list((theirs - mine).elements())[:5]}",
                          f"  only ours: {list((mine - theirs).elements())[:5]}"]
            lines.append("")
    with open(path, "w", encoding="utf-8") as out:
        out.write("\n".join(lines))


@pytest.mark.parametrize("pattern,reason", KNOWN_DIFFERENCES)
def test_listed_differences_are_still_seen(outcomes: list[tuple[Case, Answer, Answer, bool]], pattern: str,
                                           reason: str) -> None:
    matching = [(case, ok) for case, _, _, ok in outcomes if re.search(pattern, case.sql)]
    assert matching, f"no statement matches {pattern!r}"
    assert any(not ok for _, ok in matching), f"every statement matching {pattern!r} is identical now: drop it"


def test_the_connection_survives_every_statement(stack: Stack) -> None:
    """After the whole corpus (errors included) a fresh statement still works on our server."""
    conn = _connect(stack.dsn())
    try:
        assert run(conn, "SELECT 1").rows == ((b"1",),)
    finally:
        conn.finish()

