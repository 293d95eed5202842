"""``ceasefire extract`` and ``ceasefire claims``: incidents and claims from news text.

Importing this module is cheap: spaCy and the lexicons load when a command runs. Both commands
read every file before printing anything, so a bad file stops the run with one line
(``CeasefireError``, exit 2) and nothing half-written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ceasefire.cli.options import AgreementFile, NewsFiles
from ceasefire.cli.output import emit
from ceasefire.errors import UsageError
from ceasefire.extras import require_extra

__all__ = ["claims", "extract"]

EXTRACT_OUTPUT_FORMATS = ("json", "csv")  # what `extract --format` takes


def extract(
    files: NewsFiles,
    format: Annotated[str, typer.Option("--format", help="json or csv.")] = "json",
    out: Annotated[Path | None, typer.Option("--out", help="Write here instead of standard output.")] = None,
) -> None:
    """Incidents from news text: date, place, governorate, weapon, actors, casualties.

    The first incident of each file is its main one. Relative dates ("on Tuesday") are
    resolved against the article's dateline.

    Example: ceasefire extract article1.txt article2.html --format csv
    """
    require_extra("news", needed_for="ceasefire extract")
    from ceasefire.news.incidents import extract_incidents
    from ceasefire.news.render import incidents_csv, incidents_json
    from ceasefire.news.text import read_article

    if format not in EXTRACT_OUTPUT_FORMATS:
        raise UsageError(f"--format {format}: unknown format (choose json or csv)")
    articles = [read_article(path) for path in files]
    incidents = list(extract_incidents(articles))
    text = incidents_csv(incidents) if format == "csv" else incidents_json(incidents) + "\n"
    emit(lambda fp: print(text, end="", file=fp), out)


def claims(
    agreement: AgreementFile,
    files: NewsFiles,
    format: Annotated[str, typer.Option("--format", help="json (the only format).")] = "json",
) -> None:
    """Claims from news text: who accused whom of breaking which obligation, cited by whom.

    Example: ceasefire claims examples/syria-2016-09/agreement.yaml wire-story.txt
    """
    require_extra("news", needed_for="ceasefire claims")
    from ceasefire.agreement import load_agreement
    from ceasefire.news.claims import extract_claims
    from ceasefire.news.render import claims_json
    from ceasefire.news.text import read_article

    if format != "json":
        raise UsageError(f"--format {format}: unknown format (claims are printed as json)")
    loaded = load_agreement(agreement)
    articles = [read_article(path) for path in files]
    typer.echo(claims_json(extract_claims(loaded, articles)))
