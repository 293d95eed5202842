"""Who carried out an attack, from the words around each actor named in the sentence.

An actor is the perpetrator when its own name carries the weapon ("Russian warplanes"), when
"by"/"blamed on" introduces it, or when an attack verb follows it; it is a victim when an
attack word or "against"/"targeting" comes just before it. Scores add up; the best positive
score wins, else nobody.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ceasefire.news.actor_mentions import Actor, ActorMention
from ceasefire.news.events import TriggerMention

__all__ = ["perpetrator"]

_AGENT_BEFORE = re.compile(
    r"\b(?:by|blamed on|accused|accusing|accuses|blamed|blaming|blames|attributed to|claimed by|carried out by|launched by|conducted by|"
    r"from)\s+(?:the\s+|a\s+|an\s+)?(?:\S+\s+){0,2}$",
    re.I,
)
# A count before a name marks its dead ("killing 30 ISIS fighters"); a year does not.
_VICTIM_BEFORE = re.compile(
    r"\b(?:against|targeting|targeted|on|killing|killed|hit|at|positions of|fighting|"
    r"clashes with|between|and|among|including|dozens of|members of|(?!(?:19|20)\d\d\b)\d+|dozens|hundreds|scores|"
    r"more than \d+)\s+(?:the\s+|of\s+)?(?:\S+\s+)?$",
    re.I,
)
# "controlled by rebels" names who holds a place, not who attacked it.
_HOLDER_BEFORE = re.compile(
    r"\b(?:held|controlled|run|besieged|encircled|surrounded|occupied)\s+by\s+(?:the\s+)?(?:\S+\s+)?$", re.I
)
# A name carrying its weapon ("Syrian and Russian air strikes on ...") is a target only after
# a word that points at one; "and", a number or "killed in" do not.
_TARGET_BEFORE = re.compile(r"\b(?:against|targeting|targeted|on|at|hit)\s+(?:the\s+)?(?:\S+\s+)?$", re.I)
_AGENT_AFTER = re.compile(
    r"^(?:'s)?\s*(?:\S+\s+){0,3}?(?:launched|carried out|struck|bombed|shelled|targeted|attacked|"
    r"fired|pounded|dropped|hit|raided|stormed|executed|killed|kills|shot|used|captured|seized|"
    r"executes|attacks|bombs|shells|launches|fires|targets|hits|claims|kill|"
    r"air ?strikes?|strikes?|shelling|bombardment|bombing|raids?|war ?planes?|jets|attack|"
    r"said to have|claimed|detonated|blew|beheaded|opened fire)\b",
    re.I,
)
_VICTIM_AFTER = re.compile(
    r"^(?:'s)?\s*(?:\S+\s+){0,2}?(?:were|was|have been|had been|are|is|been)\s+(?:\S+\s+)?"
    r"(?:killed|dead|wounded|injured|targeted|hit|executed|attacked)\b|"
    r"^\s*(?:fighters|militants|terrorists|members|troops|soldiers|commanders?|leaders?|jihadists|"
    r"positions|gunmen)\s+(?:\S+\s+){0,2}?(?:killed|dead|died)\b",
    re.I,
)
# A side named as a place ("government-held towns") or as a source ("Syrian state media") did
# not act; a side that speaks ("the opposition said", "Syrian opposition: 1300 killed") is
# reporting the attack, not carrying it out.
_NOT_ACTING = re.compile(
    r"^(?:-(?:held|controlled|besieged|run|backed|occupied|dominated)\b|"
    r"\s+(?:state\s+)?(?:media|television|TV|news agency|news|agency)\b)",
    re.I,
)
_SPEAKING = re.compile(
    r"^(?:'s)?\s*(?::|(?:\S+\s+){0,2}?(?:said|says|say|claimed|claims|claim|accused|accuses|accusing|"
    r"blamed|blames|denied|denies|reported|reports|warned|warns)\b)",
    re.I,
)
_WEAPON_IN_NAME = re.compile(
    r"war ?planes?|jets?|air ?strikes?|aircraft|air force|helicopters?|shelling|artillery|"
    r"raids?|bombers?|missiles?|strikes?|bombing|Tomahawks?",
    re.I,
)


def _score(text: str, mention: ActorMention, first_trigger: int) -> float:
    before = text[max(0, mention.start - 40) : mention.start]
    after = text[mention.end : mention.end + 50]
    if _NOT_ACTING.search(after) or _HOLDER_BEFORE.search(before):
        return -3.0
    armed = _WEAPON_IN_NAME.search(mention.text) is not None
    score = 3.0 if armed else 0.0
    if _AGENT_BEFORE.search(before):
        score += 3
    elif (_TARGET_BEFORE if armed else _VICTIM_BEFORE).search(before):
        score -= 3
    if _VICTIM_AFTER.search(after) or _SPEAKING.search(after):
        score -= 3
    elif _AGENT_AFTER.search(after):
        score += 2
    if mention.start < first_trigger:
        score += 0.5
    return score


def perpetrator(
    text: str, actors: Sequence[ActorMention], triggers: Sequence[TriggerMention], *, least: float = 0.0
) -> Actor | None:
    """The actor of ``actors`` (mentions in ``text``) that most likely carried out the attack,
    if its score is above ``least``."""
    if not actors:
        return None
    first_trigger = triggers[0].start if triggers else len(text)
    scored = [(_score(text, m, first_trigger), -i, m.actor) for i, m in enumerate(actors)]
    best = max(scored, key=lambda s: (s[0], s[1]))
    return best[2] if best[0] > least else None
