"""`pgserver sandbox …`: run the Sage 200 API sandbox on a TCP port (uvicorn)."""

from __future__ import annotations

import argparse
import sys
import threading
from collections.abc import Sequence

import uvicorn

from .app import create_app
from .churn import ChurnRound
from .config import DEMO_CLIENT_ID, SandboxConfig
from .faults import FaultSpecError, parse_fault_spec
from .server import uvicorn_config
from .state import SandboxState


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pgserver sandbox",
                                     description="Serve the Sage 200 REST API sandbox with demo data.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8200)
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies transactional tables (default 1)")
    parser.add_argument("--seed", type=int, default=200, help="demo data / jitter / fault seed")
    parser.add_argument("--latency-ms", type=float, default=0.0, help="fixed delay per request")
    parser.add_argument("--jitter-ms", type=float, default=0.0, help="plus a random delay up to this")
    parser.add_argument("--faults", default="", help='e.g. "429:0.1,500:0.05,hang:count=1,drop:0.01"')
    parser.add_argument("--token-lifetime", type=int, default=3600, help="access token lifetime (s)")
    parser.add_argument("--churn", default="", help='change the data over time, e.g. "every=5,edits=20,'
                        'header_edits=3,inserts=4,deletes=3" (a round every 5 s)')
    parser.add_argument("--consent-page", action="store_true",
                        help="/authorize shows a sign-in page to approve (default: only when prompt= asks)")
    parser.add_argument("--request-log", default="", metavar="FILE",
                        help="append one JSON line per request to FILE (method, path, query, status, duration_ms, "
                             "fault; credentials redacted): the request count of another process's benchmark")
    parser.add_argument("--log-level", default="info")
    return parser


def parse_churn(text: str) -> tuple[float, ChurnRound] | None:
    """--churn "every=5,edits=20,…" → (seconds between rounds, the round); None when empty."""
    if not text.strip():
        return None
    options: dict[str, float] = {}
    for part in text.split(","):
        name, sep, value = part.strip().partition("=")
        allowed = {"every", "edits", "header_edits", "inserts", "deletes"}
        if not sep or name not in allowed:
            raise ValueError(f"expected name=value with name one of {', '.join(sorted(allowed))}, got {part!r}")
        try:
            options[name] = float(value)
        except ValueError:
            raise ValueError(f"{name} must be a number, got {value!r}") from None
        if options[name] < 0:
            raise ValueError(f"{name} must not be negative")
    every = options.pop("every", 10.0)
    if every <= 0:
        raise ValueError("every must be positive")
    return every, ChurnRound(**{k: int(v) for k, v in options.items()})


def start_churn(state: SandboxState, every: float, spec: ChurnRound) -> threading.Event:
    """Run a churn round every `every` seconds on a daemon thread; set the returned event to stop."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(every):
            state.churn(spec)

    threading.Thread(target=loop, daemon=True, name="sandbox-churn").start()
    return stop


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        parse_fault_spec(args.faults)
    except FaultSpecError as exc:
        print(f"pgserver sandbox: --faults: {exc}", file=sys.stderr)
        return 2
    try:
        churn = parse_churn(args.churn)
    except ValueError as exc:
        print(f"pgserver sandbox: --churn: {exc}", file=sys.stderr)
        return 2
    if args.scale <= 0:
        print("pgserver sandbox: --scale must be positive", file=sys.stderr)
        return 2
    config = SandboxConfig(scale=args.scale, seed=args.seed, latency_ms=args.latency_ms, jitter_ms=args.jitter_ms,
                           faults=args.faults, token_lifetime=args.token_lifetime,
                           consent_page=args.consent_page, request_log=args.request_log)
    base = f"http://{args.host}:{args.port}"
    print(f"Sage 200 sandbox on {base}  (client_id={DEMO_CLIENT_ID}; demo secret in docs/sandbox.md)\n"
          f"  authorize: {base}/authorize   token: {base}/oauth/token\n"
          f"  API: {base}/uk/sage200/accounts/v1/ (StandardUK), {base}/uk/sage200extra/accounts/v1/ (ProfessionalUK)",
          file=sys.stderr)
    app = create_app(config)
    if churn is not None:
        start_churn(app.state.sandbox, *churn)
    uvicorn.Server(uvicorn_config(app, args.host, args.port, args.log_level)).run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
