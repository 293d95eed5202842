"""Daily quotas and the free-disk floor (issue 11: a token could fill the disk in minutes).

- :func:`check_reports`: 429 when the caller's token, or its party, wrote
  ``Settings.reports_per_day`` report versions today (UTC);
- :func:`check_evidence`: 429 when its evidence bytes today, with the upload's declared length,
  would pass ``Settings.evidence_per_day``;
- :func:`check_disk`: 507 when the evidence folder's disk has less than
  ``Settings.min_free_disk`` free, checked before any byte of an upload is read, so what is
  already stored never shares a full disk with a half-written file.

A 429 carries ``Retry-After``: the seconds to the next UTC midnight, when the day's count starts
again. The counts are indexed reads of today's rows (``store.quotas``); requests in flight at
once may pass a quota by the few of them, never by more.
"""

from __future__ import annotations

import datetime as dt
import math
import shutil
from pathlib import Path

from ceasefire.api.auth import Caller
from ceasefire.api.problems import Problem
from ceasefire.api.state import Settings
from ceasefire.store import SQLStore
from ceasefire.store.quotas import Usage

__all__ = ["check_disk", "check_evidence", "check_reports", "seconds_to_tomorrow"]


def seconds_to_tomorrow(now: dt.datetime | None = None) -> int:
    """Whole seconds (at least 1) from ``now`` (default: the clock) to the next UTC midnight."""
    moment = now or dt.datetime.now(dt.UTC)
    tomorrow = dt.datetime.combine(moment.date() + dt.timedelta(days=1), dt.time(), dt.UTC)
    return max(1, math.ceil((tomorrow - moment).total_seconds()))


def _today() -> str:
    return dt.datetime.now(dt.UTC).date().isoformat()


def _refuse(who: Caller, used: Usage, extra: int, limit: int, what: str) -> None:
    if limit <= 0:
        return
    holders = [(f"token {who.token_id}", used.token)]
    if who.party is not None:
        holders.append((f"party '{who.party}'", used.party))
    for holder, amount in holders:
        if amount + extra > limit or amount >= limit:
            wait = seconds_to_tomorrow()
            raise Problem(
                429,
                f"{holder} reached its daily quota of {limit} {what} (used {amount}); "
                f"retry after midnight UTC, in {wait} s",
                headers={"Retry-After": str(wait)},
            )


def check_reports(db: SQLStore, who: Caller, settings: Settings) -> None:
    """429 when ``who`` (or its party) already wrote today's quota of report versions."""
    if settings.reports_per_day > 0:
        used = db.reports_since(_today(), who.token_id, who.party)
        _refuse(who, used, 0, settings.reports_per_day, "report versions")


def check_evidence(db: SQLStore, who: Caller, settings: Settings, incoming: int) -> None:
    """429 when ``who`` (or its party) attached today's quota of evidence bytes, or would with
    ``incoming`` more (the upload's declared length; 0 when unknown)."""
    if settings.evidence_per_day > 0:
        used = db.evidence_bytes_since(_today(), who.token_id, who.party)
        _refuse(who, used, incoming, settings.evidence_per_day, "bytes of evidence")


def check_disk(folder: Path | None, settings: Settings) -> None:
    """507 when the disk holding ``folder`` (the evidence folder, or the nearest existing parent)
    has less than ``settings.min_free_disk`` bytes free; nothing to check without a folder."""
    if folder is None or settings.min_free_disk <= 0:
        return
    place = folder
    while not place.exists() and place != place.parent:
        place = place.parent
    free = shutil.disk_usage(place).free
    if free < settings.min_free_disk:
        raise Problem(
            507,
            f"the server's disk is nearly full ({free} bytes free, uploads stop below "
            f"{settings.min_free_disk}); nothing was stored, ask the operator to free space",
        )
