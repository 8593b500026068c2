"""Proxy and TLS connection properties → httpx client options."""

from __future__ import annotations

import base64
import socket
import ssl
from pathlib import Path

import anyio
import anyio.abc
import pytest
from fake_sage import Ctx

from pgserver.errors import PgError
from providers.sage200.client import RetryPolicy
from providers.sage200.data_source import SageDataSource, SageSession
from providers.sage200.transport import HttpOptions, http_options

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def options(**props: object) -> HttpOptions:
    return http_options(lambda name: props.get(name))


def test_proxy_url_from_properties() -> None:
    o = options(ProxyServer="proxy.corp", ProxyPort=3128, ProxyUser="ann@corp", ProxyPassword="p@ss:word",
                ProxyExceptions="a.example;b.example")
    assert o.proxy == "http://ann%40corp:p%40ss%3Aword@proxy.corp:3128"
    assert "p%40ss" not in repr(o) and "proxy.corp:3128" in repr(o)
    kwargs = o.client_kwargs()
    assert kwargs["proxy"] == o.proxy and set(kwargs["mounts"]) == {"all://a.example", "all://b.example"}
    assert kwargs["trust_env"] is False and kwargs["verify"] is True
    assert options(ProxyServer="p", ProxyAuthScheme="NONE", ProxyUser="u").proxy == "http://p:80"
    assert options(ProxyServer="p", ProxySSLType="ALWAYS").proxy == "https://p:80"
    assert options(ProxyAutoDetect=True).client_kwargs()["trust_env"] is True
    with pytest.raises(PgError):
        options(ProxyServer="p", ProxyPort="99999")


def test_server_certificate_settings(tmp_path: Path) -> None:
    assert options(SSLServerCert="*").client_kwargs()["verify"] is False
    with pytest.raises(PgError) as err:
        options(SSLServerCert="ecadbdda5a1529c58a1e9e09828d70e4").client_kwargs()
    assert err.value.sqlstate == "0A000"
    with pytest.raises(ssl.SSLError):  # a PEM that is not a certificate is refused, not ignored
        options(SSLServerCert="-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----").client_kwargs()


async def test_requests_go_through_the_configured_proxy() -> None:
    """A one-shot HTTP proxy on loopback records what the client sends it."""
    seen: list[bytes] = []

    async def proxy(stream: anyio.abc.SocketStream) -> None:
        data = b""
        while b"\r\n\r\n" not in data:
            data += await stream.receive()
        seen.append(data)
        await stream.send(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n[]")
        await stream.aclose()

    listener = await anyio.create_tcp_listener(local_host="127.0.0.1")
    port = listener.extra(anyio.abc.SocketAttribute.local_port)
    session = SageSession(SageDataSource("http://api.example", "id", "secret"))

    async def headers(_: object) -> dict[str, str]:
        return {"Authorization": "Bearer t"}

    async with listener, anyio.create_task_group() as tg:
        tg.start_soon(listener.serve, proxy)
        ctx = Ctx(ProxyServer="127.0.0.1", ProxyPort=port, ProxyUser="ann", ProxyPassword="pw")
        assert session.client(ctx) is not session.client(Ctx())  # one pooled client per distinct setting
        assert session.client(Ctx(CompanyId="2")) is session.client(Ctx())
        body = await session.http(ctx).get_json("/uk/x", [("$top", "1")], auth_headers=headers, timeout=5)
        tg.cancel_scope.cancel()
    assert body == []
    request = seen[0].decode()
    assert request.startswith("GET http://api.example/uk/x?$top=1 HTTP/1.1")
    assert "\r\nProxy-Authorization: Basic " + base64.b64encode(b"ann:pw").decode() + "\r\n" in request
    await session.aclose()


async def test_unreachable_api_fails_with_hv00n(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    source = SageDataSource(f"http://127.0.0.1:{port}", "id", "secret",
                            retry=RetryPolicy(attempts=2, base_delay=0.0))
    session = SageSession(source)

    async def headers(_: object) -> dict[str, str]:
        return {"Authorization": "Bearer t"}

    with pytest.raises(PgError) as err:
        await session.http(Ctx()).get_json("/uk/x", [], auth_headers=headers, timeout=5)
    assert err.value.sqlstate == "HV00N" and "after 2 attempts" in err.value.message
    with pytest.raises(PgError) as err:  # the sign-in fails the same way, without the secret
        await session.auth(Ctx()).access_token()
    assert err.value.sqlstate == "HV00N" and "secret" not in err.value.message
    await session.aclose()
