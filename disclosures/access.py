"""Who may fetch a disclosure document (SPEC §5, §12), and the firm's document collections.

Documents live in the collection 信息公开 (one child per firm). One of them is public once an
approved version of a disclosure shows it, and while its file is the content that was approved
(disclosures.models.PublishedDocument); otherwise only users with a permission on its collection
(the firm's users, editors) may fetch it. Documents in
other collections are not this app's to decide."""

from wagtail.documents import get_document_model
from wagtail.models import Collection
from wagtail.permissions import policy_registry

from disclosures.models import PublishedDocument
from disclosures.services import COLLECTION_NAME, firm_collection_ensure
from registry.models import Firm
from registry.permissions import user_firm_ids


def _disclosures_collection() -> Collection | None:
    return Collection.get_first_root_node().get_children().filter(name=COLLECTION_NAME).first()


def document_may_serve(*, document, user) -> bool:
    root = _disclosures_collection()
    if root is None or not document.collection.path.startswith(root.path):
        return True
    if PublishedDocument.objects.filter(document_id=document.pk, file_hash=document.get_file_hash()).exists():
        return True
    policy = policy_registry.get_by_type(get_document_model())
    return user.is_authenticated and policy.user_has_any_permission_for_instance(
        user, ["change", "choose"], document
    )


def firm_collections_ensure(*, user) -> None:
    """The document collection of each firm the user works for (made on first need)."""
    for firm in Firm.objects.filter(pk__in=user_firm_ids(user)):
        firm_collection_ensure(firm=firm)
