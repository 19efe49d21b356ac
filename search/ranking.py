"""The best few pages of each kind for a query, read from Wagtail's search index in one query.

Wagtail's `.search()` on a page model is slow at city scale on SQLite (issue 14): for every index
entry of the model it probes the FTS table, and it scores each hit with a correlated subquery that
runs the full-text match again and cannot use the (content type, object id) index (object_id is
text, the page's id an integer). A search of 平苑 over 10,000 estates took ~200 ms per kind.

Here the full-text match drives instead: the FTS table yields its hits (and their bm25) once, each
hit finds its index entry and its page by primary key, and a window function keeps the best
`limit` live, public pages of each kind. The score and its order are Wagtail's own (bm25, weighted
by the entry's title_norm in a search, then the newest page first), so the results are the ones
`.search()` and `.autocomplete()` give; the cost follows the number of hits, not the number of pages. One query for every kind.

Only for Wagtail's SQLite FTS5 backend; elsewhere `ranked_pages` returns None and the caller
searches through `.search()` as before.
"""

from __future__ import annotations

from django.db import connection

from wagtail.search.backends import get_search_backend

_NOT_PRIVATE = """NOT EXISTS (
    SELECT 1 FROM wagtailcore_pageviewrestriction r
    INNER JOIN wagtailcore_page rp ON rp.id = r.page_id
    WHERE substr(p.path, 1, length(rp.path)) = rp.path
)"""  # Wagtail's .public(): no view restriction on the page or an ancestor

_SQLITE = """
SELECT kind, page_id FROM (
    SELECT {kind} AS kind, p.id AS page_id, ROW_NUMBER() OVER (
        PARTITION BY {kind} ORDER BY {score}, p.id DESC
    ) AS position
    FROM (
        SELECT rowid AS entry_id, bm25(wagtailsearch_indexentry_fts) AS rank
        FROM wagtailsearch_indexentry_fts WHERE wagtailsearch_indexentry_fts MATCH %s
    ) AS f
    CROSS JOIN wagtailsearch_indexentry AS e ON e.id = f.entry_id
    CROSS JOIN wagtailcore_page AS p ON p.id = CAST(e.object_id AS INTEGER)
    WHERE e.content_type_id IN ({content_types}) AND p.live AND {not_private}
) AS ranked
WHERE position <= %s
ORDER BY kind, position
"""


def _fts_backend() -> bool:
    if connection.vendor != "sqlite":
        return False  # the SQLite backend's module defines its FTS model only on SQLite
    from modelsearch.backends.database.sqlite.sqlite import SQLiteSearchBackend

    return isinstance(get_search_backend(), SQLiteSearchBackend)


def _sqlite_match(terms: list[str], *, autocomplete: bool) -> str:
    """The MATCH text Wagtail's SQLite backend builds: every term required, quoted; the last a
    prefix in the autocomplete column."""
    quoted = ['"{}"'.format(t.replace('"', '""')) for t in terms]
    if autocomplete:
        quoted[-1] += "*"
    columns = "autocomplete" if autocomplete else "title body"
    return f"{{{columns}}} : ({' AND '.join(quoted)})"


def ranked_pages(content_types: dict[str, list[int]], terms: list[str], *, autocomplete: bool, limit: int):
    """{kind: [page id, best first]} with at most `limit` ids per kind, for `content_types`
    ({kind: content type ids}) and index terms that must all match; None when the search backend
    is not SQLite's FTS5 (search through `.search()` then)."""
    if not _fts_backend():
        return None
    terms = [t for t in terms if t]
    found: dict[str, list[int]] = {kind: [] for kind in content_types}
    kinds = [kind for kind, ids in content_types.items() if ids]
    if not terms or not kinds:
        return found
    whens = " ".join(f"WHEN {int(ct)} THEN {i}" for i, kind in enumerate(kinds) for ct in content_types[kind])
    sql = _SQLITE.format(
        kind=f"CASE e.content_type_id {whens} END",
        content_types=", ".join(str(int(ct)) for kind in kinds for ct in content_types[kind]),
        not_private=_NOT_PRIVATE,
        # Wagtail's scores: bm25 of the title (by its title_norm) and of the body, or of the
        # autocomplete column alone (one bm25 over the columns matched stands for each).
        score="f.rank" if autocomplete else "f.rank * e.title_norm + f.rank",
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [_sqlite_match(terms, autocomplete=autocomplete), limit])
        for kind_index, page_id in cursor.fetchall():
            found[kinds[kind_index]].append(page_id)
    return found
