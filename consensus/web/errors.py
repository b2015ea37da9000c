"""Turning every refusal and failure into a clear page or a JSON error (never a bare 500)."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.response import Redirect, Template
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, OperationalError

from consensus.errors import DomainError, Invalid
from consensus.i18n import N_, _
from consensus.web.htmx import wants_fragment

log = logging.getLogger("consensus")

TITLES = {
    400: N_("The request could not be understood"),
    401: N_("Please log in"),
    403: N_("Not allowed"),
    404: N_("Not found"),
    405: N_("Not allowed here"),
    409: N_("That cannot be done now"),
    413: N_("Too large"),
    422: N_("Please correct the input"),
    429: N_("Too many attempts"),
    500: N_("Something went wrong on our side"),
    503: N_("Temporarily unavailable"),
}


def is_api(request: Request[Any, Any, Any]) -> bool:
    return request.url.path.startswith("/api/")


def safe_next(target: str | None) -> str:
    """A local path to return to after login; anything else (other sites, ``//host``) becomes ``/``."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def error_response(
    request: Request[Any, Any, Any],
    status_code: int,
    detail: str,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response[Any]:
    """A JSON error for the API, else the error page."""
    if is_api(request):
        body: dict[str, Any] = {"status_code": status_code, "detail": detail}
        if errors:
            body["errors"] = errors
        return Response(body, status_code=status_code, media_type=MediaType.JSON, headers=headers)
    if wants_fragment(request):
        # htmx: show the message in the page's alert region instead of the swap target.
        return Template(
            template_name="errors/_flash.html",
            context={"status_code": status_code, "detail": detail, "errors": errors or []},
            status_code=status_code,
            headers={**(headers or {}), "HX-Retarget": "#flash", "HX-Reswap": "innerHTML"},
        )
    return Template(
        template_name="errors/error.html",
        context={
            "status_code": status_code,
            "title": _(TITLES.get(status_code, "Error")),
            "detail": detail,
            "errors": errors or [],
        },
        status_code=status_code,
        headers=headers,
    )


def on_http_exception(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    status = exc.status_code
    if status == 401 and not is_api(request):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        login = request.app.route_reverse("login") + "?next=" + quote(target, safe="/")
        if request.headers.get("hx-request") == "true":
            return Response("", status_code=401, headers={"HX-Redirect": login})
        return Redirect(login, status_code=303)
    headers = dict(exc.headers or {})
    if status == 401:
        headers.setdefault("WWW-Authenticate", 'Bearer realm="consensus"')
    detail = exc.detail if isinstance(exc.detail, str) and exc.detail else _(TITLES.get(status, "Error"))
    if status == 403 and detail == "CSRF token verification failed":
        detail = _(
            "The form could not be accepted: its security token is missing or stale, or it was sent "
            "from another site. Reload the page and try again."
        )
    if status >= 500:
        log.error("HTTP %s on %s %s: %s", status, request.method, request.url.path, detail)
        detail = _(TITLES.get(status, "Error"))
    return error_response(request, status, detail, headers=headers)


def on_validation_error(request: Request[Any, Any, Any], exc: ValidationException) -> Response[Any]:
    """Malformed or incomplete input: 422 naming each field."""
    errors = []
    for problem in exc.extra if isinstance(exc.extra, list) else []:
        if isinstance(problem, dict):
            field = str(problem.get("key") or problem.get("source") or "body")
            message = str(problem.get("message", ""))
            if message.startswith("Expected `int"):
                # msgspec's words for an id or number that is not one ("²", "٣", "five").
                message = _("Give a number such as 12.")
            errors.append({"field": field, "message": message})
    if errors:
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
    else:
        detail = str(exc.detail or _("The request body could not be read."))
    return error_response(request, 422, detail, errors)


def on_domain_error(request: Request[Any, Any, Any], exc: DomainError) -> Response[Any]:
    errors = [{"field": f, "message": m} for f, m in exc.errors.items()] if isinstance(exc, Invalid) else None
    return error_response(request, exc.status_code, exc.message, errors)


def on_database_error(request: Request[Any, Any, Any], exc: DBAPIError) -> Response[Any]:
    if isinstance(exc, IntegrityError):
        # Two simultaneous changes met at a database constraint (the constraint did its job).
        return error_response(request, 409, _("This clashed with another change made at the same moment. Try again."))
    if isinstance(exc, DataError):
        return error_response(request, 422, _("The request holds a value the database cannot store."))
    if isinstance(exc, OperationalError) or exc.connection_invalidated:
        log.warning("database unavailable on %s %s: %s", request.method, request.url.path, exc.orig)
        return error_response(
            request,
            503,
            _("The database cannot be reached just now. Please try again in a moment."),
            headers={"Retry-After": "5"},
        )
    return on_unexpected(request, exc)


def on_unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(request, 500, _(TITLES[500]))


EXCEPTION_HANDLERS: dict[Any, Any] = {
    ValidationException: on_validation_error,
    HTTPException: on_http_exception,
    DomainError: on_domain_error,
    DBAPIError: on_database_error,
    Exception: on_unexpected,
}
