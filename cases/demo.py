"""The cases of the demo street (SPEC §10): 40 published cases across the three categories, with
tags and illustrations drawn by `demo_images`, 12 issues, one open call, one submission awaiting
review and one sent back with a comment. Every case is written by its firm's demo user and goes
through the real review workflow (`cases.services`); loading twice changes nothing.

Runs after the ratings demo (`portal.demo.demo_load`): it needs the registry, the demo accounts
and the published quarters, which the evidence of several cases reads.
"""

import datetime as dt
import io

from django.contrib.auth import get_user_model
from django.core.files.images import ImageFile
from django.db.models import Q
from django.utils import timezone

from wagtail.images import get_image_model
from wagtail.models import Collection
from wagtail.rich_text import RichText

from cases.blocks import CaseBodyBlock
from cases.demo_content import CALL, CASES, ISSUE_FOCUS, PENDING, REJECTED, REJECTION_COMMENT
from cases.demo_images import drawing_png
from cases.models import CaseCall, CaseIndexPage, CaseIssueEntry, CaseIssueIndexPage, CaseIssuePage, CasePage
from cases.services import APPROVE, REJECT, case_review, case_submit
from registry.models import Estate, ServiceContract
from registry.services import slug_for

COLLECTION = "三微案例（演示）"
ISSUES = 12
CALL_OPEN_DAYS = 45
ALT = {
    "handrail": "示意图：楼梯间沿台阶新装的扶手，一位老人扶着上楼",
    "charging": "示意图：车棚下一排充电桩，每个旁边停着一辆电动车",
    "board": "示意图：小区公告栏贴着整齐的公示单",
    "drain": "示意图：疏通后水流畅通的排水管道和检查井",
    "garden": "示意图：楼前花池里开着红花的绿植和一棵树",
    "garden-before": "示意图：改造前楼前空地裸露、堆着杂物",
    "garden-after": "示意图：改造后楼前种满绿植的花池",
    "phone": "示意图：老人家中墙上的一键呼叫器",
    "lighting": "示意图：夜间楼间小路上三盏路灯照亮路面",
    "bins": "示意图：四种颜色的分类垃圾桶和一名督导员",
    "parking": "示意图：划好标线的停车位和黄色消防通道线",
    "door": "示意图：单元门、门禁读卡器和门口的遮雨棚",
    "elevator": "示意图：电梯门和呼梯按钮",
    "corridor-before": "示意图：清理前楼道里堆满纸箱和旧家具",
    "corridor-after": "示意图：清理后楼道畅通，墙上挂着消防箱",
    "bench": "示意图：树荫下的休息长椅",
    "snow": "示意图：雪后清扫出的通道和一名扫雪的物业员工",
    "water": "示意图：清洗后的水箱和清澈的水",
    "people": "示意图：居民和物业人员围坐在桌旁议事",
    "road": "示意图：修补平整的小区道路和黄色盲道",
    "wall": "示意图：楼下设置的红白警示围挡",
}
QUOTES = [
    ("现在方便多了，有事找物业心里踏实。", "3号楼居民"),
    ("以前反映了好几次，这回真解决了。", "楼长"),
    ("物业把我们的意见当回事，我们也愿意配合。", "业委会委员"),
    ("老人住着放心，我们在外地的子女也放心。", "居民家属"),
]


def demo_cases_load() -> None:
    """Load the demo cases, issues and call; what is there already is left as it is."""
    User = get_user_model()
    editor = User.objects.get(username="editor")
    index = CaseIndexPage.objects.get()
    call = _call()
    images = _Images()
    published = []
    for number, entry in enumerate(CASES):
        page, created = _case(entry, index=index, images=images, quote=QUOTES[number % len(QUOTES)])
        if created:
            case_submit(page=page, user=page.owner)
            case_review(page=page, user=editor, action=APPROVE)
        published.append(page)

    pending, created = _case(PENDING, index=index, images=images, quote=QUOTES[0], call=call)
    if created:
        case_submit(page=pending, user=pending.owner)
    rejected, created = _case(REJECTED, index=index, images=images, quote=None)
    if created:
        case_submit(page=rejected, user=rejected.owner)
        case_review(page=rejected, user=editor, action=REJECT, comment=REJECTION_COMMENT)

    _issues(sorted(published, key=lambda p: (p.case_date, p.pk)), editor=editor)


def _call() -> CaseCall:
    call, _ = CaseCall.objects.get_or_create(
        theme=CALL[0],
        defaults={
            "description": CALL[1],
            "deadline": timezone.localdate() + dt.timedelta(days=CALL_OPEN_DAYS),
        },
    )
    return call


class _Images:
    """The demo's illustrations in their own collection, drawn once each."""

    def __init__(self):
        root = Collection.get_first_root_node()
        self.collection = root.get_children().filter(name=COLLECTION).first() or root.add_child(
            name=COLLECTION
        )
        self.made = {}

    def get(self, key: str):
        if key not in self.made:
            Image = get_image_model()
            title = f"三微案例示意图 · {key}（演示）"
            image = Image.objects.filter(title=title).first()
            if image is None:
                image = Image(title=title, collection=self.collection)
                image.file = ImageFile(io.BytesIO(drawing_png(key)), name=f"case-demo-{key}.png")
                image.save()
            self.made[key] = image
        return self.made[key]


def _body(how: str, picture: str | None, images: _Images, quote) -> object:
    raw = [{"type": "paragraph", "value": RichText(f"<p>{how}</p>").source}]
    if picture and "/" in picture:
        before, after = picture.split("/")
        raw.append(
            {
                "type": "before_after",
                "value": {
                    "before": images.get(before).pk,
                    "before_alt": ALT[before],
                    "after": images.get(after).pk,
                    "after_alt": ALT[after],
                    "caption": "改造前后对比（示意图，演示）",
                },
            }
        )
    elif picture:
        raw.append(
            {
                "type": "image",
                "value": {"image": images.get(picture).pk, "alt": ALT[picture], "caption": "示意图（演示）"},
            }
        )
    if quote:
        raw.append({"type": "quote", "value": {"text": quote[0], "source": f"{quote[1]}（演示）"}})
    return CaseBodyBlock().to_python(raw)


def _case(entry, *, index, images, quote, call=None) -> tuple[CasePage, bool]:
    category, title, estate_code, day, tags, criterion, summary, problem, how, picture = entry
    slug = slug_for(title, fallback="case", taken=set())
    existing = CasePage.objects.filter(slug=slug).first()
    if existing is not None:
        return existing, False
    day = dt.date.fromisoformat(day)
    estate = Estate.objects.get(code=estate_code)
    contract = ServiceContract.objects.filter(
        Q(end__isnull=True) | Q(end__gte=day), estate=estate, start__lte=day
    ).get()
    author = get_user_model().objects.filter(groups=contract.firm.account_group).order_by("pk").first()
    page = CasePage(
        title=title,
        slug=slug,
        live=False,
        owner=author,
        category=category,
        firm=contract.firm,
        estate=estate,
        case_date=day,
        summary=summary,
        problem=problem,
        body=_body(how, picture, images, quote),
        evidence_criterion=criterion,
        call=call,
    )
    page.tags.add(*tags)
    index.add_child(instance=page)
    return page, True


def _issues(cases: list[CasePage], *, editor) -> None:
    issues_index = CaseIssueIndexPage.objects.get()
    size, extra = divmod(len(cases), ISSUES)
    start = 0
    for number in range(1, ISSUES + 1):
        chunk = cases[start : start + size + (1 if number <= extra else 0)]
        start += len(chunk)
        if CaseIssuePage.objects.filter(number=number).exists():
            continue
        issue = CaseIssuePage(
            title=f"第{number}期 微服务 紧扣民生",
            number=number,
            live=False,
            owner=editor,
            intro=f"本期聚焦：{ISSUE_FOCUS[number - 1]}。从各物业企业报送的案例中选出 {len(chunk)} 个，供辖区企业学习借鉴（演示）。",
        )
        issue.entries = [CaseIssueEntry(case=case, sort_order=i) for i, case in enumerate(chunk)]
        issues_index.add_child(instance=issue)
        issue.save_revision(user=editor, log_action=True).publish(user=editor)
