"""Login throttling for the admin (SPEC §12): failed logins are counted per account and per
address in the shared cache (Redis in production, so every app server sees the same counts)."""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError

from wagtail.admin.forms.auth import LoginForm


def _keys(username: str, address: str) -> tuple[str, str]:
    user_hash = hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]
    return f"portal:login-fail:user:{user_hash}", f"portal:login-fail:addr:{address}"


def client_address(request) -> str:
    return (request.META.get("REMOTE_ADDR") or "unknown") if request else "unknown"


def login_locked(*, username: str, address: str) -> bool:
    user_key, addr_key = _keys(username, address)
    return (cache.get(user_key, 0) >= settings.PORTAL_LOGIN_MAX_FAILURES_PER_ACCOUNT) or (
        cache.get(addr_key, 0) >= settings.PORTAL_LOGIN_MAX_FAILURES_PER_ADDRESS
    )


def login_failure_record(*, username: str, address: str) -> None:
    for key in _keys(username, address):
        cache.add(key, 0, settings.PORTAL_LOGIN_LOCKOUT_SECONDS)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, settings.PORTAL_LOGIN_LOCKOUT_SECONDS)


def login_success_record(*, username: str) -> None:
    cache.delete(_keys(username, "")[0])


class ThrottledLoginForm(LoginForm):
    """Wagtail's login form, refusing further attempts after too many failures."""

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        address = client_address(self.request)
        if login_locked(username=username, address=address):
            minutes = settings.PORTAL_LOGIN_LOCKOUT_SECONDS // 60
            raise ValidationError(f"登录失败次数过多，请 {minutes} 分钟后再试。", code="throttled")
        try:
            cleaned = super().clean()
        except ValidationError:
            login_failure_record(username=username, address=address)
            raise
        login_success_record(username=username)
        return cleaned
