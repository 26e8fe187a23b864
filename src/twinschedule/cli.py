"""The command line: ``twinschedule check FILE``, ``twinschedule plan FILE``,
``twinschedule invite FILE``, ``twinschedule network FILE``, ``twinschedule match FILE``
and ``twinschedule serve``.

Exit status: 0 a valid file / feasible plan; 1 no feasible option; 2 bad input or usage;
3 some invitation could not be sent.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import zlib
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from twinschedule._tz import zones as _zones
from twinschedule._vocab import WEEKDAYS
from twinschedule.errors import ConfigError, TwinScheduleError

if TYPE_CHECKING:
    from twinschedule.core.calendar import SchoolCalendar
    from twinschedule.core.plan import Plan
    from twinschedule.model import Network, Partnership, School
    from twinschedule.network.matching import Match
    from twinschedule.network.outputs import NetworkPlan


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(2)


def _parser() -> argparse.ArgumentParser:
    ap = _Parser(prog="twinschedule",
                 description="Find one monthly meeting time for partner schools and publish "
                             "it as iCalendar feeds.")
    ap.add_argument("--version", action="version", version=_version())
    sub = ap.add_subparsers(dest="command", required=True, parser_class=_Parser)
    check = sub.add_parser("check", help="validate a partnership or network file and "
                                         "summarise it")
    check.add_argument("file", type=Path)
    check.add_argument("--json", action="store_true",
                       help="print what the loader made of the file as JSON")
    plan = sub.add_parser("plan", help="rank monthly meeting rules; write feeds with --out")
    plan.add_argument("file", type=Path)
    plan.add_argument("--top", type=int, metavar="N", help="how many options (1 to 50)")
    plan.add_argument("--json", action="store_true", help="print the plan as JSON")
    plan.add_argument("--out", type=Path, metavar="DIR", help="write iCalendar feeds into DIR")
    plan.add_argument("--option", type=int, default=1, metavar="K",
                      help="which option's feeds to write (default 1)")
    plan.add_argument("--expand", action="store_true",
                      help="one event per meeting instead of a recurring series")
    plan.add_argument("--lang", metavar="TAG",
                      help="language of the text output (a BCP 47 tag such as de, pt-BR; "
                           "default: the partnership's language)")
    plan.add_argument("--report", type=Path, metavar="PATH.html",
                      help="also write a self-contained HTML report of the plan")
    _reissue_arguments(plan)
    _invite_parser(sub)
    net = sub.add_parser("network", help="the monthly webinar most schools of a network "
                                         "can attend; write feeds with --out")
    net.add_argument("file", type=Path)
    net.add_argument("--top", type=int, metavar="N", help="how many options (1 to 50)")
    net.add_argument("--json", action="store_true", help="print the plan as JSON")
    net.add_argument("--out", type=Path, metavar="DIR", help="write iCalendar feeds into DIR")
    net.add_argument("--option", type=int, default=1, metavar="K",
                     help="which option's feeds (and report's months) to write (default 1)")
    net.add_argument("--lang", metavar="TAG",
                     help="language of the text output and the report (a BCP 47 tag such "
                          "as de, pt-BR; default: the network's language)")
    net.add_argument("--report", type=Path, metavar="PATH.html",
                     help="also write a self-contained HTML report of the network plan")
    _quiet_argument(net)
    match = sub.add_parser("match", help="the partners a school of a network can meet most "
                                         "easily (--school), or every school's (--all)")
    match.add_argument("file", type=Path)
    who = match.add_mutually_exclusive_group(required=True)
    who.add_argument("--school", metavar="ID", help="the school looking for partners")
    who.add_argument("--all", action="store_true", help="the partners of every school")
    match.add_argument("--top", type=int, default=10, metavar="N",
                       help="how many partners per school (default 10)")
    match.add_argument("--json", action="store_true", help="print the result as JSON")
    match.add_argument("--same-country", action="store_true",
                       help="also consider the schools of the same country (by default only "
                            "schools in other countries are partners)")
    where = match.add_mutually_exclusive_group()
    where.add_argument("--workers", type=int, metavar="N",
                       help="with --all: run on N local processes")
    where.add_argument("--scheduler", metavar="ADDRESS",
                       help="with --all: run on a running dask.distributed scheduler "
                            "(needs twinschedule[dask])")
    _quiet_argument(match)
    serve = sub.add_parser("serve", help="the web service: each school edits its own part, "
                                         "everyone subscribes (needs twinschedule[serve])")
    serve.add_argument("--db", default="sqlite:///twinschedule.db", metavar="URL",
                       help="database URL (default sqlite:///twinschedule.db; a path is a "
                            "SQLite file; postgresql://... for PostgreSQL)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on "
                                                           "(default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8080, help="port (default 8080)")
    serve.add_argument("--base-url", metavar="URL",
                       help="the public URL behind a reverse proxy (links and feed URLs "
                            "are built from it)")
    serve.add_argument("--workers", type=int, default=1, metavar="N",
                       help="worker processes (use PostgreSQL for more than one)")
    serve.add_argument("--proxy-headers", action="store_true",
                       help="trust X-Forwarded-Proto/For from the reverse proxy")
    return ap


def _quiet_argument(ap: argparse.ArgumentParser) -> None:
    ap.add_argument("--quiet", action="store_true",
                    help="no progress on standard error (shown for long runs: a bar on a "
                         "terminal, a line every few seconds otherwise)")


def _progress(args: argparse.Namespace, label: str, unit: str) -> Any:
    """The progress reporter of a long run on standard error; None with ``--quiet``."""
    from twinschedule._progress import Progress

    return None if args.quiet else Progress(label, unit)


def _invite_parser(sub: Any) -> None:
    inv = sub.add_parser("invite", help="write the invitations of option 1 as emails "
                                        "(one per contact); send them with --send")
    inv.add_argument("file", type=Path)
    _reissue_arguments(inv)
    inv.add_argument("--out", type=Path, metavar="DIR", required=True,
                     help="write DIR/<school-id>/<contact-email>.eml")
    inv.add_argument("--send", metavar="URL",
                     help="also send them: smtp://[USER@]HOST[:PORT] or smtps://...; the "
                          "password from TWINSCHEDULE_SMTP_PASSWORD")
    inv.add_argument("--starttls", action="store_true",
                     help="with smtp://: encrypt the connection (STARTTLS)")


def _reissue_arguments(ap: argparse.ArgumentParser) -> None:
    """``--previous`` and ``--today`` (``plan`` and ``invite``)."""
    ap.add_argument("--previous", type=Path, metavar="PLAN.json",
                    help="the plan published earlier (plan --json): keep the months before "
                         "--today as published and say what changed")
    ap.add_argument("--today", metavar="DATE",
                    help="with --previous: the first day that is not history (YYYY-MM-DD; "
                         "default: today in UTC, or SOURCE_DATE_EPOCH's date)")


def _previous(args: argparse.Namespace, p: Partnership) -> tuple[Any, dt.date | None]:
    """The previous plan (``--previous``, read and checked) and ``--today``."""
    from twinschedule import _io
    from twinschedule.core.previous import read
    from twinschedule.errors import ConfigError, Problem

    def bad(path: str, message: str) -> ConfigError:
        return ConfigError([Problem(path=path, message=message)], source=str(args.file))

    today = None
    if args.today is not None:
        if args.previous is None:
            raise bad("--today", "is the day a re-plan starts from: use it with --previous")
        try:
            today = dt.date.fromisoformat(args.today)
        except ValueError:
            raise bad("--today", f"'{args.today}' is not a date YYYY-MM-DD") from None
    if args.previous is None:
        return None, None
    previous = read(_io.read_plan(args.previous), p.id, source=str(args.previous))
    return previous, today or _io.today()


def _version() -> str:
    import importlib.metadata

    from twinschedule import __version__

    try:
        hol = importlib.metadata.version("holidays")
    except importlib.metadata.PackageNotFoundError:
        hol = "not installed"
    return (f"twinschedule {__version__} (time zone data tzdata {_zones.IANA_VERSION}, "
            f"holidays {hol})")


def _load_either(path: Path) -> Partnership | Network:
    """A partnership or a network file, told apart by its ``[network]`` table (each
    with its own size limit)."""
    from twinschedule import _io
    from twinschedule.config import network as network_config
    from twinschedule.config import partnership as config
    from twinschedule.ical.importer import import_ics

    source = str(path)
    raw = _io.read_source(path, limit=network_config.MAX_FILE_BYTES)
    data = _io.parse_document(raw, kind=path.suffix.lower()[1:], source=source)
    found: dict[str, Any] = {"read_ics": _io.ics_reader(path.parent),
                             "import_ics": import_ics, "source": source}
    if isinstance(data, dict) and "network" in data and "partnership" not in data:
        return network_config.from_dict(data, **found)
    if len(raw) > _io.MAX_FILE_BYTES:
        raise _io.too_large(_io.MAX_FILE_BYTES, source)
    return config.from_dict(data, **found)


def _calendars(p: Partnership | Network) -> tuple[SchoolCalendar, ...]:
    """Each school's calendar over the horizon (the planner's own)."""
    from twinschedule.core.calendar import build_calendar

    return tuple(build_calendar(s, start=p.start, end=p.end, duration=p.duration)
                 for s in p.schools)


def _day_counts(cal: SchoolCalendar, lo_day: dt.date, hi_day: dt.date) -> tuple[int, int]:
    """(school days, open days) of the horizon: a school day is on the school's week;
    an open day is one the calendar finds no conflict on (terms, closures, holidays,
    imports applied)."""
    school_days = open_days = 0
    d = lo_day
    while d <= hi_day:
        conflicts = {code for code, _ in cal.day_conflicts(d)}
        school_days += "not-school-day" not in conflicts
        open_days += not conflicts
        d += dt.timedelta(days=1)
    return school_days, open_days


def _import_data(cal: SchoolCalendar, school_days: int
                 ) -> tuple[list[dict[str, Any]], set[dt.date], list[str]]:
    """A school's imports as ``check --json`` shows them, the dates they close and the
    warnings about them (a file giving nothing, or closing most school days)."""
    s = cal.school
    imports: list[dict[str, Any]] = []
    closed: set[dt.date] = set()
    warnings: list[str] = []
    for rep in s.import_reports:
        imports.append({"file": rep.file, "as": rep.use, "events": rep.events,
                        "used": dict(rep.used), "not_used": dict(rep.not_used)})
        closed.update(rep.closed_dates)
        if not rep.used:
            why = ", ".join(f"{n} {k}" for k, n in rep.not_used) or "no events in the horizon"
            warnings.append(f"{s.id}: '{rep.file}' contributes nothing ({why})")
        mine = [x for x in rep.closed_dates if WEEKDAYS[x.weekday()] in cal.days]
        if school_days and len(mine) * 2 > school_days:
            warnings.append(f"{s.id}: '{rep.file}' closes {len(mine)} of the "
                            f"{school_days} school days; is it a list of term days "
                            f"(use as = \"open-days\")?")
    return imports, closed, warnings


def _busy_data(school: School, lo_day: dt.date, hi_day: dt.date) -> list[list[str]]:
    """The imported busy intervals overlapping the horizon (school wall time), merged,
    as UTC ``[start, end)`` pairs."""
    zone = _zones.get_zone(school.timezone)
    h0 = dt.datetime.combine(lo_day, dt.time()).replace(tzinfo=zone).astimezone(dt.UTC)
    h1 = dt.datetime.combine(hi_day + dt.timedelta(days=1), dt.time()
                             ).replace(tzinfo=zone).astimezone(dt.UTC)
    merged: list[list[dt.datetime]] = []
    for b in sorted(school.imported_busy, key=lambda b: (b.start, b.end)):
        if not (b.start < h1 and b.end > h0):
            continue
        if merged and b.start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b.end)
        else:
            merged.append([b.start, b.end])
    return [[a.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
             b.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")] for a, b in merged]


def _check_data(p: Partnership | Network, cals: Sequence[SchoolCalendar]
                ) -> tuple[dict[str, Any], list[str]]:
    """What the loader made of a partnership or network (output.md, ``check --json``)
    and the warnings: a school with no open day in the horizon, and imports that give
    nothing or close most school days."""
    from twinschedule.model import Network

    warnings: list[str] = []
    schools = []
    for cal in cals:
        s = cal.school
        school_days, open_days = _day_counts(cal, p.start, p.end)
        if not open_days:
            warnings.append(f"{s.id}: no open day in the horizon {p.start} to {p.end}, so "
                            f"no meeting can be held with it; are its terms or closures "
                            f"for another year?")
        imports, closed, more = _import_data(cal, school_days)
        warnings += more
        schools.append({
            "id": s.id, "timezone": s.timezone, "open_days": open_days, "imports": imports,
            "imported_closed_dates": [x.isoformat() for x in sorted(closed)],
            "imported_busy": _busy_data(s, p.start, p.end),
        })
    kind = "network" if isinstance(p, Network) else "partnership"
    return {kind: p.id, "schools": schools, "warnings": warnings}, warnings


def _check_head(path: Path, p: Partnership | Network) -> str:
    """The first line of ``check``: the file is valid, and what it plans."""
    from twinschedule.model import Network

    if isinstance(p, Network):
        sessions = ", 2 sessions" if p.sessions == 2 else ""
        return (f"{path}: valid network file. {p.name} ({p.id}), {p.start} to {p.end}, "
                f"{p.duration}-minute webinars at a clock time fixed in {p.anchor}, "
                f"{len(p.schools)} schools{sessions}, time zone data {_zones.IANA_VERSION}")
    return (f"{path}: valid. {p.name} ({p.id}), {p.start} to {p.end}, "
            f"{p.duration}-minute meetings, time zone data {_zones.IANA_VERSION}")


def _check_school(p: Partnership | Network, cal: SchoolCalendar,
                  info: dict[str, Any]) -> None:
    """A school's lines of ``check``: zone, week, hours, open days, holidays, imports."""
    s = cal.school
    tl = _zones.timeline_for_dates(s.timezone, p.start, p.end, margin_days=0)
    offsets = sorted({tl.initial, *(t.after for t in tl.transitions)})
    shown = " to ".join(dict.fromkeys(_utc_offset(o) for o in (offsets[0], offsets[-1])))
    hols = [(d, n) for d, n in cal.holidays.items() if p.start <= d <= p.end]
    print(f"  {s.id}: {s.name}")
    days = " ".join(d for d in WEEKDAYS if d in cal.days)
    print(f"    zone {s.timezone} ({shown}), school days {days}, "
          f"hours {', '.join(str(w) for w in s.hours)}")
    print(f"    {info['open_days']} open days in the horizon, {len(hols)} holidays"
          + (f" (e.g. {hols[0][0]} {hols[0][1]})" if hols else ""))
    for rep in info["imports"]:
        used = ", ".join(f"{n} as {k.replace('_', ' ')}" for k, n in rep["used"].items())
        unused = ", ".join(f"{n} {k}" for k, n in rep["not_used"].items())
        print(f"    {rep['file']} (as {rep['as']}): {rep['events']} events in the "
              f"horizon; used {used or 'none'}"
              + (f"; not used: {unused}" if unused else ""))


def _check(path: Path, as_json: bool = False) -> int:
    """``check``: a partnership or network file validated and summarised school by
    school, with warnings; exit status 0 for a valid file."""
    p = _load_either(path)
    cals = _calendars(p)
    data, warnings = _check_data(p, cals)
    if as_json:
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        return 0
    print(_check_head(path, p))
    for cal, info in zip(cals, data["schools"], strict=True):
        _check_school(p, cal, info)
    for w in warnings:
        print(f"warning: {w}")
    _untranslated([getattr(p, "language", "en"),
                   *(s.language for s in p.schools if s.language)])
    return 0


def _columns() -> int:
    """The terminal width from ``COLUMNS`` (default 100)."""
    try:
        return int(os.environ.get("COLUMNS", ""))
    except ValueError:
        return 100


def _untranslated(languages: Sequence[str]) -> None:
    """One line naming the languages (of a file and its schools) that fall back to
    English sentences."""
    from twinschedule.i18n.words import has_catalog

    tags = dict.fromkeys(languages)
    missing = [t for t in tags if not has_catalog(t)]
    if missing:
        print(f"  note: no translations for {', '.join(missing)} yet: English sentences "
              f"with {'its' if len(missing) == 1 else 'their'} own dates and times")


def _utc_offset(minutes: int) -> str:
    sign = "+" if minutes >= 0 else "-"
    m = abs(minutes)
    return f"UTC{sign}{m // 60:02d}:{m % 60:02d}"


def _check_top(args: argparse.Namespace) -> None:
    """``--top`` between 1 and ``MAX_TOP`` (the file's own limit)."""
    from twinschedule.errors import ConfigError, Problem
    from twinschedule.model import MAX_TOP

    if args.top is not None and not 1 <= args.top <= MAX_TOP:
        raise ConfigError([Problem(path="--top", message=f"{args.top} is not between 1 and "
                                   f"{MAX_TOP}")], source=str(args.file))


def _check_option(args: argparse.Namespace, count: int) -> None:
    """``--option`` names one of the plan's ``count`` options."""
    from twinschedule.errors import ConfigError, Problem

    if not 1 <= args.option <= count:
        raise ConfigError([Problem(path="--option", message=f"option {args.option} does "
                                   f"not exist; the plan has {count}")], source=str(args.file))


def _check_report_and_lang(args: argparse.Namespace) -> None:
    """``--report`` must name an ``.html`` file and ``--lang`` a known tag (usage
    errors, before anything is planned or written)."""
    from twinschedule.errors import ConfigError, Problem

    if args.report is not None and args.report.suffix.lower() != ".html":
        raise ConfigError([Problem(path="--report", message=(
            f"'{args.report}' does not end in .html: the report is an HTML page (a browser "
            f"prints it, or saves it as PDF)"))], source=str(args.file))
    if args.lang is not None:
        from twinschedule.i18n.words import known_tag

        tag, hint = known_tag(args.lang)
        if tag is None:
            raise ConfigError([Problem(path="--lang", message=f"unknown language tag "
                                       f"'{args.lang}'{hint}")], source=str(args.file))


def _plan(args: argparse.Namespace) -> int:
    from twinschedule import load, write_feeds
    from twinschedule.render.text import render

    _check_top(args)
    _check_report_and_lang(args)
    p = load(args.file)
    previous, today = _previous(args, p)
    result = _planned(p, args, previous, today)
    if args.out is not None and result.feasible:
        _check_option(args, len(result.options))
        write_feeds(result, args.out, option=args.option, expand=args.expand)
    if args.report is not None:
        _write_report(result, args.report, args.lang)
    if args.json:
        sys.stdout.write(json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(render(result, lang=args.lang, width=_columns()))
    return 0 if result.feasible else 1


def _planned(p: Partnership, args: argparse.Namespace, previous: Any,
             today: dt.date | None) -> Plan:
    """The plan (``twinschedule.plan`` with the previous plan already read); a problem
    the plan finds in the file (an agreed alternation) names the file."""
    from twinschedule.core.explained import plan
    from twinschedule.errors import ConfigError

    try:
        return plan(p, top=getattr(args, "top", None), previous=previous, today=today,
                    suggest=args.command == "plan")
    except ConfigError as exc:
        raise ConfigError(exc.problems, source=exc.source or str(args.file)) from None


def _send_settings(args: argparse.Namespace) -> str | None:
    """The password for ``--send`` (from the environment only), after checking the
    URL; ``ConfigError`` before anything is written or sent."""
    from twinschedule._mail import PASSWORD_VARIABLE, server
    from twinschedule.errors import ConfigError, Problem

    if args.send is None:
        if args.starttls:
            raise ConfigError([Problem(path="--starttls", message="use it with --send")],
                              source=str(args.file))
        return None
    try:
        where = server(args.send)
    except ConfigError as exc:
        raise ConfigError(exc.problems, source=str(args.file)) from None
    password = os.environ.get(PASSWORD_VARIABLE) or None
    if where.user is not None and password is None:
        raise ConfigError([Problem(path="--send", message=(
            f"the URL names the user '{where.user}': give the password in "
            f"{PASSWORD_VARIABLE}"))], source=str(args.file))
    if args.starttls and where.tls:
        raise ConfigError([Problem(path="--starttls", message=(
            "smtps:// is encrypted from the start: use --starttls with smtp://"))],
            source=str(args.file))
    return password


def _invite(args: argparse.Namespace) -> int:
    from twinschedule import _io, load, send
    from twinschedule.errors import ConfigError
    from twinschedule.ical import itip

    password = _send_settings(args)
    p = load(args.file)
    try:
        itip.check(p)
    except ConfigError as exc:
        raise ConfigError(exc.problems, source=str(args.file)) from None
    previous, today = _previous(args, p)
    result = _planned(p, args, previous, today)
    if not result.feasible:
        print(f"{args.file}: no feasible option: no invitations", file=sys.stderr)
        return 1
    stamp = _io.source_date_epoch() or dt.datetime.now(dt.UTC).replace(microsecond=0)
    letters = itip.letters(result, previous, stamp=stamp)
    if not letters:
        print("Nothing changed since the last plan: no invitations written or sent.")
        return 0
    _io.write_tree({(x.school, x.name): x.message.as_bytes() for x in letters}, args.out)
    for x in letters:
        print(f"{args.out / x.school / x.name}: {_method(x.message)} to "
              f"{x.message['To'].addresses[0].addr_spec}")
    if args.send is None:
        return 0
    failures = send([x.message for x in letters], args.send, password,
                    starttls=args.starttls)
    for f in failures:
        print(f"not sent to {f}", file=sys.stderr)
    print(f"sent {len(letters) - len(failures)} of {len(letters)} messages")
    return 3 if failures else 0


def _method(msg: Any) -> str:
    """The iTIP method of an invitation (``REQUEST`` or ``CANCEL``)."""
    part = msg.get_body(("calendar",)) or next(
        (x for x in msg.iter_parts() if x.get_content_type() == "text/calendar"), None)
    return str(part.get_param("method")) if part is not None else "?"


def _network(args: argparse.Namespace) -> int:
    from twinschedule import load_network, plan_network, write_network_feeds
    from twinschedule.render.network_text import render

    _check_top(args)
    _check_report_and_lang(args)
    network = load_network(args.file)
    progress = _progress(args, "planning", "calendars")
    try:
        result = plan_network(network, top=args.top, progress=progress)
    finally:
        if progress is not None:
            progress.close()
    if (args.out is not None or args.report is not None) and result.feasible:
        _check_option(args, len(result.options))
    if args.out is not None and result.feasible:
        write_network_feeds(result, args.out, option=args.option)
    if args.report is not None:
        _write_network_report(result, args.report, args.option, args.lang)
    if args.json:
        sys.stdout.write(json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(render(result, lang=args.lang))
    return 0 if result.feasible else 1


def _write_network_report(result: NetworkPlan, path: Path, option: int,
                          lang: str | None) -> None:
    """The network report of option ``option`` in ``lang`` (else the network's
    language), made at ``SOURCE_DATE_EPOCH`` when set (else now), atomically."""
    from twinschedule import _io, network_report

    made = _io.source_date_epoch() or dt.datetime.now(dt.UTC).replace(microsecond=0)
    html = network_report(result, made=made, option=option if result.feasible else 1,
                          lang=lang)
    _io.write_files({path.name: html.encode("utf-8")}, path.parent)


def _write_report(result: Plan, path: Path, lang: str | None = None) -> None:
    """The HTML report in ``lang`` (else the partnership's language), made at
    ``SOURCE_DATE_EPOCH`` when set (else now), atomically."""
    import datetime as dt

    from twinschedule import _io, report

    made = _io.source_date_epoch() or dt.datetime.now(dt.UTC).replace(microsecond=0)
    _io.write_files({path.name: report(result, made=made, lang=lang).encode("utf-8")},
                    path.parent)


def _match(args: argparse.Namespace) -> int:
    from twinschedule import load_network, match
    from twinschedule.errors import ConfigError, Problem
    from twinschedule.render.match_text import all_header, render

    def bad(path: str, message: str) -> ConfigError:
        return ConfigError([Problem(path=path, message=message)], source=str(args.file))

    if args.top < 1:
        raise bad("--top", f"{args.top} is not at least 1")
    if not args.all and (args.workers is not None or args.scheduler is not None):
        raise bad("--workers" if args.workers is not None else "--scheduler",
                  "runs a batch: use it with --all")
    if args.workers is not None and args.workers < 1:
        raise bad("--workers", f"{args.workers} is not at least 1")
    network = load_network(args.file)
    if not args.all:
        try:
            result = match(network, args.school, top=args.top,
                           same_country=args.same_country)
        except ConfigError as exc:
            raise ConfigError(exc.problems, source=str(args.file)) from None
        if args.json:
            sys.stdout.write(json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n")
        else:
            sys.stdout.write(render(result, network, same_country=args.same_country))
        return 0
    texts = _match_batch(args, network, bad)
    items = (zlib.decompress(t).decode("utf-8") for t in texts)
    if args.json:
        _write_json_list(items)
    else:
        sys.stdout.write(all_header(network, len(texts)) + "\n")
        for line in items:
            sys.stdout.write(line + "\n")
    return 0


def _match_batch(args: argparse.Namespace, network: Network,
                 bad: Callable[[str, str], ConfigError]) -> list[bytes]:
    """``match --all``: on the scheduler, on local processes or here, with progress.
    Each school's JSON (or its line of text) is made as its match arrives and kept
    compressed, in file order: the matches themselves are never all held at once (4000
    schools' JSON is about 240 MB, compressed about 18 MB)."""
    from twinschedule import match_each
    from twinschedule.render.match_text import all_line

    progress = _progress(args, "matching", "schools")
    run: dict[str, Any] = {"top": args.top, "progress": progress,
                           "same_country": args.same_country}
    texts = [b""] * len(network.schools)
    text: Callable[[Match], str] = ((lambda m: _json_item(m.to_dict())) if args.json
                                    else all_line)

    def keep(results: Iterable[tuple[int, Match]]) -> list[bytes]:
        for i, m in results:
            texts[i] = zlib.compress(text(m).encode("utf-8"), 1)
        return texts

    try:
        if args.scheduler is not None:
            with _dask_client(args.scheduler, bad) as client:
                return keep(match_each(network, executor=client.get_executor(), **run))
        if args.workers is not None and args.workers > 1:
            from twinschedule.network.batch import process_pool

            with process_pool(network, args.workers) as pool:
                return keep(match_each(network, executor=pool, **run))
        return keep(match_each(network, **run))
    finally:
        if progress is not None:
            progress.close()


def _json_item(data: Any) -> str:
    """``data`` as ``json.dumps`` of a list (``indent=2, ensure_ascii=False``) writes an
    item: its own JSON with every line but the first indented two more (a JSON string
    holds no line break: it is escaped)."""
    return json.dumps(data, indent=2, ensure_ascii=False).replace("\n", "\n  ")


def _write_json_list(items: Iterable[str]) -> None:
    """The bytes of ``json.dumps(list, indent=2, ensure_ascii=False) + "\\n"`` from the
    items' :func:`_json_item` texts, written one at a time."""
    empty = True
    for item in items:
        sys.stdout.write(("[\n  " if empty else ",\n  ") + item)
        empty = False
    sys.stdout.write("[]\n" if empty else "\n]\n")


SCHEDULER_TIMEOUT = 5  # seconds: an unreachable --scheduler is refused within 10 s


def _dask_client(address: str, bad: Callable[[str, str], ConfigError]) -> Any:
    """A ``dask.distributed`` client of the scheduler at ``address``; a usage error
    naming the address when it cannot be reached within ``SCHEDULER_TIMEOUT``."""
    import importlib

    try:
        distributed: Any = importlib.import_module("distributed")
    except ImportError:
        raise bad("--scheduler", "needs dask.distributed: pip install "
                                 "'twinschedule[dask]'") from None
    try:
        return distributed.Client(address, timeout=SCHEDULER_TIMEOUT)
    except (ValueError, TypeError):
        raise bad("--scheduler", f"'{address}' is not a scheduler address (such as "
                                 f"tcp://10.0.0.5:8786)") from None
    except (OSError, TimeoutError):
        raise bad("--scheduler", f"cannot reach the scheduler at '{address}' within "
                                 f"{SCHEDULER_TIMEOUT} s (is it running, and is the address "
                                 f"right?)") from None


def _serve(args: argparse.Namespace) -> int:
    """``twinschedule serve``: the service is an optional extra, loaded only here."""
    import importlib

    from twinschedule.errors import ConfigError, Problem

    def bad(path: str, message: str) -> ConfigError:
        return ConfigError([Problem(path=path, message=message)])

    if not 0 < args.port < 65536:
        raise bad("--port", f"{args.port} is not a port (1 to 65535)")
    if args.workers < 1:
        raise bad("--workers", f"{args.workers} is not at least 1")
    url = args.db if "://" in args.db else f"sqlite:///{Path(args.db).resolve()}"
    if args.workers > 1 and url.startswith("sqlite"):
        raise bad("--workers", "several workers need PostgreSQL (--db postgresql://...); "
                  "SQLite is for one")
    if args.base_url is not None and not args.base_url.startswith(("http://", "https://")):
        raise bad("--base-url", f"'{args.base_url}' is not an http:// or https:// URL")
    try:
        app: Any = importlib.import_module("twinschedule.serve.app")
    except ImportError as exc:
        print(f"twinschedule serve needs the serve extra (missing: {exc.name}): "
              f"pip install 'twinschedule[serve]'", file=sys.stderr)
        return 2
    app.run(url=url, host=args.host, port=args.port, base_url=args.base_url,
            workers=args.workers, proxy=args.proxy_headers)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "serve":
            return _serve(args)
        if args.command == "check":
            return _check(args.file, args.json)
        if args.command == "network":
            return _network(args)
        if args.command == "match":
            return _match(args)
        if args.command == "invite":
            return _invite(args)
        return _plan(args)
    except TwinScheduleError as exc:
        print(exc.report(), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
