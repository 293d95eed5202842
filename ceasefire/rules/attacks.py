"""Rule kinds about acts of force: ``no_attacks``, ``no_air_strikes``, ``no_territorial_gains``."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from ceasefire.model import Obligation, Rule
from ceasefire.rules.context import Judgement, RuleContext, judge
from ceasefire.table import IncidentTable, lookup

__all__ = [
    "air_events",
    "attack_events",
    "covered_events",
    "event_filter",
    "no_air_strikes",
    "no_attacks",
    "no_territorial_gains",
    "rule_of",
    "territory_events",
]

ATTACK_EVENT_TYPES = ("Battles", "Explosions/Remote violence", "Violence against civilians")


def event_filter(t: IncidentTable, rule: Rule, default_types: tuple[str, ...]) -> npt.NDArray[np.bool_]:
    """Incidents whose event type (and sub type, when the rule lists some) the rule covers."""
    keep = lookup(t.event_code, t.event_names, rule.event_types or default_types)
    if rule.sub_event_types:
        keep &= lookup(t.sub_event_code, t.sub_event_names, rule.sub_event_types)
    return keep


def rule_of(obligation: Obligation) -> Rule:
    if obligation.rule is None:
        raise ValueError(f"obligation {obligation.id} has no rule")
    return obligation.rule


def covered_events(ctx: RuleContext, rule: Rule, default_types: tuple[str, ...]) -> npt.NDArray[np.bool_]:
    """``event_filter`` once per distinct filter: obligations that share one share the mask."""
    key = ("events", rule.event_types or default_types, rule.sub_event_types)
    return ctx.memo(key, lambda: event_filter(ctx.table, rule, default_types))


def attack_events(ctx: RuleContext, obligation: Obligation) -> npt.NDArray[np.bool_]:
    """The incidents ``no_attacks`` covers, wherever they are."""
    return covered_events(ctx, rule_of(obligation), ATTACK_EVENT_TYPES)


def air_events(ctx: RuleContext, obligation: Obligation) -> npt.NDArray[np.bool_]:
    return ctx.table.is_air


def territory_events(ctx: RuleContext, obligation: Obligation) -> npt.NDArray[np.bool_]:
    return ctx.table.is_territory


def no_attacks(ctx: RuleContext, obligation: Obligation) -> Judgement:
    """An attack by a bound party on anyone not excluded (optionally only inside ``zones``)."""
    rule = rule_of(obligation)
    events = attack_events(ctx, obligation)
    if not rule.zones:
        return judge(ctx, events, obligation, None)
    return judge(ctx, events, obligation, ctx.in_zones(rule.zones), air_zone=True)


def no_air_strikes(ctx: RuleContext, obligation: Obligation) -> Judgement:
    """An air or drone strike inside the rule's zones by a bound party."""
    rule = rule_of(obligation)
    return judge(ctx, air_events(ctx, obligation), obligation, ctx.in_zones(rule.zones), air_zone=True)


def no_territorial_gains(ctx: RuleContext, obligation: Obligation) -> Judgement:
    """A bound party taking territory (optionally only inside ``zones``)."""
    rule = rule_of(obligation)
    place = ctx.in_zones(rule.zones) if rule.zones else None
    return judge(ctx, territory_events(ctx, obligation), obligation, place)
