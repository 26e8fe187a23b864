"""Frozen inputs: windows, date ranges, busy intervals, schools and the partnership;
what an imported calendar gives, and the two callables through which calendars are
read and imported (``config`` takes them as parameters: it imports neither ``_io`` nor
``ical``).

Times of day are integer minutes after local midnight (``0..1440``); dates are
``datetime.date`` in the school's own calendar; imported timed events are aware UTC
datetimes. Zones are IANA names as written (a link keeps its name), resolved through
``_zones``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal, Protocol

from twinschedule._vocab import (
    NTH_WORDS,
    NTHS,
    WEEKDAY_NAMES,
    WEEKDAYS,
    Nth,
    OnConflict,
    Reason,
    Weekday,
)


def hhmm(minutes: int) -> str:
    """``540`` -> ``'09:00'`` (``1440`` -> ``'24:00'``)."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass(frozen=True, slots=True, kw_only=True, order=True)
class Window:
    """A meeting window ``[start, end)`` in wall-clock minutes after local midnight."""

    start: int
    end: int

    def __str__(self) -> str:
        return f"{hhmm(self.start)}-{hhmm(self.end)}"


def merge_windows(windows: tuple[Window, ...]) -> tuple[Window, ...]:
    """Windows sorted, those that touch or overlap merged into one."""
    out: list[Window] = []
    for w in sorted(windows):
        if out and w.start <= out[-1].end:
            if w.end > out[-1].end:
                out[-1] = Window(start=out[-1].start, end=w.end)
        else:
            out.append(w)
    return tuple(out)


#: Defaults of the file format, defined once (the loader and the CLI use them too).
DEFAULT_HOURS: tuple[Window, ...] = (Window(start=540, end=900),)  # 09:00-15:00
DEFAULT_STEP = 15
DEFAULT_TOP = 5
MAX_TOP = 50
DEFAULT_STRETCH_SHARE = 0.5


@dataclass(frozen=True, slots=True, kw_only=True)
class DateRange:
    """Inclusive local dates ``first..last`` with a name (a term or a closure)."""

    first: date
    last: date
    name: str = ""

    def __contains__(self, d: object) -> bool:
        return isinstance(d, date) and self.first <= d <= self.last


@dataclass(frozen=True, slots=True, kw_only=True)
class Busy:
    """A busy interval from ``start`` to ``end`` wall-clock minutes, on local date ``on``
    or, when ``every`` is given, every week on those weekdays (``on`` is then None)."""

    on: date | None
    start: int
    end: int
    name: str = ""
    every: tuple[Weekday, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class IcsImport:
    """One ``closures_ics`` entry: a file, what its events are used as (``closures``,
    ``open-days`` or ``busy``) and SUMMARY patterns (regular expressions)."""

    file: str
    use: str = "closures"
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class ImportReport:
    """What one imported file made: occurrences in the horizon, counted by what they
    became (``used``) and why not (``not_used``), and the dates it closes."""

    file: str
    use: str
    events: int
    used: tuple[tuple[str, int], ...]
    not_used: tuple[tuple[str, int], ...]
    closed_dates: tuple[date, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class TimedEvent:
    """A timed busy event imported from a calendar: aware UTC ``[start, end)``."""

    start: datetime
    end: datetime
    name: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Imported:
    """What one imported calendar gives over a horizon (``ical.importer.import_ics``):
    closed date ranges, busy intervals (aware UTC), the dates listed by an ``open-days``
    file, and counts of the occurrences in the horizon by what they became (``used``)
    and why not (``not_used``)."""

    closures: tuple[DateRange, ...]
    busy: tuple[TimedEvent, ...]
    events: int = 0
    used: tuple[tuple[str, int], ...] = ()
    not_used: tuple[tuple[str, int], ...] = ()
    open_days: tuple[date, ...] = ()  # as="open-days": days listed


class ReadIcs(Protocol):
    """Reads an imported calendar by the name written in a file (``_io.ics_reader``,
    ``_io.calendar_reader``): its bytes, or ``ConfigError`` (or ``OSError``) saying why
    not."""

    def __call__(self, name: str, /) -> bytes: ...


class ImportIcs(Protocol):
    """Imports a calendar's bytes for a school in ``zone`` over ``start..end``
    (``ical.importer.import_ics``): ``use`` is ``closures``, ``open-days`` or
    ``busy``, ``include`` and ``exclude`` SUMMARY patterns, ``source`` the file's name
    in messages. Raises ``ConfigError`` for a file it refuses."""

    def __call__(self, content: bytes, zone: str, start: date, end: date, /, *,
                 use: str, include: Sequence[str], exclude: Sequence[str],
                 source: str) -> Imported: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class School:
    """One school: zone, week, windows and calendar."""

    id: str
    name: str
    timezone: str
    country: str | None = None
    subdivision: str | None = None
    holidays: tuple[str, ...] = ()
    days: tuple[Weekday, ...] | None = None  # None: the country's working week, else MO-FR
    hours: tuple[Window, ...] = DEFAULT_HOURS
    hours_by_day: tuple[tuple[Weekday, tuple[Window, ...]], ...] = ()
    prefer: int | None = None
    terms: tuple[DateRange, ...] = ()
    closures: tuple[DateRange, ...] = ()
    busy: tuple[Busy, ...] = ()
    closures_ics: tuple[str, ...] = ()  # the file names of ``imports``
    imports: tuple[IcsImport, ...] = ()
    import_reports: tuple[ImportReport, ...] = field(default=(), compare=False)
    language: str | None = None  # BCP 47 tag of this school's feed; None: the partnership's
    # What the files of ``closures_ics`` hold, expanded over the horizon.
    imported_closures: tuple[DateRange, ...] = field(default=(), compare=True)
    imported_busy: tuple[TimedEvent, ...] = field(default=(), compare=True)
    # Times the school can meet now and then, outside its hours (planning.md).
    stretch: tuple[Window, ...] = ()
    contacts: tuple[Contact, ...] = ()  # who receives invitations (agreement.md)

    def windows_on(self, weekday: Weekday) -> tuple[Window, ...]:
        """The windows of a weekday (``hours_by_day`` replacing ``hours``)."""
        for day, windows in self.hours_by_day:
            if day == weekday:
                return windows
        return self.hours

    def open_windows_on(self, weekday: Weekday) -> tuple[Window, ...]:
        """The windows a meeting may use on a weekday: its own windows together with the
        ``stretch`` windows, merged where they touch or overlap (planning.md, condition
        4 with stretch hours); the day's own windows when there are no stretch hours."""
        own = self.windows_on(weekday)
        if not self.stretch:
            return own
        return merge_windows((*own, *self.stretch))


@dataclass(frozen=True, slots=True, kw_only=True)
class Rule:
    """The nth weekday of every month at ``time`` minutes wall-clock in ``anchor``."""

    nth: Nth
    weekday: Weekday
    time: int
    anchor: str
    duration: int

    @property
    def rrule(self) -> str:
        return f"FREQ=MONTHLY;BYDAY={self.nth}{self.weekday}"

    @property
    def text(self) -> str:
        return (f"{NTH_WORDS[self.nth]} {WEEKDAY_NAMES[self.weekday]} of every month "
                f"at {hhmm(self.time)} ({self.anchor})")


@dataclass(frozen=True, slots=True, kw_only=True)
class Partnership:
    """Two or more schools meeting monthly over the horizon ``start..end``."""

    id: str
    name: str
    start: date
    end: date
    duration: int
    schools: tuple[School, ...]
    title: str | None = None
    location: str | None = None
    description: str | None = None
    anchor: str | None = None
    weekdays: tuple[Weekday, ...] = WEEKDAYS
    weeks: tuple[int, ...] = NTHS
    step: int = DEFAULT_STEP
    on_conflict: OnConflict = "move"
    max_move_days: int | None = None
    top: int = DEFAULT_TOP
    sequence: int = 0
    language: str = "en"  # BCP 47 tag: the partnership feed and the text output
    # Stretch hours and alternating rules (planning.md): the most months a school may
    # meet in its stretch hours, as a share of the horizon's months; and whether pairs
    # of rules taking turns are searched ("auto": when some school has stretch hours).
    stretch_share: float = DEFAULT_STRETCH_SHARE
    alternate: bool | Literal["auto"] = "auto"
    agreement: Agreement | None = None  # the rule the schools agreed on (agreement.md)
    organizer: Contact | None = None  # who sends invitations (agreement.md)

    def school(self, school_id: str) -> School:
        for s in self.schools:
            if s.id == school_id:
                return s
        raise KeyError(school_id)

    @property
    def has_stretch(self) -> bool:
        """Whether some school has stretch hours."""
        return any(s.stretch for s in self.schools)

    @property
    def alternates(self) -> bool:
        """Whether alternating pairs of rules are candidates (``alternate``, with
        ``"auto"`` meaning: when some school has stretch hours)."""
        return self.has_stretch if self.alternate == "auto" else bool(self.alternate)


@dataclass(frozen=True, slots=True, kw_only=True)
class Contact:
    """Someone who receives (or, as the partnership's ``organizer``, sends) invitations:
    a name, an email address and the language of their messages (None: their school's,
    else the partnership's)."""

    name: str
    email: str
    language: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Agreement:
    """The rule the schools agreed on (``rules``: one rule, or an agreed alternation of
    two, A in the even months counted from ``since``'s month), from local date ``since``
    (in the rule's anchor zone) to the end of the horizon."""

    rules: tuple[Rule, ...]
    since: date

    @property
    def rule(self) -> Rule:
        """The agreed rule (rule A of an alternation)."""
        return self.rules[0]

    def text(self, index: int = 0) -> str:
        """Rule ``index`` as written in the file: ``'3rd TH 18:00 America/Lima'``."""
        r = self.rules[index]
        return f"{NTH_WORDS[r.nth]} {r.weekday} {hhmm(r.time)} {r.anchor}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Conflict:
    """Why a meeting is not valid for a school: a reason code and a human detail.

    ``detail`` is the English sentence of the JSON plan; the other fields are its parts,
    from which renderers word it in each reader's language: the weekday
    (``not-school-day``), the local date (``outside-term``), the local start and end in
    minutes after local midnight and the day's windows (``outside-hours``), the names
    (``closure``, ``holiday``, ``busy``; ``""`` for an unnamed closure or busy entry).
    """

    school: str
    reason: Reason
    detail: str
    weekday: Weekday | None = None
    day: date | None = None
    local: tuple[int, int] | None = None
    windows: tuple[Window, ...] = ()
    names: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Network:
    """Many schools and one monthly webinar over ``start..end``, clock time fixed in
    ``anchor`` (the organiser's zone). Also the pool that ``match`` finds partners in.

    ``on_conflict`` and ``max_move_days`` are used only for the two-school partnerships
    of partner matching (:meth:`pair`); the webinar itself never moves.
    """

    id: str
    name: str
    start: date
    end: date
    duration: int
    anchor: str
    schools: tuple[School, ...]
    sessions: int = 1
    title: str | None = None
    location: str | None = None
    description: str | None = None
    weekdays: tuple[Weekday, ...] = WEEKDAYS
    weeks: tuple[int, ...] = NTHS
    step: int = DEFAULT_STEP
    on_conflict: OnConflict = "move"
    max_move_days: int | None = None
    top: int = DEFAULT_TOP
    sequence: int = 0
    language: str = "en"  # BCP 47 tag: the network feed, the text output and the report

    def school(self, school_id: str) -> School:
        for s in self.schools:
            if s.id == school_id:
                return s
        raise KeyError(school_id)

    def pair(self, first: School, second: School) -> Partnership:
        """The two-school partnership ``P(first, second)`` of partner matching: the
        network's horizon, duration, weekdays, weeks, step, on_conflict and
        max_move_days, ``first`` listed first, and no fixed anchor (both schools' zones
        are candidate anchors)."""
        return Partnership(
            id=self.id, name=f"{first.name} and {second.name}", start=self.start,
            end=self.end, duration=self.duration, schools=(first, second),
            weekdays=self.weekdays, weeks=self.weeks, step=self.step,
            on_conflict=self.on_conflict, max_move_days=self.max_move_days,
            sequence=self.sequence)
