"""``humanitarian_access``: attacks on, or obstruction of, aid workers, convoys or access.

An incident concerns aid when its target side names aid workers or agencies, or its notes speak
of humanitarian work, aid convoys or relief (the patterns are in ``table``; docs/rules.md lists
them). With ``zones``/``routes`` only incidents inside a zone or within ``distance_m`` (default
1,000 m) of a route count.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from ceasefire.model import Obligation
from ceasefire.rules.attacks import rule_of
from ceasefire.rules.context import DEFAULT_ROUTE_DISTANCE_M, Judgement, Limit, RuleContext, judge, union
from ceasefire.table import EventClass

__all__ = ["aid_events", "humanitarian_access"]
FORCEFUL = (
    EventClass.BATTLE,
    EventClass.EXPLOSION,
    EventClass.VIOLENCE_AGAINST_CIVILIANS,
    EventClass.STRATEGIC,
)


def aid_events(ctx: RuleContext, obligation: Obligation) -> npt.NDArray[np.bool_]:
    """The incidents ``humanitarian_access`` covers: forceful events concerning aid."""
    t = ctx.table
    forceful = np.zeros(256, bool)  # a table over the int8 class codes: no search per row
    forceful[list(FORCEFUL)] = True
    return ctx.memo("aid", lambda: t.aid_target & forceful[t.event_class.view(np.uint8)])


def humanitarian_access(ctx: RuleContext, obligation: Obligation) -> Judgement:
    rule = rule_of(obligation)
    parts = ctx.zone_places(rule.zones)
    limit = Limit.constant(rule.distance_m or DEFAULT_ROUTE_DISTANCE_M)
    parts += [ctx.within("route", r, limit) for r in rule.routes]
    place = union(parts) if parts else None
    return judge(ctx, aid_events(ctx, obligation), obligation, place, air_zone=bool(rule.zones))
