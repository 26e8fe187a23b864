"""The ASGI application and ``twinschedule serve``: routes, the outermost guard (body
limit, security headers, an access log without tokens) and uvicorn.

Configuration of a worker started by uvicorn (``--workers N``) comes from the
environment: ``TWINSCHEDULE_DB`` (a database URL) and ``TWINSCHEDULE_BASE_URL``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
from collections.abc import AsyncIterator, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from twinschedule.serve import api, db, organizer, pages, service, tokens, web

log = logging.getLogger("twinschedule.serve")
DEFAULT_DB = "sqlite:///twinschedule.db"
_HEADERS = [(b"content-security-policy", web.CSP.encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"same-origin"),
            (b"x-frame-options", b"SAMEORIGIN")]


class RedactTokens(logging.Filter):
    """Rewrites every log record so that no link token appears in it."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = tokens.redact(str(record.msg))
        if record.args:
            args = record.args if isinstance(record.args, tuple) else (record.args,)
            record.args = tuple(tokens.redact(a) if isinstance(a, str) else a for a in args)
        return True


class Guard:
    """Outermost middleware: a body over 2 MiB by its Content-Length is answered 413
    before anything is read; every response gets the security headers it lacks; every
    request is logged with its tokens redacted."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 0

        async def guarded(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                have = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []),
                                      *(h for h in _HEADERS if h[0] not in have)]
            await send(message)

        length = dict(scope["headers"]).get(b"content-length", b"")
        try:
            if length and (not length.isdigit() or int(length) > service.MAX_BODY):
                await web.too_large()(scope, receive, guarded)
            else:
                await self.app(scope, receive, guarded)
        finally:
            log.info("%s %s %s", scope["method"], tokens.redact(scope["path"]), status)


def create_app(url: str = DEFAULT_DB, *, base_url: str | None = None,
               migrate: bool = True,
               clock: Callable[[], dt.datetime] = db.now) -> Starlette:
    """The service on the database at ``url`` (migrated first unless ``migrate`` is
    false: ``serve`` migrates once before starting its workers); ``clock`` gives the
    current time (tests pass one they can advance)."""
    engine = db.engine_for(url)
    if migrate:
        db.migrate(engine)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        engine.dispose()

    static = StaticFiles(packages=[("twinschedule.serve", "static")])
    routes = [*api.routes, *pages.routes, *organizer.routes, Mount("/static", static)]
    app = Starlette(routes=routes,
                    lifespan=lifespan)
    app.state.settings = web.Settings(engine=engine, secret=db.secret(engine),
                                      base_url=base_url, clock=clock)
    app.add_middleware(Guard)
    for name in ("twinschedule.serve", "uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactTokens) for f in logger.filters):
            logger.addFilter(RedactTokens())
    return app


def factory() -> Starlette:
    """The application of a uvicorn worker, configured by the environment."""
    return create_app(os.environ.get("TWINSCHEDULE_DB", DEFAULT_DB),
                      base_url=os.environ.get("TWINSCHEDULE_BASE_URL") or None,
                      migrate=os.environ.get("TWINSCHEDULE_MIGRATED") != "1")


def run(*, url: str, host: str, port: int, base_url: str | None, workers: int = 1,
        proxy: bool = False) -> None:
    """``twinschedule serve``: migrate the database, then serve with uvicorn."""
    import uvicorn

    engine = db.engine_for(url)
    db.migrate(engine)
    engine.dispose()
    os.environ.update(TWINSCHEDULE_DB=url, TWINSCHEDULE_BASE_URL=base_url or "",
                      TWINSCHEDULE_MIGRATED="1")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    options: dict[str, Any] = {"proxy_headers": proxy, "forwarded_allow_ips": "*"} \
        if proxy else {"proxy_headers": False}
    uvicorn.run("twinschedule.serve.app:factory", factory=True, host=host, port=port,
                workers=workers, access_log=False, log_level="info",
                server_header=False, **options)
