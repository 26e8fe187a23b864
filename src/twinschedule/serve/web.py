"""HTTP helpers shared by the API, the pages and the feeds: the service's settings,
running the synchronous work (database, checks, planning) on worker threads, problem
details (RFC 9457), revisions in ``If-Match``, absolute URLs, and the request body read
under the 2 MiB limit."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ParamSpec, TypeVar

from sqlalchemy.engine import Engine
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from twinschedule.serve import db, publish, service

#: Pages: no script at all (inline or not), styles and images from the service only.
CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
       "frame-ancestors 'self'; base-uri 'none'")
_STYLE_ELEMENT = re.compile(r"<style>(.*?)</style>", re.S)
_STYLE_ATTRIBUTE = re.compile(r'\sstyle="([^"]*)"')

P = ParamSpec("P")
T = TypeVar("T")
PROBLEM = "application/problem+json"


@dataclass(frozen=True, kw_only=True)
class Settings:
    """The service's configuration: its database, its public URL (``--base-url``;
    None: the URL each request came in on) and its clock (an aware UTC datetime; the
    tests pass their own): a request's time is when an agreement is made, the ``today``
    of the re-plan it causes, and the stamp of the issue it publishes."""

    engine: Engine
    secret: str
    base_url: str | None = None
    clock: Callable[[], dt.datetime] = field(default=db.now)


def csp_allowing(fragment: str) -> str:
    """The pages' CSP, allowing besides exactly the inline styles of ``fragment`` (the
    report's sections: its drawing's ``<style>`` and ``style`` attributes), by their
    SHA-256; still no script at all."""
    def source(text: str) -> str:
        return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() \
            + "'"
    elements = sorted({source(x) for x in _STYLE_ELEMENT.findall(fragment)})
    attributes = sorted({source(html.unescape(x)) for x in _STYLE_ATTRIBUTE.findall(fragment)})
    allowed = [*elements, *(["'unsafe-hashes'", *attributes] if attributes else [])]
    if not allowed:
        return CSP
    return CSP.replace("style-src 'self'", "style-src 'self' " + " ".join(allowed))


def settings(request: Request) -> Settings:
    value: Settings = request.app.state.settings
    return value


async def call(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Run ``fn`` on a worker thread: the event loop never waits on the database, the
    library's checks or the planner."""
    return await run_in_threadpool(fn, *args, **kwargs)


def now(request: Request) -> dt.datetime:
    """The time of ``request`` by the service's clock (UTC, whole seconds)."""
    return settings(request).clock().astimezone(dt.UTC).replace(microsecond=0)


def replan_task(request: Request, pk: int) -> BackgroundTask:
    """Plan partnership ``pk`` again after the response is sent, on a worker thread, as
    of the request's time (the months before its UTC date are history)."""
    return BackgroundTask(run_in_threadpool, publish.replan, settings(request).engine, pk,
                          now(request))


def base(request: Request) -> str:
    configured = settings(request).base_url
    return (configured or str(request.base_url)).rstrip("/")


def link_url(request: Request, token: str) -> str:
    return f"{base(request)}/p/{token}"


def feed_url(request: Request, feed_token: str, name: str) -> str:
    return f"{base(request)}/feeds/{feed_token}/{name}"


def webcal(url: str) -> str:
    """The ``webcal://`` form of a feed's URL (calendar programs subscribe to it)."""
    return "webcal://" + url.split("://", 1)[1]


def feed_name(st: service.State, school: str | None) -> str:
    """The library's file name of the partnership's feed or a school's."""
    pid = st.settings.get("id", "partnership")
    return f"{pid}.{school}.ics" if school else f"{pid}.ics"


def problem(status: int, title: str, *, detail: str | None = None,
            headers: dict[str, str] | None = None, **extra: Any) -> JSONResponse:
    """A problem details response (RFC 9457)."""
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail is not None:
        body["detail"] = detail
    body.update(extra)
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM)


def problems(exc: service.Invalid) -> JSONResponse:
    """422 with every problem, each with its place, as the command line prints them."""
    n = len(exc.problems)
    return problem(422, "The input has problems",
                   detail=f"{n} problem{'s' if n != 1 else ''}",
                   problems=[{"path": p.path, "message": p.message} for p in exc.problems])


def not_found() -> Response:
    """The one 404 of the service: it says nothing about what exists."""
    return problem(404, "Not Found")


def stale(exc: service.Stale) -> JSONResponse:
    return problem(409, "Stale revision", detail="the section was saved since that revision;"
                   " read it again and apply your change to the current revision",
                   headers={"ETag": f'"{exc.current}"'}, current_revision=exc.current)


def if_match(request: Request) -> int | None:
    """The revision named by ``If-Match`` (``"3"``, ``3`` or ``W/"3"``); None when the
    header is missing; -1 when it names no revision (then every write is stale)."""
    value = request.headers.get("if-match")
    if value is None:
        return None
    value = value.strip().removeprefix("W/").strip('"')
    return int(value) if value.isdigit() and len(value) < 10 else -1


class TooLarge(Exception):
    """The request body is over the limit."""


async def body(request: Request, limit: int = service.MAX_BODY) -> bytes:
    """The request body, refusing (``TooLarge``) as soon as it passes ``limit`` bytes."""
    length = request.headers.get("content-length")
    if length is not None and (not length.isdigit() or int(length) > limit):
        raise TooLarge
    chunks, total = [], 0
    async for chunk in request.stream():
        total += len(chunk)
        if total > limit:
            raise TooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def too_large() -> JSONResponse:
    return problem(413, "Request body too large",
                   detail=f"at most {service.MAX_BODY} bytes (2 MiB) per request",
                   headers={"Connection": "close"})


async def form_of(request: Request, data: bytes) -> Any:
    """The form (urlencoded or multipart) in ``data``, the body already read under the
    limit: at most one file and 100 fields."""
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": data, "more_body": False}

    return await Request(request.scope, receive).form(max_files=1, max_fields=100,
                                                      max_part_size=service.MAX_BODY)
