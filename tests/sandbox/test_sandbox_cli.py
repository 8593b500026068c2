"""The standalone entry point: argument checking, and a real server process answering."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from sage_sandbox.cli import build_parser, main

from .conftest import PRO


def test_bad_arguments_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--faults", "teapot:0.5"]) == 2
    assert "unknown fault kind" in capsys.readouterr().err
    assert main(["--scale", "0"]) == 2


def test_defaults() -> None:
    args = build_parser().parse_args([])
    assert (args.host, args.port, args.scale, args.seed, args.faults) == ("127.0.0.1", 8200, 1.0, 200, "")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_standalone_server_serves_oauth_and_api(tmp_path: Path) -> None:
    port = _free_port()
    log = tmp_path / "requests.jsonl"
    process = subprocess.Popen([sys.executable, "-m", "sage_sandbox.cli", "--port", str(port), "--log-level",
                                "warning", "--scale", "0.5", "--latency-ms", "1", "--request-log", str(log)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, timeout=10) as client:
            for _ in range(600):  # up to 30 s for the interpreter to start on a busy machine
                try:
                    client.get("/authorize")
                    break
                except httpx.TransportError:
                    time.sleep(0.05)
            redirect = client.get("/authorize", params={"client_id": "sandbox-client", "response_type": "code",
                                                        "redirect_uri": "http://localhost/cb", "state": "s"})
            code = httpx.URL(redirect.headers["location"]).params["code"]
            token = client.post("/oauth/token", data={"grant_type": "authorization_code", "code": code,
                                                      "redirect_uri": "http://localhost/cb",
                                                      "client_id": "sandbox-client",
                                                      "client_secret": "sandbox-secret"}).json()["access_token"]
            sites = client.get(f"{PRO}/sites", headers={"Authorization": f"Bearer {token}"}).json()
            headers = {"Authorization": f"Bearer {token}", "X-Site": sites[0]["site_id"], "X-Company": "1"}
            assert client.get(f"{PRO}/sop_orders", params={"$count": "true"}, headers=headers).json() == 150
        logged = [json.loads(line) for line in log.read_text().splitlines()]  # written as each answer went out
        assert logged[-1] == {**logged[-1], "method": "GET", "path": f"{PRO}/sop_orders", "query": "%24count=true",
                              "status": 200}
        assert any(r["path"] == "/oauth/token" for r in logged) and "sandbox-secret" not in log.read_text()
    finally:
        process.terminate()
        process.wait(timeout=10)
