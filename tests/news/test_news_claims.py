"""Claims from sentences written for these tests, against a small agreement built in code."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from ceasefire.model import Agreement, NewsClaim, Obligation, Party
from ceasefire.news.claims import claims_of, kind_of
from ceasefire.news.clauses import clauses_of
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
        _obligation("aid", "humanitarian_access", "Allow unhindered humanitarian access for convoys."),
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
        ("ru", "accusation", ("us",), "split"),  # the clause's subject is blamed, not its object
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
    (
        "participle-saying",
        "The United States suspended talks with Russia, saying Moscow had failed to let aid convoys through.",
        ("us", "accusation", ("ru",), "aid"),
    ),
    (
        "did-not-meet",
        "Russia did not meet its commitments on aid convoys, the State Department said.",
        ("us", "accusation", ("ru",), "aid"),
    ),
    (
        "never-as-promised",
        "Lavrov said Washington had never separated the rebels from Nusra, as it had promised.",
        ("ru", "accusation", ("us",), "split"),
    ),
    (
        "its-own-side-denies",
        "Damascus said its aircraft had not carried out any strikes on the convoy.",
        ("gov", "denial", ("gov",), "sky"),
    ),
    (
        "it-points-back",
        '"Russia promised to make Damascus let aid through, and it has not done so," Kerry said.',
        ("us", "accusation", ("ru",), "aid"),
    ),
    (
        "we-hold-responsible",
        '"We hold Moscow responsible for the attack on the aid convoy," Kerry said.',
        ("us", "accusation", ("ru",), "aid"),
    ),
    (
        "own-side-urged",
        "Russia's envoy said Moscow had urged Damascus to let the aid convoys in.",
        ("ru", "demand", ("gov",), "aid"),
    ),
    (
        "demand-that-clause",
        "The rebels demanded that Washington make Russia stop its air strikes.",
        ("rebels", "demand", ("us",), "sky"),
    ),
]


@pytest.mark.parametrize(("text", "expected"), [s[1:] for s in SENTENCES], ids=[s[0] for s in SENTENCES])
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
    assert {"sky", "aid"} <= {c.obligation for c in _claims(full_nlp, text)}


DATELINES = [
    (
        "institution-takes-dateline-country",
        "DAMASCUS (SANA) - The General Command said the army would let aid convoys pass.",
        "gov",
    ),
    (
        # A speaker of no known party makes no commitment (issue 15), so this one accuses.
        "abroad-no-country",
        "GENEVA (AFP) - The General Command said the rebels had blocked aid convoys.",
        None,
    ),
]


@pytest.mark.parametrize(("text", "party"), [d[1:] for d in DATELINES], ids=[d[0] for d in DATELINES])
def test_bare_institution_belongs_to_dateline_country(full_nlp: Any, text: str, party: str | None) -> None:
    assert _claims(full_nlp, text)[0].speaker_party == party


PLACES = [
    ("in-capital", "In Washington, officials met.", []),
    ("country-deal", "The Syria deal is dead.", []),
    ("talks-on", "talks on Syria resumed", []),
    ("called-on-is-a-party", "called on Russia to act", ["ru"]),
    ("organisation-after-in", "a commander in the opposition", ["rebels"]),
    ("capital-as-actor", "Damascus said Washington lied", ["gov", "us"]),
]


@pytest.mark.parametrize(("text", "parties"), [p[1:] for p in PLACES], ids=[p[0] for p in PLACES])
def test_names_used_as_places_are_not_parties(text: str, parties: list[str]) -> None:
    assert PartyResolver(AGREEMENT).parties(text) == parties


CLAUSES = [
    (
        "while-clause",
        "the Syrian army had withdrawn, while the rebels kept their positions",
        [("the Syrian army", False, True), ("the rebels", False, False)],
    ),
    (
        "coordinated-negated",
        "Russia promised to help, and it has not done so",
        [("Russia", False, True), ("it", True, True)],
    ),
    ("no-subject", "no excuse at all", [("", True, True)]),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CLAUSES], ids=[c[0] for c in CLAUSES])
def test_clauses(full_nlp: Any, text: str, expected: list[tuple[str, bool, bool]]) -> None:
    found = clauses_of(tuple(full_nlp(text)))
    assert [(c.subject, c.negated, c.main) for c in found] == expected


def test_answer_to_a_charge_is_a_denial(full_nlp: Any) -> None:
    text = (
        "Washington accused Damascus of blocking aid convoys. The Syrian army said it had let every aid convoy through."
    )
    assert ("gov", "denial", ("gov",), "aid") in _keys(_claims(full_nlp, text))


def test_claims_carry_the_article_date(full_nlp: Any) -> None:
    article = Article("story.txt", "Moscow accused Washington of blocking aid convoys.", dt.date(2016, 9, 20))
    resolver, matcher = PartyResolver(AGREEMENT), ObligationMatcher(AGREEMENT)
    [claim] = claims_of(article, full_nlp(article.text), resolver, matcher)
    assert claim.date == dt.date(2016, 9, 20)


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
