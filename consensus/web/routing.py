"""Route decorators that make every handler name its access rule and run off the event loop."""

from __future__ import annotations

from typing import Any

from litestar import delete, get, post, put

from consensus.web.access import ACCESS_KEY, Access


def _opt(access: Access, opt: dict[str, Any] | None) -> dict[str, Any]:
    return {**(opt or {}), ACCESS_KEY: access}


def _in_schema(path: str, kwargs: dict[str, Any]) -> dict[str, Any]:
    """Only the JSON API belongs in the OpenAPI schema, not the HTML pages."""
    kwargs.setdefault("include_in_schema", path.startswith("/api/"))
    return kwargs


def page(path: str, *, name: str, access: Access, **kwargs: Any) -> Any:
    """A GET handler (HTML or JSON); sync handlers run in a worker thread."""
    return get(
        path,
        name=name,
        opt=_opt(access, kwargs.pop("opt", None)),
        sync_to_thread=True,
        **_in_schema(path, kwargs),
    )


def action(path: str, *, name: str, access: Access, **kwargs: Any) -> Any:
    """A POST handler; CSRF-checked by the middleware unless it came with a bearer token."""
    return post(
        path,
        name=name,
        opt=_opt(access, kwargs.pop("opt", None)),
        sync_to_thread=True,
        **_in_schema(path, kwargs),
    )


def removal(path: str, *, name: str, access: Access, **kwargs: Any) -> Any:
    """A DELETE handler."""
    return delete(
        path,
        name=name,
        opt=_opt(access, kwargs.pop("opt", None)),
        sync_to_thread=True,
        **_in_schema(path, kwargs),
    )


def stream(path: str, *, name: str, access: Access, **kwargs: Any) -> Any:
    """An async GET handler (server-sent events): it waits on the event loop, not in a thread."""
    return get(path, name=name, opt=_opt(access, kwargs.pop("opt", None)), **_in_schema(path, kwargs))


def replace(path: str, *, name: str, access: Access, **kwargs: Any) -> Any:
    """A PUT handler (the JSON API's idempotent updates)."""
    return put(
        path, name=name, opt=_opt(access, kwargs.pop("opt", None)), sync_to_thread=True, **_in_schema(path, kwargs)
    )
