"""Fixtures for the real-client tests: our server (the integration `stack`) and a PostgreSQL 15 mirror.

The mirror is a throwaway PostgreSQL 15 holding empty tables equivalent to ours (same schemas,
names, types, keys, foreign keys and comments, owned by a `demo` role, same search_path), so a
client's output against our server can be compared with what it shows against real PostgreSQL.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass

import psycopg
import pytest

from scripts.realpg import available, throwaway_postgres
from tests.catalog.ddl import ddl_for
from tests.integration import conftest as integration
from tests.integration.conftest import PASSWORD, USER, Stack

DATABASE = "sage200"
PSQL = shutil.which("psql") or "psql"
stack = integration.stack  # the integration harness's session fixture, reused as is
SEARCH_PATH = '"$user", public, "StandardUK", sys'


@dataclass(frozen=True)
class Mirror:
    """A real PostgreSQL 15 with our tables, reachable as user demo (trust) on database sage200."""

    port: int

    def dsn(self) -> str:
        return f"host=127.0.0.1 port={self.port} user={USER} dbname={DATABASE}"


def our_table_specs() -> list:
    """Every relation our server declares: the Sage views of both editions, sys_mirror and the sys_* tables."""
    from providers.sage200.data_source import SageDataSource
    from providers.sage200.model import load_views
    from providers.sage200.provider import sage_admin, sage_providers
    from providers.system import system_providers

    views = load_views()
    admin, _ = sage_admin(sage_providers(SageDataSource("http://sage.invalid", "unused"))[0])
    return [*views, *(p.spec for p in admin), *(p.spec for p in system_providers(views, catalog=DATABASE))]


@pytest.fixture(scope="session")
def mirror() -> Iterator[Mirror]:
    if not available():
        pytest.skip("PostgreSQL 15 server binaries not installed (Debian postgresql-15)")
    with throwaway_postgres() as pg:
        with psycopg.connect(pg.conninfo, autocommit=True) as admin:
            admin.execute(f"CREATE ROLE {USER} SUPERUSER LOGIN")
            admin.execute(f"CREATE DATABASE {DATABASE} OWNER {USER}")
            admin.execute(f"ALTER DATABASE {DATABASE} SET search_path TO {SEARCH_PATH}")
        mirror = Mirror(pg.port)
        with psycopg.connect(mirror.dsn()) as conn:
            for statement in ddl_for(our_table_specs()):
                conn.execute(statement)
        yield mirror


def psql_output(port: int, *commands: str, password: str | None = PASSWORD, tuples_only: bool = False) -> str:
    """What a user sees from psql 15 (aligned, psqlrc skipped) running each -c in order against a server."""
    env = {**os.environ, "PGCONNECT_TIMEOUT": "10", "PAGER": "", "COLUMNS": "400"}
    env.pop("PGOPTIONS", None)
    if password is not None:
        env["PGPASSWORD"] = password
    args = [PSQL, "-X", "-P", "pager=off", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", str(port),
            "-U", USER, "-d", DATABASE]
    if tuples_only:
        args += ["-A", "-t"]
    for command in commands:
        args += ["-c", command]
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise AssertionError(f"psql {commands!r} failed ({done.returncode}): {done.stderr.strip()}")
    return done.stdout


@dataclass(frozen=True)
class SageCustomer:
    """One customer as the Sage 200 API (the sandbox) returns it: the ground truth clients must show."""

    id: int
    reference: str
    name: str
    balance: str


def first_customers(stack: Stack, count: int = 5) -> list[SageCustomer]:
    """The first `count` StandardUK customers by id, read straight from the sandbox's REST API."""
    import httpx

    url = f"{stack.sandbox_url}/uk/sage200/accounts/v1/customers"
    params = {"$orderby": "id", "$top": str(count), "$select": "id,reference,name,balance"}
    response = httpx.get(url, params=params, headers=stack.sandbox.auth_headers(), timeout=30)
    response.raise_for_status()
    return [SageCustomer(int(r["id"]), r["reference"], r["name"], f"{r['balance']:.2f}") for r in response.json()]


@pytest.fixture(scope="session")
def customers(stack: Stack) -> list[SageCustomer]:
    return first_customers(stack)
