"""The server's own secret: what the mock SCRAM salt of an unknown user is derived from.

PostgreSQL keeps such a secret in its control file (`mock_auth_nonce`), so the salt it offers for a user that does
not exist is stable across restarts yet cannot be computed by a client. Ours lives in a small file (0600, created
atomically on first start); when that file cannot be written the secret is random for this process only, which
still hides user names but lets a prober tell a restart from a real user — the log says so.
"""

from __future__ import annotations

import logging
import os
import secrets
import tempfile
from pathlib import Path

log = logging.getLogger("pgserver.server")

DEFAULT_SECRET_FILE = Path("~/.pgserver/server-secret")
SECRET_BYTES = 32


def load_server_secret(path: Path | None) -> bytes:
    """The secret stored at `path` (default ~/.pgserver/server-secret), created there if missing."""
    file = (path or DEFAULT_SECRET_FILE).expanduser()
    try:
        text = file.read_text(encoding="ascii").strip()
        secret = bytes.fromhex(text)
        if len(secret) >= 16:
            return secret
        log.warning("the server secret %s is too short; making a new one", file)
    except FileNotFoundError:
        pass
    except (OSError, ValueError) as exc:
        log.warning("the server secret %s is unreadable (%s); making a new one", file, exc)
    secret = secrets.token_bytes(SECRET_BYTES)
    try:
        file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(prefix=".server-secret-", dir=file.parent)  # created 0600
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(secret.hex() + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, file)
    except OSError as exc:
        log.warning("cannot store the server secret at %s (%s): unknown users' SCRAM salts change at restart",
                    file, exc)
    return secret
