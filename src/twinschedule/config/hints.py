"""The right form of values that people commonly write differently (config.md, "Errors"):
a time written ``7am``, ``7:30pm``, ``0730``, ``7.30`` or ``7h30`` is answered with its
``HH:MM``, and a country's name (``Canada``) with its ISO 3166-1 alpha-2 code (``CA``).

Country names come from maintained sources, not from a table of this project: CLDR's
territory names (through Babel) in English and in the school's language, and the names
of the ``holidays`` package's country modules (``united_kingdom``, ``ivory_coast``).
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from collections.abc import Iterable

# 7am, 7 a.m., 7:30pm, 7.30 PM, 12h15pm: an hour 1-12, optional minutes, am or pm
_TWELVE = re.compile(r"(\d{1,2})(?:[:.hH：](\d{2}))?\s*([aApP])\.?\s*[mM]\.?")
# 7:30, 7.30, 7h30, 7h, 19H, 07:30:00, 7: a 24-hour time in another form
_TWENTY_FOUR = re.compile(r"(\d{1,2})(?:(?:[:.hH：])(\d{2})?(?:[:.](00))?)?")
# 0730, 730, 1900: the hour and the minutes without a separator
_DIGITS = re.compile(r"(\d{1,2})(\d{2})")
# a fuzzy name must be this close (difflib's ratio) to be suggested: 'Kenia' for 'Kenya'
_NAME_CUTOFF = 0.8


def time_hint(text: str, *, allow_24: bool) -> str | None:
    """The ``HH:MM`` that ``text`` most likely means ('07:00' for '7am'), or None when
    it reads as no time of day (00:00 to 23:59, or 24:00 where ``allow_24``)."""
    text = text.strip()
    if len(text) > 20:
        return None
    hour: int | None = None
    minute = 0
    if m := _TWELVE.fullmatch(text):
        hour, minute = int(m.group(1)), int(m.group(2) or 0)
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if m.group(3) in "pP" else 0)
    elif (m := _TWENTY_FOUR.fullmatch(text)) or (m := _DIGITS.fullmatch(text)):
        hour, minute = int(m.group(1)), int(m.group(2) or 0)
    if hour is None or minute > 59 or hour > 24:
        return None
    if hour == 24 and (minute or not allow_24):
        return None
    return f"{hour:02d}:{minute:02d}"


def _key(name: str) -> str:
    """A name as compared: letters and digits only, without accents, case or a leading
    'the' ('Côte d’Ivoire' -> 'cotedivoire', 'The Gambia' -> 'gambia')."""
    ascii_text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    key = re.sub(r"[^a-z0-9]", "", ascii_text.casefold())
    return key[3:] if key.startswith("the") and len(key) > 6 else key


@functools.lru_cache(maxsize=16)
def _cldr_names(language: str) -> dict[str, str]:
    """CLDR's territory names in ``language`` (alpha-2 codes only), {} if unknown."""
    from babel import Locale, UnknownLocaleError

    try:
        names = Locale.parse(language.replace("-", "_")).territories
    except (ValueError, TypeError, UnknownLocaleError):
        return {}
    return {str(code): str(name) for code, name in names.items()
            if len(code) == 2 and code.isalpha()}


def _package_names() -> Iterable[tuple[str, str]]:
    """(name, code) of the ``holidays`` package's countries: the module names
    ('united_kingdom'), which keep names that CLDR has since changed ('turkey')."""
    try:
        from holidays.registry import COUNTRIES
    except ImportError:  # the registry moved: CLDR's names still answer
        return ()
    return [(module, str(entry[1])) for module, entry in COUNTRIES.items()
            if len(entry) > 1]


@functools.lru_cache(maxsize=16)
def _names(language: str) -> dict[str, str]:
    """Every known name of a country (as ``_key`` makes it) -> its alpha-2 code."""
    found: dict[str, str] = {}
    pairs = [*_package_names(), *((n, c) for c, n in _cldr_names(language).items()),
             *((n, c) for c, n in _cldr_names("en").items())]
    for name, code in pairs:
        found[_key(name)] = code
        short = re.sub(r"\s*\(.*\)", "", name)  # 'Myanmar (Burma)' is also 'Myanmar'
        found.setdefault(_key(short), code)
    found.pop("", None)
    return found


def country_for_name(value: str, supported: Iterable[str],
                     language: str = "en") -> tuple[str, str] | None:
    """The alpha-2 code of ``supported`` that the country name ``value`` means, with its
    English name when the name was only close ('Kenia': ('KE', 'Kenya')) and '' when it
    was exact ('Canada': ('CA', '')); None when it names no such country."""
    if not 4 <= len(value) <= 100:
        return None
    names = _names(language)
    codes = set(supported)
    key = _key(value)
    code = names.get(key)
    if code in codes:
        return code, ""
    keys = [k for k, c in names.items() if c in codes]
    close = difflib.get_close_matches(key, keys, n=1, cutoff=_NAME_CUTOFF)
    if not close:
        return None
    code = names[close[0]]
    return code, _cldr_names("en").get(code, code)
