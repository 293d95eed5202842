"""News intelligence: incidents and claims from news text (issue 4, docs/news.md)."""
