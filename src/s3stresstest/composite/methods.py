"""The methods of a composite indicator, one column (numpy vector) at a time.

Each follows the definition of the reference implementation COINr 1.1.14 exactly (same formulas,
defaults, missing-value handling and tie rules), so that results agree to rounding error:

- skewness and kurtosis as e1071's type 3 estimators; an indicator passes when
  |skew| < 2 or kurtosis < 3.5;
- winsorising: while failing, replace the most extreme value(s) on the side of the skew by the
  next value, at most `winmax` points (counted as COINr counts them); if it still fails, the
  original column is log-transformed instead, log(x - min + 0.01 (max - min));
- min-max to [l, u]; z-scores with the sample standard deviation; ranks; goalposts; Borda;
  percentile ranks; distance to the maximum;
- weighted arithmetic mean skipping missing values and renormalising the remaining weights;
  geometric and harmonic means likewise; weighted median;
- ranks: 1 for the highest score, ties share the lowest rank (R's `rank(-x, ties = "min")`).
Missing values stay missing unless a method is meant to fill them (imputation).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from scipy import stats

Vector = np.ndarray


def _finite(x: Vector) -> Vector:
    return x[~np.isnan(x)]


# -- distribution checks ------------------------------------------------------------------------


def skew(x: Vector) -> float:
    v = _finite(np.asarray(x, dtype=float))
    n = len(v)
    if n < 3:
        return float("nan")
    d = v - v.mean()
    y = np.sqrt(n) * np.sum(d**3) / np.sum(d**2) ** 1.5
    return float(y * np.sqrt(n * (n - 1)) / (n - 2))


def kurt(x: Vector) -> float:
    v = _finite(np.asarray(x, dtype=float))
    n = len(v)
    if n < 4:
        return float("nan")
    d = v - v.mean()
    r = n * np.sum(d**4) / np.sum(d**2) ** 2
    return float(((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3)))


def passes(x: Vector, skew_thresh: float = 2.0, kurt_thresh: float = 3.5) -> bool:
    return bool(abs(skew(x)) < skew_thresh or kurt(x) < kurt_thresh)


# -- outlier treatment --------------------------------------------------------------------------


def winsorise(x: Vector, winmax: int | None = 5, skew_thresh: float = 2.0, kurt_thresh: float = 3.5):
    """(treated column, points winsorised as COINr counts them, positions high, positions low)."""
    x = np.array(x, dtype=float)
    ok = passes(x, skew_thresh, kurt_thresh)
    nwin = 0
    imax: Vector = np.array([], dtype=int)
    imin: Vector = np.array([], dtype=int)
    while not ok and (winmax is None or nwin < winmax):
        if skew(x) >= 0:
            top = np.nanmax(x)
            imax = np.flatnonzero(x == top)
            x[imax] = np.nanmax(np.delete(x, imax))
        else:
            low = np.nanmin(x)
            imin = np.flatnonzero(x == low)
            x[imin] = np.nanmin(np.delete(x, imin))
        nwin = len(imax) + len(imin)  # COINr: the points of the last step on each side
        ok = passes(x, skew_thresh, kurt_thresh)
    return x, nwin, imax, imin


def log_ct(x: Vector) -> Vector:
    lo, hi = np.nanmin(x), np.nanmax(x)
    return np.log(x - lo + 0.01 * (hi - lo))


def treat(x: Vector, winmax: int | None = 5, skew_thresh: float = 2.0, kurt_thresh: float = 3.5) -> tuple[Vector, dict]:
    """COINr's default treatment of one indicator, and what was done (the `treat_details` row)."""
    x = np.asarray(x, dtype=float)
    info: dict[str, Any] = {"pass0": passes(x, skew_thresh, kurt_thresh), "skew0": skew(x), "kurt0": kurt(x)}
    if info["pass0"]:
        return x.copy(), info
    x1, nwin, _, _ = winsorise(x, winmax, skew_thresh, kurt_thresh)
    info.update(nwin=nwin, pass1=passes(x1, skew_thresh, kurt_thresh), skew1=skew(x1), kurt1=kurt(x1))
    if info["pass1"]:
        return x1, info
    x2 = log_ct(x)  # from the original column (COINr: combine_treat = FALSE)
    info.update(log=True, pass2=passes(x2, skew_thresh, kurt_thresh), skew2=skew(x2), kurt2=kurt(x2))
    return x2, info


# -- normalisation ------------------------------------------------------------------------------


def n_minmax(x: Vector, l_u: tuple[float, float] = (0.0, 100.0)) -> Vector:
    lo, hi = np.nanmin(x), np.nanmax(x)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (x - lo) / (hi - lo) * (l_u[1] - l_u[0]) + l_u[0]


def n_zscore(x: Vector, m_sd: tuple[float, float] = (0.0, 1.0)) -> Vector:
    return (x - np.nanmean(x)) / np.nanstd(x, ddof=1) * m_sd[1] + m_sd[0]


def n_rank(x: Vector, ties_method: str = "min") -> Vector:
    """Ranks, higher value = higher rank (R's `rank`, ties "min" by default); missing stays missing."""
    out = np.full(len(x), np.nan)
    ok = ~np.isnan(x)
    out[ok] = stats.rankdata(x[ok], method=ties_method)
    return out


def n_borda(x: Vector, ties_method: str = "min") -> Vector:
    """Borda scores: the rank minus one (the number of units beaten)."""
    return n_rank(x, ties_method) - 1


def n_prank(x: Vector, ties_method: str = "min") -> Vector:
    """Percentile ranks in [0, 1]: (rank - 1) / (n - 1)."""
    r = n_rank(x, ties_method)
    n = np.sum(~np.isnan(x))
    return (r - 1) / (n - 1)


def n_goalposts(
    x: Vector, gposts: tuple[float, float, float] = (0.0, 1.0, 1.0), direction: int = 1, trunc2posts: bool = True
) -> Vector:
    """(x - lower) / (upper - lower) * scale (reversed for direction -1), capped at the posts."""
    lower, upper, scale = gposts
    y = (x - upper) / (lower - upper) if direction == -1 else (x - lower) / (upper - lower)
    if trunc2posts:
        y = np.clip(y, 0, 1)
    return y * scale


def n_dist2max(x: Vector) -> Vector:
    lo, hi = np.nanmin(x), np.nanmax(x)
    return 1 - (hi - x) / (hi - lo)


NORMALISERS: dict[str, Callable[..., Vector]] = {
    "n_minmax": n_minmax,
    "n_zscore": n_zscore,
    "n_rank": n_rank,
    "n_borda": n_borda,
    "n_prank": n_prank,
    "n_goalposts": n_goalposts,
    "n_dist2max": n_dist2max,
}


# -- imputation ---------------------------------------------------------------------------------


def i_mean(x: Vector) -> Vector:
    x = np.array(x, dtype=float)
    if np.isnan(x).all():
        return x
    x[np.isnan(x)] = np.nanmean(x)
    return x


def i_median(x: Vector) -> Vector:
    x = np.array(x, dtype=float)
    if np.isnan(x).all():
        return x
    x[np.isnan(x)] = np.nanmedian(x)
    return x


def _by_group(fill: Callable[[Vector], Vector]) -> Callable[[Vector, Vector], Vector]:
    def grouped(x: Vector, groups: Vector) -> Vector:
        x = np.array(x, dtype=float)
        g = np.asarray(groups, dtype=object)
        known = np.array([v is not None and v == v for v in g])  # units without a group keep their value
        for value in set(g[known]):
            where = known & (g == value)
            x[where] = fill(x[where])
        return x

    return grouped


i_mean_grp = _by_group(i_mean)
i_median_grp = _by_group(i_median)
IMPUTERS: dict[str, Callable[..., Vector]] = {
    "i_mean": i_mean,
    "i_median": i_median,
    "i_mean_grp": i_mean_grp,
    "i_median_grp": i_median_grp,
}


# -- aggregation (rows = units, columns = children) --------------------------------------------


def _weights(values: np.ndarray, w: Vector) -> np.ndarray:
    """Weights per cell: zero where the value is missing, the rest renormalised to sum 1 per row."""
    ww = np.where(np.isnan(values), 0.0, np.broadcast_to(np.asarray(w, dtype=float), values.shape))
    total = ww.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return ww / total


def a_amean(values: np.ndarray, w: Vector) -> Vector:
    ww = _weights(values, w)
    out = np.nansum(ww * np.nan_to_num(values), axis=1)
    out[np.isnan(values).all(axis=1)] = np.nan
    return out


def a_gmean(values: np.ndarray, w: Vector) -> Vector:
    if np.any(values[~np.isnan(values)] <= 0):
        raise ValueError("the geometric mean needs positive values: normalise to a range above 0 first")
    ww = _weights(values, w)
    with np.errstate(divide="ignore"):
        out = np.exp(np.nansum(ww * np.log(np.where(np.isnan(values), 1.0, values)), axis=1))
    out[np.isnan(values).all(axis=1)] = np.nan
    return out


def a_hmean(values: np.ndarray, w: Vector) -> Vector:
    if np.any(values[~np.isnan(values)] == 0):
        raise ValueError("the harmonic mean needs non-zero values: normalise to a range above 0 first")
    ww = _weights(values, w)
    with np.errstate(divide="ignore"):
        out = 1 / np.nansum(ww / np.where(np.isnan(values), 1.0, values), axis=1)
    out[np.isnan(values).all(axis=1)] = np.nan
    return out


def a_median(values: np.ndarray, w: Vector | None = None) -> Vector:
    """The (unweighted) median of the available children, as COINr's `a_median`."""
    out = np.full(values.shape[0], np.nan)
    for i, row in enumerate(values):
        v = row[~np.isnan(row)]
        if len(v):
            out[i] = np.median(v)
    return out


AGGREGATORS: dict[str, Callable[..., Vector]] = {
    "a_amean": a_amean,
    "a_gmean": a_gmean,
    "a_hmean": a_hmean,
    "a_median": a_median,
}


def rank_desc(x: Vector) -> Vector:
    """1 for the highest; ties share the lowest rank; missing stays missing."""
    out = np.full(len(x), np.nan)
    ok = ~np.isnan(x)
    out[ok] = stats.rankdata(-x[ok], method="min")
    return out
