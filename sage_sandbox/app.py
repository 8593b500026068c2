"""`create_app(config)`: the sandbox as one Starlette ASGI application.

One origin serves both hosts of the real service (docs/decisions/0202-sandbox-sage-id.md):
Sage ID at /authorize (alias /oauth/authorize; its sign-in page posts to /authorize/decision) and
/oauth/token, and the API at
/uk/sage200/accounts/v1/... (StandardUK) and /uk/sage200extra/accounts/v1/... (ProfessionalUK).
"""

from __future__ import annotations

import base64
import binascii
from urllib.parse import parse_qsl, unquote

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from . import api, customer_writes
from .config import SandboxConfig
from .errors import ApiError
from .middleware import SandboxMiddleware
from .oauth import DEFAULT_SCOPE, OAuthError
from .signin_page import signin_page
from .state import SandboxState

API = "/uk/{edition}/accounts/v1"


async def authorize(request: Request) -> Response:
    """Approve at once (a redirect with the code), or answer the sign-in page when a person must decide."""
    state = request.app.state.sandbox
    sage_id = state.sage_id
    params = dict(request.query_params)
    try:
        sage_id.validate(params)
    except OAuthError as exc:
        return _oauth_error(exc)
    refusal = sage_id.refuse_silently(params)
    if refusal is not None:
        return RedirectResponse(refusal, status_code=302)
    if not sage_id.needs_page(params):
        return RedirectResponse(sage_id.authorize(params), status_code=302)
    page = signin_page(sage_id.begin_page(params), params["client_id"], params.get("scope") or DEFAULT_SCOPE,
                       state.config.site_name)
    return HTMLResponse(page, headers={"Cache-Control": "no-store", "X-Frame-Options": "DENY"})


async def authorize_decision(request: Request) -> Response:
    """The sign-in page's form: Approve → redirect with a code; Deny → redirect with error=access_denied."""
    form = dict(parse_qsl((await request.body()).decode("utf-8", "replace"), keep_blank_values=True))
    try:
        location = request.app.state.sandbox.sage_id.decide(form.get("transaction", ""),
                                                            form.get("decision") == "approve")
    except OAuthError as exc:
        return _oauth_error(exc)
    return RedirectResponse(location, status_code=303)  # 303: the browser follows with a GET


def _oauth_error(exc: OAuthError) -> Response:
    return JSONResponse({"error": exc.error, "error_description": exc.description}, status_code=exc.status)


async def token(request: Request) -> Response:
    sage_id = request.app.state.sandbox.sage_id
    if not request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        return JSONResponse({"error": "invalid_request",
                             "error_description": "the body must be application/x-www-form-urlencoded"},
                            status_code=400)
    # parsed with the standard library: starlette's form parser needs python-multipart
    form = dict(parse_qsl((await request.body()).decode("utf-8", "replace"), keep_blank_values=True))
    try:
        answer = sage_id.token(form, _basic_credentials(request))
    except OAuthError as exc:
        headers = {"WWW-Authenticate": "Basic"} if exc.status == 401 else None
        return JSONResponse({"error": exc.error, "error_description": exc.description}, status_code=exc.status,
                            headers=headers)
    return JSONResponse(answer, headers={"Cache-Control": "no-store", "Pragma": "no-cache"})


def _basic_credentials(request: Request) -> tuple[str, str] | None:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        user, _, password = base64.b64decode(value).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return unquote(user), unquote(password)


async def api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    headers = {"WWW-Authenticate": 'Bearer error="invalid_token"'} if exc.status == 401 else None
    return exc.response(headers)


async def internal_error(request: Request, exc: Exception) -> Response:
    """Anything unforeseen is still an API error with a body that says what failed (never a bare 500)."""
    return ApiError(500, "InternalServerError", f"An unexpected error occurred: {type(exc).__name__}: {exc}",
                    "sage200").response()


async def not_found(request: Request, exc: Exception) -> Response:
    return ApiError(404, "ResourceNotFound", f"No route for {request.url.path}.", "routing").response()


async def method_not_allowed(request: Request, exc: Exception) -> Response:
    return ApiError(405, "MethodNotAllowed", f"{request.method} is not supported here.", "routing").response()


def create_app(config: SandboxConfig | None = None) -> Starlette:
    """The ASGI app; its `state.sandbox` (SandboxState) holds data, tokens and the request log."""
    state = SandboxState(config or SandboxConfig())
    routes = [
        Route("/authorize", authorize, methods=["GET"]),
        Route("/oauth/authorize", authorize, methods=["GET"]),
        Route("/authorize/decision", authorize_decision, methods=["POST"]),
        Route("/oauth/token", token, methods=["POST"]),
        Route(f"{API}/sites", api.sites, methods=["GET"]),
        Route(f"{API}/current_user", api.current_user, methods=["GET"]),
        Route(f"{API}/customers", customer_writes.create_customer, methods=["POST"]),
        Route(f"{API}/customers/{{id}}", customer_writes.update_customer, methods=["PUT"]),
        Route(f"{API}/customers/{{id}}", customer_writes.delete_customer, methods=["DELETE"]),
        Route(f"{API}/{{resource}}", api.list_resource, methods=["GET"]),
        Route(f"{API}/{{resource}}/{{id}}", api.get_resource, methods=["GET"]),
        Route(f"{API}/{{resource}}/{{id}}/{{child}}", api.list_children, methods=["GET"]),
    ]
    app = Starlette(routes=routes, exception_handlers={ApiError: api_error, 404: not_found,
                                                       405: method_not_allowed, Exception: internal_error})
    app.state.sandbox = state
    app.add_middleware(SandboxMiddleware, state=state)
    return app
