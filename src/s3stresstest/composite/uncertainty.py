"""Uncertainty and sensitivity of a composite: many replications of the pipeline, fast.

Each replication re-runs the pipeline with one choice per uncertain input: a set of weights
(COINr's `get_noisy_weights`: each weight of a noisy level times 1 + u·f, u uniform in [-1, 1]),
a normalisation and an aggregation. The steps before normalising (denominate, impute, screen,
treat) do not vary, so they run once; each distinct normalisation runs once; the aggregation of
all replications that share a normalisation and an aggregator is one set of matrix products
(units × children against replications × children). A replication whose aggregation is undefined
(a geometric mean over values ≤ 0) gives missing scores, as a failed regeneration does in COINr.

Replay: `design` (rep, f_n, f_n_para, f_ag, weight_set) and `weight_sets` (weight_set, iCode,
Level, Weight) from COINr reproduce its replications one by one; `sample_design` draws a design
of its own. Rank statistics per unit: nominal rank, mean, median, 5 % and 95 % quantiles (R's
type 7). Sobol first-order and total indices come from SALib on a Saltelli sample.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError
from . import methods as m
from .coin import Coin
from .pipeline import PIPELINES

DESIGN_COLUMNS = ["rep", "f_n", "f_n_para", "f_ag", "weight_set"]
WEIGHT_COLUMNS = ["weight_set", "iCode", "Level", "Weight"]
PARA_NAMES = {"n_minmax": "l_u", "n_zscore": "m_sd", "n_goalposts": "gposts"}
PARA_COUNTS = {"n_minmax": 2, "n_zscore": 2, "n_goalposts": 3}  # goalposts: lower, upper, scale


@dataclass
class UncertaintyResult:
    scores: pd.DataFrame  # uCode, rep, <index>
    rank_stats: pd.DataFrame  # uCode, Nominal, Mean, Median, Q5, Q95
    nominal: pd.DataFrame  # uCode, score, rank
    design: pd.DataFrame
    weight_sets: pd.DataFrame


def _fixed_part(coin: Coin, pipeline: str | list[dict[str, Any]]) -> tuple[Coin, str, list[dict[str, Any]]]:
    """The coin after the steps that do not vary, its last dataset, and the steps that do."""
    if isinstance(pipeline, str) and pipeline not in PIPELINES:
        raise InputError(f"unknown pipeline '{pipeline}'; use {', '.join(PIPELINES)}")
    log = PIPELINES[pipeline] if isinstance(pipeline, str) else pipeline
    k = next((i for i, e in enumerate(log) if e["step"] == "normalise"), None)
    if k is None or log[-1]["step"] != "aggregate":
        raise InputError("the pipeline must normalise and end with an aggregation")
    fixed = coin.regenerate(log[:k])
    return fixed, log[k]["dset"], log[k:]


def _parse_para(f_n: str, text: Any) -> dict[str, Any]:
    if f_n not in PARA_NAMES:
        raise InputError(f"f_n must be one of {', '.join(PARA_NAMES)} (got {f_n!r})")
    k = PARA_COUNTS[f_n]
    try:
        values = tuple(float(v) for v in str(text).replace(";", ",").split(","))
    except ValueError:
        values = ()
    if len(values) != k:
        form = "two numbers 'a,b'" if k == 2 else "three numbers 'lower,upper,scale'"
        raise InputError(f"f_n_para must be {form} for {f_n} (got {text!r})")
    return {PARA_NAMES[f_n]: values}


def _weights_matrix(coin: Coin, weight_sets: pd.DataFrame, names: list[Any]) -> dict[str, np.ndarray]:
    """code -> (sets × 1) weight of that code in each named set (the metadata weight where absent)."""
    s = coin.structure
    table = weight_sets.pivot_table(index="weight_set", columns="iCode", values="Weight", aggfunc="first")
    out = {}
    for code, w in s.weight.items():
        col = table[code] if code in table.columns else pd.Series(w, index=table.index)
        out[code] = col.reindex(names).fillna(w).to_numpy(dtype=float)
    return out


def _aggregate_many(coin: Coin, normalised: np.ndarray, codes: list[str], f_ag: str, w: dict[str, np.ndarray]):
    """Index scores (reps × units) for one normalised dataset and one aggregator, weights per rep."""
    s = coin.structure
    col = {c: i for i, c in enumerate(codes)}
    level_values: dict[str, np.ndarray] = {}
    reps = next(iter(w.values())).shape[0]
    geometric = f_ag == "a_gmean"
    if f_ag not in ("a_amean", "a_gmean"):
        raise InputError(f"f_ag must be a_amean or a_gmean (got {f_ag!r})")
    bad = np.zeros(reps, dtype=bool)
    if geometric and np.any(normalised[~np.isnan(normalised)] <= 0):
        bad[:] = True
    for level in range(2, s.top + 1):
        for code in s.levels.get(level, []):
            kids = s.children(code)
            W = np.column_stack([w[k] for k in kids])  # reps × K
            if level == 2:
                V = normalised[:, [col[k] for k in kids]]  # units × K, the same for every rep
                M = ~np.isnan(V)
                X = np.log(np.where(M & (V > 0), V, 1.0)) if geometric else np.where(M, V, 0.0)
                num = X @ W.T  # units × reps
                den = M.astype(float) @ W.T
                vals = (num / np.where(den == 0, np.nan, den)).T
            else:
                V = np.stack([level_values[k] for k in kids], axis=2)  # reps × units × K
                M = ~np.isnan(V)
                if geometric:
                    bad |= np.any(np.where(M, V, 1.0) <= 0, axis=(1, 2))
                X = np.log(np.where(M & (V > 0), V, 1.0)) if geometric else np.where(M, V, 0.0)
                num = np.einsum("ruk,rk->ru", X, W)
                den = np.einsum("ruk,rk->ru", M.astype(float), W)
                vals = num / np.where(den == 0, np.nan, den)
            level_values[code] = np.exp(vals) if geometric else vals
    top = level_values[s.levels[s.top][0]]
    top[bad] = np.nan
    return top


def replay(
    coin: Coin, pipeline: str | list[dict[str, Any]], design: pd.DataFrame, weight_sets: pd.DataFrame
) -> UncertaintyResult:
    """Scores of every replication of `design` and the rank statistics (see the module notes)."""
    missing = [c for c in DESIGN_COLUMNS if c not in design.columns]
    if missing:
        raise InputError(f"design lacks the column(s) {', '.join(missing)}")
    missing = [c for c in WEIGHT_COLUMNS if c not in weight_sets.columns]
    if missing:
        raise InputError(f"weight sets lack the column(s) {', '.join(missing)}")
    unknown = sorted(set(design["weight_set"]) - set(weight_sets["weight_set"]), key=str)
    if unknown:
        raise InputError(f"design names weight sets not in the weights file: {', '.join(map(str, unknown[:5]))}")
    fixed, dset, varying = _fixed_part(coin, pipeline)
    base = fixed.get(dset)
    units = list(base.index)
    codes = list(base.columns)
    index_code = fixed.structure.levels[fixed.structure.top][0]
    scores = np.full((len(design), len(units)), np.nan)
    keys = design["f_n"].astype(str) + "|" + design["f_n_para"].astype(str) + "|" + design["f_ag"].astype(str)
    for key, rows in design.groupby(keys, sort=False).groups.items():
        f_n, para, f_ag = str(key).split("|")
        params = _parse_para(f_n, para)
        norm = fixed.normalise(dset, f_n, params).get("Normalised")[codes].to_numpy(dtype=float)
        where = design.index.get_indexer(rows)
        names = list(design.loc[rows, "weight_set"])
        w = _weights_matrix(fixed, weight_sets, names)
        scores[where] = _aggregate_many(fixed, norm, codes, f_ag, w)
    nominal = fixed.apply(varying).ranks(code=index_code)  # the fixed steps are not run again
    table = pd.DataFrame(
        {
            "uCode": np.tile(units, len(design)),
            "rep": np.repeat(design["rep"].to_numpy(), len(units)),
            index_code: scores.ravel(),
        }
    )
    ranks = np.vstack([m.rank_desc(row) for row in scores])  # reps × units
    nominal_rank = nominal.set_index("uCode")["Rank"].reindex(units).to_numpy()
    with np.errstate(all="ignore"):
        stats = pd.DataFrame(
            {
                "uCode": units,
                "Nominal": nominal_rank,
                "Mean": np.nanmean(ranks, axis=0),
                "Median": np.nanmedian(ranks, axis=0),
                "Q5": np.nanquantile(ranks, 0.05, axis=0),  # linear interpolation = R's type 7
                "Q95": np.nanquantile(ranks, 0.95, axis=0),
            }
        )
    nominal_table = nominal.rename(columns={index_code: "score", "Rank": "rank"})[["uCode", "score", "rank"]]
    return UncertaintyResult(table, stats.sort_values(["Nominal", "uCode"]).reset_index(drop=True), nominal_table,
                             design, weight_sets)  # fmt: skip


def noisy_weights(coin: Coin, noise: dict[int, float], n: int, rng: np.random.Generator) -> pd.DataFrame:
    """`n` weight sets: every weight of a level in `noise` times 1 + u·f, u uniform in [-1, 1]."""
    s = coin.structure
    rows = []
    for k in range(1, n + 1):
        for level, codes in sorted(s.levels.items()):
            f = noise.get(level, 0.0)
            for code in codes:
                w = s.weight[code]
                rows.append((k, code, level, w + (rng.uniform() * 2 - 1) * f * w if f else w))
    return pd.DataFrame(rows, columns=WEIGHT_COLUMNS)


def sample_design(
    coin: Coin,
    n: int,
    *,
    normalisations: list[tuple[str, str]] = (("n_minmax", "1,100"), ("n_zscore", "10,2")),  # type: ignore[assignment]
    aggregations: list[str] = ("a_amean", "a_gmean"),  # type: ignore[assignment]
    noise: dict[int, float] | None = None,
    seed: int = 1,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A random design of `n` replications and its weight sets (COINr's vignette choices by default:
    min-max [1, 100] or z-scores (10, 2), arithmetic or geometric mean, ±25 % noise on levels 2 and 3)."""
    rng = np.random.default_rng(seed)
    noise = {2: 0.25, 3: 0.25} if noise is None else noise
    ws = noisy_weights(coin, noise, n, rng)
    norm = rng.integers(0, len(normalisations), n)
    agg = rng.integers(0, len(aggregations), n)
    design = pd.DataFrame(
        {
            "rep": np.arange(1, n + 1),
            "f_n": [normalisations[i][0] for i in norm],
            "f_n_para": [normalisations[i][1] for i in norm],
            "f_ag": [aggregations[i] for i in agg],
            "weight_set": np.arange(1, n + 1),
        }
    )
    return design, ws


@dataclass
class SensitivityResult:
    indices: pd.DataFrame  # input, S1, S1_conf, ST, ST_conf
    output: str
    n: int


def sensitivity(
    coin: Coin,
    pipeline: str | list[dict[str, Any]] = "example",
    n: int = 256,
    *,
    normalisations: list[tuple[str, str]] = (("n_minmax", "1,100"), ("n_zscore", "10,2")),  # type: ignore[assignment]
    aggregations: list[str] = ("a_amean", "a_gmean"),  # type: ignore[assignment]
    noise: dict[int, float] | None = None,
    weight_pool: int = 100,
    seed: int = 1,
) -> SensitivityResult:
    """Sobol first-order (S1) and total (ST) indices of three uncertain inputs — weights (one of
    `weight_pool` noisy sets), normalisation, aggregation — on the mean absolute rank shift from
    the nominal ranks (COINr's output for a sensitivity analysis); SALib's Saltelli sample
    (n·(3 + 2) replications, `n` a power of 2) and estimator."""
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import sobol as sobol_sample

    if n < 2 or n & (n - 1):
        raise InputError(f"n must be a power of 2 (got {n})")
    rng = np.random.default_rng(seed)
    noise = {2: 0.25, 3: 0.25} if noise is None else noise
    pool = noisy_weights(coin, noise, weight_pool, rng)
    problem = {"num_vars": 3, "names": ["weights", "normalisation", "aggregation"], "bounds": [[0, 1]] * 3}
    x = sobol_sample.sample(problem, n, calc_second_order=False, seed=seed)
    pick = lambda col, k: np.minimum((x[:, col] * k).astype(int), k - 1)  # noqa: E731 - [0,1) -> choice
    w_i, n_i, a_i = pick(0, weight_pool), pick(1, len(normalisations)), pick(2, len(aggregations))
    design = pd.DataFrame(
        {
            "rep": np.arange(1, len(x) + 1),
            "f_n": [normalisations[i][0] for i in n_i],
            "f_n_para": [normalisations[i][1] for i in n_i],
            "f_ag": [aggregations[i] for i in a_i],
            "weight_set": w_i + 1,
        }
    )
    result = replay(coin, pipeline, design, pool)
    nominal = result.nominal.set_index("uCode")["rank"]
    wide = result.scores.pivot(index="rep", columns="uCode", values=result.scores.columns[2])
    ranks = np.vstack([m.rank_desc(row) for row in wide.to_numpy(dtype=float)])
    y = np.nanmean(np.abs(ranks - nominal.reindex(wide.columns).to_numpy()), axis=1)
    if np.isnan(y).any():  # a failed replication has no output; Sobol estimators need every one
        y = np.where(np.isnan(y), np.nanmean(y), y)
    si = sobol_analyze.analyze(problem, y, calc_second_order=False, seed=seed)
    indices = pd.DataFrame(
        {"input": problem["names"], "S1": si["S1"], "S1_conf": si["S1_conf"], "ST": si["ST"], "ST_conf": si["ST_conf"]}
    )
    return SensitivityResult(indices, "mean absolute rank shift", len(x))
