"""Wagtail's document form for every admin upload path (WAGTAILDOCS_DOCUMENT_FORM_BASE): a newly
uploaded file must pass core.uploads.pdf_validate."""

from django.core.files.uploadedfile import UploadedFile

from wagtail.documents.forms import BaseDocumentForm

from core.uploads import pdf_validate


class DocumentForm(BaseDocumentForm):
    """Wagtail's document form (WAGTAILDOCS_DOCUMENT_FORM_BASE), checking a newly uploaded file."""

    def clean_file(self):
        file = self.cleaned_data.get("file")
        if isinstance(file, UploadedFile):  # not when the document keeps its stored file
            pdf_validate(file)
        return file
