"""COPY … TO STDOUT as clients use it: byte-for-byte against PostgreSQL 15, psql's \\copy, polars (connectorx).

The statements copy the same rows on both servers (a VALUES query with awkward values, and a Sage view
whose rows we insert into the mirror's equivalent table), so the bytes must be identical.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import psycopg
import pytest

from tests.clients.conftest import DATABASE, PSQL, Mirror
from tests.integration.conftest import PASSWORD, USER, Stack

AWKWARD = """SELECT * FROM (VALUES
    (1, 'plain', 1.50::numeric, true, DATE '2024-02-29', TIMESTAMP '2024-01-02 03:04:05.5', 0.1::float8,
     ARRAY['a', 'b c']::text[], '\\x00ff'::bytea),
    (2, E'tab\\there, new\\nline, back\\\\slash', -0.25::numeric, false, NULL, NULL, -1e300::float8,
     ARRAY[NULL, '"q"']::text[], ''::bytea),
    (3, 'quote " and ; comma,', NULL, NULL, DATE '0001-01-01', TIMESTAMP '1999-12-31 23:59:59', NULL,
     NULL, NULL),
    (4, '', 123456789.12::numeric, true, DATE '2000-01-01', NULL, 'NaN'::float8, '{}'::text[], NULL),
    (5, '\\N', 0.00::numeric, false, NULL, NULL, 1.0::float8, ARRAY['\\\\'], NULL)
) AS t(id, label, amount, ok, day, at, ratio, tags, raw)"""

COPIES = [
    f"COPY ({AWKWARD}) TO STDOUT",
    f"COPY ({AWKWARD}) TO STDOUT WITH (FORMAT csv)",
    f"COPY ({AWKWARD}) TO STDOUT WITH (FORMAT csv, HEADER, DELIMITER ';', NULL 'NULL', QUOTE '''', ESCAPE '\\')",
    f"COPY ({AWKWARD}) TO STDOUT WITH (FORMAT csv, FORCE_QUOTE (label, day))",
    f"COPY ({AWKWARD}) TO STDOUT CSV HEADER FORCE QUOTE *",
    f"COPY ({AWKWARD}) TO STDOUT WITH (FORMAT text, HEADER true, DELIMITER '|', NULL '')",
    f"COPY ({AWKWARD}) TO STDOUT WITH BINARY",
    f"COPY ({AWKWARD}) TO STDOUT (FORMAT binary)",
    "COPY (SELECT 1 WHERE false) TO STDOUT (FORMAT binary)",
    "COPY (SELECT '\\.' AS only) TO STDOUT CSV",
    "COPY (SELECT 'x' AS \"Mixed Case\", 2 AS b) TO STDOUT (FORMAT csv, HEADER)",
]

REFUSED = [
    "COPY (SELECT 1) TO STDOUT (FORMAT xml)",
    "COPY (SELECT 1) TO STDOUT (FORMAT csv, FORMAT text)",
    "COPY (SELECT 1) TO STDOUT (FORMAT binary, HEADER)",
    "COPY (SELECT 1) TO STDOUT (DELIMITER ',,')",
    "COPY (SELECT 1) TO STDOUT (QUOTE '\"')",
    "COPY (SELECT 1) TO STDOUT (FORMAT csv, DELIMITER ',', QUOTE ',')",
    "COPY (SELECT 1 AS a) TO STDOUT (FORMAT csv, FORCE_QUOTE (b))",
    "COPY (SELECT 1) TO STDOUT (FORMAT csv, NULL 'a,b')",
    "COPY (SELECT 1) TO STDOUT (BOGUS 1)",
    "COPY (SELECT 1) TO STDOUT (DELIMITER 'a')",
    "COPY (SELECT 1) TO STDOUT (FORMAT csv, NULL '\"')",
    "COPY (SELECT 1) TO STDOUT (DELIMITER E'\\n')",
    "COPY (SELECT 1) TO STDOUT (HEADER match)",
    "COPY (SELECT 1) TO STDOUT (DELIMITER)",
    "COPY (SELECT 1) TO STDOUT (HEADER 'x')",
    "COPY (SELECT 1) TO STDOUT (FORCE_QUOTE (a))",
    "COPY (SELECT 1) TO STDOUT (FORMAT csv, FORCE_NOT_NULL (a))",
    "COPY (SELECT 1 FROM nosuch) TO STDOUT",
    "COPY (SELECT 1/0) TO STDOUT",
]


def copy_bytes(conn: psycopg.Connection[Any], sql: str) -> bytes:
    with conn.cursor() as cur, cur.copy(sql) as copy:
        return b"".join(bytes(chunk) for chunk in copy)


def sqlstate_of(conn: psycopg.Connection[Any], sql: str) -> str | None:
    try:
        copy_bytes(conn, sql)
    except psycopg.Error as err:
        return err.sqlstate
    return None


@pytest.fixture(scope="module")
def connections(stack: Stack, mirror: Mirror) -> Any:
    with psycopg.connect(stack.dsn(), autocommit=True) as ours, \
            psycopg.connect(mirror.dsn(), autocommit=True) as real:
        yield ours, real


@pytest.mark.parametrize("sql", COPIES)
def test_copy_bytes_equal_postgresql(connections: Any, sql: str) -> None:
    ours, real = connections
    expected = copy_bytes(real, sql)
    assert copy_bytes(ours, sql) == expected


@pytest.mark.parametrize("sql", REFUSED)
def test_copy_errors_match_postgresql(connections: Any, sql: str) -> None:
    ours, real = connections
    expected = sqlstate_of(real, sql)
    assert expected is not None
    assert sqlstate_of(ours, sql) == expected
    assert ours.execute("SELECT 1").fetchone() == (1,)  # the connection carries on


def test_copy_command_tag_counts_rows(connections: Any) -> None:
    ours, _ = connections
    with ours.cursor() as cur:
        with cur.copy('COPY "Currencies" TO STDOUT') as copy:
            lines = b"".join(bytes(c) for c in copy).splitlines()
        assert cur.rowcount == len(lines) and lines


def test_copy_from_is_refused(connections: Any) -> None:
    ours, _ = connections
    with pytest.raises(psycopg.errors.ObjectNotInPrerequisiteState, match='cannot copy to view "Currencies"'):
        with ours.cursor() as cur, cur.copy('COPY "Currencies" FROM STDIN') as copy:
            copy.write(b"")


@pytest.fixture
def mirror_currencies(connections: Any) -> Any:
    """The mirror's Currencies table holding our server's rows (removed afterwards)."""
    ours, real = connections
    cur = ours.execute('SELECT * FROM "StandardUK"."Currencies"')
    names = [d.name for d in cur.description]
    rows = cur.fetchall()
    columns = ", ".join(f'"{n}"' for n in names)
    marks = ", ".join(["%s"] * len(names))
    with real.cursor() as out:
        out.executemany(f'INSERT INTO "StandardUK"."Currencies" ({columns}) VALUES ({marks})', rows)
    yield rows
    real.execute('DELETE FROM "StandardUK"."Currencies"')


def psql_copy(port: int, password: str | None, command: str) -> None:
    env = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
    if password:
        env["PGPASSWORD"] = password
    subprocess.run([PSQL, "-X", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", str(port), "-U", USER,
                    "-d", DATABASE, "-c", command], env=env, check=True, capture_output=True, timeout=120)


@pytest.mark.parametrize("form", [
    '\\copy "StandardUK"."Currencies" TO \'{file}\' CSV HEADER',
    '\\copy (SELECT "Symbol", "Name", "CoreCurrencyRate" FROM "StandardUK"."Currencies" ORDER BY "Id") '
    "TO '{file}' WITH (FORMAT csv, HEADER, FORCE_QUOTE *)",
    '\\copy "StandardUK"."Currencies" ("Id", "Name") TO \'{file}\'',
])
def test_psql_copy_writes_the_same_file_as_postgresql(stack: Stack, mirror: Mirror, mirror_currencies: Any,
                                                       tmp_path: Path, form: str) -> None:
    ours, real = tmp_path / "ours.csv", tmp_path / "real.csv"
    psql_copy(stack.port, PASSWORD, form.format(file=ours))
    psql_copy(mirror.port, None, form.format(file=real))
    assert ours.read_bytes() == real.read_bytes()
    assert len(ours.read_bytes().splitlines()) >= len(mirror_currencies)


def test_polars_reads_a_view_through_connectorx(stack: Stack, connections: Any) -> None:
    pl = pytest.importorskip("polars")
    pytest.importorskip("connectorx")
    query = 'SELECT "Id", "Symbol", "Name", "CoreCurrencyRate", "IsBaseCurrency" FROM "Currencies" ORDER BY "Id"'
    frame = pl.read_database_uri(query, stack.url(), engine="connectorx")
    ours, _ = connections
    expected = ours.execute(query).fetchall()
    assert frame.columns == ["Id", "Symbol", "Name", "CoreCurrencyRate", "IsBaseCurrency"]
    assert [tuple(r) for r in frame.rows()] == [tuple(r) for r in expected]
