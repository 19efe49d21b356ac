"""Case images (SPEC §6, §12): a firm's user uploads into its own firm's collection, following
Wagtail's image rules (no SVG), and never sees another firm's pictures."""

import io

import pytest
from PIL import Image as PILImage

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from wagtail.images import get_image_model
from wagtail.models import Collection

from cases.models import CaseIndexPage
from cases.services import IMAGE_COLLECTION

pytestmark = pytest.mark.django_db


def png(name="photo.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 30), (200, 120, 40)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def own_collection(client, firm) -> Collection:
    index = CaseIndexPage.objects.get()
    assert (
        client.get(reverse("wagtailadmin_pages:add", args=["cases", "casepage", index.pk])).status_code == 200
    )
    return Collection.objects.get(name__endswith=f"（{firm.credit_code}）", path__startswith=_root().path)


def _root() -> Collection:
    return Collection.objects.get(name=IMAGE_COLLECTION)


def test_a_firm_uploads_into_its_own_collection_and_not_svg(world, client):
    client.force_login(world.user_a)
    collection = own_collection(client, world.firm_a)
    response = client.post(
        reverse("wagtailimages:add"), {"title": "扶手", "file": png(), "collection": collection.pk}
    )
    assert response.status_code == 302
    assert get_image_model().objects.get(title="扶手").collection == collection

    svg = SimpleUploadedFile(
        "x.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>', content_type="image/svg+xml"
    )
    client.post(reverse("wagtailimages:add"), {"title": "矢量图", "file": svg, "collection": collection.pk})
    assert not get_image_model().objects.filter(title="矢量图").exists()

    root = Collection.get_first_root_node()
    client.post(
        reverse("wagtailimages:add"), {"title": "放错地方", "file": png("b.png"), "collection": root.pk}
    )
    assert not get_image_model().objects.filter(title="放错地方", collection=root).exists()


def test_a_firm_never_sees_another_firms_images(world, client):
    client.force_login(world.user_a)
    collection = own_collection(client, world.firm_a)
    client.post(
        reverse("wagtailimages:add"), {"title": "甲方现场图", "file": png(), "collection": collection.pk}
    )
    client.force_login(world.user_b)
    own_collection(client, world.firm_b)
    chooser = client.get(reverse("wagtailimages_chooser:choose")).content.decode()
    assert "甲方现场图" not in chooser
    assert client.get(reverse("wagtailimages:index")).status_code in (200, 302, 403)
    assert "甲方现场图" not in client.get(reverse("wagtailimages:index")).content.decode()
