"""The readable form of partner matches (``twinschedule match`` without ``--json``)."""

from __future__ import annotations

from collections.abc import Sequence

from .matching import Match
from .model import Network


def render(result: Match, network: Network) -> str:
    """One school's partners: rank, id, name, the best rule and its metrics."""
    names = {s.id: s.name for s in network.schools}
    lines = [f"Partners for {result.school} ({names.get(result.school, '')}) among "
             f"{result.pool} other schools of {network.id}:"]
    if not result.partners:
        lines.append("  none: no other school can meet this school on any candidate rule")
    for p in result.partners:
        m = p.option.metrics
        lines.append(f"  {p.rank:>2}. {p.school}  {names.get(p.school, '')}")
        lines.append(f"      {p.option.rule.text}: {m.held} held ({m.moved} moved, "
                     f"{m.skipped} skipped), drift {m.drift}, burden {m.max_burden} max / "
                     f"{m.total_burden} total")
    return "\n".join(lines) + "\n"


def render_all(results: Sequence[Match], network: Network) -> str:
    """Every school's partners, one line per school, best first."""
    lines = [f"Partners of every school of {network.id} ({len(results)} schools):"]
    for r in results:
        shown = ", ".join(p.school for p in r.partners) or "(none)"
        lines.append(f"  {r.school}: {shown}")
    return "\n".join(lines) + "\n"
