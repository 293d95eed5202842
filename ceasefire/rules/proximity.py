"""``keep_clear``: no military activity of a bound party within a distance of a route, zone or line."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from ceasefire.model import WEAPON_CLASSES, Obligation
from ceasefire.rules.attacks import covered_events, rule_of
from ceasefire.rules.context import Judgement, Limit, RuleContext, judge

__all__ = ["MILITARY_EVENT_TYPES", "clear_events", "keep_clear", "target_of", "weapon_limit"]

MILITARY_EVENT_TYPES = ("Battles", "Explosions/Remote violence", "Strategic developments")


def target_of(obligation: Obligation) -> tuple[str, str]:
    """The (kind, id) of the geometry a keep_clear rule measures from."""
    rule = rule_of(obligation)
    for kind in ("route", "zone", "line"):
        ident = getattr(rule, kind)
        if ident:
            return kind, ident
    raise ValueError(f"obligation {obligation.id}: keep_clear needs a route, zone or line")


def weapon_limit(ctx: RuleContext, obligation: Obligation) -> Limit:
    """With ``distance_m`` one limit for every event; with a ``weapons`` map each event's own
    weapon's distance (NaN: the weapon is not listed)."""
    rule = rule_of(obligation)
    if not rule.weapons:
        return Limit.constant(float(rule.distance_m or 0.0))
    by_code = np.full(len(WEAPON_CLASSES) + 1, np.nan)  # the last slot serves code -1
    for weapon, metres in rule.weapons:
        by_code[WEAPON_CLASSES.index(weapon)] = metres
    return Limit(by_code, ctx.table.weapon)


def clear_events(ctx: RuleContext, obligation: Obligation) -> npt.NDArray[np.bool_]:
    """The incidents ``keep_clear`` covers: its event types, with a weapon it gives a distance for."""
    rule = rule_of(obligation)
    limit = weapon_limit(ctx, obligation)

    def compute() -> npt.NDArray[np.bool_]:
        listed = np.isfinite(limit.by_code)
        in_range = listed[limit.code] if limit.code is not None else bool(listed[0])
        covered: npt.NDArray[np.bool_] = covered_events(ctx, rule, MILITARY_EVENT_TYPES) & in_range
        return covered

    return ctx.memo(("keep_clear", rule.event_types, rule.sub_event_types, rule.weapons, rule.distance_m), compute)


def keep_clear(ctx: RuleContext, obligation: Obligation) -> Judgement:
    """Covered events of a bound party within their limit of the rule's route, zone or line."""
    place = ctx.within(*target_of(obligation), weapon_limit(ctx, obligation))
    return judge(ctx, clear_events(ctx, obligation), obligation, place)
