"""The service's parts on their own: the migrations create the tables the code uses;
``twinschedule serve`` without the extra, and its refused options; tokens redacted
from log lines; forms that give back the section they show; problems placed at their
fields; agreement.md's ``since``; a newer plan is never replaced by an older one."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st
from servekit import Made, app_url, client, clock  # noqa: F401 (fixtures)
from starlette.testclient import TestClient

from twinschedule.serve import db, forms, publish, service, tokens


def test_migrations_make_the_tables_of_the_code(app_url: str) -> None:
    engine = db.engine_for(app_url)
    db.migrate(engine)
    db.migrate(engine)  # idempotent
    found = sa.inspect(engine)
    for table in db.metadata.sorted_tables:
        columns = {c["name"]: c for c in found.get_columns(table.name)}
        assert set(columns) == {c.name for c in table.columns}, table.name
        for c in table.columns:
            assert columns[c.name]["nullable"] == c.nullable, (table.name, c.name)
    assert set(found.get_table_names()) == {*db.metadata.tables, "alembic_version"}
    engine.dispose()


def test_serve_without_the_extra_says_how_to_install_it() -> None:
    code = ("import sys; sys.modules['starlette'] = None\n"
            "from twinschedule.cli import main\n"
            "sys.exit(main(['serve', '--port', '1']))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 2
    assert "pip install 'twinschedule[serve]'" in out.stderr and "Traceback" not in out.stderr


def test_serve_refuses_bad_options() -> None:
    from twinschedule.cli import main

    assert main(["serve", "--workers", "2"]) == 2  # SQLite is for one worker
    assert main(["serve", "--port", "70000"]) == 2
    assert main(["serve", "--base-url", "link.example"]) == 2


def test_redact() -> None:
    t = tokens.new_token()
    assert tokens.well_formed(t) and len(t) == 43
    line = f'GET /p/{t}/schools/a?x=1 and /api/v1/p/{t} "HTTP/1.1 200"'
    assert t not in tokens.redact(line)
    assert tokens.redact(line).count("/p/…") == 2
    assert tokens.digest(t) != t and len(tokens.digest(t)) == 64


_word = st.text(alphabet="abcdefghij klmno", min_size=1, max_size=12).map(str.strip).filter(
    bool)
_date = st.dates(dt.date(2026, 1, 1), dt.date(2027, 12, 31)).map(dt.date.isoformat)
_time = st.sampled_from(["08:00", "09:15", "12:00", "15:30"])


@given(st.fixed_dictionaries({
    "name": _word, "timezone": st.sampled_from(["Europe/London", "Asia/Tokyo"]),
    "hours": st.lists(st.sampled_from(["08:00-12:00", "13:00-15:00"]), min_size=1,
                      max_size=2, unique=True),
    "terms": st.lists(st.fixed_dictionaries({"from": _date, "to": _date, "name": _word}),
                      min_size=1, max_size=3),
    "closures": st.lists(st.one_of(
        st.fixed_dictionaries({"from": _date, "to": _date, "name": _word}),
        st.fixed_dictionaries({"on": _date, "name": _word})), min_size=1, max_size=3),
    "busy": st.lists(st.one_of(
        st.fixed_dictionaries({"on": _date, "from": _time, "to": _time, "name": _word}),
        st.fixed_dictionaries({"every": st.lists(st.sampled_from(forms.WEEKDAYS),
                                                 min_size=1, max_size=3, unique=True),
                               "from": _time, "to": _time, "name": _word})),
        min_size=1, max_size=3),
    "days": st.lists(st.sampled_from(forms.WEEKDAYS), min_size=1, max_size=7, unique=True)
    .map(lambda ds: [d for d in forms.WEEKDAYS if d in ds]),
}, optional={"hours_by_day": st.fixed_dictionaries({"FR": st.just(["08:00-12:00"])}),
             "contacts": st.lists(st.fixed_dictionaries({
                 "name": _word, "email": st.just("a@b.example"),
                 "language": st.sampled_from(["en", "de"])}), min_size=1, max_size=2),
             "extra_key_kept": st.just(1)}))
def test_a_section_survives_its_form(section: dict[str, object]) -> None:
    shown = forms.school_to_form(section)
    shown["days.shown"] = "1"
    assert forms.school_from_form(shown, section) == section


def test_problems_are_placed_at_their_fields() -> None:
    assert forms.place("schools[1] (nairobi).terms[0].from", school=True) == (
        "terms", "line 1: from")
    assert forms.place("schools[1].hours[2]", school=True) == ("hours", "[2]")
    assert forms.place("schools[0].hours_by_day.FR[0]", school=True) == (
        "hours_by_day.FR", "[0]")
    assert forms.place("schools[0].closures_ics[1]", school=True) == (
        "closures_ics", "calendar 2")
    assert forms.place("partnership.duration", school=False) == ("duration", "")
    at, rest = forms.placed([{"path": "schools[0].timezone", "message": "bad"},
                             {"path": "schools[0].zzz", "message": "unknown key"}],
                            {"timezone"}, school=True)
    assert at == {"timezone": ["bad"]} and rest == ["schools[0].zzz: unknown key"]


def test_since_is_the_first_month_after_the_last_agreeing() -> None:
    rule = {"nth": 2, "weekday": "FR", "time": "12:00", "anchor": "Africa/Nairobi"}
    # the 2nd Friday of March 2027 is the 12th
    assert service.since(rule, dt.datetime(2027, 3, 11, 23, tzinfo=dt.UTC)) == dt.date(
        2027, 3, 1)
    assert service.since(rule, dt.datetime(2027, 3, 12, 1, tzinfo=dt.UTC)) == dt.date(
        2027, 4, 1)
    last = {"nth": -1, "weekday": "MO", "time": "00:30", "anchor": "Pacific/Kiritimati"}
    # last Monday of Dec 2026 is the 28th; 00:30 at UTC+14 is 27 Dec 10:30 UTC
    assert service.since(last, dt.datetime(2026, 12, 27, 5, tzinfo=dt.UTC)) == dt.date(
        2027, 1, 1)
    assert service.since(last, dt.datetime(2026, 12, 26, 5, tzinfo=dt.UTC)) == dt.date(
        2026, 12, 1)


def test_an_older_plan_never_replaces_a_newer_one(client: TestClient) -> None:
    m = Made(client)
    engine = client.app.state.settings.engine  # type: ignore[attr-defined]
    link = service.resolve(engine, m.organizer)
    old = service.read(engine, link)
    section, rev = m.section("rugby")
    client.put(f"/api/v1/p/{m.schools['rugby']}/schools/rugby",
               json=dict(section, name="Renamed"), headers={"If-Match": f'"{rev}"'})
    newest = service.read(engine, link)
    assert newest.issue is not None and newest.issue.state == newest.state
    # a slow worker that planned the old state stores nothing now
    publish._store(engine, old, publish.Issued(
        plan={"options": []}, option=None, files={}, feed_option=None,
        made=db.now(), html={"": ""}))
    assert service.read(engine, link).issue == newest.issue
