"""The network report in the reader's words (network.md, ``network FILE --report``): the
options, the chosen option's months x sessions with attendance, a summary per country
and the schools never reached, as frozen view objects (``NetworkReportPage``), every
text worded through one :class:`i18n.Words` (the reader's language); no markup (the
templates ``network.html`` and ``_network.html`` lay it out, through ``render/html.py``).

The numbers come straight from the :class:`NetworkPlan` (its months' attending schools);
shares are counted here from them. The header and the footer are the plan report's
views (``page.Header``), so both reports start and end alike.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections import Counter
from dataclasses import dataclass

from twinschedule._tz import zones as _zones
from twinschedule._vocab import NAMED_REASONS, WEEKDAYS
from twinschedule.core.plan import Diagnostics
from twinschedule.i18n.counts import ATTENDANCE, MONTHS, REACHED, SCHOOLS, count
from twinschedule.i18n.words import Nn_, Words
from twinschedule.model import Network, School
from twinschedule.network.outputs import NetworkMonth, NetworkOption, NetworkPlan, main_reason
from twinschedule.render.page import Header, Headline

COUNTRIES = Nn_("{count} country", "{count} countries")

# ---- the views ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class OptionRow:
    rank: int
    rule: str
    attendance: int  # (school, month) pairs attended (the JSON's metrics)
    cells: tuple[str, ...]  # attendance (share), worst month, reached, burden, repeat


@dataclass(frozen=True, slots=True, kw_only=True)
class OptionsSection:
    heading: str
    head: tuple[str, ...]
    rows: tuple[OptionRow, ...]
    note: str


@dataclass(frozen=True, slots=True, kw_only=True)
class SessionCell:
    """One session of one month: its start (UTC, ISO 8601) and its attendance."""

    start: str
    when: str  # the date and time in the anchor zone
    attending: int
    text: str  # "38 of 40 (95%)"


@dataclass(frozen=True, slots=True, kw_only=True)
class MonthRow:
    month: str  # YYYY-MM
    label: str
    sessions: tuple[SessionCell, ...]
    either: str  # with a repeat session: the schools attending one of the two; else ""


@dataclass(frozen=True, slots=True, kw_only=True)
class MonthsSection:
    heading: str
    sub: str
    head: tuple[str, ...]
    rows: tuple[MonthRow, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class CountryRow:
    code: str  # ISO 3166 code, "" for schools without a country
    name: str
    schools: int
    reached: int
    share: str  # attended (school, month) pairs of the country's possible ones
    cells: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class CountriesSection:
    heading: str
    head: tuple[str, ...]
    rows: tuple[CountryRow, ...]
    note: str


@dataclass(frozen=True, slots=True, kw_only=True)
class NeverRow:
    school_id: str
    name: str
    country: str
    zone: str
    local: str  # the session's usual local weekday and start at the school
    hours: str  # the school's hours on that local weekday
    #: Why the school misses: its main reason (the plan's ``missed``) and in how many
    #: months; the template shows them under the school's name.
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class NeverSection:
    heading: str
    head: tuple[str, ...]
    rows: tuple[NeverRow, ...]
    nothing: str  # the one line when every school is reached


@dataclass(frozen=True, slots=True, kw_only=True)
class DiagnosticsSection:
    heading: str
    lines: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class NetworkReportPage:
    """Everything the network report shows, in its order; ``None``: not shown."""

    lang: str
    dir: str  # "ltr" or "rtl"
    program: str
    title: str
    header: Header
    options: OptionsSection | None
    months: MonthsSection | None
    countries: CountriesSection | None
    never: NeverSection | None
    diagnostics: DiagnosticsSection | None
    footer: str


# ---- sections -----------------------------------------------------------------------


def _pct(w: Words, part: int, whole: int) -> str:
    return w.percent(part / whole) if whole else "–"


def _utc(instant: dt.datetime) -> str:
    return instant.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")  # as in the JSON


def _when(n: Network, start: dt.datetime, w: Words) -> str:
    local = start.astimezone(_zones.get_zone(n.anchor))
    return f"{w.short_date(local.date())} {w.time(local.hour * 60 + local.minute)}"


def _sessions(o: NetworkOption) -> list[tuple[NetworkMonth, ...]]:
    return [o.months] + ([o.repeat.months] if o.repeat is not None else [])


def header(plan: NetworkPlan, chosen: NetworkOption | None, w: Words) -> Header:
    n = plan.network
    sub = w._("{start} to {end}; sessions of {duration}; schools: {count}; time zone data "
              "{version}", start=w.medium_date(n.start), end=w.medium_date(n.end),
              duration=w.minutes(n.duration), count=len(n.schools), version=plan.tzdata)
    countries = {s.country for s in n.schools if s.country}
    schools = w._("{schools} in {countries}; clock time fixed in {zone}",
                  schools=count(w, SCHOOLS, len(n.schools)),
                  countries=count(w, COUNTRIES, len(countries)), zone=n.anchor)
    if chosen is None:
        return Header(title=n.name, sub=sub, schools=schools, headline=Headline(
            rule=None, text=w._("No rule can be attended by any school in any month.")))
    m = chosen.metrics
    text = w._("attendance {attendance} ({percent}), reached {reached}",
               attendance=count(w, ATTENDANCE, m.possible, attendance=m.attendance),
               percent=_pct(w, m.attendance, m.possible),
               reached=count(w, REACHED, len(n.schools), reached=m.reached))
    return Header(title=n.name, sub=sub, schools=schools,
                  headline=Headline(rule=w.capital(w.rule(chosen.rule)),
                                    text=w.capital(text)))


def options_section(plan: NetworkPlan, w: Words) -> OptionsSection | None:
    if not plan.options:
        return None
    repeats = plan.network.sessions > 1
    head = ("#", w._("Rule"), w._("Attendance"), w._("Worst month"), w._("Reached"),
            w._("From preferred time"), *((w._("Repeat session"),) if repeats else ()))
    rows = []
    for o in plan.options:
        m = o.metrics
        repeat = "" if o.repeat is None else w._(
            "{rule}: {pairs} more", rule=w.rule(o.repeat.rule), pairs=o.repeat.extra)
        rows.append(OptionRow(rank=o.rank, rule=w.rule(o.rule), attendance=m.attendance,
                              cells=(f"{m.attendance} ({_pct(w, m.attendance, m.possible)})",
                                     str(m.worst_month), f"{m.reached}",
                                     w.minutes(m.burden), *((repeat,) if repeats else ()))))
    note = w._("Attendance: the (school, month) pairs that can attend, of {possible}. Worst "
               "month: the fewest schools attending one month. Reached: schools attending "
               "at least one month. From preferred time: the attending schools' minutes "
               "away from their preferred starts, summed over the year.",
               possible=plan.options[0].metrics.possible)
    return OptionsSection(heading=w._("Options"), head=head, rows=tuple(rows), note=note)


def months_section(plan: NetworkPlan, o: NetworkOption, w: Words) -> MonthsSection:
    n = plan.network
    total = len(n.schools)
    sessions = _sessions(o)
    head = [w._("Month"), w._("Session, {zone} time", zone=n.anchor), w._("Attending")]
    if len(sessions) > 1:
        head += [w._("Repeat session, {zone} time", zone=n.anchor), w._("Attending"),
                 w._("Either session")]
    rows = []
    for k, m in enumerate(o.months):
        assert all(x[k].month == m.month for x in sessions)
        cells = tuple(SessionCell(start=_utc(s[k].start),
                                  when=_when(n, s[k].start, w), attending=len(s[k].attending),
                                  text=w._("{part} of {whole} ({percent})",
                                           part=len(s[k].attending), whole=total,
                                           percent=_pct(w, len(s[k].attending), total)))
                      for s in sessions)
        either = ""
        if len(sessions) > 1:
            k_either = len({sid for s in sessions for sid in s[k].attending})
            either = w._("{part} of {whole} ({percent})", part=k_either, whole=total,
                         percent=_pct(w, k_either, total))
        rows.append(MonthRow(month=m.month, label=w.month(m.month), sessions=cells,
                             either=either))
    sub = w._("Option {rank}: {rule}", rank=o.rank, rule=w.rule(o.rule))
    if o.repeat is not None:
        sub += " · " + w._("Repeat session: {rule}", rule=w.rule(o.repeat.rule))
    return MonthsSection(heading=w._("Month by month"), sub=sub, head=tuple(head),
                         rows=tuple(rows))


def _country(w: Words, code: str) -> str:
    if not code:
        return w._("no country given")
    name = w.locale.territories.get(code)
    return str(name) if name else code


def _sort_key(name: str) -> str:
    """A name without its accents, case folded (Ägypten sorts with the A's)."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", name)
                   if not unicodedata.combining(ch)).casefold()


def countries_section(plan: NetworkPlan, o: NetworkOption, w: Words) -> CountriesSection:
    n = plan.network
    sessions = _sessions(o)
    attended: Counter[str] = Counter()  # school -> months attended (any session)
    for k in range(len(o.months)):
        for sid in {sid for s in sessions for sid in s[k].attending}:
            attended[sid] += 1
    by_country: dict[str, list[School]] = {}
    for s in n.schools:
        by_country.setdefault(s.country or "", []).append(s)
    rows = []
    for code, schools in by_country.items():
        pairs = sum(attended[s.id] for s in schools)
        reached = sum(1 for s in schools if attended[s.id])
        share = _pct(w, pairs, len(schools) * len(o.months))
        rows.append(CountryRow(code=code, name=_country(w, code), schools=len(schools),
                               reached=reached, share=share,
                               cells=(str(len(schools)), str(reached), share)))
    rows.sort(key=lambda r: (_sort_key(r.name), r.code))
    head = (w._("Country"), w._("Schools"), w._("Reached"), w._("Attended"))
    note = w._("Attended: the share of the country's (school, month) pairs that can attend "
               "a session.")
    return CountriesSection(heading=w._("By country"), head=head, rows=tuple(rows),
                            note=note)


def _usual_local(months: tuple[NetworkMonth, ...], s: School) -> tuple[int, int]:
    """The session's most frequent local weekday and start at school ``s``."""
    zone = _zones.get_zone(s.timezone)
    starts = [m.start.astimezone(zone) for m in months]
    days = Counter(x.weekday() for x in starts)
    times = Counter(x.hour * 60 + x.minute for x in starts)
    return (min(days, key=lambda d: (-days[d], d)),
            min(times, key=lambda t: (-times[t], t)))


def _never_row(n: Network, o: NetworkOption, s: School, w: Words) -> NeverRow:
    local, hours = [], []
    for months in _sessions(o):
        day, time = _usual_local(months, s)
        local.append(w._("{weekday} at {time}", weekday=w.weekday(WEEKDAYS[day]),
                         time=w.time(time)))
        hours.append(w.join([w._("{start}-{end}", start=w.time(x.start), end=w.time(x.end))
                             for x in s.windows_on(WEEKDAYS[day])]) or "–")
    return NeverRow(school_id=s.id, name=s.name, country=_country(w, s.country or ""),
                    zone=s.timezone, local=" · ".join(local),
                    hours=" · ".join(dict.fromkeys(hours)), reasons=_why(o, s, w))


def _why(o: NetworkOption, s: School, w: Words) -> tuple[str, ...]:
    """The school's main reason for missing the option's session (``missed``), with
    the name of a holiday or closure, and in how many months."""
    missed = o.misses(s.id)
    if not missed:
        return ()
    code, k, first = main_reason(missed)
    what = w.reason(code)
    named = next((r.detail for r in first.reasons if r.reason == code), "")
    if code in NAMED_REASONS and named:
        what = f"{what} ({named})"
    return (w._("{reason} {count}", reason=what, count=count(w, MONTHS, k)),)


def never_section(plan: NetworkPlan, o: NetworkOption, w: Words) -> NeverSection:
    n = plan.network
    never = o.never if o.repeat is None else o.repeat.never
    head = (w._("School"), w._("Country"), w._("Time zone"), w._("Local start"),
            w._("School hours that day"))
    return NeverSection(
        heading=w._("Never reached ({count})", count=len(never)), head=head,
        rows=tuple(_never_row(n, o, n.school(sid), w) for sid in never),
        nothing=w._("Every school attends at least one month."))


def diagnostics_section(plan: NetworkPlan, w: Words) -> DiagnosticsSection | None:
    d: Diagnostics | None = plan.diagnostics
    if d is None:
        return None
    names = {s.id: s.name for s in plan.network.schools}
    lines = tuple(w._("{school}: {reasons}", school=names[sid], reasons=", ".join(
        w._("{reason} {count}", reason=w.reason(c), count=k) for c, k in codes) or "–")
        for sid, codes in d.ruled_out)
    return DiagnosticsSection(heading=w._("How often each condition ruled out each school "
                                          "(over every candidate and month):"), lines=lines)


def page(plan: NetworkPlan, w: Words, *, made: dt.datetime, program: str,
         holidays: str, option: int = 1) -> NetworkReportPage:
    """The report page of ``plan``'s option ``option`` in the language of ``w``."""
    chosen = plan.option(option) if plan.options else None
    footer = w._("Time zone data {tzdata} · holidays {holidays} · made {made} · {program}",
                 tzdata=plan.tzdata, holidays=holidays,
                 made=made.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
                 program=program)
    return NetworkReportPage(
        lang=w.lang, dir="rtl" if w.rtl else "ltr", program=program, title=plan.network.name,
        header=header(plan, chosen, w), options=options_section(plan, w),
        months=months_section(plan, chosen, w) if chosen else None,
        countries=countries_section(plan, chosen, w) if chosen else None,
        never=never_section(plan, chosen, w) if chosen else None,
        diagnostics=diagnostics_section(plan, w), footer=footer)
