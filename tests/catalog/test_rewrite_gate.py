"""The catalog rewrite's shortcut (rewrite._nothing_to_rewrite): a query it lets through unchanged must be one the
full rewrite would not have changed either — checked over the client corpus and queries on the edge of each
condition."""

from __future__ import annotations

import importlib

import pytest
import sqlglot

from pgserver.catalog import Catalog
from tests.catalog.corpus import inline, load_all

rewrite = importlib.import_module("pgserver.catalog.rewrite")  # the package exports the function under that name

LEFT_ALONE = [
    'SELECT * FROM "Customers" WHERE "Id" = 27825',
    'SELECT c."Name", c."Id" AS i FROM "Customers" AS c JOIN "SalesOrders" AS s ON s."CustomerId" = c."Id" '
    'WHERE s."Id" > 5 AND c."Name" LIKE \'A%\' ORDER BY 1 LIMIT 3 OFFSET 2',
    'SELECT "user", "Id" FROM "Customers"',  # a quoted column named like a keyword function
    'SELECT * FROM "StandardUK"."Customers" WHERE "Id" IN (1, 2, 3) OR "Id" IS NULL',
]
REWRITTEN = [
    "SELECT user",  # a keyword function
    'SELECT "Id" FROM "Customers" WHERE "Name" = current_user',
    "SELECT relname FROM pg_class",  # a catalog table
    "SELECT c.relname FROM pg_catalog.pg_class AS c",
    "SELECT tableoid FROM pg_class",
    'SELECT x FROM (SELECT "Id" AS x FROM "Customers") AS s',  # a subquery: kept_names may alias it
    "SELECT * FROM generate_series(1, 3)",
    "SELECT '1'::regclass",
]


def _parsed(sql: str) -> sqlglot.exp.Expression:
    return sqlglot.parse_one(sql, read="postgres")


def _gate(catalog: Catalog, sql: str) -> bool:
    return rewrite._nothing_to_rewrite(_parsed(sql), catalog.relation_names)


def _left_alone(tree: sqlglot.exp.Expression, catalog: Catalog) -> bool:
    """The full rewrite leaves the query's text as it is and types none of its columns (the shortcut's answer)."""
    full = rewrite._rewrite_all(tree.copy(), catalog)
    return full.tree.sql("postgres") == tree.sql("postgres") and not any(full.result_types or ())


@pytest.mark.parametrize("sql", LEFT_ALONE)
def test_plain_queries_take_the_shortcut_and_the_full_rewrite_agrees(catalog: Catalog, sql: str) -> None:
    assert _gate(catalog, sql)
    assert _left_alone(_parsed(sql), catalog)


@pytest.mark.parametrize("sql", REWRITTEN)
def test_queries_the_rewrite_acts_on_do_not_take_it(catalog: Catalog, sql: str) -> None:
    assert not _gate(catalog, sql)


def test_no_corpus_query_the_shortcut_takes_would_have_been_rewritten(catalog: Catalog) -> None:
    taken = 0
    for query in load_all():
        sql = inline(query.sql, query.params)
        try:
            tree = _parsed(sql)
        except sqlglot.errors.ParseError:
            continue
        if rewrite._nothing_to_rewrite(tree, catalog.relation_names):
            taken += 1
            assert _left_alone(tree, catalog), query.id
    assert taken < len(load_all())  # the corpus is mostly catalog queries: most must not take it
