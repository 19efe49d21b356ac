"""The parts of the project-wide permission matrix (tests/portal/test_permission_matrix.py) that are
not rules: finding every view from the URL configuration, the two firms' objects, the URL of a view
for one firm's object, and what a response amounts to.

A view is found by walking `get_resolver()`, so a view added by any app (a viewset, a hook's URL, a
new Wagtail version) is in the matrix at once; the test fails until it knows which object the view's
URL arguments name and what a firm user may do there.
"""

import re
from dataclasses import dataclass, field, replace

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern
from django.utils import timezone

from wagtail.admin.models import EditingSession
from wagtail.admin.viewsets import viewsets
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import (
    Collection,
    CollectionViewRestriction,
    GroupApprovalTask,
    Page,
    Site,
    Task,
    Workflow,
    WorkflowTask,
)

from tests.helpers import pdf_bytes

# --- outcomes ---------------------------------------------------------------------------------

# DENIED is Wagtail's refusal: a 403, or a redirect to the dashboard (wagtail.admin.auth
# .permission_denied, with "Sorry, you do not have permission…"). LOGIN is the way to the login form.
OK, LOGIN, DENIED, MISSING, NOT_ALLOWED, BAD = 200, "302 login", 403, 404, 405, 400
REFUSED = frozenset({LOGIN, DENIED, MISSING, NOT_ALLOWED})


def outcome(response):
    """200, 403, 404 … or LOGIN, DENIED (redirect to the dashboard), or ("302", target)."""
    if response.status_code in (301, 302):
        location = response["Location"]
        if location.startswith((reverse("wagtailadmin_login"), "/_util/login/")):
            return LOGIN
        if location.split("?")[0] == reverse("wagtailadmin_home"):
            return DENIED
        return ("302", location)
    return response.status_code


_JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")


def body_text(response) -> str:
    """The body as text, with JSON's \\uXXXX escapes read (choosers answer in JSON)."""
    if getattr(response, "streaming", False):
        return ""  # a file download: checked by its status
    text = response.content.decode("utf-8", "replace")
    return text + "\n" + _JSON_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)


# --- discovery --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """One URL pattern: its full name (namespace:name), its full route and its argument names."""

    name: str
    route: str
    kwargs: tuple[str, ...]
    positional: int

    @property
    def namespace(self) -> str:
        return self.name.rpartition(":")[0]

    @property
    def key(self) -> str:
        # Two patterns may share a name (wagtailsettings:edit with and without a site id).
        return f"{self.name}[{','.join(self.kwargs)}]" if self.kwargs else self.name


def _arguments(pattern) -> tuple[tuple[str, ...], int]:
    inner = pattern.pattern
    if isinstance(inner, RoutePattern):  # path()
        return tuple(inner.converters), 0
    regex = inner.regex
    return tuple(regex.groupindex), regex.groups - len(regex.groupindex)


def all_routes(prefixes: tuple[str, ...]) -> list[Route]:
    """Every URL pattern whose route starts with one of `prefixes`, namespaced names included."""
    found = []

    def walk(patterns, namespaces, prefix, kwargs, positional):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            names, count = _arguments(pattern)
            if isinstance(pattern, URLResolver):
                spaces = namespaces + ([pattern.namespace] if pattern.namespace else [])
                walk(pattern.url_patterns, spaces, route, kwargs + names, positional + count)
            elif isinstance(pattern, URLPattern) and route.startswith(prefixes):
                name = ":".join([*namespaces, pattern.name or f"<unnamed {route}>"])
                found.append(Route(name, route, kwargs + names, positional + count))

    walk(get_resolver().url_patterns, [], "", (), 0)
    return found


def viewset_models() -> dict[str, type]:
    """The model behind each admin URL namespace that a model viewset registers."""
    if not viewsets.viewsets:
        viewsets.populate()
    found = {}
    for viewset in viewsets.viewsets:
        for one in (viewset, getattr(viewset, "chooser_viewset", None)):
            try:
                model, namespace = getattr(one, "model", None), one.url_namespace
            except (AttributeError, ImproperlyConfigured):
                continue
            if model is not None:
                found.setdefault(namespace, model)
    return found


# --- the world: two firms and their things ----------------------------------------------------


@dataclass
class Side:
    """One firm and what belongs to it. Firm A's side is "own" for firm A's user; firm B's, "other"."""

    firm: object
    user: object
    account_group: object
    estate: object
    community: object
    contract: object
    page: object  # the estate's EstatePage
    revision: object  # an editor's unpublished draft of that page
    workflow_state: object
    task_state: object
    score: object
    hotline: object
    appeal: object
    collection: object  # the firm's document collection
    document: object
    editing_session: object = None  # the editor's editing session on the page
    evidence: object = None
    disclosure: object = None  # disclosures.DisclosurePage, when that app has one
    disclosure_revision: object = None
    # The same side with its DisclosurePage in the place of its EstatePage (page views are called
    # for both: the estate page no firm edits, the disclosure page its firm edits).
    disclosure_side: "Side | None" = None
    case_side: "Side | None" = None  # the same, with an unpublished CasePage of the firm
    job: object = None  # a background job the firm's user started (core.BackgroundJob)
    tag: str = ""
    markers: list[str] = field(default_factory=list)


@dataclass
class World:
    own: Side
    other: Side
    editor: object
    neutral: dict  # objects that belong to no firm: scheme, image, workflow, task, site …


def _user(username, *groups, **extra):
    user = get_user_model().objects.create_user(username=username, password="demo", **extra)
    user.groups.add(*groups)
    return user


def _side(letter: str, *, roles, editor, submitter, workflow, street, group) -> Side:
    from portal.roles import firm_account_group_ensure
    from ratings.services.appeals import appeal_submit
    from registry.models import Community, EstatePage
    from registry.services import directory_pages_sync
    from tests.factories import EstateFactory, FirmFactory, ServiceContractFactory
    from tests.ratings.admin.test_permissions import make_hotline, make_score

    tag = f"ZQ{letter}"  # an ASCII marker in every name, so JSON escapes cannot hide it
    firm = FirmFactory(name=f"{letter}方{tag}物业服务有限公司")
    community = Community.objects.create(street=street, name=f"{letter}方{tag}社区")
    estate = EstateFactory(code=f"{tag}01", name=f"{letter}方{tag}家园", community=community, group=group)
    contract = ServiceContractFactory(estate=estate, firm=firm)
    directory_pages_sync(estates=[estate], firms=[firm])
    account_group = firm_account_group_ensure(firm=firm)
    user = _user(f"firm-{tag.lower()}", roles["firms"], account_group)
    page = EstatePage.objects.get(estate=estate)
    page.title = f"{page.title} 草稿{tag}DRAFT"
    revision = page.save_revision(user=editor)
    # Started by someone outside the task's group: an editor's start would approve it at once.
    workflow_state = workflow.start(page, submitter)
    workflow_state.refresh_from_db()
    task_state = workflow_state.current_task_state
    score = make_score(estate, firm)
    hotline = make_hotline(estate)
    appeal = appeal_submit(user=user, score=score, reason=f"申诉理由{tag}APPEAL：业主评价抽样有误")
    collection = _firm_collection(firm, account_group, roles)
    ascii_tag = f"zq{'a' if letter == '甲' else 'b'}"
    document = get_document_model().objects.create(
        title=f"{letter}方{tag}DOC文件",
        collection=collection,
        file=ContentFile(pdf_bytes(), name=f"{ascii_tag}-doc.pdf"),
        uploaded_by_user=user,
    )
    side = Side(
        firm=firm,
        user=user,
        account_group=account_group,
        estate=estate,
        community=community,
        contract=contract,
        page=page,
        revision=revision,
        workflow_state=workflow_state,
        task_state=task_state,
        score=score,
        hotline=hotline,
        appeal=appeal,
        collection=collection,
        document=document,
    )
    # Anything with the tag is this firm's; the suffixed tags are never public (drafts, appeals,
    # private files), while the bare tag is also in the firm's and estate's public pages.
    side.tag = tag
    side.markers = [f"{tag}{kind}" for kind in ("DRAFT", "APPEAL", "DOC", "DISC", "EVID", "CASE", "JOB")]
    side.job = _job(user, tag, letter)
    side.editing_session = EditingSession.objects.create(
        user=editor,
        content_type=ContentType.objects.get_for_model(Page),
        object_id=str(page.pk),
        last_seen_at=timezone.now(),
    )
    _evidence(side, tag)
    _disclosure(side, tag, editor, submitter, workflow)
    _case(side, tag, letter, submitter, workflow)
    return side


def _firm_collection(firm, account_group, roles):
    """The firm's document collection: the disclosures app's (one per firm, its users may add and
    choose there) when it has one, else a collection whose view is restricted to the firm's group."""
    try:
        from disclosures.services import firm_collection_ensure
    except ImportError:
        collection = Collection.get_first_root_node().add_child(name=f"{firm.name}的文件")
        restriction = CollectionViewRestriction.objects.create(
            collection=collection, restriction_type=CollectionViewRestriction.GROUPS
        )
        restriction.groups.add(account_group, roles["editors"])
        return collection
    return firm_collection_ensure(firm=firm)


def _job(user, tag: str, letter: str):
    """A finished background job of the firm's user: only they (and editors) may see it."""
    from core.models import BackgroundJob

    return BackgroundJob.objects.create(
        kind="matrix.sample",
        subject=tag,
        label=f"{letter}方{tag}JOB任务",
        started_by=user,
        status=BackgroundJob.Status.SUCCEEDED,
        message=f"{tag}JOB已完成",
        result_url="/admin/",
    )


def _evidence(side: Side, tag: str) -> None:
    """An evidence file of the firm's appeal, once the ratings app has AppealEvidence."""
    from ratings import models

    model = getattr(models, "AppealEvidence", None)
    if model is not None:
        side.evidence = model.objects.create(
            appeal=side.appeal,
            file=ContentFile(pdf_bytes(), name="evidence.pdf"),
            original_name=f"{tag}EVID证据.pdf",
            size=len(pdf_bytes()),
        )


def _disclosure(side: Side, tag: str, editor, submitter, workflow) -> None:
    """The DisclosurePage of the firm's estate (the disclosures app makes one per estate page, when
    it has the model), with an editor's unpublished draft in its review workflow."""
    from django.apps import apps

    try:
        model = apps.get_model("disclosures", "DisclosurePage")
    except LookupError:
        return
    side.disclosure = model.objects.filter(estate=side.estate).first()
    if side.disclosure is None:
        return
    draft = side.disclosure
    draft.title = f"{draft.title} 草稿{tag}DISC"
    side.disclosure_revision = draft.save_revision(user=editor)
    workflow = draft.get_workflow() or workflow
    state = workflow.start(draft, submitter)
    state.refresh_from_db()
    side.disclosure_side = _page_side(side, draft, side.disclosure_revision, state, editor)


def _case(side: Side, tag: str, letter: str, submitter, workflow) -> None:
    """An unpublished CasePage the firm's user wrote, in its review workflow (when the cases app
    has firm-owned case pages)."""
    try:
        from tests.cases.helpers import make_case
    except ImportError:
        return
    case = make_case(
        firm=side.firm, estate=side.estate, title=f"{letter}方案例{tag}CASE", live=False, owner=side.user
    )
    state = (case.get_workflow() or workflow).start(case, submitter)
    state.refresh_from_db()
    side.case_side = _page_side(side, case, case.get_latest_revision(), state, side.user)


def _page_side(side: Side, page, revision, state, editor) -> Side:
    return replace(
        side,
        page=page,
        revision=revision,
        workflow_state=state,
        task_state=state.current_task_state,
        editing_session=EditingSession.objects.create(
            user=editor,
            content_type=ContentType.objects.get_for_model(Page),
            object_id=str(page.pk),
            last_seen_at=timezone.now(),
        ),
    )


def build_world() -> World:
    """Firm A and firm B, each with an estate and its page (with an unpublished draft in a workflow),
    a score, 12345 figures, an appeal, a private document; an editor; objects of no firm."""
    from django.contrib.auth.models import Group as AuthGroup

    from portal.roles import roles_ensure
    from ratings.models import Scheme
    from tests.factories import GroupFactory, StreetFactory

    roles = roles_ensure()
    editor = _user("matrix-editor", roles["editors"])
    superuser = _user("matrix-admin", is_superuser=True, is_staff=True)
    workflow = Workflow.objects.create(name="矩阵测试审批", active=True)
    task = GroupApprovalTask.objects.create(name="矩阵测试编辑审核")
    task.groups.set([roles["editors"]])
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    street, group = StreetFactory(name="矩阵街道"), GroupFactory(name="商品房")
    people = {"roles": roles, "editor": editor, "submitter": _user("matrix-submitter", roles["firms"])}
    own = _side("甲", **people, workflow=workflow, street=street, group=group)
    other = _side("乙", **people, workflow=workflow, street=street, group=group)
    image = get_image_model().objects.create(
        title="矩阵图片", file=_png(), width=1, height=1, uploaded_by_user=editor
    )
    from wagtail.contrib.redirects.models import Redirect
    from wagtail.models import UploadedFile

    neutral = {
        "superuser": superuser,
        "scheme": Scheme.objects.get(code="sunshine"),
        "street": street,
        "registry_group": group,
        "image": image,
        "workflow": workflow,
        "task": task,
        "site": Site.objects.get(is_default_site=True),
        "redirect": Redirect.objects.create(old_path="/matrix-old", redirect_link="/"),
        "auth_group": AuthGroup.objects.get(name="编辑"),
        "root_collection": Collection.get_first_root_node(),
        "batch": _batch(editor),
        "uploaded_file": UploadedFile.objects.create(
            file=ContentFile(pdf_bytes(), name="matrix-upload.pdf"), uploaded_by_user=editor
        ),
        "home": Page.objects.get(depth=2),
    }
    return World(own=own, other=other, editor=editor, neutral=neutral)


def _batch(editor):
    from ratings.services.imports import import_batch_create

    return import_batch_create(
        kind="hotline",
        month="2025-02",
        data=b"estate_code,received,responded,resolved,surveyed,satisfied\nNONE01,1,1,1,1,1\n",
        filename="h.csv",
        user=editor,
    )


def _png() -> ContentFile:
    import base64

    return ContentFile(
        base64.b64decode(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
        ),
        name="matrix.png",
    )


# --- a view's URL for one side's object -------------------------------------------------------


class Unclassified(LookupError):
    """The matrix does not know which object a URL argument names: teach it (see MODEL_OBJECTS)."""


def model_objects(world: World, side: Side) -> dict:
    """The object of each model the admin shows, for one side (neutral objects are shared)."""
    from django.contrib.auth.models import Group as AuthGroup

    from ratings import models as ratings_models
    from registry.models import Community, Estate, Firm, ServiceContract, Street
    from registry.models import Group as EstateGroup

    n = world.neutral
    found = {
        Estate: side.estate,
        Firm: side.firm,
        ServiceContract: side.contract,
        Community: side.community,
        Street: n["street"],
        EstateGroup: n["registry_group"],
        ratings_models.MonthlyScore: side.score,
        ratings_models.HotlineMonth: side.hotline,
        ratings_models.Appeal: side.appeal,
        ratings_models.Scheme: n["scheme"],
        ratings_models.ImportBatch: n["batch"],
        Site: n["site"],
        get_user_model(): side.user,
        AuthGroup: side.account_group,
        get_document_model(): side.document,
        get_image_model(): n["image"],
        Page: side.page,
        Collection: side.collection,
        Workflow: n["workflow"],
        GroupApprovalTask: n["task"],
        Task: n["task"],
    }
    if side.job is not None:
        found[type(side.job)] = side.job
    if side.evidence is not None:
        found[type(side.evidence)] = side.evidence
    if side.disclosure is not None:
        found[type(side.disclosure)] = side.disclosure
    return found


def object_for(model, world: World, side: Side):
    objects = model_objects(world, side)
    for candidate in model.__mro__:
        if candidate in objects:
            return objects[candidate]
    if model._meta.label in NEUTRAL_MODELS:
        return model._default_manager.first() or model(pk=0)  # pk 0: no such row, a 404
    raise Unclassified(f"no object of {model._meta.label} in the matrix (see MODEL_OBJECTS, NEUTRAL_MODELS)")


# Models no firm owns (shared by all, kept by editors): one row of them, or none, serves both
# columns. A model a firm may own must have an object per firm in `model_objects` instead.
NEUTRAL_MODELS = {
    "cases.CaseCall": "a call for cases, opened by editors for every firm",
}


# Namespaces whose `pk` names an object of a model no model viewset declares.
NAMESPACE_MODELS = {
    "wagtailadmin_api:pages": "wagtailcore.Page",
    "wagtailadmin_api:documents": "wagtaildocs.Document",
    "wagtailadmin_api:images": "wagtailimages.Image",
    "wagtailadmin_collections": "wagtailcore.Collection",
    "wagtailadmin_pages": "wagtailcore.Page",
    "wagtailadmin_workflows": "wagtailcore.Workflow",
    "ratings_imports": "ratings.ImportBatch",
    "background_jobs": "core.BackgroundJob",
    "wagtaildocs_chooser": "wagtaildocs.Document",
    "wagtailimages_chooser": "wagtailimages.Image",
    "wagtailapi:pages": "wagtailcore.Page",
    "wagtailsettings": "wagtailcore.Site",
}
# A URL whose `pk` names something else than its namespace's model.
NAME_MODELS = {
    "wagtailadmin_workflows:edit_task": "wagtailcore.Task",
    "wagtailadmin_workflows:enable_task": "wagtailcore.Task",
    "wagtailadmin_workflows:disable_task": "wagtailcore.Task",
    "appeals:evidence": "ratings.AppealEvidence",
}


def _pk_model(route: Route):
    from django.apps import apps

    label = NAME_MODELS.get(route.name) or NAMESPACE_MODELS.get(route.namespace)
    if label:
        return apps.get_model(label)
    model = viewset_models().get(route.namespace)
    if model is None:
        raise Unclassified(f"{route.name}: which model does <pk> name in namespace {route.namespace!r}?")
    return model


def _child_page_type(page) -> tuple[str, str]:
    models = page.specific_class.creatable_subpage_models()
    model = models[0] if models else page.specific_class
    return model._meta.app_label, model._meta.model_name


def arguments(route: Route, world: World, side: Side) -> tuple[dict, list]:
    """URL kwargs and positional args of `route` for `side`'s object; ({}, []) if it needs none."""
    n = world.neutral
    page = side.page
    page_type = (page.specific_class._meta.app_label, page.specific_class._meta.model_name)
    kinds = {
        "page_id": page.pk,
        "parent_page_id": page.pk,
        "page_to_move_id": page.pk,
        "page_pk": page.pk,
        "destination_id": n["home"].pk,
        "revision_id": side.revision.pk,
        "revision_id_a": "earliest",
        "revision_id_b": "latest",
        "task_state_id": side.task_state.pk,
        "workflow_state_id": side.workflow_state.pk,
        "task_id": n["task"].pk,
        "action_name": "approve",
        "document_id": side.document.pk,
        "doc_id": side.document.pk,
        "image_id": n["image"].pk,
        "uploaded_file_id": n["uploaded_file"].pk,
        "collection_id": side.collection.pk,
        "redirect_id": n["redirect"].pk,
        "workflow_pk": n["workflow"].pk,
        "object_id": str(page.pk),
        "session_id": side.editing_session.pk,
        "quarter": "2025Q1",
        "filter_spec": "original",
    }
    # Content-type arguments, by view: a page view names the page's type (or a type it may hold).
    app_model = ("content_type_app_name", "content_type_model_name")
    child_type = dict(zip(app_model, _child_page_type(page), strict=True))
    own_type = dict(zip(app_model, page_type, strict=True))
    type_args = {
        "wagtailadmin_pages:add": child_type,
        "wagtailadmin_pages:preview_on_add": child_type,
        "wagtailadmin_pages:type_use": own_type,
        "wagtailadmin_pages:type_use_results": own_type,
        "wagtailadmin_pages:choose_parent": dict(zip(("app_label", "model_name"), page_type, strict=True)),
        "wagtailadmin_workflows:add_task": {"app_label": "wagtailcore", "model_name": "groupapprovaltask"},
        "wagtailadmin_editing_sessions:ping": {"app_label": "wagtailcore", "model_name": "page"},
        "wagtailsettings:edit": {"app_name": "portal", "model_name": "portalsettings"},
        "wagtailsettings:preview_on_edit": {"app_name": "portal", "model_name": "portalsettings"},
        "wagtailadmin_tag_model_autocomplete": {"app_name": "wagtaildocs", "model_name": "document"},
        "ratings_imports:template": {"kind": "scores", "fmt": "csv"},
    }.get(route.name, {})
    kwargs = {}
    for name in route.kwargs:
        if name in type_args:
            kwargs[name] = type_args[name]
        elif name == "pk":
            model = _pk_model(route)
            kwargs[name] = n["site"].pk if model is Site else object_for(model, world, side).pk
        elif name in kinds:
            kwargs[name] = kinds[name]
        else:
            raise Unclassified(f"{route.name}: what does the URL argument <{name}> name?")
    args = []
    if route.positional:
        if route.name != "wagtaildocs_serve":
            raise Unclassified(f"{route.name}: what do its positional arguments name?")
        args = [side.document.pk, side.document.filename]
    return kwargs, args


# Unnamed patterns cannot be reversed: the URL that reaches each.
UNNAMED_URLS = {"admin/^.*/$": "/admin/matrix-nowhere/", "admin/test404/": "/admin/test404/"}


def url_of(route: Route, kwargs: dict, args: list) -> str:
    if route.name.rpartition(":")[2].startswith("<unnamed"):
        if route.route not in UNNAMED_URLS:
            raise Unclassified(f"{route.route}: an unnamed pattern the matrix cannot call")
        return UNNAMED_URLS[route.route]
    return reverse(route.name, kwargs=kwargs) if kwargs else reverse(route.name, args=args)


def bulk_actions() -> list[tuple[str, str, str, type]]:
    """Every registered bulk action: (app label, model name, action type, model)."""
    from django.apps import apps

    from wagtail.admin.views.bulk_action.registry import bulk_action_registry

    bulk_action_registry._scan_for_bulk_actions()
    return [
        (app, model, action, apps.get_model(app, model))
        for app, models in sorted(bulk_action_registry.actions.items())
        for model, actions in sorted(models.items())
        for action in sorted(actions)
    ]
