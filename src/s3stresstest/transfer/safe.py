"""Spreadsheet-safe cells: exported answers are typed by respondents, so a cell must never become a formula.

OWASP CSV-injection guidance: a text cell starting with `=`, `+`, `-`, `@`, tab or carriage
return is run as a formula by Excel or LibreOffice when the CSV is opened; a leading single
quote makes it plain text. Plain numbers ("-3", "+1.5") are left alone (no formula can hide in
them, and numeric columns stay numeric). In XLSX a string is only a formula when written as one,
so `xlsx_text` marks such cells as strings.

The guard must not lose anything when the product reads its own CSV back: a text that already
looks guarded (quotes, then a formula-like text) gets one more quote, so `unguard`, which the
readers of exported CSVs apply, takes exactly one quote off where `csv_cell` added one.
"""

from __future__ import annotations

import re

import pandas as pd

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")


def _formula_like(text: str) -> bool:
    return text.startswith(TRIGGERS) and not _NUMBER.fullmatch(text)


def _needs_guard(text: str) -> bool:
    """Formula-like, or formula-like behind quotes ("'=x": guarded again, else reading it back
    would take its own quote for the guard's)."""
    return _formula_like(text) or (text.startswith("'") and _formula_like(text.lstrip("'")))


def csv_cell(value):
    """`value` with a leading single quote when it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and _needs_guard(value):
        return "'" + value
    return value


def unguard(value):
    """The inverse of `csv_cell`: the text before the guard (`unguard(csv_cell(x)) == x` for every
    x). A quote is taken off only where `csv_cell` would have put it, so "'abc" and "'-3" stay."""
    if isinstance(value, str) and value.startswith("'") and _needs_guard(value[1:]):
        return value[1:]
    return value


def unguard_frame(df: pd.DataFrame) -> pd.DataFrame:
    """`df` (text cells, as the CSV readers give) with every guard `csv_safe` added taken off; the
    `_line` column of the readers is left alone. A copy only when some cell changes."""
    changed = {}
    for col in df.columns:
        if col == "_line" or not (pd.api.types.is_object_dtype(df[col]) or pd.api.types.is_string_dtype(df[col])):
            continue
        values = df[col]
        quoted = pd.Series([isinstance(v, str) and v[:1] == "'" for v in values.to_numpy()], index=values.index)
        if quoted.any():
            changed[col] = values.where(~quoted, values[quoted].map(unguard))
    if not changed:
        return df
    out = df.copy()
    for col, values in changed.items():
        out[col] = values
    return out


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
