"""Capture the catalog queries psql 15 sends for its \\d family (psql -E) into corpus/psql.sql.

Run once (python -m tests.catalog.capture_psql) against a throwaway PostgreSQL 15 holding
the test tables; the output is committed as part of the replay corpus.
"""

from __future__ import annotations

import os
import re
import subprocess

import psycopg

from scripts import realpg
from tests.catalog.conftest import DATABASE, create_test_objects
from tests.catalog.corpus import CORPUS_DIR

COMMANDS = [
    r"\l", r"\dn", r"\dn+", r"\dt", r'\dt "StandardUK".*', r'\dt+ "StandardUK".*', r"\dv", r"\di", r'\di "StandardUK".*',
    r"\ds", r"\dT", r"\du", r"\df", r'\df sys.*', r"\dx", r"\db", r"\dp", r'\d "StandardUK"."Customers"',
    r'\d+ "StandardUK"."Customers"', r'\d "StandardUK"."Customers_pkey"', r'\d sys.sys_keycolumns', r"\dd",
    r'\dC', r"\dD", r"\dE", r"\dm", r"\dy", r"\dconfig", r"\d", r"\dS pg_class", r'\dA', r'\do',
]
_QUERY = re.compile(r"\*{9} QUERY \*{10}\n(.*?)\n\*{20,}", re.DOTALL)


def capture(conninfo: str) -> str:
    out = ["-- psql 15 (psql -E) against PostgreSQL 15 holding the test tables; captured by tests/catalog/capture_psql.py",
           ""]
    for command in COMMANDS:
        result = subprocess.run(["psql", "-X", "-E", "-d", conninfo, "-c", command], capture_output=True, text=True,
                                env={**os.environ, "PGOPTIONS": ""}, check=False)
        for i, sql in enumerate(_QUERY.findall(result.stdout), start=1):
            label = command.replace("[", "(").replace("]", ")")
            out.append(f"-- [{_label(command)}.{i}] action: psql {label}")
            out.append(sql.strip().rstrip(";") + ";")
            out.append("")
    return "\n".join(out)


def _label(command: str) -> str:
    return re.sub(r"\W+", "_", command.replace("+", "plus")).strip("_")


def main() -> None:
    with realpg.throwaway_postgres() as pg:
        with psycopg.connect(pg.conninfo, autocommit=True) as admin:
            admin.execute(f"CREATE DATABASE {DATABASE}")
        conninfo = pg.conninfo.replace(f"dbname={pg.dbname}", f"dbname={DATABASE}")
        with psycopg.connect(conninfo, autocommit=True) as conn:
            create_test_objects(conn)
        (CORPUS_DIR / "psql.sql").write_text(capture(conninfo))


if __name__ == "__main__":
    main()
