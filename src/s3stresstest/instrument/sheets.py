"""Workbook sheets as plain data: the common ground of XLSX files and the text form.

A sheet keeps its column order and the worksheet row number of every row, so
errors can point at the row a user sees in a spreadsheet program, and a
workbook survives a round trip through the text form unchanged.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TypeVar, overload

from ..errors import InputError, Problem

SHEET_ORDER = ("settings", "blocks", "survey", "choices")


@dataclass
class Sheet:
    columns: list[str]
    rows: list[dict[str, str]] = field(default_factory=list)
    row_numbers: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.row_numbers:
            self.row_numbers = list(range(2, len(self.rows) + 2))

    def records(self) -> Iterator[tuple[int, dict[str, str]]]:
        """(row_number, row) pairs, for validation messages."""
        return zip(self.row_numbers, self.rows, strict=False)


Workbook = dict[str, Sheet]
_Stream = TypeVar("_Stream", bound=IO[bytes])


def cell_text(value: object) -> str:
    """Spreadsheet cell -> text; whole floats lose their '.0' so 100.0 reads '100'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return str(int(value))
        return repr(value)
    return str(value).strip()


def read_xlsx(path: str | Path) -> Workbook:
    """Every sheet of an XLSX file, cells as text, empty rows dropped."""
    from openpyxl import load_workbook

    path = Path(path)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for non-workbooks
        raise InputError(f"cannot read '{path.name}' as an XLSX workbook: {exc}", source=path.name) from exc
    book: Workbook = {}
    try:
        for ws in wb.worksheets:
            rows_iter = ws.iter_rows(values_only=True)
            header = next(rows_iter, None)
            if header is None:
                book[ws.title] = Sheet(columns=[])
                continue
            columns = [cell_text(c) for c in header]
            while columns and not columns[-1]:
                columns.pop()
            sheet = Sheet(columns=list(columns))
            for number, values in enumerate(rows_iter, start=2):
                row = {}
                for col, value in zip(columns, values, strict=False):
                    text = cell_text(value)
                    if col and text:
                        row[col] = text
                if row:
                    sheet.rows.append(row)
                    sheet.row_numbers.append(number)
            book[ws.title] = sheet
    finally:
        wb.close()
    return book


@overload
def write_xlsx(book: Workbook, path: str | Path) -> Path: ...
@overload
def write_xlsx(book: Workbook, path: _Stream) -> _Stream: ...
def write_xlsx(book: Workbook, path: str | Path | _Stream) -> Path | _Stream:
    """Write sheets in the conventional XLSForm order; values stay text (lossless)."""
    from openpyxl import Workbook as XWorkbook
    from openpyxl.styles import Font

    wb = XWorkbook()
    wb.remove(wb.active)
    names = [n for n in SHEET_ORDER if n in book] + [n for n in book if n not in SHEET_ORDER]
    for name in names:
        sheet = book[name]
        ws = wb.create_sheet(name)
        ws.append(sheet.columns)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in sheet.rows:
            ws.append([row.get(c, "") or None for c in sheet.columns])
        ws.freeze_panes = "A2"
    if not isinstance(path, (str, Path)):  # a file object, e.g. BytesIO
        wb.save(path)
        return path
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    wb.save(target)
    return target


def check_columns(book: Workbook, sheet: str, required: list[str], source: str) -> list[Problem]:
    if sheet not in book:
        return [Problem(f"sheet '{sheet}' is missing", source=source)]
    cols = book[sheet].columns
    problems = []
    for col in required:
        if col == "label":
            if not any(c == "label" or c.startswith("label::") for c in cols):
                problems.append(
                    Problem(f"sheet '{sheet}' has no 'label' column (or 'label::Language (code)')", source=source)
                )
        elif col not in cols:
            problems.append(Problem(f"sheet '{sheet}' has no '{col}' column", source=source))
    return problems
