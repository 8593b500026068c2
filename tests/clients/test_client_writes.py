"""Real clients writing Customers (issue 14): the SQLAlchemy ORM (session.add / attribute change / delete + commit,
Core upserts), pgjdbc's PreparedStatement.executeUpdate with generated keys, and DBeaver's grid edit statements
through pgjdbc (JdbcWriteProbe.java) — against a private sandbox over real HTTP (tests/integration/test_sql_writes)."""

from __future__ import annotations

import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from tests.integration.test_sql_writes import Server, server  # noqa: F401  (the module's private stack)

JAR = Path("/usr/share/java/postgresql.jar")
PROBE = Path(__file__).with_name("JdbcWriteProbe.java")


class Base(DeclarativeBase):
    pass


class Customer(Base):
    __tablename__ = "Customers"
    __table_args__ = {"schema": "StandardUK"}

    Id: Mapped[int] = mapped_column(primary_key=True)  # assigned by Sage 200: read back through RETURNING
    Reference: Mapped[str | None]
    Name: Mapped[str]
    CreditLimit: Mapped[Decimal | None] = mapped_column(sa.Numeric(18, 2))
    OnHold: Mapped[bool | None]
    ExternalId: Mapped[str | None]
    DateTimeUpdated: Mapped[object | None] = mapped_column(sa.DateTime, server_default=sa.FetchedValue())


def url(stack: Server) -> str:
    return f"postgresql+psycopg://boss:pw@127.0.0.1:{stack.port}/sage200"


def test_sqlalchemy_orm_add_change_delete(server: Server) -> None:  # noqa: F811
    engine = sa.create_engine(url(server))
    try:
        with Session(engine) as session:
            customer = Customer(Reference="ORM001", Name="Orm Added Ltd", CreditLimit=Decimal("1200.5"),
                                OnHold=False, ExternalId="orm-1")
            session.add(customer)
            session.commit()  # BEGIN; INSERT … RETURNING "Id", "DateTimeUpdated"; COMMIT
            assert customer.Id > 27825 and customer.DateTimeUpdated is not None
            created = customer.Id
            customer.Name = "Orm Changed Ltd"
            customer.CreditLimit = Decimal("99.999")
            session.commit()  # UPDATE … WHERE "Id" = %(Id)s
            session.refresh(customer)
            assert (customer.Name, customer.CreditLimit) == ("Orm Changed Ltd", Decimal("100.00"))
        with Session(engine) as session:
            found = session.scalars(sa.select(Customer).where(Customer.ExternalId == "orm-1")).one()
            assert found.Id == created and found.Name == "Orm Changed Ltd"
            session.delete(found)
            session.commit()  # DELETE … WHERE "Id" = %(Id)s (SQLAlchemy checks the row count: 1)
        with Session(engine) as session:
            assert session.get(Customer, created) is None
            # Core upsert: INSERT … ON CONFLICT ("Reference") DO UPDATE SET "Name" = excluded."Name"
            statement = pg_insert(Customer.__table__).values(Reference="ABB001", Name="Abbey by the ORM")
            statement = statement.on_conflict_do_update(index_elements=["Reference"],
                                                        set_={"Name": statement.excluded.Name})
            result = session.execute(statement.returning(Customer.__table__.c.Id))
            abbey = result.scalar_one()
            session.commit()
            assert session.get(Customer, abbey).Name == "Abbey by the ORM"
            # a field rule refused by the ORM's flush, with the error PostgreSQL would give
            session.add(Customer(Reference="ORM002", Name="X" * 61))
            with pytest.raises(sa.exc.DataError) as caught:
                session.commit()
            assert "value too long for type character varying(60)" in str(caught.value)
            session.rollback()
    finally:
        engine.dispose()
    assert server.named("Orm Changed Ltd") == []


@pytest.mark.skipif(not JAR.exists() or shutil.which("java") is None,
                    reason="needs Java 17 and Debian libpostgresql-jdbc-java")
def test_pgjdbc_execute_update_and_dbeaver_grid_edits(server: Server) -> None:  # noqa: F811
    done = subprocess.run(["java", "-cp", str(JAR), str(PROBE), f"jdbc:postgresql://127.0.0.1:{server.port}/sage200",
                           "boss", "pw"], capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    lines = [line.split("\t") for line in done.stdout.splitlines()]
    inserts = [line for line in lines if line[0] == "insert"]
    assert len(inserts) == 6 and {tuple(line[1:]) for line in inserts} == {("1", inserts[0][2], "JDBC1", "100.00")}
    assert [line[1] for line in lines if line[0] == "update"] == ["1"] * 6
    assert ["toolong", "22001", "ERROR: value too long for type character varying(8)"] in lines
    assert ["read", "Jdbc Updated 5", "false"] in lines
    assert [line[1] for line in lines if line[0] == "delete"] == ["1", "0"]
    assert ["dbeaver-insert", "1", "DBV1"] in lines
    assert ["dbeaver-update", "1"] in lines
    assert ["dbeaver-readonly", "55000", 'ERROR: cannot update view "Suppliers"'] in lines
    assert ["dbeaver-read", "DBeaver Grid Edited", "Leeds"] in lines
    assert ["dbeaver-delete", "1"] in lines
    assert server.named("DBeaver Grid Edited") == [] and server.named("Jdbc Updated 5") == []
