"""ImportCustomersXml through the SQL engine over the wire (psycopg), against a private sandbox over HTTP:
the identity paths as result rows, re-import idempotence, a bad document as an ERROR, superusers only."""

from __future__ import annotations

from collections.abc import Iterator
from types import MappingProxyType

import psycopg
import pytest

from pgserver.config import DatabaseConfig, ServerConfig, UserConfig
from pgserver.embedded import serve_in_thread
from pgserver.protocol.scram import make_verifier
from sage_sandbox.app import create_app
from sage_sandbox.config import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, SandboxConfig
from sage_sandbox.server import serve_in_thread as sandbox_in_thread

CALL = 'SELECT "Record", "Outcome", "Id", "Reference", "ExternalId", "MatchedBy", "SqlState", "Message" ' \
       'FROM "StandardUK"."ImportCustomersXml"(%s)'
CALL_AUTO = CALL.replace("(%s)", "(%s, true)")


@pytest.fixture(scope="module")
def port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    app = create_app(SandboxConfig())
    tokens = tmp_path_factory.mktemp("import-sql") / "tokens.json"
    with sandbox_in_thread(app) as url:
        database = DatabaseConfig("sage200", api_base_url=url, client_id=DEMO_CLIENT_ID,
                                  client_secret=DEMO_CLIENT_SECRET, token_store=str(tokens),
                                  properties=MappingProxyType({"Timeout": 20}))
        users = (UserConfig("admin", make_verifier("admin-pw"), superuser=True),
                 UserConfig("clerk", make_verifier("clerk-pw")))
        config = ServerConfig(host="127.0.0.1", port=0, users=users, databases=MappingProxyType({"sage200": database}))
        with serve_in_thread(config) as server:
            yield server.port


def connect(port: int, user: str = "admin") -> psycopg.Connection:
    # client-side binding: the SQL layer takes procedure arguments as constants (not $n parameters) for now
    return psycopg.connect(host="127.0.0.1", port=port, user=user, password=f"{user}-pw", dbname="sage200",
                           autocommit=True, cursor_factory=psycopg.ClientCursor)


def test_import_through_sql_and_again(port: int) -> None:
    xml = ("<Customers>"
           "<Customer><id>27825</id><name>A1 from SQL</name></Customer>"
           "<Customer><external_id>sql-1</external_id><reference>SQL001</reference><name>Sql One</name></Customer>"
           "<Customer><reference>ABB001</reference><name>Abbey from SQL</name></Customer>"
           "<Customer><external_id>sql-2</external_id><name>Sql Generated</name></Customer>"
           "<Customer><external_id>sql-3</external_id><name>Sql Too Long</name>"
           "<short_name>WAY TOO LONG</short_name></Customer>"
           "</Customers>")
    with connect(port) as conn:
        rows = conn.execute(CALL_AUTO, (xml,)).fetchall()
        assert [(r[0], r[1], r[5], r[6]) for r in rows] == [
            (1, "updated", "Id", None), (2, "created", None, None), (3, "updated", "Reference", None),
            (4, "created", None, None), (5, "failed", None, "22001")]
        assert rows[0][2] == 27825 and rows[1][3] == "SQL001" and rows[3][3].startswith("SQL")
        assert rows[4][7].startswith("value too long for type character varying(8)")
        again = conn.execute(CALL_AUTO, (xml,)).fetchall()
        assert [(r[1], r[5]) for r in again[:4]] == [("updated", "Id"), ("updated", "ExternalId"),
                                                       ("updated", "Reference"), ("updated", "ExternalId")]
        assert [r[2] for r in again[:4]] == [r[2] for r in rows[:4]]
        # reads see the writes
        assert conn.execute('SELECT "Name" FROM "StandardUK"."Customers" WHERE "Id" = 27825').fetchone() == \
            ("A1 from SQL",)
        assert conn.execute("""SELECT count(*) FROM "StandardUK"."Customers" WHERE "Name" = 'Sql Generated'""") \
            .fetchone() == (1,)
        # without generation, a record with no way to find or name its customer fails
        none = conn.execute(CALL, ("<Customers><Customer><external_id>sql-9</external_id><name>Nope</name>"
                                   "</Customer></Customers>",)).fetchall()
        assert none[0][1:2] == ("failed",) and none[0][6] == "23502"


def test_a_bad_document_is_an_error_and_the_connection_stays_usable(port: int) -> None:
    with connect(port) as conn:
        with pytest.raises(psycopg.Error) as caught:
            conn.execute(CALL, ("<Suppliers/>",))
        assert caught.value.sqlstate == "2200M"
        assert "not a Zynk customer document" in str(caught.value)
        assert conn.execute("SELECT 1").fetchone() == (1,)


def test_only_superusers_may_import(port: int) -> None:
    with connect(port, "clerk") as conn:
        with pytest.raises(psycopg.Error) as caught:
            conn.execute(CALL, ("<Customers/>",))
        assert caught.value.sqlstate == "42501"


def test_the_procedure_is_listed(port: int) -> None:
    with connect(port) as conn:
        names = {r[0] for r in conn.execute("SELECT ProcedureName FROM sys_procedures").fetchall()}
        assert "ImportCustomersXml" in names

