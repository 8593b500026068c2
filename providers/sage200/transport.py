"""How a connection reaches the Sage 200 API: proxy and TLS settings → httpx client options.

The connection properties (pgserver/properties.py) ProxyAutoDetect, ProxyServer, ProxyPort,
ProxyAuthScheme, ProxyUser, ProxyPassword, ProxySSLType, ProxyExceptions and SSLServerCert
become one hashable `HttpOptions`; the session keeps one pooled client per distinct value,
so connections with default settings all share one client. The proxy password lives only
in the proxy URL handed to httpx; `HttpOptions.__repr__` hides it.
"""

from __future__ import annotations

import os
import ssl
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from pgserver.errors import FEATURE_NOT_SUPPORTED, INVALID_PARAMETER_VALUE, PgError


@dataclass(frozen=True)
class HttpOptions:
    trust_env: bool = False  # ProxyAutoDetect: HTTPS_PROXY / HTTP_PROXY / NO_PROXY from the environment
    proxy: str | None = None  # http(s)://[user:password@]host:port
    no_proxy: tuple[str, ...] = ()  # hosts reached directly
    server_cert: str = ""  # SSLServerCert as given ("" = system trust store, "*" = accept any)

    def __repr__(self) -> str:
        shown = None if self.proxy is None else self.proxy.split("@")[-1]
        return f"HttpOptions(trust_env={self.trust_env}, proxy={shown!r}, no_proxy={self.no_proxy!r})"

    def client_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for httpx.AsyncClient (without any transport of its own)."""
        kwargs: dict[str, Any] = {"trust_env": self.trust_env, "verify": self._verify()}
        if self.proxy:
            kwargs["proxy"] = self.proxy
            if self.no_proxy:
                kwargs["mounts"] = {f"all://{host}": None for host in self.no_proxy}
        return kwargs

    def _verify(self) -> bool | ssl.SSLContext:
        cert = self.server_cert.strip()
        if not cert:
            return True
        if cert == "*":
            return False
        if cert.startswith("-----BEGIN CERTIFICATE"):
            return ssl.create_default_context(cadata=cert)
        if os.path.isfile(os.path.expanduser(cert)):
            return ssl.create_default_context(cafile=os.path.expanduser(cert))
        raise PgError(
            FEATURE_NOT_SUPPORTED,
            "SSLServerCert supports a PEM certificate, a certificate file, or '*'",
            hint="Public keys and thumbprints are not supported; give the server's certificate instead.",
        )


def http_options(prop: Any) -> HttpOptions:
    """HttpOptions from a property reader `prop(name) -> value` (None/"" when unset)."""

    def text(name: str) -> str:
        value = prop(name)
        return "" if value is None else str(value).strip()

    trust_env = str(prop("ProxyAutoDetect")).lower() in ("true", "1", "on", "yes")
    server = text("ProxyServer")
    proxy: str | None = None
    if server:
        port = text("ProxyPort") or "80"
        if not port.isdigit() or not 0 < int(port) < 65536:
            raise PgError(INVALID_PARAMETER_VALUE, 'connection property "ProxyPort" must be 1..65535')
        scheme = "https" if text("ProxySSLType").upper() == "ALWAYS" else "http"
        user, password = text("ProxyUser"), text("ProxyPassword")
        credentials = ""
        if user and text("ProxyAuthScheme").upper() != "NONE":
            credentials = quote(user, safe="") + (":" + quote(password, safe="") if password else "") + "@"
        host = server.split("://")[-1].rstrip("/")
        proxy = f"{scheme}://{credentials}{host}:{port}"
    exceptions = tuple(h.strip() for h in text("ProxyExceptions").replace(",", ";").split(";") if h.strip())
    return HttpOptions(trust_env, proxy, exceptions, text("SSLServerCert"))
