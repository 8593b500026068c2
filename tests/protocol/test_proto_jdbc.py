"""pgjdbc (DBeaver's driver) against the server: SCRAM, TLS, prepareThreshold's named binary statements,
setFetchSize row limits, errors."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from pgproto_server import RunningServer

JAR = Path("/usr/share/java/postgresql.jar")
PROBE = Path(__file__).with_name("JdbcProbe.java")

pytestmark = pytest.mark.skipif(shutil.which("java") is None or not JAR.exists(), reason="pgjdbc/java not installed")


@pytest.mark.parametrize("sslmode", ["disable", "require"])
def test_pgjdbc(pg_server: RunningServer, sslmode: str) -> None:
    url = f"jdbc:postgresql://127.0.0.1:{pg_server.port}/sage200"
    result = subprocess.run(["java", "-cp", str(JAR), str(PROBE), url, sslmode], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "version 15"
    assert lines[1] == "row 1|row 1|0.25|2024-01-03T03:04:05.500Z|false|2024-01-02|{t1,NULL,\"a b\"}|2|1099511627777"
    assert lines[3:10] == [f"prepared {i}|v{i}|{1.5 * i:.1f}" for i in range(1, 8)]
    assert lines[10:] == ["fetched 10", "error 42P01", "after error 1"]
    engine = pg_server.factory.engines[-1]
    assert engine.startup.get("DateStyle") == "ISO" and "extra_float_digits" in engine.startup
    # executions 1-4 parse an unnamed statement each time, the 5th parses a named one that 6 and 7 reuse
    assert engine.statements.count("SELECT $1::int4, $2::text, $3::numeric") == 5
