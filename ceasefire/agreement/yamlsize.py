"""Size limits for every YAML document the project reads (issue 11): aliases and nodes.

A YAML alias (``*a``) repeats the node its anchor (``&a``) names without copying it in the
text, so a few hundred bytes can stand for a billion nodes (the "billion laughs" document); a
loader that builds Python objects, or code that walks them, then runs out of memory or time.
:func:`load_limited` composes the document first (aliases stay shared nodes, so composing is
cheap), counts the nodes the document would have with every alias written out, and refuses it
past :data:`MAX_NODES` or :data:`MAX_ALIASES` before anything is constructed.

Agreements are read this way (``documents.read_yaml``, ``POST /agreements`` and the stored
bundles), and so are the news lexicon files.
"""

from __future__ import annotations

from typing import Any, Final

from ruamel.yaml import YAML
from ruamel.yaml.nodes import MappingNode, Node, SequenceNode

from ceasefire.errors import CeasefireError

__all__ = ["MAX_ALIASES", "MAX_NODES", "YamlTooLarge", "load_limited"]

MAX_NODES: Final = 2_000_000  # with aliases written out; an agreement with inline zones needs ~100 000
MAX_ALIASES: Final = 10_000  # uses of an anchor; hand-written agreements use a handful


class YamlTooLarge(CeasefireError):
    """A YAML document over :data:`MAX_NODES` or :data:`MAX_ALIASES`; ``line`` is 1-based."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.message, self.line = message, line


def load_limited(yaml: YAML, text: str) -> Any:
    """``yaml.load(text)``, after checking the composed document's size (``YamlTooLarge``).
    Syntax errors are ``yaml``'s own. The checked nodes are constructed as ``load`` constructs
    them (issue 14: parsing the text a second time was half the load of a 200-zone agreement)."""
    root = yaml.compose(text)
    if root is None:
        return yaml.load(text)  # an empty document: what ``load`` makes of it
    _Counter().count(root)
    return yaml.constructor.construct_document(root)


class _Counter:
    """Counts nodes as if aliases were expanded, visiting each shared node once (memoized)."""

    def __init__(self) -> None:
        self.sizes: dict[int, int] = {}
        self.aliases = 0

    def count(self, node: Node) -> int:
        known = self.sizes.get(id(node))
        if known is not None:  # a node met again is an alias use
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                raise YamlTooLarge(f"YAML with more than {MAX_ALIASES} aliases; write the values out", _line(node))
            return known
        self.sizes[id(node)] = 1  # a placeholder while its children are counted (recursive anchors)
        size = 1 + sum(self.count(child) for child in _children(node))
        if size > MAX_NODES:
            raise YamlTooLarge(
                f"YAML whose aliases expand to more than {MAX_NODES} values (a 'billion laughs' document?); "
                "write the values out or use fewer aliases",
                _line(node),
            )
        self.sizes[id(node)] = size
        return size


def _children(node: Node) -> list[Node]:
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, SequenceNode):
        return list(node.value)
    return []


def _line(node: Node) -> int:
    mark = node.start_mark
    return int(mark.line) + 1 if mark is not None else 1
