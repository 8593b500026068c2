"""`pgserver login [DATABASE]`: sign in to Sage ID in a browser; keep the tokens in the database's token store.

The OAuth 2.0 authorization-code flow with PKCE, as `gh auth login` and `gcloud auth login` run it
(the OAuth parts are providers.sage200.oauth.SageAuth.begin_sign_in / finish_sign_in):

1. a listener on the loopback address of the configured `redirect_uri` waits for the browser (RFC 8252 §7.3;
   port 0 picks a free port, for authorization servers that accept any loopback port — Sage ID wants the
   registered URI exactly);
2. the sign-in URL is printed, and opened in a browser unless `--no-browser` or there is no display (Python's
   `webbrowser`, which honours $BROWSER);
3. whichever comes first wins: the browser arriving at the listener, or — when the browser runs on another
   machine, so its redirect to localhost cannot reach this one — the address it was sent to, pasted here;
4. the code is exchanged for tokens, which go to the token store (0600, replaced atomically), and the sites and
   companies they reach are listed.

Nothing secret is printed: the URL carries a state and a PKCE challenge, never the verifier; the code the
browser brings back is used once and not shown.
"""

from __future__ import annotations

import os
import queue
import socket
import sys
import threading
import webbrowser
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TextIO
from urllib.parse import urlsplit, urlunsplit

import anyio
from anyio import to_thread

from pgserver.config import ConfigError, DatabaseConfig
from pgserver.errors import PgError

LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")
DEFAULT_TIMEOUT = 300.0


class LoginError(Exception):
    """The sign-in did not complete; the message says why."""


@dataclass
class _Outcome:
    """What the browser is shown once the code has been exchanged (or has failed)."""

    done: threading.Event = field(default_factory=threading.Event)
    ok: bool = False
    message: str = ""


class CallbackListener:
    """Loopback HTTP listener(s) for the redirect URI: each request to its path is handed to `answers`; the
    browser is answered with the outcome of the sign-in once `finish()` is called."""

    def __init__(self, redirect_uri: str, answers: queue.Queue[tuple[str, str]]) -> None:
        parts = urlsplit(redirect_uri)
        if parts.scheme != "http" or parts.hostname not in LOOPBACK_HOSTS:
            raise ConfigError(f"redirect_uri {redirect_uri} is not a loopback http:// address, so `pgserver login` "
                              "cannot receive the browser there; register and configure one such as "
                              "http://localhost:8855/callback")
        self.parts = parts
        self.path = parts.path or "/"
        self.answers = answers
        self.outcome = _Outcome()
        self._servers: list[ThreadingHTTPServer] = []

    def start(self) -> str:
        """Listen; the redirect URI with the port actually bound (port 0 picks one)."""
        host = self.parts.hostname or "127.0.0.1"
        port = 80 if self.parts.port is None else self.parts.port
        first = "::1" if host == "::1" else "127.0.0.1"
        try:
            self._servers.append(self._serve(first, port))
        except OSError as exc:
            raise LoginError(f"cannot listen on {first}:{port} for the browser's redirect: {exc.strerror}") from None
        port = self._servers[0].server_address[1]
        if host == "localhost":  # browsers may try ::1 first; a second listener answers there too
            try:
                self._servers.append(self._serve("::1", port))
            except OSError:
                pass
        netloc = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        return urlunsplit((self.parts.scheme, netloc, self.parts.path, self.parts.query, ""))

    def _serve(self, host: str, port: int) -> ThreadingHTTPServer:
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                if urlsplit(self.path).path != listener.path:
                    self._answer(404, "Not found", "This address only receives the Sage ID sign-in.")
                    return
                if listener.outcome.done.is_set():
                    self._answer(410, "Already finished", "This sign-in has finished; you can close this window.")
                    return
                listener.answers.put(("browser", f"http://{self.headers.get('Host', '')}{self.path}"))
                if not listener.outcome.done.wait(120):
                    self._answer(504, "Still waiting", "pgserver did not finish the sign-in in time.")
                elif listener.outcome.ok:
                    self._answer(200, "Signed in", listener.outcome.message)
                else:
                    self._answer(400, "Sign-in failed", listener.outcome.message)

            def _answer(self, status: int, title: str, text: str) -> None:
                body = (f"<!doctype html><html><head><meta charset='utf-8'><title>{escape(title)}</title></head>"
                        f"<body><h1>{escape(title)}</h1><p id='message'>{escape(text)}</p></body></html>").encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the URL holds the code
                return

        class Server(ThreadingHTTPServer):
            daemon_threads = True
            address_family = socket.AF_INET6 if ":" in host else socket.AF_INET

        server = Server((host, port), Handler)
        threading.Thread(target=server.serve_forever, name="pgserver-login-callback", daemon=True).start()
        return server

    def finish(self, ok: bool, message: str) -> None:
        self.outcome.ok, self.outcome.message = ok, message
        self.outcome.done.set()

    def close(self) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()


def _read_pastes(stream: TextIO, answers: queue.Queue[tuple[str, str]]) -> None:
    """Each non-empty line typed or piped in is offered as the address the browser was sent to."""
    try:
        for line in stream:
            if line.strip():
                answers.put(("paste", line.strip()))
    except (OSError, ValueError):  # stdin closed
        pass


def _looks_like_answer(url: str, redirect_uri: str) -> bool:
    """The address Sage ID sends the browser to: the redirect URI's path, with a code (or an error) and a state."""
    parts, expected = urlsplit(url), urlsplit(redirect_uri)
    return (parts.scheme in ("http", "https") and parts.path == expected.path
            and ("code=" in parts.query or "error=" in parts.query))


async def login(db: DatabaseConfig, *, open_browser: bool = True, timeout: float = DEFAULT_TIMEOUT,
                out: TextIO = sys.stdout, stdin: TextIO | None = sys.stdin) -> int:
    """Run the sign-in for one configured database; 0 when signed in and the companies were listed."""
    from pgserver.app import build_sage_source
    from pgserver.tenant import describe_sites
    from providers.sage200.data_source import SageSession

    if db.uses_sandbox:
        raise ConfigError(f'[databases.{db.name}] api_base_url is "sandbox": the in-process sandbox signs in by '
                          "itself; `pgserver login` is for a Sage 200 tenant (or a sandbox over HTTP)")
    if db.token_store is None:
        raise ConfigError(f"[databases.{db.name}] has no token_store: set one so the sign-in is kept")

    def say(text: str) -> None:
        print(text, file=out, flush=True)

    answers: queue.Queue[tuple[str, str]] = queue.Queue()
    listener = CallbackListener(db.redirect_uri, answers)
    redirect_uri = listener.start()
    session = SageSession(build_sage_source(db))
    try:
        auth = session.auth(None)
        request = auth.begin_sign_in(redirect_uri)
        say(f"Sign in to Sage for database {db.name!r} at:\n\n  {request.url}\n")
        if stdin is not None:
            threading.Thread(target=_read_pastes, args=(stdin, answers), daemon=True, name="pgserver-login-paste").start()
        if open_browser and _has_browser():
            _open_browser(request.url, say)
        elif open_browser:
            say("(No display here, so no browser was started: open the address above on any machine.)")
        say(f"Waiting for the browser to return to {redirect_uri} …\n"
            "If the browser is on another machine, paste here the address it ended on "
            f"(it starts with {redirect_uri.split('?')[0]}?code=).")
        try:
            token = await auth.finish_sign_in(request, await _next_answer(answers, redirect_uri, timeout, say))
        except PgError as exc:
            listener.finish(False, exc.message)
            raise LoginError(exc.message + (f"\n{exc.hint}" if exc.hint else "")) from None
        who = token.signed_in_as or "the Sage ID user"
        listener.finish(True, f"Signed in to Sage as {who}. You can close this window and return to the terminal.")
        say(f"\nSigned in as {who}. Tokens saved to {db.token_store} (readable by you only).")
        try:
            say(await describe_sites(session, db))
        except PgError as exc:
            say(f"Signed in, but the Sage 200 API did not list the companies: {exc.message}")
            return 1
        say("Next: `pgserver check` to see the views answer, then `pgserver serve`.")
        return 0
    finally:
        answers.put(("closed", ""))  # releases a worker thread still waiting on the queue (abandoned at a timeout)
        listener.close()
        with anyio.CancelScope(shield=True):
            await session.aclose()


Say = Callable[[str], None]


def _has_browser() -> bool:
    """False on a Linux/BSD machine with no display and no $BROWSER (an SSH session): Python's webbrowser would
    fall back to a text browser in this very terminal."""
    if sys.platform in ("darwin", "win32") or os.environ.get("BROWSER"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _open_browser(url: str, say: Say) -> None:
    """webbrowser.open on a daemon thread: a $BROWSER command may run until the sign-in is over (or, for a browser
    started fresh, until its window closes) — the login neither waits for it nor for it at exit."""
    def run() -> None:
        if not webbrowser.open(url):
            say("(No browser could be started here: open the address above in any browser.)")

    threading.Thread(target=run, daemon=True, name="pgserver-login-browser").start()


async def _next_answer(answers: queue.Queue[tuple[str, str]], redirect_uri: str, timeout: float,
                       say: Say) -> str:
    """The first usable answer: the browser's request to the listener or a pasted address."""
    with anyio.move_on_after(timeout):
        while True:
            source, url = await to_thread.run_sync(answers.get, abandon_on_cancel=True)
            if source == "browser" or _looks_like_answer(url, redirect_uri):
                return url
            say("That is not the address the browser was sent to (it starts with "
                f"{redirect_uri.split('?')[0]}?code=); paste it again.")
    raise LoginError(f"no answer from the browser within {timeout:g} s; run `pgserver login` again")
