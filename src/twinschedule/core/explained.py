"""The plan as ``twinschedule.plan`` gives it: the search, the suggestions (unless
``suggest=False``) and, for an infeasible plan, the near miss, with the calendars, the
availabilities and the anchors' grids of the partnership computed once for all three;
then the agreement and the previous plan, if any (``core/agreement.py``).
"""

from __future__ import annotations

import datetime as dt

from twinschedule.core.agreement import reissue
from twinschedule.core.alternate import plan as search
from twinschedule.core.availability import AnchorDay, school_availability
from twinschedule.core.calendar import build_calendars
from twinschedule.core.nearmiss import with_near_miss
from twinschedule.core.plan import Plan
from twinschedule.core.previous import Previous
from twinschedule.core.suggest import plan as search_and_suggest
from twinschedule.model import Partnership


def plan(partnership: Partnership, *, top: int | None = None, suggest: bool = True,
         previous: Previous | None = None, today: dt.date | None = None) -> Plan:
    """See ``twinschedule.plan``."""
    cals = build_calendars(partnership)
    avs = [school_availability(c) for c in cals]
    grids: dict[tuple[str, int], list[AnchorDay]] = {}
    step = search_and_suggest if suggest else search
    found = step(partnership, top=top, calendars=cals, availabilities=avs, anchor_grids=grids)
    found = with_near_miss(found, calendars=cals, availabilities=avs, anchor_grids=grids)
    return reissue(found, cals, previous=previous, today=today, top=top)
