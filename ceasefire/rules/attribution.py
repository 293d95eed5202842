"""Who broke the promise: attribution of every incident for one set of bound parties.

The semantics are fixed in docs/contracts.md and written out in docs/rules.md ("Attribution"):

* One-sided events (explosions/remote violence, violence against civilians, strategic
  developments, territory changes): side 1 (``actor1`` and its associated actors) is the
  perpetrator. A bound perpetrator gives a violation, attribution certain — unless the target
  side is only excluded groups (exempt) or mixes excluded groups with others (possible).
* Battles: when both sides hold different bound parties a violation surely happened but the
  initiator is open: violation, attribution ambiguous, both listed. When the source names the
  attacker, the battle is judged like a one-sided event of that attacker. One bound side against
  anyone else not excluded is a possible violation (ambiguous); against excluded groups, exempt.
* An unknown perpetrator (unidentified or no actor) gives a possible violation, attribution
  unknown; for an air strike inside a rule's zone, the bound parties that fly aircraft are
  listed instead, attribution ambiguous. Anything done to excluded groups only is exempt.

Everything is computed over all incidents at once with party bit masks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ceasefire.findings import Reason, Status, Who
from ceasefire.table import EventClass, IncidentTable, SideColumns

__all__ = ["Attribution", "aircraft_for_unknown", "attribute", "attribute_combos", "spread"]


@dataclass(frozen=True, slots=True)
class Attribution:
    status: npt.NDArray[np.int8]
    who: npt.NDArray[np.int8]
    parties: npt.NDArray[np.uint64]
    reason: npt.NDArray[np.int8]


def _targets(side: SideColumns) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """(only excluded groups, excluded groups mixed with others) on a target side."""
    others = (side.parties != 0) | side.civilians | side.other
    return side.excluded & ~others, side.excluded & others


def attribute(t: IncidentTable, bound: int) -> Attribution:
    """Attribute every incident of ``t`` for the parties in the ``bound`` bit mask.

    Computed once per distinct combination of sides, attacker and event class (``t.combo``) and
    spread to the rows. Unattributed air strikes inside a rule's zones are re-attributed
    afterwards, on the rows in scope only, by ``aircraft_for_unknown``.
    """
    return spread(attribute_combos(t, bound), t.combo)


def attribute_combos(t: IncidentTable, bound: int) -> Attribution:
    """The attribution of each distinct combination ``t.combo`` numbers (one row per combination,
    ``t.combo_rows``): the engine spreads it only to the rows a rule judges (``spread``)."""
    return _attribute_rows(t.take(t.combo_rows), bound)


def spread(small: Attribution, combo: npt.NDArray[np.intp]) -> Attribution:
    """The attribution of rows whose combinations are ``combo`` (new arrays: callers may write)."""
    return Attribution(*(getattr(small, f)[combo] for f in Attribution.__slots__))


def _attribute_rows(t: IncidentTable, bound: int) -> Attribution:
    n = len(t)
    status = np.zeros(n, np.int8)
    who = np.zeros(n, np.int8)
    parties = np.zeros(n, np.uint64)
    reason = np.zeros(n, np.int8)
    battle = (t.event_class == EventClass.BATTLE) & ~t.is_territory
    _one_sided(t, np.uint64(bound), ~battle, (status, who, parties, reason))
    _battles(t, np.uint64(bound), battle, (status, who, parties, reason))
    return Attribution(status, who, parties, reason)


def aircraft_for_unknown(a: Attribution, is_air: npt.NDArray[np.bool_], flying: int) -> None:
    """In place: unattributed air strikes become possible violations of the ``flying`` parties
    (the bound parties that fly aircraft), attribution ambiguous."""
    if not flying:
        return
    hit = is_air & (a.reason == Reason.UNKNOWN_PERPETRATOR)
    a.who[hit], a.parties[hit], a.reason[hit] = Who.AMBIGUOUS, np.uint64(flying), Reason.UNKNOWN_AIRCRAFT


Out = tuple[npt.NDArray[np.int8], npt.NDArray[np.int8], npt.NDArray[np.uint64], npt.NDArray[np.int8]]


def _set(
    out: Out,
    mask: npt.NDArray[np.bool_],
    status: int,
    who: int,
    parties: npt.NDArray[np.uint64] | int,
    reason: int,
) -> None:
    out[0][mask], out[1][mask], out[3][mask] = status, who, reason
    out[2][mask] = parties[mask] if isinstance(parties, np.ndarray) else np.uint64(parties)


def _one_sided(t: IncidentTable, bound: np.uint64, rows: npt.NDArray[np.bool_], out: Out) -> None:
    perp = t.side1.parties & bound
    s1 = t.side1
    unknown = rows & (s1.parties == 0) & ~s1.excluded & ~s1.other & (s1.unidentified | s1.empty)
    only_excl, mixed = _targets(t.side2)
    acted = rows & (perp != 0)
    _set(out, acted, Status.VIOLATION, Who.CERTAIN, perp, Reason.PERPETRATOR)
    _set(out, acted & mixed, Status.POSSIBLE, Who.CERTAIN, perp, Reason.MIXED_TARGET)
    _set(out, acted & only_excl, Status.EXEMPT, Who.CERTAIN, perp, Reason.EXCLUDED_TARGET)
    _set(out, unknown, Status.POSSIBLE, Who.UNKNOWN, 0, Reason.UNKNOWN_PERPETRATOR)
    _set(out, unknown & only_excl, Status.EXEMPT, Who.UNKNOWN, 0, Reason.UNKNOWN_AGAINST_EXCLUDED)


def _battles(t: IncidentTable, bound: np.uint64, battle: npt.NDArray[np.bool_], out: Out) -> None:
    a1, a2 = t.side1.parties & bound, t.side2.parties & bound
    excl1, mixed1 = _targets(t.side1)
    excl2, mixed2 = _targets(t.side2)
    # The source names the attacker: judge it as that attacker's one-sided act.
    att = t.attacker & bound
    named = battle & t.attacker_named & (att != 0)
    in1 = (t.attacker & t.side1.parties) != 0
    only_excl, mixed = np.where(in1, excl2, excl1), np.where(in1, mixed2, mixed1)
    _set(out, named, Status.VIOLATION, Who.CERTAIN, att, Reason.BATTLE_ATTACKER_NAMED)
    _set(out, named & mixed, Status.POSSIBLE, Who.CERTAIN, att, Reason.MIXED_TARGET)
    _set(out, named & only_excl, Status.EXEMPT, Who.CERTAIN, att, Reason.EXCLUDED_TARGET)
    open_ = battle & ~t.attacker_named
    both = open_ & (a1 != 0) & (a2 != 0) & (a1 != a2)
    either_excluded = t.side1.excluded | t.side2.excluded
    _set(out, both, Status.VIOLATION, Who.AMBIGUOUS, a1 | a2, Reason.BATTLE_BOTH_BOUND)
    _set(out, both & either_excluded, Status.POSSIBLE, Who.AMBIGUOUS, a1 | a2, Reason.BATTLE_MIXED)
    one = open_ & ((a1 != 0) ^ (a2 != 0))
    mine = a1 | a2
    enemy_excl = np.where(a1 != 0, excl2, excl1)
    enemy_mixed = np.where(a1 != 0, mixed2, mixed1)
    _set(out, one, Status.POSSIBLE, Who.AMBIGUOUS, mine, Reason.BATTLE_INITIATOR_OPEN)
    _set(out, one & enemy_mixed, Status.POSSIBLE, Who.AMBIGUOUS, mine, Reason.BATTLE_MIXED)
    _set(out, one & enemy_excl, Status.EXEMPT, Who.CERTAIN, mine, Reason.BATTLE_EXCLUDED_ENEMY)
