"""``/api/v1/tokens`` (admin): who may use the server. An admin lists every token's record
(never the token: only its SHA-256 is stored) and creates tokens, as ``ceasefire token create``
does; the new token is in the answer once and never again."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from ceasefire.api.auth import CallerDep, StoreDep, require
from ceasefire.api.body import JSONBody
from ceasefire.api.fields import Plain
from ceasefire.store.protocol import TokenRecord

__all__ = ["router"]

router = APIRouter(prefix="/tokens", tags=["admin"])


class TokenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: Literal["admin", "analyst", "monitor", "party", "observer"]
    party: Plain | None = Field(default=None, min_length=1, max_length=200, description="Required for role party.")
    name: Plain = Field(default="", max_length=200, description="Who holds it (for people, not for checks).")


def _token_json(t: TokenRecord) -> JSONBody:
    return {
        "id": t.id,
        "role": t.role,
        "party": t.party,
        "name": t.name,
        "created_at": t.created_at,
        "log_index": t.log_index,
    }


@router.get("", summary="Every token's record (admin)")
def tokens(db: StoreDep, who: CallerDep) -> JSONBody:
    """``{"items": [{"id", "role", "party", "name", "created_at", "log_index"}...], "total"}``."""
    require(who, "admin")
    items = [_token_json(t) for t in db.tokens()]
    return {"items": items, "total": len(items)}


@router.post("", status_code=201, summary="Create a token (admin)")
def create(db: StoreDep, who: CallerDep, body: TokenIn) -> JSONBody:
    """201 ``{"token", "id", "role", "party", ...}``: the token is shown this once. 400 when
    ``party`` is missing for role party, given for another role, or not a party of the agreement."""
    require(who, "admin")
    token, record = db.create_token(body.role, body.party, body.name)
    db.checkpoint()
    return {"token": token, **_token_json(record)}
