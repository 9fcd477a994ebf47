"""Every value that leaves the platform in a spreadsheet or a Word file passes through here once
(issue #10, items 4 and 5):

- a text starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return would be run as a
  formula by Excel (and by LibreOffice from a CSV): in xlsx it is written as a *string* cell
  (the text unchanged, never a formula); in CSV it is prefixed with an apostrophe, as OWASP
  advises, since CSV has no types;
- numbers stay numbers, booleans read 是/否, dates and times are local and in one format;
- control characters (a NUL byte stored before the input edge refused them) are removed: they
  make openpyxl and python-docx fail, which turned every export of such a row into a 500.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# XML 1.0 forbids these; openpyxl and python-docx refuse them.
ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def clean_text(value: str) -> str:
    return ILLEGAL.sub("", value)


def plain(value):
    """A value for any file: text cleaned, booleans 是/否, times local, numbers kept."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, dt.datetime):
        from django.utils import timezone

        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return clean_text(str(value))


def is_formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_START)


def csv_cell(value):
    value = plain(value)
    if is_formula_like(value):
        return "'" + value
    return value


def xlsx_cell(ws, value):
    """A value for ``ws.append`` (write-only or normal sheets): formula-like text becomes a
    string cell, so that Excel shows the text and runs nothing."""
    value = plain(value)
    if is_formula_like(value):
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(ws, value=value)
        cell.data_type = "s"
        return cell
    return value


def xlsx_row(ws, values) -> list:
    return [xlsx_cell(ws, v) for v in values]


def set_xlsx_text(cell, value) -> None:
    """Set a cell of a normal (not write-only) sheet."""
    value = plain(value)
    cell.value = value
    if is_formula_like(value):
        cell.data_type = "s"


def docx_text(value) -> str:
    """Text for python-docx (runs, table cells)."""
    value = plain(value)
    return value if isinstance(value, str) else str(value)
