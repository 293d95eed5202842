"""Synthetic news claims for the server benchmark (issue 14): the claims ledger at scale.

``seed(target, key, evidence, count)`` stores ``count`` claims (seeded, so the same every time)
spread over the days of the store's latest run, as ``import --news`` would store them (one
article per 10 claims, ``SQLStore.add_news``), without the language pipeline: every kind, an
obligation or a category of the current agreement, one or two accused parties. A store that
already holds that many claims is left as it is.

    PYTHONPATH=$PWD .venv/bin/python bench/claims_seed.py --store DIR --claims 200
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import random
import tempfile
from pathlib import Path

from ceasefire.model import Agreement, NewsClaim
from ceasefire.service.bundles import load_bundle
from ceasefire.store import open_store

KINDS = ("accusation", "denial", "commitment", "demand", "assessment")
PER_ARTICLE = 10


def seed(target: str, key: Path, evidence: Path, count: int, rng_seed: int = 14) -> int:
    """Store claims until the store holds ``count``; the number stored now."""
    store = open_store(target, key=key, evidence=evidence)
    try:
        have = len(store.stored_claims())
        version = store.current_agreement()
        runs = store.runs()
        if have >= count or version is None or not runs:
            return 0
        agreement = load_bundle(version.bundle)
        days = sorted(store.run_days(runs[-1].id))
        rng = random.Random(rng_seed + have)
        made = [_claim(rng, agreement, dt.date.fromisoformat(rng.choice(days)), n) for n in range(have, count)]
        with tempfile.TemporaryDirectory() as folder:
            for lo in range(0, len(made), PER_ARTICLE):
                article = Path(folder) / f"article-{have + lo}.txt"
                article.write_text(f"synthetic article {have + lo} (bench/claims_seed.py)\n", encoding="utf-8")
                part = made[lo : lo + PER_ARTICLE]
                store.add_news(article, part[0].date, version.version, [_named(c, article.name) for c in part])
        return len(made)
    finally:
        store.close()


def _claim(rng: random.Random, agreement: Agreement, day: dt.date, n: int) -> NewsClaim:
    parties = [p.id for p in agreement.parties]
    obligations = list(agreement.obligations)
    kind = KINDS[n % len(KINDS)]
    speaker, *accused = rng.sample(parties, min(3, len(parties)))
    obligation = rng.choice(obligations)
    by_category = n % 4 == 3
    return NewsClaim(
        file="",
        speaker=f"spokesperson {n}",
        speaker_party=speaker,
        cited_by="Synthetic Wire",
        kind=kind,
        accused=tuple(accused[: 1 + n % 2]),
        obligation=None if by_category else obligation.id,
        category=obligation.category,
        quote=f"Synthetic claim {n}.",
        sentence=n % PER_ARTICLE,
        date=day,
    )


def _named(claim: NewsClaim, file: str) -> NewsClaim:
    return dataclasses.replace(claim, file=file)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, required=True, help="a serve_scale --store folder")
    parser.add_argument("--claims", type=int, default=200)
    args = parser.parse_args()
    folder: Path = args.store
    added = seed(str(folder / "scale.db"), folder / "log.key", folder / "evidence", args.claims)
    print(f"claims_seed: {added} claims stored")


if __name__ == "__main__":
    main()
