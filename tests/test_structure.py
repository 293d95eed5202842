"""The package's shape, read from its source: imports point one way, functions stay short, and
the edges carry typed records rather than loose dicts (STYLE.md, "Move towards").

Each test names what it found when it fails. The ``KNOWN_*`` allowlists hold what the code still
does today while it is being restructured; an entry may only shrink (a cycle that loses members
still passes), and anything not covered by an entry fails.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "ceasefire"

# Cycles tolerated while a restructuring is under way (a found cycle passes when all its modules lie
# inside one entry). Empty since issue 10 removed the last ones: keep it so, or say why in the entry.
KNOWN_CYCLES: frozenset[frozenset[str]] = frozenset()

# Loops between top-level parts (``ceasefire.X``), held the same way as KNOWN_CYCLES.
KNOWN_PART_LOOPS: frozenset[frozenset[str]] = frozenset()

MAX_FUNCTION_LINES = 60
# ``path:qualified name`` of functions longer than MAX_FUNCTION_LINES while being split (none since issue 10).
KNOWN_LONG_FUNCTIONS: frozenset[str] = frozenset()

# Untyped records past the core: the count may only go down (issue 10 aims at 25).
DICT_LIMIT = 25
DICT_PLACES = ("ceasefire/store", "ceasefire/api", "ceasefire/web", "ceasefire/bulletin", "ceasefire/exports.py")
_LOOSE_DICT = re.compile(r"\b(?:dict|Mapping)\[str,\s*Any\]")

Graph = Mapping[str, frozenset[str]]


def _module_files() -> dict[str, Path]:
    """Every module of the package by dotted name; a package is named by its ``__init__.py``."""
    modules = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def _imported(name: str, node: ast.ImportFrom | ast.Import, modules: Mapping[str, Path]) -> Iterator[str]:
    """The package modules one import statement in module ``name`` loads by name.

    ``import a.b`` loads ``a.b`` (``a/b/__init__.py`` for a package); ``from a import b`` loads
    the module ``a.b`` when there is one, else ``a`` itself (``b`` is a name defined there).
    """
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
        return
    source = node.module or ""
    if node.level:  # relative: strip one part per dot beyond the first, from the importing package
        package = name if modules[name].name == "__init__.py" else name.rpartition(".")[0]
        base = package.split(".")[: len(package.split(".")) - node.level + 1]
        source = ".".join([*base, *([source] if source else [])])
    for alias in node.names:
        submodule = f"{source}.{alias.name}"
        yield submodule if submodule in modules else source


def _within(target: str, modules: Mapping[str, Path]) -> str | None:
    """The longest package module that ``target`` names, or None outside the package."""
    while target and target not in modules:
        target = target.rpartition(".")[0]
    return target or None


def import_graph() -> dict[str, frozenset[str]]:
    """Module -> the package modules it imports anywhere: top level, in functions, under TYPE_CHECKING."""
    modules = _module_files()
    graph = {}
    for name, path in modules.items():
        targets = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                targets.update(_within(t, modules) for t in _imported(name, node, modules))
        graph[name] = frozenset(t for t in targets if t is not None and t != name)
    return graph


def cycles(graph: Graph) -> list[frozenset[str]]:
    """The strongly connected components of more than one node (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[frozenset[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        while work:
            node, edges = work[-1]
            step = next((t for t in edges if t not in index or t in stack), None)
            if step is not None and step not in index:
                index[step] = low[step] = len(index)
                stack.append(step)
                work.append((step, iter(sorted(graph.get(step, ())))))
            elif step is not None:
                low[node] = min(low[node], index[step])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = stack[stack.index(node) :]
                    del stack[stack.index(node) :]
                    if len(component) > 1:
                        found.append(frozenset(component))
    return found


def _part(module: str) -> str:
    return ".".join(module.split(".")[:2])


def part_graph(graph: Graph) -> dict[str, frozenset[str]]:
    """The import graph between top-level parts (``ceasefire.X``), edges within a part dropped."""
    parts: dict[str, set[str]] = {}
    for module, targets in graph.items():
        parts.setdefault(_part(module), set()).update(_part(t) for t in targets if _part(t) != _part(module))
    return {part: frozenset(targets) for part, targets in parts.items()}


def _unexpected(found: Iterable[frozenset[str]], known: frozenset[frozenset[str]]) -> list[list[str]]:
    return [sorted(cycle) for cycle in found if not any(cycle <= allowed for allowed in known)]


def test_cycles_finds_every_loop_and_only_loops() -> None:
    graph = {"a": frozenset({"b"}), "b": frozenset({"c"}), "c": frozenset({"a"}), "d": frozenset({"a"})}
    assert cycles(graph) == [frozenset({"a", "b", "c"})]
    assert cycles({"a": frozenset({"b"}), "b": frozenset()}) == []


def _imports_within(graph: Graph, loops: Iterable[Iterable[str]], key: Callable[[str], str]) -> list[str]:
    """The imports ``module -> module`` that join the members (by ``key``) of the given loops."""
    members = [set(loop) for loop in loops]
    return [
        f"{module} -> {target}"
        for module, targets in sorted(graph.items())
        for target in sorted(targets)
        if key(module) != key(target) and any({key(module), key(target)} <= loop for loop in members)
    ]


def test_no_new_import_cycle_between_modules() -> None:
    graph = import_graph()
    new = _unexpected(cycles(graph), KNOWN_CYCLES)
    assert not new, f"import cycles (make the arrows point one way): {new}; via {_imports_within(graph, new, str)}"


def test_no_new_loop_between_top_level_parts() -> None:
    graph = import_graph()
    new = _unexpected(cycles(part_graph(graph)), KNOWN_PART_LOOPS)
    assert not new, f"loops between parts of the package: {new}; via {_imports_within(graph, new, _part)}"


def _functions(tree: ast.AST, prefix: str = "") -> Iterator[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]]:
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield prefix + node.name, node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            yield from _functions(node, f"{prefix}{node.name}.")
        else:
            yield from _functions(node, prefix)


def test_no_function_over_the_hard_limit() -> None:
    long = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        for name, node in _functions(ast.parse(path.read_text(encoding="utf-8"))):
            lines = (node.end_lineno or node.lineno) - node.lineno + 1
            where = f"{path.relative_to(ROOT).as_posix()}:{name}"
            if lines > MAX_FUNCTION_LINES and where not in KNOWN_LONG_FUNCTIONS:
                long[where] = lines
    assert not long, f"functions over {MAX_FUNCTION_LINES} lines (split them by step): {long}"


def test_loose_dicts_past_the_core_do_not_grow() -> None:
    counts = {}
    for place in DICT_PLACES:
        path = ROOT / place
        for file in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            found = len(_LOOSE_DICT.findall(file.read_text(encoding="utf-8")))
            if found:
                counts[file.relative_to(ROOT).as_posix()] = found
    total = sum(counts.values())
    assert total <= DICT_LIMIT, (
        f"{total} dict[str, Any]/Mapping[str, Any] in {', '.join(DICT_PLACES)} (limit {DICT_LIMIT}); "
        f"pass a frozen dataclass instead. By file: {counts}"
    )
