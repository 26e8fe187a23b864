"""The readable form of partner matches (``twinschedule match`` without ``--json``).

English, as the network text; counts take the catalogs' plural forms (``i18n.counts``)
and long lines wrap as the plan's text wraps (``render.text.wrap``), at 100 columns.
"""

from __future__ import annotations

from collections.abc import Sequence

from twinschedule.i18n.counts import OTHER_SCHOOLS, SCHOOLS, count
from twinschedule.i18n.words import words
from twinschedule.model import Network
from twinschedule.network.matching import Match
from twinschedule.render.text import school_line, text_width, wrap

WIDTH = 100


def render(result: Match, network: Network, *, same_country: bool = False) -> str:
    """One school's partners: rank, id, name, the best rule, its metrics and each
    school's usual time and burden per held meeting. Without ``same_country``, a line
    says how many schools of the school's own country were left out."""
    names = {s.id: s.name for s in network.schools}
    w = words("en")
    lines = [f"Partners for {result.school} ({names.get(result.school, '')}) among "
             f"{count(w, OTHER_SCHOOLS, result.pool)} of {network.id}:"]
    home = len(network.schools) - 1 - result.pool
    if not same_country and home:
        lines.append(f"  (schools in other countries only; --same-country adds the "
                     f"{count(w, SCHOOLS, home)} of its own country)")
    if not result.partners:
        lines.append("  none: no other school can meet this school on any candidate rule")
    focal = network.school(result.school)
    for p in result.partners:
        m = p.option.metrics
        months = m.held + m.skipped
        lines.append(f"  {p.rank:>2}. {p.school}  {names.get(p.school, '')}")
        lines.append(f"      {p.option.rule.text}")
        lines.append(f"      held {m.held} of {months} ({m.moved} moved, {m.skipped} skipped),"
                     f" drift {m.drift}")
        # each school's usual time and burden per held meeting, as `plan` shows them
        pair = network.pair(focal, network.school(p.school))
        lines += [f"      - {school_line(pair, p.option, s, w)}" for s in pair.schools]
    return "\n".join(line for raw in lines for line in _wrapped(raw)) + "\n"


def _wrapped(line: str) -> list[str]:
    """``line`` wrapped at 100 columns, continuation lines indented two more."""
    if text_width(line) <= WIDTH:
        return [line]
    indent = " " * (len(line) - len(line.lstrip(" ")))
    return wrap(line.lstrip(" "), WIDTH, indent, indent + "  ")


def render_all(results: Sequence[Match], network: Network) -> str:
    """Every school's partners, one line per school, best first."""
    return "\n".join([all_header(network, len(results)), *map(all_line, results)]) + "\n"


def all_header(network: Network, schools: int) -> str:
    """The first line of :func:`render_all` for ``schools`` matches."""
    return f"Partners of every school of {network.id} ({count(words('en'), SCHOOLS, schools)}):"


def all_line(result: Match) -> str:
    """The line of one school in :func:`render_all`."""
    shown = ", ".join(p.school for p in result.partners) or "(none)"
    return f"  {result.school}: {shown}"
