#!/usr/bin/env bash
# The one test command (README): installs what the tests need on a fresh Debian machine, then runs them.
#   Debian: PostgreSQL 15 (server for differential tests, psql), pgjdbc + Java, psqlODBC + unixODBC, pgcli, tmux,
#           DBD::Pg (Perl DBI)
#   PyPI:   the project with its [test] extras (asyncpg, psycopg, SQLAlchemy, pandas, pyodbc …)
#   npm:    node-postgres, postgres.js, TypeORM, Sequelize, Kysely, drizzle-kit and playwright-core for the node client
#           tests (tests/clients/node)
#   pgAdmin 4 (PyPI) in a virtualenv of its own (its pinned dependencies must not move ours), driven in Debian's chromium
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v psql >/dev/null 2>&1 || need_apt+=(postgresql-client)
[ -x /usr/lib/postgresql/15/bin/postgres ] || need_apt+=(postgresql-15)
[ -f /usr/share/java/postgresql.jar ] || need_apt+=(libpostgresql-jdbc-java)
command -v java >/dev/null 2>&1 || need_apt+=(default-jre-headless)
[ -f /usr/lib/x86_64-linux-gnu/odbc/psqlodbcw.so ] || need_apt+=(odbc-postgresql)
command -v odbcinst >/dev/null 2>&1 || need_apt+=(unixodbc)
[ -f /usr/include/sql.h ] || need_apt+=(unixodbc-dev)
command -v pgcli >/dev/null 2>&1 || need_apt+=(pgcli)
command -v tmux >/dev/null 2>&1 || need_apt+=(tmux)
perl -MDBD::Pg -e 1 >/dev/null 2>&1 || need_apt+=(libdbd-pg-perl)
command -v node >/dev/null 2>&1 || need_apt+=(nodejs npm)
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
if [ ${#need_apt[@]} -gt 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

python3 -m pip install -q --disable-pip-version-check -e '.[test]' 2>&1 | grep -v -E "^WARNING: (Location|Running pip)" || true

PGADMIN_VENV="${PGADMIN_VENV:-$HOME/.cache/sage200-pgserver/pgadmin4-venv}"
if [ ! -x "$PGADMIN_VENV/bin/python" ] || ! "$PGADMIN_VENV/bin/python" -m pip show -q pgadmin4 >/dev/null 2>&1; then
    python3 -m venv "$PGADMIN_VENV"
    "$PGADMIN_VENV/bin/python" -m pip install -q --disable-pip-version-check "pgadmin4==9.18" 2>&1 \
        | grep -v -E "^WARNING: (Location|Running pip)" || true
fi

node_missing=0
for package in pg playwright-core typeorm sequelize postgres drizzle-kit drizzle-orm kysely; do
    [ -d "tests/clients/node/node_modules/$package" ] || node_missing=1
done
if [ -f tests/clients/node/package.json ] && [ "$node_missing" = 1 ]; then
    (cd tests/clients/node && npm install --no-audit --no-fund --silent >/dev/null)
fi

python3 -m ruff check pgserver providers sage_sandbox scripts bench tests
export PGSERVER_TEST_STRICT=1  # a skipped test (a missing client or server) fails: tests/conftest.py
exec python3 -m pytest -q "$@"
