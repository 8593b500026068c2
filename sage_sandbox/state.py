"""The live state of one sandbox: config, Sage ID store, company data and the request log."""

from __future__ import annotations

import json
import threading
from dataclasses import asdict, dataclass

from .churn import Churner, ChurnReport, ChurnRound
from .config import SandboxConfig
from .data.dataset import COMPANIES, Dataset
from .faults import FaultInjector, parse_fault_spec
from .oauth import SageId


@dataclass(frozen=True)
class RequestRecord:
    """One request as the sandbox saw it (tests read these)."""

    method: str
    path: str
    query: str  # the raw query string, still percent-encoded
    status: int  # 0 when the connection was dropped before any response
    duration_ms: float
    fault: str | None = None  # the injected fault kind, if any
    started: float = 0.0  # time.perf_counter() when the request arrived (to measure overlap)


class SandboxState:
    """Shared by the ASGI app and whoever created it (`app.state.sandbox`)."""

    def __init__(self, config: SandboxConfig) -> None:
        self.config = config
        self.sage_id = SageId(config)
        self.faults = FaultInjector(parse_fault_spec(config.faults), config.seed)
        self.companies = {p.company_id: Dataset(p, config.seed, config.scale, config.row_cache_mb) for p in COMPANIES}
        self.requests: list[RequestRecord] = []
        self._lock = threading.Lock()
        self._log_file = None  # line-buffered: a reader in another process sees every request answered so far
        if config.request_log:
            self._log_file = open(config.request_log, "a", buffering=1, encoding="utf-8")  # noqa: SIM115
        self._churners = {cid: Churner(d, config.seed, config.clock) for cid, d in self.companies.items()}

    def churn(self, spec: ChurnRound | None = None) -> dict[int, ChurnReport]:
        """One round of changes in every company (sage_sandbox/churn.py): what a busy Sage does between polls."""
        return {cid: churner.run(spec or ChurnRound()) for cid, churner in self._churners.items()}

    def record(self, entry: RequestRecord) -> None:
        with self._lock:
            self.requests.append(entry)
            if self._log_file is not None:
                self._log_file.write(json.dumps(asdict(entry)) + "\n")

    def clear(self) -> None:
        """Forget the request log (data, tokens and fault counters are kept)."""
        with self._lock:
            self.requests.clear()

    def mint_token(self, lifetime: int | None = None) -> str:
        """An access token for in-process clients, without the OAuth round trip."""
        return str(self.sage_id.mint(lifetime)["access_token"])

    def auth_headers(self, company_id: int = 1, lifetime: int | None = None) -> dict[str, str]:
        """Headers for a data call: a fresh bearer token, X-Site and X-Company."""
        return {"Authorization": f"Bearer {self.mint_token(lifetime)}", "X-Site": self.config.site_id,
                "X-Company": str(company_id)}
