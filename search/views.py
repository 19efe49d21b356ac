"""/search/ and its type-ahead /search/suggest/ (SPEC §11)."""

from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core import pagecache
from search import selectors


@require_GET
def search(request):
    # The results of a query are kept as HTML under /search/'s purges (every publication retires
    # them: core.pagecache fragments), so a repeated query searches the index once.
    context = pagecache.with_fragment(
        request,
        "search",
        lambda: selectors.site_search(request.GET.get("q", "")),
        head=("query",),
        with_query=True,
    )
    return render(request, "search/search.html", context)


@require_GET
def suggest(request):
    response = JsonResponse(selectors.suggest(request.GET.get("q", "")), safe=False)
    response["Cache-Control"] = "public, max-age=60"
    return response
