"""Admin login throttling (SPEC §12)."""

import pytest

from django.core.cache import cache

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clean_counts():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def accounts(django_user_model):
    from portal.roles import roles_ensure

    editors = roles_ensure()["editors"]
    made = {}
    for name in ("alice", "bob"):
        user = django_user_model.objects.create_user(name, password="right-password")
        user.groups.add(editors)
        made[name] = user
    return made


def login(client, username, password):
    return client.post("/admin/login/", {"username": username, "password": password})


def test_five_failures_lock_the_account_even_for_the_right_password(client, accounts, settings):
    settings.PORTAL_LOGIN_MAX_FAILURES_PER_ACCOUNT = 5
    for _ in range(5):
        assert login(client, "alice", "wrong").status_code == 200
    response = login(client, "alice", "right-password")
    assert response.status_code == 200  # the form again, not a redirect into the admin
    assert "登录失败次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_another_account_is_not_locked_by_someone_elses_failures(client, accounts, settings):
    settings.PORTAL_LOGIN_MAX_FAILURES_PER_ACCOUNT = 5
    for _ in range(5):
        login(client, "alice", "wrong")
    assert login(client, "bob", "right-password").status_code == 302


def test_a_successful_login_resets_the_account_count(client, accounts, settings):
    settings.PORTAL_LOGIN_MAX_FAILURES_PER_ACCOUNT = 3
    login(client, "alice", "wrong")
    login(client, "alice", "wrong")
    assert login(client, "alice", "right-password").status_code == 302
    client.logout()
    login(client, "alice", "wrong")
    login(client, "alice", "wrong")
    assert login(client, "alice", "right-password").status_code == 302


def test_too_many_failures_from_one_address_lock_it(client, accounts, settings):
    settings.PORTAL_LOGIN_MAX_FAILURES_PER_ADDRESS = 4
    for name in ("u1", "u2", "u3", "u4"):
        login(client, name, "wrong")
    response = login(client, "bob", "right-password")
    assert "登录失败次数过多" in response.content.decode()


def test_public_pages_allow_only_this_sites_own_files(client):
    policy = client.get("/")["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "http" not in policy and "unsafe-inline" not in policy


def test_the_admin_keeps_wagtails_own_headers(client):
    assert "Content-Security-Policy" not in client.get("/admin/login/")


# Every route that checks a password goes through the same throttle (issue 8, item 6).


def frontend_login(client, username, password):
    return client.post("/_util/login/", {"username": username, "password": password})


def test_the_front_end_login_route_is_throttled_per_account(client, accounts, settings):
    settings.PORTAL_LOGIN_MAX_FAILURES_PER_ACCOUNT = 5
    for _ in range(8):
        assert frontend_login(client, "alice", "wrong").status_code == 200
    response = frontend_login(client, "alice", "right-password")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302  # no admin session either


def test_the_front_end_login_route_is_throttled_per_address(client, accounts, settings):
    settings.PORTAL_LOGIN_MAX_FAILURES_PER_ADDRESS = 4
    for name in ("u1", "u2", "u3", "u4"):
        frontend_login(client, name, "wrong")
    frontend_login(client, "bob", "right-password")
    assert "_auth_user_id" not in client.session


def test_failures_on_one_route_count_on_the_other(client, accounts, settings):
    settings.PORTAL_LOGIN_MAX_FAILURES_PER_ACCOUNT = 5
    for _ in range(3):
        frontend_login(client, "alice", "wrong")
    for _ in range(2):
        login(client, "alice", "wrong")
    response = login(client, "alice", "right-password")
    assert "登录失败次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_locked_account_sees_why_on_the_front_end_login_too(client, accounts, settings):
    settings.PORTAL_LOGIN_MAX_FAILURES_PER_ACCOUNT = 2
    login(client, "alice", "wrong")
    login(client, "alice", "wrong")
    assert "登录失败次数过多" in frontend_login(client, "alice", "right-password").content.decode()


def test_basic_auth_on_the_api_is_throttled_too(client, accounts, settings):
    import base64

    settings.PORTAL_LOGIN_MAX_FAILURES_PER_ACCOUNT = 3

    def api(password):
        token = base64.b64encode(f"alice:{password}".encode()).decode()
        return client.get("/api/v2/pages/", HTTP_AUTHORIZATION=f"Basic {token}")

    for _ in range(3):
        assert api("wrong").status_code in (401, 403)
    assert api("right-password").status_code in (401, 403)
    assert "登录失败次数过多" in login(client, "alice", "right-password").content.decode()


def test_a_correct_login_on_the_front_end_still_works(client, accounts):
    response = frontend_login(client, "alice", "right-password")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(accounts["alice"].pk)


def test_pages_and_collections_offer_no_shared_password():
    from wagtail.admin.forms.collections import CollectionViewRestrictionForm
    from wagtail.admin.forms.pages import PageViewRestrictionForm
    from wagtail.models import PageViewRestriction

    page_form = PageViewRestrictionForm(
        private_page_options=[c for c, _ in PageViewRestriction.RESTRICTION_CHOICES]
    )
    assert "password" not in page_form.fields
    assert PageViewRestriction.PASSWORD not in dict(page_form.fields["restriction_type"].choices)
    assert "password" not in CollectionViewRestrictionForm().fields
