from wagtail import hooks
from wagtail.snippets.models import register_snippet

from cases import admin, workplace

register_snippet(admin.CaseCallViewSet)

hooks.register("before_copy_page", admin.copy_guard)
hooks.register("before_edit_page", admin.edit_guard)
hooks.register("before_create_page", admin.create_guard)
hooks.register("construct_homepage_panels", workplace.firm_home_panels)
hooks.register("construct_homepage_panels", workplace.editor_home_panels)
