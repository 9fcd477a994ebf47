"""Full-text search of the case library over jieba-segmented text, one selector for both
databases. Each case keeps ``search_text``: the space-joined jieba tokens of its title, place,
narrative, causes, lessons and tags (segment.document). Then:

- SQLite: an FTS5 table ``cases_case_fts`` (rowid = the case's id) holds that text; the default
  unicode61 tokenizer splits on the spaces, so its tokens are jieba's words. It is kept current
  by a post_save signal (apps.py) and rebuilt by the migration and ``rebuild()``.
- PostgreSQL: ``to_tsvector('simple', search_text)`` with a GIN index on that expression
  (migration 0002); ``simple`` keeps each word as it is (no stemming, no stop words).

A query is cut into words with jieba (segment.query_terms); every word must occur. A word the
document may have been cut finer (硫化氢 → 硫化 + 化氢) also matches through all its parts.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL

from . import segment

FTS_TABLE = "cases_case_fts"


def _alternatives(term: str) -> list[list[str]]:
    """[[term], [its parts]]: the term itself, or every one of its finer words."""
    parts = [p for p in segment.tokens(term) if p != term]
    return [[term], parts] if parts else [[term]]


def _fts5_query(terms: list[str]) -> str:
    def quoted(w):
        return '"' + w.replace('"', '""') + '"'

    clauses = []
    for term in terms:
        alts = [" AND ".join(quoted(w) for w in alt) for alt in _alternatives(term)]
        clauses.append("(" + " OR ".join(f"({a})" for a in alts) + ")")
    return " AND ".join(clauses)


def _tsquery(terms: list[str]) -> str:
    def quoted(w):
        return "'" + w.replace("'", "''").replace("\\", "") + "'"

    clauses = []
    for term in terms:
        alts = [" & ".join(quoted(w) for w in alt) for alt in _alternatives(term)]
        clauses.append("(" + " | ".join(f"({a})" for a in alts) + ")")
    return " & ".join(clauses)


def match_q(q: str) -> Q:
    """A condition on Case: the case holds every word of ``q`` (nothing when q has no word)."""
    terms = segment.query_terms(q)
    if not terms:
        return Q(pk__in=[])
    if connection.vendor == "postgresql":
        sql = (
            "SELECT id FROM cases_case "
            "WHERE to_tsvector('simple', search_text) @@ to_tsquery('simple', %s)"
        )
        return Q(pk__in=RawSQL(sql, [_tsquery(terms)]))  # noqa: S611 (query as a parameter)
    sql = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"  # noqa: S608 (constant)
    return Q(pk__in=RawSQL(sql, [_fts5_query(terms)]))  # noqa: S611 (query as a parameter)


# --- keeping the SQLite index current ------------------------------------------------------


def create_sqlite_table(conn) -> None:
    with conn.cursor() as cursor:
        cursor.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(body)")


def index_case(pk: int, text: str, conn=None) -> None:
    conn = conn or connection
    if conn.vendor != "sqlite":
        return
    with conn.cursor() as cursor:
        cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [pk])  # noqa: S608
        cursor.execute(f"INSERT INTO {FTS_TABLE} (rowid, body) VALUES (%s, %s)", [pk, text])  # noqa: S608


def rebuild(conn=None) -> int:
    """Recompute every case's segmented text (and, on SQLite, the FTS5 table) from its fields."""
    from .models import Case

    conn = conn or connection
    n = 0
    for case in Case.objects.all().iterator():
        text = case.segmented()
        if text != case.search_text:
            Case.objects.filter(pk=case.pk).update(search_text=text)
        index_case(case.pk, text, conn)
        n += 1
    return n
