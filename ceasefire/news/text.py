"""Reading news articles: bytes → clean text, with the article's own date.

``read_article`` refuses what is not an article with one line naming the file (binary data,
text that is not UTF-8, files over ``MAX_BYTES``) and turns HTML into its text; an empty file
is an article with no text, which yields nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from ceasefire.errors import InputError
from ceasefire.news.dates import parse_dateline
from ceasefire.news.debris import strip_debris

__all__ = ["MAX_BYTES", "Article", "clean_text", "decode", "read_article"]

MAX_BYTES = 2_000_000  # a long feature is ~100 kB; anything near this is not one article
_HTML_SNIFF = re.compile(r"<(?:!doctype\s+html|html|head|body|p|div|article|br)\b", re.I)
_BLOCK_TAGS = frozenset({"p", "div", "br", "li", "h1", "h2", "h3", "h4", "article", "tr", "title"})
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template"})
_SPACES = re.compile(r"[ \t\u00a0\u200b]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")
# "MOSCOW, Sept 16 (TASS) - ": a dateline glued to the first sentence confuses the parser.
_DATELINE = re.compile(
    r"^([A-Z][A-Z .'-]{2,40}(?:,\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2}(?:,\s*\d{4})?)?"
    r"\s*\([A-Za-z .-]{2,30}\)\s*)[-\u2013\u2014]+\s*",
    re.M,
)


@dataclass(frozen=True, slots=True)
class Article:
    """One news article: where it came from, its text and the date it was published."""

    file: str
    text: str
    published: dt.date | None = None


class _TextOfHtml(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skipping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def clean_text(text: str) -> str:
    """Plain text with paragraphs kept: HTML reduced to its text, runs of blanks collapsed,
    page debris removed (``debris``)."""
    if _HTML_SNIFF.search(text[:5000]):
        parser = _TextOfHtml()
        parser.feed(text)
        parser.close()
        text = "".join(parser.parts)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _SPACES.sub(" ", text)
    text = strip_debris(_BLANK_LINES.sub("\n\n", text).strip())
    text = _DATELINE.sub(lambda m: m.group(1).strip() + " -\n\n", text)
    return _BLANK_LINES.sub("\n\n", text).strip()


def decode(data: bytes, name: str) -> str:
    """``data`` as UTF-8 text, or an InputError that says which byte is wrong."""
    if b"\x00" in data[:8192]:
        raise InputError(f"{name}: binary data, not a text article")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        bad = data[error.start]
        raise InputError(
            f"{name}: not UTF-8 text (byte 0x{bad:02x} at offset {error.start}); "
            "convert it first, e.g. iconv -f WINDOWS-1252 -t UTF-8"
        ) from None


def read_article(path: Path, near: dt.date | None = None) -> Article:
    """The article in ``path``, its date taken from its dateline when it has one (a dateline
    without a year takes the year nearest ``near``, when given)."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise InputError(
                f"{path}: {size / 1e6:.1f} MB is too large for one article "
                f"(limit {MAX_BYTES / 1e6:.0f} MB); split it into articles"
            )
        data = path.read_bytes()
    except OSError as error:
        raise InputError(f"{path}: cannot read: {error.strerror or error}") from None
    text = clean_text(decode(data, str(path)))
    return Article(file=str(path), text=text, published=parse_dateline(text, near))
