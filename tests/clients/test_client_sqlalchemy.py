"""SQLAlchemy 2 (psycopg 3 and asyncpg dialects), its ORM, and pandas.read_sql against our server.

Reflection (what Alembic, automap, Superset, Jupyter users run) is compared with the same calls
against the PostgreSQL 15 mirror of our tables.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pandas as pd
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

from tests.clients.conftest import DATABASE, Mirror, SageCustomer
from tests.integration.conftest import PASSWORD, USER, Stack


def our_url(stack: Stack, driver: str) -> str:
    return f"postgresql+{driver}://{USER}:{PASSWORD}@127.0.0.1:{stack.port}/{DATABASE}"


@pytest.fixture(scope="module")
def engine(stack: Stack) -> Iterator[Engine]:
    eng = sa.create_engine(our_url(stack, "psycopg"))
    yield eng
    eng.dispose()


@pytest.fixture(scope="module")
def mirror_engine(mirror: Mirror) -> Iterator[Engine]:
    eng = sa.create_engine(f"postgresql+psycopg://{USER}@127.0.0.1:{mirror.port}/{DATABASE}")
    yield eng
    eng.dispose()


def reflect(inspector: Any) -> dict[str, Any]:
    """Everything an inspector says about our schemas and the Customers table."""
    table, schema = "Customers", "StandardUK"
    return {
        "schemas": inspector.get_schema_names(),
        "tables": {s: sorted(inspector.get_table_names(schema=s)) for s in ("StandardUK", "ProfessionalUK", "sys")},
        "views": inspector.get_view_names(schema=schema),
        "columns": [(c["name"], str(c["type"]), c["nullable"], c.get("default"), c.get("comment"))
                    for c in inspector.get_columns(table, schema=schema)],
        "pk": inspector.get_pk_constraint(table, schema=schema),
        "fks": sorted(inspector.get_foreign_keys(table, schema=schema), key=lambda fk: fk["name"]),
        "comment": inspector.get_table_comment(table, schema=schema),
        "indexes": inspector.get_indexes(table, schema=schema),
        "unique": inspector.get_unique_constraints(table, schema=schema),
    }


@pytest.fixture(scope="module")
def theirs(mirror_engine: Engine) -> dict[str, Any]:
    return reflect(sa.inspect(mirror_engine))


def test_inspect_with_psycopg_matches_postgres(engine: Engine, theirs: dict[str, Any]) -> None:
    ours = reflect(sa.inspect(engine))
    assert ours == theirs
    assert [c[0] for c in ours["columns"]][:3] == ["Id", "Reference", "Name"]
    assert ours["pk"]["constrained_columns"] == ["Id"]
    assert {fk["referred_table"] for fk in ours["fks"]} == {"Currencies", "TaxCodes"}
    assert ours["comment"]["text"].startswith("Customers are one of the most important entities")


def test_inspect_with_asyncpg_matches_postgres(stack: Stack, theirs: dict[str, Any]) -> None:
    async def run() -> dict[str, Any]:
        eng = create_async_engine(our_url(stack, "asyncpg"))
        try:
            async with eng.connect() as conn:
                reflection = conn.run_sync(lambda sync_conn: reflect(sa.inspect(sync_conn)))
                return await asyncio.wait_for(reflection, 30)  # cut off a runaway client
        finally:
            await eng.dispose()

    assert asyncio.run(run()) == theirs


@pytest.mark.parametrize(("schema", "count"), [("StandardUK", 39), ("sys", 15)])
def test_metadata_reflect_whole_schema_matches_postgres(engine: Engine, mirror_engine: Engine, schema: str,
                                                        count: int) -> None:
    """MetaData.reflect (automap, Alembic autogenerate) uses SQLAlchemy's multi-table reflection queries."""

    def shape(eng: Engine) -> dict[str, Any]:
        md = sa.MetaData()
        md.reflect(eng, schema=schema)
        return {name: ([(c.name, str(c.type), c.nullable, c.primary_key) for c in t.columns],
                       sorted((fk.parent.name, fk.target_fullname) for fk in t.foreign_keys), t.comment)
                for name, t in md.tables.items()}

    ours = shape(engine)
    assert len(ours) == count
    assert ours == shape(mirror_engine)


def mapped_classes(schema: str | None) -> tuple[type, type]:
    """Declarative Currency/Customer classes on their own registry, in `schema` or unqualified (search_path)."""

    class Base(DeclarativeBase):
        pass

    args = {"schema": schema} if schema else {}

    class Currency(Base):
        __tablename__ = "Currencies"
        __table_args__ = args
        id: Mapped[int] = mapped_column("Id", primary_key=True)
        symbol: Mapped[str | None] = mapped_column("Symbol")
        name: Mapped[str | None] = mapped_column("Name")

    class Customer(Base):
        __tablename__ = "Customers"
        __table_args__ = args
        id: Mapped[int] = mapped_column("Id", primary_key=True)
        reference: Mapped[str | None] = mapped_column("Reference", sa.String(8))
        name: Mapped[str | None] = mapped_column("Name", sa.String(60))
        balance: Mapped[Decimal | None] = mapped_column("Balance", sa.Numeric(18, 2))
        currency_id: Mapped[int | None] = mapped_column("CurrencyId", sa.ForeignKey(Currency.id))
        currency: Mapped[Currency | None] = relationship()

    return Currency, Customer


def orm_session_checks(engine: Engine, customers: list[SageCustomer], schema: str | None) -> None:
    currency_cls, customer_cls = mapped_classes(schema)
    Customer: Any = customer_cls
    Currency: Any = currency_cls
    with Session(engine) as session:
        found = session.scalars(sa.select(Customer).order_by(Customer.id).limit(5)).all()
        assert [(c.id, c.reference, c.name, f"{c.balance:.2f}") for c in found] == [
            (c.id, c.reference, c.name, c.balance) for c in customers]
        one = session.get(Customer, customers[2].id)
        assert one is not None and one.reference == customers[2].reference
        assert one.currency is not None and one.currency.name  # lazy load through the foreign key
        rows = session.execute(
            sa.select(Currency.name, sa.func.count(Customer.id))
            .join(Customer.currency).group_by(Currency.name).order_by(Currency.name)).all()
        total = session.scalar(sa.select(sa.func.count()).select_from(Customer))
        assert rows and sum(n for _, n in rows) <= total


def test_orm_mapping_found_through_search_path(engine: Engine, customers: list[SageCustomer]) -> None:
    """Tables mapped without a schema: StandardUK is on the default search_path."""
    orm_session_checks(engine, customers, schema=None)


def test_orm_mapping_with_schema(engine: Engine, customers: list[SageCustomer]) -> None:
    """SQLAlchemy writes "StandardUK"."Customers"."Id" for every column of a schema-qualified table."""
    orm_session_checks(engine, customers, schema="StandardUK")


def test_pandas_read_sql(engine: Engine, customers: list[SageCustomer]) -> None:
    frame = pd.read_sql(sa.text('SELECT "Id", "Reference", "Name", "Balance", "OnHold", "DateTimeUpdated" '
                                'FROM "StandardUK"."Customers" WHERE "Id" <= :last ORDER BY "Id"'),
                        engine, params={"last": customers[-1].id})
    assert list(frame["Id"]) == [c.id for c in customers]
    assert list(frame["Reference"]) == [c.reference for c in customers]
    assert [f"{b:.2f}" for b in frame["Balance"]] == [c.balance for c in customers]
    assert str(frame["Id"].dtype) == "int64" and str(frame["OnHold"].dtype) == "bool"
    assert str(frame["DateTimeUpdated"].dtype).startswith("datetime64")


def test_pandas_read_sql_table(engine: Engine) -> None:
    frame = pd.read_sql_table("Currencies", engine, schema="StandardUK")
    assert list(frame.columns)[:3] == ["Id", "Symbol", "Name"] and len(frame) >= 1


def test_other_edition_through_startup_search_path(stack: Stack) -> None:
    """connect_args options='-c search_path=ProfessionalUK': unqualified names (and schema-less ORM
    mappings) reach the ProfessionalUK edition; EXPLAIN shows the API it calls."""
    eng = sa.create_engine(our_url(stack, "psycopg"), connect_args={"options": "-c search_path=ProfessionalUK"})
    try:
        with eng.connect() as conn:
            assert conn.execute(sa.text("SHOW search_path")).scalar() == "ProfessionalUK"
            plan = "\n".join(r[0] for r in conn.execute(sa.text('EXPLAIN SELECT "Id" FROM "Customers" LIMIT 1')))
        assert "ProfessionalUK.Customers" in plan and "/uk/sage200extra/accounts/v1/customers" in plan
        _, customer_cls = mapped_classes(schema=None)
        customer: Any = customer_cls
        with Session(eng) as session:
            ids = session.scalars(sa.select(customer.id).order_by(customer.id).limit(5)).all()
        assert len(ids) == 5 and ids == sorted(ids)
    finally:
        eng.dispose()


def test_pandas_chunks_through_a_server_side_cursor(engine: Engine, stack: Stack) -> None:
    """stream_results=True makes SQLAlchemy's psycopg dialect read through a named (server-side) cursor."""
    total = int(stack.psql('SELECT count(*) FROM "StandardUK"."Customers"').stdout)
    with engine.connect().execution_options(stream_results=True, max_row_buffer=25) as conn:
        chunks = list(pd.read_sql(sa.text('SELECT "Id", "Name" FROM "StandardUK"."Customers" ORDER BY "Id"'),
                                  conn, chunksize=25))
    assert [len(c) for c in chunks] == [25] * (total // 25) + ([total % 25] if total % 25 else [])
    ids = [i for c in chunks for i in c["Id"]]
    assert ids == sorted(ids) and len(set(ids)) == total
