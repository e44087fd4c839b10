"""Reader for Eurostat's bulk-download TSV format, into a long table.

The layout (SDMX-2.1 "TSV" of the dissemination API)::

    freq,unit,geo\\TIME_PERIOD<TAB>2019 <TAB>2020
    A,EUR_HAB,AT33<TAB>47800 <TAB>53300 e

* the header's first field names the dimensions, comma-separated, the last one followed by a
  backslash and the time dimension (`TIME_PERIOD`, or `time` in older files); one field per
  period follows, each label possibly followed by a space;
* each row's first field holds that row's dimension codes; each further cell is
  ``value<space>flags``: a number or ``:`` (missing), one space, then zero or more flags
  (``p`` provisional, ``e`` estimated, ``b`` break in series, ``m`` missing, ``c`` confidential,
  ... combinable: ``bep``). Non-standard annotations such as ``@N`` are kept as flags.

The result has one row per (row key, period) with the dimension columns (named as in the
header, e.g. ``freq``, ``unit``, ``geo``), ``year`` (int; ``period`` (str) when the periods are
not plain years), ``value`` (float, NaN when missing - never 0) and ``flag`` (str, '' when none).

Rows policy: a missing cell with no flag (``: ``) says nothing and is left out; a missing cell
with flags (``: m``, ``: c``, ``: @N``) is kept, with value NaN and its flags, so the reason for
a gap stays visible. ``keep_empty=True`` keeps every cell.

A corrupt or truncated file raises `InputError` naming the file and, for each problem, the
line and period: header not in this format, duplicate periods, rows with too few or too many
fields, keys with the wrong number of dimension codes, cells that are not ``number flags``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError, Problem

MAX_PROBLEMS = 200
_FLAGS_RE = re.compile(r"^[A-Za-z@]*$")
_YEAR_RE = re.compile(r"^\d{4}$")

FLAG_MEANINGS = {
    "b": "break in time series",
    "c": "confidential",
    "d": "definition differs",
    "e": "estimated",
    "f": "forecast",
    "m": "missing",
    "n": "not significant",
    "p": "provisional",
    "r": "revised",
    "s": "Eurostat estimate",
    "u": "low reliability",
    "z": "not applicable",
}


def flag_tokens(flag: str) -> list[str]:
    """The flags of a flag string: one letter each; an '@'-annotation ('@N') is one token."""
    toks, i = [], 0
    flag = flag or ""
    while i < len(flag):
        if flag[i] == "@":
            toks.append(flag[i : i + 2])
            i += 2
        else:
            toks.append(flag[i])
            i += 1
    return toks


def explain_flags(flag: str, sep: str = ", ") -> str:
    """Flags with their meaning: 'p' -> 'p provisional', 'be' -> 'b break in time series, e estimated'.

    Unknown letters and annotations such as '@N' are kept and marked as such; '' gives ''.
    """
    parts = []
    for t in flag_tokens(flag):
        meaning = FLAG_MEANINGS.get(t) or FLAG_MEANINGS.get(t.lower())
        parts.append(f"{t} {meaning}" if meaning else f"{t} (annotation not in Eurostat's flag list)")
    return sep.join(parts)


def read_eurostat_tsv(
    path: str | Path,
    *,
    filters: Mapping[str, str | Iterable[str]] | None = None,
    keep_empty: bool = False,
    source: str | None = None,
) -> pd.DataFrame:
    """Read a Eurostat bulk TSV file into a long table (see the module docstring).

    `filters` keeps only rows whose dimension codes match, e.g. ``{"unit": ["EUR_HAB"]}``; it is
    applied before the cells are parsed, so filtering a large file is cheap. `source` is the
    name used in messages (default: the file name).
    """
    path = Path(path)
    name = source or path.name
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror or exc}", source=name) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"not UTF-8 text (byte {exc.start}); the file is corrupt or not a Eurostat TSV", source=name
        ) from exc
    return parse_eurostat_tsv(text, source=name, filters=filters, keep_empty=keep_empty)


def _problem(problems: list[Problem], message: str, line: int | None, field: str | None, source: str) -> None:
    if len(problems) < MAX_PROBLEMS:
        problems.append(Problem(message, line=line, field=field, source=source))


def _parse_header(line: str, source: str) -> tuple[list[str], str, list[str]]:
    fields = line.rstrip("\r\n").split("\t")
    first = fields[0].strip()
    if "\\" not in first:
        raise InputError(
            Problem(
                "header is not Eurostat TSV: the first field should list the dimensions and end in "
                f"'geo\\TIME_PERIOD', found {first[:60]!r}",
                line=1,
                source=source,
            )
        )
    dims_part, time_name = first.rsplit("\\", 1)
    dims = [d.strip() for d in dims_part.split(",")]
    if not dims or any(not d for d in dims) or not time_name.strip():
        raise InputError(Problem(f"header has an empty dimension name: {first[:60]!r}", line=1, source=source))
    if len(set(dims)) != len(dims):
        raise InputError(Problem(f"header repeats a dimension: {first[:60]!r}", line=1, source=source))
    periods = [p.strip() for p in fields[1:]]
    problems: list[Problem] = []
    if not periods:
        problems.append(Problem("header has no period columns (truncated file?)", line=1, source=source))
    for i, p in enumerate(periods):
        if not p:
            problems.append(Problem(f"header field {i + 2} (a period label) is empty", line=1, source=source))
    dup = sorted({p for p in periods if p and periods.count(p) > 1})
    if dup:
        problems.append(Problem(f"header repeats period(s) {', '.join(dup)}", line=1, source=source))
    if problems:
        raise InputError(problems)
    return dims, time_name.strip(), periods


def parse_eurostat_tsv(
    text: str,
    *,
    source: str = "<text>",
    filters: Mapping[str, str | Iterable[str]] | None = None,
    keep_empty: bool = False,
) -> pd.DataFrame:
    """Parse the text of a Eurostat bulk TSV (see `read_eurostat_tsv`)."""
    if not text.strip():
        raise InputError("the file is empty", source=source)
    lines = text.split("\n")
    dims, _time_name, periods = _parse_header(lines[0], source)
    n_periods = len(periods)
    n_fields = n_periods + 1
    problems: list[Problem] = []

    # Split rows; blank lines (a final newline, CRLF remnants) are skipped.
    line_no: list[int] = []
    rows: list[list[str]] = []
    for i, ln in enumerate(lines[1:], start=2):
        if ln.endswith("\r"):
            ln = ln[:-1]
        if not ln.strip():
            continue
        parts = ln.split("\t")
        if len(parts) != n_fields:
            what = "too few" if len(parts) < n_fields else "too many"
            hint = " (truncated or corrupt line?)" if len(parts) < n_fields else ""
            _problem(problems, f"{what} fields: {len(parts)}, the header has {n_fields}{hint}", i, None, source)
            continue
        line_no.append(i)
        rows.append(parts)
    if not rows and not problems:
        raise InputError(Problem("no data rows after the header (truncated file?)", line=2, source=source))

    keys = [r[0].strip() for r in rows]
    key_parts = [k.split(",") for k in keys]
    good = np.fromiter((len(kp) == len(dims) and all(kp) for kp in key_parts), dtype=bool, count=len(rows))
    for j in np.nonzero(~good)[0]:
        _problem(
            problems,
            f"row key {keys[j]!r} does not have {len(dims)} dimension codes ({','.join(dims)})",
            line_no[j],
            dims[-1] + "\\TIME_PERIOD",
            source,
        )
    if problems:
        raise InputError(problems)

    dim_frame = pd.DataFrame(key_parts, columns=dims, dtype=str)
    keep = np.ones(len(rows), dtype=bool)
    for dim, wanted in (filters or {}).items():
        if dim not in dims:
            raise InputError(f"cannot filter on '{dim}': the file's dimensions are {', '.join(dims)}", source=source)
        wanted_set = {wanted} if isinstance(wanted, str) else set(wanted)
        keep &= dim_frame[dim].isin(wanted_set).to_numpy()
    idx = np.nonzero(keep)[0]
    dim_frame = dim_frame.iloc[idx].reset_index(drop=True)
    kept_lines = np.asarray(line_no, dtype=np.int64)[idx]

    cells = [c for j in idx for c in rows[j][1:]]
    values_txt: list[str] = []
    flags: list[str] = []
    for c in cells:
        v, _, f = c.strip().partition(" ")
        values_txt.append(v)
        flags.append(f.strip())
    vt = pd.Series(values_txt, dtype=object)
    missing = (vt == ":").to_numpy()
    num = pd.to_numeric(vt.where(~missing, None), errors="coerce").to_numpy(dtype=float)
    flag_arr = np.asarray(flags, dtype=object)
    bad_value = np.isnan(num) & ~missing
    bad_flag = np.fromiter((not _FLAGS_RE.match(f) for f in flags), dtype=bool, count=len(flags))
    for pos in np.nonzero(bad_value | bad_flag)[0]:
        r, p = divmod(int(pos), n_periods)
        msg = (
            f"cell {cells[pos]!r} is not 'number flags' or ': flags'"
            if bad_value[pos]
            else f"cell {cells[pos]!r} has unreadable flags {flags[pos]!r}"
        )
        _problem(problems, msg, int(kept_lines[r]), periods[p], source)
    if problems:
        raise InputError(problems)

    n = len(idx)
    out = dim_frame.loc[np.repeat(np.arange(n), n_periods)].reset_index(drop=True)
    if all(_YEAR_RE.match(p) for p in periods):
        out["year"] = np.tile(np.asarray([int(p) for p in periods], dtype=np.int64), n)
    else:
        out["period"] = pd.Series(np.tile(np.asarray(periods, dtype=object), n), dtype=str)
    out["value"] = num
    out["flag"] = pd.Series(flag_arr, dtype=str)
    if not keep_empty:
        out = out[~(missing & (flag_arr == ""))].reset_index(drop=True)
    out.attrs["source"] = source
    out.attrs["dimensions"] = dims
    return out
