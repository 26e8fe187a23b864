"""Why a meeting is not valid, worded in the reader's language.

The core gives each :class:`~twinschedule.model.Conflict` a reason code, the English
``detail`` of the JSON plan and the detail's parts (a weekday, a local date, local times
and windows, names). Renderers word the detail from those parts with the reader's
:class:`~twinschedule.i18n.words.Words`, never by passing the English sentence through::

    detail(words("de"), c)  # "lokal 16:00–16:45 liegt außerhalb von 07:45–14:45"
    names(words("de"), c)   # "Mashujaa Day" (names stay as written)

Names stay as written (holiday names from the ``holidays`` package, closure and busy
names, imported event names), except the default names the core gives an entry without
one ("Closed", "Busy", "Imported closure"), which are worded like any other text.
"""

from __future__ import annotations

from twinschedule._vocab import NAMED_REASONS
from twinschedule.i18n.words import N_, Words
from twinschedule.model import Conflict

#: The names the core gives an unnamed closure or busy entry (a closure without a name
#: has ``""``), worded in the reader's language.
DEFAULT_NAMES: dict[str, str] = {
    "": N_("Closed"),
    "Closed": N_("Closed"),
    "Busy": N_("Busy"),
    "Imported closure": N_("Imported closure"),
}


def names(w: Words, c: Conflict) -> str:
    """The names behind a closure, holiday or busy entry, ``; ``-separated (the default
    name of an unnamed entry in the reader's language); the detail as it is for a
    conflict without its parts."""
    if not c.names:
        return c.detail
    shown = [w._(DEFAULT_NAMES[n]) if n in DEFAULT_NAMES else n for n in c.names]
    return "; ".join(dict.fromkeys(shown))


def _windows(w: Words, c: Conflict) -> str:
    text = ""
    for win in c.windows:
        span = w._("{start}-{end}", start=w.time(win.start), end=w.time(win.end))
        text = span if not text else w._("{first}, {second}", first=text, second=span)
    return text


def detail(w: Words, c: Conflict) -> str:
    """The detail of ``c`` in the reader's language (``""`` when it has none)."""
    if c.reason == "not-school-day" and c.weekday is not None:
        return w._("{weekday} is not a school day", weekday=w.weekday(c.weekday))
    if c.reason == "outside-term" and c.day is not None:
        return w._("{date} is outside every term", date=w.date(c.day))
    if c.reason == "outside-hours" and c.local is not None:
        a, b = c.local
        return w._("local {start}-{end} is outside {windows}", start=w.time(a),
                   end=w.time(b), windows=_windows(w, c))
    if c.reason in NAMED_REASONS:
        return names(w, c)
    return c.detail
