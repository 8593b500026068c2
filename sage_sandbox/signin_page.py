"""The sandbox's Sage ID sign-in page: what a browser sees at /authorize when a sign-in needs a person.

A plain HTML form (no script) with the demo user, the application asking and the scopes it wants; its
Approve and Deny buttons post the pending request's id to /authorize/decision (sage_sandbox.oauth.SageId.decide).
Every value shown is escaped.
"""

from __future__ import annotations

from html import escape

from .oauth import SANDBOX_USER

_SCOPES = {
    "openid": "confirm who you are",
    "profile": "see your name",
    "email": "see your email address",
    "offline_access": "stay signed in (a refresh token)",
}


def signin_page(transaction: str, client_id: str, scope: str, site_name: str) -> str:
    wanted = "".join(f"<li>{escape(_SCOPES.get(s, s))}</li>" for s in scope.split()) or "<li>sign you in</li>"
    return f"""<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Sign in to Sage (sandbox)</title>
<style>
body {{ font-family: sans-serif; max-width: 32em; margin: 4em auto; color: #222; }}
button {{ font-size: 1em; padding: .5em 1.5em; margin-right: 1em; }}
</style></head>
<body>
<h1>Sign in to Sage</h1>
<p>This is the Sage 200 <strong>sandbox</strong>: no password is needed.</p>
<p>Signed in as <strong id="user">{escape(str(SANDBOX_USER["name"]))}</strong>
(<span id="email">{escape(str(SANDBOX_USER["email"]))}</span>), site {escape(site_name)}.</p>
<p>The application <code id="client">{escape(client_id)}</code> would like to:</p>
<ul>{wanted}</ul>
<form method="post" action="/authorize/decision">
<input type="hidden" name="transaction" value="{escape(transaction)}">
<button type="submit" name="decision" value="approve" id="approve">Approve</button>
<button type="submit" name="decision" value="deny" id="deny">Deny</button>
</form>
</body>
</html>
"""
