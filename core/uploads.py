"""What may be uploaded (SPEC §12): documents are PDFs, known by their content rather than their
name, never HTML or SVG, and no larger than WAGTAILDOCS_MAX_UPLOAD_SIZE.

Every admin path that takes a document file (add, multiple upload, the chooser's upload tab, replacing
a document's file) builds its form from WAGTAILDOCS_DOCUMENT_FORM_BASE (core/document_forms.py),
which checks through `pdf_validate`. This module imports no model or form, so models may use it.
Images need no code here: Wagtail opens each upload with Willow and refuses a format that is not
in WAGTAILIMAGES_EXTENSIONS or does not match the file's extension, and SVG is not in that list.
"""

from pypdf import PdfReader

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

PDF_MAGIC = b"%PDF-"
SNIFF_BYTES = 1024
# Markup a browser could be talked into rendering, looked for where browsers sniff (the first KiB).
MARKUP_SIGNS = (b"<!doctype", b"<html", b"<head", b"<body", b"<script", b"<svg", b"<iframe", b"<object")


def pdf_validate(file) -> None:
    """Raise ValidationError unless `file` is a PDF: within the size cap, beginning with `%PDF-`,
    free of HTML/SVG markup where browsers sniff, and parsed by pypdf into at least one page."""
    cap = settings.WAGTAILDOCS_MAX_UPLOAD_SIZE
    if cap is not None and file.size > cap:
        raise ValidationError(
            f"文件过大（{filesizeformat(file.size)}），上限为 {filesizeformat(cap)}。", code="too_large"
        )
    file.seek(0)
    head = file.read(SNIFF_BYTES)
    file.seek(0)
    lowered = head.lower()
    if lowered.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<") or any(s in lowered for s in MARKUP_SIGNS):
        raise ValidationError("不接受 HTML 或 SVG 文件：只能上传 PDF。", code="markup")
    if not head.startswith(PDF_MAGIC):
        raise ValidationError("这不是 PDF 文件：文件内容不是 PDF 格式（只看扩展名不算数）。", code="not_pdf")
    try:
        reader = PdfReader(file, strict=False)
        encrypted = reader.is_encrypted
        pages = 0 if encrypted else len(reader.pages)
    except Exception as error:  # a malformed file can make pypdf raise almost anything
        raise ValidationError("PDF 文件已损坏，无法读取。", code="unreadable_pdf") from error
    finally:
        file.seek(0)
    if encrypted:
        raise ValidationError("不接受加密的 PDF 文件：公开的文件须能直接打开。", code="encrypted_pdf")
    if pages < 1:
        raise ValidationError("PDF 文件没有页面。", code="empty_pdf")
