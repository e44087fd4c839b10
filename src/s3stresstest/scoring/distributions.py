"""Answer distributions: the share of each choice among those who answered.

"Don't know" counts as an answer here (it is what people said); blanks do not.
For select_multiple, a share is the fraction of answering respondents who ticked
the choice, so shares need not sum to 1. Suppressed under the same threshold.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np
import pandas as pd

from ..instrument import Instrument

COLUMNS = ["region", "item", "choice", "share", "n"]


def item_distributions(responses: pd.DataFrame, instrument: Instrument, min_respondents: int) -> pd.DataFrame:
    """Rows `region,item,choice,share,n` for every select item, region and choice (zero shares kept).

    Counting works on integer codes: rows are counted per (region, item, value) and each
    distinct value is split into its choices once, rather than splitting every answer.
    """
    select_items = [i for i in instrument.answerable_items if i.type in ("select_one", "select_multiple")]
    if not select_items:
        return pd.DataFrame(columns=COLUMNS)
    names = [i.name for i in select_items]
    choices = [[c.name for c in instrument.select_list(item).choices] for item in select_items]
    regions = sorted(responses["region"].unique())
    answered = responses[responses["item"].isin(names) & (responses["value"] != "")]

    # The grid's columns: every (item, choice) in instrument and list order.
    col_item = np.repeat(np.arange(len(names)), [len(c) for c in choices])
    col_offset = np.r_[0, np.cumsum([len(c) for c in choices])]
    region_pos = _positions(answered["region"], regions)
    item_pos = _positions(answered["item"], names)
    n = np.bincount(region_pos * len(names) + item_pos, minlength=len(regions) * len(names))
    n = n.reshape(len(regions), len(names))[:, col_item]
    counts = _choice_counts(answered, region_pos, item_pos, choices, col_offset, len(regions))

    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(n >= min_respondents, counts / np.where(n == 0, np.nan, n), np.nan)
    width = len(col_item)
    frame = {
        "region": np.repeat(np.array(regions, dtype=object), width),
        "item": np.tile(np.array(names, dtype=object)[col_item], len(regions)),
        "choice": np.tile(np.array([c for cs in choices for c in cs], dtype=object), len(regions)),
        "share": share.ravel(),
        "n": n.ravel().astype(np.int64),
    }
    if not len(frame["region"]):
        return pd.DataFrame(
            {c: pd.Series([], dtype=object if c in ("region", "item", "choice") else v.dtype) for c, v in frame.items()}
        )
    return pd.DataFrame(frame)


def _positions(column: pd.Series, order: Sequence[Hashable]) -> np.ndarray:
    """Position of each row's value in `order` (every value is in it)."""
    codes, uniques = pd.factorize(column, use_na_sentinel=False)
    where = {v: k for k, v in enumerate(order)}
    return np.array([where[v] for v in uniques], dtype=np.int64)[codes]


def _choice_counts(
    answered: pd.DataFrame,
    region_pos: np.ndarray,
    item_pos: np.ndarray,
    choices: list[list[str]],
    col_offset: np.ndarray,
    n_regions: int,
) -> np.ndarray:
    """Ticks per region and grid column: rows per (region, item, value), times each value's choices."""
    value_codes, values = pd.factorize(answered["value"], use_na_sentinel=False)
    pair = item_pos * max(len(values), 1) + value_codes
    pairs, pair_idx = np.unique(pair, return_inverse=True)
    rows = np.bincount(region_pos * len(pairs) + pair_idx, minlength=n_regions * len(pairs))
    rows = rows.reshape(n_regions, len(pairs)).astype(float)
    counts = np.zeros((n_regions, col_offset[-1]))
    lookup = [{c: k for k, c in enumerate(cs)} for cs in choices]
    for p, key in enumerate(pairs):
        item, value = divmod(int(key), max(len(values), 1))
        for choice in str.split(values[value]):
            if choice in lookup[item]:
                counts[:, col_offset[item] + lookup[item][choice]] += rows[:, p]
    return counts
