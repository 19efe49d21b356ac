"""The admin form of a disclosure: checks that span its inline rows, or need the user."""

from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.documents import get_document_model
from wagtail.permissions import policy_registry

ONE_PROPERTY_FEE = "只能有一个收费项目标记为物业服务费（按 元/㎡·月 计）。"
NOT_YOURS = "只能选择本企业上传的文件作为附件。"


class DisclosurePageForm(WagtailAdminPageForm):
    def clean(self):
        cleaned_data = super().clean()
        fees = self.formsets.get("fee_items")
        if fees is not None and fees.is_valid():
            flagged = [
                form
                for form in fees.forms
                if form.cleaned_data.get("is_property_fee") and not form.cleaned_data.get("DELETE")
            ]
            if len(flagged) > 1:
                self.add_error(None, ONE_PROPERTY_FEE)
        self._attachments_check()
        return cleaned_data

    def _attachments_check(self) -> None:
        """A new attachment is a document the user may choose (a firm's user: its own collection),
        not any document id posted by hand."""
        statements = self.formsets.get("revenue_statements")
        if statements is None or self.for_user is None or not statements.is_valid():
            return
        policy = policy_registry.get_by_type(get_document_model())
        kept = self._attachments_now()
        for form in statements.forms:
            document = form.cleaned_data.get("attachment")
            # Attachments already there stay (after a handover the new firm keeps the old firm's files).
            if document is None or form.cleaned_data.get("DELETE") or document.pk in kept:
                continue
            if not policy.user_has_any_permission_for_instance(self.for_user, ["choose"], document):
                self.add_error(None, NOT_YOURS)
                return

    def _attachments_now(self) -> set[int]:
        """The documents the disclosure's latest revision (and its live version) already attach."""
        if not self.instance.pk:
            return set()
        stored = type(self.instance).objects.get(pk=self.instance.pk)
        versions = (stored, stored.get_latest_revision_as_object())
        return {s.attachment_id for v in versions for s in v.revenue_statements.all() if s.attachment_id}
