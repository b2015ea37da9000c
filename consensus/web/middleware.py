"""ASGI middleware: who is asking, CSRF checks, and security headers on every response."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import anyio.to_thread
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware, DefineMiddleware
from litestar.middleware.csrf import CSRFMiddleware, generate_csrf_token
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from sqlalchemy import Engine
from sqlmodel import Session

from consensus import i18n
from consensus.accounts import services as accounts
from consensus.accounts.identity import CurrentUser
from consensus.settings import SecuritySettings

SESSION_COOKIE = "consensus_session"
LANGUAGE_COOKIE = "consensus_language"
"""The language chosen with the switcher by someone not signed in (signed-in users keep it on their account)."""
CSRF_COOKIE = "consensus_csrf"
CSRF_HEADER = "x-csrf-token"
SKIP_KEY = "skip_session"
"""Route ``opt`` key for routes (static files) that need neither a user nor a CSRF cookie."""
HOST_PREFIX = "__Host-"
"""Under https the session and CSRF cookies carry this prefix: the browser then accepts them only
with Secure, Path=/ and no Domain, so no other host (a sibling subdomain) can set or replace them."""

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return None


def bearer_token(scope: Scope) -> str | None:
    """The token of an ``Authorization: Bearer`` header, if present."""
    value = _header(scope, b"authorization")
    if value and value[:7].lower() == "bearer ":
        return value[7:].strip() or None
    return None


def cookie_value(scope: Scope, name: str) -> str | None:
    raw = _header(scope, b"cookie")
    if not raw:
        return None
    for part in raw.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value or None
    return None


def is_https(scope: Scope) -> bool:
    return scope.get("scheme") == "https"


def secure_context(scope: Scope, security: SecuritySettings) -> bool:
    """Whether cookies are Secure (and ``__Host-`` prefixed): under https, or when forced."""
    return is_https(scope) or security.secure_cookies


def session_cookie_name(scope: Scope, security: SecuritySettings) -> str:
    """The session cookie's name for this request (``__Host-consensus_session`` under https)."""
    return HOST_PREFIX + SESSION_COOKIE if secure_context(scope, security) else SESSION_COOKIE


def csrf_cookie_name(scope: Scope, security: SecuritySettings) -> str:
    return HOST_PREFIX + CSRF_COOKIE if secure_context(scope, security) else CSRF_COOKIE


def session_cookie(token: str, scope: Scope, security: SecuritySettings) -> Cookie:
    """The cookie that carries a session id: HttpOnly, SameSite=Lax, Path=/, Secure and
    ``__Host-`` under https."""
    return Cookie(
        key=session_cookie_name(scope, security),
        value=token,
        path="/",
        httponly=True,
        samesite="lax",
        secure=secure_context(scope, security),
    )


def expired_session_cookie(scope: Scope, security: SecuritySettings) -> Cookie:
    cookie = session_cookie("", scope, security)
    cookie.max_age = 0
    cookie.expires = 0
    return cookie


def fresh_csrf_cookie(scope: Scope, security: SecuritySettings) -> Cookie:
    """A new CSRF token for a browser that just logged in: a token planted before the login
    (login CSRF, a shared computer) is worth nothing after it."""
    return Cookie(
        key=csrf_cookie_name(scope, security),
        value=generate_csrf_token(secret=security.secret_key),
        path="/",
        httponly=True,
        samesite="lax",
        secure=secure_context(scope, security),
    )


class AuthenticationMiddleware(ASGIMiddleware):
    """Puts the ``CurrentUser`` (or None) in ``scope["user"]``: from a bearer token when the
    request carries one, else from the session cookie."""

    scopes = (ScopeType.HTTP,)
    exclude_opt_key = SKIP_KEY

    def __init__(self, engine: Callable[[], Engine], security: SecuritySettings) -> None:
        self.engine = engine
        self.security = security

    def _resolve(self, bearer: str | None, session_token: str | None) -> CurrentUser | None:
        with Session(self.engine(), expire_on_commit=False) as session:
            if bearer is not None:
                return accounts.resolve_bearer(session, bearer)
            if session_token is not None:
                return accounts.resolve_session(session, session_token, self.security)
            return None

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        bearer = bearer_token(scope)
        session_token = None if bearer else cookie_value(scope, session_cookie_name(scope, self.security))
        user = None
        if bearer or session_token:
            user = await anyio.to_thread.run_sync(self._resolve, bearer, session_token)
        scope["user"] = user
        scope["auth"] = "bearer" if bearer and user else ("session" if user else None)
        i18n.set_request_language(
            (user.language if user else None)
            or cookie_value(scope, LANGUAGE_COOKIE)
            or i18n.negotiate(_header(scope, b"accept-language"))
            or i18n.DEFAULT_LANGUAGE,
            (user.time_zone if user else None) or "UTC",
        )
        if session_token and user is None:
            # A stale cookie: drop it so the browser stops sending it.
            await next_app(scope, receive, self._clear_cookie(scope, send))
            return
        await next_app(scope, receive, send)

    def _clear_cookie(self, scope: Scope, send: Send) -> Send:
        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableScopeHeaders.from_message(message)
                name = session_cookie_name(scope, self.security)
                if not any(value.startswith(f"{name}=") for value in headers.getall("set-cookie", [])):
                    headers.add("set-cookie", expired_session_cookie(scope, self.security).to_header(header=""))
            await send(message)

        return wrapped


class ConsensusCSRFMiddleware:
    """Litestar's signed double-submit CSRF check, except for requests authenticated by a valid
    bearer token; the cookie is ``__Host-`` prefixed under https.

    It runs after authentication: a bearer token is never sent by a browser on its own, so a
    request it authenticates cannot be forged cross-site, but a bogus ``Authorization`` header
    must not switch the check off for a cookie-carrying browser.
    """

    def __init__(self, app: ASGIApp, config: CSRFConfig) -> None:
        self.app = app
        self.plain = CSRFMiddleware(app, config)
        self.prefixed = CSRFMiddleware(
            app, replace(config, cookie_name=HOST_PREFIX + config.cookie_name, cookie_secure=True, cookie_path="/")
        )
        self.always_secure = config.cookie_secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == ScopeType.HTTP and scope.get("auth") == "bearer":
            await self.app(scope, receive, send)
            return
        checker = self.prefixed if is_https(scope) or self.always_secure else self.plain
        await checker(scope, receive, send)


def csrf_config(security: SecuritySettings) -> CSRFConfig:
    return CSRFConfig(
        secret=security.secret_key,
        cookie_name=CSRF_COOKIE,
        header_name=CSRF_HEADER,
        cookie_httponly=True,
        cookie_samesite="lax",
        cookie_secure=security.secure_cookies,
        exclude_from_csrf_key=SKIP_KEY,
    )


async def add_security_headers(message: Message, scope: Scope) -> None:
    """``before_send`` hook: CSP, nosniff, frame and referrer rules (and HSTS under https) on every
    response, including errors raised before routing."""
    if message["type"] != "http.response.start":
        return
    headers = MutableScopeHeaders.from_message(message)
    # A handler may set a stricter or narrower policy (the self-contained HTML download does).
    if "content-security-policy" not in headers:
        headers["content-security-policy"] = CONTENT_SECURITY_POLICY
    headers["x-content-type-options"] = "nosniff"
    headers["x-frame-options"] = "DENY"
    headers["referrer-policy"] = "same-origin"
    headers["cross-origin-opener-policy"] = "same-origin"
    headers["permissions-policy"] = "camera=(), microphone=(), geolocation=(), payment=()"
    if is_https(scope):
        headers["strict-transport-security"] = "max-age=31536000; includeSubDomains"
    handler = scope.get("route_handler")
    static = bool(handler is not None and handler.opt.get(SKIP_KEY))
    if not static and "cache-control" not in headers:
        headers["cache-control"] = "no-store"
    if not static and headers.get("content-type", "").startswith("text/html") and "content-language" not in headers:
        headers["content-language"] = i18n.language()  # the interface's (a download states its own)


def middleware_stack(engine: Callable[[], Engine], security: SecuritySettings) -> list[Any]:
    """Outermost first: authentication, then CSRF (which needs to know whether a bearer token was
    valid)."""
    return [
        AuthenticationMiddleware(engine, security),
        DefineMiddleware(ConsensusCSRFMiddleware, config=csrf_config(security)),
    ]
