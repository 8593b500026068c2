"""One Sage 200 data source at run time: its configuration, shared HTTP client, OAuth
sessions, site/company discovery and the connection properties a scan reads.

One httpx client (authlib's AsyncOAuth2Client, which is an httpx.AsyncClient) serves
every scan and token request of the data source, so connections are pooled, and one `RequestGate` admits
every API request of it: at most `max_requests` in flight across all connections, all of them slowed down when
the API answers 429 (docs/decisions/0971-request-budget-per-data-source.md). Values
that belong to a client connection (CompanyId, MaxThreads, Timeout, SubscriptionKey,
the OAuth overrides) are read from `ctx.property(name)` at scan time.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import anyio
import httpx
from anyio.lowlevel import current_token

from pgserver.errors import INVALID_PARAMETER_VALUE, UNDEFINED_OBJECT, PgError
from pgserver.provider import UNOBSERVED, ScanContext
from providers.sage200.client import AuthHeaders, RequestGate, RetryPolicy, SageHttp
from providers.sage200.oauth import DEFAULT_SCOPE, SAGE_AUDIENCE, AsyncOAuth2Client, OAuthSettings, SageAuth
from providers.sage200.pool import ShardedTransport
from providers.sage200.tokens import TokenStore
from providers.sage200.transport import HttpOptions, http_options
from providers.sage200.truth_table import TruthTable

SAGE_API_HOST = "api.columbus.sage.com"
SAGE_ID_AUTHORIZE = "https://id.sage.com/authorize"
SAGE_ID_TOKEN = "https://id.sage.com/oauth/token"

PROPERTY_DEFAULTS: dict[str, Any] = {
    "MaxThreads": 20,
    "Timeout": 60,
    "PageSize": 500,
    "CompanyId": "",
    "SubscriptionKey": "",
    "InitiateOAuth": "GETANDREFRESH",
    "CacheMode": "VERIFY",
    "CacheTolerance": 600,
    "CacheReconcileInterval": 3600,
}
MAX_PAGE_SIZE = 5000
DEFAULT_MAX_REQUESTS = 50  # API requests in flight per data source, all connections together (decision 0971)


@dataclass
class SageDataSource:
    """Everything needed to reach one Sage 200 API (real, or the sandbox)."""

    api_base_url: str  # origin only: "https://api.columbus.sage.com" or "http://127.0.0.1:8200"
    client_id: str
    client_secret: str | None = None
    scope: str = DEFAULT_SCOPE
    redirect_uri: str = "http://localhost:8855/callback"
    authorize_url: str | None = None  # default: Sage ID for the real API, else {origin}/authorize
    token_url: str | None = None  # default: Sage ID for the real API, else {origin}/oauth/token
    audience: str | None = SAGE_AUDIENCE
    token_store_path: str | None = None  # None keeps tokens in memory only
    truth_table_path: str | None = None  # the external-id truth table (SQLite); None keeps it in memory only
    auto_authorize: bool | None = None  # None: on for anything but the real Sage API
    transport: httpx.AsyncBaseTransport | None = None  # e.g. httpx.ASGITransport(sandbox app)
    defaults: Mapping[str, Any] = field(default_factory=dict)  # connection-property defaults
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    cache_dir: Path | None = None  # the mirror's files (issue 12); None: the mirror is kept in memory
    max_requests: int = DEFAULT_MAX_REQUESTS  # API requests in flight across all connections (decision 0971)

    def __repr__(self) -> str:  # keep the client secret out of logs and tracebacks
        return f"SageDataSource(api_base_url={self.api_base_url!r}, client_id={self.client_id!r})"

    @property
    def is_real_sage(self) -> bool:
        return urlsplit(self.api_base_url).hostname == SAGE_API_HOST

    def oauth_settings(self) -> OAuthSettings:
        origin = self.api_base_url.rstrip("/")
        real = self.is_real_sage
        return OAuthSettings(
            client_id=self.client_id,
            client_secret=self.client_secret,
            authorize_url=self.authorize_url or (SAGE_ID_AUTHORIZE if real else origin + "/authorize"),
            token_url=self.token_url or (SAGE_ID_TOKEN if real else origin + "/oauth/token"),
            redirect_uri=self.redirect_uri,
            scope=self.scope,
            audience=self.audience,
            auto_authorize=(not real) if self.auto_authorize is None else self.auto_authorize,
        )


@dataclass(frozen=True)
class Site:
    """One row of GET /sites: the X-Site/X-Company pair of a company."""

    site_id: str
    site_name: str
    company_id: int
    company_name: str


def _loop_key() -> object:
    """Identifies the running event loop (anyio's token, equal for one loop): an httpx client must not
    cross loops."""
    return current_token()


class SageSession:
    """The run-time state shared by all views and procedures of one data source."""

    def __init__(self, source: SageDataSource) -> None:
        self.source = source
        self._clients: dict[HttpOptions, AsyncOAuth2Client] = {}
        self._client_loop: object = None
        self._gate: RequestGate | None = None
        self._gate_loop: object = None
        self._auths: dict[tuple[Any, ...], SageAuth] = {}
        self._stores: dict[str | None, TokenStore] = {}
        self._sites: dict[tuple[str, str], list[Site]] = {}
        self._sites_lock = anyio.Lock()
        self._limiters: weakref.WeakKeyDictionary[Any, anyio.CapacityLimiter] = weakref.WeakKeyDictionary()
        self.truth_table = TruthTable(source.truth_table_path)  # external id ↔ Sage id ↔ reference
        from providers.sage200.mirror import SageMirror

        self.mirror = SageMirror(self, source.cache_dir)

    # -- shared clients -----------------------------------------------------------

    def options(self, ctx: ScanContext | None) -> HttpOptions:
        """The connection's proxy/TLS settings (none apply through an injected transport)."""
        if self.source.transport is not None:
            return HttpOptions()
        return http_options(lambda name: self.prop(ctx, name))

    def client(self, ctx: ScanContext | None = None) -> AsyncOAuth2Client:
        """The pooled client for the running event loop and the connection's proxy/TLS settings."""
        loop = _loop_key()
        if loop != self._client_loop:  # a client must not cross event loops
            self._clients.clear()
            self._auths.clear()
            self._client_loop = loop
        options = self.options(ctx)
        client = self._clients.get(options)
        if client is None:
            settings = self.source.oauth_settings()
            extra = {"transport": self.source.transport} if self.source.transport else options.client_kwargs()
            if not self.source.transport and "proxy" not in extra and not options.trust_env:
                extra["transport"] = ShardedTransport(100, verify=extra["verify"])  # small pools: 0703
            client = AsyncOAuth2Client(
                client_id=settings.client_id,
                client_secret=settings.client_secret,
                token_endpoint_auth_method="client_secret_post" if settings.client_secret else "none",
                base_url=self.source.api_base_url,
                limits=httpx.Limits(max_connections=100, max_keepalive_connections=40),
                headers={"Accept": "application/json"},
                **extra,
            )
            self._clients[options] = client
        return client

    def gate(self) -> RequestGate:
        """The data source's request allowance for the running event loop (shared by every connection)."""
        loop = _loop_key()
        if self._gate is None or loop != self._gate_loop:
            self._gate, self._gate_loop = RequestGate(self.source.max_requests), loop
        return self._gate

    def http(self, ctx: ScanContext | None = None, table: str = "") -> SageHttp:
        """The client for requests made for `table` (a view's scan or refresh; "" for others), reported to the
        connection's running statement."""
        return SageHttp(self.client(ctx), self.source.retry, self.gate(),
                        ctx.observer if ctx is not None else UNOBSERVED, table)

    async def aclose(self) -> None:
        clients, self._clients = list(self._clients.values()), {}
        self._auths.clear()
        self.mirror.close()
        self.truth_table.close()
        for client in clients:
            await client.aclose()

    # -- connection properties -------------------------------------------------------

    def prop(self, ctx: ScanContext | None, name: str) -> Any:
        """A connection property, falling back to the data source's defaults."""
        value: Any = None
        if ctx is not None:
            try:
                value = ctx.property(name)
            except (PgError, KeyError, AttributeError):
                value = None
        if value is None or value == "":
            value = self.source.defaults.get(name, PROPERTY_DEFAULTS.get(name))
        return value

    def int_prop(self, ctx: ScanContext | None, name: str, low: int, high: int | None = None) -> int:
        value = self.prop(ctx, name)
        try:
            number = int(str(value).strip())
        except (TypeError, ValueError):
            number = None
        if number is None or number < low or (high is not None and number > high):
            bounds = f"{low}..{high}" if high is not None else f">= {low}"
            raise PgError(INVALID_PARAMETER_VALUE, f'connection property "{name}" must be an integer {bounds}')
        return number

    def limiter(self, ctx: ScanContext, threads: int) -> anyio.CapacityLimiter:
        """MaxThreads requests in flight per connection: all scans of one query (a join
        reads several views at once) draw from the same allowance."""
        try:
            found = self._limiters.get(ctx)
        except TypeError:  # a context that cannot be weakly referenced: per scan only
            return anyio.CapacityLimiter(threads)
        if found is None:
            found = anyio.CapacityLimiter(threads)
            self._limiters[ctx] = found
        elif found.total_tokens != threads:
            found.total_tokens = threads  # SET MaxThreads took effect
        return found

    def timeout(self, ctx: ScanContext | None) -> float | None:
        seconds = self.int_prop(ctx, "Timeout", 0)
        return float(seconds) if seconds else None

    # -- OAuth -----------------------------------------------------------------------

    def _store_path(self, ctx: ScanContext | None) -> str | None:
        return self.prop(ctx, "OAuthSettingsLocation") or self.source.token_store_path

    def auth(self, ctx: ScanContext | None = None) -> SageAuth:
        """The OAuth session for this connection's client id/secret, scope and token store."""
        base = self.source.oauth_settings()
        client_id = str(self.prop(ctx, "OAuthClientId") or base.client_id)
        secret = self.prop(ctx, "OAuthClientSecret") or base.client_secret
        scope = str(self.prop(ctx, "Scope") or base.scope)
        redirect = str(self.prop(ctx, "CallbackURL") or base.redirect_uri)
        store_path = self._store_path(ctx)
        initiate = str(self.prop(ctx, "InitiateOAuth") or "GETANDREFRESH").upper()
        settings = OAuthSettings(
            client_id=client_id,
            client_secret=secret,
            authorize_url=base.authorize_url,
            token_url=base.token_url,
            redirect_uri=redirect,
            scope=scope,
            audience=base.audience,
            auto_authorize=base.auto_authorize and initiate == "GETANDREFRESH",
            refresh_leeway=base.refresh_leeway,
        )
        client = self.client(ctx)
        key = (id(client), client_id, secret, scope, redirect, store_path, settings.auto_authorize, initiate)
        found = self._auths.get(key)
        if found is None:
            store = self._stores.setdefault(store_path, TokenStore(store_path))
            found = SageAuth(settings, store, client, may_refresh=initiate != "OFF", policy=self.source.retry)
            self._auths[key] = found
        found.timeout = self.timeout(ctx)  # token requests use the connection's Timeout too
        return found

    # -- sites and companies ---------------------------------------------------------------

    async def sites(self, ctx: ScanContext | None, base_path: str) -> list[Site]:
        """GET {base}/sites once per edition and token store (it needs only the bearer token)."""
        key = (base_path, str(TokenStore(self._store_path(ctx)).path))
        if key in self._sites:
            return self._sites[key]
        async with self._sites_lock:
            if key not in self._sites:
                body = await self.http(ctx).get_json(
                    base_path + "/sites",
                    [],
                    auth_headers=self.header_source(ctx, None),
                    timeout=self.timeout(ctx),
                )
                self._sites[key] = _parse_sites(body)
        return self._sites[key]

    async def company(self, ctx: ScanContext | None, base_path: str) -> Site:
        """The site of the CompanyId property (default: the first company)."""
        sites = await self.sites(ctx, base_path)
        if not sites:
            raise PgError(
                UNDEFINED_OBJECT,
                "the Sage 200 account has no companies (GET /sites returned none)",
                hint="Check the Sage 200 API set-up for this account.",
            )
        wanted = str(self.prop(ctx, "CompanyId") or "").strip()
        if not wanted:
            return sites[0]
        for site in sites:
            if str(site.company_id) == wanted:
                return site
        known = ", ".join(f"{s.company_id} ({s.company_name})" for s in sites[:20])
        raise PgError(INVALID_PARAMETER_VALUE, f"unknown CompanyId {wanted}", detail=f"Available companies: {known}")

    def known_company(self, ctx: ScanContext | None, base_path: str) -> Site | None:
        """The connection's company if GET /sites has already been answered (no request)."""
        sites = self._sites.get((base_path, str(TokenStore(self._store_path(ctx)).path)))
        if not sites:
            return None
        wanted = str(self.prop(ctx, "CompanyId") or "").strip()
        return next((s for s in sites if not wanted or str(s.company_id) == wanted), None)

    def header_source(self, ctx: ScanContext | None, site: Site | None) -> AuthHeaders:
        """The AuthHeaders callback for SageHttp: bearer token (+ X-Site/X-Company, key)."""
        auth = self.auth(ctx)
        key = str(self.prop(ctx, "SubscriptionKey") or "")
        observer = ctx.observer if ctx is not None else UNOBSERVED

        async def headers(rejected: dict[str, str] | None) -> dict[str, str]:
            bad = rejected.get("Authorization", "").removeprefix("Bearer ") if rejected else None
            out = {"Authorization": "Bearer " + await auth.access_token(rejected=bad, observer=observer)}
            if site is not None:
                out["X-Site"] = site.site_id
                out["X-Company"] = str(site.company_id)
            if key:
                out["ocp-apim-subscription-key"] = key
            return out

        return headers


def _parse_sites(body: Any) -> list[Site]:
    items = body.get("value") if isinstance(body, dict) else body
    sites: list[Site] = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict) or item.get("company_id") is None or not item.get("site_id"):
            continue
        try:
            company_id = int(item["company_id"])
        except (TypeError, ValueError):
            continue
        sites.append(
            Site(
                site_id=str(item["site_id"]),
                site_name=str(item.get("site_name") or ""),
                company_id=company_id,
                company_name=str(item.get("company_name") or ""),
            )
        )
    return sites
