"""The optional read replica (core/replica.py): only an anonymous reader's GET of a public path
reads from it; writes, the admin and logged-in users stay on the primary."""

import os
import subprocess
import sys

from django.http import HttpResponse
from django.test import RequestFactory

from core import pagecache, replica

ROUTER = replica.ReplicaRouter()


def test_only_anonymous_reads_of_public_paths_may_go_to_the_replica(settings):
    factory = RequestFactory()
    public_read = pagecache.anonymous_public_read
    assert public_read(factory.get("/estates/x/"))
    assert public_read(factory.head("/ratings/2025-q4/"))
    assert not public_read(factory.post("/estates/x/"))
    assert not public_read(factory.get("/admin/"))
    assert not public_read(factory.get("/documents/1/a.pdf"))
    assert not public_read(factory.get("/api/v2/pages/"))
    assert not public_read(factory.get("/estates/x/", HTTP_AUTHORIZATION="Basic YTpi"))
    assert not public_read(factory.get("/estates/x/?preview=1"))
    signed_in = factory.get("/estates/x/")
    signed_in.COOKIES[settings.SESSION_COOKIE_NAME] = "abc"
    assert not public_read(signed_in)


def test_the_router_reads_from_the_replica_only_inside_a_public_request():
    seen = {}

    def view(request):
        seen[request.method] = (ROUTER.db_for_read(object), ROUTER.db_for_write(object))
        return HttpResponse()

    middleware = replica.PublicReadsMiddleware(view)
    middleware(RequestFactory().get("/estates/x/"))
    middleware(RequestFactory().post("/estates/x/"))
    assert seen == {"GET": ("replica", None), "POST": (None, None)}
    assert ROUTER.db_for_read(object) is None  # reset once the request is answered
    assert ROUTER.allow_migrate("default", "ratings") and not ROUTER.allow_migrate("replica", "ratings")


def test_settings_add_the_replica_only_when_its_address_is_given():
    code = (
        "import django; from django.conf import settings; django.setup(); "
        "print(sorted(settings.DATABASES), settings.DATABASE_ROUTERS, "
        "'core.replica.PublicReadsMiddleware' in settings.MIDDLEWARE)"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.test"}
    env.pop("DATABASE_REPLICA_URL", None)
    plain = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert plain.stdout.strip() == "['default'] [] False"
    env["DATABASE_REPLICA_URL"] = "postgres://reader@replica.internal:5432/sunshine"
    with_replica = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert with_replica.stdout.strip() == "['default', 'replica'] ['core.replica.ReplicaRouter'] True"
