"""What may be uploaded (SPEC §12): documents are PDFs by content, never HTML or SVG, size-capped,
on every admin upload path; images are never SVG."""

import io

import pytest
from pypdf import PdfWriter

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection

from core.uploads import pdf_validate

pytestmark = pytest.mark.django_db

HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
# Starts like a PDF, is not one: browsers sniffing it would find the HTML.
FAKE_PDF = b"%PDF-1.7\n<html><body><script>alert(1)</script></body></html>"


def pdf_bytes(*, password: str = "") -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if password:
        writer.encrypt(password, algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("root", password="pw")
    client.force_login(user)
    return client


def root_collection_id() -> int:
    return Collection.get_first_root_node().pk


def add_document(client, name: str, content: bytes):
    return client.post(
        reverse("wagtaildocs:add"),
        {"title": "公示材料", "collection": root_collection_id(), "file": upload(name, content)},
    )


def add_multiple(client, name: str, content: bytes):
    response = client.post(
        reverse("wagtaildocs:add_multiple"),
        {"collection": root_collection_id(), "files[]": upload(name, content)},
    )
    return response.json()


def add_in_chooser(client, name: str, content: bytes):
    return client.post(
        reverse("wagtaildocs_chooser:create"),
        {
            "document-chooser-upload-title": "公示材料",
            "document-chooser-upload-collection": root_collection_id(),
            "document-chooser-upload-file": upload(name, content),
        },
    )


BAD = [
    pytest.param("notice.pdf", HTML, id="html-named-pdf"),
    pytest.param("notice.pdf", SVG, id="svg-named-pdf"),
    pytest.param("notice.pdf", FAKE_PDF, id="pdf-header-without-a-pdf"),
    pytest.param("notice.pdf", b"", id="empty"),
]


@pytest.mark.parametrize(("name", "content"), BAD)
def test_the_add_form_refuses_what_is_not_a_pdf(admin_client, name, content):
    response = add_document(admin_client, name, content)
    assert response.status_code == 200  # the form again, with the error
    assert not get_document_model().objects.exists()


def test_the_add_form_says_why_an_html_file_is_refused(admin_client):
    response = add_document(admin_client, "notice.pdf", HTML)
    assert "不接受 HTML" in response.content.decode()


@pytest.mark.parametrize(("name", "content"), BAD)
def test_the_multiple_uploader_refuses_what_is_not_a_pdf(admin_client, name, content):
    data = add_multiple(admin_client, name, content)
    assert data["success"] is False and data["error_message"]
    assert not get_document_model().objects.exists()


@pytest.mark.parametrize(("name", "content"), BAD)
def test_the_chooser_upload_refuses_what_is_not_a_pdf(admin_client, name, content):
    add_in_chooser(admin_client, name, content)
    assert not get_document_model().objects.exists()


def test_replacing_a_documents_file_is_checked_too(admin_client):
    assert add_document(admin_client, "notice.pdf", pdf_bytes()).status_code == 302
    document = get_document_model().objects.get()
    original = document.file.name
    response = admin_client.post(
        reverse("wagtaildocs:edit", args=[document.pk]),
        {"title": "公示材料", "collection": root_collection_id(), "file": upload("notice.pdf", HTML)},
    )
    assert response.status_code == 200
    document.refresh_from_db()
    assert document.file.name == original


def test_editing_a_documents_title_keeps_its_file(admin_client):
    add_document(admin_client, "notice.pdf", pdf_bytes())
    document = get_document_model().objects.get()
    response = admin_client.post(
        reverse("wagtaildocs:edit", args=[document.pk]),
        {"title": "新标题", "collection": root_collection_id()},
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.title == "新标题"


def test_a_real_pdf_is_accepted_on_every_path(admin_client):
    assert add_document(admin_client, "a.pdf", pdf_bytes()).status_code == 302
    assert add_multiple(admin_client, "b.pdf", pdf_bytes())["success"] is True
    assert add_in_chooser(admin_client, "c.pdf", pdf_bytes()).status_code == 200
    assert get_document_model().objects.count() == 3


@pytest.mark.parametrize("name", ["notice.html", "notice.svg", "notice.htm"])
def test_html_and_svg_names_are_refused(admin_client, name):
    add_document(admin_client, name, pdf_bytes())
    assert not get_document_model().objects.exists()


def test_documents_are_size_capped(admin_client, settings):
    content = pdf_bytes()
    settings.WAGTAILDOCS_MAX_UPLOAD_SIZE = len(content) - 1
    add_document(admin_client, "big.pdf", content)
    data = add_multiple(admin_client, "big.pdf", content)
    assert data["success"] is False
    assert not get_document_model().objects.exists()


@pytest.mark.parametrize(
    ("content", "code"),
    [
        pytest.param(HTML, "markup", id="html"),
        pytest.param(b"\xef\xbb\xbf  " + SVG, "markup", id="svg-after-a-bom"),
        pytest.param(FAKE_PDF, "markup", id="pdf-header-then-html"),
        pytest.param(b"just some text", "not_pdf", id="text"),
        pytest.param(b"%PDF-1.4\n" + bytes(range(256)) * 8, "unreadable_pdf", id="garbage-after-the-header"),
        pytest.param(pdf_bytes()[:400], "unreadable_pdf", id="truncated"),
        pytest.param(pdf_bytes(password="secret"), "encrypted_pdf", id="encrypted"),
    ],
)
def test_pdf_validate_says_what_is_wrong(content, code):
    with pytest.raises(ValidationError) as refused:
        pdf_validate(upload("notice.pdf", content))
    assert refused.value.code == code


def test_pdf_validate_leaves_the_file_ready_to_be_saved():
    file = upload("notice.pdf", pdf_bytes())
    pdf_validate(file)
    assert file.read(5) == b"%PDF-"


def test_the_cap_holds_without_wagtails_field(settings):
    content = pdf_bytes()
    settings.WAGTAILDOCS_MAX_UPLOAD_SIZE = len(content) - 1
    with pytest.raises(ValidationError) as refused:
        pdf_validate(upload("big.pdf", content))
    assert refused.value.code == "too_large"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        pytest.param("logo.svg", SVG, id="svg"),
        pytest.param("logo.png", SVG, id="svg-named-png"),
    ],
)
def test_images_are_never_svg(admin_client, name, content):
    admin_client.post(
        reverse("wagtailimages:add"),
        {
            "title": "标志",
            "collection": root_collection_id(),
            "file": SimpleUploadedFile(name, content, content_type="image/png"),
        },
    )
    assert not get_image_model().objects.exists()


def test_svg_is_not_an_allowed_image_extension():
    from wagtail.images.utils import get_allowed_image_extensions

    assert "svg" not in get_allowed_image_extensions()
