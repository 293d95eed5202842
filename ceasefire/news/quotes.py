"""Direct quotations in an article, including those that run over several paragraphs.

Wire style: a quotation that continues into the next paragraph leaves its closing mark off and
opens the next paragraph with a new opening mark. Curly quotes say which end is which; straight
quotes alternate.
"""

from __future__ import annotations

__all__ = ["quote_spans"]

_OPEN = {"\u201c", "\u00ab"}
_CLOSE = {"\u201d", "\u00bb"}
_STRAIGHT = '"'


def quote_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) character ranges of the quoted passages of ``text``, marks excluded."""
    spans: list[tuple[int, int]] = []
    start: int | None = None
    skip = -1  # the re-opening mark of a quotation continued into a new paragraph
    for i, char in enumerate(text):
        if i == skip:
            continue
        if start is not None and text.startswith("\n\n", i):
            reopen = _reopening_mark(text, i)
            if reopen is None:
                spans.append((start, i))  # no closing mark: the quote ends with its paragraph
                start = None
            skip = reopen if reopen is not None else -1
        elif start is None and (char in _OPEN or char == _STRAIGHT):
            start = i + 1
        elif start is not None and (char in _CLOSE or char == _STRAIGHT):
            spans.append((start, i))
            start = None
    if start is not None:
        spans.append((start, len(text)))
    return spans


def _reopening_mark(text: str, i: int) -> int | None:
    j = i
    while j < len(text) and text[j].isspace():
        j += 1
    if j < len(text) and (text[j] in _OPEN or text[j] == _STRAIGHT):
        return j
    return None
