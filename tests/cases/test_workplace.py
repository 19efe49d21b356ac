"""The firm's home in the admin (issue 11): open calls for cases, and its cases with the editors or
sent back with the editor's comment — never another firm's."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from cases.models import CaseCall
from cases.services import case_review, case_submit
from tests.cases.helpers import make_case
from tests.helpers import html
from tests.ratings.helpers import text_of


def home_text(client, user) -> str:
    client.force_login(user)
    return text_of(html(client.get(reverse("wagtailadmin_home"))))


def test_a_firm_sees_open_calls_and_its_cases_in_review_or_sent_back(client, world):
    CaseCall.objects.create(
        theme="电动车充电",
        description="征集充电难题的解决办法",
        deadline=timezone.localdate() + dt.timedelta(days=7),
    )
    CaseCall.objects.create(theme="已截止的主题", deadline=timezone.localdate() - dt.timedelta(days=1))
    waiting = make_case(
        firm=world.firm_a, title="楼道加装扶手", slug="handrail", live=False, owner=world.user_a
    )
    returned = make_case(
        firm=world.firm_a, title="垃圾分类积分", slug="sorting", live=False, owner=world.user_a
    )
    other = make_case(firm=world.firm_b, title="乙方的草稿", slug="other", live=False, owner=world.user_b)
    for page, user in ((waiting, world.user_a), (returned, world.user_a), (other, world.user_b)):
        case_submit(page=page, user=user)
    case_review(page=returned, user=world.editor, action="reject", comment="请补充前后对比照片")
    text = home_text(client, world.user_a)
    assert "正在征集" in text and "电动车充电" in text and "已截止的主题" not in text
    assert "退回修改" in text and "垃圾分类积分" in text and "街道意见：请补充前后对比照片" in text
    assert "街道审核中" in text and "楼道加装扶手" in text
    assert "乙方的草稿" not in text


def test_editors_do_not_get_the_firm_cases_panel(client, world):
    client.force_login(world.editor)
    assert 'id="firm-cases"' not in html(client.get(reverse("wagtailadmin_home")))
