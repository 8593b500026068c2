"""One Catalog serves every user: owner and ACL columns name each session's own user."""

from __future__ import annotations

import duckdb
import sqlglot

from pgserver.catalog import Catalog, CatalogSession, install, rewrite
from tests.catalog.conftest import DATABASE, sample_procedures, sample_tables, session_settings

QUERIES = {
    "relacl": "SELECT relacl FROM pg_catalog.pg_class WHERE relname = 'Banks'",
    "tableowner": "SELECT tableowner FROM pg_catalog.pg_tables WHERE tablename = 'Banks'",
    "schema_owner": "SELECT schema_owner FROM information_schema.schemata WHERE schema_name = 'StandardUK'",
    "privileges": "SELECT grantor || '/' || grantee FROM information_schema.table_privileges "
                  "WHERE table_name = 'Banks'",
}


def _answers(catalog: Catalog, user: str) -> dict[str, object]:
    duck = duckdb.connect()
    try:
        install(duck, catalog, CatalogSession(user, DATABASE, session_settings()))
        out: dict[str, object] = {}
        for key, sql in QUERIES.items():
            tree = rewrite(sqlglot.parse_one(sql, read="postgres"), catalog)
            out[key] = duck.execute(tree.sql(dialect="duckdb")).fetchall()
        return out
    finally:
        duck.close()


def test_one_catalog_answers_each_user_with_their_own_name() -> None:
    shared = Catalog(sample_tables(), sample_procedures(), DATABASE)  # no user: built once per database
    assert _answers(shared, "alice") == {
        "relacl": [(["alice=r/alice"],)], "tableowner": [("alice",)], "schema_owner": [("alice",)],
        "privileges": [("alice/alice",)],
    }
    # A name that quote_ident quotes keeps PostgreSQL's aclitem quoting; the same shared file serves it.
    assert _answers(shared, "Bob Smith") == {
        "relacl": [(['"Bob Smith"=r/"Bob Smith"'],)], "tableowner": [("Bob Smith",)],
        "schema_owner": [("Bob Smith",)], "privileges": [("Bob Smith/Bob Smith",)],
    }
