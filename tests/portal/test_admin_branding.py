"""The admin as the portal's own (issue 13): its name and mark on the login page, the sidebar and
the tab; Chinese for everyone; no Wagtail guides for firms, the committee and editors; no site
summary ("125 Pages") on a firm's home."""

import re

import pytest

from django.conf import settings
from django.urls import reverse

from portal.roles import firm_account_group_ensure, roles_ensure
from tests.factories import FirmFactory
from tests.helpers import html, make_user

pytestmark = pytest.mark.django_db

WAGTAIL_GUIDE = "guide.wagtail.org"


@pytest.fixture
def people():
    roles = roles_ensure()
    firm = FirmFactory()
    return {
        "firm": make_user("firm", roles["firms"], firm_account_group_ensure(firm=firm)),
        "committee": make_user("committee", roles["committee"]),
        "editor": make_user("editor", roles["editors"]),
        "admin": make_user("admin", superuser=True),
    }


def home(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    return html(response)


def test_the_login_page_carries_the_portals_name_and_mark_in_chinese(client):
    body = html(client.get(reverse("wagtailadmin_login")))
    assert f"<title>登录 - {settings.WAGTAIL_SITE_NAME}</title>" in body
    assert f"<h1>登录{settings.WAGTAIL_SITE_NAME}工作后台</h1>" in body
    assert 'class="portal-mark portal-login-brand__mark"' in body  # inline, nothing fetched
    assert 'rel="icon" href="/static/img/favicon.svg"' in body and "favicon.ico" not in body
    assert "Sign in to Wagtail" not in body and "icon-wagtail" not in body
    # Wagtail leaves the password unlabelled (Django then says "Password").
    assert re.search(r'<label[^>]* for="id_password"[^>]*>\s*密码', body)
    assert 'placeholder="输入用户名"' in body


@pytest.mark.parametrize("who", ["firm", "committee", "editor"])
def test_the_sidebar_shows_the_portal_and_no_wagtail_guide(client, people, who):
    body = home(client, people[who])
    assert '<span class="portal-admin-brand__name">阳光物业</span>' in body
    assert "/static/css/admin.css" in body
    assert WAGTAIL_GUIDE not in body and "editor guide" not in body
    assert "keyboard-shortcuts-trigger" in body  # the help menu keeps the keyboard shortcuts


def test_a_superuser_still_has_wagtails_guide(client, people):
    assert WAGTAIL_GUIDE in home(client, people["admin"])


def test_a_firm_sees_no_site_summary_but_an_editor_does(client, people):
    assert 'class="w-summary"' not in home(client, people["firm"])
    assert 'class="w-summary"' in home(client, people["editor"])


def test_the_admin_speaks_only_chinese_even_to_an_account_that_chose_english(client, people):
    from wagtail.users.models import UserProfile

    assert [code for code, _ in settings.WAGTAILADMIN_PERMITTED_LANGUAGES] == ["zh-hans"]
    body = home(client, people["firm"])
    assert '<html lang="zh-hans"' in body
    profile = UserProfile.get_for_user(people["firm"])
    assert profile.get_preferred_language() == "zh-hans"
    account = html(client.get(reverse("wagtailadmin_account")))
    # Nothing to switch to: Wagtail drops the locale section (language and time zone) altogether.
    assert (
        'name="locale-preferred_language"' not in account and 'name="locale-current_time_zone"' not in account
    )
    assert "Africa/Abidjan" not in account


PO = settings.BASE_DIR / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def _po_entries() -> dict[str, str]:
    """msgid → first msgstr of the project's catalog (one-line entries, as that file keeps them)."""
    entries = {}
    for block in PO.read_text(encoding="utf-8").split("\n\n")[1:]:
        msgid = re.search(r'^msgid "(.*)"$', block, re.M).group(1)
        msgstr = re.search(r'^msgstr(?:\[0\])? "(.*)"$', block, re.M).group(1)
        entries[msgid.replace('\\"', '"')] = msgstr.replace('\\"', '"')
    return entries


def test_the_compiled_catalog_matches_its_source():
    """The .mo is committed (no gettext tools needed to run the portal): it must say what the .po says."""
    import gettext

    with PO.with_suffix(".mo").open("rb") as compiled:
        catalog = gettext.GNUTranslations(compiled)
    entries = _po_entries()
    assert len(entries) >= 20
    for msgid, msgstr in entries.items():
        assert catalog._catalog.get(msgid, catalog._catalog.get((msgid, 0))) == msgstr, msgid


def test_wagtail_strings_its_catalog_leaves_in_english_read_in_chinese(client, people):
    body = home(client, people["editor"])
    assert 'placeholder="搜索所有页面…"' in body and "Search all pages" not in body
    assert re.search(r"\d+ 个页面<span class=\"w-sr-only\">（阳光物业）</span>", body)


def test_the_estate_list_says_whether_an_estate_is_registered_in_chinese(client, people):
    from tests.factories import EstateFactory

    EstateFactory(active=True)
    EstateFactory(active=False)
    client.force_login(people["editor"])
    body = re.sub(r"\s+", "", html(client.get(reverse("estates:index"))))
    assert ">在册</td>" in body and ">已退出</td>" in body
    assert ">True<" not in body and ">False<" not in body


def test_the_admins_page_not_found_shows_the_portals_mark(client, people):
    client.force_login(people["editor"])
    response = client.get("/admin/no-such-screen/")
    body = response.content.decode()
    assert response.status_code == 404
    assert 'class="portal-mark portal-404-mark"' in body and "icon-wagtail" not in body
    assert f"- {settings.WAGTAIL_SITE_NAME}</title>" in body
