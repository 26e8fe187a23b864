"""The HTML report (explain.md): one self-contained file with inline CSS and SVG, no
script, font or image from elsewhere, readable with scripts off, printable on A4.

The markup is Jinja2 templates in ``render/templates/`` (package data), autoescaped:

* ``base.html``: the document layout (``<html lang dir>``, the CSS inline, ``<main>``),
  with the blocks ``title`` and ``content``; another page (the web service's) extends it;
* ``_macros.html``: the building blocks of a section (a titled section, a table, a
  status letter, a legend);
* ``_report.html``: one macro per section of the report, each taking its view object;
* ``report.html``: the report, the sections in order;
* ``_network.html`` and ``network.html``: the network report (:func:`render_network`,
  laying out a :class:`network_page.NetworkReportPage`), with the same layout, building
  blocks, header and footer.

It lays out a :class:`page.ReportPage` (:func:`page.page`: every text worded through
one :class:`i18n.Words`, the reader's language, every position of the week strip
placed), which words a :class:`report.Report` (the numbers); it computes nothing about
the plan and makes no markup in code.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from twinschedule.i18n.words import Words, words
from twinschedule.render import network_page as _network_page
from twinschedule.render import page as _page
from twinschedule.render.report import WEEK_MINUTES, Report

if TYPE_CHECKING:
    from jinja2 import Environment


@functools.cache
def environment() -> Environment:
    """The templates' environment: autoescaped, undefined names are errors, blocks'
    lines trimmed (the templates' layout adds no white space to the page)."""
    from jinja2 import Environment, PackageLoader, StrictUndefined

    return Environment(loader=PackageLoader("twinschedule.render", "templates"),
                       autoescape=True, undefined=StrictUndefined, trim_blocks=True,
                       lstrip_blocks=True, keep_trailing_newline=True,
                       auto_reload=False)


def render_page(view: _page.ReportPage) -> str:
    """The report page ``view`` as one HTML document."""
    return environment().get_template("report.html").render(
        page=view, lang=view.lang, dir=view.dir, program=view.program)


def render_network(view: _network_page.NetworkReportPage) -> str:
    """The network report page ``view`` as one HTML document."""
    return environment().get_template("network.html").render(
        page=view, lang=view.lang, dir=view.dir, program=view.program)


def render_content(view: _page.ReportPage) -> str:
    """The report page's sections without the document around them: ``report.html``'s
    ``content`` block (the same templates and macros), for a page of another layout
    (the web service's) that links :func:`stylesheet`."""
    env = environment()
    template = env.get_template("report.html")
    context = template.new_context({"page": view, "lang": view.lang, "dir": view.dir,
                                    "program": view.program,
                                    "report": env.get_template("_report.html").module})
    return "".join(template.blocks["content"](context))


def stylesheet() -> str:
    """The report's CSS (``report.css``), which the report holds inline."""
    env = environment()
    assert env.loader is not None
    return env.loader.get_source(env, "report.css")[0]


def render(report: Report, w: Words | None = None, *, embed: bool = False) -> str:
    """The report as one HTML document, in the language of ``w`` (default: the
    partnership's ``language``); ``embed``: its sections only (:func:`render_content`)."""
    w = w or words(report.plan.partnership.language)
    view = _page.page(report, w)
    return render_content(view) if embed else render_page(view)


__all__ = ["WEEK_MINUTES", "environment", "render", "render_content", "render_network",
           "render_page", "stylesheet"]
