"""`pgserver check [DATABASE …]`: is the configuration usable, and does each database reach Sage 200?

For every database: sign in with the stored tokens (refreshing them as `pgserver serve` would, never
starting an interactive sign-in), list the sites and companies of both editions, and count the rows of every
view in the CompanyId company. The exit status is 0 when the configured edition answers in full, 1 with
the reason otherwise — with the remedy where there is one ("run `pgserver login …`"). The configuration
itself was validated when it was loaded (pgserver.config names the offending key, never a value).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TextIO

from pgserver.config import DatabaseConfig, ServerConfig
from pgserver.errors import (
    FDW_UNABLE_TO_ESTABLISH_CONNECTION,
    INSUFFICIENT_PRIVILEGE,
    INVALID_AUTHORIZATION_SPECIFICATION,
    INVALID_PARAMETER_VALUE,
    PgError,
)
from providers.sage200.model import EDITIONS


def remedy(error: PgError, database: str) -> str:
    """What to do about a failure to sign in or to reach the API."""
    if error.sqlstate == INVALID_AUTHORIZATION_SPECIFICATION:
        return f"run `pgserver login {database}` to sign in again"
    if error.sqlstate == INSUFFICIENT_PRIVILEGE:
        return "the signed-in Sage ID user has no access to this; sign in as a user who has (`pgserver login`)"
    if error.sqlstate == FDW_UNABLE_TO_ESTABLISH_CONNECTION:
        return "check the network, and the Proxy* / SSLServerCert properties if a proxy is in the way"
    if error.sqlstate == INVALID_PARAMETER_VALUE and error.detail:
        return error.detail
    return error.hint or ""


def config_warnings(db: DatabaseConfig) -> list[str]:
    """Settings that work but are probably not what was meant."""
    warnings = []
    if not db.uses_sandbox and db.client_id == "pgserver":
        warnings.append(f"[databases.{db.name}] client_id is not set: Sage ID knows the application by the "
                        "client id Sage issued (docs/getting-started.md)")
    if not db.uses_sandbox and db.token_store is None:
        warnings.append(f"[databases.{db.name}] has no token_store: tokens are kept in memory, so every restart "
                        "needs a new sign-in")
    return warnings


async def check_database(db: DatabaseConfig, say: Callable[[str], None]) -> bool:
    from pgserver.app import build_sage_source, check_properties
    from pgserver.tenant import edition_report, format_sites, format_views, sign_in_status
    from providers.sage200.data_source import SageSession

    where = "the in-process sandbox (demo data)" if db.uses_sandbox else db.api_base_url
    say(f"database {db.name}: {db.edition} on {where}")
    check_properties(db)
    for warning in config_warnings(db):
        say(f"  warning: {warning}")
    session = SageSession(build_sage_source(db))
    try:
        try:
            await session.auth(None).access_token()
        except PgError as exc:
            say(f"  FAILED to sign in: {exc.message}\n  → {remedy(exc, db.name)}")
            return False
        ok = True
        for edition in sorted(EDITIONS, key=lambda e: e != db.edition):  # the configured edition first
            report = await edition_report(session, edition)
            configured = edition == db.edition
            if report.error is not None:
                label = "FAILED" if configured else "not reachable"
                say(f"  {edition}: {label}: {report.error.message}\n  → {remedy(report.error, db.name)}")
                ok = ok and not configured
                continue
            if configured:  # the API took the token: the sign-in works
                say(f"  {sign_in_status(session)}")
            say("  " + format_sites(edition, report.sites).replace("\n", "\n  "))
            say("  " + format_views(report).replace("\n", "\n  "))
            if report.failed_views and configured:
                ok = False
                first = report.failed_views[0]
                say(f"  FAILED: {len(report.failed_views)} view(s) of {edition} did not answer "
                    f"(first: {first.name}: {first.error})")
        return ok
    finally:
        await session.aclose()


async def check(config: ServerConfig, databases: list[str], out: TextIO = sys.stdout) -> int:
    def say(text: str) -> None:
        print(text, file=out, flush=True)

    unknown = [name for name in databases if name not in config.databases]
    if unknown:
        say(f"no database {unknown[0]!r} in the configuration (it has: {', '.join(config.databases)})")
        return 2
    if config.tls_enabled:
        from pgserver.server.listener import build_ssl_context

        try:
            build_ssl_context(config)
        except (OSError, ValueError) as exc:  # ssl.SSLError is an OSError
            say(f"configuration: server.tls_cert / server.tls_key cannot be used: {exc}")
            return 2
    say(f"configuration: OK ({len(config.users)} user(s), database(s): {', '.join(config.databases)})")
    results = [await check_database(config.databases[name], say) for name in databases or config.databases]
    if all(results):
        say("check passed")
        return 0
    say("check FAILED")
    return 1
