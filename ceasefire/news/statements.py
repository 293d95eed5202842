"""What one statement claims: (kind, accused, words) for each thing it says.

A speech verb that makes its own kind ("accused", "denied", "urged") decides the kind, and the
accused are whom it addresses ("accused Washington"), else the subject of what follows
("demanded that Washington..."). Otherwise what was said is read clause by clause
(``clauses``):

- a clause's kind comes from its cue words (``kind_cues`` in ``lexicon/claims.yaml``), its
  accused from its subject; "it", "they", "its", "their" point to the party of the main clause
  before, else to the speaker's own side ("Damascus said its air force..."); "this", "that" to
  the speaker's last accused ("This is a clear violation");
- a clause about the speaker's own side is a denial when it denies or negates an act ("our
  aircraft had not flown"), a demand when the side urged another ("Moscow had urged
  Damascus"), an accusation of the others it names when it blames ("We hold Moscow
  responsible"); else, when it states a specific act of compliance or a promise, a commitment,
  or a denial when that side was accused earlier in the article;
- another party's promise, reported, is not a claim of the speaker's;
- an assessment gives way to any other kind said in the same statement.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache

from ceasefire.news import lexicon
from ceasefire.news.actor_mentions import find_actors
from ceasefire.news.clauses import Clause, clauses_of
from ceasefire.news.obligations import ObligationMatcher
from ceasefire.news.parties import PartyResolver
from ceasefire.news.speakers import Speaker

__all__ = ["StatementReader", "Verdict", "kind_of"]

_SELF = frozenset({"we", "our", "i", "my", "us"})
_PRONOUNS = frozenset({"it", "they", "them", "its", "their", "his", "her"})
_DEMONSTRATIVES = frozenset({"this", "that", "these", "those"})


@dataclass(frozen=True, slots=True)
class Verdict:
    """One thing a statement claims, and the words it rests on (for its obligation)."""

    kind: str
    accused: tuple[str, ...]
    words: str
    context: str = ""  # the clause it hangs from, for a clause without category cues


@lru_cache(maxsize=1)
def _kind_cues() -> tuple[tuple[str, re.Pattern[str]], ...]:
    cues = lexicon.load("claims.yaml")["kind_cues"]
    return tuple((kind, re.compile("|".join(words), re.I)) for kind, words in cues.items())


def kind_of(verb_kind: str | None, said: str) -> str:
    """The kind of a statement: the verb's own kind, else the first cue found in ``said``."""
    if verb_kind is not None:
        return verb_kind
    for kind, pattern in _kind_cues():
        if pattern.search(said):
            return kind
    return "assessment"


# Sides of lexicon/actors.yaml that are no party to a Syrian arrangement: their acts are no
# claim about a party (CLAIMS-GUIDELINE rule 5), whoever they hit.
_OUTSIDERS = frozenset({"isis", "nusra", "sdf", "israel", "turkey"})


def _outsider_acts(clause: Clause) -> bool:
    """Whether the first armed actor named in the clause, its subject first, is no party."""
    found = find_actors(clause.subject) or find_actors(clause.blamable or clause.text)
    return bool(found) and found[0].actor.side in _OUTSIDERS


# Fighters named by what they are, not by a party: in state media "terrorists" are every armed
# group, and jihadists are no party either.
_FIGHTERS = re.compile(r"\b(?:jihadists?|militants?|terrorists?|takfiri|gunmen|extremists?)\b", re.I)
_CIVILIANS = re.compile(r"\b(?:civilians?|children|women|people|residents|families|students|journalists?)\b", re.I)


# An actor named right after these words is the target ("raids against IS positions").
_AIMED = re.compile(r"\b(?:against|targeting|targeted|fighting|on|at)\s+(?:the\s+)?(?:\S+\s+)?$", re.I)


def _outsiders_harmed(clause: Clause) -> bool:
    """Whether the clause's harmed are fighters of no party and no civilians ("50 jihadists
    were killed by Syrian troops", "raids against IS positions"): attacks on non-parties are
    no claim (corpus convention 6)."""
    if _CIVILIANS.search(clause.harmed):
        return False
    sides = {m.actor.side for m in find_actors(clause.harmed)}
    if sides:
        return sides <= _OUTSIDERS
    if _FIGHTERS.search(clause.harmed) is not None:
        return True
    aimed = {m.actor.side for m in find_actors(clause.text) if _AIMED.search(clause.text, 0, m.start)}
    return bool(aimed) and aimed <= _OUTSIDERS and not _CIVILIANS.search(clause.text)


_HOSTILE = re.compile(r"\b(?:launch|attack|strike|fire|bomb|shell|retaliat|respond|revenge|target)", re.I)

# "rebel-held Douma", "government-controlled areas": a place, not a doer.
_HELD = re.compile(r"-(?:held|controlled|run|besieged|allied|linked|backed)\b", re.I)


def _promises(text: str) -> bool:
    return any(p.search(text) for kind, p in _kind_cues() if kind == "commitment")


@dataclass
class StatementReader:
    """Reads the statements of one article in order, remembering whom each speaker accused
    and which parties stand accused (for "this is a violation" and for answers to charges)."""

    resolver: PartyResolver
    matcher: ObligationMatcher
    last_accused: dict[str, tuple[str, ...]] = field(default_factory=dict)
    charged: dict[str, set[str | None]] = field(default_factory=dict)  # party -> categories charged

    def verdicts(self, speaker: Speaker) -> tuple[list[Verdict], str]:
        """The verdicts of one statement, and the words of its complement clauses (where a
        clause without category cues looks for its obligation: "Russia promised to make
        Damascus let aid through, and it has not done so")."""
        if speaker.verb_kind is not None:
            kind = speaker.verb_kind
            return [Verdict(kind, self._addressed(kind, speaker), speaker.said)], ""
        found: list[Verdict] = []
        spare: list[str] = []
        antecedent: tuple[str, ...] = ()
        clauses = clauses_of(speaker.tokens) or [Clause(speaker.said, "", False, 0)]
        blamable = " ".join(c.blamable or c.text for c in clauses)
        for index, clause in enumerate(clauses):
            subject = self._subject_parties(clause, speaker, antecedent)
            if clause.main and subject:
                antecedent = subject
            below = " ".join(c.text for c in clauses if c.parent == index)
            verdict = self._judge(clause, speaker, subject, below, blamable)
            if not clause.main:
                spare.append(clause.text)
            if verdict is not None:
                context = clauses[clause.parent].text if clause.parent is not None else ""
                found.append(replace(verdict, context=context))
        if any(v.kind != "assessment" for v in found):
            found = [v for v in found if v.kind != "assessment"]
        return found, " ".join(spare)

    def remember(self, speaker: Speaker, verdict: Verdict, categories: Iterable[str | None] = ()) -> None:
        """Note a verdict that became a claim."""
        if verdict.accused and verdict.kind != "denial":
            self.last_accused[speaker.name] = verdict.accused
        if verdict.kind == "accusation":
            for party in verdict.accused:
                if party != speaker.party:
                    self.charged.setdefault(party, set()).update(categories)

    def _subject_parties(self, clause: Clause, speaker: Speaker, antecedent: tuple[str, ...]) -> tuple[str, ...]:
        """The parties a clause is about: named in its subject, else those its pronoun
        points to."""
        named = tuple(self.resolver.parties(clause.subject))
        first = clause.subject.split()[0].lower() if clause.subject else ""
        own = (speaker.party,) if speaker.party else ()
        if named or not first:
            return named
        if first in _SELF:
            return own
        if first in _PRONOUNS:
            return antecedent or own
        if first in _DEMONSTRATIVES:
            return antecedent or self.last_accused.get(speaker.name, ())
        return ()

    def _judge(
        self, clause: Clause, speaker: Speaker, subject: tuple[str, ...], below: str, blamable: str
    ) -> Verdict | None:
        """The verdict of one clause; ``below``: the words of the clauses under it, where a
        specific act may sit ("it had let [every aid convoy through]"); ``blamable``: the
        statement's words that may name an accused (not the harmed: "20 rebels were killed")."""
        kind = kind_of(None, clause.text)
        specific = self.matcher.specific(f"{clause.text} {below}")
        if speaker.party is not None and subject == (speaker.party,):
            return self._own(kind, clause, speaker, f"{clause.text} {below}" if specific else "")
        if kind == "denial":  # "the Syrian army does not possess chemical weapons", said Moscow
            return Verdict(kind, subject or ((speaker.party,) if speaker.party else ()), clause.text)
        if kind == "commitment":
            return None if subject or speaker.party is None else Verdict(kind, (), clause.text)
        if _outsider_acts(clause):
            return None  # "an Israeli air strike killed five soldiers": no party's conduct
        if _outsiders_harmed(clause):
            return None
        if kind == "assessment" and not specific:
            return None  # "X tried to shift the blame": no act of compliance assessed
        if kind == "assessment" and not clause.main:
            return None  # a complement ("promised to make Damascus let aid through") asserts nothing
        if kind == "assessment":
            kind = "accusation"  # an attributed act of war ("regime aircraft dropped bombs") accuses its doer
        accused = tuple(p for p in subject if p != speaker.party)
        if not subject and kind != "assessment":
            accused = self._doers(clause.blamable, speaker) or self._doers(blamable, speaker)
            if not accused and kind == "accusation":
                accused = self.last_accused.get(speaker.name, ())
        return Verdict(kind, accused, clause.text)

    def _own(self, kind: str, clause: Clause, speaker: Speaker, specific: str) -> Verdict | None:
        """A clause about the speaker's own side; ``specific``: its words and those under it
        when they name a specific act, else ""."""
        own = (speaker.party,) if speaker.party else ()
        if _promises(clause.text):
            if _HOSTILE.search(clause.text) and not clause.negated:
                return None  # "warned it would launch a barrage of missiles": a threat, no compliance
            return Verdict("commitment", (), clause.text)  # "would not withdraw until..."
        if kind == "denial" or (kind == "accusation" and clause.negated):
            return Verdict("denial", own, clause.text)
        if kind in {"accusation", "demand"}:
            others = self._named(clause.text, speaker)
            return Verdict(kind, others, clause.text) if others else None
        if not specific:
            return None  # "we consider it pointless": no act of compliance stated
        answered = self.charged.get(speaker.party or "", set()) & set(self.matcher.categories(specific))
        if answered:  # "it had let every aid convoy through", after a charge of blocking aid
            return Verdict("denial", own, clause.text)
        return None  # a past act told without a promise ("said it had taken the plain") commits to nothing

    def _addressed(self, kind: str, speaker: Speaker) -> tuple[str, ...]:
        """The accused of a statement whose verb makes its kind."""
        if kind == "denial":
            return (speaker.party,) if speaker.party else tuple(self.resolver.parties(speaker.said))
        if kind == "commitment":
            return ()
        if kind in {"accusation", "demand"}:
            # Whom the verb addresses, by party name or by armed actor ("condemned the crimes
            # the Iranian militias are committing": lexicon/actors.yaml through the aliases).
            addressed = self._doers(speaker.addressee, speaker)
            for clause in [] if addressed else clauses_of(speaker.tokens):
                addressed = self._named(clause.subject, speaker)
                if addressed:
                    break
            if addressed:
                return addressed
        named = self._named(speaker.said, speaker)
        if not named and kind == "accusation":
            return self.last_accused.get(speaker.name, ())
        return named

    def _doers(self, text: str, speaker: Speaker) -> tuple[str, ...]:
        """The parties named in ``text``, else those of the armed actors it names ("regime
        forces", "government air strikes": ``lexicon/actors.yaml``, each actor's name resolved
        through the agreement's party names and aliases)."""
        named = self._named(text, speaker)
        if named:
            return named
        doers = [m for m in find_actors(text) if not _HELD.match(text, m.end)]
        found = (self.resolver.parties(m.actor.name) for m in doers)
        return tuple(dict.fromkeys(p for parties in found for p in parties[:1] if p != speaker.party))

    def _named(self, text: str, speaker: Speaker) -> tuple[str, ...]:
        return tuple(p for p in self.resolver.parties(text) if p != speaker.party)
