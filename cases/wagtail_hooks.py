from wagtail import hooks
from wagtail.snippets.models import register_snippet

from cases import admin

register_snippet(admin.CaseCallViewSet)

hooks.register("construct_explorer_page_queryset", admin.explorer_queryset)
hooks.register("construct_page_chooser_queryset", admin.explorer_queryset)
hooks.register("before_copy_page", admin.copy_guard)
hooks.register("before_edit_page", admin.autosave_guard)
