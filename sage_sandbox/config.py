"""Everything that can be tuned about a sandbox instance."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

DEMO_CLIENT_ID = "sandbox-client"
DEMO_CLIENT_SECRET = "sandbox-secret"
DEMO_SITE_ID = "c3a91133-a250-c54f-e9ac-08d507348a36"
DEMO_SITE_NAME = "Stationery & Computer Mart"
DEMO_AUDIENCE = "s200ukipd/sage200"


@dataclass
class SandboxConfig:
    """Knobs of one sandbox. `clock` returns epoch seconds; tests pass a fake one to expire tokens."""

    scale: float = 1.0  # multiplies the transactional tables (100 → >100 000 sales order lines)
    seed: int = 200  # demo data, latency jitter and fault draws are all derived from it
    latency_ms: float = 0.0  # fixed delay added to every request
    jitter_ms: float = 0.0  # plus a uniform random delay in [0, jitter_ms)
    faults: str = ""  # fault spec, see sage_sandbox.faults (e.g. "429:0.1,hang:count=1")
    row_cache_mb: float = 1024.0  # rendered rows kept per company for paging again (0 disables)
    hang_seconds: float = 120.0  # how long a "hang" fault holds a request (unless the client leaves)
    token_lifetime: int = 3600  # access-token lifetime in seconds (expires_in)
    refresh_token_lifetime: int = 90 * 86400
    code_lifetime: int = 600  # authorization codes are single-use and short-lived
    client_id: str = DEMO_CLIENT_ID
    client_secret: str = DEMO_CLIENT_SECRET
    redirect_uris: tuple[str, ...] = ()  # empty: any redirect_uri is accepted
    consent_page: bool = False  # /authorize always shows the sign-in page (else only when a prompt asks)
    site_id: str = DEMO_SITE_ID
    site_name: str = DEMO_SITE_NAME
    issuer: str = "https://id.sage.com/"  # `iss` of id_tokens
    clock: Callable[[], float] = field(default=time.time)
    request_log: str = ""  # a file to append one JSON line per request to (a benchmark in another process reads it)
