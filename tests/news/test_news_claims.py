"""Claims from sentences written for these tests, against a small agreement built in code."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from ceasefire.model import Agreement, Obligation, Party
from ceasefire.news.claims import NewsClaim, claims_of, kind_of
from ceasefire.news.obligations import ObligationMatcher
from ceasefire.news.parties import PartyResolver
from ceasefire.news.quotes import quote_spans
from ceasefire.news.text import Article, clean_text

START = dt.datetime(2016, 9, 12, 19, tzinfo=dt.timezone(dt.timedelta(hours=3)))


def _obligation(id: str, category: str, text: str) -> Obligation:
    return Obligation(id, category, text, ("gov", "rebels"), START)


AGREEMENT = Agreement(
    id="test",
    title="Test truce",
    effective=START,
    timezone="Asia/Damascus",
    parties=(
        Party("gov", "Government of Syria", ("Syrian army", "Damascus")),
        Party("ru", "Russian Federation", ("Russia",)),
        Party("us", "United States", ("US", "Washington")),
        Party("rebels", "Armed opposition", ("opposition", "rebels")),
    ),
    obligations=(
        _obligation("stop", "cessation_of_hostilities", "Cease attacks with any weapons."),
        _obligation(
            "aid", "humanitarian_access", "Allow unhindered humanitarian access for convoys."
        ),
        _obligation("sky", "air_operations", "No combat aviation over designated areas."),
        _obligation("split", "separation_of_forces", "Separate the opposition from Nusra."),
    ),
)


def _claims(nlp: Any, text: str) -> list[NewsClaim]:
    article = Article("story.txt", clean_text(text))
    resolver, matcher = PartyResolver(AGREEMENT), ObligationMatcher(AGREEMENT)
    return claims_of(article, nlp(article.text), resolver, matcher)


def _keys(claims: list[NewsClaim]) -> list[tuple[str | None, str, tuple[str, ...], str | None]]:
    return [(c.speaker_party, c.kind, c.accused, c.obligation) for c in claims]


SENTENCES = [
    (
        "reported-accusation",
        "Lavrov, the Russian foreign minister, said on Friday that Washington had failed to separate the rebels from Nusra.",
        ("ru", "accusation", ("us", "rebels"), "split"),
    ),
    (
        "institution-denial",
        "The State Department denied that US aircraft had struck the convoy.",
        ("us", "denial", ("us",), "sky"),
    ),
    (
        "demand",
        "Moscow called on Washington to let aid convoys reach Aleppo.",
        ("ru", "demand", ("us",), "aid"),
    ),
    (
        "commitment",
        "The Syrian army said it would allow aid convoys into the city.",
        ("gov", "commitment", (), "aid"),
    ),
    (
        "accuse-object",
        "Russia accused the rebels of attacking government positions despite the truce.",
        ("ru", "accusation", ("rebels",), "stop"),
    ),
]


@pytest.mark.parametrize(
    ("text", "expected"), [s[1:] for s in SENTENCES], ids=[s[0] for s in SENTENCES]
)
def test_one_statement(full_nlp: Any, text: str, expected: tuple[Any, ...]) -> None:
    assert _keys(_claims(full_nlp, text))[:1] == [expected]


def test_quote_over_paragraphs_and_he_added(full_nlp: Any) -> None:
    text = (
        '"The convoy was bombed from the air," US envoy Michael Ratney said. "Russia promised to '
        'stop this.\n\n"Damascus has not allowed a single truck through," he added.'
    )
    found = _claims(full_nlp, text)
    assert {c.speaker_party for c in found} == {"us"}
    assert any(c.accused == ("gov",) and c.obligation == "aid" for c in found)


def test_cited_by_an_agency(full_nlp: Any) -> None:
    text = "The rebels must leave the Nusra positions, Lavrov was cited as saying by Tass."
    found = _claims(full_nlp, text)
    assert found and found[0].cited_by == "Tass" and found[0].speaker_party == "ru"


def test_dateline_agency_is_the_default_citation(full_nlp: Any) -> None:
    text = "MOSCOW, Oct 4 (Reuters) - Russia accused Washington of failing to separate the rebels from Nusra."
    found = _claims(full_nlp, text)
    assert found and found[0].cited_by == "Reuters"


def test_one_claim_per_speaker_accused_obligation(full_nlp: Any) -> None:
    text = (
        "Russia accused Washington of failing to separate the rebels from Nusra. "
        "Russia accused Washington of failing to separate the rebels from Nusra again."
    )
    assert len(_claims(full_nlp, text)) == 1


def test_two_obligations_give_two_claims(full_nlp: Any) -> None:
    text = "Washington accused Damascus of bombing hospitals from the air and blocking aid convoys."
    assert {c.obligation for c in _claims(full_nlp, text)} == {"sky", "aid"}


def test_no_speaker_no_claim(full_nlp: Any) -> None:
    assert _claims(full_nlp, "Air strikes hit the convoy near Aleppo.") == []


KINDS = [
    ("deny", "denial", "anything"),
    (None, "accusation", "they violated the truce"),
    (None, "demand", "they must stop"),
    (None, "commitment", "we will open the road"),
    (None, "assessment", "the situation is calm"),
    (None, "denial", "the reports are baseless"),
]


@pytest.mark.parametrize(("verb", "kind", "said"), KINDS, ids=[k[2] for k in KINDS])
def test_kinds(verb: str | None, kind: str, said: str) -> None:
    assert kind_of("denial" if verb else None, said) == kind


def test_quotes_span_paragraphs() -> None:
    text = 'He said: "one.\n\n"two," he added. "three"'
    assert [text[a:b] for a, b in quote_spans(text)] == ['one.\n\n"two,', "three"]
