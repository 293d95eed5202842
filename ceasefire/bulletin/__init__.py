"""The daily bulletin: one day of a verification run, in the manner of a monitoring mission's
daily report (docs/bulletin.md).

- ``content``: the frozen dataclasses it is computed from and made of;
- ``daily``: what the bulletin says, computed from the run's findings, clocks, the claims
  ledger and the agreement (pure: reads nothing);
- ``places``: which zone, route or besieged area an incident touches (metres, not degrees);
- ``svgmap``: the small map, projected and drawn as inline SVG (no tiles, no network);
- ``gather``: reads those inputs from a store (the CLI and the server share it);
- ``render``: HTML through Jinja2 templates (autoescaped), PDF through WeasyPrint;
"""

from __future__ import annotations

__all__: list[str] = []
