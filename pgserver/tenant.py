"""What a configured database reaches, for `pgserver login` and `pgserver check`: the sign-in, the sites and
companies of each edition, and which views answer (with a row count from the API's `$count`).

Everything goes through the data source's own SageSession — the same token store, InitiateOAuth, CompanyId,
Timeout, MaxThreads and proxy settings `pgserver serve` would use — so a check that passes means the server
will reach the same things. Nothing secret is reported: who signed in, expiry times and row counts only.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import anyio

from pgserver.config import DatabaseConfig
from pgserver.errors import FDW_ERROR, PgError
from providers.sage200.data_source import SageSession, Site
from providers.sage200.model import EDITIONS, load_views


@dataclass(frozen=True)
class ViewCount:
    """One view's answer to `$count=true`: its row count, or why it did not answer."""

    schema: str
    name: str
    rows: int | None
    error: str | None = None


@dataclass(frozen=True)
class EditionReport:
    edition: str
    sites: list[Site]
    company: Site | None  # the CompanyId company (default: the first) the views were counted in
    views: list[ViewCount]
    error: PgError | None = None  # /sites (or the company choice) failed

    @property
    def failed_views(self) -> list[ViewCount]:
        return [v for v in self.views if v.error is not None]


def sign_in_status(session: SageSession) -> str:
    """Who is signed in and how long the stored tokens last (after a successful access_token())."""
    token = session.auth(None).current_token()
    if token is None:
        return "signed in"
    who = f"signed in as {token.signed_in_as}" if token.signed_in_as else "signed in"
    parts = [who]
    if token.expires_at is not None:
        minutes = max(0, int(token.expires_at - time.time()) // 60)
        parts.append(f"access token valid for {minutes} more minute(s)")
    parts.append("refresh token stored" if token.refresh_token else "no refresh token (sign in again when it expires)")
    return "; ".join(parts)


def format_sites(edition: str, sites: list[Site]) -> str:
    if not sites:
        return f"{edition}: no companies (GET /sites returned none; check the Sage 200 API set-up)"
    lines = [f"{edition}: {len(sites)} compan{'y' if len(sites) == 1 else 'ies'}"]
    for site in sites:
        lines.append(f"  company {site.company_id:<4} {site.company_name}   (site {site.site_name}, {site.site_id})")
    return "\n".join(lines)


async def describe_sites(session: SageSession, db: DatabaseConfig) -> str:
    """The companies the stored tokens reach through the database's edition (PgError when /sites fails)."""
    sites = await session.sites(None, EDITIONS[db.edition])
    return "Companies reachable:\n" + format_sites(db.edition, sites)


async def count_rows(session: SageSession, site: Site, base_path: str, resource: str) -> int:
    """GET resource?$count=true in the company of `site`."""
    body = await session.http(None).get_json(base_path + resource, [("$count", "true")],
                                             auth_headers=session.header_source(None, site),
                                             timeout=session.timeout(None))
    return _whole_number(body)


def _whole_number(body: Any) -> int:
    """The bare number `$count=true` answers (parsed exactly, so a Decimal or an int)."""
    if isinstance(body, str) and body.strip().isdigit():
        return int(body.strip())
    if isinstance(body, int | Decimal) and not isinstance(body, bool) and body >= 0 and body == int(body):
        return int(body)
    raise PgError(FDW_ERROR, "the $count answer is not a whole number")


async def edition_report(session: SageSession, edition: str) -> EditionReport:
    """The sites of one edition and each of its views' row counts in the CompanyId company."""
    base_path = EDITIONS[edition]
    try:
        sites = await session.sites(None, base_path)
        company = await session.company(None, base_path)
    except PgError as exc:
        return EditionReport(edition, [], None, [], exc)
    views = [v for v in load_views() if v.schema == edition]
    counts: dict[str, ViewCount] = {}
    limiter = anyio.CapacityLimiter(session.int_prop(None, "MaxThreads", 1))

    async def one(spec: Any) -> None:
        async with limiter:
            try:
                rows = await count_rows(session, company, base_path, str(spec.extra["resource"]))
                counts[spec.name] = ViewCount(edition, spec.name, rows)
            except PgError as exc:
                counts[spec.name] = ViewCount(edition, spec.name, None, exc.message)

    async with anyio.create_task_group() as tasks:
        for spec in views:
            tasks.start_soon(one, spec)
    return EditionReport(edition, sites, company, [counts[v.name] for v in views])


def format_views(report: EditionReport) -> str:
    assert report.company is not None
    answered = len(report.views) - len(report.failed_views)
    lines = [f"{report.edition} views in company {report.company.company_id} ({report.company.company_name}): "
             f"{answered} of {len(report.views)} answer"]
    width = max((len(v.name) for v in report.views), default=10)
    for view in report.views:
        shown = (f"{view.rows:>9,} row{'' if view.rows == 1 else 's'}" if view.error is None
                 else f"  FAILED: {view.error}")
        lines.append(f"  {view.name:<{width}} {shown}")
    return "\n".join(lines)
