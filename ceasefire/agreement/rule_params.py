"""An obligation's ``rule``: its kind, the parameters that kind takes, and their references.

``PARAMETERS`` is the contract of each kind (docs/contracts.md, docs/agreement.md); a parameter not
listed for a kind is a problem. Parameter names are the field names of ``model.Rule``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

from ceasefire.agreement.nodes import Node, describe, suggest
from ceasefire.model import RULE_KINDS, WEAPON_CLASSES, Rule

__all__ = ["PARAMETERS", "Known", "read_rule"]

PARAMETERS: dict[str, tuple[str, ...]] = {
    "no_attacks": ("event_types", "sub_event_types", "zones"),
    "no_air_strikes": ("zones",),
    "keep_clear": ("route", "zone", "line", "distance_m", "weapons", "event_types"),
    "no_territorial_gains": ("zones",),
    "humanitarian_access": ("zones", "routes", "distance_m"),
    "condition": ("over", "max_per_day", "consecutive_days"),
}

# Per kind, groups of parameters of which exactly one must be given (a one-name group: required,
# and when it is a list, not empty).
_REQUIRED: dict[str, tuple[tuple[str, ...], ...]] = {
    "no_air_strikes": (("zones",),),
    "keep_clear": (("route", "zone", "line"), ("distance_m", "weapons")),
    "condition": (("over",), ("consecutive_days",)),
}


@dataclass(frozen=True)
class Known:
    """The ids an agreement defines, which rules and obligations may refer to.

    ``obligations`` maps each obligation id to its rule kind (``None``: no rule).
    """

    parties: Collection[str]
    excluded: Collection[str]
    zones: Collection[str]
    routes: Collection[str]
    lines: Collection[str]
    obligations: Mapping[str, str | None]


def read_rule(node: Node, known: Known, obligation: str) -> Rule | None:
    """The ``Rule`` at ``node`` (an obligation's ``rule``) of the obligation id ``obligation``."""
    if node.as_mapping("a rule such as {kind: no_attacks}") is None:
        return None
    kind = node.text("kind")
    if kind is None:
        return None
    if kind not in RULE_KINDS:
        node.at("kind").problem(f"unknown rule kind {describe(kind)} ({suggest(kind, RULE_KINDS)})")
        return None
    allowed = PARAMETERS[kind]
    node.check_keys(("kind", *allowed), f"parameter for rule kind '{kind}'")
    values: dict[str, Any] = {}
    for name in allowed:
        if node.has(name):
            value = _READERS[name](node, name, known, obligation)
            if value is not None:
                values[name] = value
    _check_required(node, kind, values)
    return Rule(kind=kind, **values)


def _check_required(node: Node, kind: str, values: Mapping[str, Any]) -> None:
    for group in _REQUIRED.get(kind, ()):
        given = [name for name in group if node.has(name)]
        quoted = [f"'{name}'" for name in group]
        options = quoted[0] if len(group) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"
        if not given:
            one_of = "" if len(group) == 1 else "one of "
            node.problem(f"rule kind '{kind}' needs {one_of}{options}")
        elif len(given) > 1:
            found = " and ".join(f"'{name}'" for name in given)
            node.at(given[1]).problem(f"give only one of {options} (found {found})")
        elif len(group) == 1 and values.get(group[0]) == ():
            node.at(group[0]).problem(f"rule kind '{kind}' needs at least one entry here")


def _ids(
    node: Node,
    name: str,
    known: Collection[str],
    what: str,
    extra: Callable[[str], str | None] = lambda _: None,
) -> tuple[str, ...] | None:
    """A list of ids at ``name``, each of which must be in ``known`` (and pass ``extra``)."""
    items = node.items(name)
    if items is None:
        return None
    ids: list[str] = []
    for item in items:
        value = item.as_text()
        if value is None:
            continue
        if value not in known:
            item.problem(f"unknown {what} {describe(value)} ({suggest(value, known)})")
        elif (problem := extra(value)) is not None:
            item.problem(problem)
        ids.append(value)
    return tuple(ids)


def _one_id(node: Node, name: str, known: Collection[str]) -> str | None:
    value = node.text(name)
    if value is not None and value not in known:
        node.at(name).problem(f"unknown {name} {describe(value)} ({suggest(value, known)})")
    return value


def _weapons(node: Node, name: str) -> tuple[tuple[str, float], ...] | None:
    """A mapping weapon class -> positive metres, as pairs sorted by class."""
    weapons = node.at(name)
    mapping = weapons.as_mapping("a mapping of weapon class to metres, e.g. {artillery: 20000}")
    if mapping is None:
        return None
    if not mapping:
        weapons.problem("list at least one weapon class with its distance in metres")
    pairs: list[tuple[str, float]] = []
    for key in mapping:
        if not (isinstance(key, str) and key in WEAPON_CLASSES):
            label = key if isinstance(key, str) else describe(key)
            hint = suggest(label, WEAPON_CLASSES)
            weapons.at(label).problem(f"unknown weapon class {describe(key)} ({hint})")
            continue
        metres = weapons.metres(key, True)
        if metres is not None:
            pairs.append((key, metres))
    return tuple(sorted(pairs))


def _over_problem(known: Known, obligation: str) -> Callable[[str], str | None]:
    """What is wrong with a condition (of ``obligation``) counting the obligation it is given."""

    def problem(target: str) -> str | None:
        kind = known.obligations.get(target)
        if target == obligation:
            return "a condition cannot count its own obligation"
        if kind == "condition":
            return f"'{target}' is itself a condition; count obligations that have findings"
        if kind is None:
            return (
                f"'{target}' has no rule, so it never has findings and every day would be "
                "quiet; give it a rule or leave it out"
            )
        return None

    return problem


_Reader = Callable[[Node, str, Known, str], Any]
_READERS: dict[str, _Reader] = {
    "event_types": lambda node, name, known, own: node.texts(name),
    "sub_event_types": lambda node, name, known, own: node.texts(name),
    "zones": lambda node, name, known, own: _ids(node, name, known.zones, "zone"),
    "routes": lambda node, name, known, own: _ids(node, name, known.routes, "route"),
    "route": lambda node, name, known, own: _one_id(node, name, known.routes),
    "zone": lambda node, name, known, own: _one_id(node, name, known.zones),
    "line": lambda node, name, known, own: _one_id(node, name, known.lines),
    "distance_m": lambda node, name, known, own: node.metres(name),
    "weapons": lambda node, name, known, own: _weapons(node, name),
    "over": lambda node, name, known, own: _ids(node, name, known.obligations, "obligation", _over_problem(known, own)),
    "max_per_day": lambda node, name, known, own: node.integer(name, 0),
    "consecutive_days": lambda node, name, known, own: node.integer(name, 1),
}
