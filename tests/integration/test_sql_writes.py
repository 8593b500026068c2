"""SQL writes on Customers over the wire (issue 14 part B), against a private sandbox over real HTTP and a server
with a mirror directory (so every CacheMode is available): Zynk's identity paths as SQL, each field rule with its
SQLSTATE and message, API refusals, a statement failing half way, command tags, RETURNING, parameters,
transactions, a retried insert after a dropped connection, reads seeing writes in every CacheMode, and the
catalog telling which tables are writable."""

from __future__ import annotations

import os
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import psycopg
import pytest

from pgserver.config import DatabaseConfig, ServerConfig, UserConfig
from pgserver.embedded import serve_in_thread
from pgserver.protocol.scram import make_verifier
from sage_sandbox.app import create_app
from sage_sandbox.config import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, SandboxConfig
from sage_sandbox.faults import FaultInjector, parse_fault_spec
from sage_sandbox.server import serve_in_thread as sandbox_in_thread
from sage_sandbox.state import SandboxState

from .conftest import PSQL

CUSTOMERS = '"StandardUK"."Customers"'


@dataclass
class Server:
    port: int
    sandbox: SandboxState

    def connect(self, autocommit: bool = True) -> psycopg.Connection:
        return psycopg.connect(host="127.0.0.1", port=self.port, user="boss", password="pw", dbname="sage200",
                               autocommit=autocommit)

    def named(self, name: str) -> list[tuple]:
        """Customers with this name, read by a fresh LIVE connection."""
        with self.connect() as conn:
            conn.execute("SET CacheMode = LIVE")
            return conn.execute(f'SELECT "Id", "Reference" FROM {CUSTOMERS} WHERE "Name" = %s', (name,)).fetchall()

    def posts(self) -> int:
        return sum(1 for r in self.sandbox.requests if r.method == "POST" and r.path.endswith("/customers"))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    app = create_app(SandboxConfig(scale=1, seed=200))
    tmp: Path = tmp_path_factory.mktemp("sql-writes")
    with sandbox_in_thread(app) as url:
        database = DatabaseConfig("sage200", api_base_url=url, client_id=DEMO_CLIENT_ID,
                                  client_secret=DEMO_CLIENT_SECRET, token_store=str(tmp / "tokens.json"),
                                  properties=MappingProxyType({"Timeout": 20}))
        config = ServerConfig(host="127.0.0.1", port=0, users=(UserConfig("boss", make_verifier("pw"), superuser=True),),
                              databases=MappingProxyType({"sage200": database}), cache_dir=tmp / "cache")
        with serve_in_thread(config) as running:
            yield Server(running.port, app.state.sandbox)


def error_of(conn: psycopg.Connection, sql: str, params: tuple | None = None) -> psycopg.Error:
    with pytest.raises(psycopg.Error) as caught:
        conn.execute(sql, params)
    if conn.info.transaction_status == psycopg.pq.TransactionStatus.INERROR:
        conn.execute("ROLLBACK")
    assert conn.execute("SELECT 1").fetchone() == (1,)  # the connection stays usable
    return caught.value


# -- Zynk's identity paths, as SQL ---------------------------------------------------------------------------------


def test_update_by_id_by_external_id_and_by_reference(server: Server) -> None:
    with server.connect() as conn:
        # by id: UPDATE … WHERE "Id" = …
        cur = conn.execute(f'UPDATE {CUSTOMERS} SET "Name" = %s WHERE "Id" = %s RETURNING "Id", "Name"',
                           ("A1 Renamed by SQL", 27825))
        assert cur.statusmessage == "UPDATE 1" and cur.fetchall() == [(27825, "A1 Renamed by SQL")]
        # by id as an upsert key
        cur = conn.execute(f'INSERT INTO {CUSTOMERS} ("Id", "Name") VALUES (27825, \'A1 Upserted\') '
                           'ON CONFLICT ("Id") DO UPDATE SET "Name" = EXCLUDED."Name" RETURNING "Id"')
        assert cur.statusmessage == "INSERT 0 1" and cur.fetchall() == [(27825,)]
        # by external id: the first insert creates, the same insert again updates that customer
        first = conn.execute(f'INSERT INTO {CUSTOMERS} ("ExternalId", "Reference", "Name") '
                             "VALUES ('crm-100', 'CRM100', 'Crm Hundred') RETURNING \"Id\", \"ExternalId\"").fetchall()
        again = conn.execute(f'INSERT INTO {CUSTOMERS} ("ExternalId", "Name") VALUES (\'crm-100\', \'Crm Renamed\') '
                             'RETURNING "Id", "Reference", "Name"')
        assert again.statusmessage == "INSERT 0 1"
        assert again.fetchall() == [(first[0][0], "CRM100", "Crm Renamed")] and first[0][1] == "crm-100"
        by_external = conn.execute(f'INSERT INTO {CUSTOMERS} ("ExternalId", "Name") VALUES (\'crm-100\', \'Crm 3\') '
                                   'ON CONFLICT ("ExternalId") DO UPDATE SET "Name" = EXCLUDED."Name" RETURNING "Id"')
        assert by_external.fetchall() == [(first[0][0],)]
        # the ExternalId column is readable, and an UPDATE can find rows by it
        assert conn.execute(f'SELECT "Id", "Name" FROM {CUSTOMERS} WHERE "ExternalId" = \'crm-100\'').fetchall() == \
            [(first[0][0], "Crm 3")]
        assert conn.execute(f'UPDATE {CUSTOMERS} SET "OnHold" = true WHERE "ExternalId" = %s', ("crm-100",)) \
            .statusmessage == "UPDATE 1"
        # by reference: ON CONFLICT ("Reference") updates the customer that has it …
        abbey = conn.execute(f'SELECT "Id" FROM {CUSTOMERS} WHERE "Reference" = \'ABB001\'').fetchone()
        cur = conn.execute(f'INSERT INTO {CUSTOMERS} ("Reference", "Name") VALUES (\'ABB001\', \'Abbey by SQL\') '
                           'ON CONFLICT ("Reference") DO UPDATE SET "Name" = EXCLUDED."Name" RETURNING "Id", "Name"')
        assert cur.fetchall() == [(abbey[0], "Abbey by SQL")]
        # … and creates one with that reference when none has it
        cur = conn.execute(f'INSERT INTO {CUSTOMERS} ("Reference", "Name") VALUES (\'NEWREF1\', \'Brand New\') '
                           'ON CONFLICT ("Reference") DO UPDATE SET "Name" = EXCLUDED."Name" RETURNING "Id", "Reference"')
        created = cur.fetchall()
        assert cur.statusmessage == "INSERT 0 1" and created[0][1] == "NEWREF1" and created[0][0] > 27825
        # ON CONFLICT DO NOTHING leaves the matched row alone and reports nothing
        cur = conn.execute(f'INSERT INTO {CUSTOMERS} ("Reference", "Name") VALUES (\'NEWREF1\', \'Ignored\') '
                           'ON CONFLICT DO NOTHING RETURNING "Id"')
        assert cur.statusmessage == "INSERT 0 0" and cur.fetchall() == []
    assert server.named("Brand New") == [(created[0][0], "NEWREF1")] and server.named("Ignored") == []


def test_auto_generated_reference_and_the_error_without_it(server: Server) -> None:
    with server.connect() as conn:
        error = error_of(conn, f'INSERT INTO {CUSTOMERS} ("Name") VALUES (\'Zenith Widgets\')')
        assert error.sqlstate == "23502"
        assert error.diag.message_primary == \
            'null value in column "Reference" of relation "Customers" violates not-null constraint'
        assert "AutoGenerateReferences" in (error.diag.message_hint or "")
        conn.execute("SET AutoGenerateReferences = on")
        cur = conn.execute(f'INSERT INTO {CUSTOMERS} ("Name") VALUES (\'Zenith Widgets\'), (\'Zenith Widgets Two\') '
                           'RETURNING "Reference"')
        references = [r[0] for r in cur.fetchall()]
        assert cur.statusmessage == "INSERT 0 2"
        assert references[0].startswith("ZEN") and references[1].startswith("ZEN") and references[0] != references[1]
    assert [r[1] for r in server.named("Zenith Widgets")] == [references[0]]


def test_a_plain_insert_of_a_taken_reference_is_a_duplicate_key(server: Server) -> None:
    with server.connect() as conn:
        error = error_of(conn, f'INSERT INTO {CUSTOMERS} ("Reference", "Name") VALUES (\'ABB001\', \'Second Abbey\')')
        assert error.sqlstate == "23505"
        assert error.diag.message_primary == 'duplicate key value violates unique constraint "Customers_Reference_key"'
        assert error.diag.message_detail.startswith('Key ("Reference")=(ABB001) already exists.')
    assert server.named("Second Abbey") == []


# -- field rules: each with PostgreSQL's SQLSTATE and words -----------------------------------------------------------

FIELD_RULES = [
    (f'INSERT INTO {CUSTOMERS} ("Reference", "Name") VALUES (\'NULNAME\', NULL)', "23502",
     'null value in column "Name" of relation "Customers" violates not-null constraint'),
    (f'INSERT INTO {CUSTOMERS} ("Reference", "Name", "ShortName") VALUES (\'LONG1\', \'Long\', \'NINECHARS\')',
     "22001", "value too long for type character varying(8)"),
    (f'UPDATE {CUSTOMERS} SET "Reference" = \'WAYTOOLONG\' WHERE "Id" = 27825', "22001",
     "value too long for type character varying(8)"),
    (f'INSERT INTO {CUSTOMERS} ("Reference", "Name", "AccountStatusType") VALUES (\'ENUM1\', \'Enum\', \'Closed\')',
     "22P02", 'invalid input value for enum account_status_type: "Closed"'),
    (f'UPDATE {CUSTOMERS} SET "ExchangeRateType" = \'Floating\' WHERE "Id" = 27825', "22P02",
     'invalid input value for enum exchange_rate_type: "Floating"'),
    (f'INSERT INTO {CUSTOMERS} ("Reference", "Name", "Balance") VALUES (\'BAL1\', \'Bal\', 10)', "428C9",
     'cannot insert a non-DEFAULT value into column "Balance"'),
    (f'UPDATE {CUSTOMERS} SET "DateTimeUpdated" = now() WHERE "Id" = 27825', "428C9",
     'column "DateTimeUpdated" can only be updated to DEFAULT'),
    (f'INSERT INTO {CUSTOMERS} ("Id", "Reference", "Name") VALUES (5, \'IDX\', \'Id given\')', "428C9",
     'cannot insert a non-DEFAULT value into column "Id"'),
    (f'UPDATE {CUSTOMERS} SET "CurrencyId" = 2 WHERE "Id" = 27825', "428C9",
     'column "CurrencyId" can only be updated to DEFAULT'),
    (f'INSERT INTO {CUSTOMERS} ("Reference", "Name", "CreditLimit") VALUES (\'NUM1\', \'Num\', \'lots\')', "22P02",
     'invalid input syntax for type numeric: "lots"'),
    (f'UPDATE {CUSTOMERS} SET "CreditLimit" = 1e20 WHERE "Id" = 27825', "22003", "numeric field overflow"),
    (f'UPDATE {CUSTOMERS} SET "OnHold" = 1 WHERE "Id" = 27825', "42804",
     'column "OnHold" is of type boolean but expression is of type integer'),
    (f'UPDATE {CUSTOMERS} SET "Nope" = 1 WHERE "Id" = 27825', "42703",
     'column "Nope" of relation "Customers" does not exist'),
    (f'INSERT INTO {CUSTOMERS} ("Reference", "Name", "DefaultTaxCodeId") VALUES (\'TAX1\', \'Tax\', 999999)', "22023",
     "Sage 200 refused the customer: 'default_tax_code_id' does not refer to an existing record"),
    ('INSERT INTO "StandardUK"."Suppliers" ("Name") VALUES (\'x\')', "55000", 'cannot insert into view "Suppliers"'),
    ('DELETE FROM "StandardUK"."Banks"', "55000", 'cannot delete from view "Banks"'),
    (f'INSERT INTO {CUSTOMERS} ("Name", "Name") VALUES (\'a\', \'b\')', "42701",
     'column "Name" specified more than once'),
    (f'UPDATE {CUSTOMERS} SET "Name" = \'a\', "Name" = \'b\' WHERE "Id" = 27825', "42601",
     'multiple assignments to same column "Name"'),
    (f'INSERT INTO {CUSTOMERS} ("Name") VALUES (\'a\', \'b\')', "42601",
     "INSERT has more expressions than target columns"),
    (f'INSERT INTO {CUSTOMERS} ("Reference", "Name") VALUES (\'Q1\', \'Q\') ON CONFLICT ("Name") DO NOTHING',
     "42P10", "there is no unique or exclusion constraint matching the ON CONFLICT specification"),
]


@pytest.mark.parametrize(("sql", "sqlstate", "message"), FIELD_RULES, ids=[r[1] + "-" + r[2][:40] for r in FIELD_RULES])
def test_each_field_rule_has_its_sqlstate_and_message(server: Server, sql: str, sqlstate: str, message: str) -> None:
    before = server.posts()
    with server.connect() as conn:
        error = error_of(conn, sql)
        assert (error.sqlstate, error.diag.message_primary) == (sqlstate, message)
    if sqlstate != "22023":  # refused before anything is sent (the API's own refusal is a sent request)
        assert server.posts() == before
    with server.connect() as conn:  # nothing changed on the customer the updates named
        assert conn.execute(f'SELECT "Reference", "OnHold" FROM {CUSTOMERS} WHERE "Id" = 27825').fetchone()[0] != \
            "WAYTOOLONG"


def test_a_statement_failing_half_way_reports_the_rows_applied(server: Server) -> None:
    with server.connect() as conn:
        error = error_of(conn, f'INSERT INTO {CUSTOMERS} ("Reference", "Name") VALUES '
                               "('HALF1', 'Half One'), ('HALF1', 'Half Two'), ('HALF3', 'Half Three')")
        assert error.sqlstate == "23505"
        detail = error.diag.message_detail
        first = server.named("Half One")
        assert len(first) == 1
        assert f"Row 2 of 3 failed. Applied before it, and still applied (Sage 200 has no transactions): row 1 (Id " \
               f"{first[0][0]} created)." in detail
        assert detail.endswith("Not attempted: row 3.")
    assert server.named("Half Two") == [] and server.named("Half Three") == []


def test_command_tags_filters_and_returning(server: Server) -> None:
    with server.connect() as conn:
        cur = conn.execute(f'INSERT INTO {CUSTOMERS} ("Reference", "Name", "CreditLimit", "MainAddressPostcode") '
                           "VALUES ('TAG1', 'Tag Test', '1500.505', 'AB1 2CD'), ('TAG2', 'Tag Test', 10, DEFAULT) "
                           "RETURNING *")
        rows = cur.fetchall()
        names = [c.name for c in cur.description]
        assert cur.statusmessage == "INSERT 0 2" and len(rows) == 2 and "ExternalId" in names and "Balance" in names
        credit = names.index("CreditLimit")
        assert [str(r[credit]) for r in rows] == ["1500.51", "10.00"]  # numeric(18,2): rounded half away from zero
        assert rows[0][names.index("MainAddressPostcode")] == "AB1 2CD"
        cur = conn.execute(f'UPDATE {CUSTOMERS} SET "CreditLimit" = "CreditLimit" + 1 WHERE "Name" = \'Tag Test\' '
                           'RETURNING "Reference", "CreditLimit"')
        assert cur.statusmessage == "UPDATE 2"
        assert sorted((r, str(c)) for r, c in cur.fetchall()) == [("TAG1", "1501.51"), ("TAG2", "11.00")]
        assert conn.execute(f'UPDATE {CUSTOMERS} SET "Name" = \'x\' WHERE "Reference" = \'NOSUCH\'').statusmessage == \
            "UPDATE 0"
        cur = conn.execute(f'DELETE FROM {CUSTOMERS} WHERE "Reference" LIKE \'TAG%\' RETURNING "Reference"')
        assert cur.statusmessage == "DELETE 2" and sorted(cur.fetchall()) == [("TAG1",), ("TAG2",)]
        assert conn.execute(f'SELECT count(*) FROM {CUSTOMERS} WHERE "Name" = \'Tag Test\'').fetchone() == (0,)
        # INSERT … SELECT reads through the ordinary read path
        cur = conn.execute(f'INSERT INTO {CUSTOMERS} ("Reference", "Name") '
                           f'SELECT \'SEL\' || "Id"::text, \'Copied \' || "Name" FROM {CUSTOMERS} WHERE "Id" = 27825')
        assert cur.statusmessage == "INSERT 0 1"
        assert conn.execute(f'SELECT "Reference" FROM {CUSTOMERS} WHERE "Name" LIKE \'Copied %\'').fetchall() == \
            [("SEL27825",)]


def test_parameters_through_the_extended_protocol(server: Server) -> None:
    with server.connect() as conn:
        for attempt in range(7):  # past psycopg's prepare_threshold: named statements too
            cur = conn.execute(f'INSERT INTO {CUSTOMERS} ("ExternalId", "Reference", "Name", "CreditLimit", "OnHold") '
                               'VALUES (%s, %s, %s, %s, %s) RETURNING "Id", "CreditLimit"',
                               ("param-1", "PARAM1", f"Param {attempt}", 250.5, attempt % 2 == 0))
            row = cur.fetchone()
            assert cur.statusmessage == "INSERT 0 1" and str(row[1]) == "250.50"
            if attempt == 0:
                first_id = row[0]
            assert row[0] == first_id  # the same ExternalId: one customer, updated
        cur = conn.execute(f'DELETE FROM {CUSTOMERS} WHERE "Id" = %s', (first_id,))
        assert cur.statusmessage == "DELETE 1"
        assert conn.execute(f'DELETE FROM {CUSTOMERS} WHERE "Id" = %s', (first_id,)).statusmessage == "DELETE 0"
    assert server.named("Param 6") == []


def test_both_editions_write(server: Server) -> None:
    with server.connect() as conn:
        cur = conn.execute('INSERT INTO "ProfessionalUK"."Customers" ("Reference", "Name") VALUES (\'PRO1\', '
                           "'Professional One') RETURNING \"Id\"")
        assert cur.statusmessage == "INSERT 0 1"
        (new_id,) = cur.fetchone()
        assert conn.execute('SELECT "Name" FROM "ProfessionalUK"."Customers" WHERE "Id" = %s', (new_id,)).fetchone() \
            == ("Professional One",)


# -- transactions -------------------------------------------------------------------------------------------------


def test_writes_in_a_transaction_block_are_applied_at_once_and_rollback_says_so(server: Server) -> None:
    notices: list[tuple[str, str]] = []
    with server.connect(autocommit=False) as conn:
        conn.add_notice_handler(lambda d: notices.append((d.severity_nonlocalized, d.message_primary)))
        conn.execute(f'INSERT INTO {CUSTOMERS} ("Reference", "Name") VALUES (\'TXN1\', \'In A Block\')')
        assert server.named("In A Block") != []  # applied now, seen by another connection
        conn.rollback()
        assert ("NOTICE", "Sage 200 has no transactions: this write is applied now, and ROLLBACK will not undo it") \
            in notices
        assert ("WARNING", "1 row(s) written to Sage 200 in this transaction were applied when their statements ran; "
                           "ROLLBACK cannot undo them") in notices
    assert len(server.named("In A Block")) == 1
    with server.connect() as conn:
        conn.execute("BEGIN READ ONLY")
        error = error_of(conn, f'DELETE FROM {CUSTOMERS} WHERE "Reference" = \'TXN1\'')
        assert (error.sqlstate, error.diag.message_primary) == ("25006", "cannot execute DELETE in a read-only "
                                                                         "transaction")
    assert len(server.named("In A Block")) == 1


# -- a retried insert after a dropped connection creates exactly one customer ---------------------------------------


def test_the_api_answer_lost_then_the_client_retries(server: Server) -> None:
    state = server.sandbox
    state.faults = FaultInjector(parse_fault_spec("drop_reply:count=1:method=POST:path=*/customers"), 7)
    try:
        with server.connect() as conn:
            sql = f'INSERT INTO {CUSTOMERS} ("ExternalId", "Name", "Reference") VALUES (%s, %s, %s) RETURNING "Id"'
            first = conn.execute(sql, ("drop-1", "Dropped Reply Ltd", "DROP1")).fetchone()
            again = conn.execute(sql, ("drop-1", "Dropped Reply Ltd", "DROP1")).fetchone()
        assert first == again
    finally:
        state.faults = FaultInjector([], 7)
    assert len(server.named("Dropped Reply Ltd")) == 1


def test_the_client_connection_drops_mid_insert_then_the_client_retries(server: Server) -> None:
    """The client vanishes while the create is in flight (the API answers after it went): re-sending the same
    INSERT with its ExternalId, as a client retrying after a dropped connection does, makes no second customer."""
    state = server.sandbox
    sql = f'INSERT INTO {CUSTOMERS} ("ExternalId", "Name") VALUES (\'drop-2\', \'Dropped Client Ltd\') ' \
          'RETURNING "Id", "Reference"'
    conn = server.connect()
    conn.execute("SET AutoGenerateReferences = on")
    posts = server.posts()
    state.config.latency_ms = 700
    outcome: list[object] = []
    worker = threading.Thread(target=lambda: outcome.append(_run(conn, sql)), daemon=True)
    try:
        worker.start()
        deadline = time.monotonic() + 20
        while server.posts() == posts and time.monotonic() < deadline:  # the create has reached the API
            time.sleep(0.01)
        assert server.posts() == posts + 1
        socket.socket(fileno=os.dup(conn.fileno())).shutdown(socket.SHUT_RDWR)  # the client's side goes
        worker.join(20)
    finally:
        state.config.latency_ms = 0
        conn.close()
    assert outcome and isinstance(outcome[0], psycopg.Error)  # the client never saw the answer
    time.sleep(1.5)  # the server finishes the statement it had started
    with server.connect() as retry:
        retry.execute("SET AutoGenerateReferences = on")
        cur = retry.execute(sql)
        assert cur.statusmessage == "INSERT 0 1"
        (customer_id, reference) = cur.fetchone()
    assert server.named("Dropped Client Ltd") == [(customer_id, reference)]


def _run(conn: psycopg.Connection, sql: str) -> object:
    try:
        return conn.execute(sql).fetchall()
    except psycopg.Error as exc:
        return exc


# -- reads see writes at once, in every CacheMode ---------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["LIVE", "VERIFY", "TOLERANT"])
def test_reads_see_writes_in_every_cache_mode(server: Server, mode: str) -> None:
    with server.connect() as conn:
        conn.execute(f"SET CacheMode = {mode}")
        conn.execute("SET CacheTolerance = 3600")
        read = f'SELECT "Name", "ExternalId" FROM {CUSTOMERS} WHERE "Reference" = \'SEEN{mode[0]}\''
        assert conn.execute(read).fetchall() == []  # read once: a TOLERANT mirror is now "verified"
        conn.execute(f'INSERT INTO {CUSTOMERS} ("Reference", "Name", "ExternalId") '
                     f"VALUES ('SEEN{mode[0]}', 'Seen {mode}', 'seen-{mode}')")
        assert conn.execute(read).fetchall() == [(f"Seen {mode}", f"seen-{mode}")]
        conn.execute(f'UPDATE {CUSTOMERS} SET "Name" = \'Seen again\' WHERE "ExternalId" = \'seen-{mode}\'')
        assert conn.execute(read).fetchall() == [("Seen again", f"seen-{mode}")]
        conn.execute(f'DELETE FROM {CUSTOMERS} WHERE "Reference" = \'SEEN{mode[0]}\'')
        assert conn.execute(read).fetchall() == []


# -- psql ---------------------------------------------------------------------------------------------------------------


def test_psql_writes(server: Server) -> None:
    env = {**os.environ, "PGPASSWORD": "pw"}
    done = subprocess.run(
        [PSQL, "-X", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", str(server.port), "-U", "boss", "-d", "sage200",
         "-c", f'INSERT INTO {CUSTOMERS} ("Reference", "Name") VALUES (\'PSQL1\', \'From psql\')',
         "-c", f'UPDATE {CUSTOMERS} SET "Name" = \'From psql 2\' WHERE "Reference" = \'PSQL1\'',
         "-c", f'DELETE FROM {CUSTOMERS} WHERE "Reference" = \'PSQL1\''],
        env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["INSERT", "0", "1", "UPDATE", "1", "DELETE", "1"]
    failed = subprocess.run(
        [PSQL, "-X", "-h", "127.0.0.1", "-p", str(server.port), "-U", "boss", "-d", "sage200",
         "-c", f'INSERT INTO {CUSTOMERS} ("Name") VALUES (NULL)'], env=env, capture_output=True, text=True, timeout=60)
    assert failed.returncode == 1
    assert 'ERROR:  null value in column "Name" of relation "Customers" violates not-null constraint' in failed.stderr


# -- the catalog says which tables are writable -----------------------------------------------------------------------


def test_the_catalog_tells_which_tables_are_writable(server: Server) -> None:
    with server.connect() as conn:
        tables = dict(conn.execute("SELECT table_name, is_insertable_into FROM information_schema.tables "
                                   "WHERE table_schema = 'StandardUK' AND table_name IN ('Customers', 'Suppliers')"))
        assert tables == {"Customers": "YES", "Suppliers": "NO"}
        columns = dict(((r[0], r[1]), r[2:]) for r in conn.execute(
            "SELECT table_name, column_name, is_updatable, is_identity, identity_generation "
            "FROM information_schema.columns WHERE table_schema = 'StandardUK' "
            "AND table_name IN ('Customers', 'Suppliers') AND column_name IN ('Id', 'Name', 'Balance', 'ExternalId', "
            "'CurrencyId')"))
        assert columns[("Customers", "Name")] == ("YES", "NO", None)
        assert columns[("Customers", "ExternalId")] == ("YES", "NO", None)
        assert columns[("Customers", "Balance")] == ("NO", "NO", None)
        assert columns[("Customers", "CurrencyId")] == ("NO", "NO", None)  # set when a customer is created only
        assert columns[("Customers", "Id")] == ("NO", "NO", None)  # assigned by Sage, but no sequence: no identity
        assert columns[("Suppliers", "Name")] == ("NO", "NO", None)
        privileges = conn.execute("SELECT privilege_type FROM information_schema.table_privileges "
                                  "WHERE table_schema = 'StandardUK' AND table_name = 'Customers'").fetchall()
        assert [p[0] for p in privileges] == ["INSERT", "SELECT", "UPDATE", "DELETE"]
        acl = dict(conn.execute("SELECT relname, array_to_string(relacl, ',') FROM pg_class WHERE relname IN ('Customers', 'Banks') "
                                "AND relnamespace = '\"StandardUK\"'::regnamespace"))
        assert acl == {"Customers": "boss=arwd/boss", "Banks": "boss=r/boss"}
        assert conn.execute("""SELECT has_table_privilege('"StandardUK"."Customers"', 'INSERT'),
                                      has_table_privilege('"StandardUK"."Customers"', 'UPDATE, DELETE'),
                                      has_table_privilege('"StandardUK"."Suppliers"', 'INSERT'),
                                      has_column_privilege('"StandardUK"."Customers"', 'Name', 'UPDATE'),
                                      has_column_privilege('"StandardUK"."Customers"', 'Balance', 'UPDATE'),
                                      has_table_privilege('"StandardUK"."Suppliers"', 'SELECT')""").fetchone() == \
            (True, True, False, True, False, True)
        assert conn.execute("""SELECT has_column_privilege('"StandardUK"."Customers"', 'Id', 'INSERT'),
                                      has_column_privilege('"StandardUK"."Customers"', 'Name', 'INSERT')""") \
            .fetchone() == (False, True)
        assert conn.execute("SELECT TableName, IsUpdateable FROM sys_tables WHERE SchemaName = 'StandardUK' "
                            "AND TableName IN ('Customers', 'Suppliers') ORDER BY 1").fetchall() == \
            [("Customers", True), ("Suppliers", False)]
        read_only = dict(conn.execute("SELECT ColumnName, IsReadOnly FROM sys_tablecolumns WHERE SchemaName = "
                                      "'StandardUK' AND TableName = 'Customers'").fetchall())
        assert read_only["Name"] is False and read_only["ExternalId"] is False and read_only["Balance"] is True \
            and read_only["Id"] is True
        assert "INSERT, UPDATE, DELETE" in conn.execute("SELECT VALUE FROM sys_sqlinfo WHERE NAME = 'SQL_CAP'") \
            .fetchone()[0]
