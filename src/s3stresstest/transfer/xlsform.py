"""XLSForm questionnaires from KoboToolbox/ODK (`.xls`, `.xlsx`) as instruments for importing answers.

Real field forms use more of XLSForm than the StressTest's instrument model holds:
repeat groups (many answers per respondent), media and file types, `or_other`,
names reused in different groups. `load_form` keeps what can take one answer per
respondent, changes what it must, and says what it left out or changed and why,
so their exports can be imported against it. The instrument loader's own checks,
pyxform's included, still run on the result.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError, Problem
from ..instrument import Instrument, Sheet, instrument_from_workbook, read_xlsx
from ..instrument.loader import GROUP_ALIASES, SUPPORTED
from ..instrument.sheets import Workbook
from ..instrument.textform import read_text
from .tables import read_xls_workbook

_REF = re.compile(r"\$\{([^}]+)\}")
_TEXT_COLUMNS = ("label", "hint", "constraint_message", "required_message", "guidance_hint")
REPEAT_ALIASES = {"begin repeat": "begin_repeat", "end repeat": "end_repeat"}


@dataclass
class FormReport:
    source: str
    left_out: list[tuple[int, str, str]] = field(default_factory=list)  # (row, name, reason)
    changed: list[tuple[int, str, str]] = field(default_factory=list)  # (row, name, what)

    def lines(self, limit: int = 30) -> list[str]:
        out = []
        for title, rows in (("left out", self.left_out), ("changed", self.changed)):
            if rows:
                out.append(f"{len(rows)} row(s) {title}:")
                out += [f"  row {row}: {name or '(no name)'}: {why}" for row, name, why in rows[:limit]]
                if len(rows) > limit:
                    out.append(f"  ... and {len(rows) - limit} more")
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())


def read_form_workbook(path: str | Path) -> Workbook:
    path = Path(path)
    if not path.exists():
        raise InputError(f"file not found: {path}", source=path.name)
    suffix = path.suffix.lower()
    if suffix == ".xls":
        return read_xls_workbook(path)
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(path)
    if suffix in (".yaml", ".yml"):
        return read_text(path)
    raise InputError(f"unsupported form file type '{suffix}' (use .xls, .xlsx or .yaml)", source=path.name)


def load_form(path: str | Path) -> tuple[Instrument, FormReport]:
    """A Kobo/ODK XLSForm as an instrument, with the report of what was adapted."""
    path = Path(path)
    book = read_form_workbook(path)
    adapted, report = adapt_form(book, path.name, form_id=re.sub(r"\W", "_", path.stem))
    return instrument_from_workbook(adapted, source=path.name), report


def _base_type(raw: str) -> tuple[str, str]:
    raw = " ".join(raw.split())
    low = raw.lower()
    if low in GROUP_ALIASES:
        return GROUP_ALIASES[low], ""
    if low in REPEAT_ALIASES:
        return REPEAT_ALIASES[low], ""
    base, _, rest = raw.partition(" ")
    return base, rest


def adapt_form(book: Workbook, source: str, form_id: str = "form") -> tuple[Workbook, FormReport]:
    """Copy of `book` that the instrument loader accepts, and what was left out or changed."""
    report = FormReport(source)
    if "survey" not in book or "type" not in book["survey"].columns or "name" not in book["survey"].columns:
        raise InputError(Problem("not an XLSForm: no sheet 'survey' with 'type' and 'name' columns", source=source))
    survey = book["survey"]
    choices = book.get("choices", Sheet(columns=["list_name", "name", "label"]))
    new_choices = Sheet(
        columns=list(choices.columns), rows=[dict(r) for r in choices.rows], row_numbers=list(choices.row_numbers)
    )
    kept: list[tuple[int, dict[str, str]]] = []
    dropped: set[str] = set()
    repeat_depth = 0
    repeat_name = ""
    for row_no, row in survey.records():
        row = dict(row)
        base, rest = _base_type(row.get("type", ""))
        name = row.get("name", "")
        if base == "begin_repeat":
            repeat_depth += 1
            if repeat_depth == 1:
                repeat_name = name
            dropped.add(name)
            report.left_out.append((row_no, name, "a repeat: its questions take many answers per respondent"))
            continue
        if base == "end_repeat":
            repeat_depth = max(repeat_depth - 1, 0)
            continue
        if repeat_depth:
            if name:
                dropped.add(name)
                if base not in ("begin_group", "end_group", "note", "calculate"):
                    report.left_out.append((row_no, name, f"inside repeat '{repeat_name}'"))
            continue
        if base in ("select_one", "select_multiple") and rest.endswith(" or_other"):
            list_name = rest[: -len(" or_other")].strip()
            row["type"] = f"{base} {list_name}"
            if not any(r.get("list_name") == list_name and r.get("name") == "other" for r in new_choices.rows):
                label_cols = [c for c in new_choices.columns if c == "label" or c.startswith("label::")]
                new_choices.rows.append(
                    {"list_name": list_name, "name": "other", **dict.fromkeys(label_cols or ["label"], "Other")}
                )
                new_choices.row_numbers.append(0)
            report.changed.append(
                (
                    row_no,
                    name,
                    "'or_other' dropped; 'other' is a choice of the list (its text, "
                    f"column '{name}_other', is not imported)",
                )
            )
        elif base and base not in SUPPORTED and base not in ("end_group",):
            if name:
                dropped.add(name)
            report.left_out.append((row_no, name, f"type '{base}' is not supported by the instrument model"))
            continue
        kept.append((row_no, row))

    # names reused elsewhere in the form: the first keeps its name, later ones get a suffix
    seen: dict[str, int] = {}
    for row_no, row in kept:
        name = row.get("name", "")
        base, _ = _base_type(row.get("type", ""))
        if not name or base == "end_group":
            continue
        if name in seen:
            k = 2
            while f"{name}_{k}" in seen:
                k += 1
            row["name"] = f"{name}_{k}"
            seen[row["name"]] = row_no
            report.changed.append(
                (row_no, name, f"renamed '{row['name']}': the name is used before on row {seen[name]}")
            )
        else:
            seen[name] = row_no

    # expressions that refer to what was left out: blanked; calculations that lose theirs go too
    while True:
        again = False
        survivors = []
        for row_no, row in kept:
            for col in list(row):
                refs = set(_REF.findall(row[col])) & dropped
                if not refs:
                    continue
                if col.split("::")[0] in _TEXT_COLUMNS:
                    row[col] = _REF.sub(lambda m: f"[{m.group(1)}]" if m.group(1) in dropped else m.group(0), row[col])
                    continue
                del row[col]
                report.changed.append(
                    (row_no, row.get("name", ""), f"'{col}' removed: it refers to {', '.join(sorted(refs))}, left out")
                )
            base, _ = _base_type(row.get("type", ""))
            if base == "calculate" and not row.get("calculation"):
                dropped.add(row.get("name", ""))
                report.left_out.append((row_no, row.get("name", ""), "a calculation on questions left out"))
                again = True
                continue
            survivors.append((row_no, row))
        kept = survivors
        if not again:
            break

    new_survey = Sheet(columns=list(survey.columns), rows=[r for _, r in kept], row_numbers=[n for n, _ in kept])
    out: Workbook = {k: v for k, v in book.items() if k not in ("survey", "choices")}
    out["survey"] = new_survey
    out["choices"] = new_choices
    if "settings" not in out or not out["settings"].rows:
        out["settings"] = Sheet(columns=["form_id", "form_title"], rows=[{"form_id": form_id, "form_title": form_id}])
    return out, report
