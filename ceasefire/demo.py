"""``ceasefire demo``: the bundled Syria September 2016 example as a task force would run it.

:func:`build_demo` makes a database from an example folder (``agreement.yaml``, ``incidents.csv``
and, when present, ``news/*.txt``): it stores the agreement, imports the incidents and the news
claims, submits a few illustrative reports as a monitor and as two parties (the parties' reports
published), follows the monitor's through a case (a request for information, the party's answer,
an analyst's graded assessment), verifies everything and publishes the run and the case, so the
public dashboard shows them.
One token per role is made and returned for the person trying the demo.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ceasefire.service.workflow import import_events, import_news, init_database, verify_stored
from ceasefire.store import SQLStore
from ceasefire.store.protocol import (
    Assessment,
    Grade,
    InformationRequest,
    PartyResponse,
    ReportSubmission,
    RunRecord,
    Submitter,
)

__all__ = ["DEMO_TOKENS", "Demo", "build_demo"]

# label -> (role, party): one token each, printed by ``ceasefire demo``.
DEMO_TOKENS = {
    "admin": ("admin", None),
    "analyst": ("analyst", None),
    "monitor": ("monitor", None),
    "observer": ("observer", None),
    "party:syria-gov": ("party", "syria-gov"),
    "party:russia": ("party", "russia"),
    "party:opposition": ("party", "opposition"),
}

_SOURCE = (("Illustrative demo report", ""),)
# Illustrative reports (label of the submitting token, the report): invented for the demo, set
# on dates and places of the September 2016 story; not statements of what happened.
_REPORTS = (
    (
        "monitor",
        ReportSubmission(
            title="Aid convoy struck at Urum al-Kubra (illustrative)",
            description="Illustrative monitor report: an aid convoy and warehouse hit from the air at dusk; "
            "trucks burnt, aid workers among the dead.",
            occurred_on="2016-09-19",
            lat=36.146,
            lon=36.944,
            event_type="Explosions/Remote violence",
            sub_event_type="Air/drone strike",
            actor1="Unidentified Military Forces",
            actor2="Civilians (Syria)",
            weapon="aircraft",
            fatalities=20,
            sources=_SOURCE,
        ),
    ),
    (
        "party:syria-gov",
        ReportSubmission(
            title="Mortar fire on al-Midan (illustrative)",
            description="Illustrative party report: mortar rounds fired from opposition-held districts.",
            occurred_on="2016-09-21",
            lat=36.2203,
            lon=37.1662,
            event_type="Explosions/Remote violence",
            sub_event_type="Shelling/artillery/missile attack",
            actor1="Opposition Rebels (Syria)",
            actor2="Civilians (Syria)",
            weapon="mortar",
            fatalities=1,
            sources=_SOURCE,
        ),
    ),
    (
        "party:opposition",
        ReportSubmission(
            title="Barrel bombs on al-Sukkari (illustrative)",
            description="Illustrative party report: helicopter-dropped barrel bombs on a residential street.",
            occurred_on="2016-09-22",
            lat=36.175,
            lon=37.1425,
            event_type="Explosions/Remote violence",
            sub_event_type="Air/drone strike",
            actor1="Military Forces of Syria (2000-)",
            actor2="Civilians (Syria)",
            weapon="aircraft",
            fatalities=3,
            sources=_SOURCE,
        ),
    ),
)


@dataclass(frozen=True)
class Demo:
    run: RunRecord
    tokens: dict[str, str]  # label -> token
    reports: tuple[int, ...]
    case_id: int


def build_demo(store: SQLStore, example: Path) -> Demo:
    """Fill an empty database from ``example`` (see the module docstring)."""
    init_database(store, example / "agreement.yaml")
    import_events(store, [example / "incidents.csv"])
    news = sorted((example / "news").glob("*.txt"))
    if news:
        import_news(store, news)
    made = {label: store.create_token(role, party, f"demo {label}") for label, (role, party) in DEMO_TOKENS.items()}
    who = {label: Submitter(record.id, record.role, record.party) for label, (_, record) in made.items()}
    reports = tuple(store.submit_report(who[label], report).report_id for label, report in _REPORTS)
    for report_id in reports:  # the convoy report and SYR-ILL-0041 link into one event (issue 13)
        store.publish_report(who["analyst"], report_id)
    case_id = _follow_case(store, who, reports[0])
    _, run = verify_stored(store)
    store.publish_run(who["analyst"], run.id)
    store.checkpoint()
    return Demo(run, {label: token for label, (token, _) in made.items()}, reports, case_id)


def _follow_case(store: SQLStore, who: dict[str, Submitter], report_id: int) -> int:
    """One case through every step, on the convoy report, published at the end."""
    analyst = who["analyst"]
    case = store.open_case(
        analyst,
        "Strike on the Urum al-Kubra aid convoy (illustrative)",
        "Aircraft struck a marked aid convoy inside the truce.",
        [report_id],
    )
    question = "Illustrative: list the sorties your aircraft flew near Urum al-Kubra on 19 September 2016, 18:00-21:00."
    store.add_case_step(analyst, case.id, InformationRequest("russia", question, "2016-09-30"))
    response = "Illustrative: no aircraft of ours flew in that area at that time."
    store.add_case_step(who["party:russia"], case.id, PartyResponse(None, response))
    reasoning = "Illustrative: an air strike is certain; which party's aircraft flew it is not established."
    grades = (Grade("Illustrative demo report", "B", 2),)
    store.add_case_step(analyst, case.id, Assessment("inconclusive", reasoning, grades))
    store.publish_case(analyst, case.id)
    return case.id
