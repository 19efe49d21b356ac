"""Plain Django views of the site shell: the large-type switch and robots.txt."""

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

from portal.context_processors import LARGE_TYPE_COOKIE


@require_GET
def large_type(request, mode: str):
    """Turn large type (大字版) on or off with a cookie and go back to where the reader was."""
    if mode not in {"on", "off"}:
        raise Http404("未知的显示模式")
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    if mode == "on":
        response.set_cookie(
            LARGE_TYPE_COOKIE, "1", max_age=365 * 24 * 3600, samesite="Lax", secure=request.is_secure()
        )
    else:
        response.delete_cookie(LARGE_TYPE_COOKIE, samesite="Lax")
    return response


# What crawlers are kept out of: the admin, the documents behind it, and search (endless query
# strings; its pages also say noindex). Everything else is public record and stays findable.
ROBOTS_DISALLOW = ("/admin/", "/django-admin/", "/documents/", "/search/")


@require_GET
def robots_txt(request):
    """robots.txt: the sitemap's index on the site's configured address, and what not to crawl."""
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW)]
    lines += ["", f"Sitemap: {settings.PORTAL_BASE_URL}/sitemap.xml", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
