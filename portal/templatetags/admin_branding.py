"""The portal's name in the admin's own templates (tab titles, sidebar, login): WAGTAIL_SITE_NAME,
the one place it is set."""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def portal_name() -> str:
    return settings.WAGTAIL_SITE_NAME
