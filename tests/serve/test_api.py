"""The JSON API against the application in-process, on SQLite and PostgreSQL: every
endpoint of service.md's table, and its refusals (problem details listing every
problem, 404 that says nothing, 409 on a stale revision, 428 without If-Match)."""

from __future__ import annotations

import json

import icalendar
from servekit import Made, app_url, client, clock, partnership  # noqa: F401 (fixtures)
from starlette.testclient import TestClient

import twinschedule

PROBLEM = "application/problem+json"


def test_create_answers_links_and_feeds(client: TestClient) -> None:
    m = Made(client)
    a = m.answer
    assert set(a) == {"id", "organizer_url", "school_urls", "feed_urls"}
    assert a["organizer_url"].startswith("http://testserver/p/")
    assert set(a["school_urls"]) == {"rugby", "nairobi"}
    assert a["feed_urls"]["partnership"].endswith("/rugby-nairobi.ics")
    assert a["feed_urls"]["schools"]["rugby"].endswith("/rugby-nairobi.rugby.ics")
    assert len({m.organizer, *m.schools.values()}) == 3
    assert all(len(t) >= 43 for t in (m.organizer, *m.schools.values()))  # >= 256 bits


def test_two_organisers_may_use_the_same_file_id(client: TestClient) -> None:
    a, b = Made(client), Made(client)
    assert a.answer["id"] != b.answer["id"]
    assert a.view()["partnership"]["partnership"]["id"] == "rugby-nairobi"
    assert a.feed != b.feed


def test_create_refusals_list_every_problem(client: TestClient) -> None:
    data = partnership()
    data["schools"][1]["timezone"] = "Europe/Londn"
    data["partnership"]["duration"] = 900
    r = client.post("/api/v1/partnerships", json=data)
    assert r.status_code == 422 and r.headers["content-type"] == PROBLEM
    body = r.json()
    assert body["status"] == 422 and body["title"]
    try:
        twinschedule.from_dict(data)
    except twinschedule.ConfigError as exc:
        cli = [{"path": p.path, "message": p.message} for p in exc.problems]
    assert body["problems"] == cli and len(cli) == 2
    assert "did you mean 'Europe/London'" in json.dumps(body)
    assert client.post("/api/v1/partnerships", content=b"{", headers={
        "content-type": "application/json"}).status_code == 400
    assert client.post("/api/v1/partnerships", content=json.dumps(data),
                       headers={"content-type": "text/plain"}).status_code == 415
    assert client.post("/api/v1/partnerships", json=[1]).status_code == 422


def test_read_through_each_link(client: TestClient) -> None:
    m = Made(client)
    org = m.view()
    assert org["role"] == "organizer" and org["school"] is None
    assert org["partnership"]["schools"][0]["id"] == "rugby"
    assert org["revisions"] == {"partnership": 1, "schools": {"rugby": 1, "nairobi": 1}}
    assert org["plan"]["partnership"]["id"] == "rugby-nairobi" and org["plan"]["options"]
    assert org["agreed_by"] == [] and org["agreement"] is None
    school = m.view("nairobi")
    assert school["role"] == "school" and school["school"] == "nairobi"
    assert school["plan"] == org["plan"]


def test_a_school_saves_its_own_section(client: TestClient) -> None:
    m = Made(client)
    section, rev = m.section("nairobi")
    section["closures"] = [{"on": "2026-10-09", "name": "Moi Day"}]
    r = client.put(f"/api/v1/p/{m.schools['nairobi']}/schools/nairobi", json=section,
                   headers={"If-Match": f'"{rev}"'})
    assert r.status_code == 200 and r.json() == {"revision": rev + 1}
    assert r.headers["etag"] == f'"{rev + 1}"'
    got, new = m.section("nairobi")
    assert got["closures"] == section["closures"] and new == rev + 1
    # the organiser edits every section
    got["closures"] = []
    del got["closures"]
    r = client.put(f"/api/v1/p/{m.organizer}/schools/nairobi", json=got,
                   headers={"If-Match": f'"{new}"'})
    assert r.status_code == 200


def test_section_refusals(client: TestClient) -> None:
    m = Made(client)
    section, rev = m.section("rugby")
    url = f"/api/v1/p/{m.schools['rugby']}/schools/rugby"
    assert client.put(url, json=section).status_code == 428
    section["hours"] = ["13:15-12:30"]
    section["timezone"] = "Mars/Olympus"
    r = client.put(url, json=section, headers={"If-Match": f'"{rev}"'})
    assert r.status_code == 422 and r.headers["content-type"] == PROBLEM
    data = partnership()
    data["schools"][0] = section
    try:
        twinschedule.from_dict(data)
    except twinschedule.ConfigError as exc:
        cli = [{"path": p.path, "message": p.message} for p in exc.problems]
    assert r.json()["problems"] == cli and len(cli) == 2
    assert [p["path"].split(".")[-1] for p in cli] == ["timezone", "hours[0]"]
    assert m.section("rugby")[1] == rev  # nothing saved
    section, _ = m.section("rugby")
    section["id"] = "eton"
    r = client.put(url, json=section, headers={"If-Match": f'"{rev}"'})
    assert r.status_code == 422 and r.json()["problems"][0]["path"] == "schools[0] (rugby).id"
    assert "cannot change" in r.json()["problems"][0]["message"]


def test_stale_revision_is_409_with_the_current_one(client: TestClient) -> None:
    m = Made(client)
    section, rev = m.section("rugby")
    url = f"/api/v1/p/{m.schools['rugby']}/schools/rugby"
    first = dict(section, prefer="10:00")
    assert client.put(url, json=first, headers={"If-Match": f'"{rev}"'}).status_code == 200
    second = dict(section, prefer="11:00")
    r = client.put(url, json=second, headers={"If-Match": f'"{rev}"'})
    assert r.status_code == 409 and r.headers["content-type"] == PROBLEM
    assert r.json()["current_revision"] == rev + 1 and r.headers["etag"] == f'"{rev + 1}"'
    assert m.section("rugby")[0]["prefer"] == "10:00"  # the first write is not overwritten
    assert client.put(url, json=second, headers={"If-Match": '"abc"'}).status_code == 409


def test_settings(client: TestClient) -> None:
    m = Made(client)
    settings = m.view()["partnership"]["partnership"]
    settings["title"] = "Monthly link meeting"
    url = f"/api/v1/p/{m.organizer}/partnership"
    assert client.put(url, json=settings).status_code == 428
    r = client.put(url, json=settings, headers={"If-Match": '"1"'})
    assert r.status_code == 200 and r.json() == {"revision": 2}
    assert client.put(url, json=settings, headers={"If-Match": '"1"'}).status_code == 409
    settings["duration"] = 0
    r = client.put(url, json=settings, headers={"If-Match": '"2"'})
    assert r.status_code == 422 and r.json()["problems"][0]["path"] == "partnership.duration"
    r = client.put(url, json=dict(settings, duration=45, id="other"), headers={"If-Match": '"2"'})
    assert r.status_code == 422 and r.json()["problems"][0]["path"] == "partnership.id"
    # a school link cannot change the partnership's settings
    r = client.put(f"/api/v1/p/{m.schools['rugby']}/partnership", json=settings,
                   headers={"If-Match": '"2"'})
    assert r.status_code == 404


def test_add_and_remove_schools(client: TestClient) -> None:
    m = Made(client)
    new = {"id": "lima", "name": "Colegio Lima", "timezone": "America/Lima"}
    r = client.post(f"/api/v1/p/{m.organizer}/schools", json=new)
    assert r.status_code == 201 and set(r.json()) == {"school_url", "feed_url"}
    lima = r.json()["school_url"].rsplit("/", 1)[1]
    assert client.get(f"/api/v1/p/{lima}").json()["school"] == "lima"
    assert r.json()["feed_url"].endswith("/rugby-nairobi.lima.ics")
    assert client.post(f"/api/v1/p/{m.organizer}/schools", json=new).status_code == 422
    assert client.post(f"/api/v1/p/{lima}/schools", json=new).status_code == 404
    assert client.delete(f"/api/v1/p/{m.schools['rugby']}/schools/lima").status_code == 404
    assert client.delete(f"/api/v1/p/{m.organizer}/schools/lima").status_code == 204
    assert client.get(f"/api/v1/p/{lima}").status_code == 404
    r = client.delete(f"/api/v1/p/{m.organizer}/schools/rugby")
    assert r.status_code == 422 and "at least 2 schools" in r.text


def test_upload_a_calendar(client: TestClient) -> None:
    m = Made(client)
    cal = icalendar.Calendar()
    cal.add("prodid", "-//test//EN")
    cal.add("version", "2.0")
    for day, name in ((12, "Half term"), (13, "Staff training")):
        ev = icalendar.Event()
        ev.add("uid", f"{day}@test")
        ev.add("dtstamp", icalendar.vDatetime.from_ical("20260101T000000Z"))
        ev.add("summary", name)
        ev.add("dtstart", __import__("datetime").date(2026, 10, day))
        cal.add_component(ev)
    _, rev = m.section("rugby")
    url = f"/api/v1/p/{m.schools['rugby']}/schools/rugby/calendars"
    files = {"file": ("Term dates (2026).ics", cal.to_ical(), "text/calendar")}
    assert client.post(url, files=files).status_code == 428
    r = client.post(url, files=files, data={"as": "closures", "exclude": "training"},
                    headers={"If-Match": f'"{rev}"'})
    assert r.status_code == 201, r.text
    assert r.json() == {"name": "Term-dates-2026-.ics", "revision": rev + 1} or \
        r.json()["revision"] == rev + 1
    name = r.json()["name"]
    section, _ = m.section("rugby")
    assert section["closures_ics"] == [{"file": name, "as": "closures",
                                        "exclude": ["training"]}]
    again = client.post(url, files=files, headers={"If-Match": f'"{rev + 1}"'})
    assert again.status_code == 201 and again.json()["name"] != name
    # another school's section names a calendar not uploaded for it
    other, orev = m.section("nairobi")
    other["closures_ics"] = [name]
    r = client.put(f"/api/v1/p/{m.schools['nairobi']}/schools/nairobi", json=other,
                   headers={"If-Match": f'"{orev}"'})
    assert r.status_code == 422 and "no calendar of that name" in r.text


def test_agreeing(client: TestClient) -> None:
    m = Made(client)
    options = m.view()["plan"]["options"]
    url = {s: f"/api/v1/p/{t}/agree" for s, t in m.schools.items()}
    r = client.post(url["rugby"], json={"option": 2})
    assert r.status_code == 200 and r.json() == {"agreed_by": ["rugby"], "agreement": None}
    r = client.post(url["nairobi"], json={"option": 1})
    assert r.json()["agreement"] is None  # not the same option
    r = client.post(url["rugby"], json={"option": 1})
    agreement = r.json()["agreement"]
    rule = options[0]["rule"]
    nth = {1: "1st", 2: "2nd", 3: "3rd", 4: "4th", -1: "last"}[rule["nth"]]
    assert agreement["rule"] == f"{nth} {rule['weekday']} {rule['time']} {rule['anchor']}"
    assert agreement["since"].endswith("-01")
    assert m.view()["agreement"]["rule"] == agreement["rule"]
    assert set(m.view()["agreed_by"]) == {"rugby", "nairobi"}
    # withdrawing does not undo an agreement made; agreeing to another option needs all
    r = client.delete(url["rugby"])
    assert r.json()["agreed_by"] == ["nairobi"] and r.json()["agreement"] == agreement
    for bad in ({"option": 0}, {"option": 99}, {"option": "1"}, {"option": True}, {}):
        assert client.post(url["rugby"], json=bad).status_code == 422, bad
    assert client.post(f"/api/v1/p/{m.organizer}/agree", json={"option": 1}).status_code == 404


def test_rotate_links(client: TestClient) -> None:
    m = Made(client)
    old = m.schools["rugby"]
    r = client.post(f"/api/v1/p/{m.organizer}/rotate", json={"school": "rugby"})
    assert r.status_code == 200
    new = r.json()["url"].rsplit("/", 1)[1]
    assert client.get(f"/api/v1/p/{old}").status_code == 404
    assert client.get(f"/api/v1/p/{new}").json()["school"] == "rugby"
    r = client.post(f"/api/v1/p/{m.organizer}/rotate", json={"organizer": True})
    org = r.json()["url"].rsplit("/", 1)[1]
    assert client.get(f"/api/v1/p/{m.organizer}").status_code == 404
    assert client.get(f"/api/v1/p/{org}").json()["role"] == "organizer"
    assert client.post(f"/api/v1/p/{new}/rotate", json={"school": "rugby"}).status_code == 404
    assert client.post(f"/api/v1/p/{org}/rotate", json={"school": "eton"}).status_code == 404
    assert client.post(f"/api/v1/p/{org}/rotate", json={}).status_code == 422


def test_revisions_and_restore(client: TestClient) -> None:
    m = Made(client)
    section, rev = m.section("rugby")
    url = f"/api/v1/p/{m.schools['rugby']}/schools/rugby"
    for i, prefer in enumerate(("10:00", "11:00")):
        r = client.put(url, json=dict(section, prefer=prefer),
                       headers={"If-Match": f'"{rev + i}"'})
        assert r.status_code == 200
    r = client.get(f"/api/v1/p/{m.organizer}/revisions/rugby")
    versions = r.json()
    assert [v["revision"] for v in versions] == [3, 2, 1]
    assert [v["data"].get("prefer") for v in versions] == ["11:00", "10:00", None]
    assert versions[0]["by"] == "school rugby" and versions[2]["by"] == "organizer"
    assert client.get(f"/api/v1/p/{m.schools['rugby']}/revisions/rugby").status_code == 404
    assert client.get(f"/api/v1/p/{m.organizer}/revisions/eton").status_code == 404
    restore = f"/api/v1/p/{m.organizer}/revisions/rugby/1"
    assert client.post(restore).status_code == 428
    assert client.post(restore, headers={"If-Match": '"2"'}).status_code == 409
    r = client.post(restore, headers={"If-Match": '"3"'})
    assert r.status_code == 200 and r.json() == {"revision": 4}
    assert "prefer" not in m.section("rugby")[0]
    assert client.post(f"/api/v1/p/{m.organizer}/revisions/rugby/9",
                       headers={"If-Match": '"4"'}).status_code == 404
    settings = client.get(f"/api/v1/p/{m.organizer}/partnership/revisions").json()
    assert [v["revision"] for v in settings] == [1]
    r = client.post(f"/api/v1/p/{m.organizer}/partnership/revisions/1",
                    headers={"If-Match": '"1"'})
    assert r.json() == {"revision": 2}


def test_delete_partnership(client: TestClient) -> None:
    m = Made(client)
    assert client.get(m.feeds["rugby"]).status_code == 200
    assert client.delete(f"/api/v1/p/{m.schools['rugby']}").status_code == 404
    assert client.delete(f"/api/v1/p/{m.organizer}").status_code == 204
    for t in (m.organizer, *m.schools.values()):
        assert client.get(f"/api/v1/p/{t}").status_code == 404
    assert client.get(m.feeds["rugby"]).status_code == 404
    assert client.get(m.feed).status_code == 404


def test_openapi_describes_every_route(client: TestClient) -> None:
    from twinschedule.serve import api

    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200
    doc = r.json()
    assert doc["openapi"].startswith("3.1")
    documented = {(path.replace("{version}", "{version:int}"), method.upper())
                  for path, item in doc["paths"].items() for method in item
                  if method != "parameters"}
    routes = {(route.path.replace("{token}", "{token}"), method)
              for route in api.routes for method in (route.methods or ())
              if method != "HEAD" and route.path != "/api/v1/openapi.json"}
    assert routes == documented


def test_feeds_by_url(client: TestClient) -> None:
    m = Made(client)
    r = client.get(m.feeds["rugby"])
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/calendar; charset=utf-8"
    etag, modified = r.headers["etag"], r.headers["last-modified"]
    assert etag.startswith('"') and not etag.startswith("W/")
    cal = icalendar.Calendar.from_ical(r.content)
    assert [str(e["uid"]) for e in cal.walk("VEVENT")]
    assert client.get(m.feeds["rugby"], headers={"If-None-Match": etag}).status_code == 304
    assert client.get(m.feeds["rugby"], headers={"If-None-Match": '"x", ' + etag}
                      ).status_code == 304
    assert client.get(m.feeds["rugby"], headers={"If-None-Match": '"x"'}).status_code == 200
    assert client.get(m.feeds["rugby"], headers={"If-Modified-Since": modified}
                      ).status_code == 304
    assert client.get(m.feeds["rugby"], headers={"If-Modified-Since": "Mon, 01 Jan 1990 "
                                                 "00:00:00 GMT"}).status_code == 200
    # If-None-Match decides over If-Modified-Since
    assert client.get(m.feeds["rugby"], headers={"If-None-Match": '"x"',
                                                 "If-Modified-Since": modified}
                      ).status_code == 200
    assert client.head(m.feeds["rugby"]).headers["etag"] == etag
    assert client.get(m.feed).status_code == 200
    assert client.get(m.feeds["rugby"].replace(".rugby.", ".eton.")).status_code == 404
    assert client.get("/feeds/nope/rugby-nairobi.ics").status_code == 404


def test_feed_changes_only_with_its_content(client: TestClient) -> None:
    m = Made(client)
    before = {s: client.get(p) for s, p in m.feeds.items()}
    # a closure on a Sunday (no school day) changes no meeting and no text: same feeds
    section, rev = m.section("rugby")
    r = client.put(f"/api/v1/p/{m.schools['rugby']}/schools/rugby",
                   json=dict(section, closures=[{"on": "2026-09-06", "name": "Sunday"}]),
                   headers={"If-Match": f'"{rev}"'})
    assert r.status_code == 200
    assert m.view()["plan"] is not None
    after = {s: client.get(p) for s, p in m.feeds.items()}
    for s in m.feeds:
        assert after[s].content == before[s].content
        assert after[s].headers["etag"] == before[s].headers["etag"]
        assert after[s].headers["last-modified"] == before[s].headers["last-modified"]
    # renaming a school changes the text of the feeds that name it
    section, rev = m.section("nairobi")
    r = client.put(f"/api/v1/p/{m.schools['nairobi']}/schools/nairobi",
                   json=dict(section, name="Moi Forces Academy, Nairobi"),
                   headers={"If-Match": f'"{rev}"'})
    assert r.status_code == 200
    renamed = client.get(m.feeds["rugby"])
    assert renamed.headers["etag"] != after["rugby"].headers["etag"]
    assert "Moi Forces Academy, Nairobi" in icalendar.Calendar.from_ical(
        renamed.content).walk("VEVENT")[0]["description"]
    # asking again changes nothing
    assert client.get(m.feeds["rugby"]).headers["etag"] == renamed.headers["etag"]
