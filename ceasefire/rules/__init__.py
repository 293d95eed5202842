"""The rule engine: every incident against every obligation, vectorized per obligation.

``evaluate(agreement, table, resolver)`` runs the rule of each obligation over all incidents at
once (one registry entry per rule kind, docs/rules.md), applies the obligation's time window and
returns a columnar ``FindingTable``. ``condition`` rules are clocks, computed afterwards from the
findings by ``rules.clocks``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

from ceasefire.actor_resolution import AliasResolver
from ceasefire.findings import FindingTable, Status, confidence
from ceasefire.model import Agreement, Obligation
from ceasefire.rules.access import aid_events, humanitarian_access
from ceasefire.rules.attacks import (
    air_events,
    attack_events,
    no_air_strikes,
    no_attacks,
    no_territorial_gains,
    territory_events,
)
from ceasefire.rules.attribution import Attribution
from ceasefire.rules.context import Judgement, RuleContext
from ceasefire.rules.proximity import clear_events, keep_clear
from ceasefire.table import IncidentTable

__all__ = ["EVENTS", "RULES", "evaluate", "local_day", "time_share", "window"]

RuleFn = Callable[[RuleContext, Obligation], Judgement]
RULES: dict[str, RuleFn] = {
    "no_attacks": no_attacks,
    "no_air_strikes": no_air_strikes,
    "keep_clear": keep_clear,
    "no_territorial_gains": no_territorial_gains,
    "humanitarian_access": humanitarian_access,
}
# The incidents each rule kind covers, wherever they are (the rule itself judges the same mask):
# ``RuleContext.plan`` measures each geometry only for incidents some rule using it could judge.
EventsFn = Callable[[RuleContext, Obligation], npt.NDArray[np.bool_]]
EVENTS: dict[str, EventsFn] = {
    "no_attacks": attack_events,
    "no_air_strikes": air_events,
    "keep_clear": clear_events,
    "no_territorial_gains": territory_events,
    "humanitarian_access": aid_events,
}
CLOCK_KINDS = ("condition",)


def local_day(moment: dt.datetime, timezone: str) -> float:
    """A moment as a fractional day ordinal in the agreement's timezone (midnight = whole)."""
    local = moment.astimezone(ZoneInfo(timezone))
    since_midnight = local.hour * 3600 + local.minute * 60 + local.second + local.microsecond / 1e6
    return local.date().toordinal() + since_midnight / 86_400


def window(agreement: Agreement, obligation: Obligation) -> tuple[float, float]:
    """[start, end) of an obligation in fractional local days; end is +inf when open."""
    ends = [t for t in (obligation.until, agreement.expires) if t is not None]
    end = min(local_day(t, agreement.timezone) for t in ends) if ends else math.inf
    return local_day(obligation.start, agreement.timezone), end


def time_share(
    day0: npt.NDArray[np.int64], day1: npt.NDArray[np.int64], start: float, end: float
) -> npt.NDArray[np.float64]:
    """Share of each date range [day0, day1 + 1) inside [start, end)."""
    lo = np.maximum(day0.astype(np.float64), start)
    hi = np.minimum(day1.astype(np.float64) + 1, end)
    share: npt.NDArray[np.float64] = np.clip(hi - lo, 0, None) / (day1 - day0 + 1)
    return share


def evaluate(agreement: Agreement, table: IncidentTable, resolver: AliasResolver) -> FindingTable:
    """Findings of every verifiable obligation over every incident."""
    ctx = RuleContext(agreement, table, resolver)
    ctx.plan(lambda o: _covered(ctx, o))
    chunks = []
    for k, obligation in enumerate(agreement.obligations):
        if obligation.rule is None or obligation.rule.kind in CLOCK_KINDS:
            continue
        j = RULES[obligation.rule.kind](ctx, obligation)
        when = time_share(table.day0[j.rows], table.day1[j.rows], *window(agreement, obligation))
        chunks.append(_findings(k, j, when))
    return FindingTable.concat(chunks, ctx.places)


def _covered(ctx: RuleContext, obligation: Obligation) -> npt.NDArray[np.bool_]:
    """What ``obligation``'s rule covers; nothing for clocks and obligations without a rule."""
    rule = obligation.rule
    if rule is None or rule.kind in CLOCK_KINDS:
        return np.zeros(len(ctx.table), bool)
    return EVENTS[rule.kind](ctx, obligation)


def _findings(k: int, j: Judgement, when_all: npt.NDArray[np.float64]) -> FindingTable:
    """The rows of ``j`` inside the obligation's period; ``when_all`` is aligned with j.rows."""
    keep = when_all > 0
    if keep.all():  # the usual case, a period covering the data: no rows to drop, nothing to copy
        a, p, when = j.attribution, j.place, when_all
    else:
        a = Attribution(*(getattr(j.attribution, f)[keep] for f in Attribution.__slots__))
        p, when = j.place.pick(keep), when_all[keep]
    status = a.status.copy()
    status[(status == Status.VIOLATION) & ((p.share < 1) | (when < 1))] = Status.POSSIBLE
    reason = a.reason
    return FindingTable(
        obligation=np.full(len(p.idx), k, np.int16),
        incident=p.idx,
        status=status,
        who=a.who,
        parties=a.parties,
        reason=reason,
        place_share=p.share,
        time_share=when,
        confidence=confidence(reason, p.share, when),
        place_id=p.place_id,
        distance_m=p.distance_m,
        limit_m=p.limit_m,
        boundary_m=p.boundary_m,
        sources=np.ones(len(p.idx), np.int16),
        disputed=np.zeros(len(p.idx), bool),
    )
