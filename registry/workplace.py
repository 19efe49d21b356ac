"""Panels of the admin home for a firm's users (SPEC §1: a firm keeps its estates' records): each
domain app subclasses FirmPanel with what its panel reads, and registers `FirmPanel.homepage_hook`
of its subclass with Wagtail's construct_homepage_panels."""

from wagtail.admin.ui.components import Component

from registry.permissions import user_firm_ids, user_is_firm_scoped


class FirmPanel(Component):
    """Set `name`, `template_name`, `order` and `read(firm_ids) -> dict` (the template's context)."""

    def __init__(self, firm_ids):
        self.firm_ids = firm_ids

    def read(self, firm_ids) -> dict:
        raise NotImplementedError

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context.update(self.read(self.firm_ids))
        return context

    @classmethod
    def homepage_hook(cls, request, panels):
        """construct_homepage_panels: this panel, for a firm's users only."""
        if user_is_firm_scoped(request.user):
            panels.append(cls(sorted(user_firm_ids(request.user))))
