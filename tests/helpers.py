"""Helpers that tests of more than one app use: files as a person would upload them, and pages."""

import csv
import io

import openpyxl


def csv_bytes(header, rows, *, bom=False, encoding="utf-8") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    data = buffer.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def xlsx_bytes(header, rows) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for row in rows:
        sheet.append([_excel_value(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _excel_value(value):
    # Spreadsheets hold numbers as numbers: make the XLSX as a person's Excel would.
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            try:
                return float(value) if value.replace(".", "", 1).isdigit() else value
            except ValueError:
                return value
    return value


def html(response) -> str:
    """The body of a page that must have been served (200)."""
    assert response.status_code == 200, response.status_code
    return response.content.decode()
