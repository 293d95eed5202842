"""The clauses of what a speaker said, read from the dependency parse.

"Lavrov said the Syrian army had withdrawn its heavy weapons, while the rebels kept their
positions" says two things about two parties; a claim's kind and its accused come from the
clause that carries them, not from every party the sentence names. A clause is a verb with its
own subject (relative clauses stay inside the clause they qualify) and the words that hang from
it; its subject names the party the clause is about.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["Clause", "clauses_of"]

_SUBJECTS = frozenset({"nsubj", "nsubjpass", "expl", "csubj"})
_EMBEDDED = frozenset({"relcl", "acl"})
_NEGATIONS = frozenset({"not", "n't", "never", "neither", "no"})
# Verbs whose passive subject and direct object are the harmed, not the one who harmed: "20
# opposition fighters were killed", "struck near the Russian embassy" accuse nobody named there.
_HARM = frozenset({"kill", "wound", "injure", "hit", "strike", "target", "execute", "bomb", "shell", "attack", "die"})
_HARMED = frozenset({"nsubjpass", "dobj", "nsubj"})


@dataclass(frozen=True, slots=True)
class Clause:
    """One clause of a statement: its words, its subject's words, and whether it is negated
    ("had not pulled back", "neither Russian nor Syrian warplanes had struck")."""

    text: str
    subject: str
    negated: bool
    start: int  # character offset of its first word in the document, for ordering
    main: bool = True  # not the complement of another clause ("make Damascus let aid in")
    parent: int | None = None  # index of the clause it hangs from ("..., while the rebels kept")
    blamable: str = ""  # its words without those naming the harmed ("20 rebels were killed")
    harmed: str = ""  # the words naming the harmed ("20 rebels"), for attacks on no party


def clauses_of(tokens: tuple[Any, ...]) -> list[Clause]:
    """The clauses among ``tokens`` (the words of one statement), in order; the whole as one
    subject-less clause when no verb in it has a subject of its own."""
    inside = {t.i for t in tokens}
    heads = [t for t in tokens if _is_head(t, inside)]
    if not heads:
        return [_whole(tokens)] if tokens else []
    members: dict[int, list[Any]] = {h.i: [] for h in heads}
    for token in tokens:
        head = _head_of(token, members, inside)
        if head is not None:
            members[head].append(token)
    ids = {h.i for h in heads}
    order = {h.i: n for n, h in enumerate(heads)}
    return [_clause(h, members[h.i], inside, _is_main(h, ids), _parent(h, order)) for h in heads]


def _parent(head: Any, order: dict[int, int]) -> int | None:
    """The clause a clause hangs from, not counting one it is coordinated with."""
    if head.dep_ == "conj":
        return None
    return next((order[a.i] for a in head.ancestors if a.i in order), None)


def _is_main(head: Any, heads: set[int]) -> bool:
    """Not under another clause, or coordinated with one that is ("and it has not done so")."""
    above = [a for a in head.ancestors if a.i in heads]
    if not above:
        return True
    return bool(head.dep_ == "conj" and _is_main(above[0], heads))


def _is_head(token: Any, inside: set[int]) -> bool:
    if token.pos_ not in {"VERB", "AUX"}:
        return False
    if not any(c.dep_ in _SUBJECTS and c.i in inside for c in token.children):
        return False
    return not any(a.dep_ in _EMBEDDED and a.i in inside for a in [token, *token.ancestors])


def _head_of(token: Any, members: dict[int, list[Any]], inside: set[int]) -> int | None:
    node = token
    while True:
        if node.i in members:
            return int(node.i)
        if node.head.i == node.i or node.head.i not in inside:
            return None
        node = node.head


def _clause(head: Any, words: list[Any], inside: set[int], main: bool, parent: int | None) -> Clause:
    subject = next(c for c in head.children if c.dep_ in _SUBJECTS and c.i in inside)
    harmed = _harmed(words)
    subject_words = [t for t in subject.subtree if t.i in inside]
    negated = any(c.dep_ == "neg" for c in head.children) or any(t.lower_ in _NEGATIONS for t in subject_words)
    named = [t for t in subject_words if t.i not in harmed]
    blamable = _text([t for t in words if t.i not in harmed])
    hit = _text([t for t in words if t.i in harmed])
    return Clause(_text(words), _text(named), negated, words[0].idx, main, parent, blamable, hit)


def _whole(tokens: tuple[Any, ...]) -> Clause:
    negated = any(t.dep_ == "neg" or t.lower_ in _NEGATIONS for t in tokens)
    harmed = _harmed(list(tokens))
    blamable = _text([t for t in tokens if t.i not in harmed])
    hit = _text([t for t in tokens if t.i in harmed])
    return Clause(_text(list(tokens)), "", negated, tokens[0].idx, blamable=blamable, harmed=hit)


def _harmed(words: list[Any]) -> set[int]:
    """Token indices of the words naming whom a harm verb among ``words`` harmed: its passive
    subject, its object, or the subject of "died"; "by ..." phrases inside them stay blamable."""
    harmed: set[int] = set()
    for verb in words:
        if _among_the_harmed(verb):  # "10 children and 13 rebels were among 48 people executed"
            harmed.update(t.i for c in verb.children if c.dep_ == "nsubj" for t in c.subtree)
        if verb.lemma_.lower() not in _HARM:
            continue
        for child in verb.children:
            active_subject = child.dep_ == "nsubj" and verb.lemma_.lower() != "die"
            if child.dep_ in _HARMED and not active_subject:
                harmed.update(t.i for t in child.subtree if not _under_agent(t, child))
    return harmed


def _among_the_harmed(verb: Any) -> bool:
    """Whether ``verb`` is "be" with an "among" phrase that holds a harm verb."""
    if verb.lemma_ != "be":
        return False
    among = [c for c in verb.children if c.dep_ == "prep" and c.lower_ == "among"]
    return any(t.lemma_.lower() in _HARM for c in among for t in c.subtree)


def _under_agent(token: Any, top: Any) -> bool:
    node = token
    while node.i != top.i:
        if node.dep_ == "agent" or (node.dep_ == "prep" and node.lower_ in {"by", "in"}):
            return True
        node = node.head
    return False


def _text(tokens: list[Any]) -> str:
    ordered = sorted(tokens, key=lambda t: t.i)
    return "".join(t.text_with_ws for t in ordered).strip()
