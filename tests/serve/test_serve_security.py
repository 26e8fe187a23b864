"""The security cases of issue 23, each refused: another school's section through a
school link; made-up, truncated and rotated tokens; uploads over 2 MiB, not iCalendar,
or over the importer's limits; a stale revision (test_api.py); tokens absent from logs
and from the database in clear. (CSRF and a script in a school name: test_pages.py.)"""

from __future__ import annotations

import logging

import pytest
import sqlalchemy as sa
from servekit import Made, app_url, client, clock  # noqa: F401 (fixtures)
from starlette.testclient import TestClient

from twinschedule.serve import db

NOT_FOUND = {"type": "about:blank", "title": "Not Found", "status": 404}


def test_a_school_link_cannot_touch_another_school(client: TestClient) -> None:
    m = Made(client)
    section, rev = m.section("nairobi")
    rugby = m.schools["rugby"]
    for method, url, kw in [
        ("PUT", f"/api/v1/p/{rugby}/schools/nairobi", {"json": section}),
        ("POST", f"/api/v1/p/{rugby}/schools/nairobi/calendars",
         {"files": {"file": ("x.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")}}),
        ("DELETE", f"/api/v1/p/{rugby}/schools/nairobi", {}),
        ("GET", f"/api/v1/p/{rugby}/revisions/nairobi", {}),
        ("POST", f"/api/v1/p/{rugby}/revisions/nairobi/1", {}),
        ("POST", f"/api/v1/p/{rugby}/rotate", {"json": {"school": "nairobi"}}),
        ("DELETE", f"/api/v1/p/{rugby}", {}),
        ("PUT", f"/api/v1/p/{rugby}/schools/eton", {"json": section}),
    ]:
        r = client.request(method, url, headers={"If-Match": f'"{rev}"'}, **kw)
        assert r.status_code == 404 and r.json() == NOT_FOUND, (method, url)
    assert m.section("nairobi")[1] == rev


@pytest.mark.parametrize("kind", ["made-up", "truncated", "extended", "rotated", "case",
                                  "empty-ish"])
def test_bad_tokens_are_404_saying_nothing(client: TestClient, kind: str) -> None:
    m = Made(client)
    real = m.schools["rugby"]
    if kind == "rotated":
        client.post(f"/api/v1/p/{m.organizer}/rotate", json={"school": "rugby"})
    bad = {"made-up": "A" * 43, "truncated": real[:-1], "extended": real + "A",
           "rotated": real, "case": real.swapcase(), "empty-ish": "-"}[kind]
    if kind == "case" and bad == real:
        pytest.skip("a token without letters")
    for method, url in [("GET", f"/api/v1/p/{bad}"), ("GET", f"/p/{bad}"),
                        ("PUT", f"/api/v1/p/{bad}/schools/rugby"),
                        ("POST", f"/api/v1/p/{bad}/agree"),
                        ("GET", f"/p/{bad}/schools/rugby")]:
        r = client.request(method, url, json={}, headers={"If-Match": '"1"'})
        assert r.status_code == 404, (kind, method, url)
        assert "rugby" not in r.text.lower() and "nairobi" not in r.text.lower()


def _upload(client: TestClient, m: Made, content: bytes, **headers: str) -> object:
    _, rev = m.section("rugby")
    return client.post(f"/api/v1/p/{m.schools['rugby']}/schools/rugby/calendars",
                       files={"file": ("cal.ics", content, "text/calendar")},
                       headers={"If-Match": f'"{rev}"', **headers})


def test_upload_over_2_mib_is_413_before_anything(client: TestClient) -> None:
    m = Made(client)
    big = b"BEGIN:VCALENDAR\r\n" + b"X" * (2 * 1024 * 1024) + b"\r\nEND:VCALENDAR\r\n"
    r = _upload(client, m, big)
    assert r.status_code == 413 and r.headers["content-type"] == "application/problem+json"
    # answered before the token is looked at: a made-up token gets 413 too
    r = client.post("/api/v1/p/" + "A" * 43 + "/schools/x/calendars", content=big,
                    headers={"content-type": "application/octet-stream"})
    assert r.status_code == 413
    # a chunked body without Content-Length is cut off at the limit as well

    def chunks() -> object:
        for _ in range(40):
            yield b"Y" * 65536

    r = client.post(f"/api/v1/p/{m.schools['rugby']}/schools/rugby/calendars",
                    content=chunks(), headers={"If-Match": '"1"',
                                               "content-type": "multipart/form-data; "
                                                               "boundary=x"})
    assert r.status_code == 413
    assert m.section("rugby")[1] == 1


def test_upload_that_is_not_icalendar(client: TestClient) -> None:
    m = Made(client)
    secret = b"root:x:0:0:SECRET-CONTENT:/root:/bin/bash\n"
    r = _upload(client, m, secret)
    assert r.status_code == 422
    assert "SECRET-CONTENT" not in r.text and "root:x" not in r.text
    r = _upload(client, m, b"<!DOCTYPE html><html><body>Sign in</body></html>")
    assert r.status_code == 422 and "Sign in" not in r.text
    assert "not an iCalendar file" in r.text
    assert m.section("rugby")[1] == 1


def test_upload_over_the_importers_limits(client: TestClient) -> None:
    m = Made(client)
    events = b"".join(b"BEGIN:VEVENT\r\nUID:%d\r\nDTSTART;VALUE=DATE:20261012\r\n"
                      b"END:VEVENT\r\n" % i for i in range(20_001))
    content = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" + events + b"END:VCALENDAR\r\n"
    assert len(content) < 2 * 1024 * 1024
    r = _upload(client, m, content)
    assert r.status_code == 422, r.text
    assert "20000" in r.text.replace(",", "") or "20 000" in r.text
    assert m.section("rugby")[1] == 1


def _all_text(url: str) -> str:
    engine = db.engine_for(url)
    out = []
    with engine.connect() as conn:
        meta = sa.MetaData()
        meta.reflect(conn)
        for table in meta.sorted_tables:
            for row in conn.execute(sa.select(table)):
                for value in row:
                    out.append(value.decode("latin-1") if isinstance(value, bytes)
                               else str(value))
    engine.dispose()
    return "\n".join(out)


def test_tokens_are_not_in_the_database_nor_in_logs(client: TestClient, app_url: str,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    m = Made(client)
    rotated = client.post(f"/api/v1/p/{m.organizer}/rotate", json={"school": "rugby"}
                          ).json()["url"].rsplit("/", 1)[1]
    secrets = [m.organizer, rotated, *m.schools.values()]
    for t in secrets:
        client.get(f"/api/v1/p/{t}")
        client.get(f"/p/{t}")
        client.get(f"/p/{t}/schools/rugby")
    text = _all_text(app_url)
    assert "rugby-nairobi" in text  # the dump sees the data
    for t in secrets:
        assert t not in text
    # the server's records (the test client's own httpx log is the client's, not ours)
    logged = "\n".join(r.getMessage() for r in caplog.records
                       if r.name.startswith(("twinschedule", "uvicorn", "starlette")))
    assert "/p/…" in logged  # the access log is there, without the tokens
    for t in secrets:
        assert t not in logged
