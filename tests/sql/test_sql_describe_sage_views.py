"""Describe of the Sage views as `pgserver serve` serves them (the default config: the embedded sandbox).

A plain SELECT of one view's columns (binder._passthrough_pass) is described from the view's declared columns,
without binding it in DuckDB; every other query is bound in DuckDB over empty inputs. Both must tell the client
the same RowDescription: names, type OIDs, typmods, table OIDs and attribute numbers."""

from __future__ import annotations

import pytest

from pgserver.app import build_engine_factory
from pgserver.config import default_config

pytestmark = pytest.mark.anyio


async def test_a_plain_select_of_a_view_is_described_as_duckdb_describes_it() -> None:
    engine = await build_engine_factory(default_config()).connect("demo", "sage200", {}, superuser=True)
    try:
        listing = await engine.prepare("SELECT table_schema, table_name FROM information_schema.tables "
                                       "WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2", [])
        cursor = await engine.execute(listing, [])
        views = await cursor.fetch(None)
        await cursor.close()
        assert len(views) >= 78 + 14, views  # the views of both editions and the sys_* tables
        for schema, view in views:
            name = f'"{schema}"."{view}"'
            for plain, through_duckdb in ((f"SELECT * FROM {name}", f"SELECT * FROM {name} WHERE true"),
                                          (f'SELECT v."Id" AS ident, v.* FROM {name} v',
                                           f'SELECT v."Id" AS ident, v.* FROM {name} v WHERE true')):
                try:
                    got = await engine.prepare(plain, [])
                except Exception as exc:  # a view without an Id column: the other form covers it
                    assert "Id" in str(exc) and "ident" in plain, (plain, exc)
                    continue
                assert got.state.bound.passthrough is not None, plain  # the path under test
                expected = await engine.prepare(through_duckdb, [])
                assert expected.state.bound.passthrough is None
                assert got.columns == expected.columns, plain
    finally:
        await engine.close()
