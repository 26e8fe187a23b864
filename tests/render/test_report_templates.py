"""The HTML report is made by its Jinja2 templates only: no markup and no escaping in
the Python of the report (checked with ``ast``, and the check is shown to fail), the
templates never turn autoescaping off, hostile names stay text everywhere in the page,
and another page can extend the layout and show the report's sections."""

from __future__ import annotations

import ast
import copy
import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import EXAMPLES, ROOT

import twinschedule
from twinschedule.i18n.words import words
from twinschedule.render import page, report
from twinschedule.render.html import environment, render

RENDER = ROOT / "src" / "twinschedule" / "render"
TEMPLATES = RENDER / "templates"
#: The modules that make the report page (the templates do the markup).
CODE = [RENDER / "html.py", RENDER / "page.py", RENDER / "network_page.py"]
MADE = dt.datetime(2026, 9, 1, tzinfo=dt.UTC)
HOSTILE = "<script>alert(1)</script>"
BREAKOUT = '"><img src=x onerror=alert(2)>'
TAG = re.compile(r"<[a-zA-Z!/][^<>]*>")
ESCAPERS = {"escape", "Markup", "Template", "quoteattr"}
MARKUP_MODULES = {"html", "markupsafe", "string", "xml.sax.saxutils"}


def markup_in_code(source: str) -> list[str]:
    """What in ``source`` makes or escapes markup: an escaping call or import, a string
    literal with a tag (docstrings aside)."""
    tree = ast.parse(source)
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in ESCAPERS:
                found.append(f"line {node.lineno}: calls {name}")
        elif isinstance(node, ast.Import | ast.ImportFrom):
            modules = [node.module or ""] if isinstance(node, ast.ImportFrom) else \
                [a.name for a in node.names]
            found += [f"line {node.lineno}: imports {m}" for m in modules
                      if m in MARKUP_MODULES]
        elif (isinstance(node, ast.Constant) and isinstance(node.value, str)
              and id(node) not in docstrings and TAG.search(node.value)):
            found.append(f"line {node.lineno}: markup {node.value!r}")
    return found


@pytest.mark.parametrize("path", CODE, ids=lambda p: p.name)
def test_no_markup_and_no_escaping_in_code(path: Path) -> None:
    assert markup_in_code(path.read_text(encoding="utf-8")) == []


def test_the_markup_check_can_fail() -> None:
    old = ('"""A <b>docstring</b> may show markup."""\n'
           "from html import escape\n"
           "import markupsafe\n"
           "def cell(x):\n"
           "    return f'<td class=\"num\">{escape(x)}</td>'\n"
           "def safe(x):\n"
           "    return markupsafe.Markup(x)\n")
    found = markup_in_code(old)
    assert [f.split(": ")[1].split(" ")[0] for f in found].count("imports") == 2, found
    assert any("calls escape" in f for f in found)
    assert any("calls Markup" in f for f in found)
    assert any("markup '<td class" in f for f in found)
    assert not any("docstring" in f for f in found)


@pytest.mark.parametrize("path", sorted(TEMPLATES.glob("*.html")), ids=lambda p: p.name)
def test_templates_never_turn_escaping_off(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"\|\s*safe\b|autoescape\s+false|\bMarkup\b", text)
    assert "<script" not in text.lower() and "<link" not in text.lower()


def test_the_environment_autoescapes_and_refuses_unknown_names() -> None:
    import jinja2

    env = environment()
    assert env.autoescape is True and env.undefined is jinja2.StrictUndefined
    assert env.from_string("{{ x }}").render(x=HOSTILE) == \
        "&lt;script&gt;alert(1)&lt;/script&gt;"
    with pytest.raises(jinja2.UndefinedError):
        env.get_template("report.html").render()


# -- hostile names ------------------------------------------------------------------

VOID = {"meta", "br"}


class _Page(HTMLParser):
    """Every element (name, its ancestors), every text with its element path, and every
    attribute value of the page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.texts: list[tuple[tuple[str, ...], str]] = []
        self.attributes: list[tuple[str, str, str]] = []
        self._stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes += [(tag, k, v or "") for k, v in attrs]
        if tag not in VOID:
            self._stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes += [(tag, k, v or "") for k, v in attrs]

    def handle_endtag(self, tag: str) -> None:
        assert self._stack and self._stack[-1] == tag, (self._stack, tag)
        self._stack.pop()

    def handle_data(self, data: str) -> None:
        self.texts.append((tuple(self._stack), data))

    def text_in(self, *path: str) -> list[str]:
        """The texts whose element path ends with ``path``."""
        return [t for p, t in self.texts if p[-len(path):] == path]


#: Three schools' names: a script, an attribute breakout, a table breakout.
NAMES = [HOSTILE, BREAKOUT, "</td></tr></table><b>3"]


def _shown(name: str) -> str:
    """``name`` as the week strip writes it (cut with an ellipsis)."""
    return name if len(name) <= page.NAME_CHARS else name[:page.NAME_CHARS - 1] + "…"


def _hostile(example: str) -> twinschedule.Plan:
    """``example`` with hostile names: the partnership, every school, every closure
    (named in the reasons of moved months)."""
    data = copy.deepcopy(twinschedule.to_dict(twinschedule.load(EXAMPLES / example)))
    data["partnership"]["name"] = HOSTILE
    for s, name in zip(data["schools"], NAMES, strict=False):
        s["name"] = name
        for c in s.get("closures", []):
            c["name"] = HOSTILE
    return twinschedule.plan(twinschedule.from_dict(data))


def _parsed(html: str) -> _Page:
    assert "<script" not in html.lower() and "<img" not in html.lower()
    assert "<b>" not in html and "</table><b>" not in html
    parsed = _Page()
    parsed.feed(html)
    parsed.close()
    assert not parsed.tags & {"script", "img", "iframe", "object", "embed", "link", "b"}
    return parsed


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_a_hostile_name_is_text_everywhere(lang: str) -> None:
    plan = _hostile("india-nepal-bangladesh.toml")
    names = [s.name for s in plan.partnership.schools]
    assert names == NAMES
    html = render(report.build(plan, made=MADE, holidays="0.109", program="x"), words(lang))
    parsed = _parsed(html)
    assert parsed.text_in("h1") == [HOSTILE]
    assert parsed.text_in("head", "title") == [HOSTILE]
    assert parsed.text_in("tbody", "tr", "th") == names  # the year strip's row headings
    heads = parsed.text_in("thead", "tr", "th")
    assert all(heads.count(n) == 2 for n in names), heads  # options, months
    shown = [_shown(n) for n in names]
    strip = [t for t in parsed.text_in("svg", "text") if t in shown]  # a row per day run
    assert strip and strip == shown * (len(strip) // len(shown))
    titles = [v for tag, k, v in parsed.attributes if tag == "td" and k == "title"]
    assert titles and set(titles) <= set(names)
    why = [t for t in parsed.text_in("td") if HOSTILE in t]
    assert len(why) >= 2, "the closures' names in the reasons of the moved months"
    assert any(all(n in t for n in names) for t in parsed.text_in("header", "p"))


def test_a_hostile_name_in_the_diagnostics() -> None:
    plan = _hostile("infeasible/honolulu-delhi.toml")
    assert plan.diagnostics is not None and plan.diagnostics.near_miss is not None
    html = render(report.build(plan, made=MADE, holidays="0.109", program="x"), words("en"))
    # one line per school: the near miss, and the cause (each school's hours on the
    # other's clock; then what stretch hours would do)
    near = _parsed(html).text_in("ul", "li", "ul", "li")
    assert near and all(t.startswith((*NAMES, "Stretch hours")) for t in near), near
    assert sum(t.startswith(tuple(NAMES)) for t in near) == 4


# -- another page -------------------------------------------------------------------

def test_another_page_extends_the_layout_and_shows_a_section() -> None:
    """What the web service will do: its own page on the report's layout, with some of
    the report's sections."""
    plan = twinschedule.plan(twinschedule.load(EXAMPLES / "england-kenya.toml"))
    view = page.page(report.build(plan, made=MADE, holidays="0.109", program="x"),
                     words("de"))
    other = environment().from_string(
        '{% extends "base.html" %}{% from "_report.html" import months %}'
        "{% block title %}Plan{% endblock %}"
        "{% block content %}<p>{{ note }}</p>{{ months(page.months) }}{% endblock %}")
    html = other.render(page=view, note=HOSTILE, lang="de", dir="ltr", program="serve")
    assert html.startswith('<!DOCTYPE html>\n<html lang="de" dir="ltr">')
    assert "<title>Plan</title>" in html and "@page { size: A4" in html
    assert "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>" in html
    assert '<table class="months">' in html and "Monat für Monat" in html
    assert html.count("<tr data-month=") == len(plan.options[0].meetings)
