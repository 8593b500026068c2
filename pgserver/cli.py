"""`pgserver` command line: init, login, check, serve, passwd, sandbox, import, warm.

  pgserver init [FILE]          writes a commented pgserver.toml (pgserver/config_template.py); never overwrites
  pgserver login [DATABASE]     signs in to Sage ID in a browser, keeps the tokens (pgserver/login.py)
  pgserver check [DATABASE …]   validates the config and reaches Sage 200 with the stored tokens (pgserver/check.py)
  pgserver serve [--config FILE] [--host H] [--port P] [--log-level L]
  pgserver passwd [USER]        reads a password, prints a [[users]] entry with its SCRAM verifier
  pgserver sandbox …            the Sage 200 API emulator (sage_sandbox.cli)
  pgserver import FILE.xml [--database NAME] [--config FILE]   Zynk customer XML into Sage 200
  pgserver warm [VIEW …] [--database NAME] [--config FILE]     fill or refresh the mirror ahead of use

Without --config, serve/login/check/import/warm read ./pgserver.toml when there is one; serve, check and import
otherwise use the demo configuration (the in-process sandbox, user demo/demo).
"""

from __future__ import annotations

import argparse
import dataclasses
import getpass
import logging
import secrets
import shlex
import ssl
import sys
from collections.abc import Sequence
from pathlib import Path

from pgserver.config import EDITIONS, SANDBOX, ConfigError, ServerConfig, default_config, load_config
from pgserver.protocol.scram import make_verifier

DEFAULT_CONFIG_FILE = "pgserver.toml"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pgserver", description="PostgreSQL-wire server over the Sage 200 API")
    commands = parser.add_subparsers(dest="command", required=True)
    init = commands.add_parser("init", help="write a commented pgserver.toml (never overwrites one)")
    init.add_argument("file", nargs="?", default=DEFAULT_CONFIG_FILE, help="where (default: ./pgserver.toml)")
    init.add_argument("--user", default="sage", help="the login to create (default: sage)")
    init.add_argument("--database", default="sage200", help="the database name clients connect to")
    init.add_argument("--edition", default="StandardUK", choices=EDITIONS)
    init.add_argument("--api-base-url", default=SANDBOX,
                      help='"sandbox" (default: the built-in demo) or https://api.columbus.sage.com')
    init.add_argument("--client-id", help="the client id Sage issued for your application")
    login = commands.add_parser("login", help="sign in to Sage ID in a browser and keep the tokens")
    login.add_argument("database", nargs="?", help="which [databases.<name>] (default: the only/first one)")
    login.add_argument("--config", help=f"TOML config file (default: ./{DEFAULT_CONFIG_FILE})")
    login.add_argument("--no-browser", action="store_true", help="only print the sign-in URL")
    login.add_argument("--timeout", type=float, default=300.0, help="seconds to wait for the browser (300)")
    check = commands.add_parser("check", help="validate the config and reach Sage 200 with the stored tokens")
    check.add_argument("databases", nargs="*", help="which databases (default: all)")
    check.add_argument("--config", help=f"TOML config file (default: ./{DEFAULT_CONFIG_FILE}, else the demo)")
    serve = commands.add_parser("serve", help="run the PostgreSQL server")
    serve.add_argument("--config", help=f"TOML config file (default: ./{DEFAULT_CONFIG_FILE}, else the demo "
                       "database on the sandbox, user demo/demo)")
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
        config, path = _config(args.config, demo=True)
    except ConfigError as exc:
        print(f"pgserver: {exc}", file=sys.stderr)
        return 2
    overrides = {k: v for k, v in (("host", args.host), ("port", args.port)) if v is not None}
    config = dataclasses.replace(config, **overrides)

    import anyio

    from pgserver.app import build_engine_factory, server_metrics
    from pgserver.server import PgServer

    try:
        metrics = server_metrics(config)
        server = PgServer(config, build_engine_factory(config, metrics), metrics)
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
            metrics = f"\nmetrics at http://{config.metrics[0]}:{server.metrics_port}/metrics" if config.metrics else ""
            print(f"pgserver listening on {config.host}:{port}{' (TLS available)' if config.tls_enabled else ''}"
                  f"{metrics}\nconnect with: {connect_hint(shown, default=path is None)}", file=sys.stderr, flush=True)

    try:
        anyio.run(run)
    except KeyboardInterrupt:
        return 0
    except OSError as exc:
        where = exc.filename or f"{config.host}:{config.port}"
        print(f"pgserver: cannot listen on {where}: {exc.strerror}", file=sys.stderr)
        return 1
    return 0


def _config(option: str | None, demo: bool) -> tuple[ServerConfig, Path | None]:
    """The --config file, else ./pgserver.toml if present, else (where allowed) the demo configuration."""
    path = Path(option) if option else Path(DEFAULT_CONFIG_FILE)
    if option or path.is_file():
        return load_config(path), path
    if demo:
        return default_config(), None
    raise ConfigError(f"no configuration: pass --config FILE, or run `pgserver init` to write ./{DEFAULT_CONFIG_FILE}")


def _init(args: argparse.Namespace) -> int:
    from pgserver.config_template import render, write_new

    path = Path(args.file)
    if path.exists():
        print(f"pgserver init: {path} already exists; not overwriting it (move it away, or name another file)",
              file=sys.stderr)
        return 1
    password = _read_password(allow_empty=True)
    if password is None:
        return 2
    generated = not password
    if generated:
        password = secrets.token_urlsafe(12)
    text = render(user=args.user, verifier=str(make_verifier(password)), database=args.database,
                  edition=args.edition, api_base_url=args.api_base_url, client_id=args.client_id)
    try:
        load_config_text(text, path)
        write_new(path, text)
    except ConfigError as exc:
        print(f"pgserver init: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"pgserver init: cannot write {path}: {exc.strerror}", file=sys.stderr)
        return 1
    print(f"wrote {path} (readable by you only): database {args.database!r}, user {args.user!r}")
    if generated:
        print(f"generated password for {args.user}: {password}\n(it is not stored anywhere: note it now)")
    config_option = f" --config {shlex.quote(str(path))}" if str(path) != DEFAULT_CONFIG_FILE else ""
    steps = [f"pgserver check{config_option}", f"pgserver serve{config_option}"]
    if args.api_base_url != SANDBOX:
        steps.insert(0, f"pgserver login{config_option}")
    print("next: " + "  then  ".join(steps))
    return 0


def load_config_text(text: str, path: Path) -> ServerConfig:
    """Parse config text as if it were the file at `path` (relative paths resolve next to it)."""
    import tomllib

    from pgserver.config import parse_config

    return parse_config(tomllib.loads(text), base_dir=path.parent)


def _database(config: ServerConfig, name: str | None) -> str:
    if name is None:
        real = [n for n, db in config.databases.items() if not db.uses_sandbox]
        return (real or list(config.databases))[0]
    if name not in config.databases:
        raise ConfigError(f"no database {name!r} in the configuration (it has: {', '.join(config.databases)})")
    return name


def _login(args: argparse.Namespace) -> int:
    import anyio

    from pgserver.login import LoginError, login

    try:
        config, _ = _config(args.config, demo=False)
        db = config.databases[_database(config, args.database)]
        return anyio.run(lambda: login(db, open_browser=not args.no_browser, timeout=args.timeout))
    except (ConfigError, LoginError) as exc:
        print(f"pgserver login: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _check(args: argparse.Namespace) -> int:
    import anyio

    from pgserver.check import check

    try:
        config, path = _config(args.config, demo=True)
    except ConfigError as exc:
        print(f"pgserver check: configuration: {exc}", file=sys.stderr)
        return 2
    if path is None:
        print("(no config file: checking the demo configuration)")
    try:
        return anyio.run(check, config, list(args.databases))
    except ConfigError as exc:
        print(f"pgserver check: configuration: {exc}", file=sys.stderr)
        return 2


def _read_password(allow_empty: bool = False) -> str | None:
    """A password typed twice (terminal) or one line of stdin; with allow_empty, "" means "make one up"."""
    if sys.stdin.isatty():
        prompt = "Password (empty: generate one): " if allow_empty else "Password: "
        first = getpass.getpass(prompt)
        if first and first != getpass.getpass("Repeat password: "):
            print("pgserver: passwords do not match", file=sys.stderr)
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
        config, _ = _config(args.config, demo=True)
    except ConfigError as exc:
        print(f"pgserver: {exc}", file=sys.stderr)
        return 2
    return run_import(config, args.file, args.database, args.auto_generate_references)


def _warm(args: argparse.Namespace) -> int:
    """`pgserver warm [VIEW …]`: pgserver/warm.py does the work."""
    from pgserver.warm import run_warm

    try:
        config, _ = _config(args.config, demo=True)
    except ConfigError as exc:
        print(f"pgserver: {exc}", file=sys.stderr)
        return 2
    return run_warm(config, args.views, args.database, args.jobs)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "sandbox":
        from sage_sandbox.cli import main as sandbox_main

        return sandbox_main(argv[1:])
    args = build_parser().parse_args(argv)
    commands = {"serve": _serve, "init": _init, "login": _login, "check": _check, "passwd": _passwd,
                "import": _import, "warm": _warm}
    return commands[args.command](args)
