"""pgcli (Debian package) driven interactively in tmux: connect, describe a view, query, list tables.

pgcli is a full-screen prompt_toolkit application, so it runs in a detached tmux session on a
private socket; keys go in with send-keys and the screen comes back with capture-pane. Waiting for
output polls the pane until the next prompt (a deadline only bounds a hung client).
"""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.clients.conftest import DATABASE, SageCustomer
from tests.integration.conftest import PASSWORD, USER, Stack

PROMPT = f"{USER}@127:{DATABASE}>"
REFRESH_FAILED = "Exception in thread completion_refresh"

pytestmark = pytest.mark.skipif(shutil.which("pgcli") is None or shutil.which("tmux") is None,
                                reason="needs Debian pgcli and tmux")


class PgcliInTmux:
    """One pgcli process in a tmux session on its own server socket."""

    def __init__(self, folder: Path, port: int) -> None:
        self.socket = str(folder / "tmux.sock")
        rc = folder / "pgclirc"
        rc.write_text(f"[main]\nenable_pager = False\nkeyring = False\nless_chatty = True\n"
                      f"log_file = {folder / 'pgcli.log'}\nhistory_file = {folder / 'history'}\n")
        command = (f"env XDG_CONFIG_HOME={folder} PGPASSWORD={PASSWORD} pgcli --pgclirc {rc} "
                   f"-h 127.0.0.1 -p {port} -U {USER} -d {DATABASE}")
        self._tmux("new-session", "-d", "-s", "pgcli", "-x", "250", "-y", "60", command)

    def _tmux(self, *args: str) -> str:
        return subprocess.run(["tmux", "-S", self.socket, *args], capture_output=True, text=True, check=True,
                              timeout=30).stdout

    def screen(self) -> str:
        """The pane with its scrollback, wrapped lines joined."""
        return self._tmux("capture-pane", "-p", "-J", "-S", "-5000", "-t", "pgcli")

    def wait_for(self, predicate: Callable[[str], bool], deadline_s: float = 60.0) -> str:
        end = time.monotonic() + deadline_s
        while True:
            text = self.screen()
            if predicate(text):
                return text
            if time.monotonic() > end:
                raise AssertionError(f"pgcli screen never matched; last screen:\n{text[-3000:]}")
            time.sleep(0.2)

    def run(self, command: str) -> str:
        """Type `command`, press Enter, return what pgcli printed for it (up to the next prompt)."""
        echo = f"{PROMPT} {command}"
        seen = self.screen().count(echo)

        def answered(text: str) -> bool:
            tail = text.split(echo)[-1]
            return text.count(echo) > seen and "Time:" in tail and PROMPT in tail.split("Time:")[-1]

        self._tmux("send-keys", "-t", "pgcli", "-l", command)
        self._tmux("send-keys", "-t", "pgcli", "Enter")
        return self.wait_for(answered).split(echo)[-1].split("Time:")[0]

    def complete(self, partial: str, until: str, deadline_s: float = 60.0) -> str:
        """Type `partial`, press Tab until the completion menu shows `until`; the line is then cleared."""
        end = time.monotonic() + deadline_s
        try:
            while True:
                self._tmux("send-keys", "-t", "pgcli", "C-c")
                self._tmux("send-keys", "-t", "pgcli", "-l", partial)
                self._tmux("send-keys", "-t", "pgcli", "Tab")
                try:
                    return self.wait_for(lambda t: until in t.split(partial[:12])[-1], deadline_s=2.0)
                except AssertionError:
                    if time.monotonic() > end:
                        raise
        finally:
            self._tmux("send-keys", "-t", "pgcli", "C-c")

    def close(self) -> None:
        subprocess.run(["tmux", "-S", self.socket, "kill-server"], capture_output=True, timeout=30)


@pytest.fixture(scope="module")
def pgcli(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[PgcliInTmux]:
    session = PgcliInTmux(tmp_path_factory.mktemp("pgcli"), stack.port)
    try:
        session.wait_for(lambda t: PROMPT in t)
        yield session
    finally:
        session.close()


def test_describe_a_view(pgcli: PgcliInTmux) -> None:
    out = pgcli.run(r'\d "StandardUK"."Currencies"')
    lines = [" ".join(line.replace("|", " ").split()) for line in out.splitlines()]
    assert "Column Type Modifiers" in lines
    assert "Id bigint not null" in lines
    assert "CoreCurrencyRate numeric(18,6)" in lines
    assert "DateTimeUpdated timestamp without time zone" in lines
    assert '"Currencies_pkey" PRIMARY KEY, btree ("Id")' in out


def test_query_a_view(pgcli: PgcliInTmux, customers: list[SageCustomer]) -> None:
    out = pgcli.run('SELECT "Reference", "Name", "Balance" FROM "StandardUK"."Customers" ORDER BY "Id" LIMIT 3')
    rows = [[cell.strip() for cell in line.strip().strip("|").split("|")] for line in out.splitlines()
            if line.startswith("|") and not line.startswith("|-")]
    assert rows[0] == ["Reference", "Name", "Balance"]
    assert rows[1:] == [[c.reference, c.name, c.balance] for c in customers[:3]]


def test_error_is_shown_and_session_continues(pgcli: PgcliInTmux) -> None:
    out = pgcli.run('SELECT * FROM "StandardUK"."NoSuchView"')
    assert 'relation "StandardUK.NoSuchView" does not exist' in out
    assert "1" in pgcli.run("SELECT 1 AS one")


def test_list_tables(pgcli: PgcliInTmux) -> None:
    out = pgcli.run(r'\dt "StandardUK".Cust*')
    assert "Customers" in out and "CustomerContacts" in out


def test_completion_of_view_names(pgcli: PgcliInTmux) -> None:
    """pgcli's background refresher loads schemas, tables, columns, functions and types from the catalog;
    Tab then offers our views. (The refresh runs once at start-up: retried until it has finished.)"""
    screen = pgcli.complete('SELECT * FROM "StandardUK".Custo', until='"CustomerDeliveryAddresses"')
    menu = [" ".join(line.split()) for line in screen.splitlines()]
    assert {'"CustomerContacts" table', '"CustomerDeliveryAddresses" table', '"Customers" table'} <= set(menu)
    assert REFRESH_FAILED not in screen
