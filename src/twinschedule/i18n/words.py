"""Words, dates and times in the reader's language.

Sentences come from gettext catalogs (``locale/<lang>/LC_MESSAGES/twinschedule.po`` in
the source, compiled ``.mo`` files in the package); dates, weekdays, months, times, lists
and units come from the CLDR data of ``babel``. Nothing is loaded at import time: a
:class:`Words` is made (and cached) the first time a language is asked for, and babel is
imported then. Renderers ask a :class:`Words` for every text they write::

    w = words("de")
    w.rule(option.rule)          # "jeden 2. Freitag im Monat um 12:00 (Africa/Nairobi)"
    w.date(d)                    # "Freitag, 11. September 2026"
    w._("Local times:")          # "Ortszeiten:"

A language without a catalog gets English sentences with its own CLDR dates
(:func:`has_catalog` says whether there is one). In right-to-left languages every value
put into a sentence (a school's name, a zone, a time) is wrapped in Unicode
FIRST STRONG ISOLATE ... POP DIRECTIONAL ISOLATE, and :meth:`Words.line` starts a line
with a RIGHT-TO-LEFT MARK, so calendar clients show the sentence in order.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from twinschedule._vocab import WEEKDAYS

if TYPE_CHECKING:
    from babel import Locale
    from babel.support import NullTranslations

    from twinschedule.model import Rule

DOMAIN = "twinschedule"
LOCALE_DIR = Path(__file__).parent / "locale"
DEFAULT = "en"
FSI = "\u2068"  # FIRST STRONG ISOLATE
PDI = "\u2069"  # POP DIRECTIONAL ISOLATE
RLM = "\u200f"  # RIGHT-TO-LEFT MARK


def N_(msgid: str) -> str:
    """Mark ``msgid`` for extraction; it is translated where it is used."""
    return msgid


def Nn_(singular: str, plural: str) -> tuple[str, str]:
    """Mark a plural pair for extraction; it is translated where it is used, with
    :meth:`Words.n_`."""
    return singular, plural


#: The rule in words, one sentence per (nth, weekday), so that each language can agree
#: the ordinal with the weekday's gender and case.
RULES: dict[tuple[int, str], str] = {
    (1, "MO"): N_("1st Monday of every month at {time} ({zone})"),
    (1, "TU"): N_("1st Tuesday of every month at {time} ({zone})"),
    (1, "WE"): N_("1st Wednesday of every month at {time} ({zone})"),
    (1, "TH"): N_("1st Thursday of every month at {time} ({zone})"),
    (1, "FR"): N_("1st Friday of every month at {time} ({zone})"),
    (1, "SA"): N_("1st Saturday of every month at {time} ({zone})"),
    (1, "SU"): N_("1st Sunday of every month at {time} ({zone})"),
    (2, "MO"): N_("2nd Monday of every month at {time} ({zone})"),
    (2, "TU"): N_("2nd Tuesday of every month at {time} ({zone})"),
    (2, "WE"): N_("2nd Wednesday of every month at {time} ({zone})"),
    (2, "TH"): N_("2nd Thursday of every month at {time} ({zone})"),
    (2, "FR"): N_("2nd Friday of every month at {time} ({zone})"),
    (2, "SA"): N_("2nd Saturday of every month at {time} ({zone})"),
    (2, "SU"): N_("2nd Sunday of every month at {time} ({zone})"),
    (3, "MO"): N_("3rd Monday of every month at {time} ({zone})"),
    (3, "TU"): N_("3rd Tuesday of every month at {time} ({zone})"),
    (3, "WE"): N_("3rd Wednesday of every month at {time} ({zone})"),
    (3, "TH"): N_("3rd Thursday of every month at {time} ({zone})"),
    (3, "FR"): N_("3rd Friday of every month at {time} ({zone})"),
    (3, "SA"): N_("3rd Saturday of every month at {time} ({zone})"),
    (3, "SU"): N_("3rd Sunday of every month at {time} ({zone})"),
    (4, "MO"): N_("4th Monday of every month at {time} ({zone})"),
    (4, "TU"): N_("4th Tuesday of every month at {time} ({zone})"),
    (4, "WE"): N_("4th Wednesday of every month at {time} ({zone})"),
    (4, "TH"): N_("4th Thursday of every month at {time} ({zone})"),
    (4, "FR"): N_("4th Friday of every month at {time} ({zone})"),
    (4, "SA"): N_("4th Saturday of every month at {time} ({zone})"),
    (4, "SU"): N_("4th Sunday of every month at {time} ({zone})"),
    (-1, "MO"): N_("last Monday of every month at {time} ({zone})"),
    (-1, "TU"): N_("last Tuesday of every month at {time} ({zone})"),
    (-1, "WE"): N_("last Wednesday of every month at {time} ({zone})"),
    (-1, "TH"): N_("last Thursday of every month at {time} ({zone})"),
    (-1, "FR"): N_("last Friday of every month at {time} ({zone})"),
    (-1, "SA"): N_("last Saturday of every month at {time} ({zone})"),
    (-1, "SU"): N_("last Sunday of every month at {time} ({zone})"),
}

REASONS: dict[str, str] = {
    "not-school-day": N_("not a school day"),
    "outside-term": N_("outside term"),
    "closure": N_("closed"),
    "holiday": N_("holiday"),
    "outside-hours": N_("outside hours"),
    "busy": N_("busy"),
}

STATUSES: dict[str, str] = {
    "scheduled": N_("scheduled"),
    "moved": N_("moved"),
    "skipped": N_("skipped"),
}


def _tag_to_locale(tag: str) -> Locale:
    from babel import Locale

    return Locale.parse(tag.replace("_", "-"), sep="-")


@functools.cache
def _identifiers() -> tuple[str, ...]:
    from babel.localedata import locale_identifiers

    return tuple(sorted(i.replace("_", "-") for i in locale_identifiers()))


def known_tag(tag: str) -> tuple[str | None, str]:
    """``(tag, "")`` when CLDR (babel) knows the BCP 47 ``tag``, else ``(None, hint)``
    with a did-you-mean hint such as ``" (did you mean 'de'?)"`` (or ``""``)."""
    text = tag.strip()
    from babel.core import UnknownLocaleError

    if text and "_" not in text and text.isascii():
        try:
            _tag_to_locale(text)
        except (ValueError, LookupError, UnknownLocaleError):
            pass
        else:
            return text, ""
    choices = list(_identifiers())
    lowered = {c.lower(): c for c in choices}
    found = lowered.get(text.replace("_", "-").lower())
    if found is None:
        close = difflib.get_close_matches(text.replace("_", "-"), choices, n=1, cutoff=0.6)
        found = close[0] if close else None
    return None, f" (did you mean '{found}'?)" if found else ""


def _catalog_path(locale: Locale) -> Path | None:
    names = []
    if locale.territory:
        names.append(f"{locale.language}_{locale.territory}")
    if locale.script:
        names.append(f"{locale.language}_{locale.script}")
    if not (locale.language == "zh" and locale.script == "Hant"):  # the zh catalog is Hans
        names.append(locale.language)
    for name in names:
        path = LOCALE_DIR / name / "LC_MESSAGES" / f"{DOMAIN}.mo"
        if path.is_file():
            return path
    return None


def has_catalog(tag: str) -> bool:
    """Whether ``tag`` has translated sentences (else English sentences, own dates)."""
    return _catalog_path(_tag_to_locale(tag)) is not None


def languages() -> tuple[str, ...]:
    """The languages that have a catalog, sorted."""
    return tuple(sorted(p.parent.parent.name.replace("_", "-")
                        for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.mo")))


class Words:
    """Everything one language says: sentences (gettext) and CLDR formats (babel)."""

    __slots__ = ("catalog", "locale", "rtl", "tag", "translations")

    def __init__(self, tag: str) -> None:
        from babel.support import NullTranslations, Translations

        self.tag = tag
        self.locale: Locale = _tag_to_locale(tag)
        path = _catalog_path(self.locale)
        self.catalog: bool = path is not None
        self.translations: NullTranslations
        if path is None:
            self.translations = NullTranslations()
        else:
            with path.open("rb") as fp:
                self.translations = Translations(fp, domain=DOMAIN)
        self.rtl: bool = self.locale.character_order == "right-to-left"

    # -- sentences ---------------------------------------------------------------------

    def _fill(self, text: str, values: dict[str, Any]) -> str:
        if self.rtl:
            values = {k: self.isolate(str(v)) for k, v in values.items()}
        return text.format(**values)

    def _(self, msgid: str, /, **values: Any) -> str:
        """The translation of ``msgid`` with its ``{placeholders}`` filled in."""
        return self._fill(self.translations.gettext(msgid), values)

    def text(self, message: str, /, **values: Any) -> str:
        """The same as :meth:`_` (the name the HTML report's ``Wording`` uses)."""
        return self._(message, **values)

    @property
    def lang(self) -> str:
        """The BCP 47 tag (for ``<html lang=...>``; ``dir="rtl"`` when :attr:`rtl`)."""
        return self.tag

    def n_(self, singular: str, plural: str, n: int, /, **values: Any) -> str:
        """The plural form of the language for ``n`` (``n`` is also ``{count}``)."""
        values.setdefault("count", self.number(n))
        return self._fill(self.translations.ngettext(singular, plural, n), values)

    def line(self, text: str) -> str:
        """A line of text, opened with a RIGHT-TO-LEFT MARK in right-to-left languages
        (the paragraph direction a client detects from its first strong character)."""
        return f"{RLM}{text}" if self.rtl and text else text

    def capital(self, text: str) -> str:
        """``text`` with its first letter in upper case when it starts with a letter (a
        sentence's start; ``2nd ...`` stays as it is)."""
        for i, ch in enumerate(text):
            if ch in (FSI, PDI, RLM) or ch.isspace():
                continue
            if not ch.isalpha():
                return text
            if ch.isalpha():
                upper = "\u0130" if ch == "i" and self.locale.language in ("tr", "az") \
                    else ch.upper()
                return text[:i] + upper + text[i + 1:] if len(upper) == 1 else text
        return text

    def isolate(self, text: str) -> str:
        """``text`` isolated from its surroundings in right-to-left languages."""
        if not self.rtl or (text.startswith(FSI) and text.endswith(PDI)):
            return text
        return f"{FSI}{text}{PDI}"

    # -- CLDR --------------------------------------------------------------------------

    def date(self, d: dt.date) -> str:
        """A date with its weekday: ``Thursday, August 5, 2027`` (CLDR full format)."""
        from babel.dates import format_date

        return format_date(d, "full", locale=self.locale)

    def medium_date(self, d: dt.date) -> str:
        """``Aug 5, 2027`` (CLDR medium format)."""
        from babel.dates import format_date

        return format_date(d, "medium", locale=self.locale)

    def short_date(self, d: dt.date) -> str:
        """``Thu, Aug 5`` (CLDR skeleton ``MMMEd``)."""
        from babel.dates import format_skeleton

        return format_skeleton("MMMEd", d, locale=self.locale)

    def day(self, d: dt.date) -> str:
        """The weekday and day of the month, ``Thu 5`` (CLDR skeleton ``Ed``)."""
        from babel.dates import format_skeleton

        return format_skeleton("Ed", d, locale=self.locale)

    def month(self, d: dt.date | str) -> str:
        """``August 2027`` (CLDR skeleton ``yMMMM``) of a date or a ``"YYYY-MM"`` month."""
        from babel.dates import format_skeleton

        if isinstance(d, str):
            d = dt.date(int(d[:4]), int(d[5:7]), 1)
        return format_skeleton("yMMMM", d, locale=self.locale)

    def short_month(self, d: dt.date | str) -> str:
        """``Aug 2027`` (CLDR skeleton ``yMMM``) of a date or a ``"YYYY-MM"`` month."""
        from babel.dates import format_skeleton

        if isinstance(d, str):
            d = dt.date(int(d[:4]), int(d[5:7]), 1)
        return format_skeleton("yMMM", d, locale=self.locale)

    def weekday(self, code: str) -> str:
        """The weekday ``MO``..``SU`` in full (CLDR stand-alone wide names)."""
        from babel.dates import get_day_names

        return str(get_day_names("wide", "stand-alone", locale=self.locale)[
            WEEKDAYS.index(code)])

    def time(self, minutes: int) -> str:
        """Minutes after midnight as a 24-hour time in the language's CLDR format
        (skeleton ``Hm``: ``14:05``, ``14.05`` in Finnish); 1440 is ``24:00``."""
        from babel.dates import format_skeleton

        text = format_skeleton("Hm", dt.time((minutes // 60) % 24, minutes % 60),
                               locale=self.locale)
        if minutes == 1440:  # the end of a day's last window: 24:00, in the locale's form
            start = next(i for i, ch in enumerate(text) if ch.isdigit())
            end = start
            while end < len(text) and text[end].isdigit():
                end += 1
            text = text[:start] + "24" + text[end:]
        return text

    def minutes(self, n: int) -> str:
        """``40 minutes``, ``2 hours, 52 minutes``: CLDR units with the language's plurals
        (hours from 60 minutes on)."""
        from babel.lists import format_list
        from babel.units import format_unit

        hours, rest = divmod(n, 60)
        parts = []
        if hours:
            parts.append(format_unit(hours, "duration-hour", length="long", locale=self.locale))
        if rest or not hours:
            parts.append(format_unit(rest, "duration-minute", length="long",
                                     locale=self.locale))
        if len(parts) == 1:
            return parts[0]
        try:
            text = format_list(parts, style="unit", locale=self.locale)
        except KeyError:  # a locale whose CLDR unit list lacks a pattern babel wants
            return format_list(parts, locale=self.locale)
        if text.count(parts[-1]) > 1:
            # babel repeats the last item where the locale's CLDR unit list has no
            # two-item pattern (Arabic: "5 hours, 41 minutes, 41 minutes")
            text = format_list(parts, locale=self.locale)
        return text

    def number(self, n: int) -> str:
        from babel.numbers import format_decimal

        return format_decimal(n, locale=self.locale)

    def percent(self, x: float) -> str:
        from babel.numbers import format_percent

        return format_percent(x, locale=self.locale)

    def join(self, items: Sequence[str]) -> str:
        """``A, B and C`` (CLDR list pattern)."""
        from babel.lists import format_list

        values = [self.isolate(i) for i in items]
        return format_list(values, locale=self.locale) if values else ""

    def names(self, names: Sequence[str], *, keep: int = 2) -> str:
        """At most ``keep`` names, the rest summarised: ``A, B and 4 more``."""
        if len(names) <= keep:
            return self.join(names)
        return self.n_("{names} and {count} more", "{names} and {count} more",
                       len(names) - keep, names=", ".join(self.isolate(n) for n in names[:keep]))

    # -- the vocabulary ----------------------------------------------------------------

    def rule(self, rule: Rule) -> str:
        """The rule in words: ``2nd Friday of every month at 12:00 (Africa/Nairobi)``."""
        return self._(RULES[(rule.nth, rule.weekday)], time=self.time(rule.time),
                      zone=rule.anchor)

    def reason(self, code: str) -> str:
        return self._(REASONS[code]) if code in REASONS else code

    def status(self, code: str) -> str:
        return self._(STATUSES[code]) if code in STATUSES else code

    def shift(self, delta: int) -> str:
        """A shift of local time, ``+01:00`` or ``-00:30``."""
        sign = "+" if delta > 0 else "-"
        a = abs(delta)
        return f"{sign}{a // 60:02d}:{a % 60:02d}"


@functools.cache
def words(tag: str | None = None) -> Words:
    """The :class:`Words` of BCP 47 ``tag`` (``None``: English), made on first use."""
    return Words(tag or DEFAULT)


def join_lines(w: Words, lines: Iterable[str]) -> str:
    """Lines joined with newlines, each opened for the text direction of ``w``."""
    return "\n".join(w.line(x) for x in lines)
