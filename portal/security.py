"""Login throttling (SPEC §12): failed logins are counted per account and per address in the
shared cache (Redis in production, so every app server sees the same counts).

The throttle sits in the authentication backend, so every password check goes through it whatever
route asks: the admin login, Wagtail's front-end `/_util/login/`, HTTP Basic on the API. The login
forms only say why a locked account is refused."""

import hashlib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.core.exceptions import ValidationError

from wagtail.admin.forms.auth import LoginForm


def _keys(username: str, address: str) -> tuple[str, str]:
    user_hash = hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]
    return f"portal:login-fail:user:{user_hash}", f"portal:login-fail:addr:{address}"


def client_address(request) -> str | None:
    """The caller's address, or None when there is no request (a management command, a test)."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or "unknown"


def login_locked(*, username: str, address: str | None) -> bool:
    user_key, addr_key = _keys(username, address or "")
    if cache.get(user_key, 0) >= settings.PORTAL_LOGIN_MAX_FAILURES_PER_ACCOUNT:
        return True
    return address is not None and cache.get(addr_key, 0) >= settings.PORTAL_LOGIN_MAX_FAILURES_PER_ADDRESS


def login_failure_record(*, username: str, address: str | None) -> None:
    user_key, addr_key = _keys(username, address or "")
    for key in [user_key] if address is None else [user_key, addr_key]:
        cache.add(key, 0, settings.PORTAL_LOGIN_LOCKOUT_SECONDS)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, settings.PORTAL_LOGIN_LOCKOUT_SECONDS)


def login_success_record(*, username: str) -> None:
    cache.delete(_keys(username, "")[0])


class ThrottledModelBackend(ModelBackend):
    """Django's username and password check, refused outright while the account or the address is
    locked; every failure counts toward both locks and a success clears the account's count."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        address = client_address(request)
        if login_locked(username=username, address=address):
            return None
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            login_failure_record(username=username, address=address)
        else:
            login_success_record(username=username)
        return user


class LockoutMessageMixin:
    """Says why a locked account or address is refused; the counting is ThrottledModelBackend's."""

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        if username and login_locked(username=username, address=client_address(self.request)):
            minutes = settings.PORTAL_LOGIN_LOCKOUT_SECONDS // 60
            raise ValidationError(f"登录失败次数过多，请 {minutes} 分钟后再试。", code="throttled")
        return super().clean()


class ThrottledLoginForm(LockoutMessageMixin, LoginForm):
    """The admin's login form (WAGTAILADMIN_USER_LOGIN_FORM). Wagtail leaves the password field
    without a label (Django then shows the English "Password") and glues its placeholder together
    from an English template: both said in Chinese here."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs["placeholder"] = "输入用户名"
        self.fields["password"].label = "密码"


class ThrottledFrontendLoginForm(LockoutMessageMixin, AuthenticationForm):
    """The form of Wagtail's front-end login, `/_util/login/` (portal/urls.py)."""
