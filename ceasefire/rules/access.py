"""``humanitarian_access``: attacks on, or obstruction of, aid workers, convoys or access.

An incident concerns aid when its target side names aid workers or agencies, or its notes speak
of humanitarian work, aid convoys or relief (the patterns are in ``table``; docs/rules.md lists
them). With ``zones``/``routes`` only incidents inside a zone or within ``distance_m`` (default
1,000 m) of a route count.
"""

from __future__ import annotations

import numpy as np

from ceasefire.model import Obligation
from ceasefire.rules.attacks import rule_of
from ceasefire.rules.context import DEFAULT_ROUTE_DISTANCE_M, Judgement, RuleContext, judge, union
from ceasefire.table import EventClass

__all__ = ["humanitarian_access"]
FORCEFUL = (
    EventClass.BATTLE,
    EventClass.EXPLOSION,
    EventClass.VIOLENCE_AGAINST_CIVILIANS,
    EventClass.STRATEGIC,
)


def humanitarian_access(ctx: RuleContext, obligation: Obligation) -> Judgement:
    rule = rule_of(obligation)
    t = ctx.table
    events = t.aid_target & np.isin(t.event_class, FORCEFUL)
    parts = [ctx.zone_place(z) for z in rule.zones]
    limit = np.full(len(t), rule.distance_m or DEFAULT_ROUTE_DISTANCE_M)
    parts += [ctx.within("route", r, limit) for r in rule.routes]
    return judge(ctx, events, obligation, union(parts) if parts else None, air_zone=bool(rule.zones))
