"""Full-text search over document numbers, titles and content, with each database's own engine.

Words are matched whole, the last one also as a prefix, all of them required
("pump seal" finds "pump seals"). Results come best first, then only those the
reader may see are kept.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import connection

from ims.documents.models import Document, Revision, SearchEntry

MAX_BODY = 400_000  # characters of a revision's text that search reads
MAX_CANDIDATES = 1000


def index(revision: Revision) -> None:
    """(Re)write the search entry of one revision."""
    document = revision.document
    body = "\n".join(part for part in (revision.change_summary, revision.text, revision.extracted_text) if part)
    SearchEntry.objects.update_or_create(
        revision=revision,
        defaults={
            "document": document,
            "number": document.number,
            "title": document.title,
            "body": body[:MAX_BODY],
        },
    )


def index_document(document: Document) -> None:
    """After the number or title changed: refresh every revision's entry."""
    SearchEntry.objects.filter(document=document).update(number=document.number, title=document.title)


def terms(query: str) -> list[str]:
    return re.findall(r"\w+", query.lower())[:12]


def _sqlite(words: list[str]) -> tuple[str, list[Any]]:
    match = " ".join(f'"{w}"' for w in words[:-1]) + f' "{words[-1]}"*'
    sql = (
        "SELECT rowid FROM documents_fts WHERE documents_fts MATCH %s "
        "ORDER BY bm25(documents_fts, 10.0, 5.0, 1.0) LIMIT %s"
    )
    return sql, [match.strip(), MAX_CANDIDATES]


def _postgres(words: list[str]) -> tuple[str, list[Any]]:
    query = " & ".join([*words[:-1], f"{words[-1]}:*"])
    sql = (
        "SELECT revision_id FROM documents_searchentry, to_tsquery('simple', %s) AS q "
        "WHERE search_vector @@ q ORDER BY ts_rank(search_vector, q) DESC, revision_id LIMIT %s"
    )
    return sql, [query, MAX_CANDIDATES]


def ranked_revision_ids(query: str) -> list[int]:
    """Revision ids matching every word, best match first (at most MAX_CANDIDATES)."""
    words = terms(query)
    if not words:
        return []
    sql, params = _postgres(words) if connection.vendor == "postgresql" else _sqlite(words)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]
