"""Event linking against known truth (issue 13): how well records of one event are linked.

A seeded generator places true events around a contact line (with look-alike distinct events
nearby: same kind of attack a few kilometres and days away) and has 2-4 sources report each
one: an ACLED-like file, a UCDP-like file, a monitors' GeoJSON-like file and a news-like file,
each with its own noise (place jitter within its precision, date lag and date ranges, actor
naming variants, fatality disagreement, now and then a different perpetrator or none). Prints
pairwise link precision and recall, and the over-count: violation findings of the
``cease-attacks`` obligation per violating true event, after ``verify_table``.

    PYTHONPATH=$PWD .venv/bin/python bench/fusion.py --seed 11 --events 3000
    PYTHONPATH=$PWD .venv/bin/python bench/fusion.py --seeds 1-10 --noise 1.3   # mean and worst
    PYTHONPATH=$PWD .venv/bin/python bench/fusion.py --scale 1000000     # linking speed, memory

The weights and the threshold were tuned on seed 1 with the default noise, the lone-record step
(``linking.assignment.adopt_orphans``) on seeds 1-10 at noise 1.0 and 1.3; report figures on
seeds from 100 and other ``--noise`` (docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import time
import tracemalloc
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from ceasefire.actor_resolution import AliasResolver
from ceasefire.findings import Status
from ceasefire.linking import link_records
from ceasefire.model import Agreement, ExcludedGroup, Obligation, Party, Rule
from ceasefire.table import IncidentTable
from ceasefire.verification import verify_table

START = dt.date(2016, 9, 12)
M_PER_DEG = 111_320.0
# (true perpetrator id, its names in the ACLED-like, UCDP-like, monitor and news sources)
PERPETRATORS = [
    ("syria-gov", "Military Forces of Syria (2000-)", "Government of Syria", "Syrian army", "Syrian government forces"),
    ("russia", "Military Forces of Russia (2000-)", "Government of Russia (Soviet Union)", "Russian", "Russian jets"),
    ("opposition", "Free Syrian Army", "Syrian insurgents (FSA)", "FSA", "opposition fighters"),
    ("isis", "Islamic State (Syria)", "IS", "ISIS", "Islamic State"),
    ("", "Unidentified Armed Group (Syria)", "", "unknown", ""),
]
TARGETS = ["Civilians (Syria)", "Free Syrian Army", "Military Forces of Syria (2000-)", "Jabhat Fateh al-Sham"]
KINDS = [  # (event_type, sub_event_type, weapon)
    ("Explosions/Remote violence", "Shelling/artillery/missile attack", "artillery"),
    ("Explosions/Remote violence", "Shelling/artillery/missile attack", "mortar"),
    ("Explosions/Remote violence", "Air/drone strike", "aircraft"),
    ("Battles", "Armed clash", "small_arms"),
    ("Violence against civilians", "Attack", "small_arms"),
]
SOURCES = ("acled.csv", "ged.csv", "monitor.geojson", "news.txt")


@dataclass(frozen=True)
class Noise:
    """How much the sources disagree (defaults: the tuning set)."""

    jitter_km: float = 1.5  # place jitter of a precise report
    lag_share: float = 0.3  # reports one day off
    vague_share: float = 0.2  # reports with a coarse place (5-25 km) or a date range
    misattributed: float = 0.04  # a report naming another perpetrator
    unknown_actor: float = 0.1  # a report naming no perpetrator
    lookalikes: float = 0.35  # distinct events placed near another one


def agreement() -> Agreement:
    eff = dt.datetime(2016, 9, 12, 19, 0, tzinfo=dt.timezone(dt.timedelta(hours=3)))
    parties = (
        Party(
            "syria-gov",
            "Government of Syria",
            ("Military Forces of Syria", "Syrian army", "Syrian government"),
            aircraft=True,
        ),
        Party(
            "russia",
            "Russian Federation",
            ("Military Forces of Russia", "Russian", "Government of Russia"),
            aircraft=True,
        ),
        Party("opposition", "Armed opposition", ("Free Syrian Army", "FSA", "Syrian insurgents", "opposition")),
    )
    excluded = (
        ExcludedGroup("isis", "Islamic State", ("Islamic State", "ISIS", "IS")),
        ExcludedGroup("nusra", "Jabhat Fateh al-Sham", ("Jabhat Fateh al-Sham",)),
    )
    bound = tuple(p.id for p in parties)
    ob = Obligation("cease-attacks", "cessation_of_hostilities", "Cease attacks.", bound, eff, rule=Rule("no_attacks"))
    return Agreement("fusion", "Fusion bench", eff, "Asia/Damascus", parties, excluded, obligations=(ob,))


def true_events(rng: np.random.Generator, n: int, noise: Noise) -> dict[str, Any]:
    """Events around a line through Aleppo and Idlib governorates; look-alikes copy a nearby one."""
    t = rng.uniform(0, 1, n)
    lat = 35.6 + 1.0 * t + rng.normal(0, 0.08, n)
    lon = 36.4 + 1.2 * t + rng.normal(0, 0.08, n)
    day = START.toordinal() + 1 + rng.integers(0, 120, n)
    perp = rng.choice(len(PERPETRATORS), n, p=[0.4, 0.15, 0.25, 0.1, 0.1])
    kind = rng.integers(0, len(KINDS), n)
    target = rng.integers(0, len(TARGETS), n)
    copy = np.flatnonzero(rng.uniform(size=n) < noise.lookalikes)
    src = rng.integers(0, n, len(copy))
    angle, dist = rng.uniform(0, 2 * np.pi, len(copy)), rng.uniform(3_000, 15_000, len(copy))
    lat[copy] = lat[src] + dist * np.sin(angle) / M_PER_DEG
    lon[copy] = lon[src] + dist * np.cos(angle) / (M_PER_DEG * np.cos(np.radians(lat[src])))
    day[copy] = day[src] + rng.integers(0, 3, len(copy))
    perp[copy], kind[copy] = perp[src], kind[src]
    fatalities = rng.poisson(3, n) * (rng.uniform(size=n) < 0.8)
    return {"lat": lat, "lon": lon, "day": day, "perp": perp, "kind": kind, "target": target, "fat": fatalities}


def reports(rng: np.random.Generator, ev: dict[str, Any], noise: Noise) -> tuple[dict[str, Any], npt.NDArray[np.intp]]:
    """Columns of every source's records of the events, and each record's true event."""
    n = len(ev["lat"])
    count = rng.integers(2, 5, n)  # 2-4 sources per event
    picks = np.argsort(rng.uniform(size=(n, len(SOURCES))), axis=1)
    event = np.repeat(np.arange(n), count)
    source = np.concatenate([picks[i, : count[i]] for i in range(n)]) if n else np.zeros(0, np.intp)
    m = len(event)
    vague = rng.uniform(size=m) < noise.vague_share
    radius = np.where(vague, rng.choice([5_000.0, 25_000.0], m, p=[0.7, 0.3]), 0.0)
    radius[source == 2] = 0.0  # monitors see the place
    jitter = np.where(radius > 0, rng.uniform(0, 1, m) * radius, rng.exponential(noise.jitter_km * 1000 / 2, m))
    angle = rng.uniform(0, 2 * np.pi, m)
    lat = ev["lat"][event] + jitter * np.sin(angle) / M_PER_DEG
    lon = ev["lon"][event] + jitter * np.cos(angle) / (M_PER_DEG * np.cos(np.radians(ev["lat"][event])))
    lag = np.where(rng.uniform(size=m) < noise.lag_share, rng.choice([-1, 1], m, p=[0.2, 0.8]), 0)
    day0 = ev["day"][event] + lag
    day_end = np.where(vague & (source == 1), day0 + rng.integers(1, 4, m), 0)  # UCDP-like ranges
    day0 = np.where(day_end > 0, day0 - rng.integers(0, 2, m), day0)
    perp = ev["perp"][event].copy()
    wrong = rng.uniform(size=m) < noise.misattributed
    perp[wrong] = rng.integers(0, len(PERPETRATORS), int(wrong.sum()))
    perp[rng.uniform(size=m) < noise.unknown_actor] = len(PERPETRATORS) - 1
    names = np.array([[row[1 + s] for s in range(len(SOURCES))] for row in PERPETRATORS], dtype=object)
    kinds = np.array(KINDS, dtype=object)[ev["kind"][event]]
    weapon = np.where(rng.uniform(size=m) < 0.3, "", kinds[:, 2])
    fat = np.round(ev["fat"][event] * rng.uniform(0.6, 1.4, m)).astype(np.int64)
    cols = {
        "id": np.array([f"{SOURCES[s]}-{k}" for k, s in enumerate(source.tolist())], dtype=object),
        "source": np.array(["acled", "ucdp", "geojson", "news"], dtype=object)[source],
        "file": np.array(SOURCES, dtype=object)[source],
        "date": day0,
        "date_end": day_end,
        "lat": lat,
        "lon": lon,
        "radius_m": radius,
        "geo_precision": np.where(radius > 0, 2, 1),
        "event_type": kinds[:, 0],
        "sub_event_type": kinds[:, 1],
        "actor1": names[perp, source],
        "actor2": np.array(TARGETS, dtype=object)[ev["target"][event]],
        "weapon": weapon.astype(object),
        "fatalities": fat,
    }
    return cols, event


def pairwise(truth: npt.NDArray[np.intp], predicted: npt.NDArray[np.intp]) -> tuple[float, float]:
    """Pairwise precision and recall of the predicted events against the true ones."""

    def pairs(labels: npt.NDArray[np.intp]) -> int:
        _, counts = np.unique(labels, return_counts=True)
        return int((counts * (counts - 1) // 2).sum())

    both = pairs(truth.astype(np.int64) * (int(predicted.max()) + 1) + predicted)
    found, real = pairs(predicted), pairs(truth)
    return (both / found if found else 1.0), (both / real if real else 1.0)


def quality(seed: int, n_events: int, noise: Noise, *, quiet: bool = False) -> tuple[float, float, float]:
    """(pairwise precision, recall, over-count) of one generated set; printed unless ``quiet``."""
    rng = np.random.default_rng(seed)
    ev = true_events(rng, n_events, noise)
    cols, truth = reports(rng, ev, noise)
    ag = agreement()
    resolver = AliasResolver(ag)
    table = IncidentTable.from_columns(cols, resolver)
    links = link_records(table)
    precision, recall = pairwise(truth, links.event)
    v = verify_table(ag, table, resolver)
    violation = v.findings.status == Status.VIOLATION
    findings = int(violation.sum())
    violating_events = len(np.unique(truth[v.findings.incident[violation]]))
    over = findings / max(violating_events, 1)
    if quiet:
        return precision, recall, over
    alone = verify_table(ag, table, resolver, link=False).findings
    unlinked = alone.status == Status.VIOLATION
    unlinked_events = len(np.unique(truth[alone.incident[unlinked]]))
    print(f"seed {seed}, {n_events} events, {len(truth)} records, noise {noise}")
    print(f"links {len(links.a)} of {links.candidates} candidates")
    print(f"pairwise precision {precision:.3f}  recall {recall:.3f}")
    print(f"over-count {over:.3f} ({findings} violation findings, {violating_events} violating events)")
    print(f"without linking: over-count {int(unlinked.sum()) / max(unlinked_events, 1):.3f}")
    return precision, recall, over


def sweep(seeds: range, n_events: int, scale: float) -> None:
    """One line per seed at noise ``scale``, then the mean and the worst of each figure."""
    c0, t0 = time.process_time(), time.perf_counter()
    rows = np.array([quality(seed, n_events, scaled_noise(scale), quiet=True) for seed in seeds])
    for seed, (p, r, o) in zip(seeds, rows.tolist(), strict=True):
        print(f"seed {seed} noise {scale}: precision {p:.3f} recall {r:.3f} over-count {o:.3f}")
    mean = rows.mean(axis=0)
    print(
        f"noise {scale}, seeds {seeds.start}-{seeds.stop - 1}: mean precision {mean[0]:.4f} recall {mean[1]:.4f} "
        f"over-count {mean[2]:.4f}; worst precision {rows[:, 0].min():.3f} recall {rows[:, 1].min():.3f} "
        f"over-count {rows[:, 2].max():.3f}"
    )
    print(
        f"{time.process_time() - c0:.1f} s CPU, {time.perf_counter() - t0:.1f} s wall, "
        f"load average {os.getloadavg()[0]:.1f}"
    )


def speed(n_records: int, seed: int) -> None:
    """Link ~``n_records`` records of 3 sources spread over Syria and three years."""
    rng = np.random.default_rng(seed)
    n_events = int(n_records / 2.25)  # 3 of the 4 sources kept: 2.25 records per event
    ev = true_events(rng, n_events, Noise())
    ev["lat"] = rng.uniform(32.3, 37.3, n_events)
    ev["lon"] = rng.uniform(35.7, 42.3, n_events)
    ev["day"] = START.toordinal() + rng.integers(0, 3 * 365, n_events)
    cols, truth = reports(rng, ev, Noise())
    keep = cols["file"] != SOURCES[3]  # three sources
    cols = {k: v[keep] for k, v in cols.items()}
    table = IncidentTable.from_columns(cols, AliasResolver(agreement()))
    tracemalloc.start()
    t0, c0 = time.perf_counter(), time.process_time()
    links = link_records(table)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    precision, recall = pairwise(truth[keep], links.event)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{len(table)} records, 3 sources: linked in {seconds:.2f} s wall, {cpu:.2f} s CPU (load average "
        f"{os.getloadavg()[0]:.1f}), {links.candidates} candidate pairs, {len(links.a)} links"
    )
    print(f"peak memory allocated while linking {peak / 2**20:.0f} MiB (process max RSS {rss:.0f} MiB)")
    print(f"pairwise precision {precision:.3f}  recall {recall:.3f}")


def scaled_noise(scale: float) -> Noise:
    """The default noise with jitter, lag, vague and misattributed shares multiplied by ``scale``."""
    base = Noise()
    return Noise(
        jitter_km=base.jitter_km * scale,
        lag_share=min(1.0, base.lag_share * scale),
        vague_share=min(1.0, base.vague_share * scale),
        misattributed=base.misattributed * scale,
        unknown_actor=base.unknown_actor,
        lookalikes=base.lookalikes,
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--seeds", default="", help="FIRST-LAST: one line per seed, then mean and worst")
    ap.add_argument("--events", type=int, default=3000)
    ap.add_argument("--noise", type=float, default=1.0, help="multiply jitter, lag and vague shares")
    ap.add_argument("--scale", type=int, default=0, help="records for the speed run (0: quality run)")
    args = ap.parse_args()
    if args.scale:
        speed(args.scale, args.seed)
    elif args.seeds:
        first, last = (int(x) for x in args.seeds.split("-"))
        sweep(range(first, last + 1), args.events, args.noise)
    else:
        quality(args.seed, args.events, scaled_noise(args.noise))


if __name__ == "__main__":
    main()
