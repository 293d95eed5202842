"""Who is speaking in a sentence, read from the dependency parse.

The attribution is a speech verb outside any quotation ("said", "told Reuters", "was cited as
saying by Tass", "according to") and its subject. A pronoun subject ("he added") and a sentence
inside a quotation continue the last named speaker. A person named once with a title ("Russian
Foreign Minister Sergei Lavrov") keeps that party when named again by surname alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from ceasefire.news import lexicon
from ceasefire.news.parties import PartyResolver

__all__ = ["Speaker", "SpeakerTracker", "outlet_in"]

_PRONOUNS = frozenset(["he", "she", "they", "it", "we", "i", "who"])
_SUBJECTS = frozenset({"nsubj", "nsubjpass"})
_DROP_DEPS = frozenset({"relcl", "acl", "punct", "appos", "advcl", "prep"})
_MAX_NAME_TOKENS = 8


@dataclass(frozen=True, slots=True)
class Speaker:
    """A statement's speaker, the kind its verb makes (or None) and what was said."""

    name: str
    party: str | None
    verb_kind: str | None
    said: str
    addressee: str = ""  # the object of "accused X", "called on X", "urged X"


@lru_cache(maxsize=1)
def _speech_verbs() -> dict[str, str | None]:
    verbs: dict[str, str | None] = lexicon.load("claims.yaml")["speech_verbs"]
    return verbs


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

    def __init__(self, resolver: PartyResolver, quotes: list[tuple[int, int]]) -> None:
        self._resolver = resolver
        self._quotes = quotes
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
        if self._last is not None and (
            _inside(self._quotes, sent.start_char + 1) or _inside(self._quotes, middle)
        ):
            return [Speaker(self._last.name, self._last.party, None, sent.text)]
        return []

    def _is_speech_verb(self, token: Any) -> bool:
        if _inside(self._quotes, token.idx) or token.pos_ not in {"VERB", "AUX"}:
            return False
        lemma = token.lemma_.lower()
        return lemma in _speech_verbs() and (lemma != "call" or _has_prep(token, {"on", "for"}))

    def _attributions(self, sent: Any) -> list[Speaker]:
        verbs = [t for t in sent if self._is_speech_verb(t)]
        # A speech verb reported by another ("said Moscow had urged") is content, not a speaker.
        verbs = [v for v in verbs if v.dep_ == "conj" or not any(a in verbs for a in v.ancestors)]
        statements = []
        for verb in verbs:
            subject = _subject(verb, verbs)
            if subject is None:
                continue
            found = self._speaker(sent, subject, _speech_verbs()[verb.lemma_.lower()])
            said = found.said if len(verbs) == 1 else _said_by(verb, subject, verbs)
            statements.append(replace(found, said=said, addressee=_addressee(verb)))
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
                    return self._speaker(sent, obj, None)
        return None

    def _speaker(self, sent: Any, head: Any, verb_kind: str | None) -> Speaker:
        said = _without(sent, head)
        if head.lower_ in _PRONOUNS and self._last is not None:
            return Speaker(self._last.name, self._last.party, verb_kind, said)
        tokens = [t for t in head.subtree if not _dropped(t, head)][-_MAX_NAME_TOKENS:]
        name = "".join(t.text_with_ws for t in tokens).strip()
        name = re.sub(r"^(?:the|a|an)\s+", "", name, flags=re.I)
        parties = self._resolver.parties(" ".join(t.text for t in head.subtree))
        party = parties[0] if parties else self._known.get(head.text)
        if party is None and head.pos_ == "NOUN" and self._last is not None:
            party = self._last.party  # "a spokesman said", after a named institution spoke
        if party is not None:
            for ent in head.subtree:
                if ent.ent_type_ == "PERSON":
                    self._known[ent.text] = party
        return Speaker(name or head.text, party, verb_kind, said)


def _subject(verb: Any, verbs: list[Any]) -> Any:
    """The subject of a speech verb; for a coordinated one without its own ("said X and
    called on Y"), the subject of the speech verb it hangs from."""
    candidates = (
        [verb, *(a for a in verb.ancestors if a in verbs)] if verb.dep_ == "conj" else [verb]
    )
    for candidate in candidates:
        subject = next((c for c in candidate.children if c.dep_ in _SUBJECTS), None)
        if subject is not None:
            return subject
    return None


def _said_by(verb: Any, subject: Any, verbs: list[Any]) -> str:
    """What one of several coordinated speech verbs says: its own words only."""
    others = {t.i for v in verbs if v is not verb and verb in v.ancestors for t in v.subtree}
    own = {t.i for t in subject.subtree}
    return "".join(t.text_with_ws for t in verb.subtree if t.i not in others | own).strip()


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


def _has_prep(token: Any, words: set[str]) -> bool:
    return any(c.dep_ in {"prep", "prt"} and c.lower_ in words for c in token.children)


def _dropped(token: Any, head: Any) -> bool:
    """Relative clauses, appositions and punctuation hanging off the speaker's name."""
    node = token
    while node.i != head.i:
        if node.dep_ in _DROP_DEPS:
            return True
        node = node.head
    return bool(token.is_punct)


def _without(sent: Any, head: Any) -> str:
    """The sentence without the speaker's words: what was said."""
    left, right = head.left_edge.i, head.right_edge.i
    words = [t.text_with_ws for t in sent if not left <= t.i <= right]
    return "".join(words).strip()
