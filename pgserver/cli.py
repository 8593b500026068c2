"""`pgserver` command line: serve, passwd, sandbox.

  pgserver serve [--config FILE] [--host H] [--port P] [--log-level L]
  pgserver passwd [USER]        reads a password, prints a [[users]] entry with its SCRAM verifier
  pgserver sandbox …            the Sage 200 API emulator (sage_sandbox.cli)
  pgserver import FILE.xml [--database NAME] [--config FILE]   Zynk customer XML into Sage 200
  pgserver warm [VIEW …] [--database NAME] [--config FILE]     fill or refresh the mirror ahead of use
"""

from __future__ import annotations

import argparse
import dataclasses
import getpass
import logging
import shlex
import ssl
import sys
from collections.abc import Sequence

from pgserver.config import ConfigError, ServerConfig, default_config, load_config
from pgserver.protocol.scram import make_verifier


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pgserver", description="PostgreSQL-wire server over the Sage 200 API")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the PostgreSQL server")
    serve.add_argument("--config", help="TOML config file (default: sandbox database, user demo/demo)")
    serve.add_argument("--host", help="listen address (overrides the config)")
    serve.add_argument("--port", type=int, help="TCP port (overrides the config)")
    serve.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])
    passwd = commands.add_parser("passwd", help="print a SCRAM-SHA-256 verifier for the config file")
    passwd.add_argument("user", nargs="?", default="demo")
    passwd.add_argument("--iterations", type=int, default=4096)
    commands.add_parser("sandbox", help="run the Sage 200 API sandbox (see `pgserver sandbox --help`)",
                        add_help=False)
    imports = commands.add_parser("import", help="import customers from a Zynk customer XML file")
    imports.add_argument("file", help="the XML file (Sage 200 <Company> or Sage 200 Online <Customers> format)")
    imports.add_argument("--database", help="the configured database to import into (default: the first)")
    imports.add_argument("--config", help="TOML config file (default: the sandbox database)")
    imports.add_argument("--auto-generate-references", action=argparse.BooleanOptionalAction, default=None,
                         help="generate references for new customers without one (default: the database's "
                              "AutoGenerateReferences property)")
    warm = commands.add_parser("warm", help="fill or refresh the mirror of views before the server starts")
    warm.add_argument("views", nargs="*", metavar="VIEW",
                      help="views to warm, e.g. SalesOrderLines or ProfessionalUK.Customers (default: every view of "
                           "the database's edition)")
    warm.add_argument("--database", help="the configured database (default: the first)")
    warm.add_argument("--config", help="TOML config file (its [server] cache_dir is where the mirror lives)")
    warm.add_argument("--jobs", type=int, default=4, help="views refreshed at once (default 4)")
    return parser


def connect_hint(config: ServerConfig, default: bool) -> str:
    """A psql command line that reaches this server."""
    host = "127.0.0.1" if config.host in ("0.0.0.0", "::", "") else config.host
    user = config.users[0].name if config.users else "demo"
    database = next(iter(config.databases), "sage200")
    conninfo = f"host={host} port={config.port} user={user} dbname={database}"
    hint = f"psql {shlex.quote(conninfo)}"
    return f"PGPASSWORD=demo {hint}" if default else hint


def _serve(args: argparse.Namespace) -> int:
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.log_level != "debug":  # one line per API request is debugging detail
        logging.getLogger("httpx").setLevel(logging.WARNING)
    try:
        config = load_config(args.config) if args.config else default_config()
    except ConfigError as exc:
        print(f"pgserver: {exc}", file=sys.stderr)
        return 2
    overrides = {k: v for k, v in (("host", args.host), ("port", args.port)) if v is not None}
    config = dataclasses.replace(config, **overrides)

    import anyio

    from pgserver.app import build_engine_factory
    from pgserver.server import PgServer

    try:
        server = PgServer(config, build_engine_factory(config))
    except ConfigError as exc:
        print(f"pgserver: {exc}", file=sys.stderr)
        return 2
    except (OSError, ssl.SSLError) as exc:  # unreadable or mismatched certificate/key
        print(f"pgserver: cannot load the TLS certificate/key: {exc}", file=sys.stderr)
        return 2

    async def run() -> None:
        async with anyio.create_task_group() as tg:
            port = await tg.start(server.serve)
            shown = dataclasses.replace(config, port=port)
            print(f"pgserver listening on {config.host}:{port}{' (TLS available)' if config.tls_enabled else ''}\n"
                  f"connect with: {connect_hint(shown, default=args.config is None)}", file=sys.stderr, flush=True)

    try:
        anyio.run(run)
    except KeyboardInterrupt:
        return 0
    except OSError as exc:
        print(f"pgserver: cannot listen on {config.host}:{config.port}: {exc.strerror}", file=sys.stderr)
        return 1
    return 0


def _read_password() -> str | None:
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Repeat password: "):
            print("pgserver passwd: passwords do not match", file=sys.stderr)
            return None
        return first
    return sys.stdin.readline().rstrip("\r\n")


def _passwd(args: argparse.Namespace) -> int:
    password = _read_password()
    if not password:
        print("pgserver passwd: empty password refused", file=sys.stderr)
        return 2
    if args.iterations < 1:
        print("pgserver passwd: --iterations must be positive", file=sys.stderr)
        return 2
    verifier = make_verifier(password, iterations=args.iterations)
    user = args.user.replace("\\", "\\\\").replace('"', '\\"')
    print(f'[[users]]\nname = "{user}"\nscram = "{verifier}"')
    return 0


def _import(args: argparse.Namespace) -> int:
    """`pgserver import FILE.xml`: pgserver/xml_import.py does the work."""
    from pgserver.xml_import import run_import

    try:
        config = load_config(args.config) if args.config else default_config()
    except ConfigError as exc:
        print(f"pgserver: {exc}", file=sys.stderr)
        return 2
    return run_import(config, args.file, args.database, args.auto_generate_references)


def _warm(args: argparse.Namespace) -> int:
    """`pgserver warm [VIEW …]`: pgserver/warm.py does the work."""
    from pgserver.warm import command

    return command(args.config, args.views, args.database, args.jobs)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "sandbox":
        from sage_sandbox.cli import main as sandbox_main

        return sandbox_main(argv[1:])
    args = build_parser().parse_args(argv)
    if args.command == "serve":
        return _serve(args)
    if args.command == "import":
        return _import(args)
    if args.command == "warm":
        return _warm(args)
    return _passwd(args)
