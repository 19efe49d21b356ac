"""An optional PostgreSQL read replica for what anonymous readers of the public site ask
(`DATABASE_REPLICA_URL`, README: production layout).

Only the reads of an anonymous GET or HEAD of a public path go to the replica; everything else —
every write, the admin, a logged-in user, a form posted — stays on the primary, so an editor or a
firm never reads behind their own write. A public reader may see a publication a moment after the
primary has it (the replica's lag); the page cache's purges follow the primary's commit, so a page
rendered from a lagging replica right after a purge is kept only until the next purge or time-out.
"""

from __future__ import annotations

import contextvars

from core.pagecache import anonymous_public_read

REPLICA = "replica"
_public_read: contextvars.ContextVar[bool] = contextvars.ContextVar("sunshine_public_read", default=False)


class PublicReadsMiddleware:
    """Marks the requests whose reads may go to the replica (ReplicaRouter): those the page cache
    may share too (core.pagecache.anonymous_public_read)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _public_read.set(anonymous_public_read(request))
        try:
            return self.get_response(request)
        finally:
            _public_read.reset(token)


class ReplicaRouter:
    """Reads of a public request from the replica; all else, writes and migrations on the primary."""

    def db_for_read(self, model, **hints):
        return REPLICA if _public_read.get() else None

    def db_for_write(self, model, **hints):
        return None

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica is a copy of the primary: the same rows

    def allow_migrate(self, db, app_label, **hints):
        return db != REPLICA
