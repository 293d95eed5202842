"""Rule kinds about acts of force: ``no_attacks``, ``no_air_strikes``, ``no_territorial_gains``."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from ceasefire.model import Obligation, Rule
from ceasefire.rules.attribution import attribute
from ceasefire.rules.context import Judgement, RuleContext, judge
from ceasefire.table import IncidentTable

__all__ = ["event_filter", "no_air_strikes", "no_attacks", "no_territorial_gains"]

ATTACK_EVENT_TYPES = ("Battles", "Explosions/Remote violence", "Violence against civilians")


def event_filter(t: IncidentTable, rule: Rule, default_types: tuple[str, ...]) -> npt.NDArray[np.bool_]:
    """Incidents whose event type (and sub type, when the rule lists some) the rule covers."""
    keep = np.isin(t.columns["event_type"], list(rule.event_types or default_types))
    if rule.sub_event_types:
        keep &= np.isin(t.columns["sub_event_type"], list(rule.sub_event_types))
    return keep


def _rule(obligation: Obligation) -> Rule:
    assert obligation.rule is not None  # the registry only calls rules that exist
    return obligation.rule


def no_attacks(ctx: RuleContext, obligation: Obligation) -> Judgement:
    """An attack by a bound party on anyone not excluded (optionally only inside ``zones``)."""
    rule = _rule(obligation)
    events = event_filter(ctx.table, rule, ATTACK_EVENT_TYPES)
    place = ctx.in_zones(rule.zones) if rule.zones else None
    air = None if place is None else ctx.table.is_air & place.membership.touches
    return judge(ctx, events, attribute(ctx.table, ctx.bound(obligation), ctx.aircraft, air), place)


def no_air_strikes(ctx: RuleContext, obligation: Obligation) -> Judgement:
    """An air or drone strike inside the rule's zones by a bound party."""
    rule = _rule(obligation)
    place = ctx.in_zones(rule.zones)
    air = ctx.table.is_air & place.membership.touches
    return judge(ctx, ctx.table.is_air, attribute(ctx.table, ctx.bound(obligation), ctx.aircraft, air), place)


def no_territorial_gains(ctx: RuleContext, obligation: Obligation) -> Judgement:
    """A bound party taking territory (optionally only inside ``zones``)."""
    rule = _rule(obligation)
    place = ctx.in_zones(rule.zones) if rule.zones else None
    return judge(ctx, ctx.table.is_territory, attribute(ctx.table, ctx.bound(obligation)), place)
