"""The diff-friendly text form of an XLSForm workbook (YAML, one cell per line).

It is lossless both ways: every sheet keeps its columns in order and every
non-empty cell as text, so `xlsx -> text -> xlsx` and `text -> xlsx -> text`
give back what went in. Questionnaires are reviewed in pull requests in this form.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from ..errors import InputError, Problem
from .sheets import SHEET_ORDER, Sheet, Workbook

FORMAT = "xlsform-text/1"


def dumps(book: Workbook, header_comment: str = "") -> str:
    names = [n for n in SHEET_ORDER if n in book] + [n for n in book if n not in SHEET_ORDER]
    sheets: dict[str, dict[str, object]] = {}
    doc = {"format": FORMAT, "sheets": sheets}
    for name in names:
        sheet = book[name]
        sheets[name] = {
            "columns": list(sheet.columns),
            "rows": [{c: row[c] for c in sheet.columns if row.get(c)} for row in sheet.rows],
        }
    text = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False)
    comment = "".join(f"# {line}\n".replace("# \n", "#\n") for line in header_comment.splitlines())
    return comment + text


def loads(text: str, source: str = "<text>") -> Workbook:
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InputError(f"not valid YAML: {exc}", source=source) from exc
    if not isinstance(doc, dict) or doc.get("format") != FORMAT or not isinstance(doc.get("sheets"), dict):
        raise InputError(f"not an XLSForm text file (expected 'format: {FORMAT}' and 'sheets:')", source=source)
    book: Workbook = {}
    problems: list[Problem] = []
    for name, body in doc["sheets"].items():
        if not isinstance(body, dict) or not isinstance(body.get("columns"), list):
            problems.append(Problem(f"sheet '{name}' needs 'columns' and 'rows'", source=source))
            continue
        columns = [str(c) for c in body["columns"]]
        sheet = Sheet(columns=columns)
        for i, row in enumerate(body.get("rows") or [], start=2):
            if not isinstance(row, dict):
                problems.append(Problem(f"sheet '{name}' row {i} is not a mapping", source=source))
                continue
            unknown = [k for k in row if k not in columns]
            if unknown:
                problems.append(
                    Problem(f"sheet '{name}' row {i} has cells in undeclared columns {unknown}", source=source)
                )
            sheet.rows.append({str(k): _text(v) for k, v in row.items() if _text(v)})
            sheet.row_numbers.append(i)
        book[str(name)] = sheet
    if problems:
        raise InputError(problems)
    return book


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_text(path: str | Path) -> Workbook:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError("file is not UTF-8 text", source=path.name) from exc
    return loads(text, source=path.name)


def write_text(book: Workbook, path: str | Path, header_comment: str = "") -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dumps(book, header_comment), encoding="utf-8")
    return path
