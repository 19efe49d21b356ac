"""data.xlsx of a release (SPEC §8): the document as a workbook with Chinese column headers, for
residents and officials who open the data in Excel or WPS. No Django here.

Two sheets: 小区评级 (one row per estate, the flat fields and what the lists say of it) and
月度明细 (one row per estate and month). Codes — estate codes, credit codes, months — are text
cells with the text format "@", so an all-digit code keeps its leading zeros and never becomes a
number; every other text is a string cell too, never a formula, whatever it begins with.
Scores and counts are numbers, equal to the document's decimal strings.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from ratings import engine
from ratings.opendata import estate_list_marks

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEXT_FORMAT = "@"
LIST_SEPARATOR = "；"

# (field, header, kind): kind says how a value is written — text, code (text, format "@"),
# int, decimal, bool (是/否), list (joined with "；"), band (the band's label).
ESTATE_COLUMNS = (
    ("estate_code", "小区编码", "code"),
    ("estate_name", "小区名称", "text"),
    ("street", "街道", "text"),
    ("community", "社区", "text"),
    ("group", "分组", "text"),
    ("households", "户数", "int"),
    ("firm_name", "物业企业", "text"),
    ("firm_credit_code", "统一社会信用代码", "code"),
    ("band", "挂牌等级", "band"),
    ("band_code", "等级代码", "code"),
    ("score", "季度得分", "decimal"),
    ("rank_overall", "总排名", "int"),
    ("rank_in_group", "组内排名", "int"),
    ("months_assessed", "完成考核月数", "int"),
    ("vetoed", "一票否决", "bool"),
    ("veto_reasons", "否决原因", "list"),
    ("reward_yuan", "季度奖励（元）", "int"),
    ("inspections_per_month", "下季度每月检查次数", "int"),
    ("interview", "约谈", "bool"),
    ("complaints_per_1000_households", "每千户12345诉求数", "decimal"),
    ("points_to_next_band", "距上一等级（分）", "decimal"),
    ("black_list_reasons", "列入黑榜的原因", "list"),
    ("exit_warning", "清退预警", "bool"),
    ("slug", "页面地址名", "code"),
)
COLUMN_WIDTHS = {
    "estate_code": 14,
    "estate_name": 16,
    "firm_name": 26,
    "firm_credit_code": 22,
    "band": 12,
    "veto_reasons": 30,
    "black_list_reasons": 40,
}

HOTLINE_COLUMNS = (
    ("received", "12345受理"),
    ("responded", "12345响应"),
    ("resolved", "12345解决"),
    ("surveyed", "12345回访"),
    ("satisfied", "12345满意"),
)


def _cell(sheet, value, kind: str) -> WriteOnlyCell:
    if value is None or value == "":
        return WriteOnlyCell(sheet, value=None)
    if kind == "int":
        return WriteOnlyCell(sheet, value=int(value))
    if kind == "decimal":
        cell = WriteOnlyCell(sheet, value=Decimal(value))
        cell.number_format = "0.00" if Decimal(value).as_tuple().exponent <= -2 else "0.0"
        return cell
    if kind == "bool":
        value = "是" if value else "否"
    elif kind == "list":
        value = LIST_SEPARATOR.join(str(v) for v in value)
    cell = WriteOnlyCell(sheet, value=str(value))
    cell.data_type = "s"  # a string, never a formula, whatever it begins with
    if kind == "code":
        cell.number_format = TEXT_FORMAT
    return cell


def _header(sheet, titles) -> list[WriteOnlyCell]:
    cells = []
    for title in titles:
        cell = WriteOnlyCell(sheet, value=title)
        cell.data_type = "s"
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cells.append(cell)
    return cells


def release_workbook(document: Mapping) -> bytes:
    """The workbook of a release document (either schema version), as .xlsx bytes."""
    scheme = document.get("scheme") or {}
    labels = {b["code"]: b["label"] for b in scheme.get("bands", [])}
    labels[engine.PENDING_BAND] = engine.PENDING_LABEL
    marks = estate_list_marks(document)
    criteria = scheme.get("criteria", [])

    workbook = Workbook(write_only=True)
    workbook.properties.creator = "阳光物业"
    workbook.properties.title = f"{engine.quarter_label(document['quarter'])}物业服务评级"

    estates = workbook.create_sheet("小区评级")
    estates.freeze_panes = "C2"
    fields = [field for field, _, _ in ESTATE_COLUMNS]
    for field, width in COLUMN_WIDTHS.items():
        estates.column_dimensions[get_column_letter(fields.index(field) + 1)].width = width
    estates.append(_header(estates, [title for _, title, _ in ESTATE_COLUMNS]))
    for row in document.get("estates") or []:
        mark = marks.get(row["estate_code"], {})
        values = {
            **row,
            "band": labels.get(row["band"], row["band"]),
            "band_code": row["band"],
            "black_list_reasons": mark.get("reasons", []),
            "exit_warning": mark.get("exit", False),
        }
        estates.append([_cell(estates, values.get(field), kind) for field, _, kind in ESTATE_COLUMNS])

    months = workbook.create_sheet("月度明细")
    months.freeze_panes = "D2"
    months.column_dimensions["A"].width = 14
    months.column_dimensions["B"].width = 16
    months.append(
        _header(
            months,
            [
                "小区编码",
                "小区名称",
                "月份",
                "完成考核",
                "月度总分",
                *(f"{c['name']}（满分{format(Decimal(c['max']).normalize(), 'f')}）" for c in criteria),
                *(title for _, title in HOTLINE_COLUMNS),
                "一票否决",
                "否决原因",
            ],
        )
    )
    for row in document.get("estates") or []:
        for month in row.get("months") or []:
            hotline = month.get("hotline") or {}
            months.append(
                [
                    _cell(months, row["estate_code"], "code"),
                    _cell(months, row["estate_name"], "text"),
                    _cell(months, month["month"], "code"),
                    _cell(months, month["assessed"], "bool"),
                    _cell(months, month["total"], "decimal"),
                    *(_cell(months, month["criteria"].get(c["code"]), "decimal") for c in criteria),
                    *(_cell(months, hotline.get(field), "int") for field, _ in HOTLINE_COLUMNS),
                    _cell(months, month["veto"], "bool"),
                    _cell(months, month["veto_reason"], "text"),
                ]
            )

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
