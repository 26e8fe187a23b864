"""dict -> validated ``Network`` (network files: a ``[network]`` table and 2 to
``MAX_SCHOOLS`` schools), collecting every problem.

A network file is a partnership file with a ``[network]`` table instead of
``[partnership]``: the same keys, plus ``sessions`` (1 or 2), with ``anchor`` required
and the horizon at most ``MAX_YEARS`` years. Schools are validated by ``config`` (one
collector for both kinds of file), so every problem is reported with its path
(``network.anchor``, ``schools[812] (jp-0813).timezone``). No file I/O here.

=================  =======  ==============================================================
``MAX_SCHOOLS``    5,000    schools in a network (and at least 2)
``MAX_YEARS``      3        years from ``start`` to ``end``
``MAX_FILE_BYTES`` 16 MiB   size of a network file (read by ``twinschedule.load_network``)
=================  =======  ==============================================================
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from twinschedule.config import partnership as config
from twinschedule.model import ImportIcs, Network, ReadIcs

MAX_SCHOOLS = 5000
MAX_YEARS = 3
MAX_FILE_BYTES = 16 * 1024 * 1024
# ``language`` words the network feed, the text output and the report (a school's own
# ``language`` its feed), as for partnerships. Stretch hours and alternating rules are
# for partnerships (planning.md), not webinars;
# networks send no invitations: no ``organizer``.
NETWORK_KEYS = (*(k for k in config.PARTNERSHIP_KEYS
                  if k not in ("stretch_share", "alternate", "organizer")),
                "sessions")


def from_dict(data: object, *, read_ics: ReadIcs | None = None,
              import_ics: ImportIcs | None = None,
              source: str | None = None) -> Network:
    """Validate ``data`` (the structure of a network file) into a ``Network``.

    Raises ``twinschedule.ConfigError`` carrying every problem found.
    """
    sessions = 1

    def extra(root: config._Collector, table: Mapping[str, Any]) -> None:
        nonlocal sessions
        c = root.at("network")
        if "anchor" not in table:
            c.add("anchor", "required: the organiser's IANA time zone, in which "
                            "the clock time is fixed (such as 'Europe/Brussels')")
        if "sessions" in table:
            value = table["sessions"]
            if isinstance(value, bool) or not isinstance(value, int) or value not in (1, 2):
                shown = config._number(value) if isinstance(value, int) \
                    and not isinstance(value, bool) else config._type_name(value)
                c.add("sessions", f"{shown} is not 1 or 2 (a repeat session)")
            else:
                sessions = int(value)
        raw = data.get("schools") if isinstance(data, Mapping) else None
        for i, school in enumerate(raw if isinstance(raw, list) else []):
            if isinstance(school, Mapping) and "stretch" in school:
                root.at("schools").item(i).add(
                    "stretch", "stretch hours are for partnerships (twinschedule plan), "
                               "not for a network's webinar")

    p = config.from_dict(data, read_ics=read_ics, import_ics=import_ics, source=source,
                         table="network", keys=NETWORK_KEYS, max_schools=MAX_SCHOOLS,
                         max_years=MAX_YEARS, extra=extra)
    assert p.anchor is not None
    return Network(
        id=p.id, name=p.name, start=p.start, end=p.end, duration=p.duration,
        anchor=p.anchor, schools=p.schools, sessions=sessions, title=p.title,
        location=p.location, description=p.description, weekdays=p.weekdays,
        weeks=p.weeks, step=p.step, on_conflict=p.on_conflict,
        max_move_days=p.max_move_days, top=p.top, sequence=p.sequence,
        language=p.language)
