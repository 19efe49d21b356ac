"""Evidence attached to an appeal (SPEC §4, §12; issue 10: "appeals gain evidence attachments under
the same document rules"): PDFs by content, size-capped, at most five; a refused file leaves no file
and no row; the evidence is seen by the firm that filed it, editors and the committee, never by
another firm or anonymously, and always as a download."""

import pytest

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ratings.models import Appeal, AppealEvidence
from ratings.services import appeals
from tests.helpers import pdf_bytes
from tests.ratings.admin.test_publication import REASON, people, score  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

HTML_NAMED_PDF = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def pdf(name="证据.pdf", content=None):
    return SimpleUploadedFile(
        name, pdf_bytes() if content is None else content, content_type="application/pdf"
    )


def file_appeal(client, user, *files):
    client.force_login(user)
    return client.post(
        reverse("appeals:add"), {"score": score("E1").pk, "reason": REASON, "evidence": list(files)}
    )


def private_storage():
    return AppealEvidence._meta.get_field("file").storage


def stored_files() -> list[str]:
    storage = private_storage()
    found = []

    def walk(folder):
        folders, files = storage.listdir(folder)
        found.extend(f"{folder}/{name}" for name in files)
        for sub in folders:
            walk(f"{folder}/{sub}")

    if storage.exists("appeals"):
        walk("appeals")
    return found


@pytest.fixture(autouse=True)
def _empty_private_storage():
    for name in stored_files():
        private_storage().delete(name)


def test_a_firm_files_an_appeal_with_two_pdfs_and_sees_them_listed(client, people):  # noqa: F811
    response = file_appeal(client, people["firm_a"], pdf("业主抽样记录.pdf"), pdf("照片说明.pdf"))
    appeal = Appeal.objects.get()
    assert response.status_code == 302
    assert [e.original_name for e in appeal.evidence.all()] == ["业主抽样记录.pdf", "照片说明.pdf"]
    assert len(stored_files()) == 2
    detail = client.get(reverse("appeals:inspect", args=[appeal.pk])).content.decode()
    for item in appeal.evidence.all():
        assert reverse("appeals:evidence", args=[item.pk]) in detail and item.original_name in detail


def test_an_appeal_without_evidence_is_still_filed(client, people):  # noqa: F811
    assert file_appeal(client, people["firm_a"]).status_code == 302
    assert Appeal.objects.get().evidence.count() == 0


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("证据.pdf", HTML_NAMED_PDF, "不接受 HTML 或 SVG 文件"),
        ("截断.pdf", pdf_bytes()[:200], "PDF 文件已损坏"),
        ("图.svg", SVG, "不接受 HTML 或 SVG 文件"),
        ("文本.pdf", b"just some text, not a PDF at all", "这不是 PDF 文件"),
    ],
    ids=["html-named-pdf", "truncated-pdf", "svg", "not-a-pdf"],
)
def test_a_file_that_is_not_a_pdf_is_refused_and_nothing_is_left(client, people, name, content, message):  # noqa: F811
    response = file_appeal(client, people["firm_a"], pdf("好的.pdf"), pdf(name, content))
    page = response.content.decode()
    assert response.status_code == 200 and message in page and name in page
    assert not Appeal.objects.exists() and not AppealEvidence.objects.exists()
    assert stored_files() == []


def test_an_oversized_pdf_is_refused_with_the_cap_named(client, people, settings):  # noqa: F811
    settings.WAGTAILDOCS_MAX_UPLOAD_SIZE = len(pdf_bytes()) - 1
    response = file_appeal(client, people["firm_a"], pdf("大文件.pdf"))
    assert response.status_code == 200 and "文件过大" in response.content.decode()
    assert not Appeal.objects.exists() and stored_files() == []


def test_more_than_five_files_are_refused(client, people):  # noqa: F811
    response = file_appeal(client, people["firm_a"], *[pdf(f"{i}.pdf") for i in range(6)])
    assert "最多上传 5 个证据文件" in response.content.decode()
    assert not Appeal.objects.exists() and stored_files() == []


def test_a_failure_while_storing_leaves_no_file_behind(people, monkeypatch):  # noqa: F811
    saved = AppealEvidence.save

    def fail_on_second(self, *args, **kwargs):
        if AppealEvidence.objects.exists():
            raise RuntimeError("disk full")
        return saved(self, *args, **kwargs)

    monkeypatch.setattr(AppealEvidence, "save", fail_on_second)
    with pytest.raises(RuntimeError):
        appeals.appeal_submit(
            user=people["firm_a"], score=score("E1"), reason=REASON, evidence=[pdf(), pdf()]
        )
    assert not Appeal.objects.exists() and not AppealEvidence.objects.exists()
    assert stored_files() == []


def test_the_evidence_is_served_to_its_firm_editors_and_the_committee_only(client, people):  # noqa: F811
    appeal = appeals.appeal_submit(
        user=people["firm_a"], score=score("E1"), reason=REASON, evidence=[pdf("抽样记录.pdf")]
    )
    url = reverse("appeals:evidence", args=[appeal.evidence.get().pk])
    for role in ("firm_a", "editor", "committee"):
        client.force_login(people[role])
        response = client.get(url)
        assert response.status_code == 200, role
        assert b"".join(response.streaming_content) == pdf_bytes()
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
    for role in ("editor", "committee"):  # the appeal's detail lists the evidence for them too
        client.force_login(people[role])
        assert "抽样记录.pdf" in client.get(reverse("appeals:inspect", args=[appeal.pk])).content.decode()
    client.force_login(people["firm_b"])
    assert client.get(url).status_code == 404
    assert client.get(reverse("appeals:evidence", args=[999999])).status_code == 404
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("wagtailadmin_login"))


def test_the_stored_file_is_outside_the_public_media_and_named_by_us(people):  # noqa: F811
    appeal = appeals.appeal_submit(
        user=people["firm_a"], score=score("E1"), reason=REASON, evidence=[pdf("../../etc/passwd.pdf")]
    )
    evidence = appeal.evidence.get()
    assert evidence.file.storage is not default_storage
    assert evidence.file.name.startswith("appeals/") and "passwd" not in evidence.file.name
    assert evidence.original_name.endswith("passwd.pdf")
