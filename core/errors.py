"""Every exception the apps raise to refuse something, in one place: each message says why, in
Chinese, for the person who asked."""

from dataclasses import dataclass

DEFAULT_ERRORS_SHOWN = 200  # bad rows listed; settings.PORTAL_IMPORT_MAX_ERRORS_SHOWN overrides


class ActionRefused(Exception):
    """A service refused to act; the message says why, in Chinese, for the person who asked."""


class PageProtected(ActionRefused):
    """A released quarter's page, or an estate page with released plates, may not be removed."""


class FileRefused(Exception):
    """The file as a whole cannot be read; the message says why, in Chinese."""


class RowProblem(ValueError):
    """One cell or row is wrong; the message is the reason, in Chinese."""


@dataclass(frozen=True)
class RowError:
    row: int
    reason: str

    def __str__(self) -> str:
        return f"row {self.row}: {self.reason}"

    @property
    def for_people(self) -> str:
        return f"第 {self.row} 行：{self.reason}"


class ImportRefused(Exception):
    """The import was refused as a whole; nothing was written."""

    def __init__(self, errors: list[RowError] | None = None, *, message: str = ""):
        self.errors = sorted(errors or [], key=lambda e: e.row)
        self.message = message
        super().__init__(message)

    def __str__(self) -> str:
        return "\n".join(self.lines(people=True))

    @property
    def bad_rows(self) -> int:
        """How many rows are bad (a row may have several reasons)."""
        return len({e.row for e in self.errors})

    def shown(self, limit: int | None = None) -> tuple[list[RowError], int]:
        """The errors of the first `limit` bad rows, and how many more bad rows there are."""
        limit = errors_shown() if limit is None else limit
        rows: set[int] = set()
        shown = []
        for error in self.errors:
            if error.row not in rows:
                if len(rows) == limit:
                    break
                rows.add(error.row)
            shown.append(error)
        return shown, self.bad_rows - len(rows)

    def lines(self, *, people: bool = False, limit: int | None = None) -> list[str]:
        """The message, then the bad rows (capped): `row N: reason`, or `第 N 行：原因` for people."""
        shown, hidden = self.shown(limit)
        lines = [self.message] if self.message else []
        lines += [e.for_people if people else str(e) for e in shown]
        if hidden:
            lines.append(hidden_rows_note(hidden))
        return lines


def errors_shown() -> int:
    from django.conf import settings

    return getattr(settings, "PORTAL_IMPORT_MAX_ERRORS_SHOWN", DEFAULT_ERRORS_SHOWN)


def hidden_rows_note(hidden: int) -> str:
    return f"另有 {hidden} 行错误未列出（改正以上各行后重新导入，系统会继续列出其余错误）"


class BatchAlreadyApplied(Exception):
    """An uploaded import batch was confirmed already (a second click, another editor)."""
