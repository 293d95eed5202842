"""``python -m ceasefire.cli``: the ``ceasefire`` console script."""

from ceasefire.cli import main

# Guarded: tests import every module of the package (tests/test_error_tree.py), which must not run the CLI.
if __name__ == "__main__":
    main()
