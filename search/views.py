"""/search/ and its type-ahead /search/suggest/ (SPEC §11)."""

from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from search import selectors


@require_GET
def search(request):
    return render(request, "search/search.html", selectors.site_search(request.GET.get("q", "")))


@require_GET
def suggest(request):
    response = JsonResponse(selectors.suggest(request.GET.get("q", "")), safe=False)
    response["Cache-Control"] = "public, max-age=60"
    return response
