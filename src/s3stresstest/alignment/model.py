"""Strategies and their priorities, and the importer of priorities files (CSV or XLSX).

Schema (one row per priority; the schema of ``alignment/data/s3_priorities_2014_2020.csv`` and
``s3_priorities_2021_2027.csv``):

============== ======== =================================================================
column         required meaning
============== ======== =================================================================
territory      yes      NUTS 2021 code of the strategy's territory (any level), or the
                        two-letter country code for a national strategy (EL for Greece)
level          yes      ``regional`` or ``national``
period         yes      programming period, e.g. ``2014-2020``
priority_id    yes      identifier of the priority, unique within (territory, period)
title          yes      title of the priority (English, used for text similarity)
title_original no       the title as the source writes it, in the strategy's language (what
                        reports show; not compared)
territory_name no       name of the territory
description    no       description of the priority (English, used for text similarity)
nace           no       NACE Rev. 2 codes, space-separated: sections (``C``) or
                        section-prefixed divisions (``C26``)
nabs           no       NABS 2007 codes, space-separated
policy         no       EYE@RIS3 policy objective codes, space-separated
ecosystem      no       industrial ecosystem codes, space-separated
horizon_cluster no      Horizon Europe Pillar II cluster codes (CL1 ... CL6), space-separated
mission        no       EU mission codes (adaptation, cancer, ocean, cities, soil), space-separated
(others)       no       kept as the priority's ``meta`` (sources, excerpts, ...) and not scored
============== ======== =================================================================

A strategy is the set of rows of one (territory, period). ``period`` is a field: one file (or
several files read together) may hold several periods of a territory, e.g. its 2014-2020 and
its 2021-2027 strategy. Where one strategy per territory is needed (an alignment run without
``--period``), `latest_strategies` picks the strategy of the *latest* period of each territory:
the largest start year, then the largest end year, of a ``YYYY-YYYY`` (or ``YYYY``) period.
Codes are matched against the taxonomies case-insensitively and stored as spelled in the taxonomy.

The built-in, sourced dataset is the union of `BUILTIN_PRIORITY_FILES` (see the data README):
`read_builtin_strategies()` reads both files, `builtin_priorities_csv()` gives them as one CSV.

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
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from ..errors import InputError, Problem
from .taxonomy import AXES, Taxonomy, builtin_data_folder

BUILTIN_PRIORITY_FILES = ("s3_priorities_2014_2020.csv", "s3_priorities_2021_2027.csv")
REQUIRED_COLUMNS = ("territory", "level", "period", "priority_id", "title")
LEVELS = ("regional", "national")
NUTS_SHAPE = re.compile(r"^[A-Z]{2}[0-9A-Z]{0,3}$")
PERIOD_YEARS = re.compile(r"^\s*(\d{4})(?:\s*[-\u2013/]\s*(\d{4}))?\s*$")


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


def _where(first_line: int, first_src: str | None, src: str | None) -> str:
    """Where an earlier row is: its line, with its file when that is another file than the current row's."""
    return f"line {first_line}" if first_src == src else f"{first_src} line {first_line}"


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
    path: str | Path | Sequence[str | Path],
    taxonomies: dict[str, Taxonomy],
    known_territories: Container[str] | None = None,
) -> list[Strategy]:
    """Read and validate one or several priorities files (CSV or XLSX); every problem is listed, nothing is
    imported on any.

    Several files are read as one table (their columns united, a column a file lacks is empty), so a
    strategy's rows may not repeat a ``priority_id`` across files; problems name the file and row.
    `taxonomies` maps axis (``nace``, ``nabs``, ``policy``, ``ecosystem``, ``horizon_cluster``,
    ``mission``) to a `Taxonomy`; an axis column with codes but no taxonomy is refused.
    `known_territories` (e.g. a `NutsRegistry` or a set of codes) restricts the territories; without it
    only the shape of the code is checked. Every period is returned; see `latest_strategies`.
    """
    paths = [Path(path)] if isinstance(path, (str, Path)) else [Path(p) for p in path]
    if not paths:
        raise InputError("no priorities file given")
    rows: list[dict] = []
    lines: list[int] = []
    sources: list[str] = []
    header: list[str] = []
    for one in paths:
        r, li, h, src = _rows_from_file(one)
        rows += r
        lines += li
        sources += [src] * len(r)
        header += [c for c in h if c not in header]
    source: str | list[str] = sources[0] if len(paths) == 1 and sources else sources
    return strategies_from_rows(rows, taxonomies, known_territories, lines=lines, source=source, header=header)


def period_key(period: str) -> tuple[int, int, int, str]:
    """Sort key of a period, latest last: ``2021-2027`` -> (1, 2021, 2027, ...); a period that is not
    ``YYYY-YYYY`` or ``YYYY`` sorts before every dated one (then by its text)."""
    m = PERIOD_YEARS.match(period)
    if m is None:
        return (0, 0, 0, period)
    start = int(m.group(1))
    return (1, start, int(m.group(2) or start), period)


def latest_strategies(strategies: Iterable[Strategy]) -> list[Strategy]:
    """One strategy per territory: the one of the latest period (`period_key`: largest start year, then
    largest end year), in the order of the input. E.g. Salzburg's ``2016-2025`` and ``2024-2030``
    strategies -> ``2024-2030``; a territory with one strategy keeps it, whatever its period."""
    strategies = list(strategies)
    chosen: dict[str, Strategy] = {}
    for s in strategies:
        best = chosen.get(s.territory)
        if best is None or period_key(s.period) > period_key(best.period):
            chosen[s.territory] = s
    keep = {id(s) for s in chosen.values()}
    return [s for s in strategies if id(s) in keep]


def builtin_priority_files() -> list[Path]:
    """The files of the built-in, sourced priorities dataset (2014-2020 and 2021-2027), oldest first."""
    base = builtin_data_folder()
    return [base / name for name in BUILTIN_PRIORITY_FILES]


def read_builtin_strategies(
    taxonomies: dict[str, Taxonomy] | None = None, known_territories: Container[str] | None = None
) -> list[Strategy]:
    """Every strategy of the built-in dataset, all periods (pass the result to `latest_strategies` for
    the current one per territory). `taxonomies` default to the built-in ones."""
    if taxonomies is None:
        from .taxonomy import builtin_taxonomies

        taxonomies = builtin_taxonomies()
    return read_strategies(builtin_priority_files(), taxonomies, known_territories)


def builtin_priorities_csv() -> bytes:
    """The built-in dataset as one UTF-8 CSV (the files' rows one after the other, columns united in order),
    for callers that take one priorities file, e.g. a run's ``strategies`` bytes."""
    import csv
    import io

    header: list[str] = []
    rows: list[dict[str, str]] = []
    for path in builtin_priority_files():
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            header += [c for c in (reader.fieldnames or []) if c not in header]
            rows += list(reader)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, header, restval="", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def strategies_from_rows(
    rows: Iterable[dict],
    taxonomies: dict[str, Taxonomy],
    known_territories: Container[str] | None = None,
    *,
    lines: list[int] | None = None,
    source: str | Sequence[str] | None = None,
    header: list[str] | None = None,
) -> list[Strategy]:
    """Validate rows (dicts keyed by the schema's columns) into strategies; see `read_strategies`.

    `source` names the file of every row (one name, or one per row when the rows come from several files).
    """
    rows = list(rows)
    lines = lines or list(range(2, len(rows) + 2))
    row_sources: list[str | None] = (
        [source] * len(rows) if source is None or isinstance(source, str) else [str(x) for x in source]
    )
    source = row_sources[0] if row_sources and len(set(row_sources)) == 1 else None
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
    seen_ids: dict[tuple[str, str, str], tuple[int, str | None]] = {}
    seen_text: dict[tuple[str, str, str], tuple[int, str | None]] = {}
    suggest = getattr(known_territories, "suggest", None)
    for line, row, src in zip(lines, rows, row_sources, strict=False):

        def val(col: str) -> str:
            v = row.get(col)  # noqa: B023 - called only within this iteration
            return "" if v is None or (isinstance(v, float) and v != v) else str(v).strip()  # None, NaN: empty

        empty = [c for c in REQUIRED_COLUMNS if not val(c)]
        for c in empty:
            problems.append(Problem(f"{c} is empty", line, c, src))
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
                        src,
                    )
                )
                ok = False
            elif known_territories is not None and territory not in known_territories:
                msg = f"unknown territory '{territory}' (not a NUTS 2021 code)"
                hint = suggest(territory) if suggest else []
                if hint:
                    msg += "; did you mean " + ", ".join(hint) + "?"
                problems.append(Problem(msg, line, "territory", src))
                ok = False
        if level and level not in LEVELS:
            problems.append(Problem(f"level '{val('level')}' is not one of {', '.join(LEVELS)}", line, "level", src))
            ok = False
        if ok and territory and level == "national" and len(territory) != 2:
            problems.append(
                Problem(
                    f"a national strategy belongs to a country (two letters), not '{territory}'",
                    line,
                    "territory",
                    src,
                )
            )
        if ok and territory and level == "regional" and len(territory) == 2:
            problems.append(
                Problem(f"'{territory}' is a country: give its strategy the level 'national'", line, "level", src)
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
                    problems.append(Problem(tax.unknown_message(code), line, axis, src))
                elif canon not in out:
                    out.append(canon)
            codes[axis] = tuple(out)
        if empty and ("territory" in empty or "period" in empty or "priority_id" in empty):
            continue
        key = (territory, period)
        entry = strategies.setdefault(
            key, {"level": level, "name": val("territory_name"), "line": line, "src": src, "priorities": []}
        )
        if level and entry["level"] and level != entry["level"]:
            problems.append(
                Problem(
                    f"level '{level}' differs from '{entry['level']}' given for {territory} "
                    f"{period} at {_where(entry['line'], entry['src'], src)}",
                    line,
                    "level",
                    src,
                )
            )
        if not entry["name"] and val("territory_name"):
            entry["name"] = val("territory_name")
        id_key = (territory, period, pid)
        if id_key in seen_ids:
            problems.append(
                Problem(
                    f"duplicate priority_id '{pid}' for {territory} {period} "
                    f"(first at {_where(*seen_ids[id_key], src)})",
                    line,
                    "priority_id",
                    src,
                )
            )
            continue
        seen_ids[id_key] = (line, src)
        if val("title"):
            text_key = (territory, period, _norm_text(val("title")) + "\0" + _norm_text(val("description")))
            if text_key in seen_text:
                problems.append(
                    Problem(
                        f"duplicate priority: same title and description as "
                        f"{_where(*seen_text[text_key], src)} in {territory} {period}",
                        line,
                        "title",
                        src,
                    )
                )
                continue
            seen_text[text_key] = (line, src)
        meta = {c: val(c) for c in meta_cols if val(c)}
        entry["priorities"].append(Priority(pid, val("title"), val("description"), codes, meta, line))
    if problems:
        raise InputError(problems)
    if not strategies:
        raise InputError(
            Problem("no priorities in the file", source=source or ", ".join(dict.fromkeys(x for x in row_sources if x)))
        )
    return [Strategy(t, e["level"], p, tuple(e["priorities"]), e["name"]) for (t, p), e in strategies.items()]
