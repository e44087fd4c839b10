"""Strict CSV reading: UTF-8 only, required header columns, a line number for every record.

Line numbers count physical lines (the header is line 1), so a record whose
quoted text spans several lines is reported at the line where it starts.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from ..errors import InputError, Problem


def decode_utf8(data: bytes, source: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(Problem(f"file is not UTF-8 (byte 0x{data[exc.start]:02x} cannot be decoded); "
                                 "save it as UTF-8 and try again", line, source=source))


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
        raise InputError(Problem(f"header row is not valid CSV: {exc}", 1, source=source))
    missing = [c for c in required if c not in header]
    if missing:
        raise InputError([Problem(f"required column '{c}' is missing (header has: {', '.join(header)})", 1, c, source)
                          for c in missing])
    dupes = sorted({h for h in header if header.count(h) > 1})
    if dupes:
        raise InputError(Problem(f"header repeats column(s) {', '.join(dupes)}", 1, source=source))
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
    df = pd.DataFrame(rows, columns=header, dtype=object)
    for col in header:
        df[col] = df[col].str.strip()
    df["_line"] = lines
    return df
