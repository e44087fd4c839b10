"""Read and validate an instrument from XLSX or its text form.

pyxform (the reference XLSForm implementation) checks what the standard defines
(types, list references, group nesting, names); this module adds the
StressTest's own rules (blocks, scores on 0-100, names unique across groups)
and collects every problem before refusing the workbook.
"""

from __future__ import annotations

import math
from pathlib import Path

from ..errors import InputError, Problem
from . import textform
from .model import (
    ANSWERABLE_TYPES,
    DEFAULT_LANGUAGE,
    SELECT_TYPES,
    Block,
    Choice,
    ChoiceList,
    Instrument,
    Item,
)
from .sheets import Workbook, check_columns, read_xlsx

GROUP_ALIASES = {"begin group": "begin_group", "end group": "end_group"}
SUPPORTED = ANSWERABLE_TYPES + ("note", "begin_group", "end_group")


def load_instrument(path: str | Path) -> Instrument:
    """Load an instrument from `.xlsx` (XLSForm) or `.yaml`/`.yml` (its text form)."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"file not found: {path}", source=path.name)
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        book = textform.read_text(path)
    elif suffix in (".xlsx", ".xlsm"):
        book = read_xlsx(path)
    else:
        raise InputError(f"unsupported instrument file type '{suffix}' (use .xlsx or .yaml)", source=path.name)
    return instrument_from_workbook(book, source=path.name)


def _labels(row: dict[str, str], prefix: str) -> dict[str, str]:
    out = {}
    for col, val in row.items():
        if col == prefix:
            out[DEFAULT_LANGUAGE] = val
        elif col.startswith(prefix + "::"):
            out[col.split("::", 1)[1].strip()] = val
    return out


def _languages(book: Workbook) -> list[str]:
    langs: list[str] = []
    for sheet in book.values():
        for col in sheet.columns:
            if "::" in col:
                lang = col.split("::", 1)[1].strip()
                if lang not in langs:
                    langs.append(lang)
    return langs


def _settings(book: Workbook) -> dict[str, str]:
    sheet = book.get("settings")
    return dict(sheet.rows[0]) if sheet and sheet.rows else {}


def instrument_from_workbook(book: Workbook, source: str = "instrument") -> Instrument:
    """Validate sheets and build an `Instrument`; raise `InputError` listing every problem."""
    problems = check_columns(book, "survey", ["type", "name", "label"], source)
    problems += check_columns(book, "choices", ["list_name", "name", "label"], source)
    if "blocks" in book:
        problems += check_columns(book, "blocks", ["name", "label"], source)
    if problems:
        raise InputError(problems)

    lists, list_problems = _read_choices(book, source)
    problems += list_problems
    blocks = _read_blocks(book, source, problems)
    items = _read_survey(book, lists, blocks, source, problems)
    if problems:
        raise InputError(problems)

    warnings = _pyxform_check(book, source)  # raises on what the standard forbids
    settings = _settings(book)
    return Instrument(
        form_id=settings.get("form_id", "instrument"),
        version=settings.get("version", ""),
        title=settings.get("form_title", settings.get("form_id", "")),
        default_language=settings.get("default_language"),
        languages=_languages(book),
        blocks=blocks,
        items=items,
        lists=lists,
        workbook=book,
        warnings=warnings,
    )


def _read_choices(book: Workbook, source: str) -> tuple[dict[str, ChoiceList], list[Problem]]:
    problems: list[Problem] = []
    grouped: dict[str, list[Choice]] = {}
    src = f"{source} [choices]"
    for row_no, row in book["choices"].records():
        list_name, name = row.get("list_name", ""), row.get("name", "")
        if not list_name or not name:
            problems.append(Problem("choice needs both 'list_name' and 'name'", row_no, source=src))
            continue
        score = None
        raw = row.get("score", "")
        if raw:
            try:
                score = float(raw)
            except ValueError:
                problems.append(Problem(f"score '{raw}' is not a number", row_no, "score", src))
                continue
            if not math.isfinite(score) or not 0 <= score <= 100:
                problems.append(Problem(f"score {raw} is outside 0-100", row_no, "score", src))
                continue
        existing = grouped.setdefault(list_name, [])
        if any(c.name == name for c in existing):
            problems.append(Problem(f"duplicate choice '{name}' in list '{list_name}'", row_no, "name", src))
            continue
        existing.append(Choice(name=name, labels=_labels(row, "label"), score=score))
    return {k: ChoiceList(k, tuple(v)) for k, v in grouped.items()}, problems


def _read_blocks(book: Workbook, source: str, problems: list[Problem]) -> list[Block]:
    blocks: list[Block] = []
    if "blocks" in book:
        for row_no, row in book["blocks"].records():
            name = row.get("name", "")
            if not name:
                problems.append(Problem("block needs a 'name'", row_no, "name", f"{source} [blocks]"))
            elif any(b.name == name for b in blocks):
                problems.append(Problem(f"duplicate block '{name}'", row_no, "name", f"{source} [blocks]"))
            else:
                blocks.append(Block(name, _labels(row, "label")))
    else:  # blocks in order of first use, labelled by their names
        for row in book["survey"].rows:
            b = row.get("block")
            if b and not any(x.name == b for x in blocks):
                blocks.append(Block(b, {DEFAULT_LANGUAGE: b}))
    return blocks


def _read_survey(
    book: Workbook, lists: dict[str, ChoiceList], blocks: list[Block], source: str, problems: list[Problem]
) -> list[Item]:
    src = f"{source} [survey]"
    block_names = {b.name for b in blocks}
    items: list[Item] = []
    seen: dict[str, int] = {}
    groups: list[str] = []
    for row_no, row in book["survey"].records():
        raw_type = " ".join(row.get("type", "").split())
        if not raw_type:
            problems.append(Problem("row has no 'type'", row_no, "type", src))
            continue
        base, _, rest = raw_type.partition(" ")
        base = GROUP_ALIASES.get(raw_type.lower(), GROUP_ALIASES.get(f"{base} {rest}".lower(), base))
        if base in ("begin_group", "end_group"):
            rest = ""
        name = row.get("name", "")
        if base == "end_group":
            if groups:
                groups.pop()
            else:
                problems.append(Problem("end_group without a matching begin_group", row_no, "type", src))
            continue
        if base not in SUPPORTED:
            problems.append(
                Problem(f"type '{raw_type}' is not supported (supported: {', '.join(SUPPORTED)})", row_no, "type", src)
            )
            continue
        if not name:
            problems.append(Problem(f"a '{base}' row needs a 'name'", row_no, "name", src))
            continue
        if name in seen:
            problems.append(Problem(f"duplicate name '{name}' (first used on row {seen[name]})", row_no, "name", src))
            continue
        seen[name] = row_no
        if base == "begin_group":
            groups.append(name)
            continue
        list_name = None
        if base in SELECT_TYPES:
            list_name = rest.strip()
            if not list_name or " " in list_name:
                problems.append(Problem(f"'{base}' needs exactly one list name, got '{raw_type}'", row_no, "type", src))
                continue
            if list_name not in lists:
                problems.append(Problem(f"unknown choice list '{list_name}'", row_no, "type", src))
                continue
        block = row.get("block") or None
        if block and block not in block_names:
            problems.append(Problem(f"unknown block '{block}' (not in sheet 'blocks')", row_no, "block", src))
            continue
        items.append(
            Item(
                name=name,
                type=base,
                labels=_labels(row, "label"),
                row=row_no,
                list_name=list_name,
                block=block,
                group=groups[-1] if groups else None,
                hints=_labels(row, "hint"),
            )
        )
    if groups:
        problems.append(Problem(f"group '{groups[-1]}' is never closed with end_group", source=src))
    return items


def _pyxform_check(book: Workbook, source: str) -> list[str]:
    """Let pyxform convert the form to an XForm; its errors are the standard's verdict."""
    from pyxform.errors import PyXFormError
    from pyxform.xls2xform import convert

    sheets = {name: [dict(r) for r in book[name].rows] for name in ("survey", "choices", "settings") if name in book}
    warnings: list[str] = []
    try:
        convert(xlsform=sheets, warnings=warnings, form_name="data")
    except PyXFormError as exc:
        raise InputError(Problem(f"XLSForm check (pyxform) failed: {exc}", source=source)) from exc
    return warnings
