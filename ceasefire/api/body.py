"""The one type for a JSON object answered at the HTTP edge.

Records cross the layers as frozen dataclasses (``ceasefire.store.protocol``); a route or a
page turns one into JSON only when it answers, with one ``*_json`` function per record type.
What those functions return, what a route returns and what a page hands its template and its
JSON twin is a :data:`JSONBody`: a plain dict with values of any type, on purpose. FastAPI reads a
route's return annotation for the OpenAPI document (and would validate and reorder a typed one);
this one keeps that document, and every body, as they are.
"""

from __future__ import annotations

from typing import Any

__all__ = ["JSONBody"]

JSONBody = dict[str, Any]
"""A JSON object (string keys; values JSON can carry) on its way out of the server."""
