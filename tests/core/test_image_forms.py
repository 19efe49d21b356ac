"""Uploaded images are re-encoded (SPEC §12, issue 10): the pixels stay, the camera's EXIF (GPS
position included) goes, the picture is turned upright, and what Pillow cannot read is refused."""

import io

import pytest
from PIL import Image as PILImage

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from wagtail.images import get_image_model
from wagtail.images.forms import get_image_form
from wagtail.models import Collection

pytestmark = pytest.mark.django_db

GPS_IFD, ORIENTATION, ROTATE_90_CW = 0x8825, 0x0112, 6


def photo(width=40, height=20, *, fmt="JPEG") -> bytes:
    """A camera photo: landscape pixels, stored with 'turn 90°' and a GPS position in its EXIF."""
    exif = PILImage.Exif()
    exif[ORIENTATION] = ROTATE_90_CW
    exif[GPS_IFD] = {1: "N", 2: (39.0, 54.0, 27.0), 3: "E", 4: (116.0, 23.0, 17.0)}
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), (200, 30, 30)).save(buffer, fmt, exif=exif)
    return buffer.getvalue()


def upload(name, data, content_type="image/jpeg"):
    form_class = get_image_form(get_image_model())
    form = form_class(
        data={"title": "楼道扶手", "collection": Collection.get_first_root_node().pk},
        files={"file": SimpleUploadedFile(name, data, content_type=content_type)},
    )
    return form


def test_a_photo_loses_its_exif_and_stands_upright():
    assert PILImage.open(io.BytesIO(photo())).getexif().get(GPS_IFD) is not None
    form = upload("photo.jpg", photo())
    assert form.is_valid(), form.errors
    image = form.save()
    with image.file.open() as stored, PILImage.open(stored) as picture:
        assert picture.format == "JPEG"
        assert not picture.getexif()  # no GPS, no orientation, nothing
        assert picture.size == (20, 40)  # turned as the camera meant it
    assert (image.width, image.height) == (20, 40)


def test_a_png_stays_a_png_without_its_metadata():
    buffer = io.BytesIO()
    info = __import__("PIL.PngImagePlugin", fromlist=["PngInfo"]).PngInfo()
    info.add_text("Comment", "<script>alert(1)</script>")
    PILImage.new("RGBA", (10, 10), (0, 0, 0, 0)).save(buffer, "PNG", pnginfo=info)
    form = upload("chart.png", buffer.getvalue(), "image/png")
    assert form.is_valid(), form.errors
    with form.save().file.open() as stored:
        data = stored.read()
    assert data.startswith(b"\x89PNG") and b"<script>" not in data


def test_an_html_file_named_png_and_a_truncated_jpeg_are_refused():
    html = upload("evil.png", b"<html><script>alert(1)</script></html>", "image/png")
    assert not html.is_valid() and html.errors["file"]
    truncated = upload("cut.jpg", photo()[:200])
    assert not truncated.is_valid() and "图片文件已损坏" in str(truncated.errors["file"])


def test_the_admin_upload_view_re_encodes_too(admin_client):
    response = admin_client.post(
        reverse("wagtailimages:add"),
        {
            "title": "案例图片",
            "collection": Collection.get_first_root_node().pk,
            "file": SimpleUploadedFile("photo.jpg", photo(), content_type="image/jpeg"),
        },
    )
    assert response.status_code == 302, response.content[:500]
    image = get_image_model().objects.get(title="案例图片")
    with image.file.open() as stored, PILImage.open(stored) as picture:
        assert not picture.getexif() and picture.size == (20, 40)
