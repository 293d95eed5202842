"""Agreements as data: load and validate an agreement file (schema ``ceasefire/agreement/v1``).

::

    load_agreement(path) -> model.Agreement      raises errors.AgreementError (FILE:LINE problems)

The format is documented in docs/agreement.md and, for structure and vocabularies, in
docs/agreement.schema.json. Modules, in the order data flows through them:

    documents   read YAML / GeoJSON text; find the line of any path in it
    nodes       typed access to parsed values; the list of problems
    times       dates, date-times and the agreement's timezone
    geometry    GeoJSON geometries (inline or in files) -> shapely 2
    rule_params rule kinds and their parameters -> model.Rule
    sections    parties, excluded groups, zones, routes, lines, obligations
    loader      the whole file -> model.Agreement
"""

from ceasefire.agreement.loader import SCHEMA, load_agreement

__all__ = ["SCHEMA", "load_agreement"]
