"""Actor resolution: a source's actor string -> a party, an excluded group, or neither.

Matching follows the agreement contract: aliases (and each party's or group's name) match
case-insensitively, as whole words, longest alias first, so "Military Forces of Syria (2000-)"
resolves through the alias "Military Forces of Syria", and "Global Coalition Against Daesh"
resolves to the coalition before the shorter "Daesh" can claim it. A field may name several
actors separated by ';' (ACLED's associated actors); each is resolved on its own.

Strings that resolve to nothing are sorted into three kinds that the rules treat differently:
``unidentified`` (the source does not know who acted: "Unidentified Armed Group (Syria)"),
``civilians`` (civilians, aid workers and agencies, medics, civil defence, protesters: never
excluded, never bound) and ``other``
(a named actor outside the agreement; listed in the output so a user can add an alias).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ceasefire.model import Agreement

__all__ = ["ActorKind", "AliasResolver", "Resolution", "SideSummary"]

MAX_PARTIES = 64  # party sets are uint64 bit masks in the engine

_UNIDENTIFIED = re.compile(r"\b(unidentified|unknown|unattributed|unclaimed)\b", re.IGNORECASE)
_CIVILIANS = re.compile(
    r"\b(civilians?|protesters?|rioters?|refugees|idps|aid workers?|journalists?|"
    r"health workers?|medical|prisoners?|students?|teachers?|labou?r group|ngos?|"
    r"red crescent|red cross|sarc|icrc|united nations|unicef|wfp|unhcr|ocha|msf|"
    r"humanitarian|relief|civil defen[cs]e|white helmets)\b",
    re.IGNORECASE,
)


class ActorKind:
    PARTY = "party"
    EXCLUDED = "excluded"
    UNIDENTIFIED = "unidentified"
    CIVILIANS = "civilians"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Resolution:
    """What one actor string is: ``entity`` is a party or excluded-group id, else None."""

    kind: str
    entity: str | None = None
    alias: str | None = None


@dataclass(frozen=True, slots=True)
class SideSummary:
    """One side of an incident (an actor field plus its associated actors) as flags.

    ``parties`` is a bit mask over the agreement's parties, in their order.
    """

    parties: int = 0
    excluded: bool = False
    unidentified: bool = False
    civilians: bool = False
    other: bool = False

    @property
    def empty(self) -> bool:
        return not (self.parties or self.excluded or self.unidentified or self.civilians or self.other)


class AliasResolver:
    """Resolves actor strings against one agreement's parties and excluded groups."""

    def __init__(self, agreement: Agreement) -> None:
        if len(agreement.parties) > MAX_PARTIES:
            raise ValueError(f"at most {MAX_PARTIES} parties are supported")
        self.party_ids = tuple(p.id for p in agreement.parties)
        entries: list[tuple[str, str, str]] = []  # (alias, kind, entity id)
        for party in agreement.parties:
            entries += [(a, ActorKind.PARTY, party.id) for a in (party.name, *party.aliases)]
        for group in agreement.excluded:
            entries += [(a, ActorKind.EXCLUDED, group.id) for a in (group.name, *group.aliases)]
        entries = [e for e in entries if e[0].strip()]
        entries.sort(key=lambda e: (-len(e[0]), e[0].lower()))
        self._patterns = [
            (re.compile(rf"(?<!\w){re.escape(alias.strip())}(?!\w)", re.IGNORECASE), alias, kind, entity)
            for alias, kind, entity in entries
        ]
        self._cache: dict[str, Resolution] = {}

    def resolve(self, actor: str) -> Resolution:
        """Resolve one actor name (not a ';' list)."""
        actor = actor.strip()
        hit = self._cache.get(actor)
        if hit is None:
            hit = self._resolve_uncached(actor)
            self._cache[actor] = hit
        return hit

    def _resolve_uncached(self, actor: str) -> Resolution:
        for pattern, alias, kind, entity in self._patterns:
            if pattern.search(actor):
                return Resolution(kind, entity, alias)
        if not actor or _UNIDENTIFIED.search(actor):
            return Resolution(ActorKind.UNIDENTIFIED)
        if _CIVILIANS.search(actor):
            return Resolution(ActorKind.CIVILIANS)
        return Resolution(ActorKind.OTHER)

    def side(self, *fields: str) -> SideSummary:
        """Summarize actor fields (each possibly a ';' list) as one side of an incident."""
        parties, flags = 0, {"excluded": False, "unidentified": False, "civilians": False, "other": False}
        for field in fields:
            for name in filter(None, (n.strip() for n in field.split(";"))):
                res = self.resolve(name)
                if res.kind == ActorKind.PARTY and res.entity is not None:
                    parties |= 1 << self.party_ids.index(res.entity)
                else:
                    flags[res.kind] = True
        return SideSummary(parties, **flags)

    def unresolved(self) -> list[str]:
        """Named actors seen so far that matched no alias (kind ``other``), sorted."""
        return sorted(a for a, r in self._cache.items() if r.kind == ActorKind.OTHER)

    def mask_to_ids(self, mask: int) -> tuple[str, ...]:
        return tuple(pid for i, pid in enumerate(self.party_ids) if mask >> i & 1)

    def ids_to_mask(self, ids: tuple[str, ...] | list[str]) -> int:
        return sum(1 << self.party_ids.index(pid) for pid in set(ids))
