"""One exception root, drawn whole: the tree in ``ceasefire.errors``'s docstring names every exception
class of the package under its real parent, and every one of them is a ``CeasefireError``."""

from __future__ import annotations

import importlib
import pkgutil
import re

import ceasefire
import ceasefire.errors
from ceasefire.errors import CeasefireError

# A node of the drawing: "├── Name" or "└── Name", four columns per level below the root.
_BRANCH = re.compile(r"[├└]── (\w+)")


def drawn_tree(docstring: str) -> dict[str, str | None]:
    """Class name -> the name drawn as its parent (None for the root) in the docstring's ``::`` block."""
    block = docstring.split("::\n", 1)[1].strip("\n").split("\n\n", 1)[0]
    lines = block.splitlines()
    root = lines[0].split()[0]
    parents: dict[str, str | None] = {root: None}
    path = [root]  # the names on the way from the root to the last node drawn
    for line in lines[1:]:
        branch = _BRANCH.search(line)
        if branch is None:  # the second line of a description
            continue
        depth = (branch.start() - 4) // 4 + 1
        del path[depth:]
        parents[branch.group(1)] = path[-1]
        path.append(branch.group(1))
    return parents


def package_exceptions() -> dict[str, type[BaseException]]:
    """Every exception class the package defines, by name, after importing each of its modules."""
    for module in pkgutil.walk_packages(ceasefire.__path__, "ceasefire."):
        if not module.name.endswith(".__main__"):  # running the CLI is not importing it
            importlib.import_module(module.name)
    found: dict[str, type[BaseException]] = {}
    todo: list[type[BaseException]] = [BaseException]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.split(".")[0] == "ceasefire":
            found[cls.__name__] = cls
    return found


def test_the_drawing_reads_as_a_tree() -> None:
    drawing = "::\n\n    Root   what\n    ├── A  a\n    │   └── B  b\n    │          more of b\n    └── C  c\n\nText"
    assert drawn_tree(drawing) == {"Root": None, "A": "Root", "B": "A", "C": "Root"}


def test_every_exception_is_drawn_under_its_parent() -> None:
    drawn = drawn_tree(ceasefire.errors.__doc__ or "")
    classes = package_exceptions()
    missing = sorted(f"{cls.__module__}.{name}" for name, cls in classes.items() if name not in drawn)
    assert not missing, f"exception classes missing from the tree in ceasefire/errors.py: {missing}"
    wrong = {
        name: f"drawn under {drawn[name]}, derives from {[b.__name__ for b in classes[name].__bases__]}"
        for name in classes
        if drawn[name] is not None and drawn[name] not in {b.__name__ for b in classes[name].__bases__}
    }
    assert not wrong, f"the tree in ceasefire/errors.py draws these under the wrong parent: {wrong}"
    stale = sorted(set(drawn) - set(classes))
    assert not stale, f"the tree in ceasefire/errors.py draws classes that do not exist: {stale}"


def test_every_exception_derives_from_the_root() -> None:
    strays = sorted(
        f"{cls.__module__}.{name}" for name, cls in package_exceptions().items() if not issubclass(cls, CeasefireError)
    )
    assert not strays, f"exception classes outside the CeasefireError tree (derive them from it): {strays}"
