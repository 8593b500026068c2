"""peewee's pwiz (PyPI): the model code it generates by introspecting a schema — tables, columns with their
types, lengths, precisions and nullability, primary keys, foreign keys (as ForeignKeyField) and indexes, through
its own pg_catalog and information_schema queries (among them `FROM generate_subscripts(idx.indkey, 1) AS k`).

The models generated from our server must be the ones generated from a PostgreSQL 15 holding the same tables.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.clients.conftest import DATABASE, Mirror
from tests.integration.conftest import PASSWORD, USER, Stack

pytest.importorskip("peewee")


def pwiz(port: int, password: str | None) -> str:
    args = [sys.executable, "-m", "pwiz", "-e", "postgresql", "-H", "127.0.0.1", "-p", str(port), "-u", USER,
            "-s", "StandardUK", DATABASE]
    if password is not None:
        args[-1:-1] = ["-P"]  # asks for it on stdin
    done = subprocess.run(args, input=f"{password}\n" if password is not None else None, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    # the connection line names the port (and our password): the rest is the models
    return "\n".join(line for line in done.stdout.splitlines() if not line.startswith("database = "))


def test_pwiz_generates_the_models_postgresql_gives(stack: Stack, mirror: Mirror) -> None:
    ours, theirs = pwiz(stack.port, PASSWORD), pwiz(mirror.port, None)
    assert ours.count("\nclass ") >= 39 + 1  # every StandardUK view, and the base model
    assert "currency = ForeignKeyField(column_name='CurrencyId', field='id', model=Currencies, null=True)" in ours
    assert ours == theirs
