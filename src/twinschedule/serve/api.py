"""The JSON API under ``/api/v1`` (service.md's table, described by
``/api/v1/openapi.json``) and the feeds at ``/feeds/<feed token>/<file>.ics``."""

from __future__ import annotations

import email.utils
import json
from collections.abc import Awaitable, Callable
from functools import wraps
from importlib import resources
from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from twinschedule.serve import publish, service, web

Handler = Callable[[Request], Awaitable[Response]]


class BadRequest(Exception):
    """A request the API cannot read (not JSON, wrong media type, no If-Match)."""

    def __init__(self, status: int, title: str, detail: str) -> None:
        super().__init__(title)
        self.status, self.title, self.detail = status, title, detail


def endpoint(fn: Handler) -> Handler:
    """The service's refusals as problem details."""
    @wraps(fn)
    async def wrapped(request: Request) -> Response:
        try:
            return await fn(request)
        except service.NotFound:
            return web.not_found()
        except service.Stale as exc:
            return web.stale(exc)
        except service.Invalid as exc:
            return web.problems(exc)
        except web.TooLarge:
            return web.too_large()
        except BadRequest as exc:
            return web.problem(exc.status, exc.title, detail=exc.detail)
    return wrapped


async def _json(request: Request) -> Any:
    data = await web.body(request)
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/json" and not kind.endswith("+json"):
        raise BadRequest(415, "Unsupported Media Type", "send JSON (application/json)")
    try:
        return json.loads(data)
    except (UnicodeDecodeError, ValueError) as exc:
        raise BadRequest(400, "The body is not JSON", str(exc)[:200]) from None


def _revision(request: Request) -> int:
    value = web.if_match(request)
    if value is None:
        raise BadRequest(428, "Precondition Required", 'name the revision you started from: '
                         'If-Match: "<revision>"')
    return value


async def _link(request: Request) -> service.Link:
    engine = web.settings(request).engine
    return await web.call(service.resolve, engine, request.path_params["token"])


def _urls(request: Request, st: service.State) -> dict[str, Any]:
    return {"partnership": web.feed_url(request, st.feed_token, web.feed_name(st, None)),
            "schools": {s.id: web.feed_url(request, st.feed_token, web.feed_name(st, s.id))
                        for s in st.schools}}


def view(request: Request, link: service.Link, st: service.State) -> dict[str, Any]:
    """What ``GET /api/v1/p/TOKEN`` answers."""
    return {
        "role": link.role, "school": link.school, "partnership": st.document(),
        "revisions": {"partnership": st.revision,
                      "schools": {s.id: s.revision for s in st.schools}},
        "plan": st.issue.plan if st.issue is not None else None,
        "planned": not publish.stale(st),
        "feed_option": st.issue.option if st.issue is not None else None,
        "feeds_follow": st.issue.feed_option if st.issue is not None else None,
        "agreed_by": st.agreed_by(),
        "agreement": st.agreement.to_dict() if st.agreement is not None else None,
        "feed_urls": _urls(request, st),
    }


@endpoint
async def create(request: Request) -> Response:
    data = await _json(request)
    engine = web.settings(request).engine
    made = await web.call(service.create, engine, data)
    with_pk = await web.call(service.resolve, engine, made.organizer)
    st = await web.call(service.read, engine, with_pk)
    return JSONResponse({
        "id": made.public_id, "organizer_url": web.link_url(request, made.organizer),
        "school_urls": {sid: web.link_url(request, t) for sid, t in made.schools.items()},
        "feed_urls": _urls(request, st)}, status_code=201,
        background=web.replan_task(request, with_pk.partnership))


@endpoint
async def show(request: Request) -> Response:
    link = await _link(request)
    st = await web.call(service.read, web.settings(request).engine, link)
    task = web.replan_task(request, st.pk) if publish.stale(st) else None
    return JSONResponse(view(request, link, st), background=task)


@endpoint
async def remove(request: Request) -> Response:
    link = await _link(request)
    await web.call(service.delete, web.settings(request).engine, link)
    return Response(status_code=204)


def _saved(request: Request, link: service.Link, revision: int) -> JSONResponse:
    return JSONResponse({"revision": revision}, headers={"ETag": f'"{revision}"'},
                        background=web.replan_task(request, link.partnership))


@endpoint
async def put_school(request: Request) -> Response:
    link = await _link(request)
    sid = request.path_params["school"]
    revision = _revision(request)
    data = await _json(request)
    new = await web.call(service.save_school, web.settings(request).engine, link, sid, data,
                         revision)
    return _saved(request, link, new)


@endpoint
async def put_settings(request: Request) -> Response:
    link = await _link(request)
    revision = _revision(request)
    data = await _json(request)
    new = await web.call(service.save_settings, web.settings(request).engine, link, data,
                         revision)
    return _saved(request, link, new)


def _lines(value: Any) -> list[str]:
    return [x.strip() for x in str(value or "").splitlines() if x.strip()]


@endpoint
async def upload(request: Request) -> Response:
    data = await web.body(request)
    link = await _link(request)
    sid = request.path_params["school"]
    service.check_editable(link, sid)
    revision = _revision(request)
    form = await web.form_of(request, data)
    try:
        file = form.get("file")
        if not isinstance(file, UploadFile):
            raise service.Invalid([service.problem("file", "attach the .ics file in the "
                                                   "form field 'file'")])
        content = await file.read()
    finally:
        await form.close()
    name, new = await web.call(
        service.add_calendar, web.settings(request).engine, link, sid,
        filename=file.filename or "calendar.ics", content=content,
        use=str(form.get("as") or "closures"), include=_lines(form.get("include")),
        exclude=_lines(form.get("exclude")), revision=revision)
    return JSONResponse({"name": name, "revision": new}, status_code=201,
                        headers={"ETag": f'"{new}"'},
                        background=web.replan_task(request, link.partnership))


def _agreement(request: Request, st: service.State) -> JSONResponse:
    return JSONResponse({"agreed_by": st.agreed_by(), "agreement": st.agreement.to_dict()
                         if st.agreement is not None else None},
                        background=web.replan_task(request, st.pk))


@endpoint
async def agree(request: Request) -> Response:
    link = await _link(request)
    data = await _json(request)
    option = data.get("option") if isinstance(data, dict) else None
    st = await web.call(service.agree, web.settings(request).engine, link, option,
                        now=web.now(request))
    return _agreement(request, st)


@endpoint
async def withdraw(request: Request) -> Response:
    link = await _link(request)
    st = await web.call(service.agree, web.settings(request).engine, link, None,
                        withdraw=True, now=web.now(request))
    return _agreement(request, st)


@endpoint
async def add_school(request: Request) -> Response:
    link = await _link(request)
    data = await _json(request)
    engine = web.settings(request).engine
    sid, token = await web.call(service.add_school, engine, link, data)
    st = await web.call(service.read, engine, link)
    return JSONResponse({"school_url": web.link_url(request, token),
                         "feed_url": web.feed_url(request, st.feed_token,
                                                  web.feed_name(st, sid))},
                        status_code=201, background=web.replan_task(request, st.pk))


@endpoint
async def remove_school(request: Request) -> Response:
    link = await _link(request)
    await web.call(service.remove_school, web.settings(request).engine, link,
                   request.path_params["school"])
    return Response(status_code=204, background=web.replan_task(request, link.partnership))


@endpoint
async def rotate(request: Request) -> Response:
    link = await _link(request)
    data = await _json(request)
    if not isinstance(data, dict):
        data = {}
    school = data.get("school")
    _, _, token = await web.call(service.rotate, web.settings(request).engine, link,
                                 school=school if isinstance(school, str) else None,
                                 organizer=data.get("organizer") is True)
    return JSONResponse({"url": web.link_url(request, token)})


@endpoint
async def revisions(request: Request) -> Response:
    link = await _link(request)
    section = request.path_params.get("school", service.SETTINGS)
    return JSONResponse(await web.call(service.history, web.settings(request).engine, link,
                                       section))


@endpoint
async def restore(request: Request) -> Response:
    link = await _link(request)
    revision = _revision(request)
    section = request.path_params.get("school", service.SETTINGS)
    new = await web.call(service.restore, web.settings(request).engine, link, section,
                         request.path_params["version"], revision)
    return _saved(request, link, new)


async def openapi(request: Request) -> Response:
    text = resources.files("twinschedule.serve").joinpath("openapi.json").read_text("utf-8")
    return Response(text, media_type="application/json")


def _not_modified(request: Request, etag: str, modified: Any) -> bool:
    """RFC 9110: If-None-Match decides when present, else If-Modified-Since."""
    match = request.headers.get("if-none-match")
    if match is not None:
        tags = [t.strip() for t in match.split(",")]
        return "*" in tags or etag in tags or f"W/{etag}" in tags
    since = request.headers.get("if-modified-since")
    if since is None:
        return False
    try:
        when = email.utils.parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False
    return when.tzinfo is not None and modified <= when


async def feed(request: Request) -> Response:
    """A feed by URL: strong ETag, Last-Modified, 304 when unchanged."""
    try:
        content, etag, modified = await web.call(
            publish.feed, web.settings(request).engine, request.path_params["feed"],
            request.path_params["name"])
    except service.NotFound:
        return web.not_found()
    headers = {"ETag": etag, "Last-Modified": email.utils.format_datetime(modified, usegmt=True),
               "Cache-Control": "no-cache"}
    if _not_modified(request, etag, modified):
        return Response(status_code=304, headers=headers)
    return Response(content, media_type="text/calendar; charset=utf-8", headers=headers)


P = "/api/v1/p/{token}"
routes = [
    Route("/api/v1/openapi.json", openapi, methods=["GET"]),
    Route("/api/v1/partnerships", create, methods=["POST"]),
    Route(P, show, methods=["GET"]),
    Route(P, remove, methods=["DELETE"]),
    Route(P + "/partnership", put_settings, methods=["PUT"]),
    Route(P + "/partnership/revisions", revisions, methods=["GET"]),
    Route(P + "/partnership/revisions/{version:int}", restore, methods=["POST"]),
    Route(P + "/schools", add_school, methods=["POST"]),
    Route(P + "/schools/{school}", put_school, methods=["PUT"]),
    Route(P + "/schools/{school}", remove_school, methods=["DELETE"]),
    Route(P + "/schools/{school}/calendars", upload, methods=["POST"]),
    Route(P + "/agree", agree, methods=["POST"]),
    Route(P + "/agree", withdraw, methods=["DELETE"]),
    Route(P + "/rotate", rotate, methods=["POST"]),
    Route(P + "/revisions/{school}", revisions, methods=["GET"]),
    Route(P + "/revisions/{school}/{version:int}", restore, methods=["POST"]),
    Route("/feeds/{feed}/{name}", feed, methods=["GET", "HEAD"]),
]
