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


def needs_concurrent_writers(test):
    """A test of two requests at the same moment: a transactional database, and PostgreSQL, since
    SQLite serialises writers and nothing would really overlap."""
    import pytest

    from django.db import connection

    skip = pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite serialises writers; real concurrency needs PostgreSQL",
    )
    return pytest.mark.django_db(transaction=True, serialized_rollback=True)(skip(test))


def run_at_once(action, times: int = 2) -> list:
    """Run `action()` in `times` threads released together (each with its own database connection);
    the results, in no particular order. Any exception in a thread fails the calling test."""
    import threading

    from django.db import connections

    barrier, results, errors = threading.Barrier(times), [], []

    def worker():
        try:
            barrier.wait()
            results.append(action())
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    return results


def pdf_bytes() -> bytes:
    """A valid one-page PDF, as a person would upload it."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def make_user(username, *groups, superuser=False):
    """An account with the demo password, in `groups` (a superuser with `superuser`)."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(
        username=username, password="demo", is_superuser=superuser, is_staff=superuser
    )
    user.groups.add(*groups)
    return user


def post_at_once(url: str, user, data: dict, times: int = 2) -> list[int]:
    """POST `data` to `url` as `user` from `times` clients released together: the status codes."""
    from django.test import Client

    def post():
        client = Client()
        client.force_login(user)
        return client.post(url, data).status_code

    return run_at_once(post, times)
