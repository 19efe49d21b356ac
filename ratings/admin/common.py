"""Small pieces the rating admin views share."""

from django.urls import reverse
from django.utils.translation import gettext_lazy


def breadcrumbs(*items):
    return [{"url": reverse("wagtailadmin_home"), "label": gettext_lazy("Home")}, *items]
