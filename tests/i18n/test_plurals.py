"""Plural forms: sentences with a count (suggestions, near miss, "and 4 more") are gettext
plural entries, each catalog has one non-empty form per plural category of its language
(Plural-Forms from CLDR) with the placeholders of the English sentence, and the sentences
read right for the counts where languages differ (Polish 1 / 2-4 / 5+ / 12-14 / 22-24,
Arabic 0 / 1 / 2 / 3-10 / 11-99 / 100+, French and Hindi 0 and 1, English 1)."""

from __future__ import annotations

import copy
import dataclasses
import gettext
import re

import pytest
from babel import Locale
from babel.messages.extract import extract_from_dir
from conftest import EXAMPLES, ROOT
from test_i18n import LANGS, LOCALE, PLACEHOLDER, _po
from test_suggest import MADRID_MEXICO

import twinschedule
from twinschedule.core.suggest import Change, changes, text
from twinschedule.i18n.words import FSI, PDI, words
from twinschedule.model import Rule
from twinschedule.render.text import near_miss_lines

#: CLDR's plural categories in gettext's order (babel's to_gettext order).
CATEGORIES = ("zero", "one", "two", "few", "many", "other")
#: Integers that reach every integer category of the 16 languages (French, Spanish,
#: Italian and Portuguese "many" is a multiple of a million).
NUMBERS = [*range(0, 1001), 1_000_000, 2_000_000, 1_000_001]
#: A count right before a noun counted: such a sentence needs msgid_plural.
COUNTED = re.compile(r"\{\w+\} (?:of \{\w+\} )?(?:months?|meetings?|schools?|weeks?|days?)\b")


#: The extraction keywords of babel.cfg (docs/languages.md gives the command).
KEYWORDS = {"_": None, "N_": None, "n_": (1, 2), "Nn_": (1, 2)}


def _plural_pairs_in_source() -> set[tuple[str, str]]:
    found = extract_from_dir(str(ROOT / "src" / "twinschedule"),
                             method_map=[("**.py", "python")],
                             keywords=KEYWORDS)
    return {m for _f, _l, m, _c, _ctx in found if isinstance(m, tuple)}


def _singulars_in_source() -> set[str]:
    found = extract_from_dir(str(ROOT / "src" / "twinschedule"),
                             method_map=[("**.py", "python")],
                             keywords=KEYWORDS)
    return {m for _f, _l, m, _c, _ctx in found if isinstance(m, str)}


def _plural_index(lang: str) -> gettext.GNUTranslations:
    with (LOCALE / lang / "LC_MESSAGES" / "twinschedule.mo").open("rb") as f:
        return gettext.GNUTranslations(f)


# -- catalogs ------------------------------------------------------------------------

def test_counted_sentences_are_plural_entries_in_the_source() -> None:
    pairs = _plural_pairs_in_source()
    assert ("Closest: {rule}, ruled out in {failed} of {months} month:",
            "Closest: {rule}, ruled out in {failed} of {months} months:") in pairs
    assert ("{school}: ruled out in {count} of {months} month ({reasons})",
            "{school}: ruled out in {count} of {months} months ({reasons})") in pairs
    # the six changes of the family, and suggestion 5 when one rule is best
    assert len([p for p in pairs if "would be held" in p[0]]) == 7
    singular_counts = sorted(s for s in _singulars_in_source() if COUNTED.search(s))
    assert singular_counts == [], "a count before a noun needs n_(singular, plural, n)"


@pytest.mark.parametrize("lang", LANGS)
def test_plural_forms_header_is_cldr(lang: str) -> None:
    """The header's expression picks, for every integer, the index of the CLDR category
    of that integer among the language's integer categories (gettext order)."""
    cat = _po(lang)
    rule = Locale.parse(lang).plural_form
    used = [c for c in CATEGORIES if any(rule(n) == c for n in NUMBERS)]
    assert cat.num_plurals == len(used), (cat.plural_forms, used)
    plural = _plural_index(lang).plural  # type: ignore[attr-defined]
    for n in NUMBERS:
        assert plural(n) == used.index(rule(n)), (lang, n, rule(n), cat.plural_forms)


@pytest.mark.parametrize("lang", LANGS)
def test_every_plural_entry_has_every_form_with_the_same_placeholders(lang: str) -> None:
    cat = _po(lang)
    pairs = {m.id: m for m in cat if isinstance(m.id, tuple)}
    assert set(pairs) == _plural_pairs_in_source(), "plural entries differ from the source"
    for (singular, plural), m in pairs.items():
        want = sorted(PLACEHOLDER.findall(singular))
        assert sorted(PLACEHOLDER.findall(plural)) == want, (singular, plural)
        assert isinstance(m.string, tuple) and len(m.string) == cat.num_plurals, \
            (lang, singular, m.string)
        for form in m.string:
            assert form.strip(), f"{lang}: empty plural form of {singular!r}"
            assert sorted(PLACEHOLDER.findall(form)) == want, (lang, singular, form)
            form.format(**{name: "x" for name in want})


def test_the_template_has_the_same_plural_entries() -> None:
    with (LOCALE / "twinschedule.pot").open("rb") as f:
        from babel.messages.pofile import read_po

        pot = read_po(f)
    assert {m.id for m in pot if isinstance(m.id, tuple)} == _plural_pairs_in_source()


# -- the sentences, count by count ---------------------------------------------------

@pytest.fixture(scope="module")
def family() -> tuple[list[Change], Rule]:
    data = copy.deepcopy(MADRID_MEXICO)
    data["partnership"]["on_conflict"] = "skip"
    data["partnership"]["weekdays"] = ["MO", "TU"]
    data["partnership"]["weeks"] = [1, 2]
    rule = twinschedule.plan(twinschedule.from_dict(MADRID_MEXICO)).suggestions[0].rule
    return changes(twinschedule.from_dict(data)), rule


@pytest.fixture(scope="module")
def infeasible() -> twinschedule.Plan:
    plan = twinschedule.plan(twinschedule.load(EXAMPLES / "infeasible" / "honolulu-delhi.toml"))
    assert plan.diagnostics is not None and plan.diagnostics.near_miss is not None
    return plan


def _suggestions(family: tuple[list[Change], Rule],
                 lang: str, months: int) -> list[str]:
    changes_, rule = family
    return [text(c, rule, min(1, months), months, words(lang)) for c in changes_]


def _near_miss(plan: twinschedule.Plan, lang: str, months: int) -> list[str]:
    """The near miss's lines with its months (and every count) set to ``months``."""
    diag = plan.diagnostics
    assert diag is not None and diag.near_miss is not None
    nm = diag.near_miss
    nm = dataclasses.replace(nm, months=months, failed=months,
                             failures=tuple((s, months, why) for s, _n, why in nm.failures))
    plan = dataclasses.replace(plan, diagnostics=dataclasses.replace(diag, near_miss=nm))
    head, lines = near_miss_lines(plan, words(lang))
    return [head, *lines]


def _value(lang: str, n: int) -> str:
    w = words(lang)
    return w.isolate(w.number(n))


# Polish: "z" takes the genitive, singular for 1 (z 1 spotkania, z 1 miesiąca) and
# plural for every other count (z 2 / 5 / 12 / 22 / 25 spotkań, miesięcy). The plural
# index itself is 0, 1, 2, 2, 1, 2 for these counts (test_plural_forms_header_is_cldr).
@pytest.mark.parametrize(("n", "meetings", "months"), [
    (1, "spotkania", "miesiąca"), (2, "spotkań", "miesięcy"), (5, "spotkań", "miesięcy"),
    (12, "spotkań", "miesięcy"), (22, "spotkań", "miesięcy"), (25, "spotkań", "miesięcy")])
def test_polish_counts(family: tuple[list[Change], Rule],
                       infeasible: twinschedule.Plan, n: int, meetings: str,
                       months: str) -> None:
    for sentence in _suggestions(family, "pl", n):
        assert f" z {n} {meetings}: " in sentence, sentence
        assert "udałoby się przeprowadzić" in sentence, sentence  # no verb agrees with held
    head, *lines = _near_miss(infeasible, "pl", n)
    assert f"wykluczone w {n} z {n} {months}:" in head
    assert lines and all(f"wykluczone w {n} z {n} {months} (" in x for x in lines), lines
    index = _plural_index("pl").plural  # type: ignore[attr-defined]
    assert index(n) == {1: 0, 2: 1, 5: 2, 12: 2, 22: 1, 25: 2}[n]


# Arabic: one / two (dual, genitive after من) / few 3-10 (plural) / many 11-99
# (accusative singular) / other 100+ (genitive singular).
@pytest.mark.parametrize(("n", "meetings", "months"), [
    (1, "اجتماع", "شهر"), (2, "اجتماعين", "شهرين"), (3, "اجتماعات", "أشهر"),
    (10, "اجتماعات", "أشهر"), (11, "اجتماعًا", "شهرًا"), (99, "اجتماعًا", "شهرًا"),
    (100, "اجتماع", "شهر"), (103, "اجتماعات", "أشهر")])
def test_arabic_counts(family: tuple[list[Change], Rule],
                       infeasible: twinschedule.Plan, n: int, meetings: str,
                       months: str) -> None:
    count = _value("ar", n)
    for sentence in _suggestions(family, "ar", n):
        assert f"من {count} {meetings}: " in sentence, sentence
    head, *lines = _near_miss(infeasible, "ar", n)
    assert f"من {count} {months}:" in head, head
    assert lines and all(f"من {count} {months} (" in x for x in lines), lines
    assert FSI in head and PDI in head


@pytest.mark.parametrize("lang", ["en", "ko"])  # ko: no catalog, the msgids themselves
def test_english_one_and_two(family: tuple[list[Change],
                                           Rule],
                             infeasible: twinschedule.Plan, lang: str) -> None:
    one, two = _suggestions(family, lang, 1), _suggestions(family, lang, 2)
    assert all("1 of 1 meeting would be held:" in s for s in one), one
    assert all("1 of 2 meetings would be held:" in s for s in two), two
    assert "ruled out in 1 of 1 month:" in _near_miss(infeasible, lang, 1)[0]
    assert "ruled out in 2 of 2 months:" in _near_miss(infeasible, lang, 2)[0]
    assert all("ruled out in 2 of 2 months (" in x for x in _near_miss(infeasible, lang, 2)[1:])


@pytest.mark.parametrize(("lang", "n", "want"), [
    ("fr", 0, "sur 0 réunion prévue, on en tiendrait"),
    ("fr", 1, "sur 1 réunion prévue, on en tiendrait"),
    ("fr", 2, "sur 2 réunions prévues, on en tiendrait"),
    ("pt", 1, "de 1 reunião:"), ("pt", 2, "de 2 reuniões:"),
    ("es", 1, "de 1 reunión:"), ("es", 12, "de 12 reuniones:"),
    ("it", 1, "su 1 incontro previsto"), ("it", 12, "su 12 incontri previsti"),
    ("de", 12, "käme man auf 1 von 12 Treffen:"),
    ("nl", 1, "van 1 bijeenkomst kunnen"), ("nl", 2, "van 2 bijeenkomsten kunnen"),
    ("sv", 1, "av 1 möte hållas"), ("sv", 2, "av 2 möten hållas"),
    ("hi", 0, "0 बैठक में से"), ("hi", 1, "1 बैठक में से"), ("hi", 2, "2 बैठकों में से"),
    ("sw", 1, "kati ya mkutano 1:"), ("sw", 2, "kati ya mikutano 2:")])
def test_other_languages_counts(
        family: tuple[list[Change], Rule],
        lang: str, n: int, want: str) -> None:
    for sentence in _suggestions(family, lang, n):
        assert want in sentence, sentence


@pytest.mark.parametrize(("lang", "n", "want"), [
    ("de", 1, "von 1 Monat:"), ("de", 2, "von 2 Monaten:"),
    ("hi", 1, "1 महीने में से"), ("hi", 2, "2 महीनों में से"),
    ("es", 1, "de 1 mes:"), ("es", 2, "de 2 meses:")])
def test_near_miss_months_in_other_languages(infeasible: twinschedule.Plan, lang: str,
                                             n: int, want: str) -> None:
    assert want in _near_miss(infeasible, lang, n)[0]


def test_and_n_more_in_the_singular() -> None:
    names = ["A", "B", "C"]
    assert words("fr").names(names) == "A, B et 1 autre"
    assert words("fr").names([*names, "D"]) == "A, B et 2 autres"
    assert words("fi").names(names) == "A, B ja 1 muu"
    assert words("en").names(names) == "A, B and 1 more"
