"""Admin views of the registry: stock Wagtail generic views, plus keeping the public pages in step."""

from wagtail.admin.views import generic

from portal.services import directory_pages_sync


class DirectorySyncMixin:
    """After an editor saves an estate or a firm, its public page follows (title, existence)."""

    sync_kind: str = "estates"

    def save_instance(self):
        instance = super().save_instance()
        directory_pages_sync(**{self.sync_kind: [instance]}, user=self.request.user)
        return instance


class EstateCreateView(DirectorySyncMixin, generic.CreateView):
    sync_kind = "estates"


class EstateEditView(DirectorySyncMixin, generic.EditView):
    sync_kind = "estates"


class FirmCreateView(DirectorySyncMixin, generic.CreateView):
    sync_kind = "firms"


class FirmEditView(DirectorySyncMixin, generic.EditView):
    sync_kind = "firms"
