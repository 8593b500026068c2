"""pgcli (Debian package) driven interactively in tmux: connect, describe a view, query, list tables,
complete names. pgcli is a full-screen prompt_toolkit application, hence the terminal (terminal.py).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.clients.conftest import DATABASE, SageCustomer
from tests.clients.terminal import TmuxTerminal
from tests.integration.conftest import PASSWORD, USER, Stack

PROMPT = f"{USER}@127:{DATABASE}>"
REFRESH_FAILED = "Exception in thread completion_refresh"

pytestmark = pytest.mark.skipif(shutil.which("pgcli") is None or shutil.which("tmux") is None,
                                reason="needs Debian pgcli and tmux")


class Pgcli(TmuxTerminal):
    """pgcli with its own config, log and history in the test's folder."""

    def __init__(self, folder: Path, port: int) -> None:
        rc = folder / "pgclirc"
        rc.write_text(f"[main]\nenable_pager = False\nkeyring = False\nless_chatty = True\n"
                      f"log_file = {folder / 'pgcli.log'}\nhistory_file = {folder / 'history'}\n")
        super().__init__(folder, f"env XDG_CONFIG_HOME={folder} PGPASSWORD={PASSWORD} pgcli --pgclirc {rc} "
                                 f"-h 127.0.0.1 -p {port} -U {USER} -d {DATABASE}")

    def run(self, command: str) -> str:
        """Type `command`, press Enter, return what pgcli printed for it (up to its 'Time:' line)."""
        echo = f"{PROMPT} {command}"
        seen = self.screen().count(echo)

        def answered(text: str) -> bool:
            tail = text.split(echo)[-1]
            return text.count(echo) > seen and "Time:" in tail and PROMPT in tail.split("Time:")[-1]

        self.type(command)
        self.press("Enter")
        return self.wait_for(answered).split(echo)[-1].split("Time:")[0]


@pytest.fixture(scope="module")
def pgcli(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pgcli]:
    session = Pgcli(tmp_path_factory.mktemp("pgcli"), stack.port)
    try:
        session.wait_for(lambda t: PROMPT in t)
        yield session
    finally:
        session.close()


def test_describe_a_view(pgcli: Pgcli) -> None:
    out = pgcli.run(r'\d "StandardUK"."Currencies"')
    lines = [" ".join(line.replace("|", " ").split()) for line in out.splitlines()]
    assert "Column Type Modifiers" in lines
    assert "Id bigint not null" in lines
    assert "CoreCurrencyRate numeric(18,6)" in lines
    assert "DateTimeUpdated timestamp without time zone" in lines
    assert '"Currencies_pkey" PRIMARY KEY, btree ("Id")' in out


def test_query_a_view(pgcli: Pgcli, customers: list[SageCustomer]) -> None:
    out = pgcli.run('SELECT "Reference", "Name", "Balance" FROM "StandardUK"."Customers" ORDER BY "Id" LIMIT 3')
    rows = [[cell.strip() for cell in line.strip().strip("|").split("|")] for line in out.splitlines()
            if line.startswith("|") and not line.startswith("|-")]
    assert rows[0] == ["Reference", "Name", "Balance"]
    assert rows[1:] == [[c.reference, c.name, c.balance] for c in customers[:3]]


def test_error_is_shown_and_session_continues(pgcli: Pgcli) -> None:
    out = pgcli.run('SELECT * FROM "StandardUK"."NoSuchView"')
    assert 'relation "StandardUK.NoSuchView" does not exist' in out
    assert "1" in pgcli.run("SELECT 1 AS one")


def test_list_tables(pgcli: Pgcli) -> None:
    out = pgcli.run(r'\dt "StandardUK".Cust*')
    assert "Customers" in out and "CustomerContacts" in out


def test_completion_of_view_names(pgcli: Pgcli) -> None:
    """pgcli's background refresher loads schemas, tables, columns, functions and types from the catalog;
    Tab then offers our views. (The refresh runs once at start-up: retried until it has finished.)"""
    screen = pgcli.complete('SELECT * FROM "StandardUK".Custo', until='"CustomerDeliveryAddresses"')
    menu = [" ".join(line.split()) for line in screen.splitlines()]
    assert {'"CustomerContacts" table', '"CustomerDeliveryAddresses" table', '"Customers" table'} <= set(menu)
    assert REFRESH_FAILED not in screen
