"""Invitations (agreement.md): iMIP emails built with ``email`` and ``icalendar``.

- their structure (From, To, subject and body in the contact's language, a
  text/calendar part with its method, ORGANIZER, an ATTENDEE for every contact, the
  partnership's UID, the plan's SEQUENCE);
- an iTIP model: applying the messages of the first issue and of every re-issue, in
  order, to an empty attendee calendar gives exactly the latest plan's held meetings,
  expanded with recurring-ical-events and with ical.js;
- the command line: files written, nothing changed, bad input (exit 2, nothing written
  or sent); and a real SMTP server on the loopback (aiosmtpd) that receives every
  message intact, or refuses one recipient (exit 3, the others arrive).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import icalendar
import pytest
from conftest import EXAMPLES, ROOT
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from test_agreement import _closures_later, _load, _today, _v1
from test_feeds import expand_js, expand_python, held

import twinschedule
from twinschedule.core.plan import Plan

STAMP = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)
V1 = EXAMPLES / "agreement" / "lima-osaka.toml"
V2 = EXAMPLES / "agreement" / "lima-osaka-v2.toml"
TODAY = dt.date(2027, 1, 15)


def calendar_part(msg: EmailMessage) -> EmailMessage:
    parts = [p for p in msg.iter_parts() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1
    return parts[0]  # type: ignore[return-value]


def ics_of(msg: EmailMessage) -> icalendar.Calendar:
    part = calendar_part(msg)
    cal = icalendar.Calendar.from_ical(part.get_payload(decode=True))
    assert str(cal["METHOD"]) == part.get_param("method")
    return cal


class AttendeeCalendar:
    """An attendee's calendar that applies iTIP messages as RFC 5546 says: a REQUEST
    with the master replaces the series; a REQUEST of occurrences adds or replaces them
    (an excluded occurrence comes back); a CANCEL of occurrences removes them (they
    become EXDATEs); a CANCEL of the series removes it. SEQUENCE never goes down."""

    def __init__(self) -> None:
        self.series: dict[str, tuple[Any, dict[dt.datetime, Any]]] = {}
        self.zones: dict[str, Any] = {}
        self.sequence: dict[str, int] = {}

    def apply(self, msg: EmailMessage) -> None:
        cal = ics_of(msg)
        method = str(cal["METHOD"])
        for tz in cal.walk("VTIMEZONE"):
            self.zones[str(tz["TZID"])] = tz
        events = cal.walk("VEVENT")
        uids = {str(e["UID"]) for e in events}
        assert len(uids) == 1, "one UID per iTIP object"
        uid = uids.pop()
        sequence = int(events[0]["SEQUENCE"])
        assert sequence >= self.sequence.get(uid, 0), "SEQUENCE never goes down"
        self.sequence[uid] = sequence
        masters = [e for e in events if "RECURRENCE-ID" not in e]
        if method == "REQUEST" and masters:
            self.series[uid] = (masters[0], {_rid(e): e for e in events
                                             if "RECURRENCE-ID" in e})
        elif method == "REQUEST":
            master, overrides = self.series[uid]
            for e in events:
                overrides[_rid(e)] = e
                _set_exdates(master, [d for d in _exdates(master) if d != _rid(e)])
        elif masters:  # CANCEL of the series
            del self.series[uid]
        else:
            master, overrides = self.series[uid]
            for e in events:
                overrides.pop(_rid(e), None)
                _set_exdates(master, [*_exdates(master), e["RECURRENCE-ID"].dt])

    def ics(self) -> bytes:
        cal = icalendar.Calendar.new(prodid="-//test//attendee//EN", uid="attendee@test")
        for tz in self.zones.values():
            cal.add_component(tz)
        for master, overrides in self.series.values():
            cal.add_component(master)
            for e in overrides.values():
                cal.add_component(e)
        return bytes(cal.to_ical())


def _rid(e: Any) -> dt.datetime:
    return e["RECURRENCE-ID"].dt.astimezone(dt.UTC)  # type: ignore[no-any-return]


def _exdates(master: Any) -> list[dt.datetime]:
    values = master.get("EXDATE", [])
    values = values if isinstance(values, list) else [values]
    return [d.dt for ex in values for d in ex.dts]


def _set_exdates(master: Any, dates: list[dt.datetime]) -> None:
    master.pop("EXDATE", None)
    seen = set()
    for d in dates:
        if d.astimezone(dt.UTC) not in seen:
            seen.add(d.astimezone(dt.UTC))
            master.add("exdate", d)


def apply_issues(issues: list[list[EmailMessage]]) -> dict[str, AttendeeCalendar]:
    """Every contact's calendar after the messages of every issue, in order."""
    calendars: dict[str, AttendeeCalendar] = {}
    for messages in issues:
        for msg in messages:
            to = msg["To"].addresses[0].addr_spec
            calendars.setdefault(to, AttendeeCalendar()).apply(msg)
    return calendars


def check_model(issues: list[list[EmailMessage]], latest: Plan, *, js: bool) -> None:
    calendars = apply_issues(issues)
    contacts = [c.email for s in latest.partnership.schools for c in s.contacts]
    assert set(calendars) <= set(contacts)
    if latest.option(1).meetings:  # an option without months sends nothing
        assert sorted(calendars) == sorted(contacts)
    want = held(latest.option(1))
    files = [calendars.get(c, AttendeeCalendar()).ics() for c in contacts]
    for data in files:
        assert expand_python(data, latest) == want
    if js:
        import icaljs

        if icaljs.node_available():
            assert expand_js(files, latest) == [want] * len(files)


# -- structure -----------------------------------------------------------------------


def test_first_issue_invites_every_contact_in_its_language() -> None:
    plan = twinschedule.plan(twinschedule.load(V1))
    messages = twinschedule.invitations(plan, stamp=STAMP)
    p = plan.partnership
    contacts = [(s, c) for s in p.schools for c in s.contacts]
    assert [m["To"].addresses[0].addr_spec for m in messages] == [c.email for _, c in contacts]
    for msg, (school, _) in zip(messages, contacts, strict=True):
        assert msg["From"].addresses[0].addr_spec == "rosa.quispe@colegio-lima.example"
        assert msg.get_content_type() == "multipart/alternative"
        part = calendar_part(msg)
        assert part.get_param("method") == "REQUEST" and part.get_param("charset") == "UTF-8"
        cal = ics_of(msg)
        assert str(cal["METHOD"]) == "REQUEST" and str(cal["VERSION"]) == "2.0"
        events = cal.walk("VEVENT")
        assert {str(e["UID"]) for e in events} == {"lima-osaka@twinschedule"}
        for e in events:
            assert str(e["ORGANIZER"]) == "mailto:rosa.quispe@colegio-lima.example"
            attendees = e["ATTENDEE"] if isinstance(e["ATTENDEE"], list) else [e["ATTENDEE"]]
            assert [str(a) for a in attendees] == [f"mailto:{c.email}" for _, c in contacts]
            for a, (_, c) in zip(attendees, contacts, strict=True):
                assert a.params["ROLE"] == "REQ-PARTICIPANT"
                assert a.params["PARTSTAT"] == "NEEDS-ACTION"
                assert a.params["RSVP"] == "TRUE" and a.params["CN"] == c.name
            assert e["SEQUENCE"] == 0 and e["DTSTAMP"].dt == STAMP
        body = msg.get_body(("plain",))
        assert body is not None
        text = body.get_content()
        if school.id == "osaka":  # Japanese, Osaka's own calendar (Friday morning)
            assert "毎月第3木曜日 18:00" in text and "金曜日 8:00" in text
            assert "交流校ミーティング" in str(msg["Subject"])
        else:
            assert "El tercer jueves de cada mes a las 18:00" in text
    check_model([messages], plan, js=True)


def test_the_lima_osaka_update_holds_only_the_two_months() -> None:
    """The story of the issue: the 3rd Thursday stays, the two months with a new Lima
    closure move, the past stays; the update is those two months only, in Spanish and
    Japanese, and applied after the first invitations it gives the new plan."""
    v1 = twinschedule.plan(twinschedule.load(V1))
    v2 = twinschedule.plan(twinschedule.load(V2), previous=v1, today=TODAY)
    assert v2.option(1).agreed and v2.option(1).rule == v1.option(1).rule
    assert [(c.month, c.change) for c in v2.changes or ()] == [
        ("2027-03", "moved"), ("2027-05", "moved")]
    update = twinschedule.invitations(v2, previous=v1, stamp=STAMP)
    assert len(update) == 2 * 3  # two months for each of the three contacts
    for msg in update:
        cal = ics_of(msg)
        assert str(cal["METHOD"]) == "REQUEST"
        (event,) = cal.walk("VEVENT")
        assert event["RECURRENCE-ID"].dt.date() in (dt.date(2027, 3, 18), dt.date(2027, 5, 20))
        assert event["SEQUENCE"] == 1
    spanish = update[0].get_body(("plain",))
    japanese = update[-1].get_body(("plain",))
    assert spanish is not None and japanese is not None
    assert "marzo de 2027: trasladada" in spanish.get_content()
    assert "2027年5月：変更" in japanese.get_content()
    check_model([twinschedule.invitations(v1, stamp=STAMP), update], v2, js=True)


def test_a_chain_of_issues_with_cancellations_and_a_new_agreement() -> None:
    """v1; v2 (closures: moves); v3 (one month cannot be held: CANCEL); v4 (the
    closures lifted: months restored); v5 (a new agreement from November: the whole
    series again, and the new one). After each issue the attendees' calendars are the
    latest plan."""
    data = twinschedule.to_dict(twinschedule.load(V2))
    issues: list[list[EmailMessage]] = []
    plans: list[Plan] = []

    def issue(data: dict[str, Any] | None, today: dt.date) -> Plan:
        p = twinschedule.load(V1) if data is None else twinschedule.from_dict(data)
        plan = twinschedule.plan(p, previous=plans[-1] if plans else None, today=today)
        issues.append(twinschedule.invitations(plan, previous=plans[-1] if plans else None,
                                               stamp=STAMP))
        plans.append(plan)
        check_model(issues, plan, js=False)
        return plan

    issue(None, TODAY)
    issue(data, TODAY)
    data["schools"][1]["closures"] = [{"from": "2027-04-06", "to": "2027-04-30",
                                       "name": "校舎改修"}]
    v3 = issue(data, dt.date(2027, 1, 16))
    assert [(c.month, c.change) for c in v3.changes or ()] == [("2027-04", "skipped")]
    assert [str(ics_of(m)["METHOD"]) for m in issues[-1]] == ["CANCEL"] * 3
    del data["schools"][1]["closures"]
    del data["schools"][0]["closures"]
    v4 = issue(data, dt.date(2027, 1, 17))
    assert [(c.month, c.change) for c in v4.changes or ()] == [
        ("2027-03", "moved"), ("2027-04", "restored"), ("2027-05", "moved")]
    data["agreement"] = {"rule": "2nd WE 18:00 America/Lima", "since": "2027-05-01"}
    v5 = issue(data, dt.date(2027, 2, 20))
    assert [s.tag for s in v5.option(1).series] == [None, "2027-05"]
    assert len(issues[-1]) == 2 * 3  # each contact: the old series and the new one
    assert [p.feed_sequence() for p in plans] == [0, 1, 2, 3, 4]
    check_model(issues, plans[-1], js=True)


@settings(max_examples=25)
@given(st.data())
def test_applied_invitations_are_the_latest_plan(data: st.DataObject) -> None:
    base = data.draw(st.composite(_v1)())
    for i, school in enumerate(base["schools"]):
        school["contacts"] = [{"name": f"Teacher {i}", "email": f"t{i}@s{i}.example"}]
    base["partnership"]["organizer"] = {"name": "Org", "email": "org@s0.example"}
    p0 = _load(base)
    assume(p0 is not None)
    assert p0 is not None
    first = twinschedule.plan(p0, suggest=False)
    assume(first.feasible)
    today, pivot = data.draw(st.composite(lambda draw: _today(draw, p0, first))())
    later = data.draw(st.composite(lambda draw: _closures_later(draw, base, first, pivot))())
    p1 = _load(later)
    assume(p1 is not None)
    assert p1 is not None
    second = twinschedule.plan(p1, suggest=False, previous=first, today=today)
    assume(second.feasible)
    update = twinschedule.invitations(second, previous=first, stamp=STAMP)
    assert (update == []) == (second.changes == ())
    check_model([twinschedule.invitations(first, stamp=STAMP), update], second, js=False)


def test_invitations_need_an_organizer_and_a_contact() -> None:
    data = twinschedule.to_dict(twinschedule.load(V1))
    del data["partnership"]["organizer"]
    for s in data["schools"]:
        del s["contacts"]
    plan = twinschedule.plan(twinschedule.from_dict(data), suggest=False)
    with pytest.raises(twinschedule.ConfigError) as info:
        twinschedule.invitations(plan)
    assert [p.path for p in info.value.problems] == ["partnership.organizer", "schools"]


# -- the command line ----------------------------------------------------------------


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "twinschedule", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=120,
                          env={**os.environ, "SOURCE_DATE_EPOCH": "1788220800", **(env or {})})


def _v1_json(tmp_path: Path) -> Path:
    out = _run("plan", str(V1), "--json")
    assert out.returncode == 0, out.stderr
    path = tmp_path / "v1.json"
    path.write_text(out.stdout)
    return path


def test_cli_writes_one_file_per_contact_and_message(tmp_path: Path) -> None:
    r = _run("invite", str(V1), "--out", str(tmp_path / "first"))
    assert r.returncode == 0, r.stderr
    files = sorted(p.relative_to(tmp_path) for p in (tmp_path / "first").rglob("*.eml"))
    assert [str(f) for f in files] == [
        "first/lima/luis.huaman@colegio-lima.example.eml",
        "first/lima/rosa.quispe@colegio-lima.example.eml",
        "first/osaka/k.tanaka@osaka-minami.example.eml"]
    msg = message_from_bytes((tmp_path / files[2]).read_bytes(), policy=policy.default)
    assert str(ics_of(msg)["METHOD"]) == "REQUEST"  # type: ignore[arg-type]
    previous = _v1_json(tmp_path)
    r = _run("invite", str(V2), "--previous", str(previous), "--today", "2027-01-15",
             "--out", str(tmp_path / "update"))
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in (tmp_path / "update" / "osaka").iterdir()) == [
        "k.tanaka@osaka-minami.example.2027-03.eml", "k.tanaka@osaka-minami.example.2027-05.eml"]
    # Nothing changed: no message, said so, nothing written.
    r = _run("invite", str(V1), "--previous", str(previous), "--today", "2027-01-15",
             "--out", str(tmp_path / "none"))
    assert r.returncode == 0 and "Nothing changed" in r.stdout
    assert not (tmp_path / "none").exists()


@pytest.mark.parametrize(("edit", "args", "env", "want"), [
    (lambda d: d["partnership"].pop("organizer"), [], {},
     "partnership.organizer: required to send invitations"),
    (lambda d: [s.pop("contacts") for s in d["schools"]], [], {},
     "schools: no school has contacts to invite"),
    (lambda d: d["schools"][0]["contacts"][0].update(email="rosa"), [], {},
     "schools[0] (lima).contacts[0].email: 'rosa' is not an email address"),
    (None, ["--send", "http://127.0.0.1:25"], {}, "--send: unknown scheme 'http'"),
    (None, ["--send", "smtp://user:secret@127.0.0.1:25"], {},
     "--send: a password in the URL would be seen"),
    (None, ["--send", "smtp://user@127.0.0.1:25"], {"TWINSCHEDULE_SMTP_PASSWORD": ""},
     "--send: the URL names the user 'user': give the password in TWINSCHEDULE_SMTP_PASSWORD"),
    (None, ["--starttls"], {}, "--starttls: use it with --send"),
    (None, ["--today", "2027-01-15"], {}, "--today: is the day a re-plan starts from"),
    (None, ["--previous", "missing.json"], {}, "cannot read the file"),
])
def test_cli_bad_input_writes_and_sends_nothing(tmp_path: Path, edit: Any, args: list[str],
                                                env: dict[str, str], want: str) -> None:
    path = V1
    if edit is not None:
        data = twinschedule.to_dict(twinschedule.load(V1))
        edit(data)
        path = tmp_path / "p.json"
        path.write_text(json.dumps(data))
    r = _run("invite", str(path), "--out", str(tmp_path / "out"), *args, env=env)
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    assert want in r.stderr
    assert not (tmp_path / "out").exists()


def test_cli_refuses_a_previous_plan_of_another_partnership(tmp_path: Path) -> None:
    other = tmp_path / "other.json"
    r = _run("plan", str(EXAMPLES / "england-kenya.toml"), "--json")
    other.write_text(r.stdout)
    (tmp_path / "broken.json").write_text("{not json")
    for previous, want in [(other, "partnership.id: 'rugby-nairobi' is another partnership"),
                           (tmp_path / "broken.json", "not JSON (line 1, column 2")]:
        for command in (["plan", str(V2)], ["invite", str(V2), "--out", str(tmp_path / "o")]):
            r = _run(*command, "--previous", str(previous), "--today", "2027-01-15")
            assert r.returncode == 2 and want in r.stderr and r.stdout == "", r.stderr
            assert str(previous) in r.stderr
    assert not (tmp_path / "o").exists()


# -- a real SMTP server on the loopback ------------------------------------------------


class _Inbox:
    """An aiosmtpd handler that keeps every message and refuses the recipients in
    ``refuse`` with 550."""

    def __init__(self, refuse: set[str]) -> None:
        self.refuse = refuse
        self.received: list[tuple[list[str], bytes]] = []

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: Any) -> str:
        if address in self.refuse:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append((list(envelope.rcpt_tos), bytes(envelope.content)))
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp_server(request: pytest.FixtureRequest) -> Iterator[tuple[_Inbox, int]]:
    from aiosmtpd.controller import Controller

    refuse, auth = getattr(request, "param", (set(), False))
    inbox = _Inbox(refuse)
    port = _free_port()
    kwargs: dict[str, Any] = {}
    if auth:
        def check(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
            from aiosmtpd.smtp import AuthResult

            ok = (data.login, data.password) == (b"teacher", b"s3cret")
            return AuthResult(success=ok, handled=False)
        kwargs = {"authenticator": check, "auth_require_tls": False}
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.rglob("*.eml"))}


def _same_message(sent: bytes, received: bytes) -> None:
    a = message_from_bytes(sent, policy=policy.default)
    b = message_from_bytes(received, policy=policy.default)
    for header in ("From", "To", "Subject", "Date", "Message-ID"):
        assert str(a[header]) == str(b[header])
    assert calendar_part(a).get_payload(decode=True) == calendar_part(b).get_payload(decode=True)  # type: ignore[arg-type]
    ta, tb = a.get_body(("plain",)), b.get_body(("plain",))  # type: ignore[attr-defined]
    assert ta is not None and tb is not None and ta.get_content() == tb.get_content()


def test_every_message_reaches_a_real_server(tmp_path: Path,
                                             smtp_server: tuple[_Inbox, int]) -> None:
    inbox, port = smtp_server
    r = _run("invite", str(V1), "--out", str(tmp_path / "out"), "--send",
             f"smtp://127.0.0.1:{port}")
    assert r.returncode == 0, r.stderr
    assert "sent 3 of 3 messages" in r.stdout
    written = _files(tmp_path / "out")
    assert len(inbox.received) == len(written) == 3
    by_rcpt = {rcpts[0]: data for rcpts, data in inbox.received}
    for name, data in written.items():
        _same_message(data, by_rcpt[name.removesuffix(".eml")])


@pytest.mark.parametrize("smtp_server", [({"luis.huaman@colegio-lima.example"}, False)],
                         indirect=True)
def test_a_refused_recipient_exits_3_and_the_others_arrive(
        tmp_path: Path, smtp_server: tuple[_Inbox, int]) -> None:
    inbox, port = smtp_server
    r = _run("invite", str(V1), "--out", str(tmp_path / "out"), "--send",
             f"smtp://127.0.0.1:{port}")
    assert r.returncode == 3, r.stderr
    assert "not sent to luis.huaman@colegio-lima.example: 550 5.1.1 No such mailbox here" \
        in r.stderr
    assert "sent 2 of 3 messages" in r.stdout
    assert sorted(rcpts[0] for rcpts, _ in inbox.received) == [
        "k.tanaka@osaka-minami.example", "rosa.quispe@colegio-lima.example"]


@pytest.mark.parametrize("smtp_server", [(set(), True)], indirect=True)
def test_the_password_comes_from_the_environment(tmp_path: Path,
                                                 smtp_server: tuple[_Inbox, int]) -> None:
    inbox, port = smtp_server
    url = f"smtp://teacher@127.0.0.1:{port}"
    r = _run("invite", str(V1), "--out", str(tmp_path / "a"), "--send", url,
             env={"TWINSCHEDULE_SMTP_PASSWORD": "wrong"})
    assert r.returncode == 3 and r.stderr.count("535") == 3, r.stderr
    assert inbox.received == []
    r = _run("invite", str(V1), "--out", str(tmp_path / "b"), "--send", url,
             env={"TWINSCHEDULE_SMTP_PASSWORD": "s3cret"})
    assert r.returncode == 0, r.stderr
    assert len(inbox.received) == 3


def test_send_api_reports_an_unreachable_server() -> None:
    plan = twinschedule.plan(twinschedule.load(V1), suggest=False)
    messages = twinschedule.invitations(plan, stamp=STAMP)
    failures = twinschedule.send(messages, f"smtp://127.0.0.1:{_free_port()}")
    assert [f.recipient for f in failures] == [m["To"].addresses[0].addr_spec
                                               for m in messages]
    assert all(f.reply.startswith("cannot reach the server: ") for f in failures)
