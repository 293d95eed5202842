"""Orchestration above the store: what the CLI, the API, the pages and the bulletin ask of a
database that needs more than persistence.

::

    bundles   an agreement file into a stored bundle (read_bundle), a bundle back into an
              Agreement (load_bundle)
    workflow  init, import + re-verify, news import: the store joined with the sources, the
              pipeline and the news reader
    claims    the claims ledger: stored claims judged on stored findings, when read

Arrows go one way: this package imports the store, the pipeline, the sources, the news reader
and the agreement loader; the store imports none of them (nor this package).
"""
