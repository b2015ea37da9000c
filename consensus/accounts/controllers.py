"""Log in, log out, accept an invitation, choose the language, and the account's own settings and
tokens."""

from __future__ import annotations

from functools import lru_cache
from typing import Any
from urllib.parse import quote
from zoneinfo import available_timezones

from litestar import Request, Response
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from consensus import i18n
from consensus.accounts import services as accounts
from consensus.errors import DomainError, Invalid
from consensus.i18n import _
from consensus.settings import Settings
from consensus.web.access import PUBLIC, SIGNED_IN
from consensus.web.deps import AppSettings, Db, Id, Me
from consensus.web.errors import safe_next
from consensus.web.forms import FormData, field
from consensus.web.middleware import (
    LANGUAGE_COOKIE,
    expired_session_cookie,
    fresh_csrf_cookie,
    session_cookie,
    session_cookie_name,
)
from consensus.web.routing import action, page


@page("/login", name="login", access=PUBLIC)
def login_form(request: Request[Any, Any, Any], next: FromQuery[str | None] = None) -> Response[Any]:
    """The login page (straight on to the destination when already logged in)."""
    if request.scope.get("user") is not None:
        return Redirect(safe_next(next), status_code=303)
    return Template("accounts/login.html", context={"next": safe_next(next), "email": "", "errors": {}})


@action("/login", name="login_submit", access=PUBLIC)
def login_submit(request: Request[Any, Any, Any], db: Db, settings: AppSettings, data: FormData) -> Response[Any]:
    """Check the credentials; on success start a fresh session and go where the user was heading."""
    target = safe_next(field(data, "next"))
    email = field(data, "email")
    try:
        result = accounts.log_in(
            db,
            email,
            field(data, "password", strip=False),
            request.cookies.get(session_cookie_name(request.scope, settings.security)),
            # The socket's peer (or the trusted proxy's view of it): a forged X-Forwarded-For from
            # the client is ignored unless `consensus serve --proxy-headers` trusts its sender.
            address=request.client.host if request.client else "unknown",
            security=settings.security,
        )
    except Invalid as refusal:
        return Template(
            "accounts/login.html",
            context={"next": target, "email": email, "errors": refusal.errors},
            # A wrong password is 401; a password no account can have (too long) is bad input.
            status_code=401 if "email" in refusal.errors else 422,
        )
    except accounts.TooManyAttempts as refusal:
        return Template(
            "accounts/login.html",
            context={"next": target, "email": email, "errors": {"email": refusal.message}},
            status_code=429,
            headers={"Retry-After": str(settings.security.login_window_minutes * 60)},
        )
    return _signed_in(Redirect(target, status_code=303), request, settings, result.token)


def _signed_in(
    response: Response[Any], request: Request[Any, Any, Any], settings: Settings, token: str
) -> Response[Any]:
    """The response that starts a session: its cookie, and a new CSRF token for the new session."""
    response.set_cookie(session_cookie(token, request.scope, settings.security))
    response.set_cookie(fresh_csrf_cookie(request.scope, settings.security))
    return response


@action("/logout", name="logout", access=SIGNED_IN)
def logout(request: Request[Any, Any, Any], db: Db, settings: AppSettings) -> Response[Any]:
    """End the session on the server and drop the cookie."""
    token = request.cookies.get(session_cookie_name(request.scope, settings.security))
    if token:
        accounts.log_out(db, token)
    response = Redirect(request.app.route_reverse("login") + "?logged_out=1", status_code=303)
    response.set_cookie(expired_session_cookie(request.scope, settings.security))
    return response


def _unusable(refusal: DomainError) -> Template:
    return Template(
        "accounts/invitation_unusable.html", context={"detail": refusal.message}, status_code=refusal.status_code
    )


@page("/invitations/{token:str}", name="invitation", access=PUBLIC)
def invitation_form(request: Request[Any, Any, Any], db: Db, token: FromPath[str]) -> Response[Any]:
    """Where an invitee accepts: a new account chooses its password; an existing one signs in
    (if not already) and joins."""
    try:
        invitation = accounts.read_invitation(db, token)
    except DomainError as refusal:
        return _unusable(refusal)
    if invitation.needs_password:
        return Template("accounts/invitation.html", context={"invitation": invitation, "token": token, "errors": {}})
    user = request.scope.get("user")
    here = request.app.route_reverse("invitation", token=token)
    return Template(
        "accounts/invitation_join.html",
        context={
            "invitation": invitation,
            "token": token,
            "signed_in": user is not None,
            "right_account": user is not None and user.id == invitation.user_id,
            "login_next": request.app.route_reverse("login") + "?next=" + quote(here, safe="/"),
        },
    )


@action("/invitations/{token:str}/join", name="invitation_join", access=SIGNED_IN)
def invitation_join(request: Request[Any, Any, Any], db: Db, user: Me, token: FromPath[str]) -> Response[Any]:
    """Accept an invitation as the signed-in account it was made for, and go to the group."""
    try:
        slug = accounts.join_by_invitation(db, token, user)
    except DomainError as refusal:
        return _unusable(refusal)
    return Redirect(request.app.route_reverse("group", group=slug), status_code=303)


@action("/invitations/{token:str}", name="invitation_accept", access=PUBLIC)
def invitation_accept(
    request: Request[Any, Any, Any], db: Db, settings: AppSettings, token: FromPath[str], data: FormData
) -> Response[Any]:
    """Set the password, use up the invitation, and log the new member in."""
    try:
        result = accounts.accept_invitation(
            db, token, field(data, "password", strip=False), field(data, "confirmation", strip=False)
        )
    except Invalid as refusal:
        invitation = accounts.read_invitation(db, token)
        return Template(
            "accounts/invitation.html",
            context={"invitation": invitation, "token": token, "errors": refusal.errors},
            status_code=422,
        )
    except DomainError as refusal:
        return _unusable(refusal)
    welcome = Redirect(request.app.route_reverse("dashboard") + "?welcome=1", status_code=303)
    return _signed_in(welcome, request, settings, result.token)


# --- language and settings ------------------------------------------------------------------------


@lru_cache(maxsize=1)
def time_zones() -> list[str]:
    """The IANA time zones a user may choose, by region (``UTC`` first)."""
    regions = (
        "Africa/",
        "America/",
        "Antarctica/",
        "Asia/",
        "Atlantic/",
        "Australia/",
        "Europe/",
        "Indian/",
        "Pacific/",
    )
    return ["UTC", *sorted(zone for zone in available_timezones() if zone.startswith(regions))]


@action("/language", name="language", access=PUBLIC)
def language_choose(request: Request[Any, Any, Any], db: Db, data: FormData) -> Response[Any]:
    """The language switcher on every page: kept on the account when signed in, else in a cookie."""
    choice = field(data, "language")
    if choice not in i18n.LANGUAGES:
        raise Invalid({"language": _("Choose one of the languages offered.")})
    user = request.scope.get("user")
    if user is not None:
        accounts.set_preferences(db, user, choice, None)
    response = Redirect(safe_next(field(data, "next")), status_code=303)
    response.set_cookie(
        key=LANGUAGE_COOKIE,
        value=choice,
        max_age=60 * 60 * 24 * 365,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    return response


def _settings_page(
    db: Db,
    user: Me,
    values: dict[str, str],
    errors: dict[str, str],
    *,
    saved: bool = False,
    revoked: bool = False,
    status: int = 200,
) -> Template:
    return Template(
        "accounts/settings.html",
        context={
            "values": values,
            "errors": errors,
            "time_zones": time_zones(),
            "saved": saved,
            "revoked": revoked,
            "tokens": accounts.tokens_of(db, user.id),
        },
        status_code=status,
    )


@page("/account", name="account", access=SIGNED_IN)
def account_settings(
    db: Db, user: Me, saved: FromQuery[str | None] = None, revoked: FromQuery[str | None] = None
) -> Template:
    """The user's own settings: interface language and time zone, and their API tokens."""
    values = {"language": user.language or "", "time_zone": user.time_zone or "UTC"}
    return _settings_page(db, user, values, {}, saved=bool(saved), revoked=bool(revoked))


@action("/account", name="account_submit", access=SIGNED_IN)
def account_settings_submit(request: Request[Any, Any, Any], db: Db, user: Me, data: FormData) -> Response[Any]:
    values = {"language": field(data, "language"), "time_zone": field(data, "time_zone")}
    try:
        accounts.set_preferences(db, user, values["language"], values["time_zone"])
    except Invalid as refusal:
        return _settings_page(db, user, values, refusal.errors, status=422)
    return Redirect(request.app.route_reverse("account") + "?saved=1", status_code=303)


@action("/account/tokens/{token_id:int}/revoke", name="account_token_revoke", access=SIGNED_IN)
def account_token_revoke(request: Request[Any, Any, Any], db: Db, user: Me, token_id: Id) -> Response[Any]:
    """Revoke one of the user's own API tokens at once (another's is not found)."""
    accounts.revoke_api_token(db, token_id, user.actor(), owner_id=user.id)
    return Redirect(request.app.route_reverse("account") + "?revoked=1", status_code=303)


ACCOUNT_ROUTES = [
    login_form,
    login_submit,
    logout,
    invitation_form,
    invitation_accept,
    invitation_join,
    language_choose,
    account_settings,
    account_settings_submit,
    account_token_revoke,
]
