"""Tables of a run as CSV that read back exactly: declared column types, missing stays missing.

A run folder stores every table as UTF-8 CSV with a header row. The type of each column is
declared (`Column`), written into the folder's `schema.json`, and used when reading, so that

- booleans are written ``true``/``false`` and come back as booleans (a missing flag is empty),
- integers stay integers (``int``: numpy int64; ``int?``: pandas ``Int64``, which may be missing),
- floats are written with the shortest text that reads back to the same number,
- text stays text (codes such as ``CH022`` or ``0101`` never become numbers), and an empty
  text cell is the empty string, never NaN,
- JSON columns (nested evidence) are plain text holding JSON.

Writing a table that was read back gives the same bytes again: `rerun` compares folders
byte for byte on that basis.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, cast

import numpy as np
import pandas as pd

from ..errors import InputError, Problem

Kind = Literal["text", "int", "int?", "float", "bool"]
KINDS: tuple[Kind, ...] = ("text", "int", "int?", "float", "bool")


@dataclass(frozen=True)
class Column:
    """One declared column: its name and kind."""

    name: str
    kind: Kind


Schema = tuple[Column, ...]


def schema(spec: str) -> Schema:
    """'region:text score:float n:int' -> a Schema (compact declarations for the table list)."""
    out = []
    for token in spec.split():
        name, _, kind = token.partition(":")
        if kind not in KINDS:
            raise ValueError(f"column '{name}': unknown kind '{kind}'")
        out.append(Column(name, kind))  # narrowed to Kind by the check above
    return tuple(out)


def infer_schema(df: pd.DataFrame) -> Schema:
    """The kinds of a table's columns from its dtypes (for tables whose shape varies, e.g. finding figures)."""
    cols = []
    for name in df.columns:
        s = df[name]
        if pd.api.types.is_bool_dtype(s.dtype):
            kind: Kind = "bool"
        elif pd.api.types.is_integer_dtype(s.dtype):
            kind = "int"
        elif pd.api.types.is_float_dtype(s.dtype):
            kind = "float"
        else:
            values = [v for v in s if not _missing(v)]
            if values and all(isinstance(v, (bool, np.bool_)) for v in values):
                kind = "bool"
            elif values and all(
                isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_)) for v in values
            ):
                kind = "int"
            elif values and all(
                isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_))
                for v in values
            ):
                kind = "float"
            else:
                kind = "text"
        cols.append(Column(str(name), kind))
    return tuple(cols)


def _missing(v: Any) -> bool:
    if v is None or v is pd.NA:
        return True
    try:
        return bool(isinstance(v, (float, np.floating)) and math.isnan(v))
    except TypeError:
        return False


def _float_text(v: Any) -> str:
    if _missing(v):
        return ""
    f = float(v)
    if math.isinf(f):
        return "inf" if f > 0 else "-inf"
    text = repr(f)
    return text[:-2] if text.endswith(".0") else text


def _cell_texts(series: pd.Series, kind: Kind) -> list[str]:
    if kind == "bool":
        return ["" if _missing(v) else ("true" if bool(v) else "false") for v in series]
    if kind in ("int", "int?"):
        return ["" if _missing(v) else str(int(v)) for v in series]
    if kind == "float":
        return [_float_text(v) for v in series]
    return ["" if _missing(v) else str(v) for v in series]


def conform(df: pd.DataFrame, columns: Schema, table: str) -> pd.DataFrame:
    """The table with exactly the declared columns, in order; a missing declared column is an error."""
    names = [c.name for c in columns]
    lacking = [n for n in names if n not in df.columns]
    if lacking:
        raise ValueError(f"table '{table}' lacks the declared column(s) {', '.join(lacking)}")
    return df[names]


def write_table(df: pd.DataFrame, path: str | Path, columns: Schema | None = None) -> Schema:
    """Write `df` as CSV with its declared (or inferred) kinds; returns the schema used."""
    columns = columns if columns is not None else infer_schema(df)
    df = conform(df, columns, Path(path).stem)
    texts = {c.name: _cell_texts(df[c.name], c.kind) for c in columns}
    out = pd.DataFrame(texts, columns=[c.name for c in columns], dtype=object)
    out.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
    return columns


def _parse_bool(v: str, where: str) -> bool | None:
    if v == "":
        return None
    low = v.strip().lower()
    if low in ("true", "1", "yes"):
        return True
    if low in ("false", "0", "no"):
        return False
    raise ValueError(f"{where}: '{v}' is not true or false")


def read_table(path: str | Path, columns: Schema | None = None) -> pd.DataFrame:
    """Read a CSV written by `write_table` with its declared kinds (all text when `columns` is None)."""
    path = Path(path)
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[], encoding="utf-8")
    except pd.errors.EmptyDataError:
        raw = pd.DataFrame()
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise InputError(f"cannot read table: {exc}", source=str(path)) from None
    if columns is None:
        return raw
    problems = [Problem(f"column '{c.name}' is missing", source=path.name) for c in columns if c.name not in raw]
    if problems:
        raise InputError(problems)
    out: dict[str, Any] = {}
    for c in columns:
        cells = raw[c.name].tolist()
        try:
            if c.kind == "text":
                out[c.name] = pd.Series(cells, dtype="str")
            elif c.kind == "float":
                out[c.name] = pd.Series([np.nan if v == "" else float(v) for v in cells], dtype="float64")
            elif c.kind in ("int", "int?"):
                values = [None if v == "" else int(v) for v in cells]
                if c.kind == "int" and None in values:
                    raise ValueError("a value is missing")
                out[c.name] = pd.Series(values, dtype="Int64" if c.kind == "int?" else "int64")
            else:
                flags = [_parse_bool(v, f"{path.name}, column {c.name}") for v in cells]
                out[c.name] = pd.Series(flags, dtype=object if None in flags else bool)
        except ValueError as exc:
            raise InputError(f"column '{c.name}' does not hold {c.kind} values ({exc})", source=path.name) from None
    return pd.DataFrame(out, columns=[c.name for c in columns])


def schema_json(columns: Schema) -> list[dict[str, str]]:
    return [{"name": c.name, "kind": c.kind} for c in columns]


def schema_from_json(entries: Iterable[Mapping[str, str]]) -> Schema:
    return tuple(Column(str(e["name"]), cast(Kind, e["kind"])) for e in entries)
