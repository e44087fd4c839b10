"""Strict CSV reading: UTF-8 only, required header columns, a line number for every record.

Line numbers count physical lines (the header is line 1), so a record whose
quoted text spans several lines is reported at the line where it starts.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..errors import InputError, Problem

if TYPE_CHECKING:
    from _csv import Reader as _CsvReader

# Characters after which pandas' C parser and the csv module could split a text
# differently (quotes, CR line ends, NUL, a stray byte-order mark): the fast path
# leaves such files to the record-by-record reader.
_NOT_SIMPLE = ('"', "\r", "\0", "\ufeff")


def decode_utf8(data: bytes, source: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            Problem(
                f"file is not UTF-8 (byte 0x{data[exc.start]:02x} cannot be decoded); save it as UTF-8 and try again",
                line,
                source=source,
            )
        ) from exc


def read_csv_table(path: str | Path, required: tuple[str, ...], *, source: str | None = None) -> pd.DataFrame:
    """Read a CSV into text columns plus `_line`; refuse empty, non-UTF-8 or ragged files."""
    path = Path(path)
    source = source or path.name
    if not path.exists():
        raise InputError(f"file not found: {path}", source=source)
    text = decode_utf8(path.read_bytes(), source)
    return parse_csv_text(text, required, source)


def parse_csv_text(text: str, required: tuple[str, ...], source: str) -> pd.DataFrame:
    if not text.strip():
        raise InputError(Problem("file is empty (expected a header row: " + ",".join(required) + ")", source=source))
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [h.strip() for h in next(reader)]
    except csv.Error as exc:
        raise InputError(Problem(f"header row is not valid CSV: {exc}", 1, source=source)) from exc
    missing = [c for c in required if c not in header]
    if missing:
        raise InputError(
            [
                Problem(f"required column '{c}' is missing (header has: {', '.join(header)})", 1, c, source)
                for c in missing
            ]
        )
    dupes = sorted({h for h in header if header.count(h) > 1})
    if dupes:
        raise InputError(Problem(f"header repeats column(s) {', '.join(dupes)}", 1, source=source))
    simple = _parse_simple(text, header)
    return simple if simple is not None else _parse_records(reader, header, source)


def _parse_simple(text: str, header: list[str]) -> pd.DataFrame | None:
    """The usual file, split by pandas' C parser: much faster than the csv module.

    Taken only when it must give what the csv module gives: no quotes (so every
    physical line is one record and record k+1 sits on line k+1), every line with
    exactly the header's number of fields, none blank, none over the csv field size
    limit. Otherwise returns None and `_parse_records` finds the skips and problems.
    """
    if any(ch in text for ch in _NOT_SIMPLE):
        return None
    width = len(header)
    try:
        raw = pd.read_csv(
            io.StringIO(text),
            header=None,
            names=list(range(width)),
            dtype=object,
            na_filter=False,
            engine="c",
            skip_blank_lines=False,
            index_col=False,
            quoting=csv.QUOTE_NONE,
        )
    except pd.errors.ParserError:  # a line with more fields than the header
        return None
    # pandas refused any line with more fields, so this total means every line has exactly width fields.
    if len(raw) < 2 or text.count(",") != (width - 1) * len(raw):
        return None
    limit = csv.field_size_limit()
    columns, blank = [], np.ones(len(raw) - 1, dtype=bool)
    for pos in range(width):
        codes, uniques = pd.factorize(raw[pos].to_numpy()[1:])
        if any(len(u) > limit for u in uniques):
            return None
        stripped = _strip(uniques)
        blank &= (stripped == "")[codes]
        columns.append(stripped[codes])
    if blank.any():  # the csv path skips all-blank records
        return None
    return _text_frame(header, columns, np.arange(2, len(raw) + 1))


def _strip(uniques: Iterable[str]) -> np.ndarray:
    return np.array([u.strip() for u in uniques], dtype=object)


def _text_frame(header: list[str], columns: list[np.ndarray], lines: np.ndarray | list[int]) -> pd.DataFrame:
    """Object (not `str`) columns, as every caller has always received, plus `_line`."""
    df = pd.DataFrame(dict(zip(header, columns, strict=True)), dtype=object)
    df["_line"] = lines
    return df


def _parse_records(reader: _CsvReader, header: list[str], source: str) -> pd.DataFrame:
    """Record by record with the csv module: exact for quoted multi-line fields and ragged or blank lines."""
    rows: list[list[str]] = []
    lines: list[int] = []
    problems: list[Problem] = []
    width = len(header)
    start = reader.line_num + 1
    try:
        for record in reader:
            if not record or all(not f.strip() for f in record):
                start = reader.line_num + 1
                continue
            if len(record) != width:
                problems.append(Problem(f"has {len(record)} fields, header has {width}", start, source=source))
            else:
                rows.append(record)
                lines.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        problems.append(Problem(f"not valid CSV: {exc}", reader.line_num, source=source))
    if problems:
        raise InputError(problems)
    if not rows:
        raise InputError(Problem("file has a header but no data rows", source=source))
    columns = [np.array(col, dtype=object) for col in zip(*rows, strict=True)]
    stripped = []
    for col in columns:
        codes, uniques = pd.factorize(col)
        stripped.append(_strip(uniques)[codes])
    return _text_frame(header, stripped, lines)
