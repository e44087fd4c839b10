"""Reader for tidy indicator CSVs (region, year, value) with JSON metadata, into a long table.

Two layouts are read:

* EURITO (``indicators/*.csv``): ``year,region_type,region_year_spec,region_id,region_level,<id>``
  where ``<id>`` is the indicator id and holds the value; a JSON companion with the same base
  name gives the metadata (``title``, ``api_doc_url`` naming the Eurostat dataset,
  ``data_date``, ``source_name``, ``schema.value.id`` = ``<id>``). ``region_type``,
  ``region_year_spec`` and ``region_level`` are not trusted (the codes are a mix of NUTS
  versions, the level is computed as *length - 2*) and are not returned.
* plain: ``region,year,value`` with optional ``flag`` (``geo`` is accepted for ``region``).

Result columns: ``region`` (str), ``year`` (int), ``value`` (float, NaN when the cell is
empty or ``:`` - never 0), ``flag`` (str, '' when none; EURITO files carry no flags).
``result.attrs["metadata"]`` is the `TidyMetadata` (or None without a JSON file).

A corrupt or truncated file raises `InputError` naming the file and each bad line: missing
columns, too many fields, missing region or year, a year that is not an integer, a value that
is not a number, duplicate (region, year) rows; a JSON file that cannot be parsed or whose
value id disagrees with the CSV header.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError, Problem

MAX_PROBLEMS = 200
_DATASET_RE = re.compile(r"/data/([A-Za-z0-9_]+)")
_EURITO_FIXED = ("year", "region_type", "region_year_spec", "region_id", "region_level")


@dataclass(frozen=True)
class TidyMetadata:
    id: str
    title: str
    dataset: str | None  # Eurostat dataset code, from api_doc_url
    data_date: str | None
    source_name: str | None
    api_doc_url: str | None
    file: str


def read_metadata(path: str | Path) -> TidyMetadata:
    """Parse an EURITO JSON metadata file; errors name the file."""
    path = Path(path)
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read the metadata file: {exc.strerror or exc}", source=path.name) from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        where = f" (line {exc.lineno}, column {exc.colno})" if isinstance(exc, json.JSONDecodeError) else ""
        raise InputError(
            f"metadata is not valid JSON{where}: the file is corrupt or truncated", source=path.name
        ) from exc
    if not isinstance(meta, dict):
        raise InputError("metadata JSON is not an object", source=path.name)
    value = (meta.get("schema") or {}).get("value") if isinstance(meta.get("schema"), dict) else None
    vid = value.get("id") if isinstance(value, dict) else None
    if not vid:
        raise InputError("metadata has no schema.value.id (the indicator id)", source=path.name)
    url = meta.get("api_doc_url")
    m = _DATASET_RE.search(url) if isinstance(url, str) else None
    title = meta.get("title") or (value.get("label") if isinstance(value, dict) else None) or vid
    return TidyMetadata(
        id=str(vid),
        title=str(title),
        dataset=m.group(1) if m else None,
        data_date=meta.get("data_date"),
        source_name=meta.get("source_name"),
        api_doc_url=url if isinstance(url, str) else None,
        file=path.name,
    )


def read_tidy_csv(
    path: str | Path, metadata: str | Path | bool | None = True, *, source: str | None = None
) -> pd.DataFrame:
    """Read a tidy indicator CSV (see the module docstring).

    `metadata`: a JSON path; True (default) = the sibling ``<stem>.json`` if it exists;
    False/None = no metadata.
    """
    path = Path(path)
    name = source or path.name
    meta: TidyMetadata | None = None
    if metadata is True:
        sibling = path.with_suffix(".json")
        meta = read_metadata(sibling) if sibling.exists() else None
    elif metadata:
        meta = read_metadata(metadata)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror or exc}", source=name) from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start}); the file is corrupt", source=name) from exc
    df = parse_tidy_csv(text, source=name, value_column=meta.id if meta else None)
    df.attrs["metadata"] = meta
    return df


def parse_tidy_csv(text: str, *, source: str = "<text>", value_column: str | None = None) -> pd.DataFrame:
    """Parse tidy CSV text. `value_column` names the value column (EURITO: the indicator id)."""
    if not text.strip():
        raise InputError("the file is empty", source=source)
    reader = csv.reader(io.StringIO(text))
    try:
        header = [h.strip() for h in next(reader)]
        records = list(reader)
    except csv.Error as exc:
        raise InputError(f"not readable as CSV: {exc}", source=source) from exc
    cols = {h: i for i, h in enumerate(header)}
    region_col = next((c for c in ("region_id", "region", "geo") if c in cols), None)
    if value_column is None:
        if "value" in cols:
            value_column = "value"
        elif len(header) == len(_EURITO_FIXED) + 1 and tuple(header[:5]) == _EURITO_FIXED:
            value_column = header[-1]
    problems: list[Problem] = []
    for needed, col in (
        ("region (region_id/region/geo)", region_col),
        ("year", "year" if "year" in cols else None),
        (f"value ({value_column or 'value'})", value_column if value_column in cols else None),
    ):
        if col is None:
            problems.append(Problem(f"missing column {needed}; header is {','.join(header)}", line=1, source=source))
    if problems:
        raise InputError(problems)
    assert region_col is not None and value_column is not None
    n = len(header)
    ri, yi, vi = cols[region_col], cols["year"], cols[value_column]
    fi = cols.get("flag")
    regions, years, values, flags, lines = [], [], [], [], []
    for k, rec in enumerate(records, start=2):
        if not rec or (len(rec) == 1 and not rec[0].strip()):
            continue
        if len(rec) != n:
            what = "too few" if len(rec) < n else "too many"
            hint = " (truncated or corrupt line?)" if len(rec) < n else ""
            if len(problems) < MAX_PROBLEMS:
                problems.append(Problem(f"{what} fields: {len(rec)}, the header has {n}{hint}", line=k, source=source))
            continue
        regions.append(rec[ri].strip())
        years.append(rec[yi].strip())
        values.append(rec[vi].strip())
        flags.append(rec[fi].strip() if fi is not None else "")
        lines.append(k)
    if not lines and not problems:
        raise InputError(Problem("no data rows after the header (truncated file?)", line=2, source=source))
    reg = np.asarray(regions, dtype=object)
    yr = pd.to_numeric(pd.Series(years, dtype=object), errors="coerce").to_numpy(dtype=float)
    vt = pd.Series(values, dtype=object)
    empty = vt.isin(["", ":"]).to_numpy()
    val = pd.to_numeric(vt.where(~empty, None), errors="coerce").to_numpy(dtype=float)

    def add(mask: np.ndarray, msg, field: str) -> None:
        for j in np.nonzero(mask)[0]:
            if len(problems) < MAX_PROBLEMS:
                problems.append(Problem(msg(j), line=lines[j], field=field, source=source))

    add(reg == "", lambda j: "region is empty", region_col)
    add(np.isnan(yr) | (np.mod(np.nan_to_num(yr), 1) != 0), lambda j: f"year {years[j]!r} is not an integer", "year")
    add(np.isnan(val) & ~empty, lambda j: f"value {values[j]!r} is not a number", value_column)
    if not problems:
        key = pd.DataFrame({"r": reg, "y": yr})
        dup = key.duplicated(keep="first").to_numpy()
        add(dup, lambda j: f"duplicate row for region {regions[j]} and year {years[j]}", region_col)
    if problems:
        raise InputError(problems)
    return pd.DataFrame(
        {
            "region": pd.Series(reg, dtype=str),
            "year": yr.astype(np.int64),
            "value": val,
            "flag": pd.Series(flags, dtype=str),
        }
    )
