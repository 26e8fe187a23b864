"""A plan published earlier (agreement.md, ``--previous``): its JSON read back into the
plan's own types, every problem located (``options[0].meetings[3].start``).

What is read is what a re-issue needs: the partnership id, option 1's rule, series and
meetings (instants, local times and reasons exactly as published), and the SEQUENCE its
feeds carried. A plan written by a newer twinschedule (a newer plan format) is refused
rather than misread. ``read`` takes the JSON as parsed (a dict) or a ``Plan``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from twinschedule._tz import zones as _zones
from twinschedule._vocab import NTHS, REASONS, WEEKDAYS, Reason, Status, nth_of
from twinschedule.core.plan import PLAN_FORMAT_VERSION, Meeting, Plan, Series
from twinschedule.errors import ConfigError, Problem
from twinschedule.model import Conflict, Rule

_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])", re.ASCII)
_HHMM = re.compile(r"([01]\d|2[0-3]):([0-5]\d)", re.ASCII)
_VERSION = re.compile(r"(\d+)\.(\d+)\.(\d+)", re.ASCII)
_STATUSES: tuple[Status, ...] = ("scheduled", "moved", "skipped")


@dataclass(frozen=True, slots=True, kw_only=True)
class Previous:
    """The published plan a re-issue starts from: option 1's ``rules`` (empty when it
    had no option), its ``series`` and every month's meeting, and the ``sequence`` its
    feeds carried."""

    partnership: str
    start: dt.date
    rules: tuple[Rule, ...]
    series: tuple[Series, ...]
    meetings: tuple[Meeting, ...]
    sequence: int


class _Bad(Exception):
    def __init__(self, path: str, message: str) -> None:
        super().__init__(message)
        self.problem = Problem(path=path, message=message)


def _get(data: object, key: str, path: str) -> Any:
    if not isinstance(data, Mapping):
        raise _Bad(path, "expected a JSON object")
    if key not in data:
        raise _Bad(f"{path}.{key}" if path else key, "missing: is this a plan written by "
                   "twinschedule plan --json?")
    return data[key]


def _str(value: object, path: str, what: str, pattern: re.Pattern[str] | None = None) -> str:
    if not isinstance(value, str) or (pattern is not None and not pattern.fullmatch(value)):
        raise _Bad(path, f"expected {what}, got {str(value)[:40]!r}")
    return value


def _instant(value: object, path: str) -> dt.datetime:
    text = _str(value, path, "a UTC instant YYYY-MM-DDTHH:MM:SSZ")
    try:
        got = dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
    except ValueError:
        raise _Bad(path, f"expected a UTC instant YYYY-MM-DDTHH:MM:SSZ, got {text[:40]!r}"
                   ) from None
    return got


def _local(value: object, path: str) -> tuple[tuple[str, dt.datetime], ...] | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise _Bad(path, "expected a JSON object of local times")
    out = []
    for sid, text in value.items():
        s = _str(text, f"{path}.{sid}", "a local time with its offset")
        try:
            when = dt.datetime.fromisoformat(s)
        except ValueError:
            when = None
        if when is None or when.tzinfo is None:
            raise _Bad(f"{path}.{sid}", f"expected a local time with its offset, got {s[:40]!r}")
        out.append((str(sid), when))
    return tuple(out)


def _reasons(value: object, path: str) -> tuple[Conflict, ...]:
    if not isinstance(value, list):
        raise _Bad(path, "expected a list of reasons")
    out = []
    for i, r in enumerate(value):
        at = f"{path}[{i}]"
        code = _str(_get(r, "reason", at), f"{at}.reason", "a reason code")
        if code not in REASONS:
            raise _Bad(f"{at}.reason", f"'{code[:40]}' is not a reason code")
        reason: Reason = REASONS[REASONS.index(code)]
        out.append(Conflict(school=_str(_get(r, "school", at), f"{at}.school", "a school id"),
                            reason=reason,
                            detail=_str(_get(r, "detail", at), f"{at}.detail", "a text")))
    return tuple(out)


def _meeting(value: object, path: str) -> Meeting:
    status = _get(value, "status", path)
    if status not in _STATUSES:
        raise _Bad(f"{path}.status", f"expected scheduled, moved or skipped, got {status!r}")
    start = _get(value, "start", path)
    end = _get(value, "end", path)
    if (start is None) != (status == "skipped") or (start is None) != (end is None):
        raise _Bad(f"{path}.start", "a skipped month has no start and end; another has both")
    return Meeting(
        month=_str(_get(value, "month", path), f"{path}.month", "a month YYYY-MM", _MONTH),
        status=_STATUSES[_STATUSES.index(status)],
        nominal=_instant(_get(value, "nominal", path), f"{path}.nominal"),
        start=None if start is None else _instant(start, f"{path}.start"),
        end=None if end is None else _instant(end, f"{path}.end"),
        local=_local(_get(value, "local", path), f"{path}.local"),
        reasons=_reasons(_get(value, "reasons", path), f"{path}.reasons"),
        rule=_turn(value, path), stretch=_stretch(value, path))


def _turn(value: object, path: str) -> int | None:
    """A month's rule in an alternation (``rule``: 0 or 1), None when absent."""
    rule = value.get("rule") if isinstance(value, Mapping) else None
    if rule is not None and (isinstance(rule, bool) or rule not in (0, 1)):
        raise _Bad(f"{path}.rule", f"expected 0 or 1 (the month's rule), got {rule!r}")
    return rule if rule is None else int(rule)


def _stretch(value: object, path: str) -> tuple[str, ...] | None:
    """The schools stretching at a month's meeting (``stretch``), None when absent."""
    got = value.get("stretch") if isinstance(value, Mapping) else None
    if got is None:
        return None
    if not isinstance(got, list) or not all(isinstance(x, str) for x in got):
        raise _Bad(f"{path}.stretch", "expected a list of school ids")
    return tuple(got)


def rule_from_dict(value: object, path: str) -> Rule:
    """A rule of the JSON plan (``options[].rule``) as a :class:`Rule`."""
    nth = _get(value, "nth", path)
    if isinstance(nth, bool) or nth not in NTHS:
        raise _Bad(f"{path}.nth", f"expected 1, 2, 3, 4 or -1, got {nth!r}")
    weekday = _get(value, "weekday", path)
    if weekday not in WEEKDAYS:
        raise _Bad(f"{path}.weekday", f"expected MO..SU, got {weekday!r}")
    m = _HHMM.fullmatch(_str(_get(value, "time", path), f"{path}.time", "a time HH:MM"))
    if m is None:
        raise _Bad(f"{path}.time", "expected a time HH:MM")
    anchor = _str(_get(value, "anchor", path), f"{path}.anchor", "a time zone")
    if _zones.canonical(anchor) is None:
        raise _Bad(f"{path}.anchor", f"unknown time zone '{anchor[:60]}'")
    duration = _get(value, "duration", path)
    if isinstance(duration, bool) or not isinstance(duration, int) or not 5 <= duration <= 720:
        raise _Bad(f"{path}.duration", f"expected minutes from 5 to 720, got {duration!r}")
    return Rule(nth=nth_of(nth), weekday=WEEKDAYS[WEEKDAYS.index(weekday)],
                time=int(m.group(1)) * 60 + int(m.group(2)), anchor=anchor, duration=duration)


def _date(value: object, path: str) -> dt.date:
    text = _str(value, path, "a date YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise _Bad(path, f"expected a date YYYY-MM-DD, got {text[:40]!r}") from None


def _series(option: Mapping[str, Any], rules: tuple[Rule, ...], start: dt.date,
            path: str) -> tuple[Series, ...]:
    raw = option.get("series")
    if raw is None:
        return (Series(rules=rules, since=start),)
    if not isinstance(raw, list) or not raw:
        raise _Bad(f"{path}.series", "expected a list of series")
    out = []
    for i, x in enumerate(raw):
        at = f"{path}.series[{i}]"
        got = _get(x, "rules", at)
        if not isinstance(got, list) or len(got) not in (1, 2):
            raise _Bad(f"{at}.rules", "expected one or two rules")
        tag = _get(x, "tag", at)
        out.append(Series(
            rules=tuple(rule_from_dict(r, f"{at}.rules[{j}]") for j, r in enumerate(got)),
            since=_date(_get(x, "since", at), f"{at}.since"),
            tag=None if tag is None else _str(tag, f"{at}.tag", "a month YYYY-MM", _MONTH)))
    return tuple(out)


def _check_version(data: object) -> None:
    version = _str(_get(data, "version", ""), "version", "a plan format version X.Y.Z")
    m = _VERSION.fullmatch(version)
    ours = tuple(int(x) for x in PLAN_FORMAT_VERSION.split("."))
    if m is None:
        raise _Bad("version", f"'{version[:40]}' is not a plan format version X.Y.Z")
    if tuple(int(x) for x in m.groups())[:2] > ours[:2]:
        raise _Bad("version", f"the plan was written in format {version}, newer than the "
                   f"{PLAN_FORMAT_VERSION} this twinschedule reads: upgrade twinschedule")


def _read(data: object, partnership_id: str) -> Previous:
    _check_version(data)
    pid = _str(_get(_get(data, "partnership", ""), "id", "partnership"), "partnership.id",
               "a partnership id")
    if pid != partnership_id:
        raise _Bad("partnership.id", f"'{pid[:64]}' is another partnership than "
                   f"'{partnership_id}': give the plan published for this one")
    start = _date(_get(_get(data, "horizon", ""), "start", "horizon"), "horizon.start")
    options = _get(data, "options", "")
    if not isinstance(options, list):
        raise _Bad("options", "expected a list of options")
    sequence = data.get("sequence", 0) if isinstance(data, Mapping) else 0
    if isinstance(sequence, bool) or not isinstance(sequence, int) or sequence < 0:
        raise _Bad("sequence", f"expected a SEQUENCE (0 or more), got {sequence!r}")
    if not options:
        return Previous(partnership=pid, start=start, rules=(), series=(), meetings=(),
                        sequence=sequence)
    first = options[0]
    rule = rule_from_dict(_get(first, "rule", "options[0]"), "options[0].rule")
    raw_rules = first.get("rules") if isinstance(first, Mapping) else None
    rules = (rule,) if raw_rules is None else tuple(
        rule_from_dict(r, f"options[0].rules[{i}]") for i, r in enumerate(raw_rules))
    raw = _get(first, "meetings", "options[0]")
    if not isinstance(raw, list):
        raise _Bad("options[0].meetings", "expected a list of meetings")
    meetings = tuple(_meeting(m, f"options[0].meetings[{i}]") for i, m in enumerate(raw))
    return Previous(partnership=pid, start=start, rules=rules,
                    series=_series(first, rules, start, "options[0]"), meetings=meetings,
                    sequence=sequence)


def read(data: Plan | object, partnership_id: str, *, source: str | None = None) -> Previous:
    """The previous plan (``Plan`` or its JSON as parsed) of partnership
    ``partnership_id``; ``ConfigError`` naming what is wrong (``source``: its file)."""
    if isinstance(data, Plan):
        data = data.to_dict()
    try:
        return _read(data, partnership_id)
    except _Bad as exc:
        raise ConfigError([exc.problem], source=source) from None
