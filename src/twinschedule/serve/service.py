"""What the service does, without HTTP: create a partnership, read it through a link,
save a section (optimistic concurrency: a write names the revision it started from),
upload a calendar, agree, add and remove schools, rotate links, keep and restore every
version, plan, and publish feeds. Each write is one database transaction that locks
its partnership; planning reads a snapshot and runs outside any transaction.

Every input goes through the library's own checks (``twinschedule.from_dict``), so a
problem is reported with the same path and message as on the command line.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

import twinschedule
from twinschedule.serve import db, tokens

Role = Literal["organizer", "school"]
#: The section key of the ``[partnership]`` table in ``versions``; a school's is its id.
SETTINGS = "[partnership]"
#: Largest request body (an upload with its form fields), in bytes.
MAX_BODY = 2 * 1024 * 1024
_NTH = {1: "1st", 2: "2nd", 3: "3rd", 4: "4th", -1: "last"}
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


class NotFound(Exception):
    """No such link, or not one that may do this: always a 404 that says nothing."""


class Stale(Exception):
    """A write named a revision that is no longer the current one."""

    def __init__(self, current: int) -> None:
        super().__init__(f"stale revision; the current one is {current}")
        self.current = current


class Invalid(Exception):
    """The input has problems (every one of them, with its place)."""

    def __init__(self, problems: list[twinschedule.Problem]) -> None:
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


@dataclass(frozen=True, kw_only=True)
class Link:
    """What a token opened: a partnership, as its organiser or as one of its schools."""

    partnership: int
    role: Role
    school: str | None
    digest: str


@dataclass(frozen=True, kw_only=True)
class School:
    id: str
    data: dict[str, Any]
    revision: int
    filled: bool
    agreed: tuple[str, ...] | None


@dataclass(frozen=True, kw_only=True)
class Issue:
    number: int
    state: int
    plan: dict[str, Any]
    option: int | None
    feed_option: dict[str, Any] | None
    made_at: dt.datetime


@dataclass(frozen=True, kw_only=True)
class Agreement:
    rules: tuple[str, ...]
    since: dt.date
    made_at: dt.datetime

    def table(self, settings: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The ``[agreement]`` table of a partnership file (agreement.md), its ``since``
        inside the horizon of ``settings`` (a file's ``since`` must be): an agreement made
        before the horizon's start is in force from it; one made for after its end
        plans no month under the agreed rule until the end is moved."""
        rule: dict[str, Any] = {"rule": self.rules[0]} if len(self.rules) == 1 else {
            "rules": list(self.rules)}
        since = self.since
        start, end = (_date((settings or {}).get(k)) for k in ("start", "end"))
        if start is not None and end is not None and start <= end:
            since = min(max(since, start), end)
        return {**rule, "since": since.isoformat()}

    def to_dict(self) -> dict[str, Any]:
        return {**self.table(), "made": self.made_at.strftime("%Y-%m-%dT%H:%M:%SZ")}


@dataclass(frozen=True, kw_only=True)
class State:
    """One consistent reading of a partnership."""

    pk: int
    public_id: str
    feed_token: str
    settings: dict[str, Any]
    revision: int
    state: int
    schools: tuple[School, ...]
    agreement: Agreement | None
    issue: Issue | None
    previous: Issue | None = None
    feeds: tuple[str, ...] = field(default=())

    def document(self) -> dict[str, Any]:
        """The partnership in the structure of a partnership file, with its agreement in
        force as ``[agreement]``."""
        doc: dict[str, Any] = {"partnership": self.settings,
                               "schools": [s.data for s in self.schools]}
        if self.agreement is not None:
            doc["agreement"] = self.agreement.table(self.settings)
        return doc

    def school(self, school_id: str) -> School:
        for s in self.schools:
            if s.id == school_id:
                return s
        raise NotFound(school_id)

    def agreed_by(self) -> list[str]:
        return [s.id for s in self.schools if s.agreed is not None]


@dataclass(frozen=True, kw_only=True)
class Created:
    public_id: str
    organizer: str
    schools: dict[str, str]
    feed_token: str


def _date(value: Any) -> dt.date | None:
    """A date as a partnership file writes it; None when it is not one."""
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def jsonable(value: Any) -> Any:
    """TOML's dates and times as the strings a JSON partnership file holds."""
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return value


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def problem(path: str, message: str) -> twinschedule.Problem:
    return twinschedule.Problem(path=path, message=message)


# ---- reading ----------------------------------------------------------------------


def resolve(engine: Engine, token: str) -> Link:
    """The link of ``token``; ``NotFound`` for a made-up, truncated or rotated one."""
    if not tokens.well_formed(token):
        raise NotFound("token")
    wanted = tokens.digest(token)
    with db.read(engine) as conn:
        row = conn.execute(sa.select(db.links.c.token_hash, db.links.c.partnership_pk,
                                     db.links.c.role, db.schools.c.school_id)
                           .select_from(db.links.outerjoin(db.schools))
                           .where(db.links.c.token_hash == wanted)).first()
    if row is None or not tokens.same(row.token_hash, wanted):
        raise NotFound("token")
    return Link(partnership=row.partnership_pk, role=row.role, school=row.school_id,
                digest=row.token_hash)


def _issues(conn: Connection, pk: int) -> list[Issue]:
    rows = conn.execute(sa.select(db.issues).where(db.issues.c.partnership_pk == pk)
                        .order_by(db.issues.c.number.desc()).limit(2)).all()
    return [Issue(number=r.number, state=r.state, plan=json.loads(r.plan), option=r.option,
                  feed_option=json.loads(r.feed_option) if r.feed_option else None,
                  made_at=db.aware(r.made_at)) for r in rows]


def _agreement(conn: Connection, pk: int) -> Agreement | None:
    row = conn.execute(sa.select(db.agreements).where(db.agreements.c.partnership_pk == pk)
                       .order_by(db.agreements.c.pk.desc()).limit(1)).first()
    if row is None:
        return None
    return Agreement(rules=tuple(json.loads(row.rules)), since=row.since,
                     made_at=db.aware(row.made_at))


def snapshot(conn: Connection, pk: int, *, lock: bool = False) -> State:
    """The partnership ``pk`` as stored (``lock``: inside a write, lock its row first)."""
    query = sa.select(db.partnerships).where(db.partnerships.c.pk == pk)
    row = conn.execute(query.with_for_update() if lock else query).first()
    if row is None:
        raise NotFound("partnership")
    schools = tuple(
        School(id=s.school_id, data=json.loads(s.data), revision=s.revision, filled=s.filled,
               agreed=tuple(json.loads(s.agreed)) if s.agreed is not None else None)
        for s in conn.execute(sa.select(db.schools).where(db.schools.c.partnership_pk == pk)
                              .order_by(db.schools.c.position)))
    issues = _issues(conn, pk)
    names = conn.execute(sa.select(db.feeds.c.name).where(db.feeds.c.partnership_pk == pk)
                         .order_by(db.feeds.c.name)).scalars().all()
    return State(pk=pk, public_id=row.public_id, feed_token=row.feed_token,
                 settings=json.loads(row.settings), revision=row.revision, state=row.state,
                 schools=schools, agreement=_agreement(conn, pk),
                 issue=issues[0] if issues else None,
                 previous=issues[1] if len(issues) > 1 else None, feeds=tuple(names))


def read(engine: Engine, link: Link) -> State:
    with db.read(engine) as conn:
        return snapshot(conn, link.partnership)


def stored_calendars(conn: Connection, pk: int) -> dict[str, tuple[str, bytes]]:
    """Uploaded calendars of a partnership: name -> (school id, bytes)."""
    rows = conn.execute(sa.select(db.calendars.c.name, db.calendars.c.school_id,
                                  db.calendars.c.content)
                        .where(db.calendars.c.partnership_pk == pk))
    return {r.name: (r.school_id, bytes(r.content)) for r in rows}


def calendar_names(engine: Engine, link: Link, school_id: str) -> list[str]:
    with db.read(engine) as conn:
        return sorted(name for name, (owner, _) in stored_calendars(conn, link.partnership).items()
                      if owner == school_id)


# ---- validation -------------------------------------------------------------------


def _ics_entries(section: Mapping[str, Any]) -> list[tuple[int, str]]:
    entries = section.get("closures_ics")
    if not isinstance(entries, list):
        return []
    out = []
    for i, e in enumerate(entries):
        name = e.get("file") if isinstance(e, Mapping) else e
        if isinstance(name, str):
            out.append((i, name))
    return out


def validate(document: dict[str, Any], calendars: Mapping[str, tuple[str, bytes]]
             ) -> twinschedule.Partnership:
    """The partnership of ``document``; ``Invalid`` with every problem. Each school may
    import only the calendars uploaded for it."""
    problems: list[twinschedule.Problem] = []
    schools = document.get("schools")
    for i, s in enumerate(schools if isinstance(schools, list) else []):
        if not isinstance(s, Mapping):
            continue
        for j, name in _ics_entries(s):
            owner = calendars.get(name, (None, b""))[0]
            if owner != s.get("id"):
                problems.append(problem(f"schools[{i}] ({s.get('id')}).closures_ics[{j}]",
                                         f"'{name[:60]}': no calendar of that name was "
                                         f"uploaded for this school"))
    try:
        result = twinschedule.from_dict(document, calendars={
            name: content for name, (_, content) in calendars.items()})
    except twinschedule.ConfigError as exc:
        raise Invalid(problems + list(exc.problems)) from None
    if problems:
        raise Invalid(problems)
    return result


# ---- writing ----------------------------------------------------------------------


def _bump(conn: Connection, pk: int, **values: Any) -> None:
    conn.execute(db.partnerships.update().where(db.partnerships.c.pk == pk)
                 .values(state=db.partnerships.c.state + 1, **values))


def _version(conn: Connection, pk: int, section: str, revision: int, data: Any,
             by: str) -> None:
    conn.execute(db.versions.insert().values(partnership_pk=pk, section=section,
                                             revision=revision, data=_dumps(data),
                                             saved_at=db.now(), saved_by=by))


def _new_link(conn: Connection, pk: int, role: Role, school_pk: int | None) -> str:
    token = tokens.new_token()
    conn.execute(db.links.insert().values(token_hash=tokens.digest(token), partnership_pk=pk,
                                          role=role, school_pk=school_pk,
                                          created_at=db.now()))
    return token


def _insert_school(conn: Connection, pk: int, data: dict[str, Any], position: int,
                   by: str) -> str:
    sid = str(data["id"])
    old = conn.execute(sa.select(sa.func.max(db.versions.c.revision)).where(
        db.versions.c.partnership_pk == pk, db.versions.c.section == sid)).scalar()
    revision = (old or 0) + 1
    school_pk = _inserted(conn.execute(db.schools.insert().values(
        partnership_pk=pk, school_id=sid, position=position, data=_dumps(data),
        revision=revision, filled=False)))
    _version(conn, pk, sid, revision, data, by)
    return _new_link(conn, pk, "school", school_pk)


def _inserted(result: Any) -> int:
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def create(engine: Engine, data: Any) -> Created:
    """A new partnership from the structure of a partnership file (with its
    ``[agreement]`` when the library accepts one)."""
    if not isinstance(data, Mapping):
        raise Invalid([problem("", "the partnership is not a JSON object (a table)")])
    document = jsonable(data)
    validate(document, {})
    agreed = document.pop("agreement", None)  # a file's [agreement] (agreement.md)
    with db.write(engine) as conn:
        public_id, feed_token = secrets.token_urlsafe(12), secrets.token_urlsafe(24)
        pk = _inserted(conn.execute(db.partnerships.insert().values(
            public_id=public_id, feed_token=feed_token, settings=_dumps(
                document["partnership"]), revision=1, state=1, created_at=db.now())))
        if isinstance(agreed, Mapping):
            rules = agreed.get("rules") or [agreed.get("rule")]
            conn.execute(db.agreements.insert().values(
                partnership_pk=pk, rules=_dumps(rules), made_at=db.now(),
                since=dt.date.fromisoformat(str(agreed["since"]))))
        _version(conn, pk, SETTINGS, 1, document["partnership"], "organizer")
        organizer = _new_link(conn, pk, "organizer", None)
        links = {str(s["id"]): _insert_school(conn, pk, s, i, "organizer")
                 for i, s in enumerate(document["schools"])}
    return Created(public_id=public_id, organizer=organizer, schools=links,
                   feed_token=feed_token)


def check_editable(link: Link, school_id: str) -> None:
    if link.role != "organizer" and link.school != school_id:
        raise NotFound(school_id)


def _organizer(link: Link) -> None:
    if link.role != "organizer":
        raise NotFound("organizer")


def _by(link: Link) -> str:
    return "organizer" if link.role == "organizer" else f"school {link.school}"


def _with_school(st: State, school_id: str, data: dict[str, Any]) -> dict[str, Any]:
    doc = st.document()
    doc["schools"] = [data if s.id == school_id else s.data for s in st.schools]
    return doc


def _school_path(st: State, school_id: str) -> str:
    i = [s.id for s in st.schools].index(school_id)
    return f"schools[{i}] ({school_id})"


def _write_school(conn: Connection, st: State, link: Link, school_id: str,
                  data: dict[str, Any]) -> int:
    current = st.school(school_id)
    revision = current.revision + 1
    conn.execute(db.schools.update().where(db.schools.c.partnership_pk == st.pk,
                                           db.schools.c.school_id == school_id,
                                           db.schools.c.revision == current.revision)
                 .values(data=_dumps(data), revision=revision,
                         filled=current.filled or link.school == school_id))
    _version(conn, st.pk, school_id, revision, data, _by(link))
    _bump(conn, st.pk)
    return revision


def save_school(engine: Engine, link: Link, school_id: str, data: Any,
                revision: int) -> int:
    """Save a school's section if ``revision`` is still its revision; the new revision."""
    check_editable(link, school_id)
    with db.write(engine) as conn:
        st = snapshot(conn, link.partnership, lock=True)
        current = st.school(school_id)
        if current.revision != revision:
            raise Stale(current.revision)
        section = _section(data, st, school_id)
        validate(_with_school(st, school_id, section), stored_calendars(conn, st.pk))
        return _write_school(conn, st, link, school_id, section)


def _section(data: Any, st: State, school_id: str) -> dict[str, Any]:
    path = _school_path(st, school_id)
    if not isinstance(data, Mapping):
        raise Invalid([problem(path, "the section is not a JSON object (a table)")])
    section = jsonable(data)
    section.setdefault("id", school_id)
    if section["id"] != school_id:
        raise Invalid([problem(f"{path}.id", f"a school's id cannot change here (it is "
                                f"'{school_id}'): the organiser adds and removes schools")])
    return dict(section)


def save_settings(engine: Engine, link: Link, data: Any, revision: int) -> int:
    """Save the ``[partnership]`` table (organiser) if ``revision`` is still current."""
    _organizer(link)
    with db.write(engine) as conn:
        st = snapshot(conn, link.partnership, lock=True)
        if st.revision != revision:
            raise Stale(st.revision)
        if not isinstance(data, Mapping):
            raise Invalid([problem("partnership", "the table is not a JSON object")])
        settings = jsonable(data)
        if settings.get("id") != st.settings.get("id"):
            raise Invalid([problem("partnership.id", f"the partnership's id cannot change "
                                   f"(it is '{st.settings.get('id')}'): it names the feeds "
                                   f"and the UIDs of their events")])
        validate({**st.document(), "partnership": settings}, stored_calendars(conn, st.pk))
        conn.execute(db.partnerships.update().where(db.partnerships.c.pk == st.pk)
                     .values(settings=_dumps(settings), revision=st.revision + 1))
        _version(conn, st.pk, SETTINGS, st.revision + 1, settings, "organizer")
        _bump(conn, st.pk)
        return st.revision + 1


def _calendar_name(filename: str, taken: Mapping[str, Any]) -> str:
    stem = _SAFE.sub("-", filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]).strip(".-")
    stem = re.sub(r"\.ics$", "", stem, flags=re.IGNORECASE)[:80] or "calendar"
    name, n = f"{stem}.ics", 1
    while name in taken:
        n += 1
        name = f"{stem}-{n}.ics"
    return name


def add_calendar(engine: Engine, link: Link, school_id: str, *, filename: str,
                 content: bytes, use: str, include: list[str], exclude: list[str],
                 revision: int) -> tuple[str, int]:
    """Upload a calendar into a school's ``closures_ics``; (its name, the new revision).
    The calendar is imported (the importer's limits apply) before anything is stored."""
    check_editable(link, school_id)
    with db.write(engine) as conn:
        st = snapshot(conn, link.partnership, lock=True)
        current = st.school(school_id)
        if current.revision != revision:
            raise Stale(current.revision)
        stored = stored_calendars(conn, st.pk)
        name = _calendar_name(filename, stored)
        entry: dict[str, Any] = {"file": name, "as": use or "closures"}
        if include:
            entry["include"] = include
        if exclude:
            entry["exclude"] = exclude
        section = dict(current.data)
        section["closures_ics"] = [*section.get("closures_ics", []), entry]
        validate(_with_school(st, school_id, section),
                 {**stored, name: (school_id, content)})
        conn.execute(db.calendars.insert().values(
            partnership_pk=st.pk, school_id=school_id, name=name, content=content,
            sha256=hashlib.sha256(content).hexdigest(), uploaded_at=db.now()))
        return name, _write_school(conn, st, link, school_id, section)


def add_school(engine: Engine, link: Link, data: Any) -> tuple[str, str]:
    """Add a school (organiser): (its id, its link's token)."""
    _organizer(link)
    if not isinstance(data, Mapping):
        raise Invalid([problem("schools", "the school is not a JSON object (a table)")])
    section = jsonable(data)
    with db.write(engine) as conn:
        st = snapshot(conn, link.partnership, lock=True)
        doc = st.document()
        doc["schools"] = [*doc["schools"], section]
        validate(doc, stored_calendars(conn, st.pk))
        position = max((s.position for s in conn.execute(
            sa.select(db.schools.c.position).where(db.schools.c.partnership_pk == st.pk))),
            default=-1) + 1
        token = _insert_school(conn, st.pk, section, position, "organizer")
        _bump(conn, st.pk)
        return str(section["id"]), token


def remove_school(engine: Engine, link: Link, school_id: str) -> None:
    """Remove a school and its link (organiser); its saved versions are kept."""
    _organizer(link)
    with db.write(engine) as conn:
        st = snapshot(conn, link.partnership, lock=True)
        st.school(school_id)
        doc = st.document()
        doc["schools"] = [s.data for s in st.schools if s.id != school_id]
        validate(doc, stored_calendars(conn, st.pk))
        school_pk = conn.execute(sa.select(db.schools.c.pk).where(
            db.schools.c.partnership_pk == st.pk, db.schools.c.school_id == school_id)
        ).scalar_one()
        conn.execute(db.links.delete().where(db.links.c.school_pk == school_pk))
        conn.execute(db.schools.delete().where(db.schools.c.pk == school_pk))
        _bump(conn, st.pk)


def rotate(engine: Engine, link: Link, *, school: str | None = None,
           organizer: bool = False) -> tuple[Role, str | None, str]:
    """A new token for a school's link or the organiser's (organiser only); the old
    token stops working in the same transaction. (role, school id, new token)."""
    _organizer(link)
    with db.write(engine) as conn:
        st = snapshot(conn, link.partnership, lock=True)
        if organizer:
            conn.execute(db.links.delete().where(db.links.c.partnership_pk == st.pk,
                                                 db.links.c.role == "organizer"))
            return "organizer", None, _new_link(conn, st.pk, "organizer", None)
        if school is None:
            raise Invalid([problem("", "name a school ('school') or the organiser "
                                    "('organizer': true)")])
        st.school(school)
        school_pk = conn.execute(sa.select(db.schools.c.pk).where(
            db.schools.c.partnership_pk == st.pk, db.schools.c.school_id == school)
        ).scalar_one()
        conn.execute(db.links.delete().where(db.links.c.school_pk == school_pk))
        return "school", school, _new_link(conn, st.pk, "school", school_pk)


def delete(engine: Engine, link: Link) -> None:
    """Delete a partnership with everything it has (organiser)."""
    _organizer(link)
    with db.write(engine) as conn:
        snapshot(conn, link.partnership, lock=True)
        for table in db.PARTNERSHIP_TABLES:
            conn.execute(table.delete().where(table.c.partnership_pk == link.partnership))
        conn.execute(db.partnerships.delete().where(db.partnerships.c.pk == link.partnership))


# ---- history ----------------------------------------------------------------------


def history(engine: Engine, link: Link, section: str) -> list[dict[str, Any]]:
    """Every saved version of a section (a school id, or ``[partnership]``), newest first
    (organiser)."""
    _organizer(link)
    with db.read(engine) as conn:
        rows = conn.execute(sa.select(db.versions).where(
            db.versions.c.partnership_pk == link.partnership, db.versions.c.section == section)
            .order_by(db.versions.c.revision.desc())).all()
    if not rows:
        raise NotFound(section)
    return [{"revision": r.revision, "saved": db.aware(r.saved_at).strftime(
        "%Y-%m-%dT%H:%M:%SZ"), "by": r.saved_by, "data": json.loads(r.data)} for r in rows]


def restore(engine: Engine, link: Link, section: str, version: int, revision: int) -> int:
    """Save an old version of a section again, as its newest (organiser)."""
    old = {v["revision"]: v["data"] for v in history(engine, link, section)}
    if version not in old:
        raise NotFound(str(version))
    if section == SETTINGS:
        return save_settings(engine, link, old[version], revision)
    return save_school(engine, link, section, old[version], revision)


# ---- agreeing ---------------------------------------------------------------------


def option_rules(option: Mapping[str, Any]) -> tuple[str, ...]:
    """An option's rule(s) as agreement.md writes them: ``"2nd FR 12:00 Africa/Nairobi"``."""
    rules = option["rules"] if "rules" in option else [option["rule"]]
    return tuple(f"{_NTH[r['nth']]} {r['weekday']} {r['time']} {r['anchor']}" for r in rules)


def since(rule: Mapping[str, Any], last: dt.datetime) -> dt.date:
    """agreement.md's ``since``: the first day of the first month whose nominal meeting
    under ``rule`` (in its anchor zone) is after the UTC day of ``last``."""
    after = dt.datetime.combine(last.astimezone(dt.UTC).date() + dt.timedelta(days=1),
                                dt.time(), dt.UTC)
    year, month = last.astimezone(dt.UTC).year, last.astimezone(dt.UTC).month
    hour, minute = (int(x) for x in rule["time"].split(":"))
    wanted = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"].index(rule["weekday"])
    while True:
        days = [dt.date(year, month, d) for d in range(1, 32)
                if d <= 28 or _exists(year, month, d)]
        dates = [d for d in days if d.weekday() == wanted]
        day = dates[rule["nth"] - 1] if rule["nth"] > 0 else dates[-1]
        start = dt.datetime.combine(day, dt.time(hour, minute), ZoneInfo(rule["anchor"]))
        if start >= after:
            return dt.date(year, month, 1)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _exists(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


def agree(engine: Engine, link: Link, option: Any, *, withdraw: bool = False,
          now: dt.datetime | None = None) -> State:
    """A school agrees to option ``option`` of the current plan (or withdraws) at ``now``
    (default: the current time). When every school has agreed to the same rule(s), they
    become the agreement, from agreement.md's ``since`` after ``now``."""
    if link.role != "school" or link.school is None:
        raise NotFound("school")
    with db.write(engine) as conn:
        st = snapshot(conn, link.partnership, lock=True)
        vote = None if withdraw else _vote(st, option)
        when = now or db.now()
        conn.execute(db.schools.update().where(db.schools.c.partnership_pk == st.pk,
                                               db.schools.c.school_id == link.school)
                     .values(agreed=None if vote is None else _dumps(vote[0]),
                             agreed_at=None if vote is None else when))
        votes = {s.id: s.agreed for s in st.schools}
        votes[link.school] = None if vote is None else vote[0]
        if vote is not None and set(votes.values()) == {vote[0]} and (
                st.agreement is None or st.agreement.rules != vote[0]):
            conn.execute(db.agreements.insert().values(
                partnership_pk=st.pk, rules=_dumps(vote[0]), made_at=when,
                since=since(vote[1], when)))
        _bump(conn, st.pk)
        return snapshot(conn, st.pk)


def _vote(st: State, option: Any) -> tuple[tuple[str, ...], dict[str, Any]]:
    options = st.issue.plan.get("options", []) if st.issue is not None else []
    if isinstance(option, bool) or not isinstance(option, int) or not \
            1 <= option <= len(options):
        raise Invalid([problem("option", f"{option!r} is not an option of the current "
                                f"plan (1 to {len(options)})" if options else
                                "the plan has no option to agree to yet")])
    chosen = options[option - 1]
    first = chosen["rules"][0] if "rules" in chosen else chosen["rule"]
    return option_rules(chosen), first
