"""The firm's home in the admin (issue 10): the disclosure of each estate it manages today, what
needs doing first — sent back with the editor's comment, never approved, overdue, in review."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from disclosures.models import DisclosurePage
from disclosures.workplace import firm_disclosures
from tests.disclosures.test_workflow import decide, submit
from tests.helpers import html
from tests.ratings.helpers import text_of


def home_text(client, user) -> str:
    client.force_login(user)
    return text_of(html(client.get(reverse("wagtailadmin_home"))))


def test_a_new_disclosure_asks_to_be_filled_in(client, world):
    text = home_text(client, world.user_a)
    panel = text[text.index("信息公开") :]
    assert world.estate_a.name in panel and "尚未公开" in panel
    assert world.estate_b.name not in text


def test_a_sent_back_disclosure_shows_the_editors_comment_first(client, world):
    decide(client, world, submit(client, world), "reject", comment="停车收入与台账不符，请核对后重新提交")
    rows = firm_disclosures(firm_ids=[world.firm_a.pk], today=timezone.localdate())
    assert [(r["estate"], r["state"]) for r in rows] == [(world.estate_a, "sent_back")]
    text = home_text(client, world.user_a)
    assert "退回修改" in text and "街道意见：停车收入与台账不符，请核对后重新提交" in text


def test_in_review_then_current_then_overdue(client, world):
    task = submit(client, world)
    assert firm_disclosures(firm_ids=[world.firm_a.pk], today=timezone.localdate())[0]["state"] == "in_review"
    decide(client, world, task, "approve")
    today = timezone.localdate()
    assert firm_disclosures(firm_ids=[world.firm_a.pk], today=today)[0]["state"] == "current"
    DisclosurePage.objects.filter(pk=world.page_a.pk).update(
        last_published_at=timezone.now() - dt.timedelta(days=200)
    )
    assert firm_disclosures(firm_ids=[world.firm_a.pk], today=today)[0]["state"] == "overdue"
    assert "已超期" in home_text(client, world.user_a)


def test_editors_do_not_get_the_firm_disclosures_panel(client, world):
    client.force_login(world.editor)
    assert 'id="firm-disclosures"' not in html(client.get(reverse("wagtailadmin_home")))
