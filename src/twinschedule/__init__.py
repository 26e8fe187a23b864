"""twinschedule: one recurring monthly meeting time for partner schools in different
countries, published as iCalendar feeds.

>>> import twinschedule
>>> p = twinschedule.load("examples/england-kenya.toml")
>>> best = twinschedule.plan(p).option(1)
>>> best.rule.text
'2nd Friday of every month at 12:00 (Africa/Nairobi)'
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from twinschedule.errors import ConfigError, OutputError, Problem, TwinScheduleError

if TYPE_CHECKING:  # the model and plan types are imported on first use (fast import)
    from concurrent.futures import Executor
    from email.message import EmailMessage

    from twinschedule._mail import SendFailure
    from twinschedule._tz.zones import IANA_VERSION as TZDATA_VERSION
    from twinschedule.core.plan import (
        Change,
        Diagnostics,
        Meeting,
        Metrics,
        Option,
        Plan,
        Series,
        WeeklyOverlap,
    )
    from twinschedule.model import (
        Agreement,
        Busy,
        Conflict,
        Contact,
        DateRange,
        Network,
        Partnership,
        Rule,
        School,
        TimedEvent,
        Window,
    )
    from twinschedule.network.matching import Match, Partner
    from twinschedule.network.outputs import NetworkOption, NetworkPlan, Session

_LAZY = {
    "TZDATA_VERSION": ("._tz.zones", "IANA_VERSION"),
    **{name: (".model", name) for name in (
        "Agreement", "Busy", "Conflict", "Contact", "DateRange", "Partnership", "Rule",
        "School", "TimedEvent", "Window")},
    "SendFailure": ("._mail", "SendFailure"),
    "Network": (".model", "Network"),
    "Match": (".network.matching", "Match"),
    "Partner": (".network.matching", "Partner"),
    **{name: (".network.outputs", name) for name in (
        "NetworkOption", "NetworkPlan", "Session")},
    **{name: (".core.plan", name) for name in (
        "Change", "Diagnostics", "Meeting", "Metrics", "Option", "Plan", "Series",
        "WeeklyOverlap")},
}


def __getattr__(name: str) -> Any:
    """Import the model and plan types on first use, so ``import twinschedule`` is fast."""
    if name in _LAZY:
        module, attr = _LAZY[name]
        value = getattr(importlib.import_module(module, __name__), attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'twinschedule' has no attribute {name!r}")

__version__ = "0.1.0"

__all__ = [
    "TZDATA_VERSION",
    "Agreement",
    "Busy",
    "Change",
    "ConfigError",
    "Conflict",
    "Contact",
    "DateRange",
    "Diagnostics",
    "Match",
    "Meeting",
    "Metrics",
    "Network",
    "NetworkOption",
    "NetworkPlan",
    "Option",
    "OutputError",
    "Partner",
    "Partnership",
    "Plan",
    "Problem",
    "Rule",
    "School",
    "SendFailure",
    "Series",
    "Session",
    "TimedEvent",
    "TwinScheduleError",
    "WeeklyOverlap",
    "Window",
    "__version__",
    "feeds",
    "from_dict",
    "invitation_files",
    "invitations",
    "load",
    "load_network",
    "match",
    "match_all",
    "match_each",
    "network_feeds",
    "network_from_dict",
    "network_report",
    "parse_document",
    "plan",
    "plan_many",
    "plan_network",
    "report",
    "report_stylesheet",
    "send",
    "to_dict",
    "write_feeds",
    "write_network_feeds",
]


def from_dict(data: Mapping[str, Any], *, base_dir: str | Path | None = None,
              calendars: Mapping[str, bytes] | None = None) -> Partnership:
    """Validate a partnership given as a dict (the structure of a partnership file).

    Dates may be ``datetime.date`` objects or ``"YYYY-MM-DD"`` strings. Files named in
    ``closures_ics`` are read relative to ``base_dir`` (required only if there are any),
    or taken from ``calendars`` (file name -> the calendar's bytes; a name it lacks is a
    problem, and nothing is read from the file system). Raises ``ConfigError`` with every
    problem found.

    >>> import datetime as dt
    >>> p = from_dict({
    ...     "partnership": {"id": "x", "name": "X", "start": dt.date(2026, 9, 1),
    ...                     "end": "2027-07-31", "duration": 45},
    ...     "schools": [{"id": "a", "name": "A", "timezone": "Europe/London"},
    ...                 {"id": "b", "name": "B", "timezone": "Africa/Nairobi"}]})
    >>> p.schools[1].hours
    (Window(start=540, end=900),)
    >>> from_dict({"partnership": {"id": "x"}, "schools": []})
    Traceback (most recent call last):
    ...
    twinschedule.errors.ConfigError: 5 problems
      partnership.name: required
      partnership.start: required (a date YYYY-MM-DD)
      partnership.end: required (a date YYYY-MM-DD)
      partnership.duration: required
      schools: a partnership needs at least 2 schools, got 0
    """
    from twinschedule import _io
    from twinschedule.config import partnership as _config
    from twinschedule.ical.importer import import_ics

    read = _io.ics_reader(Path(base_dir)) if base_dir is not None else None
    if calendars is not None:
        read = _io.calendar_reader(calendars)
    return _config.from_dict(data, read_ics=read, import_ics=import_ics)


def parse_document(data: bytes, *, kind: str, source: str = "<upload>") -> Any:
    """The bytes of a partnership (or network) file, ``kind`` ``"toml"`` or ``"json"``,
    as Python data (``from_dict``'s input; TOML dates stay ``datetime.date``). Raises
    ``ConfigError`` naming ``source`` with the line and column of a syntax error.

    >>> parse_document(b'[partnership]\\nid = "x"\\n', kind="toml")
    {'partnership': {'id': 'x'}}
    """
    from twinschedule import _io

    if kind not in ("toml", "json"):
        raise ConfigError([Problem(path="", message=f"unknown file type '{kind}': use a "
                                   f".toml or .json file")], source=source)
    return _io.parse_document(data, kind=kind, source=source)


def load(path: str | Path) -> Partnership:
    """Read and validate a partnership file (``.toml`` or ``.json``).

    Imported calendars (``closures_ics``) are read relative to the file's folder.
    Raises ``ConfigError`` naming the file and every problem (a network file: one
    problem pointing at :func:`load_network`).
    """
    from twinschedule import _io
    from twinschedule.config import partnership as _config
    from twinschedule.ical.importer import import_ics

    path = Path(path)
    data = _io.read_document(path)
    return _config.from_dict(data, read_ics=_io.ics_reader(path.parent),
                             import_ics=import_ics, source=str(path))


def to_dict(partnership: Partnership) -> dict[str, Any]:
    """A partnership as the dict structure of a partnership file (``from_dict``'s input)."""
    from twinschedule.config import partnership as _config

    return _config.to_dict(partnership)


def plan(partnership: Partnership, *, top: int | None = None, suggest: bool = True,
         previous: Plan | Mapping[str, Any] | None = None,
         today: dt.date | None = None) -> Plan:
    """Search every candidate monthly rule and rank them: docs/concepts.md says which
    meetings are valid, how months move or skip and how options are ranked;
    docs/explain.md explains the suggestions and the near miss; docs/agreements.md the
    agreement and the re-plan against a published plan.

    ``top`` overrides the partnership's own number of options. When the best option
    holds fewer meetings than the horizon has months, the plan's ``suggestions`` list
    the single changes that would hold more (each re-planned exactly);
    ``suggest=False`` skips that search and leaves ``suggestions`` empty. An infeasible
    plan's diagnostics carry the near miss (the rule that fails in the fewest months,
    and why).

    With an agreement (``partnership.agreement``), option 1 is the agreed rule
    (``agreed=True``) and the other options are the searched ones that would do
    strictly better. ``previous`` is the plan published earlier for the same
    partnership (the ``Plan`` this function returned, or its JSON as a dict): the months
    whose published meeting is before 00:00 UTC of ``today`` are kept exactly as
    published, the others are planned afresh (never before that instant), and the plan
    carries ``changes`` and the feeds' derived ``sequence`` (docs/agreements.md). ``today``
    defaults to the current UTC date (``SOURCE_DATE_EPOCH``'s when set); without
    ``previous`` nothing reads the clock. Raises ``ConfigError`` for a previous plan
    of another partnership, or of a newer plan format.
    """
    from twinschedule.core.explained import plan as _plan

    before = None
    if previous is not None:
        from twinschedule import _io
        from twinschedule.core.previous import read

        before = read(previous, partnership.id)
        if today is None:
            today = _io.today()
    return _plan(partnership, top=top, suggest=suggest, previous=before, today=today)


def report(plan: Plan, *, made: dt.datetime, lang: str | None = None,
           embed: bool = False) -> str:
    """The HTML report of ``plan`` (explain.md) as one self-contained document, in
    ``lang`` (a BCP 47 tag; default the partnership's ``language``), made at ``made``
    (an aware datetime, shown in its footer). Pure: no I/O, no clock.

    ``embed=True`` gives the report's sections only (what its ``<main>`` holds, by the
    same templates), for a page of one's own that links ``report_stylesheet()``.
    """
    from importlib.metadata import version

    from twinschedule.i18n.words import words
    from twinschedule.render import report as _report
    from twinschedule.render.html import render

    built = _report.build(plan, made=made, holidays=version("holidays"),
                          program=f"twinschedule {__version__}")
    return render(built, words(lang or plan.partnership.language), embed=embed)


def report_stylesheet() -> str:
    """The CSS of the HTML report (which the report's document holds inline), for a page
    that embeds the report's sections (``report(..., embed=True)``)."""
    from twinschedule.render.html import stylesheet

    return stylesheet()


def feeds(plan: Plan, *, option: int = 1, stamp: dt.datetime,
          expand: bool = False) -> dict[str, bytes]:
    """The iCalendar feeds of option ``option`` as ``{file name: bytes}``.

    ``stamp`` is the DTSTAMP of every event (an aware datetime). With ``expand`` the
    feeds hold one plain event per held meeting instead of a recurring series.
    """
    from twinschedule.ical.feeds import build_feeds

    return build_feeds(plan, option=option, stamp=stamp, expand=expand)


def write_feeds(plan: Plan, out_dir: str | Path, *, option: int = 1,
                stamp: dt.datetime | None = None, expand: bool = False) -> list[Path]:
    """Write the feeds of option ``option`` into ``out_dir`` atomically.

    ``stamp`` defaults to ``SOURCE_DATE_EPOCH`` when set, else the current time.
    Returns the paths written. Raises ``OutputError`` when the folder cannot be used.
    """
    from twinschedule import _io

    if stamp is None:
        stamp = _io.source_date_epoch() or dt.datetime.now(dt.UTC).replace(microsecond=0)
    files = feeds(plan, option=option, stamp=stamp, expand=expand)
    return _io.write_files(files, Path(out_dir))


def network_from_dict(data: Mapping[str, Any], *,
                      base_dir: str | Path | None = None) -> Network:
    """Validate a network given as a dict (the structure of a network file: a
    ``[network]`` table and 2 to 5000 ``[[schools]]``). Raises ``ConfigError`` with every
    problem found (paths such as ``network.anchor`` or ``schools[812] (jp-0813).timezone``:
    a school by its position and its id).

    >>> n = network_from_dict({
    ...     "network": {"id": "w", "name": "W", "start": "2026-09-01", "end": "2027-06-30",
    ...                 "duration": 60, "anchor": "Europe/Brussels"},
    ...     "schools": [{"id": "a", "name": "A", "timezone": "Europe/London"},
    ...                 {"id": "b", "name": "B", "timezone": "Africa/Nairobi"}]})
    >>> n.anchor, n.sessions, len(n.schools)
    ('Europe/Brussels', 1, 2)
    """
    from twinschedule import _io
    from twinschedule.config import network as _network_config
    from twinschedule.ical.importer import import_ics

    read = _io.ics_reader(Path(base_dir)) if base_dir is not None else None
    return _network_config.from_dict(data, read_ics=read, import_ics=import_ics)


def load_network(path: str | Path) -> Network:
    """Read and validate a network file (``.toml`` or ``.json``, at most 16 MiB).

    Imported calendars (``closures_ics``) are read relative to the file's folder.
    Raises ``ConfigError`` naming the file and every problem (a partnership file: one
    problem pointing at :func:`load`).
    """
    from twinschedule import _io
    from twinschedule.config import network as _network_config
    from twinschedule.ical.importer import import_ics

    path = Path(path)
    data = _io.read_document(path, limit=_network_config.MAX_FILE_BYTES)
    return _network_config.from_dict(data, read_ics=_io.ics_reader(path.parent),
                                     import_ics=import_ics, source=str(path))


def plan_network(network: Network, *, top: int | None = None,
                 progress: Callable[[int, int], None] | None = None) -> NetworkPlan:
    """The rules that the most schools can attend, month by month, and why each school
    misses the months it misses (docs/networks.md).

    ``top`` overrides the network's own number of options. ``progress(done, total)``
    is called as the schools' distinct calendars are laid out. Pure: no I/O, no clock.
    """
    from twinschedule.network.webinar import plan_network as _plan_network

    return _plan_network(network, top=top, progress=progress)


def network_feeds(plan: NetworkPlan, *, option: int = 1,
                  stamp: dt.datetime) -> dict[str, bytes]:
    """The iCalendar feeds of a network plan's option ``option`` as ``{name: bytes}``:
    ``<id>.ics`` with every session, and ``<id>.<school>.ics`` for each school that
    attends some month, holding only the months it attends."""
    from twinschedule.ical.network_feeds import build_network_feeds

    return build_network_feeds(plan, option=option, stamp=stamp)


def network_report(plan: NetworkPlan, *, made: dt.datetime, option: int = 1,
                   lang: str | None = None) -> str:
    """The HTML report of a network plan (docs/networks.md) as one self-contained
    document: the options, option ``option``'s months x sessions with attendance, a
    summary per country and the schools never reached; in ``lang`` (a BCP 47 tag;
    default the network's ``language``), made at ``made`` (an aware datetime, shown in
    its footer). Pure: no I/O, no clock."""
    from importlib.metadata import version

    from twinschedule.i18n.words import words
    from twinschedule.render.html import render_network
    from twinschedule.render.network_page import page

    if plan.options:
        plan.option(option)  # IndexError for an option that does not exist
    return render_network(page(plan, words(lang or plan.network.language), made=made,
                               program=f"twinschedule {__version__}",
                               holidays=version("holidays"), option=option))


def write_network_feeds(plan: NetworkPlan, out_dir: str | Path, *, option: int = 1,
                        stamp: dt.datetime | None = None) -> list[Path]:
    """Write the feeds of a network plan's option ``option`` into ``out_dir``
    atomically (``stamp`` as in :func:`write_feeds`). Returns the paths written."""
    from twinschedule import _io

    if stamp is None:
        stamp = _io.source_date_epoch() or dt.datetime.now(dt.UTC).replace(microsecond=0)
    return _io.write_files(network_feeds(plan, option=option, stamp=stamp), Path(out_dir))


def match(network: Network, school_id: str, *, top: int = 10,
          same_country: bool = False) -> Match:
    """The ``top`` partners school ``school_id`` can meet most easily among the schools
    of ``network`` in other countries (a school without ``country`` is in a country of
    its own; ``same_country=True`` considers every other school), ranked by the first
    five keys of the best option of each two-school plan (``-held, moved, drift,
    max_burden, total_burden``), then by file order, exactly as planning every pair
    with :func:`plan` would rank them. Partners with no option are not listed. Raises
    ``ConfigError`` for an unknown school.
    """
    from twinschedule.network.matching import match as _match

    return _match(network, school_id, top=top, same_country=same_country)


def match_all(network: Network, *, top: int = 10, executor: Executor | None = None,
              progress: Callable[[int, int], None] | None = None,
              same_country: bool = False) -> list[Match]:
    """:func:`match` (with the same ``top`` and ``same_country``) for every school of
    the network, in file order, through any
    ``concurrent.futures.Executor`` (a process pool, a ``dask.distributed`` client's
    ``get_executor()``); the same results whichever runs them. ``progress(done, total)``
    is called as schools complete."""
    from twinschedule.network.batch import match_all as _match_all

    return _match_all(network, top=top, executor=executor, progress=progress,
                      same_country=same_country)


def match_each(network: Network, *, top: int = 10, executor: Executor | None = None,
               progress: Callable[[int, int], None] | None = None,
               same_country: bool = False) -> Iterator[tuple[int, Match]]:
    """:func:`match_all`'s matches one at a time, as they are done: ``(i, match)`` for
    every school, ``i`` its index in the file (``network.schools[i]``), in no fixed
    order. Nothing is kept once handed over, so a caller that writes or stores each
    match at once does not hold them all (``match --all`` on thousands of schools);
    ``top`` below 1 raises ``ConfigError`` at the call, before any work."""
    from twinschedule.network.batch import match_each as _match_each

    return _match_each(network, top=top, executor=executor, progress=progress,
                       same_country=same_country)


def plan_many(partnerships: Iterable[Partnership], *, executor: Executor | None = None,
              progress: Callable[[int, int], None] | None = None) -> list[Plan]:
    """:func:`plan` for each partnership, in input order, through any
    ``concurrent.futures.Executor``; the same plans whichever runs them."""
    from twinschedule.network.batch import plan_many as _plan_many

    return _plan_many(partnerships, executor=executor, progress=progress)


def invitations(plan: Plan, previous: Plan | Mapping[str, Any] | None = None, *,
                stamp: dt.datetime | None = None) -> list[EmailMessage]:
    """The invitations of option 1 as iMIP emails, one per contact of every school
    (docs/agreements.md): without ``previous`` a METHOD:REQUEST of the whole series; with
    ``previous`` (the plan published before, as a ``Plan`` or its JSON) only what
    changed since (a REQUEST per moved or restored month, a METHOD:CANCEL per newly
    skipped month, the whole series again when its rule or months changed), none when
    nothing did. Worded in each contact's language. ``stamp`` (DTSTAMP and Date)
    defaults to ``SOURCE_DATE_EPOCH`` when set, else the current time. Raises
    ``ConfigError`` without an ``organizer`` or without any contact.
    """
    return [letter.message for letter in _letters(plan, previous, stamp)]


def invitation_files(plan: Plan, previous: Plan | Mapping[str, Any] | None = None, *,
                     stamp: dt.datetime | None = None) -> dict[str, EmailMessage]:
    """``invitations`` by the file each is written under by ``twinschedule invite``
    (``"<school id>/<contact email>.eml"``, docs/agreements.md), in the same order."""
    return {f"{letter.school}/{letter.name}": letter.message
            for letter in _letters(plan, previous, stamp)}


def _letters(plan: Plan, previous: Plan | Mapping[str, Any] | None,
             stamp: dt.datetime | None) -> list[Any]:
    from twinschedule import _io
    from twinschedule.core.previous import read
    from twinschedule.ical.itip import letters

    before = None if previous is None else read(previous, plan.partnership.id)
    if stamp is None:
        stamp = _io.source_date_epoch() or dt.datetime.now(dt.UTC).replace(microsecond=0)
    return letters(plan, before, stamp=stamp)


def send(messages: Iterable[EmailMessage], url: str, password: str | None = None, *,
         starttls: bool = False) -> list[SendFailure]:
    """Send ``messages`` through the SMTP server ``url`` (``smtp://[USER@]HOST[:PORT]``,
    ``smtps://...``; ``starttls`` upgrades an smtp:// connection), logging in as the
    URL's user with ``password``. Returns the messages that failed, each with its
    recipient and the server's reply; the others are still sent. Raises ``ConfigError``
    (nothing sent) for a bad URL or a user without a password."""
    from twinschedule._mail import send as _send

    return _send(messages, url, password, starttls=starttls)
