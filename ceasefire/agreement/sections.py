"""The lists of an agreement: parties, excluded groups, zones, routes, lines and obligations.

Each reader checks its entries, reports every problem on the entry's node and returns model
objects with neutral placeholders where a field was wrong (the loader raises before anyone
sees them).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from ceasefire.agreement.geometry import LINEAR, POLYGONAL, read_geometry, read_geometry_file
from ceasefire.agreement.nodes import Node, describe, render_path, suggest
from ceasefire.agreement.rule_params import Known, read_rule
from ceasefire.agreement.times import EPOCH, read_moment
from ceasefire.model import CATEGORIES, ZONE_KINDS, ExcludedGroup, Obligation, Party, Zone

__all__ = [
    "EXCLUDED_KEYS",
    "OBLIGATION_KEYS",
    "PARTY_KEYS",
    "PLACE_KEYS",
    "ZONE_KEYS",
    "Ids",
    "Labels",
    "check_guarantors",
    "entries",
    "obligation_kinds",
    "read_excluded",
    "read_obligations",
    "read_parties",
    "read_places",
    "read_zones",
]

PARTY_KEYS = ("id", "name", "aliases", "side", "guarantor", "aircraft")
EXCLUDED_KEYS = ("id", "name", "aliases")
ZONE_KEYS = ("id", "name", "kind", "geometry", "file")
PLACE_KEYS = ("id", "name", "geometry", "file")
OBLIGATION_KEYS = ("id", "category", "text", "bound", "from", "until", "rule")

_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")

T = TypeVar("T")


class Ids:
    """The ids of one namespace, each remembered where first used, to report duplicates."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.first: dict[str, Node] = {}

    def claim(self, entry: Node) -> str:
        """The id of ``entry``; a missing, malformed or duplicate one is reported."""
        value = entry.text("id")
        if value is None:
            return ""
        node = entry.at("id")
        if not _ID.fullmatch(value):
            node.problem(
                f"{describe(value)} is not a valid id: use letters, digits, '-', '_' "
                "and '.', starting with a letter or digit"
            )
        first = self.first.setdefault(value, node)
        if first is not node:
            node.problem(
                f"duplicate {self.what} id {describe(value)}, first used at line "
                f"{first.line()} ({render_path(first.path)}); ids must be unique"
            )
        return value


class Labels:
    """Names and aliases of parties and excluded groups, matched case-insensitively.

    A label may belong to one entry only: the same alias on two entries would make matching an
    incident's actor to a party ambiguous.
    """

    def __init__(self) -> None:
        self.owners: dict[str, tuple[Node, Node]] = {}  # casefolded label -> (entry, label node)

    def add(self, entry: Node, node: Node, label: str) -> None:
        owner, first = self.owners.setdefault(label.casefold(), (entry, node))
        if owner.path != entry.path:
            owner_id = describe(owner.at("id").value)
            node.problem(
                f"{describe(label)} also names {render_path(owner.path)} {owner_id} "
                f"(line {first.line()}); matching actors would be ambiguous, keep it "
                "on one of them"
            )


def entries(root: Node, key: str, what: str, required: bool = False) -> list[Node]:
    """The mapping elements of the list at ``key``; other elements are reported."""
    return [entry for entry in root.items(key, required) or [] if entry.as_mapping(what) is not None]


def _aliases(entry: Node, labels: Labels, name: str | None) -> tuple[str, ...]:
    """The entry's stripped aliases, without repeats; registers them and the name in ``labels``."""
    if name is not None:
        labels.add(entry, entry.at("name"), name.strip())
    aliases: list[str] = []
    for node in entry.items("aliases") or []:
        text = node.as_text()
        if text is not None and text.strip().casefold() not in {a.casefold() for a in aliases}:
            labels.add(entry, node, text.strip())
            aliases.append(text.strip())
    return tuple(aliases)


def read_parties(root: Node, ids: Ids, labels: Labels) -> tuple[Party, ...]:
    """The ``parties`` list (at least one); ``guarantor``s are checked by ``check_guarantors``."""
    parties: list[Party] = []
    for entry in entries(root, "parties", "a party such as {id: ..., name: ...}", True):
        entry.check_keys(PARTY_KEYS)
        name = entry.text("name")
        parties.append(
            Party(
                id=ids.claim(entry),
                name=name or "",
                aliases=_aliases(entry, labels, name),
                side=entry.text("side", required=False),
                guarantor=entry.text("guarantor", required=False),
                aircraft=bool(entry.flag("aircraft")),
            )
        )
    if root.at("parties").value == []:
        root.at("parties").problem("list at least one party")
    return tuple(parties)


def check_guarantors(root: Node, parties: set[str], excluded: set[str]) -> None:
    """Each ``guarantor`` must name another party (not itself, not an excluded group)."""
    listed = root.at("parties")
    for index in range(len(listed.value) if isinstance(listed.value, list) else 0):
        entry = listed.at(index)
        node = entry.at("guarantor")
        guarantor = node.value
        if not isinstance(guarantor, str):  # absent, or its type was already reported
            continue
        if guarantor == entry.at("id").value:
            node.problem("a party cannot be its own guarantor")
        elif guarantor in excluded:
            node.problem(f"{describe(guarantor)} is an excluded group, not a party")
        elif guarantor not in parties:
            node.problem(f"unknown party {describe(guarantor)} ({suggest(guarantor, parties)})")


def read_excluded(root: Node, ids: Ids, labels: Labels) -> tuple[ExcludedGroup, ...]:
    """The optional ``excluded`` list: groups outside the truce."""
    groups: list[ExcludedGroup] = []
    for entry in entries(root, "excluded", "an excluded group such as {id: ..., name: ...}"):
        entry.check_keys(EXCLUDED_KEYS)
        name = entry.text("name")
        groups.append(ExcludedGroup(ids.claim(entry), name or "", _aliases(entry, labels, name)))
    return tuple(groups)


def _place_geometry(entry: Node, types: tuple[str, ...], agreement_file: str) -> Any | None:
    """The entry's geometry, from exactly one of ``geometry`` (inline) or ``file``."""
    if entry.has("geometry") and entry.has("file"):
        entry.at("file").problem("give either 'geometry' or 'file', not both")
    elif entry.has("geometry"):
        return read_geometry(entry.at("geometry"), types)
    elif entry.has("file"):
        return read_geometry_file(entry.at("file"), agreement_file, types)
    else:
        entry.problem("needs 'geometry' (inline GeoJSON) or 'file' (a GeoJSON file)")
    return None


def read_zones(root: Node, agreement_file: str) -> tuple[Zone, ...]:
    """The optional ``zones`` list: polygonal areas of a ``kind`` in ``ZONE_KINDS``."""
    ids = Ids("zone")
    zones: list[Zone] = []
    for entry in entries(root, "zones", "a zone such as {id: ..., kind: ..., geometry: ...}"):
        entry.check_keys(ZONE_KEYS)
        zone_id = ids.claim(entry)
        kind = entry.text("kind")
        if kind is not None and kind not in ZONE_KINDS:
            entry.at("kind").problem(f"unknown zone kind {describe(kind)} ({suggest(kind, ZONE_KINDS)})")
        name = entry.text("name", required=False) or zone_id
        geometry = _place_geometry(entry, POLYGONAL, agreement_file)
        zones.append(Zone(zone_id, name, kind or "", geometry))
    return tuple(zones)


def read_places(root: Node, key: str, agreement_file: str, make: Callable[[str, str, Any], T]) -> tuple[T, ...]:
    """The optional ``routes`` or ``lines`` list (``key``): LineStrings built with ``make``."""
    ids = Ids(key[:-1])
    places: list[T] = []
    for entry in entries(root, key, f"a {key[:-1]} such as {{id: ..., geometry: ...}}"):
        entry.check_keys(PLACE_KEYS)
        place_id = ids.claim(entry)
        name = entry.text("name", required=False) or place_id
        places.append(make(place_id, name, _place_geometry(entry, LINEAR, agreement_file)))
    return tuple(places)


def obligation_kinds(root: Node) -> dict[str, str | None]:
    """Obligation id -> rule kind (``None``: no rule), peeked before the obligations are checked.

    Conditions refer to other obligations, possibly later ones, so their ids come first.
    """
    kinds: dict[str, str | None] = {}
    listed = root.at("obligations").value
    for entry in listed if isinstance(listed, list) else []:
        if isinstance(entry, Mapping) and isinstance(entry.get("id"), str):
            rule = entry.get("rule")
            kind = rule.get("kind") if isinstance(rule, Mapping) else None
            kinds.setdefault(entry["id"], kind if isinstance(kind, str) else None)
    return kinds


def read_obligations(
    root: Node, known: Known, zone: dt.tzinfo | None, effective: dt.datetime | None
) -> tuple[Obligation, ...]:
    """The ``obligations`` list; ``from`` defaults to ``effective``."""
    ids = Ids("obligation")
    what = "an obligation such as {id: ..., category: ..., text: ..., bound: [...]}"
    return tuple(_obligation(entry, ids, known, zone, effective) for entry in entries(root, "obligations", what, True))


def _obligation(
    entry: Node, ids: Ids, known: Known, zone: dt.tzinfo | None, effective: dt.datetime | None
) -> Obligation:
    entry.check_keys(OBLIGATION_KEYS)
    obligation_id = ids.claim(entry)
    category = entry.text("category")
    if category is not None and category not in CATEGORIES:
        entry.at("category").problem(f"unknown category {describe(category)} ({suggest(category, CATEGORIES)})")
    start = read_moment(entry, "from", zone)
    until = read_moment(entry, "until", zone)
    begins = start or (None if entry.has("from") else effective)
    if until is not None and begins is not None and until <= begins:
        since = "from" if start else "effective"
        entry.at("until").problem(f"must be after {since} ({begins.isoformat()}), got {until.isoformat()}")
    rule = entry.field("rule", False)
    return Obligation(
        id=obligation_id,
        category=category or "",
        text=entry.text("text") or "",
        bound=_bound(entry, known),
        start=begins or EPOCH,
        until=until,
        rule=None if rule is None else read_rule(rule, known, obligation_id),
    )


def _bound(entry: Node, known: Known) -> tuple[str, ...]:
    """The non-empty ``bound`` list of party ids (excluded groups cannot be bound)."""
    nodes = entry.items("bound", True)
    if nodes == []:
        entry.at("bound").problem("list at least one party bound by this obligation")
    bound: list[str] = []
    for node in nodes or []:
        value = node.as_text()
        if value is None:
            continue
        if value in known.excluded:
            node.problem(f"{describe(value)} is an excluded group, not a party; only parties can be bound")
        elif value not in known.parties:
            node.problem(f"unknown party {describe(value)} ({suggest(value, known.parties)})")
        bound.append(value)
    return tuple(bound)
