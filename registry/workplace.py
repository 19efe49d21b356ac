"""Panels of the admin home for each role's work (SPEC §1): a firm's users (a firm keeps its estates'
records) and the editors (street office staff: imports, quarters, appeals, reviews). Each domain
app subclasses FirmPanel or EditorPanel with what its panel reads, and registers the subclass's
`homepage_hook` with Wagtail's construct_homepage_panels."""

from wagtail.admin.ui.components import Component

from registry.permissions import user_firm_ids, user_is_editor, user_is_firm_scoped


class WorkPanel(Component):
    """A home panel whose context is `read(subject)`: set `name`, `template_name`, `order`."""

    def __init__(self, subject):
        self.subject = subject

    def read(self, subject) -> dict:
        raise NotImplementedError

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context.update(self.read(self.subject))
        return context


class FirmPanel(WorkPanel):
    """`read(firm_ids) -> dict`: the panel of a firm's users, about their firms."""

    @property
    def firm_ids(self):
        return self.subject

    @classmethod
    def homepage_hook(cls, request, panels):
        """construct_homepage_panels: this panel, for a firm's users only."""
        if user_is_firm_scoped(request.user):
            panels.append(cls(sorted(user_firm_ids(request.user))))


class EditorPanel(WorkPanel):
    """`read(user) -> dict`: the panel of the editors' group and superusers; never shown to firms
    or the committee."""

    @classmethod
    def homepage_hook(cls, request, panels):
        """construct_homepage_panels: this panel, for editors (and superusers) only."""
        user = request.user
        if user_is_editor(user) and not user_is_firm_scoped(user):
            panels.append(cls(user))
