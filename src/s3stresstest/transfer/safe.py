"""Spreadsheet-safe cells: exported answers are typed by respondents, so a cell must never become a formula.

OWASP CSV-injection guidance: a text cell starting with `=`, `+`, `-`, `@`, tab or carriage
return is run as a formula by Excel or LibreOffice when the CSV is opened; a leading single
quote makes it plain text. Plain numbers ("-3", "+1.5") are left alone (no formula can hide in
them, and numeric columns stay numeric). In XLSX a string is only a formula when written as one,
so `xlsx_text` marks such cells as strings.
"""

from __future__ import annotations

import re

import pandas as pd

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")


def csv_cell(value):
    """`value` with a leading single quote when it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(TRIGGERS) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def csv_safe(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of `df` whose text cells are neutralised; numeric, boolean and date columns untouched."""
    out = df.copy()
    for k in range(out.shape[1]):
        series = out.iloc[:, k]
        if pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series):
            out.iloc[:, k] = series.map(csv_cell)
    out.columns = [csv_cell(c) for c in out.columns]
    return out


def to_safe_csv(df: pd.DataFrame, **options) -> str:
    """`df.to_csv` (no index, `\\n` lines) of the neutralised frame: every CSV download goes through here."""
    options.setdefault("index", False)
    options.setdefault("lineterminator", "\n")
    return csv_safe(df).to_csv(**options)


def xlsx_text(ws) -> None:
    """Mark every string cell of an openpyxl worksheet as text, so `=...` is never written as `<f>`."""
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.data_type == "f":
                cell.data_type = "s"
