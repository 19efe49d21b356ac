"""Chinese phone numbers on disclosures (SPEC §5: project manager, 24-hour hotline, complaint
channels): validated, stored in one normal form, and offered as `tel:` links that a phone dials.

Normal forms: a mobile number as its 11 digits (13812345678); a landline as area code, a hyphen
and the local number (010-12345678, 0755-1234567), with an extension after 转 (010-12345678转123);
a public service number as dialled (12345, 4008123456).
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.db import models

PHONE_INVALID = (
    "请填写有效的电话号码：11 位手机号，或带区号的固定电话（如 010-12345678），或 12345 等服务热线。"
)

MOBILE = re.compile(r"1[3-9]\d{9}")
SERVICE = re.compile(r"12\d{3}|[48]00\d{7}")
# Area codes: 010 and 020–029 for the big cities, 03xx–09xx elsewhere.
AREA = re.compile(r"0(?:10|2\d|[3-9]\d{2})")
LOCAL = re.compile(r"[2-9]\d{6,7}")
SEPARATORS = re.compile(r"[\s\-—–()（）.]")
EXTENSION = re.compile(r"(?:转|ext\.?|x|#)(\d{1,6})$", re.IGNORECASE)


def phone_normalize(raw: str) -> str:
    """The number in its normal form, or ValidationError (in Chinese) if it is not one."""
    text = unicodedata.normalize("NFKC", raw or "").strip()
    extension = ""
    if match := EXTENSION.search(text):
        extension, text = match.group(1), text[: match.start()]
    digits = SEPARATORS.sub("", text)
    international = False
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            digits, international = digits[len(prefix) :], True
    if not digits.isdigit():
        raise ValidationError(PHONE_INVALID, code="invalid_phone")
    if MOBILE.fullmatch(digits) and not extension:
        return digits
    if SERVICE.fullmatch(digits) and not extension and not international:
        return digits
    if international and not digits.startswith("0"):
        digits = "0" + digits  # +86 10 12345678 is 010-12345678
    area = AREA.match(digits)
    local = digits[area.end() :] if area else ""
    if not (area and LOCAL.fullmatch(local)):
        raise ValidationError(PHONE_INVALID, code="invalid_phone")
    return f"{area.group()}-{local}" + (f"转{extension}" if extension else "")


def tel_href(phone: str) -> str:
    """A `tel:` URI (RFC 3966) for a normalised number: global (+86) where it has one."""
    if not phone:
        return ""
    number, _, extension = phone.partition("转")
    if MOBILE.fullmatch(number):
        return f"tel:+86{number}"
    if SERVICE.fullmatch(number):
        return f"tel:{number}"
    area, _, local = number.partition("-")
    return f"tel:+86{area[1:]}{local}" + (f";ext={extension}" if extension else "")


class PhoneField(models.CharField):
    """A phone number, normalised whenever the model is cleaned (`full_clean`, admin forms)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 24)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return value
        return phone_normalize(value)
