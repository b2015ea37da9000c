"""Route decorators that make every handler name its access rule and run off the event loop."""

from __future__ import annotations

from typing import Any

from litestar import delete, get, patch, post, put
from litestar.handlers import HTTPRouteHandler
from litestar.routes import base as route_base

from consensus.web.access import ACCESS_KEY, Access


def path_int(segment: str) -> int | str:
    """An ``{name:int}`` path segment of ASCII digits as an int; any other is left as text, which
    the handler's signature then refuses (a 422 naming the parameter, as for a query parameter).

    Litestar parses these segments with ``int()``, which reads "٣" or "５" as 3 or 5 and raises on
    "²" (answered 404); ids are written with the digits 0 to 9 only.
    """
    return int(segment) if segment.isascii() and segment.isdecimal() else segment


# Litestar has no option for this; its table of path parsers is read when routes are built, so the
# entry is replaced when the route decorators are imported, before any app exists.
route_base.parsers_map[int] = path_int


def _opt(access: Access, opt: dict[str, Any] | None) -> dict[str, Any]:
    return {**(opt or {}), ACCESS_KEY: access}


def _in_schema(path: str, kwargs: dict[str, Any]) -> dict[str, Any]:
    """Only the JSON API belongs in the OpenAPI schema, not the HTML pages."""
    kwargs.setdefault("include_in_schema", path.startswith("/api/"))
    return kwargs


def page(path: str, *, name: str, access: Access, **kwargs: Any) -> HTTPRouteHandler:
    """A GET handler of a page (HTML, or a file to download); sync handlers run in a worker thread."""
    return get(
        path,
        name=name,
        opt=_opt(access, kwargs.pop("opt", None)),
        sync_to_thread=True,
        **_in_schema(path, kwargs),
    )


def read(path: str, *, name: str, access: Access, **kwargs: Any) -> HTTPRouteHandler:
    """A GET handler of the JSON API; sync handlers run in a worker thread."""
    return get(
        path,
        name=name,
        opt=_opt(access, kwargs.pop("opt", None)),
        sync_to_thread=True,
        **_in_schema(path, kwargs),
    )


def action(path: str, *, name: str, access: Access, **kwargs: Any) -> HTTPRouteHandler:
    """A POST handler; CSRF-checked by the middleware unless it came with a bearer token."""
    return post(
        path,
        name=name,
        opt=_opt(access, kwargs.pop("opt", None)),
        sync_to_thread=True,
        **_in_schema(path, kwargs),
    )


def stream(path: str, *, name: str, access: Access, **kwargs: Any) -> HTTPRouteHandler:
    """An async GET handler (server-sent events): it waits on the event loop, not in a thread."""
    return get(path, name=name, opt=_opt(access, kwargs.pop("opt", None)), **_in_schema(path, kwargs))


def replace(path: str, *, name: str, access: Access, **kwargs: Any) -> HTTPRouteHandler:
    """A PUT handler (the JSON API's idempotent updates)."""
    return put(
        path, name=name, opt=_opt(access, kwargs.pop("opt", None)), sync_to_thread=True, **_in_schema(path, kwargs)
    )


def change(path: str, *, name: str, access: Access, **kwargs: Any) -> HTTPRouteHandler:
    """A PATCH handler (the JSON API's partial updates)."""
    return patch(
        path, name=name, opt=_opt(access, kwargs.pop("opt", None)), sync_to_thread=True, **_in_schema(path, kwargs)
    )


def remove(path: str, *, name: str, access: Access, **kwargs: Any) -> HTTPRouteHandler:
    """A DELETE handler of the JSON API (204, no body)."""
    kwargs.setdefault("status_code", 204)
    return delete(
        path, name=name, opt=_opt(access, kwargs.pop("opt", None)), sync_to_thread=True, **_in_schema(path, kwargs)
    )
