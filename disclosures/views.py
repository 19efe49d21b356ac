"""The printable noticeboard sheet of an estate (信息公开栏): /estates/<slug>/noticeboard/."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from disclosures.public import noticeboard_context


@require_GET
def noticeboard(request, estate_slug: str):
    context = noticeboard_context(estate_slug=estate_slug, request=request)
    if context is None:
        raise Http404("没有这个小区")
    return render(request, "disclosures/noticeboard.html", context)
