"""Page debris removed from text dumps (ceasefire/news/debris.py, issue 15), on lines written
for these tests."""

from __future__ import annotations

import pytest

from ceasefire.news.debris import strip_debris
from ceasefire.news.text import clean_text

CASES = [
    (
        "navigation-lines",
        "Rebels shell the town\n\nShowcase Category News\nThe army said rebels shelled the town.\nRelated News\nShare",
        "Rebels shell the town\n\nThe army said rebels shelled the town.",
    ),
    (
        "publication-stamp",
        "Title here\n\nPublished July 5 2015 The army said rebels shelled the town.",
        "Title here\n\nThe army said rebels shelled the town.",
    ),
    (
        "date-of-publication",
        "Title here\n\nDate of publication 4 April 2017 The army said rebels shelled the town.",
        "Title here\n\nThe army said rebels shelled the town.",
    ),
    (
        "short-url-stamp",
        "Title here\n\n28.05.2017(updated 1549 28.05.2017) Get short URL 6319 The army said it.",
        "Title here\n\nThe army said it.",
    ),
    (
        "repeated-headline-and-byline",
        "Strikes kill ten in town\n\nStrikes kill ten in town Monitor AFP Thursday 16 Jul 2015 Ten people died, a monitor said.",
        "Strikes kill ten in town\n\nTen people died, a monitor said.",
    ),
    (
        "caption-with-credit",
        "Title here\n\n9 Apr 2017 A view of the damaged hospital. (TRT World and Agencies) Air strikes hit the town.",
        "Title here\n\nAir strikes hit the town.",
    ),
    (
        "tags-before-repeated-lead",
        "Title here\n\nRebels launched a big offensive near the city. Tags Syria Idlib Rebels launched a big offensive "
        "near the city a monitor said.",
        "Title here\n\nRebels launched a big offensive near the city a monitor said.",
    ),
    (
        "lead-repeated-as-a-quotation-keeps-its-mark",
        'Title here\n\nCoalition planes targeted water wells near the city. Tags Syria Raqqa "Coalition planes '
        'targeted water wells near the city killing 18" the director said.',
        'Title here\n\n"Coalition planes targeted water wells near the city killing 18" the director said.',
    ),
    (
        "repeated-paragraph",
        "Title here\n\nThe army said rebels shelled the town.\n\nThe army said rebels shelled the town.",
        "Title here\n\nThe army said rebels shelled the town.",
    ),
    (
        "prose-kept",
        "Title here\n\nPhotographs show the damage. Share prices fell. The army said rebels shelled the town.",
        "Title here\n\nPhotographs show the damage. Share prices fell. The army said rebels shelled the town.",
    ),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_strip_debris(text: str, expected: str) -> None:
    assert strip_debris(text) == expected


def test_clean_text_strips_debris() -> None:
    assert clean_text("Title\n\nGet short URL\nThe army said it.\n") == "Title\n\nThe army said it."
