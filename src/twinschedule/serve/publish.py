"""Planning and publishing, outside the event loop: after every write the partnership is
planned again from a snapshot (no transaction is held while the search runs), and the
new plan is stored as the next issue with its feeds, its report and its invitations,
unless a newer state was planned meanwhile. Requests read the last issue.

Each plan is the library's agreement.md plan: the partnership with its ``[agreement]``
(option 1 is then the agreed rule, ``"agreed": true``), re-planned against the last
issue (``previous``) as of the request's UTC date (``today``): the months before it are
kept as published, the plan lists its ``changes`` and derives the feeds' SEQUENCE. The
feeds, the report and the invitations are option 1's.

A feed's DTSTAMP, ``Last-Modified`` and strong ``ETag`` change only when its content
changes: the feeds are built again with the stamps they had, and only the files whose
bytes then differ get the new issue's time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

import twinschedule
from twinschedule.serve import db, service

log = logging.getLogger("twinschedule.serve")
_lock = threading.Lock()
_running: set[tuple[int, int]] = set()
_again: dict[tuple[int, int], dt.datetime] = {}


def plan_input(st: service.State) -> dict[str, Any]:
    """The partnership file the library plans: the settings (with ``organizer``), the
    schools' sections (with their ``contacts``) and the agreement in force as
    ``[agreement]``."""
    return st.document()


def compute(st: service.State, calendars: Mapping[str, tuple[str, bytes]],
            today: dt.date) -> twinschedule.Plan:
    """The plan of a snapshot (pure library calls; minutes at most, off the loop),
    against the last issue as of ``today``."""
    partnership = service.validate(plan_input(st), calendars)
    previous = st.issue.plan if st.issue is not None else None
    try:
        if previous is not None:
            try:
                return twinschedule.plan(partnership, previous=previous, today=today)
            except twinschedule.ConfigError as exc:  # an issue the library cannot read
                log.warning("partnership %s: the last issue cannot be read (%s); planned "
                            "afresh", st.public_id, "; ".join(p.message for p in exc.problems))
        return twinschedule.plan(partnership, today=today)
    except twinschedule.ConfigError as exc:  # e.g. an agreement it cannot plan
        raise service.Invalid(list(exc.problems)) from None


def _etag(content: bytes) -> str:
    return '"' + hashlib.sha256(content).hexdigest()[:40] + '"'


def _feeds(result: twinschedule.Plan, option: int, old: Mapping[str, tuple[bytes, dt.datetime]],
           made: dt.datetime) -> dict[str, tuple[bytes, dt.datetime]]:
    """The feeds of ``option``, each with the stamp it had when its bytes are unchanged."""
    fresh = twinschedule.feeds(result, option=option, stamp=made)
    out: dict[str, tuple[bytes, dt.datetime]] = {}
    by_stamp: dict[dt.datetime, dict[str, bytes]] = {}
    for name, content in fresh.items():
        if name in old:
            stamp = old[name][1]
            if stamp not in by_stamp:
                by_stamp[stamp] = twinschedule.feeds(result, option=option, stamp=stamp)
            if by_stamp[stamp].get(name) == old[name][0]:
                out[name] = old[name]
                continue
        out[name] = (content, made)
    return out


def replan(engine: Engine, pk: int, now: dt.datetime | None = None) -> None:
    """Plan partnership ``pk`` as of ``now`` (default: the current time) until its newest
    state is published. Calls for the same partnership coalesce: while one runs, others
    only ask it to go round once more (as of the latest ``now`` asked)."""
    key = (id(engine), pk)
    when = now or db.now()
    with _lock:
        if key in _running:
            _again[key] = max(when, _again.get(key, when))
            return
        _running.add(key)
    try:
        while True:
            _publish(engine, pk, when)
            with _lock:
                if key not in _again:
                    _running.discard(key)
                    return
                when = max(when, _again.pop(key))
    except BaseException:
        with _lock:
            _running.discard(key)
            _again.pop(key, None)
        raise


def stale(st: service.State) -> bool:
    """Whether the partnership changed since its last issue."""
    return st.issue is None or st.issue.state < st.state


def _publish(engine: Engine, pk: int, now: dt.datetime) -> None:
    with db.read(engine) as conn:
        try:
            st = service.snapshot(conn, pk)
        except service.NotFound:
            return
        calendars = service.stored_calendars(conn, pk)
        old = {r.name: (bytes(r.content), db.aware(r.modified)) for r in conn.execute(
            sa.select(db.feeds).where(db.feeds.c.partnership_pk == pk))}
    if not stale(st):
        return
    made = now.astimezone(dt.UTC).replace(microsecond=0)
    try:
        result = compute(st, calendars, made.date())
    except service.Invalid:
        return  # cannot happen for a stored state; nothing is published then
    plan = result.to_dict()
    feasible = bool(plan["options"])
    _store(engine, st, Issued(
        plan=plan, option=1 if feasible else None,
        files=_feeds(result, 1, old, made) if feasible else None,
        feed_option=plan["options"][0] if feasible else None, made=made,
        html=reports(result, st, made), sections=reports(result, st, made, embed=True),
        letters=invitations(result, made) if feasible else {}))


def invitations(result: twinschedule.Plan, made: dt.datetime) -> dict[str, bytes]:
    """The invitations to the whole of option 1 (one REQUEST per series and contact),
    as ``twinschedule invite`` writes them without ``--previous``: ``{"<school id>/
    <file>.eml": bytes}``; none without an organiser or contacts."""
    try:
        files = twinschedule.invitation_files(result, stamp=made)
    except twinschedule.ConfigError:
        return {}
    return {name: message.as_bytes() for name, message in files.items()}


def reports(result: twinschedule.Plan, st: service.State, made: dt.datetime, *,
            embed: bool = False) -> dict[str, str]:
    """The HTML report in the partnership's language ("") and each school's own (as a
    document, or ``embed``: its sections for the partnership page)."""
    langs = {str(s.data["language"]) for s in st.schools if s.data.get("language")}
    out = {"": twinschedule.report(result, made=made, embed=embed)}
    out.update((lang, twinschedule.report(result, made=made, lang=lang, embed=embed))
               for lang in langs)
    return out


@dataclass(frozen=True, kw_only=True)
class Issued:
    """A new issue: the plan, the option of it in the feeds (1; None: no option), the
    feeds (None: the last ones stay), the feeds' option as JSON, the reports (documents
    and sections, by language) and the invitations (by file name)."""

    plan: dict[str, Any]
    option: int | None
    files: dict[str, tuple[bytes, dt.datetime]] | None
    feed_option: dict[str, Any] | None
    made: dt.datetime
    html: dict[str, str]
    sections: dict[str, str] = field(default_factory=dict)
    letters: dict[str, bytes] = field(default_factory=dict)


def _store(engine: Engine, st: service.State, new: Issued) -> None:
    with db.write(engine) as conn:
        try:
            now = service.snapshot(conn, st.pk, lock=True)
        except service.NotFound:
            return
        if now.issue is not None and now.issue.state >= st.state:
            return  # a newer state was published meanwhile
        number = now.issue.number + 1 if now.issue is not None else 1
        conn.execute(db.issues.insert().values(
            partnership_pk=st.pk, number=number, state=st.state, option=new.option,
            plan=json.dumps(new.plan, ensure_ascii=False), made_at=new.made,
            reports=json.dumps(new.html, ensure_ascii=False),
            sections=json.dumps(new.sections, ensure_ascii=False),
            feed_option=json.dumps(new.feed_option, ensure_ascii=False)
            if new.feed_option is not None else None))
        if new.files is None:
            return  # no option to publish: the last feeds and invitations stay
        conn.execute(db.invitations.delete().where(db.invitations.c.partnership_pk == st.pk))
        for name, content in sorted(new.letters.items()):
            school, file = name.split("/", 1)
            conn.execute(db.invitations.insert().values(
                partnership_pk=st.pk, school_id=school, name=file, content=content))
        conn.execute(db.feeds.delete().where(db.feeds.c.partnership_pk == st.pk))
        for name, (content, modified) in sorted(new.files.items()):
            conn.execute(db.feeds.insert().values(partnership_pk=st.pk, name=name,
                                                  content=content, etag=_etag(content),
                                                  modified=modified))


def feed(engine: Engine, feed_token: str, name: str) -> tuple[bytes, str, dt.datetime]:
    """A current feed: (bytes, strong ETag, Last-Modified); ``NotFound`` otherwise."""
    with db.read(engine) as conn:
        row = conn.execute(sa.select(db.feeds.c.content, db.feeds.c.etag, db.feeds.c.modified)
                           .select_from(db.feeds.join(db.partnerships))
                           .where(db.partnerships.c.feed_token == feed_token,
                                  db.feeds.c.name == name)).first()
    if row is None:
        raise service.NotFound(name)
    return bytes(row.content), row.etag, db.aware(row.modified)


def report(engine: Engine, pk: int, lang: str | None, *, embed: bool = False
           ) -> str | None:
    """The last issue's HTML report in ``lang`` (else the partnership's language): the
    document, or ``embed``: its sections (None for an issue stored without them)."""
    column = db.issues.c.sections if embed else db.issues.c.reports
    with db.read(engine) as conn:
        row = conn.execute(sa.select(column).where(db.issues.c.partnership_pk == pk)
                           .order_by(db.issues.c.number.desc()).limit(1)).first()
    if row is None or row[0] is None:
        return None
    html: dict[str, str] = json.loads(row[0])
    return html.get(lang or "", html.get(""))


def letters(engine: Engine, pk: int, school: str | None = None) -> list[tuple[str, str]]:
    """The current invitations of a partnership (``school``: of that school's contacts
    only): (school id, file name), in school and contact order."""
    query = sa.select(db.invitations.c.school_id, db.invitations.c.name).where(
        db.invitations.c.partnership_pk == pk)
    if school is not None:
        query = query.where(db.invitations.c.school_id == school)
    with db.read(engine) as conn:
        found = [(r.school_id, r.name) for r in conn.execute(query)]
        order = {sid: i for i, sid in enumerate(conn.execute(
            sa.select(db.schools.c.school_id).where(db.schools.c.partnership_pk == pk)
            .order_by(db.schools.c.position)).scalars())}
    return sorted(found, key=lambda x: (order.get(x[0], len(order)), x[1]))


def letter(engine: Engine, pk: int, school: str, name: str) -> bytes:
    """One current invitation's bytes (an .eml file); ``NotFound`` otherwise."""
    with db.read(engine) as conn:
        content = conn.execute(sa.select(db.invitations.c.content).where(
            db.invitations.c.partnership_pk == pk, db.invitations.c.school_id == school,
            db.invitations.c.name == name)).scalar()
    if content is None:
        raise service.NotFound(name)
    return bytes(content)
