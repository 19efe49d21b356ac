"""Blank import files to fill in (SPEC §9): the header row of an import as CSV and as XLSX, so an
editor starts from exactly the columns the importer accepts."""

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font

TEXT_FORMAT = "@"
BLANK_ROWS_FORMATTED = 2000  # rows below the header whose code cells are text, not numbers


def csv_template(columns) -> bytes:
    """The header row as CSV, UTF-8 with a BOM so that Excel opens the Chinese text correctly."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(list(columns))
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")


def xlsx_template(columns, *, text_columns=(), sheet_title: str = "导入") -> bytes:
    """The header row as a workbook. Code columns are formatted as text (“@”), so a code typed
    with leading zeros (0012) or a long credit code keeps every character."""
    columns = list(columns)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title
    bold = Font(bold=True)
    for index, name in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index, value=name)
        cell.font = bold
        sheet.column_dimensions[cell.column_letter].width = max(12, len(name) + 4)
        if name in text_columns:
            for row in range(2, BLANK_ROWS_FORMATTED + 2):
                sheet.cell(row=row, column=index).number_format = TEXT_FORMAT
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
