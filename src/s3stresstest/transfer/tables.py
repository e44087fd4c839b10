"""Wide tables from CSV, XLSX and XLS files: a header, text cells and the place of every record.

Survey tools export one row per submission. Their CSVs come with or without a
byte-order mark, comma- or semicolon-separated, quoted or not; spreadsheets hold
numbers as floats. Everything here becomes stripped text, and every record keeps
the line (CSV) or worksheet row (XLSX/XLS) a user sees, for error messages.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

from ..campaign.csvfile import decode_utf8
from ..errors import InputError, Problem
from ..instrument.sheets import Sheet, Workbook, cell_text

DELIMITERS = (",", ";", "\t", "|")


@dataclass
class Table:
    """A header and text records; `lines[k]` is the line or row where record k starts."""

    source: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    delimiter: str | None = None  # CSV only

    def column(self, name: str) -> list[str]:
        pos = self.columns.index(name)
        return [r[pos] for r in self.rows]

    def __len__(self) -> int:
        return len(self.rows)


def read_table(path: str | Path, *, sheet: str | None = None, source: str | None = None) -> Table:
    """Read `.csv` (any of , ; tab |), `.xlsx` or `.xls`: the first sheet unless `sheet` is named."""
    path = Path(path)
    source = source or path.name
    if not path.exists():
        raise InputError(f"file not found: {path}", source=source)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _finish(_read_xlsx(path, sheet, source))
    if suffix == ".xls":
        return _finish(_read_xls(path, sheet, source))
    if suffix in (".csv", ".txt", ".tsv", ""):
        return _finish(parse_csv(decode_utf8(path.read_bytes(), source), source))
    raise InputError(f"unsupported file type '{suffix}' (use .csv, .xlsx or .xls)", source=source)


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the header record into the most fields (ties: the comma)."""
    best, best_n = ",", 0
    for delim in DELIMITERS:
        try:
            header = next(csv.reader(io.StringIO(text, newline=""), delimiter=delim), [])
        except csv.Error:
            continue
        if len(header) > best_n:
            best, best_n = delim, len(header)
    return best


def parse_csv(text: str, source: str, delimiter: str | None = None, allow_short: bool = False) -> Table:
    """Parse CSV text (BOM already removed) record by record, counting physical lines.

    `allow_short`: a record with fewer fields than the header has empty trailing cells."""
    if not text.strip():
        raise InputError(Problem("file is empty (expected a header row)", source=source))
    delimiter = delimiter or sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = [h.strip() for h in next(reader)]
    except csv.Error as exc:
        raise InputError(Problem(f"header row is not valid CSV: {exc}", 1, source=source)) from exc
    table = Table(source=source, columns=header, delimiter=delimiter)
    problems: list[Problem] = []
    start = reader.line_num + 1
    try:
        for record in reader:
            if not record or all(not f.strip() for f in record):
                start = reader.line_num + 1
                continue
            if len(record) > len(header) and not any(f.strip() for f in record[len(header) :]):
                record = record[: len(header)]  # trailing empty cells past the header
            if allow_short and len(record) < len(header):
                record = record + [""] * (len(header) - len(record))
            if len(record) != len(header):
                problems.append(
                    Problem(
                        f"has {len(record)} fields, header has {len(header)}"
                        + (f" (separator '{delimiter}')" if delimiter != "," else ""),
                        start,
                        source=source,
                    )
                )
            else:
                table.rows.append([f.strip() for f in record])
                table.lines.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        problems.append(Problem(f"not valid CSV: {exc}", reader.line_num, source=source))
    if problems:
        raise InputError(problems)
    return table


def _cell(value) -> str:
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return cell_text(value)


def _read_xlsx(path: Path, sheet: str | None, source: str) -> Table:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for non-workbooks
        raise InputError(f"cannot read '{path.name}' as an XLSX workbook: {exc}", source=source) from exc
    try:
        if sheet is not None and sheet not in wb.sheetnames:
            raise InputError(f"no sheet '{sheet}' (sheets: {', '.join(wb.sheetnames)})", source=source)
        ws = wb[sheet] if sheet else wb.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        header = next(rows, None) or ()
        table = Table(source=f"{source} [{ws.title}]", columns=[_cell(c) for c in header])
        for number, values in enumerate(rows, start=2):
            cells = [_cell(v) for v in values]
            if any(cells):
                table.rows.append(cells)
                table.lines.append(number)
    finally:
        wb.close()
    return table


def _xls_book(path: Path, source: str):
    import xlrd

    try:
        return xlrd.open_workbook(str(path))
    except Exception as exc:  # xlrd raises XLRDError and others for non-workbooks
        raise InputError(f"cannot read '{path.name}' as an XLS workbook: {exc}", source=source) from exc


def _xls_cell(book, cell) -> str:
    import xlrd

    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            return _cell(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode))
        except Exception:  # noqa: BLE001 - an ambiguous date (xlrd raises several kinds) stays the number it is
            return cell_text(cell.value)
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return "true" if cell.value else "false"
    return cell_text(cell.value)


def _read_xls(path: Path, sheet: str | None, source: str) -> Table:
    book = _xls_book(path, source)
    names = book.sheet_names()
    if sheet is not None and sheet not in names:
        raise InputError(f"no sheet '{sheet}' (sheets: {', '.join(names)})", source=source)
    ws = book.sheet_by_name(sheet) if sheet else book.sheet_by_index(0)
    header = [_xls_cell(book, c) for c in ws.row(0)] if ws.nrows else []
    table = Table(source=f"{source} [{ws.name}]", columns=header)
    for r in range(1, ws.nrows):
        cells = [_xls_cell(book, c) for c in ws.row(r)]
        if any(cells):
            table.rows.append(cells)
            table.lines.append(r + 1)
    return table


def _finish(table: Table) -> Table:
    """Pad short spreadsheet rows, drop unnamed empty columns, refuse a missing or repeated header."""
    if not table.columns or not any(table.columns):
        raise InputError(Problem("file has no header row", 1, source=table.source))
    width = len(table.columns)
    table.rows = [r + [""] * (width - len(r)) if len(r) < width else r for r in table.rows]
    problems = []
    for k, row in enumerate(table.rows):
        if len(row) > width and any(row[width:]):
            problems.append(
                Problem(f"has cells beyond the last header column ({width})", table.lines[k], source=table.source)
            )
    if problems:
        raise InputError(problems)
    table.rows = [r[:width] for r in table.rows]
    keep = [i for i, c in enumerate(table.columns) if c or any(r[i] for r in table.rows)]
    if len(keep) != width:
        table.columns = [table.columns[i] for i in keep]
        table.rows = [[r[i] for i in keep] for r in table.rows]
    seen: dict[str, int] = {}
    for pos, name in enumerate(table.columns, start=1):
        if name and name in seen:
            problems.append(
                Problem(f"header repeats column '{name}' (columns {seen[name]} and {pos})", 1, name, table.source)
            )
        seen.setdefault(name, pos)
    if problems:
        raise InputError(problems)
    if not table.rows:
        raise InputError(Problem("file has a header but no data rows", source=table.source))
    return table


# -- XLSForm workbooks in the legacy .xls format (KoboToolbox still hands these out) --------


def read_xls_workbook(path: str | Path) -> Workbook:
    """Every sheet of an `.xls` file as `Sheet`s, like `instrument.read_xlsx` does for `.xlsx`."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"file not found: {path}", source=path.name)
    book = _xls_book(path, path.name)
    out: Workbook = {}
    for ws in book.sheets():
        if not ws.nrows:
            out[ws.name] = Sheet(columns=[])
            continue
        columns = [_xls_cell(book, c) for c in ws.row(0)]
        while columns and not columns[-1]:
            columns.pop()
        sheet = Sheet(columns=list(columns))
        for r in range(1, ws.nrows):
            row = {}
            # Trailing empty headings were dropped and rows may be shorter: cells past either end are left out.
            for col, cell in zip(columns, ws.row(r), strict=False):
                text = _xls_cell(book, cell)
                if col and text:
                    row[col] = text
            if row:
                sheet.rows.append(row)
                sheet.row_numbers.append(r + 1)
        out[ws.name] = sheet
    return out
