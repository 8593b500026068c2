"""Message flows against a real PostgreSQL 15: the same raw message sequences must get the same
sequence of backend message types (and SQLSTATEs) from our server (fake engine) as from PG."""

from __future__ import annotations

import struct

import pgproto_wire as w
import pytest
from pgproto_server import RunningServer
from test_proto_raw import RawClient, _codes, _error_fields

# The same statement for each side: (PostgreSQL, fake engine).
SQL = {
    "rows5": ("SELECT g FROM generate_series(1, 5) g", "SELECT 5"),
    "rows1": ("SELECT 1", "SELECT 1"),
    "missing": ("SELECT * FROM no_such_table", "FAIL 42P01 relation does not exist"),
    "param": ("SELECT $1::int4", "SELECT $1::int4"),
    "begin": ("BEGIN", "BEGIN"),
    "commit": ("COMMIT", "COMMIT"),
    "rollback": ("ROLLBACK", "ROLLBACK"),
    "set": ("SET application_name = 'x'", "SET application_name = 'x'"),
    "break2": ("SELECT 1 / (g - 3) FROM generate_series(1, 5) g", "BREAK 2"),
}

SCENARIOS: dict[str, list[tuple[str, ...]]] = {
    "row limits": [("parse", "", "rows5"), ("describe", "S", ""), ("bind", "", "", "binary"), ("describe", "P", ""),
                   ("execute", "", 2), ("execute", "", 2), ("execute", "", 0), ("sync",)],
    "error skips until sync": [("parse", "", "missing"), ("bind", "", "", "text"), ("execute", "", 0), ("sync",),
                               ("query", "rows1")],
    "duplicate statement": [("parse", "s1", "rows1"), ("parse", "s1", "rows1"), ("sync",), ("parse", "s1", "rows1"),
                            ("sync",)],
    "unknown statement": [("bind", "", "nope", "text"), ("sync",)],
    "unknown portal": [("execute", "nope", 0), ("sync",)],
    "close missing": [("close", "S", "nope"), ("close", "P", "nope"), ("sync",)],
    "empty simple query": [("query", "")],
    "empty extended query": [("parse", "", "empty"), ("bind", "", "", "text"), ("describe", "P", ""),
                             ("execute", "", 0), ("sync",)],
    "multi statement error": [("query", "rows1;missing;rows1")],
    "wrong parameter count": [("parse", "p", "param"), ("describe", "S", "p"), ("bind_params", "", "p", 2), ("sync",)],
    "portal survives sync in a transaction": [
        ("query", "begin"), ("parse", "", "rows5"), ("bind", "c", "", "text"), ("execute", "c", 3), ("sync",),
        ("execute", "c", 0), ("sync",), ("execute", "c", 0), ("sync",), ("query", "commit"), ("execute", "c", 0),
        ("sync",)],
    "failed transaction": [("query", "begin"), ("query", "missing"), ("query", "rows1"), ("query", "rollback"),
                           ("query", "rows1")],
    "extended error inside a transaction": [("query", "begin"), ("parse", "", "missing"), ("sync",),
                                            ("parse", "", "rows1"), ("sync",), ("query", "rollback")],
    "set reports parameter status": [("query", "set")],
    "named portal is closed by close": [("query", "begin"), ("parse", "", "rows5"), ("bind", "c", "", "text"),
                                        ("close", "P", "c"), ("execute", "c", 0), ("sync",), ("query", "rollback")],
    "error in the middle of rows (simple)": [("query", "break2"), ("query", "rows1")],
    "error in the middle of rows (extended)": [("parse", "", "break2"), ("bind", "", "", "binary"),
                                               ("execute", "", 0), ("sync",), ("query", "rows1")],
    "warning notice": [("query", "begin"), ("query", "begin"), ("query", "rollback")],
    "duplicate portal": [("query", "begin"), ("parse", "", "rows1"), ("bind", "c", "", "text"),
                         ("bind", "c", "", "text"), ("sync",), ("query", "rollback")],
}


def _sql(key: str, side: int) -> str:
    if key in ("", "empty"):
        return ""
    return ";".join(SQL[k][side] for k in key.split(";"))


def _encode(step: tuple[str, ...], side: int) -> bytes:
    kind = step[0]

    def sql(key: str) -> str:
        return _sql(key, side)

    if kind == "query":
        return w.query(sql(step[1]))
    if kind == "parse":
        return w.parse(step[1], sql(step[2]), [])
    if kind == "describe":
        return w.describe(step[1], step[2])
    if kind == "bind":
        return w.bind(step[1], step[2], [], [], [1] if step[3] == "binary" else [])
    if kind == "bind_params":
        return w.bind(step[1], step[2], [], [b"1"] * int(step[3]), [])
    if kind == "execute":
        return w.execute(step[1], int(step[2]))
    if kind == "close":
        return w.msg(b"C", step[1].encode() + w.cstr(step[2]))
    return w.sync()


def _run(client: RawClient, steps: list[tuple[str, ...]], side: int) -> list[str]:
    """Send everything, then read one ReadyForQuery per Sync/Query; returns codes (+SQLSTATE for errors)."""
    client.send(b"".join(_encode(step, side) for step in steps))
    out: list[str] = []
    for _ in [s for s in steps if s[0] in ("sync", "query")]:
        for code, body in client.until_ready():
            out.append(f"E:{_error_fields(body)['C']}" if code == b"E" else code.decode())
    return out


def _pg_client(url: str) -> RawClient:
    port = int(url.rsplit(":", 1)[1].split("/")[0])
    client = RawClient(port)
    client.send(w.startup({"user": "postgres", "database": "postgres"}))
    assert _codes(client.until_ready())[0] == "R"
    return client


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_message_flow_matches_postgres(real_pg_url: str, pg_server: RunningServer, name: str) -> None:
    theirs_client, ours_client = _pg_client(real_pg_url), RawClient(pg_server.port)
    try:
        ours_client.login()
        theirs = _run(theirs_client, SCENARIOS[name], 0)
        ours = _run(ours_client, SCENARIOS[name], 1)
    finally:
        theirs_client.close()
        ours_client.close()
    assert ours == theirs


def test_parameter_description_of_an_untyped_parameter(real_pg_url: str) -> None:
    """PG infers $1::int4 as int4; the fake engine does the same, and Describe reports it."""
    client = _pg_client(real_pg_url)
    try:
        client.send(w.parse("", "SELECT $1::int4", [0]) + w.describe("S", "") + w.sync())
        messages = client.until_ready()
    finally:
        client.close()
    assert messages[1] == (b"t", struct.pack(">hI", 1, 23))
