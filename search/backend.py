"""Wagtail's database search backend (WAGTAILSEARCH_BACKENDS), with one change on PostgreSQL: a
rebuild refreshes the title norms once, at its end, instead of after every batch.

modelsearch's PostgreSQL index keeps each entry's ``title_norm`` (the average title length over the
entry's own). Its ``add_items`` refreshes the new entries' norms after every batch it writes, and
that refresh reads the average over the whole index table each time: a rebuild of a city (tens of
thousands of entries, a thousand a batch) reads the table once per batch, so its cost grows with
the square of the index. The rebuilder refreshes every row at its end anyway (``finish()``), so
during a rebuild the per-batch refresh is only repeated work. Outside a rebuild (a page published,
a signal handler indexing one object) nothing changes: each addition refreshes the norms as
before. On SQLite and other databases this is Wagtail's backend as it is.
"""

import functools

from modelsearch.backends.database import SearchBackend as database_backend

from django.db import connection


def SearchBackend(params):  # noqa: N802 - the name Wagtail looks up in a backend's module
    if connection.vendor != "postgresql":
        return database_backend(params)
    return _postgres_backend_class()(params)


@functools.cache
def _postgres_backend_class():
    """The PostgreSQL backend with the deferring rebuilders, made once (the module imports
    PostgreSQL-only code, so not at import time)."""
    from modelsearch.backends.database.postgres.postgres import (
        PostgresIndex,
        PostgresSearchAtomicRebuilder,
        PostgresSearchBackend,
        PostgresSearchRebuilder,
    )

    class RebuildIndex(PostgresIndex):
        """The index a rebuild writes through: no per-batch norm refresh (the rebuilder's
        ``finish()`` refreshes every entry)."""

        def _refresh_title_norms(self, full=False):
            if full:
                super()._refresh_title_norms(full=True)

    def deferring(rebuilder_class):
        class Rebuilder(rebuilder_class):
            def start(self):
                super().start()
                return RebuildIndex(self.index.backend)

        Rebuilder.__name__ = f"NormDeferring{rebuilder_class.__name__}"
        return Rebuilder

    class PortalPostgresSearchBackend(PostgresSearchBackend):
        rebuilder_class = deferring(PostgresSearchRebuilder)
        atomic_rebuilder_class = deferring(PostgresSearchAtomicRebuilder)

    return PortalPostgresSearchBackend
