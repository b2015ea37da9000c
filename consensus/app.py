"""The application factory: every area's routes, the plugins and middleware, and the background tasks."""

from __future__ import annotations

import asyncio
import gc
import logging

from litestar import Litestar, Router
from litestar.datastructures import CacheControlHeader, State
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin, YamlRenderPlugin
from litestar.plugins.htmx import HTMXPlugin
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig
from sqlmodel import Session

from consensus.accounts.api import ACCOUNT_API_ROUTES
from consensus.accounts.controllers import ACCOUNT_ROUTES
from consensus.agreement.api import AGREEMENT_API_ROUTES
from consensus.agreement.controllers import AGREEMENT_ROUTES
from consensus.amendments.api import AMENDMENT_API_ROUTES
from consensus.amendments.controllers import AMENDMENT_ROUTES
from consensus.amendments.redline_pages import REDLINE_ROUTES
from consensus.audit.keys import sign_with
from consensus.audit.services import start_signing
from consensus.comments.api import COMMENT_API_ROUTES
from consensus.comments.controllers import COMMENT_ROUTES
from consensus.comments.import_pages import COMMENT_IMPORT_ROUTES
from consensus.db import make_engine
from consensus.documents.api import DOCUMENT_API_ROUTES
from consensus.documents.controllers import DOCUMENT_ROUTES
from consensus.documents.downloads import DOWNLOAD_ROUTES
from consensus.documents.drafting import DRAFTING_ROUTES
from consensus.groups.api import GROUP_API_ROUTES
from consensus.groups.controllers import GROUP_ROUTES
from consensus.groups.desk import DESK_ROUTES
from consensus.meetings.api import MEETING_API_ROUTES
from consensus.meetings.controllers import MEETING_ROUTES
from consensus.migrations import check_schema
from consensus.publishing.api import PUBLISHING_API_ROUTES
from consensus.publishing.controllers import PUBLISHING_ROUTES
from consensus.room.api import RECORD_API_ROUTES
from consensus.room.controllers import ROOM_ROUTES
from consensus.room.record_pages import RECORD_ROUTES
from consensus.settings import Settings, get_settings
from consensus.speakers import live as meeting_live
from consensus.speakers.api import SPEAKER_API_ROUTES
from consensus.speakers.controllers import SPEAKER_ROUTES
from consensus.voting import services as voting
from consensus.voting.api import VOTING_API_ROUTES
from consensus.voting.controllers import VOTING_ROUTES
from consensus.voting.deadlines import close_deadlines
from consensus.voting.live import RoundWatcher, SharedRenders, listen
from consensus.web.access import ACCESS_KEY, PUBLIC, access_guard
from consensus.web.bodies import refuse_deep_json
from consensus.web.deps import provide_db, provide_settings, provide_user
from consensus.web.errors import EXCEPTION_HANDLERS
from consensus.web.middleware import SKIP_KEY, add_security_headers, middleware_stack
from consensus.web.templating import asset_url_maker, make_template_engine

log = logging.getLogger("consensus")


def create_app(
    settings: Settings | None = None, *, check_migrations: bool = True, run_deadlines: bool = True
) -> Litestar:
    """Build the web application for the given settings (from the environment by default)."""
    settings = settings or get_settings()
    engine = make_engine(settings.database)
    audit_key = sign_with(engine, settings.audit_key)

    def read_round_state(round_id: int) -> tuple[int, str] | None:
        with Session(engine) as session:
            return voting.round_changes(session, round_id)

    if settings.database.is_sqlite:
        watcher = RoundWatcher(read_round_state, interval=settings.live_poll_seconds or 0.5)
    else:
        watcher = RoundWatcher(read_round_state, listening_interval=settings.live_poll_seconds or 5.0)
    meeting_watcher = meeting_live.watcher_for(engine, settings)
    background: list[asyncio.Task[None]] = []

    async def start_background(app: Litestar) -> None:
        if run_deadlines:
            background.append(asyncio.create_task(close_deadlines(engine, watcher)))
        if not settings.database.is_sqlite:
            conninfo = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
            background.append(asyncio.create_task(listen(conninfo, watcher)))
            background.append(asyncio.create_task(listen(conninfo, meeting_watcher, channel=meeting_live.CHANNEL)))

    async def stop_background(app: Litestar) -> None:
        # Only this event loop's tasks: tests may run one app under several clients, each its own loop.
        loop = asyncio.get_running_loop()
        mine = [task for task in background if task.get_loop() is loop]
        for task in mine:
            task.cancel()
            background.remove(task)
        await asyncio.gather(*mine, return_exceptions=True)

    def on_startup(app: Litestar) -> None:
        if check_migrations:
            check_schema(engine)
            with Session(engine) as session:
                start_signing(session)
        # Objects made during start-up live for the whole process: keep them out of the
        # collector's way (measured: p99 latency fell several-fold).
        gc.collect()
        gc.freeze()

    def on_shutdown(app: Litestar) -> None:
        engine.dispose()

    static = [
        create_static_files_router(
            path="/static",
            directories=[settings.static_dir],
            name="static",
            opt={SKIP_KEY: True, ACCESS_KEY: PUBLIC},
            include_in_schema=False,
            cache_control=CacheControlHeader(max_age=3600, public=True),
        )
    ]
    vendor = {
        "vendor_htmx": settings.vendor_dir / "htmx.org" / "dist",
        "vendor_htmx_sse": settings.vendor_dir / "htmx-ext-sse" / "dist",
    }
    for name, directory in vendor.items():
        if directory.is_dir():
            static.append(
                create_static_files_router(
                    path="/vendor/" + name.removeprefix("vendor_").replace("_", "-"),
                    directories=[directory],
                    name=name,
                    opt={SKIP_KEY: True, ACCESS_KEY: PUBLIC},
                    include_in_schema=False,
                    cache_control=CacheControlHeader(max_age=86400, public=True),
                )
            )
    htmx_available = all(directory.is_dir() for directory in vendor.values())
    if not htmx_available:
        log.warning("htmx is not installed (run `npm ci`); pages work without it")

    return Litestar(
        # One router: Litestar registers handlers that share a path once per register() call, and a
        # sync handler registered twice loses its thread wrapper (seen with Litestar 2.25).
        route_handlers=[
            Router(
                "/",
                route_handlers=[
                    *ACCOUNT_ROUTES,
                    *GROUP_ROUTES,
                    *DESK_ROUTES,
                    *DOCUMENT_ROUTES,
                    *DRAFTING_ROUTES,
                    *DOWNLOAD_ROUTES,
                    *COMMENT_ROUTES,
                    *COMMENT_IMPORT_ROUTES,
                    *REDLINE_ROUTES,
                    *AMENDMENT_ROUTES,
                    *AGREEMENT_ROUTES,
                    *VOTING_ROUTES,
                    *PUBLISHING_ROUTES,
                    *SPEAKER_ROUTES,
                    *MEETING_ROUTES,
                    *RECORD_ROUTES,
                    *ROOM_ROUTES,
                    *ACCOUNT_API_ROUTES,
                    *GROUP_API_ROUTES,
                    *VOTING_API_ROUTES,
                    *PUBLISHING_API_ROUTES,
                    *DOCUMENT_API_ROUTES,
                    *COMMENT_API_ROUTES,
                    *AMENDMENT_API_ROUTES,
                    *AGREEMENT_API_ROUTES,
                    *SPEAKER_API_ROUTES,
                    *MEETING_API_ROUTES,
                    *RECORD_API_ROUTES,
                ],
            ),
            *static,
        ],
        dependencies={
            "db": Provide(provide_db),
            "user": Provide(provide_user, sync_to_thread=False),
            "settings": Provide(provide_settings, sync_to_thread=False),
        },
        guards=[access_guard],
        before_request=refuse_deep_json,
        middleware=middleware_stack(lambda: engine, settings.security),
        before_send=[add_security_headers],
        exception_handlers=EXCEPTION_HANDLERS,
        template_config=TemplateConfig(
            engine=make_template_engine(
                settings.templates_dir,
                {
                    "htmx_available": htmx_available,
                    "asset": asset_url_maker({"static": settings.static_dir, **vendor}),
                },
                auto_reload=settings.debug,
            )
        ),
        plugins=[HTMXPlugin()],
        openapi_config=OpenAPIConfig(
            title="Consensus API",
            version="1",
            description="Working groups, drafts, comments, amendments, positions and rounds.",
            render_plugins=[
                JsonRenderPlugin(path=["/", "/openapi.json"]),
                YamlRenderPlugin(path="/openapi.yaml"),
            ],
            openapi_router=Router("/schema", route_handlers=[], opt={ACCESS_KEY: PUBLIC}, include_in_schema=False),
        ),
        state=State(
            {
                "engine": engine,
                "settings": settings,
                "watcher": watcher,
                "meeting_watcher": meeting_watcher,
                "live_renders": SharedRenders(),
                "audit_public_key": audit_key.public_pem(),
            }
        ),
        on_startup=[on_startup, start_background],
        on_shutdown=[stop_background, on_shutdown],
        debug=settings.debug,
    )
