import json

from django.core.management.base import BaseCommand, CommandError

from core.errors import ImportRefused
from ratings import engine, selectors
from ratings.services.quarters import quarter_compute


class Command(BaseCommand):
    help = "计算并保存一个季度的暂定评级（如 2025Q1）；--json 把结果按 data.json 格式输出到标准输出。"

    def add_arguments(self, parser):
        parser.add_argument("quarter", help="季度，如 2025Q1")
        parser.add_argument(
            "--json", action="store_true", help="在标准输出打印 data.json 格式的结果（且只打印它）"
        )

    def handle(self, *args, quarter, json: bool, **options):
        quarter = quarter.upper()
        if not engine.is_quarter(quarter):
            raise CommandError(f"季度应写作 2025Q1 的形式，实际为“{quarter}”")
        frozen = selectors.frozen_computation(quarter) if selectors.quarter_in_review(quarter) else None
        if json and frozen is not None:
            # With the committee: nothing is recomputed; --json prints what they are reviewing.
            self.stderr.write(f"{quarter} 正在审批中，输出的是提交审批时冻结的结果（未重新计算）")
            self.stdout.write(_dumps(frozen.document))
            return
        try:
            computation = quarter_compute(quarter=quarter)
        except ImportRefused as exc:
            raise CommandError(str(exc)) from None
        if json:
            self.stdout.write(_dumps(computation.document))
            return
        counts = {}
        for row in computation.document["estates"]:
            counts[row["band"]] = counts.get(row["band"], 0) + 1
        summary = "，".join(f"{band} {n}" for band, n in sorted(counts.items()))
        self.stderr.write(
            f"{quarter} 已计算（暂定，未发布）：{len(computation.document['estates'])} 个小区；{summary}"
        )


def _dumps(document) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2)
