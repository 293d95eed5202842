"""``/api/v1/tokens`` (admin): who may use the server. An admin lists every token's record
(never the token: only its SHA-256 is stored), with its expiry and revocation, creates tokens,
as ``ceasefire token create`` does (the new token is in the answer once and never again), and
revokes them, as ``ceasefire token revoke`` does (issue 11)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from ceasefire.api.auth import CallerDep, StoreDep, require
from ceasefire.api.body import JSONBody
from ceasefire.api.fields import Plain
from ceasefire.store.protocol import TokenRecord
from ceasefire.store.tokens import stamp

__all__ = ["router"]

router = APIRouter(prefix="/tokens", tags=["admin"])


class TokenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: Literal["admin", "analyst", "monitor", "party", "observer"]
    party: Plain | None = Field(default=None, min_length=1, max_length=200, description="Required for role party.")
    name: Plain = Field(default="", max_length=200, description="Who holds it (for people, not for checks).")
    expires_at: dt.datetime | None = Field(
        default=None, description="When it stops working (ISO 8601; UTC unless a zone is given). Default: in 90 days."
    )


def _token_json(t: TokenRecord) -> JSONBody:
    return {
        "id": t.id,
        "role": t.role,
        "party": t.party,
        "name": t.name,
        "created_at": t.created_at,
        "log_index": t.log_index,
        "expires_at": t.expires_at,
        "revoked_at": t.revoked_at,
    }


@router.get("", summary="Every token's record (admin)")
def tokens(db: StoreDep, who: CallerDep) -> JSONBody:
    """``{"items": [{"id", "role", "party", "name", "created_at", "log_index", "expires_at",
    "revoked_at"}...], "total"}`` (``revoked_at`` null while not revoked)."""
    require(who, "admin")
    items = [_token_json(t) for t in db.tokens()]
    return {"items": items, "total": len(items)}


@router.post("", status_code=201, summary="Create a token (admin)")
def create(db: StoreDep, who: CallerDep, body: TokenIn) -> JSONBody:
    """201 ``{"token", "id", "role", "party", ...}``: the token is shown this once. 400 when
    ``party`` is missing for role party, given for another role, or not a party of the agreement."""
    require(who, "admin")
    moment = body.expires_at
    expires = stamp(moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)) if moment else None
    token, record = db.create_token(body.role, body.party, body.name, expires_at=expires)
    db.checkpoint()
    return {"token": token, **_token_json(record)}


@router.post("/{token_id}/revoke", summary="Revoke a token (admin)")
def revoke(db: StoreDep, who: CallerDep, token_id: int) -> JSONBody:
    """200 ``{"token_id", "log_index", "new", "receipt"}``: from now on the token answers 401
    everywhere (API, pages, the dashboard's sessions). Revoking again answers the first
    revocation (``new`` false). 404 for an unknown token."""
    require(who, "admin")
    index, new = db.revoke_token(token_id, who.token_id)
    return {"token_id": token_id, "log_index": index, "new": new, "receipt": json.loads(db.receipt(index).to_json())}
