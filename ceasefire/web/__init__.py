"""The dashboard: HTML pages with JSON twins (``pages``), their templates and static files.

``ceasefire.server.create_app`` calls ``pages.install(app, PAGE_MODULES)``; a module of pages
registers its pages with ``@pages.page`` when imported (see ``ceasefire.web.pages``).
"""

from __future__ import annotations

__all__ = ["PAGE_MODULES"]

# Every module that registers pages; add yours here (order matters only between paths that overlap).
PAGE_MODULES: tuple[str, ...] = (
    "ceasefire.web.home",
    "ceasefire.web.exports_page",
    "ceasefire.web.compliance_pages",
    "ceasefire.web.case_pages",
    "ceasefire.web.link_pages",
    "ceasefire.web.report_pages",
)
