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
    resp = (answers[["respondent_id", "region", "stakeholder_group"]]
            .drop_duplicates("respondent_id").sort_values(["region", "respondent_id"]).reset_index(drop=True))
    r_index = pd.Series(np.arange(len(resp)), index=resp["respondent_id"].to_numpy())
    i_index = pd.Series(np.arange(len(items)), index=items)
    values = np.full((len(resp), len(items)), np.nan)
    has = answers["score"].notna().to_numpy()
    rows = r_index.reindex(answers["respondent_id"].to_numpy()).to_numpy()[has]
    cols = i_index.reindex(answers["item"].to_numpy()).to_numpy()[has]
    values[rows, cols] = answers["score"].to_numpy()[has]
    codes = resp["stakeholder_group"].map({g: k for k, g in enumerate(STAKEHOLDER_GROUPS)}).to_numpy()
    out = []
    regions = resp["region"].to_numpy()
    bounds = np.flatnonzero(np.r_[True, regions[1:] != regions[:-1], True])
    for s, e in zip(bounds[:-1], bounds[1:]):
        out.append(RegionMatrix(regions[s], resp["respondent_id"].to_numpy()[s:e], codes[s:e], values[s:e]))
    return out


def _means(values: np.ndarray, groups: np.ndarray, weighting: str, weights: np.ndarray | None = None) -> np.ndarray:
    """Item means of one region (or of one bootstrap batch when `weights` is B x n counts)."""
    mask = ~np.isnan(values)
    filled = np.where(mask, values, 0.0)
    w = np.ones((1, len(values))) if weights is None else weights
    if weighting == "respondents":
        with np.errstate(invalid="ignore", divide="ignore"):
            return (w @ filled) / (w @ mask)
    group_means = []
    for g in np.unique(groups):
        sel = groups == g
        with np.errstate(invalid="ignore", divide="ignore"):
            group_means.append((w[:, sel] @ filled[sel]) / (w[:, sel] @ mask[sel]))
    stacked = np.stack(group_means)
    counts = (~np.isnan(stacked)).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, np.nansum(stacked, axis=0) / counts, np.nan)


def _bootstrap_counts(rng: np.random.Generator, n: int, b: int) -> np.ndarray:
    draws = rng.integers(0, n, size=(b, n))
    flat = (np.arange(b)[:, None] * n + draws).ravel()
    return np.bincount(flat, minlength=b * n).reshape(b, n).astype(float)


def _interval(boot: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    q = [(1 - level) / 2 * 100, (1 + level) / 2 * 100]
    if boot.size == 0:
        empty = np.full(boot.shape[1], np.nan)
        return empty, empty.copy()
    if np.isnan(boot).any():
        with np.errstate(invalid="ignore"):
            import warnings

            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                lo, hi = np.nanpercentile(boot, q, axis=0)
    else:
        lo, hi = np.percentile(boot, q, axis=0)
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


def score_items_and_blocks(responses: pd.DataFrame, instrument: Instrument, params: ScoringParams,
                           regions: list[str] | None = None) -> CoreScores:
    """The scoring rules applied to validated long responses. Pure: no I/O.

    `regions` adds territories without any answer, so they appear (suppressed) rather than vanish.
    """
    answers = scored_answers(responses, instrument)
    items = [i.name for i in instrument.scored_items]
    item_block = np.array([instrument.item(n).block for n in items], dtype=object)
    block_names = [b.name for b in instrument.blocks if instrument.block_items(b.name)]
    block_idx = {b: np.flatnonzero(item_block == b) for b in block_names}
    k = params.min_respondents
    item_rows, block_rows, disp_rows, gitem_rows, gblock_rows = [], [], [], [], []

    matrices = region_matrices(answers, items)
    seen = {rm.region for rm in matrices}
    for extra in sorted(set(regions or []) - seen):
        matrices.append(RegionMatrix(extra, np.array([], dtype=object), np.array([], dtype=int),
                                     np.empty((0, len(items)))))
    matrices.sort(key=lambda rm: rm.region)
    for rm in matrices:
        V = rm.values
        mask = ~np.isnan(V)
        n_item = mask.sum(axis=0)
        point = _means(V, rm.group_codes, params.weighting)[0]
        published = n_item >= k
        if params.bootstrap > 0 and len(V):
            counts = _bootstrap_counts(region_rng(params.seed, rm.region), len(V), params.bootstrap)
            boot = _means(V, rm.group_codes, params.weighting, counts)
        else:
            boot = np.empty((0, len(items)))
        lo, hi = _interval(boot[:, published], params.ci_level) if boot.size and published.any() else (None, None)
        ci_lo = np.full(len(items), np.nan)
        ci_hi = np.full(len(items), np.nan)
        if boot.size and published.any():
            ci_lo[published], ci_hi[published] = lo, hi
        sd = _item_sd(V, mask, n_item)
        for j, name in enumerate(items):
            ok = bool(published[j])
            item_rows.append((rm.region, name, item_block[j], point[j] if ok else np.nan, ci_lo[j], ci_hi[j],
                              int(n_item[j]), OK if ok else SUPPRESSED))

        # stakeholder-group breakdown with secondary suppression
        g_scores, g_n, g_pub = _group_breakdown(V, rm.group_codes, k, published)
        present = [g for g in range(len(STAKEHOLDER_GROUPS)) if (rm.group_codes == g).any()]
        for g in present:
            for j, name in enumerate(items):
                ok = bool(g_pub[g, j])
                gitem_rows.append((rm.region, name, item_block[j], STAKEHOLDER_GROUPS[g],
                                   g_scores[g, j] if ok else np.nan, int(g_n[g, j]), OK if ok else SUPPRESSED))
        for j, name in enumerate(items):
            pub_groups = g_scores[g_pub[:, j], j]
            spread = float(pub_groups.max() - pub_groups.min()) if len(pub_groups) >= 2 else np.nan
            ok = bool(published[j])
            disp_rows.append((rm.region, name, item_block[j], sd[j] if ok else np.nan, int(n_item[j]),
                              int(len(pub_groups)), spread,
                              bool(spread >= params.disagreement_threshold) if len(pub_groups) >= 2 else False,
                              OK if ok else SUPPRESSED))

        for b in block_names:
            idx = block_idx[b]
            pub = idx[published[idx]]
            enough = len(pub) > 0 and 2 * len(pub) >= len(idx)
            n_b = int(mask[:, pub].any(axis=1).sum()) if len(pub) else 0
            if enough:
                score = float(point[pub].mean())
                if params.bootstrap > 0:
                    bl, bh = _interval(_row_nanmean(boot[:, pub])[:, None], params.ci_level)
                    bl, bh = float(bl[0]), float(bh[0])
                else:
                    bl = bh = np.nan
                block_rows.append((rm.region, b, score, bl, bh, n_b, OK))
            else:
                block_rows.append((rm.region, b, np.nan, np.nan, np.nan, n_b, INSUFFICIENT))
            for g in present:
                gpub = idx[g_pub[g, idx]]
                genough = len(gpub) > 0 and 2 * len(gpub) >= len(idx)
                gn = int((mask[rm.group_codes == g][:, gpub]).any(axis=1).sum()) if len(gpub) else \
                    int((mask[rm.group_codes == g][:, idx]).any(axis=1).sum())
                gblock_rows.append((rm.region, b, STAKEHOLDER_GROUPS[g],
                                    float(g_scores[g, gpub].mean()) if genough else np.nan, gn,
                                    OK if genough else (SUPPRESSED if not len(gpub) else INSUFFICIENT)))

    return CoreScores(
        item_scores=pd.DataFrame(item_rows, columns=["region", "item", "block", "score", "ci_low", "ci_high", "n", "status"]),
        block_scores=pd.DataFrame(block_rows, columns=["region", "block", "score", "ci_low", "ci_high", "n", "status"]),
        item_dispersion=pd.DataFrame(disp_rows, columns=["region", "item", "block", "sd", "n", "groups_published",
                                                         "group_spread", "groups_disagree", "status"]),
        group_item_scores=pd.DataFrame(gitem_rows, columns=["region", "item", "block", "stakeholder_group", "score", "n", "status"]),
        group_block_scores=pd.DataFrame(gblock_rows, columns=["region", "block", "stakeholder_group", "score", "n", "status"]),
    )


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


def _group_breakdown(V: np.ndarray, codes: np.ndarray, k: int, region_published: np.ndarray):
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
    for j in np.flatnonzero(region_published):
        hidden = int(n[~pub[:, j], j].sum())
        while 0 < hidden < k:
            candidates = [g for g in range(G) if pub[g, j]]
            g = min(candidates, key=lambda c: (n[c, j], c))
            pub[g, j] = False
            hidden += int(n[g, j])
    return scores, n, pub
