"""Page debris in news text dumps, removed before parsing (issue 15).

Text copied from news sites carries what surrounded the article: date stamps and bylines
("Published July 5 2015", "Date of publication 4 April 2017", "AFP Thursday 16 Jul 2015"),
the headline repeated as the first words of the body, a photo caption closed by its credit
("... (TRT World and Agencies)"), tag lists ("Tags Syria Idlib ...") before the lead repeated,
and navigation lines ("Showcase Category News", "Related News", "Get short URL"). Read as
prose they become speakers and claims. Every rule here works on lines or on the first words of
a paragraph and removes only what matches; the rest of the text is kept as it was.
"""

from __future__ import annotations

import re

__all__ = ["strip_debris"]

_NAVIGATION = re.compile(
    r"^(?:Tags?|Topics?|Related(?: News| Articles| Stories)?|Read [Mm]ore|More [Nn]ews|Showcase Category News|"
    r"Share(?: this)?|Print|Tweet|Get short URL|Follow us|Subscribe|Advertisement|Photo|Image|Caption)\b"
)
_NAVIGATION_MAX = 160  # a navigation line is short; a paragraph starting "Photo ..." may be prose
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_DAY = r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*"
_STAMP = re.compile(
    r"^(?:(?:Published|Date of publication|Last updated(?: at)?|Updated)\s*:?\s*)?"
    rf"(?:{_DAY},?\s+)?(?:\d{{1,2}}\s+{_MONTH}\s+\d{{4}}|{_MONTH}\s+\d{{1,2}},?\s+\d{{4}}|{_MONTH}\s+\d{{5,6}}|"
    r"\d{1,2}[.-]\d{1,2}[.-]\d{4})"
    r"(?:\s+\d{1,2}:\d{2})?(?:\(updated [\d .:]+\))?\)?\s*(?:Get short URL(?:\s+\d+)*)?\s*"
)
_BYLINE = re.compile(
    rf"^(?:(?:Monitor|Monitoring group|NGO|Reports|State media)\s+)?(?:AFP|Reuters|AP)\s+{_DAY}\s+\d{{1,2}}\s+"
    rf"{_MONTH}\s+\d{{4}}\s*(?:Print Tweet\s*)?"
)
_CAPTION_CREDIT = re.compile(r"\((?:TRT World and Agencies|AP Archive|Reuters Archive|AFP Archive|AA)\)\s*")
_CAPTION_MAX = 400  # a caption ahead of the body is a sentence or two


def strip_debris(text: str) -> str:
    """``text`` (paragraphs separated by blank lines, the first one possibly the headline)
    without navigation lines, repeated lines, and the stamps, captions, tag lists and
    repeated headline that open the body."""
    paragraphs = [p for p in text.split("\n\n")]
    title = paragraphs[0].strip() if len(paragraphs) > 1 else ""
    kept: list[str] = []
    seen: set[str] = set()
    for paragraph in paragraphs:
        lines = [line for line in paragraph.split("\n") if not _is_navigation(line)]
        body = "\n".join(lines).strip()
        if kept and body.strip() == title:
            body = ""
        if kept:
            body = _strip_opening(body, title)
        if body and body not in seen:
            kept.append(body)
            seen.add(body)
    return "\n\n".join(kept)


def _is_navigation(line: str) -> bool:
    stripped = line.strip()
    return len(stripped) <= _NAVIGATION_MAX and bool(_NAVIGATION.match(stripped)) and not stripped.endswith(".")


def _strip_opening(body: str, title: str) -> str:
    """The body without its opening stamp, repeated headline, byline, caption and tag list."""
    body = _STAMP.sub("", body, count=1)
    for prefix in (title, title.rstrip(".")):
        if prefix and body.startswith(prefix):
            body = body[len(prefix) :].lstrip(" .:")
            break
    body = _BYLINE.sub("", body, count=1)
    credit = _CAPTION_CREDIT.search(body[: _CAPTION_MAX + 40])
    if credit is not None and credit.start() <= _CAPTION_MAX:
        body = body[credit.end() :]
    return _without_tags(body)


def _without_tags(body: str) -> str:
    """The body from its repeated lead on, when a tag list ("Tags Syria Idlib ...") stands
    between the lead and its repetition (Al-Araby pages)."""
    tags = re.search(r"(?:^|\s)Tags\s", body[:1500])
    if tags is None:
        return body
    lead = " ".join(body[: tags.start()].split()[:6])
    again = body.find(lead, tags.end()) if len(lead) > 20 else -1
    if again < 0 or again - tags.end() > 300:
        return body
    if again > 0 and body[again - 1] in '"\u201c':
        again -= 1  # the lead repeated as a quotation keeps its opening mark (or quotes turn inside out)
    return body[again:]
