"""``python -m ceasefire.cli``: the ``ceasefire`` console script."""

from ceasefire.cli import main

main()
