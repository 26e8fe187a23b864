"""The pages: server-rendered HTML forms that work without JavaScript (Jinja2,
autoescaped, templates in ``serve/templates/``), each form post checked against
cross-site request forgery: a hidden field that is an HMAC of the page's link under the
service's secret (or of a ``SameSite=Strict`` cookie on the page that creates a
partnership), and an ``Origin`` other than the service's refused."""

from __future__ import annotations

import secrets
import zoneinfo
from collections.abc import Awaitable, Callable
from functools import cache, wraps
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

import twinschedule
from twinschedule.serve import forms, publish, service, tokens, web

Handler = Callable[[Request], Awaitable[Response]]
COOKIE = "ts_csrf"


class Forbidden(Exception):
    """A form post that fails the CSRF check."""


@cache
def environment() -> Environment:
    env = Environment(loader=PackageLoader("twinschedule.serve", "templates"),
                      autoescape=select_autoescape(default=True), trim_blocks=True,
                      lstrip_blocks=True)
    env.globals["weekdays"] = forms.WEEKDAYS
    env.globals["weeks"] = forms.WEEKS
    return env


@cache
def zones() -> tuple[str, ...]:
    """Location zones for the time-zone field's list (it finds a zone by its city)."""
    areas = {"Africa", "America", "Antarctica", "Asia", "Atlantic", "Australia", "Europe",
             "Indian", "Pacific"}
    found = sorted(z for z in zoneinfo.available_timezones() if z.split("/")[0] in areas)
    return (*found, "UTC")


def render(name: str, status: int = 200, **context: Any) -> HTMLResponse:
    html = environment().get_template(name).render(**context)
    return HTMLResponse(html, status_code=status)


def page(fn: Handler) -> Handler:
    """Refusals of pages: the same 404 as the API (as a page), 403 for CSRF, 413."""
    @wraps(fn)
    async def wrapped(request: Request) -> Response:
        try:
            return await fn(request)
        except service.NotFound:
            return render("error.html", 404, title="Not found",
                          message="There is nothing here.")
        except Forbidden:
            return render("error.html", 403, title="Refused", message=(
                "This form was not sent from this service's own page. Open the page "
                "again and send it from there."))
        except web.TooLarge:
            return render("error.html", 413, title="Too large", message=(
                f"At most {service.MAX_BODY // (1024 * 1024)} MiB can be sent at once."))
    return wrapped


def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin")
    if request.headers.get("sec-fetch-site") == "cross-site":
        return False
    if origin is None:
        return True  # no Origin header: the CSRF field decides
    return origin in {web.base(request), str(request.base_url).rstrip("/")}


async def posted_form(request: Request, scope: str) -> Any:
    """The posted form, once its CSRF field matches ``scope``'s and its origin is ours."""
    form = await web.form_of(request, await web.body(request))
    expected = tokens.csrf_value(web.settings(request).secret, scope)
    sent = form.get("csrf")
    if not _same_origin(request) or not isinstance(sent, str) or not tokens.same(sent,
                                                                                 expected):
        await form.close()
        raise Forbidden
    return form


async def link_of(request: Request) -> service.Link:
    return await web.call(service.resolve, web.settings(request).engine,
                          request.path_params["token"])


def here(request: Request, link: service.Link) -> dict[str, Any]:
    token = request.path_params["token"]
    return {"link": link, "base": f"/p/{token}",
            "csrf": tokens.csrf_value(web.settings(request).secret, link.digest)}


# ---- creating ---------------------------------------------------------------------


async def home(request: Request) -> Response:
    return render("home.html")


def _new_page(request: Request, status: int = 200, **context: Any) -> Response:
    value = request.cookies.get(COOKIE) or secrets.token_urlsafe(24)
    response = render("new.html", status, csrf=tokens.csrf_value(
        web.settings(request).secret, f"new:{value}"), zones=zones(), **context)
    response.set_cookie(COOKIE, value, httponly=True, samesite="strict",
                        secure=web.base(request).startswith("https://"), path="/new")
    return response


@page
async def new(request: Request) -> Response:
    return _new_page(request, values={})


def _document(form: Any) -> dict[str, Any]:
    settings = {k: form.get(k, "").strip() for k in ("id", "name", "start", "end", "duration")}
    settings = {k: v for k, v in settings.items() if v}
    if settings.get("duration", "").isdigit():
        settings["duration"] = int(settings["duration"])
    schools = []
    for i in range(6):
        row = {k: form.get(f"school{i}.{k}", "").strip() for k in ("name", "id", "timezone")}
        if any(row.values()):
            schools.append({k: v for k, v in row.items() if v})
    return {"partnership": settings, "schools": schools}


async def _uploaded_document(form: Any) -> Any:
    file = form.get("file")
    assert isinstance(file, UploadFile)
    name = (file.filename or "").lower()
    kind = "json" if name.endswith(".json") else "toml"
    data = await file.read()
    return await web.call(twinschedule.parse_document, data, kind=kind,
                          source=file.filename or "upload")


@page
async def create(request: Request) -> Response:
    form = await posted_form(request, f"new:{request.cookies.get(COOKIE, '')}")
    try:
        upload = isinstance(form.get("file"), UploadFile) and form["file"].filename
        document = await _uploaded_document(form) if upload else _document(form)
        made = await web.call(service.create, web.settings(request).engine, document)
    except twinschedule.ConfigError as exc:
        return _new_page(request, 422, values=dict(form), problems=[str(p) for p in
                                                                     exc.problems])
    except service.Invalid as exc:
        return _new_page(request, 422, values=dict(form), problems=[str(p) for p in
                                                                     exc.problems])
    finally:
        await form.close()
    link = await web.call(service.resolve, web.settings(request).engine, made.organizer)
    st = await web.call(service.read, web.settings(request).engine, link)
    response = render("created.html", st=st, organizer=web.link_url(request, made.organizer),
                      schools={sid: web.link_url(request, t) for sid, t in made.schools.items()})
    response.background = web.replan_task(request, link.partnership)
    return response


# ---- the partnership page ---------------------------------------------------------


def _subscriptions(request: Request, st: service.State) -> list[dict[str, str]]:
    out = []
    for sid, label in [(None, "The whole partnership"),
                       *((s.id, str(s.data.get("name", s.id))) for s in st.schools)]:
        name = web.feed_name(st, sid)
        if name in st.feeds:
            url = web.feed_url(request, st.feed_token, name)
            out.append({"label": label, "https": url, "webcal": web.webcal(url)})
    return out


def _reader_language(st: service.State, link: service.Link) -> str | None:
    """The language of the report shown through ``link``: a school's own, else the
    partnership's."""
    if link.school is None:
        return None
    lang = st.school(link.school).data.get("language")
    return str(lang) if lang else None


def _invitations(request: Request, st: service.State, link: service.Link
                 ) -> list[dict[str, str]]:
    """The invitations this link may download: every school's contacts' for the
    organiser, its own contacts' for a school."""
    found = publish.letters(web.settings(request).engine, st.pk, link.school)
    names = {s.id: str(s.data.get("name", s.id)) for s in st.schools}
    return [{"school": names.get(sid, sid), "file": name,
             "url": f"/p/{request.path_params['token']}/invitations/{sid}/{name}"}
            for sid, name in found]


@page
async def show(request: Request) -> Response:
    link = await link_of(request)
    engine = web.settings(request).engine
    st = await web.call(service.read, engine, link)
    plan = st.issue.plan if st.issue is not None else None
    sections = await web.call(publish.report, engine, st.pk, _reader_language(st, link),
                              embed=True)
    response = render("partnership.html", st=st, plan=plan,
                      follow=st.issue.feed_option if st.issue is not None else None,
                      mine=st.school(link.school).agreed if link.school else None,
                      rules={k: service.option_rules(o) for k, o in enumerate(
                          plan["options"] if plan else [], start=1)},
                      subscriptions=_subscriptions(request, st), stale=publish.stale(st),
                      report=Markup(sections) if sections is not None else None,
                      invitations=await web.call(_invitations, request, st, link),
                      **here(request, link))
    response.headers["Content-Security-Policy"] = web.csp_allowing(sections or "")
    if publish.stale(st):
        response.background = web.replan_task(request, st.pk)
    return response


@page
async def report(request: Request) -> Response:
    link = await link_of(request)
    engine = web.settings(request).engine
    st = await web.call(service.read, engine, link)
    html = await web.call(publish.report, engine, link.partnership,
                          _reader_language(st, link))
    if html is None:
        return render("error.html", 200, title="Planning", message="The first plan is "
                      "being computed; reload in a moment.")
    # the report's own page (to print it): its inline styles by their hashes, no script
    return HTMLResponse(html, headers={
        "Content-Security-Policy": web.csp_allowing(html) + "; sandbox"})


@page
async def invitation(request: Request) -> Response:
    """One contact's invitation as an .eml file (a school link: its own contacts' only)."""
    link = await link_of(request)
    sid, name = request.path_params["school"], request.path_params["name"]
    if link.school is not None and link.school != sid:
        raise service.NotFound(sid)
    content = await web.call(publish.letter, web.settings(request).engine,
                             link.partnership, sid, name)
    return Response(content, media_type="message/rfc822", headers={
        "Content-Disposition": f'attachment; filename="{name}"',
        "Cache-Control": "no-store"})


@cache
def _report_css() -> str:
    return twinschedule.report_stylesheet()


async def report_css(request: Request) -> Response:
    """The report's stylesheet, for the report's sections in the partnership page."""
    return Response(_report_css(), media_type="text/css; charset=utf-8",
                    headers={"Cache-Control": "public, max-age=3600"})


def back(request: Request, suffix: str = "") -> RedirectResponse:
    return RedirectResponse(f"/p/{request.path_params['token']}{suffix}", status_code=303)


@page
async def agree(request: Request) -> Response:
    link = await link_of(request)
    form = await posted_form(request, link.digest)
    option = form.get("option", "")
    withdraw = form.get("withdraw") is not None
    try:
        await web.call(service.agree, web.settings(request).engine, link,
                       int(option) if str(option).isdigit() else option, withdraw=withdraw,
                       now=web.now(request))
    except service.Invalid as exc:
        return render("error.html", 422, title="Not agreed",
                      message="; ".join(p.message for p in exc.problems))
    response = back(request)
    response.background = web.replan_task(request, link.partnership)
    return response


# ---- a school's section -----------------------------------------------------------


def _school_page(request: Request, link: service.Link, st: service.State, sid: str, *,
                 values: dict[str, str] | None = None, revision: int | None = None,
                 problems: list[dict[str, str]] | None = None, status: int = 200,
                 notice: str | None = None, names: list[str] | None = None) -> Response:
    school = st.school(sid)
    index = [s.id for s in st.schools].index(sid)
    own = [p for p in problems or [] if p["path"].startswith(f"schools[{index}]")]
    fields = {*forms.SCHOOL_TEXT, *forms.SCHOOL_COMMAS, *forms.SCHOOL_LINES, "days",
              "closures_ics", *(f"hours_by_day.{d}" for d in forms.WEEKDAYS)}
    at, rest = forms.placed(own, fields, school=True)
    rest += [f"{p['path']}: {p['message']}" for p in problems or [] if p not in own]
    return render("school.html", status, st=st, school=school, sid=sid,
                  values=values if values is not None else forms.school_to_form(school.data),
                  revision=school.revision if revision is None else revision,
                  at=at, rest=rest, notice=notice, zones=zones(), labels={
                      **forms.SCHOOL_TEXT, **forms.SCHOOL_COMMAS, **forms.SCHOOL_LINES},
                  calendars=school.data.get("closures_ics", []), **here(request, link))


@page
async def school(request: Request) -> Response:
    link = await link_of(request)
    sid = request.path_params["school"]
    service.check_editable(link, sid)
    st = await web.call(service.read, web.settings(request).engine, link)
    return _school_page(request, link, st, sid)


def problem_list(exc: service.Invalid) -> list[dict[str, str]]:
    return [{"path": p.path, "message": p.message} for p in exc.problems]


@page
async def save_school(request: Request) -> Response:
    link = await link_of(request)
    sid = request.path_params["school"]
    service.check_editable(link, sid)
    form = await posted_form(request, link.digest)
    engine = web.settings(request).engine
    st = await web.call(service.read, engine, link)
    revision = int(form.get("revision", "0")) if str(form.get("revision", "")).isdigit() \
        else -1
    data = forms.school_from_form(form, st.school(sid).data)
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    try:
        await web.call(service.save_school, engine, link, sid, data, revision)
    except service.Stale as exc:
        return _school_page(request, link, st, sid, values=values, revision=exc.current,
                            status=409, notice=(
                                "Someone saved this section after you opened it. Your "
                                "changes are below and were not saved; save again to "
                                "replace theirs, or open the page again to see them."))
    except service.Invalid as exc:
        return _school_page(request, link, st, sid, values=values, revision=revision,
                            problems=problem_list(exc), status=422)
    response = back(request, f"/schools/{sid}?saved=1")
    response.background = web.replan_task(request, link.partnership)
    return response


def _upload_fields(form: Any) -> dict[str, Any]:
    def lines(key: str) -> list[str]:
        return [x.strip() for x in str(form.get(key) or "").splitlines() if x.strip()]
    return {"use": str(form.get("as") or "closures"), "include": lines("include"),
            "exclude": lines("exclude")}


@page
async def upload(request: Request) -> Response:
    link = await link_of(request)
    sid = request.path_params["school"]
    service.check_editable(link, sid)
    form = await posted_form(request, link.digest)
    engine = web.settings(request).engine
    try:
        file = form.get("file")
        if not isinstance(file, UploadFile) or not file.filename:
            raise service.Invalid([service.problem("file", "choose an .ics file to upload")])
        content = await file.read()
        revision = int(form.get("revision", "-1")) if str(
            form.get("revision", "")).isdigit() else -1
        await web.call(service.add_calendar, engine, link, sid, filename=file.filename,
                       content=content, revision=revision, **_upload_fields(form))
    except service.Stale as exc:
        st = await web.call(service.read, engine, link)
        return _school_page(request, link, st, sid, revision=exc.current, status=409,
                            notice="Someone saved this section meanwhile; nothing was "
                                   "uploaded. Upload the file again.")
    except service.Invalid as exc:
        st = await web.call(service.read, engine, link)
        return _school_page(request, link, st, sid, problems=problem_list(exc), status=422)
    finally:
        await form.close()
    response = back(request, f"/schools/{sid}?saved=1")
    response.background = web.replan_task(request, link.partnership)
    return response


@page
async def remove_calendar(request: Request) -> Response:
    link = await link_of(request)
    sid = request.path_params["school"]
    service.check_editable(link, sid)
    form = await posted_form(request, link.digest)
    engine = web.settings(request).engine
    st = await web.call(service.read, engine, link)
    data = dict(st.school(sid).data)
    keep = [e for i, e in enumerate(data.get("closures_ics", []))
            if str(i) != form.get("index")]
    data["closures_ics"] = keep
    if not keep:
        del data["closures_ics"]
    revision = int(form["revision"]) if str(form.get("revision", "")).isdigit() else -1
    try:
        await web.call(service.save_school, engine, link, sid, data, revision)
    except service.Stale as exc:
        return _school_page(request, link, st, sid, revision=exc.current, status=409,
                            notice="Someone saved this section meanwhile; nothing was "
                                   "removed.")
    except service.Invalid as exc:
        return _school_page(request, link, st, sid, problems=problem_list(exc), status=422)
    response = back(request, f"/schools/{sid}")
    response.background = web.replan_task(request, link.partnership)
    return response


routes: list[BaseRoute] = [
    Route("/", home, methods=["GET"]),
    Route("/new", new, methods=["GET"]),
    Route("/new", create, methods=["POST"]),
    Route("/p/{token}", show, methods=["GET"]),
    Route("/p/{token}/report", report, methods=["GET"]),
    Route("/p/{token}/invitations/{school}/{name}", invitation, methods=["GET"]),
    Route("/report.css", report_css, methods=["GET"]),
    Route("/p/{token}/agree", agree, methods=["POST"]),
    Route("/p/{token}/schools/{school}", school, methods=["GET"]),
    Route("/p/{token}/schools/{school}", save_school, methods=["POST"]),
    Route("/p/{token}/schools/{school}/calendars", upload, methods=["POST"]),
    Route("/p/{token}/schools/{school}/calendars/remove", remove_calendar, methods=["POST"]),
]
