"""Who is speaking in a sentence, read from the dependency parse.

The attribution is a speech verb outside any quotation ("said", "told Reuters", "was cited as
saying by Tass", "according to") and its subject; a participle without a subject of its own
("suspended talks, saying Moscow had failed") speaks for the subject of the verb it hangs from.
A pronoun subject ("he added") and a sentence inside a quotation continue the last named
speaker. A person named once with a title ("Russian Foreign Minister Sergei Lavrov") keeps that
party when named again by surname alone; an institution named without its country ("the
General Command", "a source at the Foreign Ministry") belongs to the country of the dateline
("DAMASCUS (SANA) -"), as wire readers take it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from ceasefire.news import lexicon
from ceasefire.news.affiliations import Affiliations
from ceasefire.news.parties import PartyResolver

__all__ = ["Speaker", "SpeakerTracker", "outlet_in"]

_PRONOUNS = frozenset(["he", "she", "they", "it", "we", "i", "who"])
_OFFICE_WORDS = frozenset(
    {
        "minister",
        "ministry",
        "foreign",
        "defence",
        "defense",
        "president",
        "general",
        "secretary",
        "deputy",
        "state",
        "department",
        "army",
        "council",
        "command",
        "spokesman",
        "ambassador",
        "envoy",
        "government",
    }
)
# Titles that speak for the body named just before them ("The ministry said ... A spokesman added").
_TITLES = frozenset({"spokesman", "spokeswoman", "spokesperson", "official", "minister", "envoy", "ambassador"})
_SUBJECTS = frozenset({"nsubj", "nsubjpass"})
_DROP_DEPS = frozenset({"relcl", "acl", "punct", "appos", "advcl", "prep"})
_MAX_NAME_TOKENS = 8
_REFLEXIVE = frozenset({"itself", "themselves", "ourselves", "myself", "himself", "herself"})


@dataclass(frozen=True, slots=True)
class Speaker:
    """A statement's speaker, the kind its verb makes (or None) and what was said."""

    name: str
    party: str | None
    verb_kind: str | None
    said: str
    addressee: str = ""  # the object of "accused X", "called on X", "urged X"
    tokens: tuple[Any, ...] = ()  # the spaCy tokens of what was said, for its clauses


@lru_cache(maxsize=1)
def _speech_verbs() -> dict[str, str | None]:
    verbs: dict[str, str | None] = lexicon.load("claims.yaml")["speech_verbs"]
    return verbs


@lru_cache(maxsize=1)
def _institutions() -> frozenset[str]:
    return frozenset(w.lower() for w in lexicon.load("claims.yaml")["institutions"])


@lru_cache(maxsize=1)
def _outlets() -> re.Pattern[str]:
    names = sorted(lexicon.load("claims.yaml")["outlets"], key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(n) for n in names) + r")(?![\w-])")


def outlet_in(sent: Any) -> str | None:
    """The outlet or agency a sentence credits ("told Reuters", "cited by Tass"), or None."""
    found = _outlets().search(sent.text)
    return found.group() if found else None


def _inside(spans: list[tuple[int, int]], position: int) -> bool:
    return any(start <= position < end for start, end in spans)


class SpeakerTracker:
    """Reads speakers sentence by sentence through one article, remembering the last one."""

    def __init__(
        self, resolver: PartyResolver, quotes: list[tuple[int, int]], home: str | None = None, abroad: bool = False
    ) -> None:
        self._resolver = resolver
        self._affiliations = Affiliations(resolver)
        self._quotes = quotes
        self._home = home  # the party of the dateline's city, for institutions named bare
        self._abroad = abroad  # a dateline in no party's country: bare offices stay unknown
        self._last: Speaker | None = None
        self._known: dict[str, str] = {}  # surname → party id

    def statements_of(self, sent: Any) -> list[Speaker]:
        """The statements made in ``sent`` (several when speech verbs are coordinated: "said X
        and called on Y"), or [] when it is nobody's statement."""
        attributed = self._attributions(sent)
        if attributed:
            self._last = attributed[0]
            return attributed
        middle = (sent.start_char + sent.end_char) // 2
        if self._last is not None and (_inside(self._quotes, sent.start_char + 1) or _inside(self._quotes, middle)):
            tokens = tuple(sent)
            return [Speaker(self._last.name, self._last.party, None, sent.text, tokens=tokens)]
        return []

    def _is_speech_verb(self, token: Any) -> bool:
        if _inside(self._quotes, token.idx) or token.pos_ not in {"VERB", "AUX"}:
            return False
        lemma = token.lemma_.lower()
        if lemma == "commit":  # "committed to the truce", not "committed a massacre"
            return _has_prep(token, {"to"}) or any(c.dep_ == "dobj" and c.lemma_ in _REFLEXIVE for c in token.children)
        return lemma in _speech_verbs() and (lemma != "call" or _has_prep(token, {"on", "for"}) or _calls_for(token))

    def _attributions(self, sent: Any) -> list[Speaker]:
        if _headline(sent):
            return []  # "Syrian Coalition Calls for Holding Assad Accountable": the outlet's title
        verbs = [t for t in sent if self._is_speech_verb(t)]
        # A speech verb reported by another ("said Moscow had urged") is content, not a speaker.
        verbs = [v for v in verbs if _stands_alone(v, verbs)]
        statements = []
        named_before: dict[int, Any] = {}  # speech verb -> the name before it, when it has no subject
        for verb in verbs:
            subject = _subject(verb, verbs)
            if subject is None and not _participle(verb):
                subject = named_before[verb.i] = _name_before(verb)
            elif subject is None:
                subject = next((named_before[a.i] for a in verb.ancestors if named_before.get(a.i)), None)
            if subject is None or subject.lower_ in _RELATIVES:
                continue  # "the resolution, which called for observers": no speaker named
            found = self._speaker(sent, subject, _speech_verbs()[verb.lemma_.lower()])
            if named_before.get(verb.i) is not None:
                said = tuple(t for t in sent if t.i < subject.left_edge.i)  # "... X said"
            else:
                said = _said_tokens(sent, verb, subject, verbs)
            text = "".join(t.text_with_ws for t in said).strip()
            statements.append(replace(found, said=text, addressee=_addressee(verb), tokens=said))
        if not statements:
            according = self._according_to(sent)
            return [according] if according is not None else []
        return statements

    def _according_to(self, sent: Any) -> Speaker | None:
        for token in sent:
            if token.lower_ == "according" and token.i + 1 < len(token.doc):
                to = token.doc[token.i + 1]
                obj = next((c for c in to.children if c.dep_ == "pobj"), None)
                if to.lower_ == "to" and obj is not None:
                    found = self._speaker(sent, obj, None)
                    said = tuple(t for t in sent if t.i not in (token.i, to.i))
                    return replace(found, tokens=_outside(said, obj))
        return None

    def _speaker(self, sent: Any, head: Any, verb_kind: str | None) -> Speaker:
        said = _without(sent, head)
        if head.lower_ in _PRONOUNS and self._last is not None:
            return Speaker(self._last.name, self._last.party, verb_kind, said)
        tokens = [t for t in head.subtree if not _dropped(t, head)][-_MAX_NAME_TOKENS:]
        name = _joined(tokens)
        name = re.sub(r"^(?:the|a|an)\s+", "", name, flags=re.I)
        party = self._party_of(head)
        if party is not None:
            # Proper names, not office words, as a surname named again later ("Lavrov said");
            # from the tagger, since the claims pipeline runs without the entity recogniser.
            # Also the other subjects of its verb, for commas stripped from the source ("Minister
            # of health in the interim government Mohammad Jundi said": two subjects).
            names = [c for c in head.head.children if c.dep_ in _SUBJECTS] if head.dep_ in _SUBJECTS else [head]
            for word in (w for name in names for w in name.subtree):
                if word.pos_ == "PROPN" and word.lower_ not in _OFFICE_WORDS:
                    self._known[word.text] = party
        return Speaker(name or head.text, party, verb_kind, said)

    def _party_of(self, head: Any) -> str | None:
        """The speaker's party: that of a name used bare after its full form spoke, else that
        of a body of the knowledge base its words name ("the
        Syrian Observatory": none), else a party named in its words, else known by surname,
        else that of the speaker before for a bare title ("a spokesman said"), else the
        dateline's for a bare institution, else a fallback body's ("the army"). A generic noun
        ("a monitoring group", "the group") never inherits the party of the speaker before."""
        words = " ".join(t.text for t in head.subtree)
        if head.n_lefts + head.n_rights <= 1 and head.text in self._known:
            return self._known[head.text]  # "the Coalition said", after "the Syrian Coalition" spoke
        body = self._affiliations.of(words)
        if body is not None:
            return body.party
        parties = self._resolver.parties(words)
        known = [self._known[t.text] for t in head.subtree if t.pos_ == "PROPN" and t.text in self._known]
        if parties or known:
            return parties[0] if parties else known[-1]
        if head.lemma_.lower() in _TITLES and self._last is not None:
            return self._last.party  # "a spokesman said", after a named institution spoke
        if self._home is not None and any(t.lower_ in _institutions() for t in head.subtree):
            return self._home
        fallback = None if self._abroad else self._affiliations.of(words, fallback=True)
        return fallback.party if fallback is not None else None


def _participle(verb: Any) -> bool:
    """A speech verb in -ing hanging from another verb, without a subject of its own
    ("suspended talks, saying ...", "rejected the claim, saying ...")."""
    return bool(
        verb.tag_ == "VBG"
        and verb.dep_ in {"advcl", "xcomp", "conj"}
        and not any(c.dep_ in _SUBJECTS for c in verb.children)
    )


def _stands_alone(verb: Any, verbs: list[Any]) -> bool:
    """Whether a speech verb makes its own statement rather than being reported by another."""
    return verb.dep_ == "conj" or _participle(verb) or not any(a in verbs for a in verb.ancestors)


def _subject(verb: Any, verbs: list[Any]) -> Any:
    """The subject of a speech verb; for a coordinated one without its own ("said X and
    called on Y"), that of the speech verb it hangs from; for a participle, that of the
    nearest speech verb above it, else of the nearest verb above it that has one."""
    if _participle(verb):
        above = list(verb.ancestors)
        candidates = [a for a in above if a in verbs] or above
    elif verb.dep_ == "conj":
        candidates = [verb, *(a for a in verb.ancestors if a in verbs)]
    else:
        candidates = [verb]
    for candidate in candidates:
        subject = next((c for c in candidate.children if c.dep_ in _SUBJECTS), None)
        if subject is not None:
            return subject
    return None


_RELATIVES = frozenset({"which", "that", "whose"})


def _headline(sent: Any) -> bool:
    """Whether a sentence is written in title case (at least four long words, nearly all
    capitalised): a headline, which states the outlet's summary, not a speaker's words."""
    long_words = [t.text for t in sent if t.is_alpha and len(t.text) > 3]
    capitalised = sum(w[0].isupper() for w in long_words)
    return len(long_words) >= 4 and capitalised >= 0.8 * len(long_words)


_NAME_WORDS = frozenset({"PROPN", "NOUN", "ADJ"})


def _name_before(verb: Any) -> Any:
    """The speaker named just before a subject-less speech verb, in text whose commas were
    stripped ("... outside the capital Damascus the Syrian Observatory for Human Rights monitor
    said"), where the parser hangs the name off the words before it: the run of nouns,
    adjectives and "of"/"for" that ends at the verb (back to its article), and the word of
    that run the others hang from. None when no noun ends there or nothing precedes it."""
    first = verb.i
    while first > verb.sent.start and verb.i - first < _MAX_NAME_TOKENS:
        word = verb.doc[first - 1]
        if word.pos_ in _NAME_WORDS or (word.pos_ == "ADP" and word.lower_ in {"of", "for"}):
            first -= 1
        elif word.pos_ == "DET":
            first -= 1
            break
        else:
            break
    nouns = [t for t in verb.doc[first : verb.i] if t.pos_ in {"PROPN", "NOUN"}]
    if not nouns or verb.doc[verb.i - 1].pos_ not in {"PROPN", "NOUN"} or first <= verb.sent.start:
        return None
    node = nouns[0]
    while first <= node.head.i < verb.i and node.head.i != node.i:
        node = node.head
    return node


def _said_tokens(sent: Any, verb: Any, subject: Any, verbs: list[Any]) -> tuple[Any, ...]:
    """What one speech verb says: the sentence without its speaker when it is the only one; a
    participle's own words; else the verb's own words, without those of the other speech verbs
    hanging from it."""
    if _participle(verb):
        return tuple(verb.subtree)
    if len(verbs) == 1:
        return _outside(tuple(sent), subject)
    others = {t.i for v in verbs if v is not verb and verb in v.ancestors for t in v.subtree}
    own = {t.i for t in subject.subtree}
    return tuple(t for t in verb.subtree if t.i not in others | own)


def _outside(tokens: tuple[Any, ...], head: Any) -> tuple[Any, ...]:
    left, right = head.left_edge.i, head.right_edge.i
    return tuple(t for t in tokens if not left <= t.i <= right)


def _addressee(verb: Any) -> str:
    """The words naming whom a speech verb accuses or calls on, or ""."""
    for child in verb.children:
        if child.dep_ in {"dobj", "dative"}:
            return "".join(t.text_with_ws for t in child.subtree)
        if child.dep_ == "prep" and child.lower_ in {"on", "upon"}:
            objects = [c for c in child.children if c.dep_ == "pobj"]
            if objects:
                return "".join(t.text_with_ws for t in objects[0].subtree)
    return ""


def _calls_for(token: Any) -> bool:
    """ "called for inspectors to visit": the parser makes "for" the mark of the clause below."""
    return any(g.dep_ == "mark" and g.lower_ == "for" for c in token.children for g in c.children)


def _has_prep(token: Any, words: set[str]) -> bool:
    return any(c.dep_ in {"prep", "prt"} and c.lower_ in words for c in token.children)


def _joined(tokens: list[Any]) -> str:
    """The words of a name, a space where a dropped comma stood ("United States, Britain")."""
    parts = []
    for token, after in zip(tokens, [*tokens[1:], None], strict=True):
        gap = after is not None and after.i != token.i + 1
        parts.append(token.text + (token.whitespace_ or (" " if gap else "")))
    return "".join(parts).strip()


def _dropped(token: Any, head: Any) -> bool:
    """Relative clauses, appositions and punctuation hanging off the speaker's name; a hyphen
    or apostrophe inside a kept word ("al-Bayoush") stays."""
    inner = token.text in {"-", "'"} and token.whitespace_ == ""
    node = token
    while node.i != head.i:
        if node.dep_ in _DROP_DEPS and not (inner and node is token):
            return True
        node = node.head
    return bool(token.is_punct) and not inner


def _without(sent: Any, head: Any) -> str:
    """The sentence without the speaker's words: what was said."""
    left, right = head.left_edge.i, head.right_edge.i
    words = [t.text_with_ws for t in sent if not left <= t.i <= right]
    return "".join(words).strip()
