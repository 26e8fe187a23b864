"""The service on the library's agreements (agreement.md), in-process, on SQLite and
PostgreSQL, with the service's clock moved on by the tests (never by sleeping): the
agreed rule is option 1 and the feeds' option; after an agreement, a re-plan keeps the
months before the request's day exactly as published, says what changed and derives
SEQUENCE; the partnership page includes the report's sections (the library's shared
templates) under a CSP that allows exactly their inline styles; invitations are .eml
downloads, every contact's for the organiser and a school's own contacts' for it."""

from __future__ import annotations

import base64
import datetime as dt
import email
import email.policy
import hashlib
import html
import re
from typing import Any

import icalendar
import recurring_ical_events
from servekit import (  # noqa: F401 (fixtures)
    Clock,
    Made,
    app_url,
    client,
    clock,
    partnership,
)
from starlette.testclient import TestClient

ORGANIZER = {"name": "A. Okafor", "email": "a.okafor@rugby.example"}
CONTACTS = {
    "rugby": [{"name": "J. Smith", "email": "j.smith@rugby.example"},
              {"name": "P. Jones", "email": "p.jones@rugby.example"}],
    "nairobi": [{"name": "W. Otieno", "email": "w.otieno@moi.example", "language": "sw"}],
}


def _agree_all(client: TestClient, m: Made, option: int = 1) -> dict[str, Any]:
    for t in m.schools.values():
        r = client.post(f"/api/v1/p/{t}/agree", json={"option": option})
        assert r.status_code == 200, r.text
    agreement: dict[str, Any] = r.json()["agreement"]
    assert agreement is not None
    return agreement


def _put(client: TestClient, m: Made, sid: str, **changes: Any) -> None:
    section, rev = m.section(sid)
    r = client.put(f"/api/v1/p/{m.schools[sid]}/schools/{sid}", json={**section, **changes},
                   headers={"If-Match": f'"{rev}"'})
    assert r.status_code == 200, r.text


def _expand(feed: bytes) -> list[dt.datetime]:
    cal = icalendar.Calendar.from_ical(feed)
    events = recurring_ical_events.of(cal).between(dt.date(2026, 1, 1), dt.date(2028, 1, 1))
    return sorted(e["DTSTART"].dt.astimezone(dt.UTC) for e in events)


def _held(option: dict[str, Any]) -> dict[str, dt.datetime]:
    return {m["month"]: dt.datetime.fromisoformat(m["start"].replace("Z", "+00:00"))
            for m in option["meetings"] if m["start"] is not None}


def _sequence(feed: bytes) -> set[int]:
    return {int(e["SEQUENCE"]) for e in icalendar.Calendar.from_ical(feed).walk("VEVENT")}


def test_the_agreed_rule_is_option_1_and_the_feeds(client: TestClient) -> None:
    m = Made(client)
    first = m.view()["plan"]["options"]
    agreement = _agree_all(client, m, 2)
    assert agreement["since"] == "2026-08-01"  # clock: 1 August, the rule's August is later
    view = m.view()
    # the file's [agreement]: since inside the horizon (which starts on 1 September)
    assert view["partnership"]["agreement"] == {"rule": agreement["rule"],
                                                "since": "2026-09-01"}
    option = view["plan"]["options"][0]
    assert option["agreed"] is True and option["rule"] == first[1]["rule"]
    assert view["feed_option"] == 1 and view["feeds_follow"] == option
    # the agreed rule was option 2: the re-plan says the rule changed, SEQUENCE rises
    assert [c["change"] for c in view["plan"]["changes"]][:1] == ["rule-changed"]
    assert view["plan"]["sequence"] == 1
    feed = client.get(m.feeds["rugby"]).content
    assert _expand(feed) == sorted(_held(option).values())
    assert _sequence(feed) == {1}


def test_after_an_agreement_the_past_stays_as_published(client: TestClient,
                                                         clock: Clock) -> None:
    m = Made(client)
    _agree_all(client, m)
    before = m.view()
    published = before["plan"]
    held = _held(published["options"][0])
    assert {"2026-09", "2026-10", "2026-11", "2026-12"} <= set(held)
    r = client.get(m.feeds["rugby"])
    etag, old_feed = r.headers["etag"], r.content
    # two months later, Rugby closes on the days of September's and of November's
    # meetings: September is history and stays; November moves
    clock.now = dt.datetime(2026, 11, 1, 9, tzinfo=dt.UTC)
    closed = [held["2026-09"].date(), held["2026-11"].date()]
    _put(client, m, "rugby", closures=[{"on": d.isoformat(), "name": "Closed"} for d in closed])
    view = m.view()
    assert view["planned"]
    plan = view["plan"]
    option = plan["options"][0]
    assert option["agreed"] is True
    months = {x["month"]: x for x in option["meetings"]}
    old_months = {x["month"]: x for x in published["options"][0]["meetings"]}
    for month in ("2026-09", "2026-10"):  # before today: exactly as published
        assert months[month].pop("kept") is True
        assert months[month] == {k: v for k, v in old_months[month].items() if k != "kept"}
    assert months["2026-11"]["start"] != old_months["2026-11"]["start"]
    assert not months["2026-11"].get("kept")
    assert [(c["month"], c["change"]) for c in plan["changes"]] == [
        ("2026-11", months["2026-11"]["status"] if months["2026-11"]["status"] == "skipped"
         else "moved")]
    assert plan["sequence"] == published["sequence"] + 1
    # the feed: a new ETag, the same meetings before today, November moved
    r = client.get(m.feeds["rugby"], headers={"If-None-Match": etag})
    assert r.status_code == 200 and r.headers["etag"] != etag
    today = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    after = _expand(r.content)
    assert [x for x in after if x < today] == [x for x in _expand(old_feed) if x < today]
    assert held["2026-11"] not in after and held["2026-09"] in after
    assert after == sorted(_held(option).values())
    assert _sequence(r.content) == {plan["sequence"]}
    # the page says what changed, in the report's words too
    page = client.get(f"/p/{m.schools['rugby']}").text
    assert "What changed since the last plan" in page
    assert 'data-change="moved" data-month="2026-11"' in page or \
        'data-change="skipped" data-month="2026-11"' in page


def test_a_later_edit_that_changes_nothing_keeps_the_feed(client: TestClient,
                                                          clock: Clock) -> None:
    m = Made(client)
    _agree_all(client, m)
    r = client.get(m.feeds["rugby"])
    sequence = m.view()["plan"]["sequence"]
    clock.advance(days=100)
    # a closure in the past: history is not rewritten; nothing changed
    _put(client, m, "rugby", closures=[{"from": "2026-09-01", "to": "2026-10-31",
                                        "name": "Autumn"}])
    view = m.view()
    assert view["plan"]["changes"] == [] and view["plan"]["sequence"] == sequence
    again = client.get(m.feeds["rugby"])
    assert again.content == r.content and again.headers["etag"] == r.headers["etag"]
    page = client.get(f"/p/{m.organizer}").text
    assert "Nothing changed since the last plan." in page


def test_an_agreed_alternation_is_planned_and_published(client: TestClient) -> None:
    data = partnership()
    data["agreement"] = {"rules": ["2nd FR 12:00 Africa/Nairobi",
                                   "3rd FR 12:00 Africa/Nairobi"], "since": "2026-09-01"}
    m = Made(client, data)
    option = m.view()["plan"]["options"][0]
    assert option["agreed"] is True and option["kind"] == "alternating"
    assert [r["text"] for r in option["rules"]] == [
        "2nd Friday of every month at 12:00 (Africa/Nairobi)",
        "3rd Friday of every month at 12:00 (Africa/Nairobi)"]
    assert {m["rule"] for m in option["meetings"]} == {0, 1}
    feed = client.get(m.feeds["rugby"]).content
    assert feed.count(b"INTERVAL=2") == 2
    assert _expand(feed) == sorted(_held(option).values())


def _with_contacts(organizer: bool = True) -> dict[str, Any]:
    data = partnership()
    if organizer:
        data["partnership"]["organizer"] = ORGANIZER
    for s in data["schools"]:
        s["contacts"] = CONTACTS[s["id"]]
    return data


def _links(page: str) -> list[str]:
    return [html.unescape(x) for x in re.findall(r'class="invitation" href="([^"]+)"', page)]


def test_invitations_to_download(client: TestClient) -> None:
    m = Made(client, _with_contacts())
    _agree_all(client, m)
    plan = m.view()["plan"]
    every = _links(client.get(f"/p/{m.organizer}").text)
    assert [x.rsplit("/invitations/", 1)[1] for x in every] == [
        "rugby/j.smith@rugby.example.eml", "rugby/p.jones@rugby.example.eml",
        "nairobi/w.otieno@moi.example.eml"]
    own = _links(client.get(f"/p/{m.schools['nairobi']}").text)
    assert [x.rsplit("/invitations/", 1)[1] for x in own] == [
        "nairobi/w.otieno@moi.example.eml"]
    r = client.get(own[0])
    assert r.status_code == 200 and r.headers["content-type"] == "message/rfc822"
    assert "attachment" in r.headers["content-disposition"]
    msg = email.message_from_bytes(r.content, policy=email.policy.default)
    assert msg["To"].addresses[0].addr_spec == "w.otieno@moi.example"
    assert msg["From"].addresses[0].addr_spec == ORGANIZER["email"]
    part = msg.get_body(("calendar",))
    assert part is not None and part.get_param("method") == "REQUEST"
    cal = icalendar.Calendar.from_ical(part.get_content())
    events = cal.walk("VEVENT")
    assert {int(e["SEQUENCE"]) for e in events} == {plan["sequence"]}
    assert sorted(str(a) for a in events[0].get("ATTENDEE")) == sorted(
        f"mailto:{c['email']}" for cs in CONTACTS.values() for c in cs)
    # the same series as the feed
    assert sorted(e["DTSTART"].dt.astimezone(dt.UTC) for e in recurring_ical_events.of(
        cal).between(dt.date(2026, 1, 1), dt.date(2028, 1, 1))) == sorted(
        _held(plan["options"][0]).values())
    # the organiser downloads any; a school another school's: 404, as a made-up name
    assert client.get(every[0]).status_code == 200
    other = every[0].replace(m.organizer, m.schools["nairobi"])
    assert client.get(other).status_code == 404
    assert client.get(own[0].replace("w.otieno", "x.nobody")).status_code == 404
    assert client.get(own[0].replace(m.schools["nairobi"], "x" * 43)).status_code == 404


def test_no_invitations_without_an_organiser(client: TestClient) -> None:
    m = Made(client, _with_contacts(organizer=False))
    page = client.get(f"/p/{m.organizer}").text
    assert _links(page) == []
    assert "once the partnership has an organiser" in page


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_the_page_includes_the_report_with_a_strict_csp(client: TestClient) -> None:
    data = partnership()
    data["schools"][1]["language"] = "es"
    m = Made(client, data)
    r = client.get(f"/p/{m.organizer}")
    page = r.text
    assert "<iframe" not in page
    # the report's sections, by the library's templates: week strip, year strip, months
    assert '<section class="week">' in page and '<table class="year">' in page
    assert '<table class="months">' in page and "<svg" in page
    assert '<link rel="stylesheet" href="/report.css">' in page
    css = client.get("/report.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert ".year" in css.text
    # the CSP allows exactly the inline styles the page holds, and no script
    csp = r.headers["content-security-policy"]
    assert "'unsafe-inline'" not in csp and "script-src" not in csp
    assert "default-src 'none'" in csp
    styles = re.findall(r"<style>(.*?)</style>", page, re.S)
    attributes = [html.unescape(x) for x in re.findall(r'\sstyle="([^"]*)"', page)]
    assert styles and attributes
    allowed = set(re.findall(r"'sha256-[^']+'", csp))
    assert allowed == {_sha256(x) for x in [*styles, *attributes]}
    # a school reads the report in its own language
    spanish = client.get(f"/p/{m.schools['nairobi']}").text
    english = client.get(f"/p/{m.schools['rugby']}").text
    assert '<html lang="en">' in spanish  # the service's own page stays in English
    assert _report_part(spanish) != _report_part(english)
    assert "Opciones" in _report_part(spanish) or "opciones" in _report_part(spanish)
    # the report on its own page: its inline styles by hash, no 'unsafe-inline'
    alone = client.get(f"/p/{m.organizer}/report")
    assert "'unsafe-inline'" not in alone.headers["content-security-policy"]
    assert "sandbox" in alone.headers["content-security-policy"]


def _report_part(page: str) -> str:
    return page.split('<div class="report">', 1)[1]


def test_the_embedded_report_is_the_documents_main() -> None:
    import twinschedule

    p = twinschedule.from_dict(partnership())
    result = twinschedule.plan(p)
    made = dt.datetime(2026, 8, 1, tzinfo=dt.UTC)
    document = twinschedule.report(result, made=made, lang="de")
    sections = twinschedule.report(result, made=made, lang="de", embed=True)
    main = document.split("<main>", 1)[1].rsplit("</main>", 1)[0]
    assert sections.strip() == main.strip() and "<html" not in sections
    assert twinschedule.report_stylesheet().strip() in document
