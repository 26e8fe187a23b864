"""The pages in-process: creating a partnership with the form, a school's section as a
form with problems at their fields, uploads, agreeing, the organiser's tools; refused:
cross-site form posts (CSRF), a stale form, another school's page; a script in a school
name is escaped everywhere and the Content-Security-Policy allows no script."""

from __future__ import annotations

import html
import re

import icalendar
from servekit import Made, app_url, client, clock, partnership  # noqa: F401 (fixtures)
from starlette.testclient import TestClient

SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def csrf(page: str) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', page)
    assert m, "the form has a CSRF field"
    return m.group(1)


def field(page: str, name: str) -> str:
    m = re.search(rf'name="{re.escape(name)}" value="([^"]*)"', page)
    assert m, name
    return html.unescape(m.group(1))


def problems_at(page: str, name: str) -> list[str]:
    m = re.search(rf'<ul class="field-problems" id="problems-{re.escape(name)}">(.*?)</ul>',
                  page, re.S)
    return [html.unescape(x) for x in re.findall(r"<li>(.*?)</li>", m.group(1))] if m else []


def test_create_with_the_form(client: TestClient) -> None:
    page = client.get("/new")
    assert page.status_code == 200 and "ts_csrf" in page.headers["set-cookie"]
    assert "samesite=strict" in page.headers["set-cookie"].lower()
    form = {"csrf": csrf(page.text), "name": "Rugby and Nairobi", "id": "rugby-nairobi",
            "start": "2026-09-01", "end": "2026-12-31", "duration": "45",
            "school0.name": "Lawrence Sheriff", "school0.id": "rugby",
            "school0.timezone": "Europe/London", "school1.name": "Moi Forces Academy",
            "school1.id": "nairobi", "school1.timezone": "Africa/Nairobi"}
    r = client.post("/new", data=form)
    assert r.status_code == 200, r.text
    links = re.findall(r'href="(http://testserver/p/[^"]+)"', r.text)
    assert len(set(links)) == 3
    org = links[0].rsplit("/", 1)[1]
    assert client.get(f"/api/v1/p/{org}").json()["role"] == "organizer"
    # problems are shown with the command line's messages, nothing is created
    bad = dict(form, **{"school1.timezone": "Africa/Nairobbi", "csrf": csrf(page.text)})
    r = client.post("/new", data=bad)
    assert r.status_code == 422 and "Africa/Nairobi" in r.text and "did you mean" in r.text


def test_create_from_a_file(client: TestClient) -> None:
    page = client.get("/new")
    toml = (b'[partnership]\nid = "a-b"\nname = "A and B"\nstart = 2026-09-01\n'
            b'end = 2026-12-31\nduration = 45\n\n[[schools]]\nid = "a"\nname = "A"\n'
            b'timezone = "Europe/London"\n\n[[schools]]\nid = "b"\nname = "B"\n'
            b'timezone = "Africa/Nairobi"\n')
    r = client.post("/new", data={"csrf": csrf(page.text)},
                    files={"file": ("a-b.toml", toml, "application/toml")})
    assert r.status_code == 200 and "A and B: created" in r.text
    r = client.post("/new", data={"csrf": csrf(page.text)},
                    files={"file": ("a-b.toml", b"[partnership\n", "application/toml")})
    assert r.status_code == 422 and "TOML syntax error" in r.text


def test_csrf_refused(client: TestClient) -> None:
    m = Made(client)
    rugby = m.schools["rugby"]
    page = client.get(f"/p/{rugby}/schools/rugby").text
    good = {"csrf": csrf(page), "revision": field(page, "revision"),
            "name": "Lawrence Sheriff School", "timezone": "Europe/London",
            "hours": "09:00-15:00", "days.shown": "1"}
    url = f"/p/{rugby}/schools/rugby"
    for data, headers in [
        ({k: v for k, v in good.items() if k != "csrf"}, {}),
        (dict(good, csrf="0" * 64), {}),
        (dict(good, csrf=csrf(client.get(f"/p/{m.schools['nairobi']}").text)), {}),
        (good, {"Origin": "https://evil.example"}),
        (good, {"Sec-Fetch-Site": "cross-site"}),
    ]:
        r = client.post(url, data=data, headers=headers, follow_redirects=False)
        assert r.status_code == 403, (data, headers)
    assert m.section("rugby")[1] == 1
    # the page that creates a partnership: its field is bound to the cookie
    fresh = TestClient(client.app)
    r = fresh.post("/new", data={"csrf": csrf(client.get("/new").text), "name": "x"})
    assert r.status_code == 403
    r = client.post(url, data=good, headers={"Origin": "http://testserver"},
                    follow_redirects=False)
    assert r.status_code == 303


def test_school_form_saves_and_shows_problems_at_fields(client: TestClient) -> None:
    m = Made(client)
    rugby = m.schools["rugby"]
    url = f"/p/{rugby}/schools/rugby"
    page = client.get(url).text
    form = {"csrf": csrf(page), "revision": field(page, "revision"), "days.shown": "1",
            "name": "Lawrence Sheriff School", "timezone": "Europe/London",
            "hours": "08:45-12:15, 13:15-15:30", "days.MO": "on", "days.TU": "on",
            "terms": "2026-09-03 2026-12-18 Autumn term",
            "closures": "2026-10-26 2026-10-30 Half term\n2026-11-20 Training day",
            "busy": "TU 14:00-15:00 Staff meeting\n2026-11-11 10:45-11:30 Assembly"}
    r = client.post(url, data=form, follow_redirects=False)
    assert r.status_code == 303, r.text
    section, rev = m.section("rugby")
    assert section["days"] == ["MO", "TU"] and section["hours"] == ["08:45-12:15",
                                                                    "13:15-15:30"]
    assert section["terms"] == [{"from": "2026-09-03", "to": "2026-12-18",
                                 "name": "Autumn term"}]
    assert section["closures"] == [{"from": "2026-10-26", "to": "2026-10-30",
                                    "name": "Half term"},
                                   {"on": "2026-11-20", "name": "Training day"}]
    assert section["busy"] == [{"every": ["TU"], "from": "14:00", "to": "15:00",
                                "name": "Staff meeting"},
                               {"on": "2026-11-11", "from": "10:45", "to": "11:30",
                                "name": "Assembly"}]
    page = client.get(url).text
    assert field(page, "revision") == str(rev)
    assert "2026-10-26 2026-10-30 Half term" in page  # shown as written
    bad = dict(form, csrf=csrf(page), revision=str(rev), timezone="Europe/Londn",
               hours="13:15-12:30", closures="2026-02-30 Nowhere")
    r = client.post(url, data=bad)
    assert r.status_code == 422
    assert any("did you mean 'Europe/London'" in p for p in problems_at(r.text, "timezone"))
    assert problems_at(r.text, "hours") and problems_at(r.text, "closures")[0].startswith(
        "line 1")
    assert field(r.text, "timezone") == "Europe/Londn"  # the input is kept
    assert m.section("rugby")[1] == rev


def test_stale_form_is_409_and_keeps_the_input(client: TestClient) -> None:
    m = Made(client)
    url = f"/p/{m.schools['rugby']}/schools/rugby"
    page = client.get(url).text
    form = {"csrf": csrf(page), "revision": field(page, "revision"), "days.shown": "1",
            "name": "Lawrence Sheriff School", "timezone": "Europe/London"}
    assert client.post(url, data=dict(form, prefer="10:00"),
                       follow_redirects=False).status_code == 303
    r = client.post(url, data=dict(form, prefer="11:00"))
    assert r.status_code == 409 and "saved this section after you opened it" in r.text
    assert field(r.text, "prefer") == "11:00" and field(r.text, "revision") == "2"
    assert m.section("rugby")[0]["prefer"] == "10:00"


def test_another_schools_page_is_404(client: TestClient) -> None:
    m = Made(client)
    rugby = m.schools["rugby"]
    assert client.get(f"/p/{rugby}/schools/nairobi").status_code == 404
    page = client.get(f"/p/{rugby}/schools/rugby").text
    r = client.post(f"/p/{rugby}/schools/nairobi", data={"csrf": csrf(page)})
    assert r.status_code == 404
    for url in ("/settings", "/history", "/schools/rugby/history"):
        assert client.get(f"/p/{rugby}{url}").status_code == 404, url
    r = client.post(f"/p/{rugby}/rotate", data={"csrf": csrf(page), "school": "nairobi"})
    assert r.status_code == 404


def test_upload_with_the_form(client: TestClient) -> None:
    m = Made(client)
    url = f"/p/{m.schools['nairobi']}/schools/nairobi"
    page = client.get(url).text
    cal = icalendar.Calendar()
    cal.add("prodid", "-//t//EN")
    cal.add("version", "2.0")
    ev = icalendar.Event()
    ev.add("uid", "moi@t")
    ev.add("dtstamp", icalendar.vDatetime.from_ical("20260101T000000Z"))
    ev.add("summary", "Moi Day")
    ev.add("dtstart", __import__("datetime").date(2026, 10, 9))
    cal.add_component(ev)
    r = client.post(url + "/calendars", data={"csrf": csrf(page), "revision": "1",
                                              "as": "closures", "include": "moi"},
                    files={"file": ("holidays.ics", cal.to_ical(), "text/calendar")},
                    follow_redirects=False)
    assert r.status_code == 303, r.text
    page = client.get(url).text
    assert "holidays.ics" in page and "(as closures)" in page
    r = client.post(url + "/calendars", data={"csrf": csrf(page), "revision": "2"},
                    files={"file": ("x.ics", b"not a calendar", "text/calendar")})
    assert r.status_code == 422 and problems_at(r.text, "closures_ics")
    r = client.post(url + "/calendars/remove", data={"csrf": csrf(page), "revision": "2",
                                                     "index": "0"}, follow_redirects=False)
    assert r.status_code == 303 and "closures_ics" not in m.section("nairobi")[0]


def test_agree_with_the_forms(client: TestClient) -> None:
    m = Made(client)
    for sid in ("rugby", "nairobi"):
        page = client.get(f"/p/{m.schools[sid]}").text
        assert 'class="agree"' in page
        r = client.post(f"/p/{m.schools[sid]}/agree", data={"csrf": csrf(page), "option": "1"},
                        follow_redirects=False)
        assert r.status_code == 303
    page = client.get(f"/p/{m.schools['rugby']}").text
    assert "you agreed" in page and "Agreed: <strong>" in page
    assert m.view()["agreement"] is not None
    r = client.post(f"/p/{m.schools['rugby']}/agree", data={"csrf": csrf(page),
                                                            "withdraw": "1"},
                    follow_redirects=False)
    assert r.status_code == 303 and m.view()["agreed_by"] == ["nairobi"]


def test_organiser_tools(client: TestClient) -> None:
    m = Made(client)
    org = f"/p/{m.organizer}"
    page = client.get(org).text
    token = csrf(page)
    r = client.post(org + "/schools", data={"csrf": token, "name": "Colegio Lima",
                                            "id": "lima", "timezone": "America/Lima"})
    assert r.status_code == 200
    lima = re.search(r'id="new-link" href="[^"]*/p/([^"]+)"', r.text).group(1)
    assert client.get(f"/p/{lima}").status_code == 200
    r = client.post(org + "/rotate", data={"csrf": token, "school": "lima"})
    assert client.get(f"/p/{lima}").status_code == 404
    assert client.post(org + "/schools/lima/remove", data={"csrf": token},
                       follow_redirects=False).status_code == 303
    settings = client.get(org + "/settings").text
    r = client.post(org + "/settings", data={
        "csrf": token, "revision": field(settings, "revision"), "name": "R and N",
        "id": "rugby-nairobi", "start": "2026-09-01", "end": "2026-12-31",
        "duration": "0"})
    assert r.status_code == 422 and problems_at(r.text, "duration")
    r = client.post(org + "/settings", data={
        "csrf": token, "revision": field(settings, "revision"), "name": "R and N",
        "id": "rugby-nairobi", "start": "2026-09-01", "end": "2026-12-31",
        "duration": "30", "weekdays.TU": "on"}, follow_redirects=False)
    assert r.status_code == 303
    assert m.view()["partnership"]["partnership"]["weekdays"] == ["TU"]
    history = client.get(org + "/history").text
    assert "Restore" in history
    r = client.post(org + "/history/1", data={"csrf": token, "revision": "2"},
                    follow_redirects=False)
    assert r.status_code == 303 and "weekdays" not in m.view()["partnership"]["partnership"]
    assert client.post(org + "/delete", data={"csrf": token}).status_code == 422
    assert client.post(org + "/delete", data={"csrf": token, "confirm": "delete"}
                       ).status_code == 200
    assert client.get(org).status_code == 404


def test_a_script_in_a_school_name_is_text_everywhere(client: TestClient) -> None:
    data = partnership()
    data["schools"][0]["name"] = SCRIPT
    data["partnership"]["name"] = SCRIPT
    m = Made(client, data)
    pages = [client.get(u) for u in (f"/p/{m.organizer}", f"/p/{m.schools['rugby']}",
                                      f"/p/{m.schools['rugby']}/schools/rugby",
                                      f"/p/{m.organizer}/settings",
                                      f"/p/{m.organizer}/report", "/", "/new")]
    for r in pages:
        assert r.status_code == 200
        assert "<script" not in r.text.lower() and "<img src=x" not in r.text
        csp = r.headers["content-security-policy"]
        assert "default-src 'none'" in csp and "script-src" not in csp  # no script at all
        assert "'unsafe-inline'" not in csp.split("style-src")[0]
    assert "&lt;script&gt;" in pages[0].text
    feed = client.get(m.feeds["rugby"])  # text in a calendar, never served as HTML
    assert feed.headers["content-type"].startswith("text/calendar")
    assert feed.headers["x-content-type-options"] == "nosniff"
    assert client.get(f"/api/v1/p/{m.organizer}").headers["content-type"] == \
        "application/json"
