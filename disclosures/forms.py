"""The admin form of a disclosure: checks that span its inline rows."""

from wagtail.admin.forms import WagtailAdminPageForm

ONE_PROPERTY_FEE = "只能有一个收费项目标记为物业服务费（按 元/㎡·月 计）。"


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
        return cleaned_data
