"""Strategies and their priorities, and the importer of the priorities file (CSV or XLSX).

Schema (one row per priority; the schema of ``alignment/data/s3_priorities_2014_2020.csv``):

============== ======== =================================================================
column         required meaning
============== ======== =================================================================
territory      yes      NUTS 2021 code of the strategy's territory (any level), or the
                        two-letter country code for a national strategy (EL for Greece)
level          yes      ``regional`` or ``national``
period         yes      programming period, e.g. ``2014-2020``
priority_id    yes      identifier of the priority, unique within (territory, period)
title          yes      title of the priority (English, used for text similarity)
territory_name no       name of the territory
description    no       description of the priority (English, used for text similarity)
nace           no       NACE Rev. 2 codes, space-separated: sections (``C``) or
                        section-prefixed divisions (``C26``)
nabs           no       NABS 2007 codes, space-separated
policy         no       EYE@RIS3 policy objective codes, space-separated
ecosystem      no       industrial ecosystem codes, space-separated
(others)       no       kept as the priority's ``meta`` (sources, excerpts, ...) and not scored
============== ======== =================================================================

A strategy is the set of rows of one (territory, period). Codes are matched against the
taxonomies case-insensitively and stored as spelled in the taxonomy.

Validation collects every problem with its row (the CSV line or worksheet row; the header is
row 1) and refuses the whole file: unknown codes (with the axis), territories that are not
NUTS-shaped codes or not in ``known_territories``, a level other than regional/national, a
national strategy whose territory is not a country, a strategy whose rows disagree on the
level, duplicate ``priority_id`` within a strategy, duplicate priorities (same title and
description twice in a strategy), missing required values. Nothing is returned when any
problem is found.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from ..errors import InputError, Problem
from .taxonomy import AXES, Taxonomy

REQUIRED_COLUMNS = ("territory", "level", "period", "priority_id", "title")
LEVELS = ("regional", "national")
NUTS_SHAPE = re.compile(r"^[A-Z]{2}[0-9A-Z]{0,3}$")


@dataclass(frozen=True)
class Priority:
    id: str
    title: str
    description: str = ""
    codes: dict[str, tuple[str, ...]] = field(default_factory=dict)  # axis -> codes
    meta: dict[str, str] = field(default_factory=dict, compare=False)
    line: int | None = field(default=None, compare=False)

    @property
    def text(self) -> str:
        """Title and description, the text compared by the text similarity."""
        return f"{self.title}. {self.description}".strip() if self.description else self.title

    def axis_codes(self, axis: str) -> tuple[str, ...]:
        return tuple(self.codes.get(axis, ()))


@dataclass(frozen=True)
class Strategy:
    territory: str
    level: str  # 'regional' | 'national'
    period: str
    priorities: tuple[Priority, ...]
    name: str = ""

    @property
    def country(self) -> str:
        return self.territory[:2]

    @property
    def key(self) -> tuple[str, str]:
        return (self.territory, self.period)

    def __len__(self) -> int:
        return len(self.priorities)


def _norm_text(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().casefold())


def _rows_from_file(path: Path) -> tuple[list[dict], list[int], list[str], str]:
    """(rows as dicts of text, row numbers, header, source) from a CSV or the first/'priorities' sheet of an XLSX."""
    source = path.name
    if not path.exists():
        raise InputError(f"file not found: {path}", source=source)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from ..instrument.sheets import read_xlsx

        book = read_xlsx(path)
        if not book:
            raise InputError("the workbook has no sheets", source=source)
        name = "priorities" if "priorities" in book else next(iter(book))
        sheet = book[name]
        header = [c.strip() for c in sheet.columns]
        missing = [c for c in REQUIRED_COLUMNS if c not in header]
        if missing:
            raise InputError(
                [
                    Problem(
                        f"required column '{c}' is missing (header has: {', '.join(header)})",
                        1,
                        c,
                        f"{source} [{name}]",
                    )
                    for c in missing
                ]
            )
        if not sheet.rows:
            raise InputError(Problem("sheet has a header but no data rows", source=f"{source} [{name}]"))
        rows = [{k.strip(): str(v).strip() for k, v in r.items()} for r in sheet.rows]
        return rows, list(sheet.row_numbers), header, f"{source} [{name}]"
    from ..campaign.csvfile import read_csv_table

    table = read_csv_table(path, REQUIRED_COLUMNS)
    lines = table["_line"].tolist()
    header = [c for c in table.columns if c != "_line"]
    rows = cast("list[dict[str, str]]", table[header].to_dict("records"))  # text columns, named by str
    return rows, lines, header, source


def read_strategies(
    path: str | Path, taxonomies: dict[str, Taxonomy], known_territories: Container[str] | None = None
) -> list[Strategy]:
    """Read and validate a priorities file (CSV or XLSX); every problem is listed, nothing is imported on any.

    `taxonomies` maps axis (``nace``, ``nabs``, ``policy``, ``ecosystem``) to a `Taxonomy`; an axis
    column with codes but no taxonomy is refused. `known_territories` (e.g. a `NutsRegistry` or a
    set of codes) restricts the territories; without it only the shape of the code is checked.
    """
    path = Path(path)
    rows, lines, header, source = _rows_from_file(path)
    return strategies_from_rows(rows, taxonomies, known_territories, lines=lines, source=source, header=header)


def strategies_from_rows(
    rows: Iterable[dict],
    taxonomies: dict[str, Taxonomy],
    known_territories: Container[str] | None = None,
    *,
    lines: list[int] | None = None,
    source: str | None = None,
    header: list[str] | None = None,
) -> list[Strategy]:
    """Validate rows (dicts keyed by the schema's columns) into strategies; see `read_strategies`."""
    rows = list(rows)
    lines = lines or list(range(2, len(rows) + 2))
    header = header or sorted({k for r in rows for k in r})
    problems: list[Problem] = []
    axes_present = [a for a in AXES if a in header]
    for axis in axes_present:
        if axis not in taxonomies and any(str(r.get(axis) or "").strip() for r in rows):
            problems.append(
                Problem(f"column '{axis}' has codes but no {AXES[axis][1]} taxonomy was given", 1, axis, source)
            )
    meta_cols = [
        c
        for c in header
        if c not in REQUIRED_COLUMNS and c not in AXES and c not in ("territory_name", "description", "_line")
    ]
    strategies: dict[tuple[str, str], dict] = {}
    seen_ids: dict[tuple[str, str, str], int] = {}
    seen_text: dict[tuple[str, str, str], int] = {}
    suggest = getattr(known_territories, "suggest", None)
    for line, row in zip(lines, rows, strict=False):

        def val(col: str) -> str:
            v = row.get(col)  # noqa: B023 - called only within this iteration
            return "" if v is None or (isinstance(v, float) and v != v) else str(v).strip()  # None, NaN: empty

        empty = [c for c in REQUIRED_COLUMNS if not val(c)]
        for c in empty:
            problems.append(Problem(f"{c} is empty", line, c, source))
        territory = val("territory").upper()
        level = val("level").lower()
        period = val("period")
        pid = val("priority_id")
        ok = True
        if territory:
            if not NUTS_SHAPE.match(territory):
                problems.append(
                    Problem(
                        f"territory '{val('territory')}' is not a NUTS code or a two-letter country "
                        "code (e.g. AT33, DE2, SI)",
                        line,
                        "territory",
                        source,
                    )
                )
                ok = False
            elif known_territories is not None and territory not in known_territories:
                msg = f"unknown territory '{territory}' (not a NUTS 2021 code)"
                hint = suggest(territory) if suggest else []
                if hint:
                    msg += "; did you mean " + ", ".join(hint) + "?"
                problems.append(Problem(msg, line, "territory", source))
                ok = False
        if level and level not in LEVELS:
            problems.append(Problem(f"level '{val('level')}' is not one of {', '.join(LEVELS)}", line, "level", source))
            ok = False
        if ok and territory and level == "national" and len(territory) != 2:
            problems.append(
                Problem(
                    f"a national strategy belongs to a country (two letters), not '{territory}'",
                    line,
                    "territory",
                    source,
                )
            )
        if ok and territory and level == "regional" and len(territory) == 2:
            problems.append(
                Problem(f"'{territory}' is a country: give its strategy the level 'national'", line, "level", source)
            )
        codes: dict[str, tuple[str, ...]] = {}
        for axis in axes_present:
            raw = val(axis).replace(",", " ").replace(";", " ").split()
            if not raw or axis not in taxonomies:
                continue
            tax = taxonomies[axis]
            out: list[str] = []
            for code in raw:
                canon = tax.canonical(code)
                if canon is None:
                    problems.append(Problem(tax.unknown_message(code), line, axis, source))
                elif canon not in out:
                    out.append(canon)
            codes[axis] = tuple(out)
        if empty and ("territory" in empty or "period" in empty or "priority_id" in empty):
            continue
        key = (territory, period)
        entry = strategies.setdefault(
            key, {"level": level, "name": val("territory_name"), "line": line, "priorities": []}
        )
        if level and entry["level"] and level != entry["level"]:
            problems.append(
                Problem(
                    f"level '{level}' differs from '{entry['level']}' given for {territory} "
                    f"{period} at line {entry['line']}",
                    line,
                    "level",
                    source,
                )
            )
        if not entry["name"] and val("territory_name"):
            entry["name"] = val("territory_name")
        id_key = (territory, period, pid)
        if id_key in seen_ids:
            problems.append(
                Problem(
                    f"duplicate priority_id '{pid}' for {territory} {period} (first at line {seen_ids[id_key]})",
                    line,
                    "priority_id",
                    source,
                )
            )
            continue
        seen_ids[id_key] = line
        if val("title"):
            text_key = (territory, period, _norm_text(val("title")) + "\0" + _norm_text(val("description")))
            if text_key in seen_text:
                problems.append(
                    Problem(
                        f"duplicate priority: same title and description as line "
                        f"{seen_text[text_key]} in {territory} {period}",
                        line,
                        "title",
                        source,
                    )
                )
                continue
            seen_text[text_key] = line
        meta = {c: val(c) for c in meta_cols if val(c)}
        entry["priorities"].append(Priority(pid, val("title"), val("description"), codes, meta, line))
    if problems:
        raise InputError(problems)
    if not strategies:
        raise InputError(Problem("no priorities in the file", source=source))
    return [Strategy(t, e["level"], p, tuple(e["priorities"]), e["name"]) for (t, p), e in strategies.items()]
