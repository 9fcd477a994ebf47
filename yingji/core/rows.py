"""Applying the rows of an uploaded spreadsheet through a service, the same way everywhere:
every row in its own savepoint, a refusal becomes a row error (row, column, message), and by
default nothing at all is kept if any row is wrong ("import nothing"); with ``only_valid`` the
good rows are kept and the errors still reported."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import transaction

from .errors import DomainError


class RowError(Exception):
    """Raised by a row function for a row it refuses before calling the service."""

    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column = column
        self.message = message


class _Undo(Exception):
    pass


def cell_text(value) -> str:
    """A spreadsheet cell as text: empty for a blank cell, 12 (not "12.0") for a whole number
    that openpyxl read as a float, surrounding spaces removed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def apply_rows(
    rows: Iterable[dict],
    apply_row: Callable[[dict], object],
    *,
    errors: Iterable[dict] = (),
    only_valid: bool = False,
    column_of: Callable[[DomainError], str] = lambda exc: "",
) -> tuple[list, list[dict], bool]:
    """Run ``apply_row(row)`` for each row (a dict with its sheet row number in ``"row"``) that
    has no error yet. Returns (the results of the rows that went through, all errors sorted by
    row, whether the writes were kept). Call it inside the caller's transaction to record one
    event with the writes."""
    errors = list(errors)
    refused = {e["row"] for e in errors}
    results: list = []
    try:
        with transaction.atomic():
            for row in rows:
                if row["row"] in refused:
                    continue
                try:
                    with transaction.atomic():
                        results.append(apply_row(row))
                except RowError as exc:
                    errors.append({"row": row["row"], "column": exc.column, "message": exc.message})
                except DomainError as exc:
                    errors.append(
                        {"row": row["row"], "column": column_of(exc), "message": exc.message}
                    )
            if errors and not only_valid:
                raise _Undo
        kept = True
    except _Undo:
        kept = False
    errors.sort(key=lambda e: e["row"])
    return results, errors, kept
