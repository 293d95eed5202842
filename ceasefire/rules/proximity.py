"""``keep_clear``: no military activity of a bound party within a distance of a route, zone or line."""

from __future__ import annotations

import numpy as np

from ceasefire.model import WEAPON_CLASSES, Obligation
from ceasefire.rules.attacks import event_filter, rule_of
from ceasefire.rules.context import Judgement, RuleContext, judge

__all__ = ["MILITARY_EVENT_TYPES", "keep_clear", "target_of"]

MILITARY_EVENT_TYPES = ("Battles", "Explosions/Remote violence", "Strategic developments")


def target_of(obligation: Obligation) -> tuple[str, str]:
    """The (kind, id) of the geometry a keep_clear rule measures from."""
    rule = rule_of(obligation)
    for kind in ("route", "zone", "line"):
        ident = getattr(rule, kind)
        if ident:
            return kind, ident
    raise ValueError(f"obligation {obligation.id}: keep_clear needs a route, zone or line")


def keep_clear(ctx: RuleContext, obligation: Obligation) -> Judgement:
    """With ``distance_m`` every covered event counts; with a ``weapons`` map only events with a
    listed weapon, each within its own distance (NaN limit: the weapon is not listed)."""
    rule = rule_of(obligation)
    t = ctx.table
    if rule.weapons:
        by_code = np.full(len(WEAPON_CLASSES) + 1, np.nan)  # the last slot serves code -1
        for weapon, metres in rule.weapons:
            by_code[WEAPON_CLASSES.index(weapon)] = metres
        limit = by_code[t.weapon.astype(np.intp)]
    else:
        limit = np.full(len(t), float(rule.distance_m or 0.0))
    events = event_filter(t, rule, MILITARY_EVENT_TYPES) & np.isfinite(limit)
    return judge(ctx, events, obligation, ctx.within(*target_of(obligation), limit))
