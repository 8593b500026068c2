"""DBD::Pg (Perl DBI, Debian's libdbd-pg-perl over libpq): its catalog methods — table_info, column_info,
primary_key, foreign_key_info, statistics_info (which asks pg_index_column_has_property for each key column's
order) — must answer as they do against a PostgreSQL 15 holding the same tables (tests/clients/dbd_pg_probe.pl).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.clients.conftest import DATABASE, Mirror
from tests.integration.conftest import PASSWORD, USER, Stack

PROBE = Path(__file__).with_name("dbd_pg_probe.pl")


def _has_dbd_pg() -> bool:
    return shutil.which("perl") is not None and subprocess.run(["perl", "-MDBD::Pg", "-e", "1"],
                                                               capture_output=True).returncode == 0


pytestmark = pytest.mark.skipif(not _has_dbd_pg(), reason="needs Debian's libdbd-pg-perl (scripts/test.sh installs it)")


def probe(port: int, password: str) -> list[str]:
    done = subprocess.run(["perl", str(PROBE), str(port), USER, password, DATABASE], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.splitlines()


def test_catalog_methods_answer_as_postgresql(stack: Stack, mirror: Mirror) -> None:
    ours, theirs = probe(stack.port, PASSWORD), probe(mirror.port, "unused")
    kinds = {line.split("|")[0] for line in ours}
    assert kinds == {"table", "column", "primary_key", "foreign_key", "statistics", "prepared"}
    assert '"Customers"' in {line.split("|")[2] for line in ours if line.startswith("table|")}
    assert ours == theirs
