"""Who reaches which admin view (SPEC §1, §12 "per-firm object permissions over every admin view").

The matrix below lists every admin URL the ratings app registers (a test checks that none is
missing) with the outcome expected for each role. Firm users see only their own firm's rows.
"""

import datetime as dt

import pytest

from django.urls import get_resolver, reverse
from django.utils import timezone

from wagtail.models import Page, Site

from portal.roles import firm_account_group_ensure, roles_ensure
from ratings.models import HotlineMonth, MonthlyScore, Scheme
from ratings.services.imports import import_batch_create
from tests.factories import EstateFactory, FirmFactory, ServiceContractFactory
from tests.helpers import make_user

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "firm1", "firm2", "committee", "editor", "superuser")
# DENIED is Wagtail's refusal: a 403 for XHR, otherwise a redirect to the dashboard with the message
# "Sorry, you do not have permission…" (wagtail.admin.auth.permission_denied). Both count as 403.
OK, LOGIN, DENIED, MISSING, MOVED, NOT_ALLOWED = 200, "302 login", 403, 404, "302 onward", 405
GET, POST = "get", "post"

# Every URL is reversed with a real object id: (url name, method, object key | None, expected per role).
REGISTRY_VIEWSETS = ("estates", "firms", "contracts", "communities", "streets", "groups")
REGISTRY_ROWS = [
    # view name       object   anonymous firm1  firm2   committee editor superuser
    ("index",           None,   (LOGIN, DENIED, DENIED, OK,     OK,     OK)),
    ("index_results",   None,   (LOGIN, DENIED, DENIED, OK,     OK,     OK)),
    ("add",             None,   (LOGIN, DENIED, DENIED, DENIED, OK,     OK)),
    ("edit",            "obj",  (LOGIN, DENIED, DENIED, DENIED, OK,     OK)),
    # Registry history is kept: nobody but a superuser deletes a record.
    ("delete",          "obj",  (LOGIN, DENIED, DENIED, DENIED, DENIED, OK)),
    ("history",         "obj",  (LOGIN, DENIED, DENIED, DENIED, OK,     OK)),
    ("history_results", "obj",  (LOGIN, DENIED, DENIED, DENIED, OK,     OK)),
    ("usage",           "obj",  (LOGIN, DENIED, DENIED, DENIED, OK,     OK)),
]  # fmt: skip

MATRIX = [
    *[
        (f"{viewset}:{name}", GET, viewset if key else None, expected)
        for viewset in REGISTRY_VIEWSETS
        for name, key, expected in REGISTRY_ROWS
    ],
    # url name                         method object      anonymous firm1  firm2    committee editor superuser
    ("estates:inspect",                GET,  "estates",   (LOGIN, DENIED,  DENIED,  OK,     OK,     OK)),
    ("firms:inspect",                  GET,  "firms",     (LOGIN, DENIED,  DENIED,  OK,     OK,     OK)),
    # Monthly scores and 12345 figures: everyone signed in lists them, each firm only its own rows.
    ("monthly_scores:index",           GET,  None,        (LOGIN, OK,      OK,      OK,     OK,     OK)),
    ("monthly_scores:index_results",   GET,  None,        (LOGIN, OK,      OK,      OK,     OK,     OK)),
    ("monthly_scores:inspect",         GET,  "score1",    (LOGIN, OK,      MISSING, OK,     OK,     OK)),
    ("monthly_scores:inspect",         GET,  "score2",    (LOGIN, MISSING, OK,      OK,     OK,     OK)),
    ("hotline_months:index",           GET,  None,        (LOGIN, OK,      OK,      OK,     OK,     OK)),
    ("hotline_months:index_results",   GET,  None,        (LOGIN, OK,      OK,      OK,     OK,     OK)),
    ("hotline_months:inspect",         GET,  "hotline1",  (LOGIN, OK,      MISSING, OK,     OK,     OK)),
    ("hotline_months:inspect",         GET,  "hotline2",  (LOGIN, MISSING, OK,      OK,     OK,     OK)),
    # Imports: editors (and superusers) only; a batch is its uploader's (the editor's here).
    ("ratings_imports:form",           GET,  None,        (LOGIN, DENIED,  DENIED,  DENIED, OK,     OK)),
    ("ratings_imports:batch",          GET,  "batch",     (LOGIN, DENIED,  DENIED,  DENIED, OK,     OK)),
    ("ratings_imports:apply",          POST, "batch",     (LOGIN, DENIED,  DENIED,  DENIED, MOVED,  MOVED)),
    ("ratings_imports:apply",          GET,  "batch",     (LOGIN, DENIED,  DENIED,  DENIED, NOT_ALLOWED, NOT_ALLOWED)),
    ("ratings_imports:template",       GET,  "template",  (LOGIN, DENIED,  DENIED,  DENIED, OK,     OK)),
    # Appeals (SPEC §4): a firm lists and files its own; another firm's appeal does not exist for it.
    # Filing is a firm's act (the service refuses anyone else), so not even a superuser files one.
    # Editors decide; the committee reads every appeal but decides none.
    ("appeals:index",                  GET,  None,        (LOGIN, OK,      OK,      OK,     OK,     OK)),
    ("appeals:index_results",          GET,  None,        (LOGIN, OK,      OK,      OK,     OK,     OK)),
    ("appeals:add",                    GET,  None,        (LOGIN, OK,      OK,      DENIED, DENIED, DENIED)),
    ("appeals:add",                    POST, None,        (LOGIN, OK,      OK,      DENIED, DENIED, DENIED)),
    ("appeals:inspect",                GET,  "appeal1",   (LOGIN, OK,      MISSING, OK,     OK,     OK)),
    ("appeals:inspect",                GET,  "appeal2",   (LOGIN, MISSING, OK,      OK,     OK,     OK)),
    ("appeals:decide",                 GET,  "appeal1",   (LOGIN, DENIED,  MISSING, DENIED, OK,     OK)),
    ("appeals:decide",                 POST, "appeal1",   (LOGIN, DENIED,  MISSING, DENIED, OK,     OK)),
    ("appeals:decide",                 POST, "appeal2",   (LOGIN, MISSING, DENIED,  DENIED, OK,     OK)),
    # Evidence: a download for those who may see its appeal; for another firm it does not exist.
    ("appeals:evidence",               GET,  "evidence1", (LOGIN, OK,      MISSING, OK,     OK,     OK)),
    # Quarters: the committee sees their state (and approves through the page workflow); only
    # editors and superusers compute, submit and open corrections.
    ("ratings_quarters:index",         GET,  None,        (LOGIN, DENIED,  DENIED,  OK,     OK,     OK)),
    ("schemes:index",                  GET,  None,        (LOGIN, DENIED,  DENIED,  OK,     OK,     OK)),
    ("schemes:index_results",          GET,  None,        (LOGIN, DENIED,  DENIED,  OK,     OK,     OK)),
    ("schemes:inspect",                GET,  "scheme",    (LOGIN, DENIED,  DENIED,  OK,     OK,     OK)),
    ("ratings_quarters:compute",       POST, "quarter",   (LOGIN, DENIED,  DENIED,  DENIED, MOVED,  MOVED)),
    ("ratings_quarters:compute",       GET,  "quarter",   (LOGIN, DENIED,  DENIED,  DENIED, NOT_ALLOWED, NOT_ALLOWED)),
    ("ratings_quarters:submit",        POST, "quarter",   (LOGIN, DENIED,  DENIED,  DENIED, MOVED,  MOVED)),
    ("ratings_quarters:submit",        GET,  "quarter",   (LOGIN, DENIED,  DENIED,  DENIED, NOT_ALLOWED, NOT_ALLOWED)),
    ("ratings_quarters:correction",    GET,  "quarter",   (LOGIN, DENIED,  DENIED,  DENIED, OK,     OK)),
    ("ratings_quarters:correction",    POST, "quarter",   (LOGIN, DENIED,  DENIED,  DENIED, OK,     OK)),
    # The committee's review screen: read by the committee and editors; with nothing in review a
    # decision posted changes nothing and returns to the screen.
    ("ratings_quarters:review",        GET,  "quarter",   (LOGIN, DENIED,  DENIED,  OK,     OK,     OK)),
    ("ratings_quarters:review",        POST, "quarter",   (LOGIN, DENIED,  DENIED,  MOVED,  MOVED,  MOVED)),
    # Outside the ratings app: pages and site settings stay out of firms' reach.
    ("wagtailadmin_pages:edit",        GET,  "page",      (LOGIN, DENIED,  DENIED,  DENIED, OK,     OK)),
    # The committee holds page rights on /ratings/ only (to approve quarters), and a firm on its own
    # disclosures and cases (registry.firm_access): the explorer sends each to what it may explore.
    ("wagtailadmin_explore",           GET,  "page",      (LOGIN, MOVED,   MOVED,   MOVED,  OK,     OK)),
    ("wagtailadmin_pages:add_subpage", GET,  "page",      (LOGIN, DENIED,  DENIED,  DENIED, MOVED,  MOVED)),
    ("wagtailadmin_pages:delete",      GET,  "page",      (LOGIN, DENIED,  DENIED,  DENIED, DENIED, OK)),
    ("wagtailsettings:edit",           GET,  "settings",  (LOGIN, DENIED,  DENIED,  DENIED, OK,     OK)),
]  # fmt: skip

SCORES = {
    "owner": "18.0",
    "environment": "13.5",
    "civility": "9.0",
    "sanitation": "9.5",
    "safety": "9.0",
    "standards": "4.5",
}
FIGURES = {"received": 10, "responded": 10, "resolved": 9, "surveyed": 8, "satisfied": 7}


def make_score(estate, firm, month="2025-01", **scores):
    return MonthlyScore.objects.create(
        estate=estate, month=month, scores={**SCORES, **scores}, firm=firm, imported_at=timezone.now()
    )


def make_hotline(estate, month="2025-01"):
    return HotlineMonth.objects.create(estate=estate, month=month, imported_at=timezone.now(), **FIGURES)


@pytest.fixture
def world():
    roles = roles_ensure()
    firm1, firm2 = FirmFactory(name="甲物业"), FirmFactory(name="乙物业")
    estate1 = EstateFactory(code="OWN01", name="甲管家园")
    estate2 = EstateFactory(code="OTH02", name="乙管花园")
    contract1 = ServiceContractFactory(estate=estate1, firm=firm1)
    ServiceContractFactory(estate=estate2, firm=firm2)
    users = {
        "anonymous": None,
        "firm1": make_user("firm1", roles["firms"], firm_account_group_ensure(firm=firm1)),
        "firm2": make_user("firm2", roles["firms"], firm_account_group_ensure(firm=firm2)),
        "committee": make_user("committee", roles["committee"]),
        "editor": make_user("editor", roles["editors"]),
        "superuser": make_user("admin", superuser=True),
    }
    objects = {
        "estates": estate1,
        "firms": firm1,
        "contracts": contract1,
        "communities": estate1.community,
        "streets": estate1.street,
        "groups": estate1.group,
        "score1": make_score(estate1, firm1),
        "score2": make_score(estate2, firm2),
        "hotline1": make_hotline(estate1),
        "hotline2": make_hotline(estate2),
        "scheme": Scheme.objects.get(code="sunshine"),
        "batch": import_batch_create(
            kind="hotline",
            month="2025-02",
            data=b"estate_code,received,responded,resolved,surveyed,satisfied\nOWN01,1,1,1,1,1\n",
            filename="h.csv",
            user=users["editor"],
        ),
        "page": Page.objects.filter(depth=2).first(),
    }
    objects["appeal1"] = make_appeal(objects["score1"], users["firm1"])
    objects["appeal2"] = make_appeal(objects["score2"], users["firm2"])
    objects["evidence1"] = objects["appeal1"].evidence.get()
    return {"users": users, "objects": objects, "firms": (firm1, firm2), "estates": (estate1, estate2)}


def make_appeal(score, user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ratings.services.appeals import appeal_submit
    from tests.helpers import pdf_bytes

    evidence = [SimpleUploadedFile("证据.pdf", pdf_bytes(), content_type="application/pdf")]
    return appeal_submit(user=user, score=score, reason="业主评价抽样有误，请复核", evidence=evidence)


def url_for(name, key, objects):
    if key == "quarter":
        return reverse(name, args=["2025Q1"])
    if key == "template":
        return reverse(name, args=["scores", "xlsx"]) + "?month=2025-02"
    if name == "wagtailsettings:edit":
        return reverse(name, args=["portal", "portalsettings", Site.objects.get(is_default_site=True).pk])
    return reverse(name, args=[objects[key].pk] if key else [])


def outcome(response):
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith(reverse("wagtailadmin_login")):
            return LOGIN
        return DENIED if location == reverse("wagtailadmin_home") else MOVED
    return response.status_code


@pytest.mark.parametrize(
    ("name", "method", "key", "expected"),
    MATRIX,
    ids=[f"{method}-{name}-{key or ''}" for name, method, key, _ in MATRIX],
)
def test_permission_matrix(client, world, name, method, key, expected):
    url = url_for(name, key, world["objects"])
    got = {}
    for role in ROLES:
        client.logout()
        if user := world["users"][role]:
            client.force_login(user)
        got[role] = outcome(getattr(client, method)(url))
    assert got == dict(zip(ROLES, expected, strict=True)), url


def test_matrix_covers_every_admin_url_the_ratings_app_registers():
    """Every admin URL this project adds (its viewsets live under /admin/registry/ and
    /admin/ratings/) must be in the matrix: a new viewset cannot slip in untested."""
    registered, namespaces = set(), set()

    def walk(patterns, namespace="", prefix=""):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if hasattr(pattern, "url_patterns"):
                walk(pattern.url_patterns, pattern.namespace or namespace, route)
            elif route.startswith(("admin/registry/", "admin/ratings/")):
                namespaces.add(namespace)
                registered.add(f"{namespace}:{pattern.name}")

    walk(get_resolver().url_patterns)
    assert namespaces >= {*REGISTRY_VIEWSETS, "monthly_scores", "appeals", "ratings_quarters", "schemes"}
    assert registered == {name for name, *_ in MATRIX if name.split(":")[0] in namespaces}


# --- what a firm sees in the listings ---------------------------------------------------------


def test_a_firm_lists_its_own_estates_scores_and_not_another_firms(client, world):
    client.force_login(world["users"]["firm1"])
    html = client.get(reverse("monthly_scores:index")).content.decode()
    assert "甲管家园" in html and "乙管花园" not in html
    assert reverse("monthly_scores:inspect", args=[world["objects"]["score1"].pk]) in html
    assert reverse("monthly_scores:inspect", args=[world["objects"]["score2"].pk]) not in html
    hotline = client.get(reverse("hotline_months:index")).content.decode()
    assert "甲管家园" in hotline and "乙管花园" not in hotline


def test_the_estate_filter_offers_a_firm_only_its_own_estates(client, world):
    client.force_login(world["users"]["firm1"])
    estate1, estate2 = world["estates"]
    html = client.get(reverse("monthly_scores:index")).content.decode()
    assert f'<option value="{estate1.pk}"' in html
    assert f'<option value="{estate2.pk}"' not in html
    # Asking for the other firm's estate anyway is not a valid choice and reveals nothing.
    html = client.get(reverse("monthly_scores:index"), {"estate": estate2.pk}).content.decode()
    assert "乙管花园" not in html


def test_a_citys_estates_are_searched_not_offered_in_a_select(client, world, monkeypatch):
    """10,000 estates made the score list's estate select 650 KB and most of a second: above
    core.choices.SELECT_MAX the filter is gone and the search box finds an estate by code or name."""
    from core import choices

    estate1, estate2 = world["estates"]
    client.force_login(world["users"]["editor"])
    for name in ("monthly_scores:index", "hotline_months:index"):
        assert f'<option value="{estate2.pk}"' in client.get(reverse(name)).content.decode()
    monkeypatch.setattr(choices, "SELECT_MAX", 1)
    for name in ("monthly_scores:index", "hotline_months:index"):
        html = client.get(reverse(name)).content.decode()
        assert 'name="estate"' not in html and 'name="month"' in html
    found = client.get(reverse("monthly_scores:index"), {"q": estate2.code}).content.decode()
    assert "乙管花园" in found and "甲管家园" not in found
    # A firm's own few estates are still offered.
    client.force_login(world["users"]["firm1"])
    assert f'<option value="{estate1.pk}"' in client.get(reverse("monthly_scores:index")).content.decode()


def test_editors_and_the_committee_list_every_firms_scores(client, world):
    for role in ("editor", "committee"):
        client.force_login(world["users"][role])
        html = client.get(reverse("monthly_scores:index")).content.decode()
        assert "甲管家园" in html and "乙管花园" in html


def test_the_score_list_shows_each_criterion_the_total_and_the_veto(client, world):
    score = world["objects"]["score1"]
    score.veto, score.veto_reason = True, "发生安全事故"
    score.save()
    without_hotline = make_score(world["estates"][0], world["firms"][0], month="2025-02")
    client.force_login(world["users"]["editor"])
    html = client.get(reverse("monthly_scores:index"), {"estate": world["estates"][0].pk}).content.decode()
    for label in ("业主评价", "12345诉求办理", "当月合计", "一票否决"):
        assert label in html
    # 12345: 30 × (0.10 × 10/10 + 0.45 × 9/10 + 0.45 × 7/8) = 26.9625 → 27.0; 63.5 + 27.0 = 90.5.
    assert "27.0" in html and "90.5" in html
    assert "未参评" in html  # February has scores but no 12345 figures yet
    inspect = client.get(reverse("monthly_scores:inspect", args=[score.pk])).content.decode()
    assert "发生安全事故" in inspect and "90.5" in inspect
    assert client.get(reverse("monthly_scores:inspect", args=[without_hotline.pk])).status_code == 200


def test_the_score_list_offers_no_add_edit_or_delete_even_to_a_superuser(client, world):
    client.force_login(world["users"]["superuser"])
    html = client.get(reverse("monthly_scores:index")).content.decode()
    pk = world["objects"]["score1"].pk
    assert "/edit/" not in html and "/delete/" not in html and "/new/" not in html
    inspect = client.get(reverse("monthly_scores:inspect", args=[pk])).content.decode()
    assert "/edit/" not in inspect and "/delete/" not in inspect


def test_a_firm_sees_the_months_it_managed_an_estate_and_not_the_months_after(client, world):
    firm1, firm2 = world["firms"]
    estate1 = world["estates"][0]
    contract = estate1.contracts.get()
    contract.end = dt.date(2025, 3, 15)
    contract.save()
    ServiceContractFactory(estate=estate1, firm=firm2, start=dt.date(2025, 3, 16))
    march = make_score(estate1, firm2, month="2025-03")  # the handover month: both firms managed it
    april = make_score(estate1, firm2, month="2025-04")
    before = world["objects"]["score1"]

    def status(role, score):
        client.force_login(world["users"][role])
        return client.get(reverse("monthly_scores:inspect", args=[score.pk])).status_code

    assert [status("firm1", s) for s in (before, march, april)] == [200, 200, 404]
    assert [status("firm2", s) for s in (before, march, april)] == [404, 200, 200]


def test_the_menu_shows_a_firm_its_scores_but_no_registry_and_no_imports(client, world):
    client.force_login(world["users"]["firm1"])
    home = client.get(reverse("wagtailadmin_home")).content.decode("unicode_escape")
    assert "月度考核得分" in home
    assert "数据导入" not in home and "登记册" not in home
    client.force_login(world["users"]["editor"])
    home = client.get(reverse("wagtailadmin_home")).content.decode("unicode_escape")
    assert "数据导入" in home and "登记册" in home


def test_a_firm_user_publishes_nothing_and_has_no_page_right_outside_disclosures_and_cases(world):
    from wagtail.models import Page
    from wagtail.permissions import policy_registry

    policy = policy_registry.get_by_type(Page)
    for role in ("firm1", "firm2"):
        user = world["users"][role]
        assert not policy.instances_user_has_permission_for(user, "publish").exists()
        pages = policy.instances_user_has_any_permission_for(user, ["add", "change"])
        assert {page.specific_class._meta.app_label for page in pages} <= {"disclosures", "cases"}


def test_the_registry_does_not_shadow_wagtails_own_user_groups(client, world):
    from django.urls import resolve

    assert resolve(reverse("wagtailusers_groups:index")).namespace == "wagtailusers_groups"
    assert reverse("groups:index") != reverse("wagtailusers_groups:index")
    client.force_login(world["users"]["superuser"])
    editors = world["users"]["editor"].groups.get()
    page = client.get(reverse("wagtailusers_groups:edit", args=[editors.pk])).content.decode()
    # The group editor offers the score permissions that roles_ensure() grants.
    assert "月度考核得分" in page and "导入考核得分" in page


def test_firm_groups_hold_no_model_permission_so_wagtail_shows_firms_no_other_firms_audit_entries(
    client, world
):
    from django.contrib.auth.models import Group

    from core.tabular import read_table
    from ratings.services.scores import scores_import

    roles_ensure()  # idempotent, and strips a score permission a firm group must not hold
    firm_groups = Group.objects.filter(firm__isnull=False) | Group.objects.filter(name="物业企业")
    for group in firm_groups:
        assert set(group.permissions.values_list("codename", flat=True)) == {"access_admin"}
    header = "estate_code,owner,environment,civility,sanitation,safety,standards\n"
    table = read_table((header + "OWN01,18,13,9,9,9,4\nOTH02,17,12,8,8,8,3\n").encode(), filename="s.csv")
    scores_import(table=table, month="2025-03", user=world["users"]["editor"])
    client.force_login(world["users"]["firm1"])
    report = client.get(reverse("wagtailadmin_reports:site_history")).content.decode()
    assert "乙管花园" not in report


def test_the_policy_names_who_may_see_a_row_and_lets_no_one_change_it(world):
    from wagtail.permissions import policy_registry

    policy = policy_registry.get_by_type(MonthlyScore)
    users = world["users"]
    viewers = set(policy.users_with_permission_for_instance("view", world["objects"]["score1"]))
    assert viewers == {users["firm1"], users["committee"], users["editor"], users["superuser"]}
    assert set(policy.users_with_permission("view")) == viewers | {users["firm2"]}
    for action in ("add", "change", "delete"):
        assert not policy.users_with_permission(action).exists()
        assert not policy.user_has_permission(users["superuser"], action)
    assert list(policy.instances_user_has_permission_for(users["firm2"], "view")) == [
        world["objects"]["score2"]
    ]
    assert policy.instances_user_has_permission_for(users["editor"], "view").count() == 2


def test_a_firms_score_list_costs_the_same_queries_with_many_months(
    client, world, django_assert_max_num_queries
):
    firm1 = world["firms"][0]
    estate1 = world["estates"][0]
    client.force_login(world["users"]["firm1"])
    client.get(reverse("monthly_scores:index"))  # warm the per-process caches (content types …)
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("monthly_scores:index"))
    for year in (2023, 2024):
        for month in range(1, 13):
            make_score(estate1, firm1, month=f"{year}-{month:02d}")
            make_hotline(estate1, month=f"{year}-{month:02d}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(reverse("monthly_scores:index")).content.decode()
    assert html.count("甲管家园") >= 25  # every row is shown, in no more queries than for one


def test_editors_read_a_scheme_with_its_criteria_bands_and_consequences(client, world):
    client.force_login(world["users"]["editor"])
    response = client.get(reverse("schemes:inspect", args=[world["objects"]["scheme"].pk]))
    body = response.content.decode()
    assert response.status_code == 200
    for text in ("12345诉求办理", "规范化建设", "绿牌·精品", "30000", "红牌·整改"):
        assert text in body
