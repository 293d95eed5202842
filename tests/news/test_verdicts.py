"""The claims ledger against hand-built findings: every kind, window edges, categories."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest

from ceasefire.model import Agreement, Finding, NewsClaim, Obligation, Party
from ceasefire.news.verdicts import ClaimVerdict, assess_claims

START = dt.datetime(2016, 9, 12, 19, tzinfo=dt.timezone(dt.timedelta(hours=3)))
DAY = dt.date(2016, 9, 20)

AGREEMENT = Agreement(
    id="test",
    title="Test truce",
    effective=START,
    timezone="Asia/Damascus",
    parties=(
        Party("gov", "Government of Syria"),
        Party("ru", "Russian Federation"),
        Party("us", "United States"),
    ),
    obligations=(
        Obligation("aid", "humanitarian_access", "Let convoys pass.", ("gov",), START),
        Obligation("road", "humanitarian_access", "Open the road to aid.", ("gov",), START),
        Obligation("sky", "air_operations", "No flights over zones.", ("gov", "ru"), START),
    ),
)


def _finding(id: str, obligation: str, party: str, date: dt.date, status: str = "violation") -> Finding:
    category = next(o.category for o in AGREEMENT.obligations if o.id == obligation)
    return Finding(
        id=id,
        obligation=obligation,
        category=category,
        status=status,
        parties=(party,),
        attribution="certain",
        incidents=(f"inc-{id}",),
        date=date,
        lat=36.1,
        lon=37.1,
        confidence=0.8,
        explanation="hand-built",
    )


FINDINGS = [
    _finding("f-aid-gov", "aid", "gov", DAY - dt.timedelta(days=2)),
    _finding("f-road-gov", "road", "gov", DAY - dt.timedelta(days=7)),
    _finding("f-old", "aid", "gov", DAY - dt.timedelta(days=8)),
    _finding("f-sky-ru-maybe", "sky", "ru", DAY - dt.timedelta(days=1), "possible_violation"),
    _finding("f-sky-gov-exempt", "sky", "gov", DAY, "exempt"),
    _finding("f-sky-gov-later", "sky", "gov", DAY + dt.timedelta(days=3)),
]


def _claim(
    kind: str,
    accused: tuple[str, ...],
    obligation: str | None,
    category: str | None = None,
    speaker_party: str | None = "us",
    date: dt.date | None = DAY,
) -> NewsClaim:
    if obligation is not None and category is None:
        category = next(o.category for o in AGREEMENT.obligations if o.id == obligation)
    return NewsClaim(
        file="story.txt",
        speaker="spokesman",
        speaker_party=speaker_party,
        cited_by="Reuters",
        kind=kind,
        accused=accused,
        obligation=obligation,
        category=category,
        quote="...",
        sentence=0,
        date=date,
    )


CASES = [
    ("accusation-supported", _claim("accusation", ("gov",), "aid"), "supports", ["f-aid-gov"]),
    (
        "accusation-by-category",
        _claim("accusation", ("gov",), None, "humanitarian_access"),
        "supports",
        ["f-aid-gov", "f-road-gov"],
    ),
    (
        "accusation-possible-violation-supports",
        _claim("accusation", ("ru",), "sky"),
        "supports",
        ["f-sky-ru-maybe"],
    ),
    ("accusation-wrong-party", _claim("accusation", ("us",), "aid"), "no_evidence", []),
    (
        "accusation-exempt-ignored",
        _claim("accusation", ("gov",), "sky"),
        "no_evidence",
        [],
    ),
    ("demand-supported", _claim("demand", ("gov",), "aid"), "supports", ["f-aid-gov"]),
    (
        "denial-contradicted",
        _claim("denial", ("gov",), "aid", speaker_party="gov"),
        "contradicts",
        ["f-aid-gov"],
    ),
    (
        "denial-possible-only",
        _claim("denial", ("ru",), "sky", speaker_party="ru"),
        "no_evidence",
        [],
    ),
    (
        "assessment-contradicted",
        _claim("assessment", ("gov",), "road", speaker_party="ru"),
        "contradicts",
        ["f-road-gov"],
    ),
    (
        "commitment-tested-after",
        _claim("commitment", (), "sky", speaker_party="gov"),
        "contradicts",
        ["f-sky-gov-later"],
    ),
    (
        "commitment-kept",
        _claim("commitment", (), "aid", speaker_party="gov"),
        "no_evidence",
        [],
    ),
    ("no-obligation", _claim("accusation", ("gov",), None), "no_evidence", []),
    ("no-party", _claim("commitment", (), "aid", speaker_party=None), "no_evidence", []),
    ("no-date", _claim("accusation", ("gov",), "aid", date=None), "no_evidence", []),
]


@pytest.mark.parametrize(("claim", "verdict", "findings"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_verdicts(claim: NewsClaim, verdict: str, findings: list[str]) -> None:
    [assessment] = assess_claims(AGREEMENT, [claim], FINDINGS)
    assert (assessment.verdict, sorted(assessment.findings)) == (verdict, sorted(findings))
    assert assessment.explanation.endswith(".") and assessment.explanation.count(". ") == 0


WINDOWS = [
    ("one-day", 1, []),
    ("seven-days", 7, ["f-aid-gov"]),
    ("eight-days", 8, ["f-aid-gov", "f-old"]),
]


@pytest.mark.parametrize(("days", "findings"), [w[1:] for w in WINDOWS], ids=[w[0] for w in WINDOWS])
def test_window_is_a_parameter(days: int, findings: list[str]) -> None:
    [assessment] = assess_claims(AGREEMENT, [_claim("accusation", ("gov",), "aid")], FINDINGS, days)
    assert sorted(assessment.findings) == findings
    assert assessment.window == (DAY - dt.timedelta(days=days), DAY)


def test_negative_window_is_refused() -> None:
    with pytest.raises(ValueError, match="days: -1"):
        assess_claims(AGREEMENT, [], FINDINGS, -1)


def test_explanation_names_party_period_and_counts() -> None:
    [assessment] = assess_claims(AGREEMENT, [_claim("accusation", ("gov",), "aid")], FINDINGS)
    assert assessment.explanation == (
        "The accusation is borne out by 1 violation of obligation aid by Government of Syria "
        "between 2016-09-13 and 2016-09-20."
    )


def test_one_assessment_per_claim_in_order() -> None:
    claims = [
        _claim("denial", ("gov",), "aid", speaker_party="gov"),
        _claim("demand", ("gov",), "aid"),
    ]
    assert [a.claim for a in assess_claims(AGREEMENT, claims, FINDINGS)] == claims


def test_json_section_has_contract_fields_and_verdict() -> None:
    claim = _claim("accusation", ("gov",), "aid")
    section = [a.to_document() for a in assess_claims(AGREEMENT, [claim], FINDINGS)]
    row = json.loads(json.dumps(section))[0]
    contract = {"file", "speaker", "speaker_party", "cited_by", "kind", "accused", "obligation"}
    assert contract | {"category", "quote", "sentence"} <= set(row)
    assert (row["verdict"], row["findings"], row["date"]) == (
        "supports",
        ["f-aid-gov"],
        "2016-09-20",
    )
    assert row["accused"] == ["gov"] and row["explanation"]


def test_assessment_is_frozen() -> None:
    [assessment] = assess_claims(AGREEMENT, [_claim("accusation", ("gov",), "aid")], [])
    assert isinstance(assessment, ClaimVerdict)
    with pytest.raises(dataclasses.FrozenInstanceError):
        assessment.verdict = "supports"  # type: ignore[misc]


def test_a_claim_judged_on_its_scope_alone_is_judged_as_on_every_finding() -> None:
    """Issue 14: the server reads, for each claim, only the findings of its ``claim_scope``
    (a fortnight, its obligation or category, the parties it names, the statuses that count);
    the verdict and the findings it cites, in order, are those judged on every finding."""
    from ceasefire.service.claims import claim_scope, judge_claim

    days = [DAY + dt.timedelta(days=n) for n in range(-30, 31, 3)]
    findings = [
        _finding(f"f{n}", ("aid", "road", "sky")[n % 3], ("gov", "ru")[n % 2], day, ("violation", "exempt")[n % 5 == 0])
        for n, day in enumerate(days * 3)
    ]
    kinds = ("accusation", "denial", "commitment", "demand", "assessment")
    claims = [
        _claim(kind, accused, obligation, category, "gov", day)
        for kind in kinds
        for accused, obligation, category in [
            (("gov",), "aid", None),
            (("ru", "gov"), None, "air_operations"),
            ((), "sky", None),
        ]
        for day in (DAY - dt.timedelta(days=40), DAY, DAY + dt.timedelta(days=9), None)
    ]
    reads: list[int] = []

    def read(span: tuple[dt.date, dt.date], scope: tuple[tuple[str, ...], ...]) -> list[Finding]:
        obligations, categories, parties = scope
        picked = [
            f
            for f in findings
            if span[0] <= f.date <= span[1]
            and f.status in ("violation", "possible_violation")
            and (f.obligation in obligations or f.category in categories)
            and set(f.parties) & set(parties)
        ]
        reads.append(len(picked))
        return picked

    judged = [judge_claim(AGREEMENT, c, read) for c in claims]  # type: ignore[arg-type]
    assert judged == assess_claims(AGREEMENT, claims, findings)
    assert any(v.findings for v in judged) and max(reads) < len(findings)
    span = (DAY - dt.timedelta(days=47), DAY - dt.timedelta(days=40))
    assert claim_scope(AGREEMENT, claims[4]) == (span, (("sky",), ("air_operations",), ("ru", "gov")))
    promise = claim_scope(AGREEMENT, claims[2 * 12 + 1])  # a commitment: the speaker's party, the week after
    assert promise == ((DAY, DAY + dt.timedelta(days=7)), (("aid",), (), ("gov",)))
    assert claim_scope(AGREEMENT, claims[3]) is None  # no date: nothing to read
