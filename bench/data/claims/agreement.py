"""The agreement the annotated claims articles are read against: the 9 Sep 2016 US–Russia
arrangement for Syria, reduced to what the articles talk about. Built from the model's
dataclasses so the benchmark does not depend on the YAML loader."""

from __future__ import annotations

import datetime as dt

from ceasefire.model import Agreement, ExcludedGroup, Obligation, Party

EFFECTIVE = dt.datetime(2016, 9, 12, 19, 0, tzinfo=dt.timezone(dt.timedelta(hours=3)))


def _obligation(id: str, category: str, text: str, bound: tuple[str, ...]) -> Obligation:
    return Obligation(id=id, category=category, text=text, bound=bound, start=EFFECTIVE)


AGREEMENT = Agreement(
    id="syria-2016-09",
    title="US-Russia arrangement on Syria, 9 September 2016",
    effective=EFFECTIVE,
    timezone="Asia/Damascus",
    parties=(
        Party(
            "syria-gov",
            "Government of Syria",
            ("Military Forces of Syria", "Syrian army", "Damascus", "Syrian government"),
            side="government",
            guarantor="russia",
            aircraft=True,
        ),
        Party(
            "russia",
            "Russian Federation",
            ("Russia", "Russian military"),
            side="government",
            aircraft=True,
        ),
        Party(
            "usa",
            "United States",
            ("US", "U.S.", "Washington", "United States"),
            side="opposition-guarantor",
            aircraft=True,
        ),
        Party(
            "opposition",
            "Syrian armed opposition",
            ("opposition", "rebels", "Free Syrian Army"),
            side="opposition",
            guarantor="usa",
        ),
    ),
    excluded=(
        ExcludedGroup("isis", "Islamic State", ("Islamic State", "ISIS", "ISIL", "Daesh")),
        ExcludedGroup("nusra", "Jabhat al-Nusra", ("Nusra", "Jabhat Fateh al-Sham")),
    ),
    obligations=(
        _obligation(
            "cease-attacks",
            "cessation_of_hostilities",
            "Cease attacks with any weapons against parties to the cessation.",
            ("syria-gov", "opposition"),
        ),
        _obligation(
            "no-air-designated",
            "air_operations",
            "Syrian combat aviation does not fly over designated areas held by the opposition.",
            ("syria-gov",),
        ),
        _obligation(
            "aid-access",
            "humanitarian_access",
            "Allow rapid, unhindered and sustained humanitarian access; aid convoys pass unharmed.",
            ("syria-gov", "opposition"),
        ),
        _obligation(
            "castello-demilitarized",
            "route_access",
            "Castello Road becomes a demilitarized zone; checkpoints only check UN seals.",
            ("syria-gov", "opposition"),
        ),
        _obligation(
            "castello-withdrawal",
            "withdrawal",
            "Both sides pull heavy weapons back from the Castello Road at the same time.",
            ("syria-gov", "opposition"),
        ),
        _obligation(
            "separate-nusra",
            "separation_of_forces",
            "The opposition separates from Nusra and other excluded groups.",
            ("opposition", "usa"),
        ),
        _obligation(
            "jic",
            "coordination",
            "After seven days of reduced violence a Joint Implementation Center starts joint targeting.",
            ("usa", "russia"),
        ),
    ),
)
