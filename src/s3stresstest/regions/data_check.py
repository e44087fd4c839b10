"""Format checks of reference data files: catch truncated, corrupt or wrong files before they are installed.

Each check reads the whole file and returns `Problem`s naming the file (and line where it helps);
an empty list means the file looks complete and well-formed. Checksums are verified elsewhere; these
checks are what protects a fresh download, whose sha256 is not known in advance.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from pathlib import Path

from ..errors import Problem
from .data_catalogue import Dataset

MAX_PER_FILE = 5
_NUMBER = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?")
_TSV_CELL = re.compile(r"\s*(:|[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?)(\s.*)?")
_TSV_FIRST = re.compile(r"([A-Za-z0-9_]+,)*geo\\(TIME_PERIOD|time)", re.IGNORECASE)
INDICATOR_COLUMNS = ["year", "region_type", "region_year_spec", "region_id", "region_level"]


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def check_file(path: Path, ds: Dataset, label: str | None = None) -> list[Problem]:
    """Problems with `path` read as the catalogue file `ds` ([] when it is fine)."""
    label = label or ds.path
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        return [Problem(f"cannot read the file: {exc.strerror or exc}", source=label)]
    if not raw.strip():
        return [Problem("the file is empty", source=label)]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return [
            Problem(f"not UTF-8 text (byte {exc.start}): the file is corrupt or not the expected file", source=label)
        ]
    checker = {
        "geojson": _check_geojson,
        "eurostat-tsv": _check_tsv,
        "indicator-csv": _check_indicator_csv,
        "indicator-json": _check_indicator_json,
    }[ds.kind]
    return checker(text, ds, label)


def _json(text: str, label: str) -> tuple[object, list[Problem]]:
    try:
        return json.loads(text), []
    except json.JSONDecodeError as exc:
        hint = " (the file is truncated)" if exc.pos >= len(text.rstrip()) - 1 else ""
        return None, [Problem(f"not valid JSON{hint}: {exc.msg} at character {exc.pos} of {len(text)}", source=label)]


def _check_geojson(text: str, ds: Dataset, label: str) -> list[Problem]:
    doc, problems = _json(text, label)
    if problems:
        return problems
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        return [Problem("not a GeoJSON FeatureCollection", source=label)]
    features = doc.get("features")
    if not isinstance(features, list) or not features:
        return [Problem("the FeatureCollection has no features", source=label)]
    for i, feat in enumerate(features):
        where = f"feature {i + 1}"
        props = feat.get("properties") if isinstance(feat, dict) else None
        geom = feat.get("geometry") if isinstance(feat, dict) else None
        if not isinstance(props, dict) or not props.get("NUTS_ID"):
            problems.append(Problem(f"{where} has no NUTS_ID property", source=label))
        elif ds.level is not None and str(props.get("LEVL_CODE")) != str(ds.level):
            problems.append(
                Problem(
                    f"{where} ({props['NUTS_ID']}) has LEVL_CODE {props.get('LEVL_CODE')!r}, "
                    f"expected {ds.level}: not the level-{ds.level} file",
                    source=label,
                )
            )
        if not isinstance(geom, dict) or geom.get("type") not in ("Polygon", "MultiPolygon"):
            problems.append(Problem(f"{where} has no Polygon/MultiPolygon geometry", source=label))
        if len(problems) >= MAX_PER_FILE:
            break
    return problems


def _check_tsv(text: str, ds: Dataset, label: str) -> list[Problem]:
    lines = text.split("\n")
    header = lines[0].rstrip("\r").split("\t")
    if not _TSV_FIRST.fullmatch(header[0]) or len(header) < 2:
        shown = lines[0][:60].rstrip("\r")
        return [
            Problem(
                f"not a Eurostat TSV: the header must start with dimensions ending in "
                f"'geo\\TIME_PERIOD' followed by tab-separated periods, found {shown!r}",
                line=1,
                source=label,
            )
        ]
    width = len(header)
    dims = header[0].count(",") + 1
    problems: list[Problem] = []
    last = len(lines)
    while last > 1 and lines[last - 1].strip() == "":
        last -= 1
    if last == 1:
        return [Problem("the TSV has a header but no data rows (truncated?)", source=label)]
    for n in range(1, last):
        row = lines[n].rstrip("\r").split("\t")
        msg = None
        if len(row) != width:
            msg = f"{len(row)} tab-separated fields, the header has {width}"
        elif row[0].count(",") + 1 != dims:
            msg = f"{row[0].count(',') + 1} dimension codes in {row[0][:40]!r}, the header names {dims}"
        else:
            bad = next((c for c in row[1:] if not _TSV_CELL.fullmatch(c)), None)
            if bad is not None:
                msg = f"cell {bad[:20]!r} is neither a number nor ':' (missing)"
        if msg:
            if n == last - 1 and not text.endswith("\n"):
                msg += " (the last line is cut off: the file is truncated)"
            problems.append(Problem(msg, line=n + 1, source=label))
            if len(problems) >= MAX_PER_FILE:
                break
    return problems


def _check_indicator_csv(text: str, ds: Dataset, label: str) -> list[Problem]:
    stem = ds.path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    expected = INDICATOR_COLUMNS + [stem]
    rows = csv.reader(io.StringIO(text, newline=""))
    header = next(rows, [])
    if header != expected:
        return [
            Problem(f"header must be {','.join(expected)!r}, found {','.join(header)[:80]!r}", line=1, source=label)
        ]
    problems: list[Problem] = []
    count = 0
    for n, row in enumerate(rows, start=2):
        if not row:
            continue
        count += 1
        msg = None
        if len(row) != len(expected):
            msg = f"{len(row)} fields, the header has {len(expected)}"
        elif not row[0].isdigit():
            msg = f"year {row[0]!r} is not a whole number"
        elif not _NUMBER.fullmatch(row[5]):
            msg = f"value {row[5]!r} is not a number"
        if msg:
            if not text.endswith("\n"):
                msg += " (the file may be truncated)"
            problems.append(Problem(msg, line=n, source=label, field=None))
            if len(problems) >= MAX_PER_FILE:
                break
    if not count and not problems:
        problems.append(Problem("the CSV has a header but no data rows (truncated?)", source=label))
    return problems


def _check_indicator_json(text: str, ds: Dataset, label: str) -> list[Problem]:
    doc, problems = _json(text, label)
    if problems:
        return problems
    stem = ds.path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    value = doc.get("schema", {}).get("value", {}) if isinstance(doc, dict) else {}
    if not isinstance(value, dict) or value.get("id") != stem:
        found = value.get("id") if isinstance(value, dict) else None
        return [Problem(f"not the EURITO metadata of '{stem}': schema.value.id is {found!r}", source=label)]
    return []
