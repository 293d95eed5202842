"""Readers stream: memory stays flat however long the file is."""

from __future__ import annotations

import datetime as dt
import itertools
import tracemalloc
from pathlib import Path

from ceasefire.sources import BadRows, read_events

ROWS = 200_000
HEADER = (
    "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,"
    "assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,"
    "country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,"
    "notes,fatalities,tags,timestamp"
)
KINDS = [
    ("Battles", "Armed clash", "Clashes near the village with heavy gunfire"),
    ("Explosions/Remote violence", "Shelling/artillery/missile attack", "Grad rockets hit a farm"),
    ("Explosions/Remote violence", "Air/drone strike", "Warplanes struck a depot in the hills"),
]


def write_acled(path: Path, rows: int) -> None:
    start = dt.date(2012, 1, 1)
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER + "\n")
        for n in range(rows):
            event_type, sub_type, notes = KINDS[n % 3]
            day = start + dt.timedelta(days=n % 3000)
            out.write(
                f"GEN{n},{day.isoformat()},{day.year},{1 + n % 3},Political violence,{event_type},"
                f"{sub_type},Army of Testland,Militia A; Militia B,1,Rebel Front,,2,12,,999,"
                f"Middle East,Testland,Province {n % 14},,,Town {n % 400},{35 + n % 997 / 1000:.4f},"
                f'{36 + n % 991 / 1000:.4f},{1 + n % 3},Test Monitor,National,"{notes}, row {n}.",'
                f"{n % 9},,1700000000\n"
            )


def test_acled_reader_memory_does_not_grow_with_the_file(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    write_acled(path, ROWS)
    tracemalloc.start()
    try:
        held = list(itertools.islice(read_events(path, BadRows()), 2_000))
        per_incident = tracemalloc.get_traced_memory()[0] / len(held)
        del held
        tracemalloc.reset_peak()
        baseline = tracemalloc.get_traced_memory()[0]
        count = sum(1 for _ in read_events(path, BadRows()))
        peak = tracemalloc.get_traced_memory()[1] - baseline
    finally:
        tracemalloc.stop()
    holding_all = per_incident * ROWS
    print(f"peak {peak / 1e6:.1f} MB streaming; holding {ROWS} would take {holding_all / 1e6:.0f} MB")
    assert count == ROWS
    assert peak < holding_all / 20
    assert peak < 8_000_000
