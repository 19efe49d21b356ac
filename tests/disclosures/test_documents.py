"""Disclosure documents (SPEC §5, §12): PDFs only, checked by content and size, each firm's in its
own collection, served through Django — to anyone once an approved version shows them, before that
only to the firm and the editors."""

import io

import pytest
from pypdf import PdfWriter

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from wagtail.documents import get_document_model

from disclosures.services import firm_collection_ensure
from tests.disclosures.helpers import edit_form, edit_url, statement
from tests.disclosures.test_workflow import decide, submit

Document = get_document_model()

HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def pdf_bytes(*, width: int = 595) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=width, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def on_disk(settings, tmp_path):
    """Documents on a real file system, as in production (Wagtail serves them from their path)."""
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return tmp_path


def stored_files() -> list[str]:
    if not default_storage.exists("documents"):
        return []
    return default_storage.listdir("documents")[1]


@pytest.fixture
def collections(world):
    return firm_collection_ensure(firm=world.firm_a), firm_collection_ensure(firm=world.firm_b)


def stored_document(collection, name: str, content: bytes | None = None, title: str = "收支明细"):
    return Document.objects.create(
        title=title,
        collection=collection,
        file=ContentFile(pdf_bytes() if content is None else content, name),
    )


def approve_with(client, world, document) -> None:
    """The firm submits a statement with this attachment and the editor approves it."""
    task_state = submit(client, world, statements=[{**statement(), "attachment": document.pk}])
    decide(client, world, task_state, "approve")


def upload(client, collection, name, content):
    return client.post(
        reverse("wagtaildocs:add"),
        {"title": "收支明细", "collection": collection.pk, "file": SimpleUploadedFile(name, content)},
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        pytest.param("收支.pdf", HTML, "不接受 HTML 或 SVG", id="html-named-pdf"),
        pytest.param("收支.pdf", pdf_bytes()[:400], "PDF 文件已损坏", id="truncated-pdf"),
        pytest.param("收支.svg", SVG, "", id="svg"),
        pytest.param("收支.pdf", SVG, "不接受 HTML 或 SVG", id="svg-named-pdf"),
        pytest.param("收支.pdf", pdf_bytes() + b"\0" * 2048, "文件过大", id="oversized-pdf"),
    ],
)
def test_a_firm_upload_that_is_not_an_acceptable_pdf_leaves_nothing_behind(
    world, collections, client, settings, name, content, message
):
    settings.WAGTAILDOCS_MAX_UPLOAD_SIZE = len(pdf_bytes()) + 1024
    client.force_login(world.user_a)
    before = stored_files()
    response = upload(client, collections[0], name, content)
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    if not message:  # refused by its extension: Wagtail names the allowed one
        assert "pdf" in body
    assert not Document.objects.exists()
    assert stored_files() == before


def test_a_firm_uploads_only_into_its_own_collection(world, collections, client):
    own, other = collections
    client.force_login(world.user_a)
    assert upload(client, own, "收支.pdf", pdf_bytes()).status_code == 302
    upload(client, other, "收支.pdf", pdf_bytes())  # the form offers no other collection
    assert set(Document.objects.values_list("collection", flat=True)) == {own.pk}


def test_a_firm_chooses_only_its_own_documents(world, collections, client):
    own, other = collections
    mine = stored_document(own, "a.pdf", title="甲方收支")
    theirs = stored_document(other, "b.pdf", title="乙方收支")
    client.force_login(world.user_a)
    body = client.get(reverse("wagtaildocs_chooser:choose")).json()["html"]
    assert mine.title in body and theirs.title not in body


def test_a_drafts_documents_are_served_to_the_firm_not_to_the_public(world, collections, client):
    document = stored_document(collections[0], "draft.pdf")
    client.force_login(world.user_a)
    assert client.post(
        edit_url(world.page_a), edit_form(statements=[{**statement(), "attachment": document.pk}])
    )
    assert client.get(document.url).status_code == 200
    client.force_login(world.user_b)
    assert client.get(document.url).status_code == 404
    client.logout()
    assert client.get(document.url).status_code == 404


def test_an_approved_versions_documents_are_served_to_anyone(world, collections, client):
    document = stored_document(collections[0], "approved.pdf")
    approve_with(client, world, document)
    client.logout()
    response = client.get(document.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert document.url in client.get(world.page_a.get_parent().url + "disclosure/").content.decode()


def test_an_attachment_must_be_a_pdf_by_content(world, collections, client):
    fake = stored_document(collections[0], "fake.pdf", HTML, title="伪装")
    client.force_login(world.user_a)
    response = client.post(
        edit_url(world.page_a), edit_form(statements=[{**statement(), "attachment": fake.pk}])
    )
    assert response.status_code == 200 and "不接受 HTML 或 SVG" in response.content.decode()


def test_a_published_file_replaced_later_is_not_public_until_approved_again(world, collections, client):
    document = stored_document(collections[0], "replaced.pdf")
    approve_with(client, world, document)
    client.force_login(world.user_a)
    response = client.post(
        reverse("wagtaildocs:edit", args=[document.pk]),
        {
            "title": "收支明细",
            "collection": collections[0].pk,
            "file": SimpleUploadedFile("new.pdf", pdf_bytes(width=300)),
        },
    )
    assert response.status_code == 302
    client.logout()
    document.refresh_from_db()
    assert client.get(document.url).status_code == 404
    approve_with(client, world, document)
    client.logout()
    assert client.get(document.url).status_code == 200


def test_a_firm_cannot_attach_another_firms_document(world, collections, client):
    theirs = stored_document(collections[1], "b.pdf", title="乙方收支")
    client.force_login(world.user_a)
    response = client.post(
        edit_url(world.page_a), edit_form(statements=[{**statement(), "attachment": theirs.pk}])
    )
    assert response.status_code == 200 and "只能选择本企业上传的文件作为附件" in response.content.decode()


def test_an_attachment_already_there_stays_when_the_firm_saves(world, collections, client):
    """After a handover the new firm keeps the statements (and files) the old firm published."""
    theirs = stored_document(collections[1], "b.pdf", title="乙方收支")
    form = edit_form(statements=[{**statement(), "attachment": theirs.pk}])
    client.force_login(world.editor)
    assert client.post(edit_url(world.page_a), form).status_code == 302
    world.page_a.refresh_from_db()
    statement_id = world.page_a.get_latest_revision_as_object().revenue_statements.get().pk
    form = edit_form(statements=[{**statement(), "attachment": theirs.pk, "id": statement_id}])
    client.force_login(world.user_a)
    assert client.post(edit_url(world.page_a), form).status_code == 302
