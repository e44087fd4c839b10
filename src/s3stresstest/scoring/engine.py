"""Item, block and stakeholder-group scores with bootstrap intervals and anonymity rules.

The rules (see docs/scoring.md for the worked examples):
- region item score: mean over respondents with a value (`respondents`), or mean of
  stakeholder-group means (`groups`);
- a figure is published only with at least `min_respondents` respondents with a value
  behind it, otherwise its row stays with status `suppressed` and no score;
- block score: mean of the region's published item scores in the block, only when at
  least half of the block's scored items are published (else `insufficient`);
- intervals: percentile bootstrap over respondents within each region. Each region draws
  from its own random stream derived from (seed, region code), so a region's interval
  does not depend on the row order or on which other regions are in the file.
"""

from __future__ import annotations

import itertools
import warnings
import zlib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..campaign.model import STAKEHOLDER_GROUPS
from ..instrument import Instrument
from .params import ScoringParams
from .values import scored_answers

OK, SUPPRESSED, INSUFFICIENT = "ok", "suppressed", "insufficient"


@dataclass
class RegionMatrix:
    """One region's answers as a respondents x items matrix (NaN = no value)."""

    region: str
    respondent_ids: np.ndarray
    group_codes: np.ndarray  # index into STAKEHOLDER_GROUPS per respondent
    values: np.ndarray


def region_matrices(answers: pd.DataFrame, items: list[str]) -> list[RegionMatrix]:
    """Canonical order (region, respondent id) so that results ignore row order."""
    rid_codes, rid_uniques = pd.factorize(answers["respondent_id"], use_na_sentinel=False)
    first = np.empty(len(rid_uniques), dtype=np.int64)
    first[rid_codes[::-1]] = np.arange(len(rid_codes))[::-1]  # each respondent's first row
    resp = (
        answers[["respondent_id", "region", "stakeholder_group"]]
        .iloc[first]
        .assign(_code=np.arange(len(first)))
        .sort_values(["region", "respondent_id"])
        .reset_index(drop=True)
    )
    position = np.empty(len(resp), dtype=np.int64)  # respondent code -> matrix row
    position[resp["_code"].to_numpy()] = np.arange(len(resp))
    item_codes, item_names = pd.factorize(answers["item"], use_na_sentinel=False)
    item_position = pd.Series(np.arange(len(items)), index=items).reindex(item_names).to_numpy()
    values = np.full((len(resp), len(items)), np.nan)
    has = answers["score"].notna().to_numpy()
    rows = position[rid_codes][has]
    cols = item_position[item_codes][has]
    values[rows, cols] = answers["score"].to_numpy()[has]
    codes = resp["stakeholder_group"].map({g: k for k, g in enumerate(STAKEHOLDER_GROUPS)}).to_numpy()
    out = []
    regions = resp["region"].to_numpy()
    if len(regions) == 0:  # nobody answered a scored item
        return []
    ids = resp["respondent_id"].to_numpy()
    bounds = np.flatnonzero(np.r_[True, regions[1:] != regions[:-1], True])
    for s, e in itertools.pairwise(bounds):
        out.append(RegionMatrix(regions[s], ids[s:e], codes[s:e], values[s:e]))
    return out


def _means(values: np.ndarray, groups: np.ndarray, weighting: str, weights: np.ndarray | None = None) -> np.ndarray:
    """Item means of one region (or of one bootstrap batch when `weights` is B x n counts)."""
    mask = ~np.isnan(values)
    filled = np.where(mask, values, 0.0)
    w = np.ones((1, len(values))) if weights is None else weights
    if weighting == "respondents":
        with np.errstate(invalid="ignore", divide="ignore"):
            means: np.ndarray = _product(w, filled) / _product(w, mask)
        return means
    if len(values) == 0:  # a territory without respondents: nothing to average
        return np.full((w.shape[0], values.shape[1]), np.nan)
    group_means = []
    for g in np.unique(groups):
        sel = groups == g
        with np.errstate(invalid="ignore", divide="ignore"):
            group_means.append(_product(w[:, sel], filled[sel]) / _product(w[:, sel], mask[sel]))
    stacked = np.stack(group_means)
    counts = (~np.isnan(stacked)).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, np.nansum(stacked, axis=0) / counts, np.nan)


# OpenBLAS runs a matrix product on several threads above m*n*k = 4 * 65536.
_ONE_THREAD_SIZE = 200_000


def _product(w: np.ndarray, x: np.ndarray) -> np.ndarray:
    """`w @ x` for counts `w`, computed in row slices small enough for one BLAS thread when exact.

    A bootstrap batch (1000 x respondents x items) is just above OpenBLAS's threading
    threshold; every such call then waits for a second thread, which costs seconds over
    300 regions when the other core is busy. With whole numbers in both factors (counts,
    0/1 masks, the usual whole-number scores) every partial sum is exact, so slices give
    bit-identical results. Other scores keep the single call and its rounding.
    """
    step = max(1, _ONE_THREAD_SIZE // max(1, x.shape[0] * x.shape[1]))
    if not (_whole(w) and _whole(x)) or len(w) <= step:
        product: np.ndarray = w @ x
        return product
    return np.concatenate([w[i : i + step] @ x for i in range(0, len(w), step)])


def _whole(a: np.ndarray) -> bool:
    return a.dtype == bool or bool(np.all(a == np.floor(a)))


def _bootstrap_counts(rng: np.random.Generator, n: int, b: int) -> np.ndarray:
    draws = rng.integers(0, n, size=(b, n))
    flat = (np.arange(b)[:, None] * n + draws).ravel()
    return np.bincount(flat, minlength=b * n).reshape(b, n).astype(float)


def _interval(boot: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval of each column of `boot` (resamples x figures), all in one pass.

    Columns without NaN go through one `np.percentile` call and the others through
    `np.nanpercentile`; per column both give exactly what a call on that column alone gives.
    """
    q = [(1 - level) / 2 * 100, (1 + level) / 2 * 100]
    lo, hi = np.full(boot.shape[1], np.nan), np.full(boot.shape[1], np.nan)
    if boot.size == 0:
        return lo, hi
    has_nan = np.isnan(boot).any(axis=0)
    if not has_nan.all():
        lo[~has_nan], hi[~has_nan] = np.percentile(boot[:, ~has_nan], q, axis=0)
    if has_nan.any():
        with np.errstate(invalid="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            lo[has_nan], hi[has_nan] = np.nanpercentile(boot[:, has_nan], q, axis=0)
    return lo, hi


def region_rng(seed: int, region: str) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence([seed, zlib.crc32(region.encode("utf-8"))]))


@dataclass
class CoreScores:
    item_scores: pd.DataFrame
    block_scores: pd.DataFrame
    item_dispersion: pd.DataFrame
    group_item_scores: pd.DataFrame
    group_block_scores: pd.DataFrame


TABLE_COLUMNS = {
    "item_scores": ["region", "item", "block", "score", "ci_low", "ci_high", "n", "status"],
    "block_scores": ["region", "block", "score", "ci_low", "ci_high", "n", "status"],
    "item_dispersion": [
        "region",
        "item",
        "block",
        "sd",
        "n",
        "groups_published",
        "group_spread",
        "groups_disagree",
        "status",
    ],
    "group_item_scores": ["region", "item", "block", "stakeholder_group", "score", "n", "status"],
    "group_block_scores": ["region", "block", "stakeholder_group", "score", "n", "status"],
}


@dataclass
class _Layout:
    """The instrument's scored items and blocks, as arrays shared by every region."""

    items: np.ndarray  # object: item names
    item_block: np.ndarray  # object: block of each item
    block_names: list[str]
    block_idx: dict[str, np.ndarray]

    @classmethod
    def of(cls, instrument: Instrument) -> _Layout:
        items = [i.name for i in instrument.scored_items]
        item_block = np.array([instrument.item(n).block for n in items], dtype=object)
        block_names = [b.name for b in instrument.blocks if instrument.block_items(b.name)]
        return cls(
            np.array(items, dtype=object),
            item_block,
            block_names,
            {b: np.flatnonzero(item_block == b) for b in block_names},
        )


def score_items_and_blocks(
    responses: pd.DataFrame, instrument: Instrument, params: ScoringParams, regions: list[str] | None = None
) -> CoreScores:
    """The scoring rules applied to validated long responses. Pure: no I/O.

    `regions` adds territories without any answer, so they appear (suppressed) rather than vanish.
    Each region gives column arrays for every table; the tables are put together once at the end.
    """
    answers = scored_answers(responses, instrument)
    layout = _Layout.of(instrument)
    matrices = region_matrices(answers, list(layout.items))
    seen = {rm.region for rm in matrices}
    for extra in sorted(set(regions or []) - seen):
        matrices.append(
            RegionMatrix(extra, np.array([], dtype=object), np.array([], dtype=int), np.empty((0, len(layout.items))))
        )
    matrices.sort(key=lambda rm: rm.region)
    parts = [_score_region(rm, layout, params) for rm in matrices]
    return CoreScores(
        **{name: _table(columns, [part[name] for part in parts]) for name, columns in TABLE_COLUMNS.items()}
    )


def _table(columns: list[str], parts: list[dict[str, np.ndarray]]) -> pd.DataFrame:
    """Concatenate the regions' column arrays; no rows gives the same empty frame as before."""
    if not sum(len(part[columns[0]]) for part in parts):
        return pd.DataFrame([], columns=columns)
    return pd.DataFrame({c: np.concatenate([part[c] for part in parts]) for c in columns})


def _status(ok: np.ndarray, otherwise: str = SUPPRESSED) -> np.ndarray:
    return np.where(ok, OK, otherwise).astype(object)


def _score_region(rm: RegionMatrix, layout: _Layout, params: ScoringParams) -> dict[str, dict[str, np.ndarray]]:
    """All rows of one region, as column arrays per table."""
    V, k, n_items = rm.values, params.min_respondents, len(layout.items)
    mask = ~np.isnan(V)
    n_item = mask.sum(axis=0)
    point = _means(V, rm.group_codes, params.weighting)[0]
    published = n_item >= k
    if params.bootstrap > 0 and len(V):
        counts = _bootstrap_counts(region_rng(params.seed, rm.region), len(V), params.bootstrap)
        boot = _means(V, rm.group_codes, params.weighting, counts)
    else:
        boot = np.empty((0, n_items))
    blocks = _block_figures(layout, mask, point, boot, published, params.bootstrap > 0)
    ci_lo, ci_hi = _intervals(boot, published, blocks, params.ci_level)
    g_scores, g_n, g_pub = _group_breakdown(V, rm.group_codes, k, published)
    present = np.array([g for g in range(len(STAKEHOLDER_GROUPS)) if (rm.group_codes == g).any()], dtype=int)
    region = np.full(n_items, rm.region, dtype=object)
    items = {
        "region": region,
        "item": layout.items,
        "block": layout.item_block,
        "score": np.where(published, point, np.nan),
        "ci_low": ci_lo,
        "ci_high": ci_hi,
        "n": n_item.astype(np.int64),
        "status": _status(published),
    }
    return {
        "item_scores": items,
        "item_dispersion": _dispersion(items, V, mask, g_scores, g_pub, published, params.disagreement_threshold),
        "group_item_scores": _group_items(rm.region, layout, present, g_scores, g_n, g_pub),
        "block_scores": _block_table(rm.region, layout, blocks),
        "group_block_scores": _group_blocks(rm.region, layout, mask, rm.group_codes, present, g_scores, g_pub),
    }


@dataclass
class _Block:
    """One region's figures for one block."""

    n: int
    enough: bool  # at least half of the block's items published
    score: float = np.nan
    boot: np.ndarray | None = None  # bootstrap block means, when an interval is due
    ci_low: float = np.nan
    ci_high: float = np.nan


def _block_figures(
    layout: _Layout, mask: np.ndarray, point: np.ndarray, boot: np.ndarray, published: np.ndarray, bootstrap: bool
) -> list[_Block]:
    """Per block: its score when at least half of its items are published, and its bootstrap means."""
    out = []
    for b in layout.block_names:
        idx = layout.block_idx[b]
        pub = idx[published[idx]]
        enough = len(pub) > 0 and 2 * len(pub) >= len(idx)
        fig = _Block(int(mask[:, pub].any(axis=1).sum()) if len(pub) else 0, enough)
        if enough:
            fig.score = float(point[pub].mean())
            fig.boot = _row_nanmean(boot[:, pub]) if bootstrap else None
        out.append(fig)
    return out


def _intervals(
    boot: np.ndarray, published: np.ndarray, blocks: list[_Block], level: float
) -> tuple[np.ndarray, np.ndarray]:
    """Item intervals, and those of the blocks, from one `_interval` call over all their columns."""
    ci_lo = np.full(boot.shape[1], np.nan)
    ci_hi = np.full(boot.shape[1], np.nan)
    with_boot = [(fig, fig.boot) for fig in blocks if fig.boot is not None]
    if not boot.size or not published.any():  # no published item: no block is published either
        return ci_lo, ci_hi
    n_pub = int(published.sum())
    lo, hi = _interval(np.column_stack([boot[:, published]] + [b for _, b in with_boot]), level)
    ci_lo[published], ci_hi[published] = lo[:n_pub], hi[:n_pub]
    for (fig, _), bl, bh in zip(with_boot, lo[n_pub:], hi[n_pub:], strict=True):
        fig.ci_low, fig.ci_high = float(bl), float(bh)
    return ci_lo, ci_hi


def _block_table(region: str, layout: _Layout, blocks: list[_Block]) -> dict[str, np.ndarray]:
    return {
        "region": np.full(len(blocks), region, dtype=object),
        "block": np.array(layout.block_names, dtype=object),
        "score": np.array([fig.score for fig in blocks], dtype=float),
        "ci_low": np.array([fig.ci_low for fig in blocks], dtype=float),
        "ci_high": np.array([fig.ci_high for fig in blocks], dtype=float),
        "n": np.array([fig.n for fig in blocks], dtype=np.int64),
        "status": _status(np.array([fig.enough for fig in blocks], dtype=bool), INSUFFICIENT),
    }


def _dispersion(
    items: dict[str, np.ndarray],
    V: np.ndarray,
    mask: np.ndarray,
    g_scores: np.ndarray,
    g_pub: np.ndarray,
    published: np.ndarray,
    threshold: float,
) -> dict[str, np.ndarray]:
    """Item SD and the spread between published stakeholder-group scores (max - min)."""
    n_groups = g_pub.sum(axis=0)
    spread = np.where(
        n_groups >= 2,
        np.where(g_pub, g_scores, -np.inf).max(axis=0) - np.where(g_pub, g_scores, np.inf).min(axis=0),
        np.nan,
    )
    return {
        "region": items["region"],
        "item": items["item"],
        "block": items["block"],
        "sd": np.where(published, _item_sd(V, mask, items["n"]), np.nan),
        "n": items["n"],
        "groups_published": n_groups.astype(np.int64),
        "group_spread": spread,
        "groups_disagree": (n_groups >= 2) & (spread >= threshold),
        "status": items["status"],
    }


def _group_items(
    region: str, layout: _Layout, present: np.ndarray, g_scores: np.ndarray, g_n: np.ndarray, g_pub: np.ndarray
) -> dict[str, np.ndarray]:
    """Rows per present stakeholder group, then per item."""
    n_items, n_present = len(layout.items), len(present)
    pub = g_pub[present].ravel()
    return {
        "region": np.full(n_items * n_present, region, dtype=object),
        "item": np.tile(layout.items, n_present),
        "block": np.tile(layout.item_block, n_present),
        "stakeholder_group": np.repeat(np.array(STAKEHOLDER_GROUPS, dtype=object)[present], n_items),
        "score": np.where(pub, g_scores[present].ravel(), np.nan),
        "n": g_n[present].ravel().astype(np.int64),
        "status": _status(pub),
    }


def _group_blocks(
    region: str,
    layout: _Layout,
    mask: np.ndarray,
    codes: np.ndarray,
    present: np.ndarray,
    g_scores: np.ndarray,
    g_pub: np.ndarray,
) -> dict[str, np.ndarray]:
    """Rows per block, then per present group: mean of the group's published items if enough."""
    rows = []
    for b in layout.block_names:
        idx = layout.block_idx[b]
        for g in present:
            gpub = idx[g_pub[g, idx]]
            genough = len(gpub) > 0 and 2 * len(gpub) >= len(idx)
            gmask = mask[codes == g]
            gn = int(gmask[:, gpub].any(axis=1).sum()) if len(gpub) else int(gmask[:, idx].any(axis=1).sum())
            rows.append(
                (
                    b,
                    STAKEHOLDER_GROUPS[g],
                    float(g_scores[g, gpub].mean()) if genough else np.nan,
                    gn,
                    OK if genough else (SUPPRESSED if not len(gpub) else INSUFFICIENT),
                )
            )
    columns = list(zip(*rows, strict=True)) or [(), (), (), (), ()]
    return {
        "region": np.full(len(rows), region, dtype=object),
        "block": np.array(columns[0], dtype=object),
        "stakeholder_group": np.array(columns[1], dtype=object),
        "score": np.array(columns[2], dtype=float),
        "n": np.array(columns[3], dtype=np.int64),
        "status": np.array(columns[4], dtype=object),
    }


def _item_sd(V: np.ndarray, mask: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Sample standard deviation across respondents; NaN below two values."""
    filled = np.where(mask, V, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = filled.sum(axis=0) / n
        ss = (np.where(mask, V - mean, 0.0) ** 2).sum(axis=0)
        return np.where(n >= 2, np.sqrt(ss / (n - 1)), np.nan)


def _row_nanmean(a: np.ndarray) -> np.ndarray:
    counts = (~np.isnan(a)).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, np.nansum(a, axis=1) / counts, np.nan)


def _group_breakdown(
    V: np.ndarray, codes: np.ndarray, k: int, region_published: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Group means per item, published at >= k values, plus secondary suppression.

    If the region figure is published, the suppressed groups of an item must together
    hold at least k respondents with values; otherwise their combined figure could be
    worked out from the region figure and the published groups. The smallest published
    groups are then suppressed too until that holds.
    """
    G = len(STAKEHOLDER_GROUPS)
    mask = ~np.isnan(V)
    filled = np.where(mask, V, 0.0)
    n = np.zeros((G, V.shape[1]), dtype=int)
    sums = np.zeros((G, V.shape[1]))
    np.add.at(n, codes, mask.astype(int))
    np.add.at(sums, codes, filled)
    with np.errstate(invalid="ignore", divide="ignore"):
        scores = sums / n
    pub = n >= k
    hidden_all = np.where(pub, 0, n).sum(axis=0)
    for j in np.flatnonzero(region_published & (hidden_all > 0) & (hidden_all < k)):  # the others need nothing
        hidden = int(hidden_all[j])
        while 0 < hidden < k:
            candidates = [g for g in range(G) if pub[g, j]]
            g = min(candidates, key=lambda c: (n[c, j], c))
            pub[g, j] = False
            hidden += int(n[g, j])
    return scores, n, pub
