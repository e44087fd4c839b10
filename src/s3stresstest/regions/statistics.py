"""Regional statistics: every catalogue indicator in one long table, latest values, aggregation.

`load_statistics(folder)` reads the catalogue's files (Eurostat TSVs and EURITO tidy CSVs) from
the data folder and returns one long table with the columns `COLUMNS`:

``indicator, region, year, value, unit, flag, source, dataset, aggregated, recoded_from, nuts2021``

* ``value`` is NaN when missing, never 0. Missing cells without flags are not rows; missing
  cells with flags (``: m``, ``: @N``) are rows with NaN and the flag (see `eurostat_tsv`).
* ``flag``: Eurostat flags as published ('' = none); for aggregated and derived values the
  union of the flags of the values they were computed from (the parts' or inputs' values; the
  flags of aggregation weights do not count).
* ``source``: the file read (relative path in the data folder), or ``derived: a / b``;
  ``dataset``: the Eurostat dataset code (attribution: "Source: Eurostat (<dataset>)").
  The R&D, HRST and patent indicators are read from the raw Eurostat TSV that `data pull`
  stores (``eurostat/rd_e_gerdreg.tsv`` ..., filtered with the catalogue's `tsv_filters`) when
  it is present, else from the EURITO tidy CSV that `data seed` installs
  (``indicators/*.csv``); `indicator_sources(folder)` says which file each indicator comes from.
* ``recoded_from``: the NUTS 2013/2016/2010 code a value was published under when it was
  recoded to NUTS 2021 (`nuts_recode.RECODES`), else ''.
* ``nuts2021``: the region is a NUTS 2021 region. Rows of other codes (older NUTS versions with
  changed boundaries, EU aggregates, extra-regio, non-NUTS countries) stay in the table;
  `nuts_recode.unmatched_codes` lists them and `load_report` reports them.
* ``aggregated``: the value was not published for this territory but computed from its parts.

Aggregation rule (`complete_statistics`): a territory's value for a year is the value published
at its own level when there is one; otherwise it is computed from its NUTS 2021 parts (the
regions one level down, found by code prefix: the parent of a code is the code minus its last
character), recursively (a NUTS-1 value from NUTS-2 parts, which may themselves come from
NUTS-3 parts), with the catalogue's rule: ``sum`` for totals; ``weighted`` mean for per-head
values and shares, weighted by the parts' values of the weight indicator (population or GDP)
in the same year, or, when the weight is not published for that year (population starts in
2016), in the nearest year published (the earlier one on a tie). **All** parts must have a
value for that year, else the territory stays missing for it: a sum or mean over some parts
would be wrong, not just imprecise. Extra-regio and "not regionalised" codes are not parts.
Derived indicators (density, business share of GERD) are computed after aggregation from
their inputs at each territory (aggregated if an input is).

The latest available value (`latest_values`, `value_for_territory`) is that of the latest year
with a value, published or aggregated; the year is always shown.

Missing files: by default a missing file is refused (`InputError` listing every missing file
with how to get it). ``missing="skip"`` leaves out the indicators whose file is absent (and the
derived ones that need them) and names them in `LoadReport.skipped`, so that a partial data
directory still gives what it can (``regions show`` uses this).

Loading takes about a second. `load_report` keeps the last few results in memory, keyed on the
data folder and the size, modification time and inode of every file it reads, so a process that
asks again for unchanged files gets a copy of the same table at once.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError, Problem
from .datadir import data_dir
from .eurostat_tsv import flag_tokens, read_eurostat_tsv
from .indicators import BY_ID, CATALOGUE, Indicator
from .nuts_recode import GISCO_FILE, RECODE_MAP, nuts2021_regions, unmatched_codes
from .tidy_csv import read_tidy_csv

COLUMNS = [
    "indicator",
    "region",
    "year",
    "value",
    "unit",
    "flag",
    "source",
    "dataset",
    "aggregated",
    "recoded_from",
    "nuts2021",
]


@dataclass
class LoadReport:
    """What `load_report` did besides reading: recodings, collisions, codes outside NUTS 2021."""

    stats: pd.DataFrame
    recoded: pd.DataFrame  # indicator, recoded_from, region, rows, years
    collisions: pd.DataFrame  # rows not kept because the same indicator/region/year was published under the 2021 code
    unmatched: pd.DataFrame  # code, kind, indicators, years, rows (see nuts_recode.unmatched_codes)
    regions: pd.DataFrame  # NUTS 2021 regions: code, level, country, name
    skipped: dict = field(default_factory=dict)  # indicator id -> why it is not in the table (missing="skip")

    def copy(self) -> LoadReport:
        return LoadReport(
            stats=self.stats.copy(),
            recoded=self.recoded.copy(),
            collisions=self.collisions.copy(),
            unmatched=self.unmatched.copy(),
            regions=self.regions.copy(),
            skipped=dict(self.skipped),
        )

    def summary(self) -> str:
        n_rec = int(self.recoded["rows"].sum()) if len(self.recoded) else 0
        codes = ", ".join(
            f"{o}->{n}" for o, n in self.recoded[["recoded_from", "region"]].drop_duplicates().itertuples(index=False)
        )
        kinds = self.unmatched.groupby("kind").size().to_dict() if len(self.unmatched) else {}
        return (
            f"{len(self.stats)} rows; {n_rec} rows recoded to NUTS 2021 ({codes or 'none'}); "
            f"{len(self.collisions)} recoded rows not used (the NUTS 2021 code has its own value); "
            f"{len(self.unmatched)} codes not in NUTS 2021 kept under their own code {kinds}"
        )


# ----------------------------------------------------------------------------------------------
# Reading


def _base_indicators(ids: Iterable[str] | None) -> list[Indicator]:
    wanted = list(BY_ID) if ids is None else list(ids)
    unknown = [i for i in wanted if i not in BY_ID]
    if unknown:
        raise InputError(f"unknown indicator(s) {', '.join(unknown)}; known: {', '.join(BY_ID)}")
    closure: list[str] = []

    def add(i: str) -> None:
        ind = BY_ID[i]
        for dep in (*ind.inputs, *([ind.weight] if ind.weight else [])):
            add(dep)
        if i not in closure:
            closure.append(i)

    for i in wanted:
        add(i)
    return [BY_ID[i] for i in closure]


def _rows(ind: Indicator, df: pd.DataFrame, source: str, region: str = "region") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "indicator": ind.id,
            "region": df[region].astype(str).to_numpy(),
            "year": df["year"].to_numpy(np.int64),
            "value": df["value"].to_numpy(float),
            "unit": ind.unit,
            "flag": df["flag"].astype(str).to_numpy(),
            "source": source,
            "dataset": ind.dataset,
        }
    )


@dataclass(frozen=True)
class _Source:
    reader: str  # 'eurostat_tsv' | 'tidy_csv'
    file: str  # relative path in the data folder
    filters: dict  # Eurostat TSV dimension filter ({} for tidy CSVs)
    alternatives: tuple[str, ...]  # every file the indicator could be read from, preferred first


def _source(ind: Indicator, base: Path) -> _Source:
    """Which file `ind` is read from in `base`: the raw Eurostat TSV when present, else the tidy CSV."""
    if ind.file is None:
        raise ValueError(f"{ind.id} is derived from other indicators and has no file")
    if ind.reader == "tidy_csv" and ind.tsv_file:
        alternatives: tuple[str, ...] = (ind.tsv_file, ind.file)
        if (base / ind.tsv_file).is_file():
            return _Source("eurostat_tsv", ind.tsv_file, dict(ind.tsv_filters), alternatives)
        return _Source("tidy_csv", ind.file, {}, alternatives)
    return _Source(ind.reader, ind.file, dict(ind.filters), (ind.file,))


def _missing_message(ind: Indicator, src: _Source, base: Path) -> str:
    if len(src.alternatives) > 1:
        tsv, csv_ = src.alternatives
        return (
            f"{ind.id}: neither '{tsv}' (the raw Eurostat TSV, from `s3stresstest data pull`) nor '{csv_}' "
            f"(the EURITO tidy copy, from `s3stresstest data seed FOLDER`) is in {base}"
        )
    return (
        f"{ind.id}: reference data file '{src.file}' is not in {base}; run `s3stresstest data pull` "
        "(or `s3stresstest data seed FOLDER` on an offline machine)"
    )


def indicator_sources(folder: str | Path | None = None, ids: Iterable[str] | None = None) -> pd.DataFrame:
    """For each (non-derived) catalogue indicator: the file it is read from in `folder` and how.

    Columns: indicator, dataset, reader ('eurostat_tsv' | 'tidy_csv'), file, filters (the TSV
    dimension filter as text), present (the file exists), alternatives (every possible file,
    preferred first).
    """
    base = Path(folder) if folder else data_dir()
    rows = []
    for ind in _base_indicators(ids):
        if ind.reader == "derived":
            continue
        src = _source(ind, base)
        rows.append(
            {
                "indicator": ind.id,
                "dataset": ind.dataset,
                "reader": src.reader,
                "file": src.file,
                "filters": ", ".join(f"{k}={v}" for k, v in src.filters.items()),
                "present": (base / src.file).is_file(),
                "alternatives": ", ".join(src.alternatives),
            }
        )
    return pd.DataFrame(rows, columns=["indicator", "dataset", "reader", "file", "filters", "present", "alternatives"])


def _tsv_rows(ind: Indicator, df: pd.DataFrame, src: _Source) -> pd.DataFrame:
    """The rows of indicator `ind` in a Eurostat TSV table read with the union of several filters."""
    where = ", ".join(f"{k}={v}" for k, v in src.filters.items())
    mask = np.ones(len(df), dtype=bool)
    for d, v in src.filters.items():
        mask &= (df[d] == v).to_numpy()
    sub = df[mask]
    if sub.empty:
        raise InputError(f"no rows for {ind.id} ({where})", source=src.file)
    if "year" not in sub.columns:
        raise InputError(f"the periods are not years; {ind.id} needs annual data ({where})", source=src.file)
    dup = sub.duplicated(["geo", "year"])
    if dup.any():
        dims = [
            d
            for d in sub.attrs.get("dimensions", df.attrs.get("dimensions", []))
            if d != "geo" and d not in src.filters and sub[d].nunique() > 1
        ]
        example = sub[dup.to_numpy()].iloc[0]
        raise InputError(
            f"{ind.id}: several rows per region and year after filtering ({where}), e.g. "
            f"{example['geo']} {int(example['year'])}; the file has dimension(s) "
            f"{', '.join(dims) or '?'} that the catalogue's filter does not fix",
            source=src.file,
        )
    return _rows(ind, sub, src.file, region="geo")


def read_indicators(
    folder: str | Path | None = None,
    ids: Iterable[str] | None = None,
    *,
    missing: str = "raise",
    skipped: dict | None = None,
) -> pd.DataFrame:
    """Published values of the (non-derived) catalogue indicators, codes as published.

    Each indicator is read from the file `indicator_sources` names (the raw Eurostat TSV when
    present, else the EURITO tidy CSV). `missing`: 'raise' refuses missing files (all of them
    listed at once); 'skip' leaves their indicators out and records why in `skipped`.
    """
    if missing not in ("raise", "skip"):
        raise ValueError(f"missing must be 'raise' or 'skip', not {missing!r}")
    base = Path(folder) if folder else data_dir()
    skipped = {} if skipped is None else skipped
    inds = [i for i in _base_indicators(ids) if i.reader != "derived"]
    parts: list[pd.DataFrame] = []
    by_file: dict[str, list[tuple[Indicator, _Source]]] = {}
    absent: list[Problem] = []
    for ind in inds:
        src = _source(ind, base)
        if not (base / src.file).is_file():
            msg = _missing_message(ind, src, base)
            absent.append(Problem(msg))
            skipped[ind.id] = msg
            continue
        by_file.setdefault(src.file, []).append((ind, src))
    if absent and missing == "raise":
        raise InputError(absent)
    for file, group in by_file.items():
        path = base / file
        if group[0][1].reader == "eurostat_tsv":
            dims = {d for _, g in group for d in g.filters}
            union = {d: sorted({g.filters[d] for _, g in group if d in g.filters}) for d in dims}
            df = read_eurostat_tsv(path, filters=union, source=file)
            for ind, src in group:
                parts.append(_tsv_rows(ind, df, src))
        else:
            ((ind, src),) = group
            df = read_tidy_csv(path, metadata=path.with_suffix(".json"), source=file)
            meta = df.attrs.get("metadata")
            if meta is not None and meta.dataset and meta.dataset != ind.dataset:
                raise InputError(
                    Problem(
                        f"metadata names dataset '{meta.dataset}', the catalogue expects "
                        f"'{ind.dataset}' for {ind.id}: wrong file in place?",
                        source=str(Path(file).with_suffix(".json")),
                    )
                )
            parts.append(_rows(ind, df, file))
    if not parts:
        return pd.DataFrame(
            {c: pd.Series(dtype=np.int64 if c == "year" else float if c == "value" else object) for c in COLUMNS[:8]}
        )
    return pd.concat(parts, ignore_index=True)


def _recode(df: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    old = df["region"]
    new = old.map(RECODE_MAP)
    hit = new.notna().to_numpy()
    df = df.assign(region=new.where(hit, old).astype(str), recoded_from=np.where(hit, old.to_numpy(), ""))
    has_value = df["value"].notna().to_numpy()
    order = np.lexsort((hit, ~has_value))  # value first, then published before recoded
    ranked = df.iloc[order]
    dup = ranked.duplicated(["indicator", "region", "year"], keep="first")
    dropped = ranked[dup.to_numpy()]
    kept = ranked[~dup.to_numpy()].sort_index()
    if len(dropped):
        first = ranked[~dup.to_numpy()].set_index(["indicator", "region", "year"])
        collisions = (
            dropped[["indicator", "region", "year", "recoded_from", "value"]]
            .rename(columns={"value": "value_not_used"})
            .reset_index(drop=True)
        )
        keys = pd.MultiIndex.from_frame(collisions[["indicator", "region", "year"]])
        collisions["value_used"] = first.reindex(keys)["value"].to_numpy()
        collisions["kept_from"] = first.reindex(keys)["recoded_from"].to_numpy()
    else:
        collisions = pd.DataFrame(
            columns=["indicator", "region", "year", "recoded_from", "value_not_used", "value_used", "kept_from"]
        )
    rec = kept[kept["recoded_from"] != ""]
    if len(rec):
        g = rec.groupby(["indicator", "recoded_from", "region"], sort=True)["year"]
        recoded = g.agg(rows="size", first="min", last="max").reset_index()
        recoded["years"] = [
            f"{a}-{b}" if a != b else str(a) for a, b in zip(recoded.pop("first"), recoded.pop("last"), strict=True)
        ]
    else:
        recoded = pd.DataFrame(columns=["indicator", "recoded_from", "region", "rows", "years"])
    return kept.reset_index(drop=True), recoded, collisions


# ----------------------------------------------------------------------------------------------
# Aggregation and derived indicators


_flag_tokens = flag_tokens  # flag letters of a flag string; '@N'-style annotations are one token


class _Flags:
    """Flag strings <-> bit masks, so that unions of flags are bitwise ORs."""

    def __init__(self, flags: Iterable[str]):
        self.tokens = sorted({t for f in flags for t in _flag_tokens(f)})
        self.bit = {t: 1 << i for i, t in enumerate(self.tokens)}

    def encode(self, flags: pd.Series) -> np.ndarray:
        codes, uniques = pd.factorize(flags.astype(str))
        masks = np.array([sum(self.bit[t] for t in set(_flag_tokens(u))) for u in uniques] or [0], dtype=np.int64)
        return masks[codes] if len(codes) else np.zeros(0, dtype=np.int64)

    def decode(self, masks: np.ndarray) -> list[str]:
        cache: dict[int, str] = {}
        out = []
        for m in masks.tolist():
            s = cache.get(m)
            if s is None:
                s = cache[m] = "".join(t for t in self.tokens if m & self.bit[t])
            out.append(s)
        return out


@dataclass
class _Grid:
    """Values of one indicator as a dense matrix: NUTS 2021 region x year."""

    years: np.ndarray  # int64, consecutive
    value: np.ndarray  # float (R x Y), NaN = none
    flags: np.ndarray  # int64 bit masks
    aggregated: np.ndarray  # bool


class _Tree:
    """NUTS 2021 regions with their parent (code minus its last character) and number of parts."""

    def __init__(self, regions: pd.DataFrame):
        self.codes = pd.Index(regions["code"].astype(str))
        self.level = regions["level"].to_numpy(np.int64)
        parent = self.codes.get_indexer(pd.Index([c[:-1] for c in self.codes]))
        parent[self.level == 0] = -1
        self.parent = parent
        self.n_parts = np.bincount(parent[parent >= 0], minlength=len(self.codes))

    def grid(self, rows: pd.DataFrame, flags: _Flags) -> _Grid | None:
        # pandas-stubs want an Index; pandas takes any array-like, a Series here.
        rid = self.codes.get_indexer(rows["region"])  # type: ignore[arg-type]
        rows = rows[(rid >= 0) & rows["value"].notna().to_numpy()]
        rid = self.codes.get_indexer(rows["region"])  # type: ignore[arg-type]
        if rows.empty:
            return None
        year = rows["year"].to_numpy(np.int64)
        years = np.arange(year.min(), year.max() + 1, dtype=np.int64)
        shape = (len(self.codes), len(years))
        value = np.full(shape, np.nan)
        fl = np.zeros(shape, dtype=np.int64)
        value[rid, year - years[0]] = rows["value"].to_numpy(float)
        fl[rid, year - years[0]] = flags.encode(rows["flag"])
        return _Grid(years, value, fl, np.zeros(shape, dtype=bool))


def _nearest_year(grid: _Grid, years: np.ndarray) -> np.ndarray:
    """Matrix (R x len(years)) of `grid` values at the nearest year with a value (earlier on a tie)."""
    out = np.full((grid.value.shape[0], len(years)), np.nan)
    rows = np.arange(grid.value.shape[0])
    for j, t in enumerate(years.tolist()):
        order = np.lexsort((grid.years > t, np.abs(grid.years - t)))
        m = grid.value[:, order]
        valid = ~np.isnan(m)
        first = valid.argmax(axis=1)
        vals = m[rows, first]
        vals[~valid.any(axis=1)] = np.nan
        out[:, j] = vals
    return out


def _aggregate(ind: Indicator, grid: _Grid, tree: _Tree, weight: _Grid | None) -> None:
    """Fill territories without a published value from their parts, in place (module docstring)."""
    weighted = ind.aggregation == "weighted"
    w_all = _nearest_year(weight, grid.years) if weighted and weight is not None else None
    shape = grid.value.shape
    for child_level in (3, 2, 1):
        kids = np.nonzero((tree.level == child_level) & (tree.parent >= 0))[0]
        if not len(kids):
            continue
        p = tree.parent[kids]
        v = grid.value[kids]
        w = w_all[kids] if w_all is not None else np.ones_like(v)
        ok = ~np.isnan(v) & ~np.isnan(w)
        cnt = np.zeros(shape, dtype=np.int64)
        num = np.zeros(shape)
        den = np.zeros(shape)
        fl = np.zeros(shape, dtype=np.int64)
        np.add.at(cnt, p, ok.astype(np.int64))
        np.add.at(num, p, np.where(ok, v * w, 0.0))
        np.add.at(den, p, np.where(ok, w, 0.0))
        np.bitwise_or.at(fl, p, np.where(ok, grid.flags[kids], 0))
        complete = (cnt == tree.n_parts[:, None]) & (tree.n_parts[:, None] > 0) & np.isnan(grid.value)
        complete &= (tree.level == child_level - 1)[:, None]
        if weighted:
            complete &= den > 0
        if not complete.any():
            continue
        with np.errstate(invalid="ignore", divide="ignore"):
            agg = num / den if weighted else num
        grid.value[complete] = agg[complete]
        grid.flags[complete] = fl[complete]
        grid.aggregated[complete] = True


def _grid_rows(ind: Indicator, grid: _Grid, tree: _Tree, flags: _Flags, source: str) -> pd.DataFrame:
    r, y = np.nonzero(grid.aggregated)
    return pd.DataFrame(
        {
            "indicator": ind.id,
            "region": pd.Series(tree.codes.to_numpy()[r], dtype=str),
            "year": grid.years[y].astype(np.int64),
            "value": grid.value[r, y],
            "unit": ind.unit,
            "flag": pd.Series(flags.decode(grid.flags[r, y]), dtype=str),
            "source": source,
            "dataset": ind.dataset,
            "aggregated": True,
            "recoded_from": "",
            "nuts2021": True,
        }
    )


def _derive(ind: Indicator, stats: pd.DataFrame) -> pd.DataFrame:
    num_id, den_id = ind.inputs
    cols = ["region", "year", "value", "flag", "aggregated", "recoded_from", "nuts2021"]
    a = stats[(stats["indicator"] == num_id) & stats["value"].notna()][cols]
    b = stats[(stats["indicator"] == den_id) & stats["value"].notna()][cols]
    m = a.merge(b, on=["region", "year"], suffixes=("_a", "_b"))
    m = m[m["value_b"] > 0]
    fa, fb = m["flag_a"].to_numpy(), m["flag_b"].to_numpy()
    flag = [
        x if x == y or not y else (y if not x else "".join(sorted(set(_flag_tokens(x)) | set(_flag_tokens(y)))))
        for x, y in zip(fa, fb, strict=True)
    ]
    ra, rb = m["recoded_from_a"].to_numpy(), m["recoded_from_b"].to_numpy()
    rec = np.where(ra != "", ra, rb)
    return pd.DataFrame(
        {
            "indicator": ind.id,
            "region": m["region"].astype(str).to_numpy(),
            "year": m["year"].to_numpy(np.int64),
            "value": m["value_a"].to_numpy(float) / m["value_b"].to_numpy(float) * ind.scale,
            "unit": ind.unit,
            "flag": pd.Series(flag, dtype=str),
            "source": f"derived: {num_id} / {den_id}",
            "dataset": ind.dataset,
            "aggregated": (m["aggregated_a"].to_numpy(bool) | m["aggregated_b"].to_numpy(bool)),
            "recoded_from": pd.Series(rec, dtype=str),
            "nuts2021": m["nuts2021_a"].to_numpy(bool),
        }
    )


def complete_statistics(stats: pd.DataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    """Add aggregated rows (territories without a published value) and derived indicators.

    `regions`: the NUTS 2021 regions (columns code, level), e.g. `nuts_recode.nuts2021_regions`.
    Existing aggregated and derived rows are recomputed.
    """
    stats = stats.copy()
    for col, default in (("aggregated", False), ("recoded_from", ""), ("flag", ""), ("source", ""), ("dataset", "")):
        if col not in stats.columns:
            stats[col] = default
    if "unit" not in stats.columns:
        stats["unit"] = stats["indicator"].map(lambda i: BY_ID[i].unit if i in BY_ID else "")
    if "nuts2021" not in stats.columns:
        stats["nuts2021"] = stats["region"].isin(set(regions["code"])).to_numpy()
    derived_ids = [i.id for i in CATALOGUE if i.reader == "derived"]
    base = stats[~stats["aggregated"].astype(bool).to_numpy() & ~stats["indicator"].isin(derived_ids).to_numpy()]
    in_table = set(base["indicator"].unique())
    present = [i for i in BY_ID if i in in_table]
    present += [d for d in derived_ids if all(x in in_table for x in BY_ID[d].inputs)]
    order = _base_indicators(present)
    tree = _Tree(regions)
    flags = _Flags(base["flag"].unique())
    grids: dict[str, _Grid] = {}
    out = [base]
    by_ind = dict(iter(base.groupby("indicator", sort=False)))
    for ind in order:
        if ind.reader == "derived" or ind.id not in by_ind:
            continue
        rows = by_ind[ind.id]
        grid = tree.grid(rows, flags)
        if grid is None:
            continue
        grids[ind.id] = grid
        if ind.aggregation == "weighted" and ind.weight not in grids:
            continue  # the weight's data are not in the table: no aggregation
        if ind.aggregation in ("sum", "weighted"):
            _aggregate(ind, grid, tree, grids.get(ind.weight) if ind.weight else None)
            if grid.aggregated.any():
                out.append(_grid_rows(ind, grid, tree, flags, str(rows["source"].iloc[0])))
    result = pd.concat(out, ignore_index=True)
    derived = [_derive(ind, result) for ind in order if ind.reader == "derived"]
    result = pd.concat([result, *[d for d in derived if not d.empty]], ignore_index=True)
    result = result[COLUMNS].sort_values(["indicator", "region", "year"], kind="stable").reset_index(drop=True)
    result["aggregated"] = result["aggregated"].astype(bool)
    result["nuts2021"] = result["nuts2021"].astype(bool)
    result.attrs["completed"] = True
    return result


# ----------------------------------------------------------------------------------------------
# Public entry points


_CACHE: OrderedDict[tuple, LoadReport] = OrderedDict()
_CACHE_SIZE = 4


def _stamp(base: Path, ids: Iterable[str] | None) -> tuple:
    """Size, modification time and inode of every file a load of `ids` from `base` may read."""
    files = [GISCO_FILE.format(level=lv) for lv in range(4)]
    for ind in _base_indicators(ids):
        for f in (ind.file, ind.tsv_file):
            if f:
                files.append(f)
                if f.endswith(".csv"):
                    files.append(str(Path(f).with_suffix(".json")))
    out: list[tuple[str, None] | tuple[str, int, int, int]] = []
    for f in files:
        try:
            st = (base / f).stat()
        except OSError:
            out.append((f, None))
        else:
            out.append((f, st.st_size, st.st_mtime_ns, st.st_ino))
    return tuple(out)


def clear_cache() -> None:
    """Forget the tables `load_report` keeps in memory."""
    _CACHE.clear()


def load_report(
    folder: str | Path | None = None,
    indicators: Iterable[str] | None = None,
    complete: bool = True,
    *,
    missing: str = "raise",
) -> LoadReport:
    """Read, recode, aggregate and derive; return the table with what was recoded or left unmatched.

    `missing`: 'raise' (default) refuses missing files; 'skip' leaves their indicators out and
    lists them in `LoadReport.skipped`. Results are kept in memory for unchanged files (module
    docstring); each call gets its own copy.
    """
    base = Path(folder) if folder else data_dir()
    ids = None if indicators is None else tuple(indicators)
    key = (str(base.resolve()), ids, bool(complete), missing, _stamp(base, ids))
    hit = _CACHE.get(key)
    if hit is not None:
        _CACHE.move_to_end(key)
        return hit.copy()
    report = _load_report(base, ids, complete, missing)
    _CACHE[key] = report
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return report.copy()


def _load_report(base: Path, indicators: Iterable[str] | None, complete: bool, missing: str) -> LoadReport:
    regions = nuts2021_regions(base)
    skipped: dict[str, str] = {}
    raw = read_indicators(base, indicators, missing=missing, skipped=skipped)
    if skipped:  # derived indicators whose inputs are missing are missing too
        for ind in CATALOGUE:
            if ind.reader == "derived" and any(x in skipped for x in ind.inputs):
                skipped[ind.id] = f"{ind.id}: needs {' and '.join(x for x in ind.inputs if x in skipped)}, not loaded"
    stats, recoded, collisions = _recode(raw)
    known = set(regions["code"])
    stats["nuts2021"] = stats["region"].isin(known).to_numpy()
    stats["aggregated"] = False
    stats = stats[COLUMNS]
    if complete:
        stats = complete_statistics(stats, regions)
    if indicators is not None:
        wanted = set(indicators)
        stats = stats[stats["indicator"].isin(wanted)].reset_index(drop=True)
        stats.attrs["completed"] = complete
    unmatched = unmatched_codes(stats, known=known)
    return LoadReport(
        stats=stats, recoded=recoded, collisions=collisions, unmatched=unmatched, regions=regions, skipped=skipped
    )


def load_statistics(
    folder: str | Path | None = None,
    indicators: Iterable[str] | None = None,
    complete: bool = True,
    *,
    missing: str = "raise",
) -> pd.DataFrame:
    """All catalogue indicators (or `indicators` and what they need) as one long table.

    `folder`: data folder (default `data_dir()`). `complete=False` skips aggregation and derived
    indicators (published and recoded values only). `missing='skip'`: leave out indicators whose
    file is absent instead of refusing (`load_report(...).skipped` says which).
    """
    return load_report(folder, indicators, complete, missing=missing).stats


def _pick_latest(rows: pd.DataFrame) -> pd.DataFrame:
    rows = rows[rows["value"].notna()]
    # one value per indicator: latest year; within a year a published value before an aggregated one
    rows = rows.sort_values(["indicator", "year", "aggregated"], ascending=[True, False, True], kind="stable")
    return rows.drop_duplicates("indicator", keep="first")


def _ensure_complete(stats: pd.DataFrame, folder: str | Path | None, regions: pd.DataFrame | None) -> pd.DataFrame:
    if stats.attrs.get("completed"):
        return stats
    return complete_statistics(stats, nuts2021_regions(folder) if regions is None else regions)


def value_for_territory(
    stats: pd.DataFrame,
    indicator: str,
    code: str,
    year: int | None = None,
    *,
    folder: str | Path | None = None,
    regions: pd.DataFrame | None = None,
) -> pd.Series:
    """The value of `indicator` for territory `code`: published at its own level, else aggregated.

    `year=None`: the latest year with a value. Returns a Series with indicator, name, region,
    year (None if no value), value (NaN if none), unit, flag, source, dataset, aggregated,
    recoded_from. A table not produced by `load_statistics` is completed first with
    `complete_statistics` (`regions`, default: the NUTS 2021 regions of `folder`).
    """
    if indicator not in BY_ID:
        raise InputError(f"unknown indicator '{indicator}'; known: {', '.join(BY_ID)}")
    stats = _ensure_complete(stats, folder, regions)
    rows = stats[(stats["indicator"] == indicator) & (stats["region"] == code)]
    if year is not None:
        rows = rows[rows["year"] == year]
    picked = _pick_latest(rows)
    ind = BY_ID[indicator]
    if picked.empty:
        return pd.Series(
            {
                "indicator": indicator,
                "name": ind.name,
                "region": code,
                "year": year,
                "value": np.nan,
                "unit": ind.unit,
                "flag": "",
                "source": ind.file or "",
                "dataset": ind.dataset,
                "aggregated": False,
                "recoded_from": "",
            }
        )
    r = picked.iloc[0]
    return pd.Series(
        {
            "indicator": indicator,
            "name": ind.name,
            "region": code,
            "year": int(r["year"]),
            "value": float(r["value"]),
            "unit": r["unit"],
            "flag": r["flag"],
            "source": r["source"],
            "dataset": r["dataset"],
            "aggregated": bool(r["aggregated"]),
            "recoded_from": r["recoded_from"],
        }
    )


def latest_values(
    stats: pd.DataFrame,
    region: str,
    indicators: Iterable[str] | None = None,
    *,
    folder: str | Path | None = None,
    regions: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Latest available value of each catalogue indicator for `region`, with its year.

    One row per indicator (catalogue order), also when there is no value (value NaN, year <NA>):
    indicator, name, kind, value, unit, year, flag, source, dataset, aggregated, recoded_from.
    """
    stats = _ensure_complete(stats, folder, regions)
    ids = list(BY_ID) if indicators is None else list(indicators)
    unknown = [i for i in ids if i not in BY_ID]
    if unknown:
        raise InputError(f"unknown indicator(s) {', '.join(unknown)}; known: {', '.join(BY_ID)}")
    picked = _pick_latest(stats[(stats["region"] == region) & stats["indicator"].isin(ids)]).set_index("indicator")
    picked = picked.reindex(ids)
    out = pd.DataFrame(
        {
            "indicator": ids,
            "name": [BY_ID[i].name for i in ids],
            "kind": [BY_ID[i].kind for i in ids],
            "value": picked["value"].to_numpy(float),
            "unit": [BY_ID[i].unit for i in ids],
            "year": pd.array(picked["year"].to_numpy(), dtype="Int64"),
            "flag": picked["flag"].fillna("").to_numpy(),
            "source": picked["source"].fillna("").to_numpy(),
            "dataset": [BY_ID[i].dataset for i in ids],
            "aggregated": picked["aggregated"].fillna(False).astype(bool).to_numpy(),
            "recoded_from": picked["recoded_from"].fillna("").to_numpy(),
        }
    )
    return out


def latest_wide(
    stats: pd.DataFrame,
    indicators: Iterable[str],
    *,
    level: int | None = None,
    max_year: int | None = None,
    nuts2021_only: bool = True,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Latest value (and its year) per region and indicator as two wide tables (region x indicator).

    `level`: keep regions of this NUTS level (code length - 2); `max_year`: latest year <= it.
    """
    ids = list(indicators)
    sub = stats[stats["indicator"].isin(ids) & stats["value"].notna()]
    if nuts2021_only and "nuts2021" in sub.columns:
        sub = sub[sub["nuts2021"].astype(bool)]
    if level is not None:
        sub = sub[sub["region"].str.len() == level + 2]
    if max_year is not None:
        sub = sub[sub["year"] <= max_year]
    sub = sub.sort_values(
        ["indicator", "region", "year", "aggregated"], ascending=[True, True, False, True], kind="stable"
    ).drop_duplicates(["indicator", "region"], keep="first")
    values = sub.pivot(index="region", columns="indicator", values="value").reindex(columns=ids)
    years = sub.pivot(index="region", columns="indicator", values="year").reindex(columns=ids)
    return values, years.astype("Int64")


def latest_values_for(
    stats: pd.DataFrame,
    territories: Iterable[str],
    indicators: Iterable[str] | None = None,
    *,
    folder: str | Path | None = None,
    regions: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """`latest_values` of many territories at once: one row per (territory, indicator), territory order kept.

    Same choice per cell as `latest_values` (latest year; within a year the published value before an
    aggregated one), done in one sort instead of one scan of the table per territory.
    """
    stats = _ensure_complete(stats, folder, regions)
    codes = list(dict.fromkeys(territories))
    ids = list(BY_ID) if indicators is None else list(indicators)
    unknown = [i for i in ids if i not in BY_ID]
    if unknown:
        raise InputError(f"unknown indicator(s) {', '.join(unknown)}; known: {', '.join(BY_ID)}")
    sub = stats[stats["region"].isin(set(codes)) & stats["indicator"].isin(ids) & stats["value"].notna()]
    sub = sub.sort_values(
        ["region", "indicator", "year", "aggregated"], ascending=[True, True, False, True], kind="stable"
    )
    picked = sub.drop_duplicates(["region", "indicator"], keep="first").set_index(["region", "indicator"])
    picked = picked.reindex(pd.MultiIndex.from_product([codes, ids], names=["region", "indicator"]))
    n = len(codes)
    return pd.DataFrame(
        {
            "region": np.repeat(codes, len(ids)),
            "indicator": ids * n,
            "name": [BY_ID[i].name for i in ids] * n,
            "kind": [BY_ID[i].kind for i in ids] * n,
            "value": picked["value"].to_numpy(float),
            "unit": [BY_ID[i].unit for i in ids] * n,
            "year": pd.array(picked["year"].to_numpy(), dtype="Int64"),
            "flag": picked["flag"].fillna("").to_numpy(),
            "source": picked["source"].fillna("").to_numpy(),
            "dataset": [BY_ID[i].dataset for i in ids] * n,
            "aggregated": picked["aggregated"].fillna(False).astype(bool).to_numpy(),
            "recoded_from": picked["recoded_from"].fillna("").to_numpy(),
        }
    )
