"""The organiser's pages: the partnership's settings, adding and removing schools, new
links (the old one stops working at once), every saved version of a section and
restoring one, and deleting the partnership. A school's link gets the 404 of
everything it may not do."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from twinschedule.serve import forms, service, web
from twinschedule.serve.pages import back, here, link_of, page, posted_form, problem_list, render


async def _organizer(request: Request) -> service.Link:
    link = await link_of(request)
    if link.role != "organizer":
        raise service.NotFound("organizer")
    return link


def _settings_page(request: Request, link: service.Link, st: service.State, *,
                   values: dict[str, str] | None = None, revision: int | None = None,
                   problems: list[dict[str, str]] | None = None, status: int = 200,
                   notice: str | None = None) -> Response:
    fields = {*forms.SETTINGS_TEXT, "weekdays", "weeks", "on_conflict", "organizer"}
    own = [p for p in problems or [] if not p["path"].startswith("schools")]
    at, rest = forms.placed(own, fields, school=False)
    rest += [f"{p['path']}: {p['message']}" for p in problems or [] if p not in own]
    return render("settings.html", status, st=st, labels=forms.SETTINGS_TEXT, at=at,
                  rest=rest, notice=notice,
                  values=values if values is not None else forms.settings_to_form(st.settings),
                  revision=st.revision if revision is None else revision,
                  **here(request, link))


@page
async def settings(request: Request) -> Response:
    link = await _organizer(request)
    st = await web.call(service.read, web.settings(request).engine, link)
    return _settings_page(request, link, st)


@page
async def save_settings(request: Request) -> Response:
    link = await _organizer(request)
    form = await posted_form(request, link.digest)
    engine = web.settings(request).engine
    st = await web.call(service.read, engine, link)
    revision = int(form["revision"]) if str(form.get("revision", "")).isdigit() else -1
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    try:
        await web.call(service.save_settings, engine, link,
                       forms.settings_from_form(form, st.settings), revision)
    except service.Stale as exc:
        return _settings_page(request, link, st, values=values, revision=exc.current,
                              status=409, notice="The settings were saved by someone else "
                              "after you opened them; yours are below, not saved.")
    except service.Invalid as exc:
        return _settings_page(request, link, st, values=values, revision=revision,
                              problems=problem_list(exc), status=422)
    response = back(request)
    response.background = web.replan_task(request, link.partnership)
    return response


@page
async def add_school(request: Request) -> Response:
    link = await _organizer(request)
    form = await posted_form(request, link.digest)
    data = {k: str(form.get(k, "")).strip() for k in ("id", "name", "timezone")}
    engine = web.settings(request).engine
    try:
        sid, token = await web.call(service.add_school, engine, link,
                                    {k: v for k, v in data.items() if v})
    except service.Invalid as exc:
        return render("error.html", 422, title="The school was not added",
                      message="; ".join(str(p) for p in exc.problems))
    response = render("newlink.html", who=sid, url=web.link_url(request, token),
                      **here(request, link))
    response.background = web.replan_task(request, link.partnership)
    return response


@page
async def remove_school(request: Request) -> Response:
    link = await _organizer(request)
    await posted_form(request, link.digest)
    try:
        await web.call(service.remove_school, web.settings(request).engine, link,
                       request.path_params["school"])
    except service.Invalid as exc:
        return render("error.html", 422, title="The school was not removed",
                      message="; ".join(str(p) for p in exc.problems))
    response = back(request)
    response.background = web.replan_task(request, link.partnership)
    return response


@page
async def rotate(request: Request) -> Response:
    link = await _organizer(request)
    form = await posted_form(request, link.digest)
    school = str(form.get("school", ""))
    role, sid, token = await web.call(service.rotate, web.settings(request).engine, link,
                                      school=school or None, organizer=not school)
    context: dict[str, Any] = here(request, link)
    if role == "organizer":  # this page's own link has just stopped working
        context["base"] = f"/p/{token}"
    return render("newlink.html", who=sid or "the organiser", url=web.link_url(request, token),
                  **context)


def _section(request: Request) -> str:
    return str(request.path_params.get("school", service.SETTINGS))


@page
async def history(request: Request) -> Response:
    link = await _organizer(request)
    engine = web.settings(request).engine
    section = _section(request)
    versions = await web.call(service.history, engine, link, section)
    return render("history.html", section=section, versions=versions,
                  current=versions[0]["revision"], **here(request, link))


@page
async def restore(request: Request) -> Response:
    link = await _organizer(request)
    form = await posted_form(request, link.digest)
    section = _section(request)
    revision = int(form["revision"]) if str(form.get("revision", "")).isdigit() else -1
    try:
        await web.call(service.restore, web.settings(request).engine, link, section,
                       request.path_params["version"], revision)
    except (service.Stale, service.Invalid) as exc:
        message = "the section was saved meanwhile; look again" if isinstance(
            exc, service.Stale) else "; ".join(str(p) for p in exc.problems)
        return render("error.html", 409 if isinstance(exc, service.Stale) else 422,
                      title="Not restored", message=message)
    response = back(request)
    response.background = web.replan_task(request, link.partnership)
    return response


@page
async def delete(request: Request) -> Response:
    link = await _organizer(request)
    form = await posted_form(request, link.digest)
    if form.get("confirm") != "delete":
        return render("error.html", 422, title="Not deleted",
                      message="Tick the box to confirm that everything goes.")
    await web.call(service.delete, web.settings(request).engine, link)
    return render("error.html", 200, title="Deleted",
                  message="The partnership, its links and its feeds are gone.")


routes: list[BaseRoute] = [
    Route("/p/{token}/settings", settings, methods=["GET"]),
    Route("/p/{token}/settings", save_settings, methods=["POST"]),
    Route("/p/{token}/schools", add_school, methods=["POST"]),
    Route("/p/{token}/schools/{school}/remove", remove_school, methods=["POST"]),
    Route("/p/{token}/rotate", rotate, methods=["POST"]),
    Route("/p/{token}/history", history, methods=["GET"]),
    Route("/p/{token}/history/{version:int}", restore, methods=["POST"]),
    Route("/p/{token}/schools/{school}/history", history, methods=["GET"]),
    Route("/p/{token}/schools/{school}/history/{version:int}", restore, methods=["POST"]),
    Route("/p/{token}/delete", delete, methods=["POST"]),
]
