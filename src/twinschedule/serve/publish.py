"""Planning and publishing, outside the event loop: after every write the partnership is
planned again from a snapshot (no transaction is held while the search runs), and the
new plan is stored as the next issue with its feeds, unless a newer state was planned
meanwhile. Requests read the last issue.

A feed's DTSTAMP, ``Last-Modified`` and strong ``ETag`` change only when its content
changes: the feeds are built again with the stamps they had, and only the files whose
bytes then differ get the new issue's time.

Agreement (agreement.md): once the schools agree, the feeds follow the agreed rule
whatever ranks first. Until the library plans an agreed rule itself (``[agreement]``
and ``twinschedule.plan(p, previous=, today=)``), the agreed rule is planned by a
second search narrowed to its weekday, week and anchor (``agreed``); keeping the past
months as published, ``changes`` and the derived SEQUENCE need that API: see
``plan_input``, ``compute`` and ``agreed``, the places that call the library.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

import twinschedule
from twinschedule.serve import db, service

_lock = threading.Lock()
_running: set[tuple[int, int]] = set()
_again: set[tuple[int, int]] = set()


def published_option(plan: Mapping[str, Any], agreement: service.Agreement | None
                     ) -> int | None:
    """The option of ``plan`` whose feeds are published: the agreed rule(s) (None when
    the plan does not list them), else option 1; None when the plan has no option."""
    options = plan.get("options", [])
    if not options:
        return None
    if agreement is not None:
        for k, option in enumerate(options, start=1):
            if service.option_rules(option) == agreement.rules:
                return k
        return None
    return 1


_NTH = {"1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "last": -1}


def agreed(st: service.State, calendars: Mapping[str, tuple[str, bytes]]
           ) -> tuple[twinschedule.Plan, int] | None:
    """The agreed rule planned (its plan and option number), by a search narrowed to
    its weekday, week of the month and anchor; None when it is not found there (an
    alternation, or a rule that holds too little to rank among 50)."""
    if st.agreement is None or len(st.agreement.rules) != 1:
        return None
    nth, weekday, _, anchor = st.agreement.rules[0].split(" ", 3)
    document = plan_input(st)
    document["partnership"] = {**document["partnership"], "weekdays": [weekday],
                               "weeks": [_NTH[nth]], "anchor": anchor, "top": 50}
    try:
        result = twinschedule.plan(service.validate(document, calendars), suggest=False)
    except service.Invalid:
        return None
    k = published_option(result.to_dict(), st.agreement)
    return (result, k) if k is not None else None


def plan_input(st: service.State) -> dict[str, Any]:
    """The document the library plans (the agreement is not passed yet: see above)."""
    return st.document()


def compute(st: service.State, calendars: Mapping[str, tuple[str, bytes]]
            ) -> twinschedule.Plan:
    """The plan of a snapshot (pure library calls; minutes at most, off the loop)."""
    partnership = service.validate(plan_input(st), calendars)
    return twinschedule.plan(partnership)


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


def replan(engine: Engine, pk: int) -> None:
    """Plan partnership ``pk`` until its newest state is published. Calls for the same
    partnership coalesce: while one runs, others only ask it to go round once more."""
    key = (id(engine), pk)
    with _lock:
        if key in _running:
            _again.add(key)
            return
        _running.add(key)
    try:
        while True:
            with _lock:
                _again.discard(key)
            _publish(engine, pk)
            with _lock:
                if key not in _again:
                    _running.discard(key)
                    return
    except BaseException:
        with _lock:
            _running.discard(key)
        raise


def stale(st: service.State) -> bool:
    """Whether the partnership changed since its last issue."""
    return st.issue is None or st.issue.state < st.state


def _publish(engine: Engine, pk: int) -> None:
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
    try:
        result = compute(st, calendars)
    except service.Invalid:
        return  # cannot happen for a stored state; nothing is published then
    made = db.now()
    plan = result.to_dict()
    option = published_option(plan, st.agreement)
    source: tuple[twinschedule.Plan, int] | None = (result, option) if option else None
    if st.agreement is not None and option is None:
        source = agreed(st, calendars)
    files = _feeds(source[0], source[1], old, made) if source is not None else None
    kept = source[0].to_dict()["options"][source[1] - 1] if source is not None else None
    _store(engine, st, Issued(plan=plan, option=option, files=files, feed_option=kept,
                              made=made, html=reports(result, st, made)))


def reports(result: twinschedule.Plan, st: service.State, made: dt.datetime
            ) -> dict[str, str]:
    """The HTML report in the partnership's language ("") and each school's own."""
    langs = {str(s.data["language"]) for s in st.schools if s.data.get("language")}
    out = {"": twinschedule.report(result, made=made)}
    out.update((lang, twinschedule.report(result, made=made, lang=lang)) for lang in langs)
    return out


@dataclass(frozen=True, kw_only=True)
class Issued:
    """A new issue: the plan, the option of it in the feeds (None: not among its
    options), the feeds (None: the last ones stay), the feeds' option as JSON."""

    plan: dict[str, Any]
    option: int | None
    files: dict[str, tuple[bytes, dt.datetime]] | None
    feed_option: dict[str, Any] | None
    made: dt.datetime
    html: dict[str, str]


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
            feed_option=json.dumps(new.feed_option, ensure_ascii=False)
            if new.feed_option is not None else None))
        if new.files is None:
            return  # no option to publish: the last feeds stay
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


def report(engine: Engine, pk: int, lang: str | None) -> str | None:
    """The last issue's HTML report in ``lang`` (else the partnership's language)."""
    with db.read(engine) as conn:
        row = conn.execute(sa.select(db.issues.c.reports).where(db.issues.c.partnership_pk == pk)
                           .order_by(db.issues.c.number.desc()).limit(1)).first()
    if row is None:
        return None
    html: dict[str, str] = json.loads(row.reports)
    return html.get(lang or "", html[""])
