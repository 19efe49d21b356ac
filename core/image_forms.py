"""Wagtail's image form for every admin upload path (WAGTAILIMAGES_IMAGE_FORM_BASE): an uploaded
image is re-encoded (SPEC §12: "images, where allowed, re-encoded"). Wagtail has already checked
that the file is an image of an allowed format (never SVG); re-encoding with Pillow then keeps the
pixels and drops everything else — EXIF with the camera's GPS position, comments, embedded
profiles or scripts, trailing bytes — and turns the picture upright as the camera meant it."""

import io

from PIL import Image, ImageOps

from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.forms import ValidationError

from wagtail.images.forms import BaseImageForm

SAVE_OPTIONS = {
    "JPEG": {"quality": 88, "optimize": True},
    "PNG": {"optimize": True},
    "WEBP": {"quality": 88},
    "GIF": {},
}


def image_reencode(upload: UploadedFile) -> SimpleUploadedFile:
    """The same picture, in the same format, with nothing but its pixels (the first frame of an
    animation). Refused, in Chinese, if Pillow cannot read it."""
    upload.seek(0)
    try:
        with Image.open(upload) as source:
            kind = source.format
            if kind not in SAVE_OPTIONS:
                raise ValidationError("不支持的图片格式：请上传 JPEG、PNG、GIF 或 WebP 图片。", code="format")
            picture = ImageOps.exif_transpose(source)
            if kind == "JPEG" and picture.mode not in ("RGB", "L"):
                picture = picture.convert("RGB")
            out = io.BytesIO()
            picture.save(out, format=kind, **SAVE_OPTIONS[kind])
    except ValidationError:
        raise
    except Exception as error:  # a malformed image can make Pillow raise almost anything
        raise ValidationError("图片文件已损坏，无法读取。", code="unreadable_image") from error
    return SimpleUploadedFile(upload.name, out.getvalue(), content_type=upload.content_type)


class ImageForm(BaseImageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("file")
        if field is not None:
            field.clean = _refusing_unreadable(field.clean)

    def clean_file(self):
        file = self.cleaned_data.get("file")
        if isinstance(file, UploadedFile):  # not when the image keeps its stored file
            return image_reencode(file)
        return file


def _refusing_unreadable(clean):
    """Wagtail's image field lets Pillow's errors out (a JPEG cut inside its headers: a 500); here
    they are a refusal like any other."""

    def checked(value, initial=None):
        try:
            return clean(value, initial)
        except ValidationError:
            raise
        except Exception as error:
            raise ValidationError("图片文件已损坏，无法读取。", code="unreadable_image") from error

    return checked
