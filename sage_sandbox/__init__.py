"""A Sage 200 UK REST API emulator (both editions) with Sage ID OAuth and deterministic demo data.

In-process: `create_app(SandboxConfig(...))` with httpx.ASGITransport; on a real port:
`with serve_in_thread(config) as base_url: ...`; standalone: `sage_sandbox.cli.main(argv)`.
"""

from .app import create_app
from .config import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_SITE_ID, SandboxConfig
from .server import serve_in_thread
from .state import RequestRecord, SandboxState

__all__ = ["DEMO_CLIENT_ID", "DEMO_CLIENT_SECRET", "DEMO_SITE_ID", "RequestRecord", "SandboxConfig",
           "SandboxState", "create_app", "serve_in_thread"]
