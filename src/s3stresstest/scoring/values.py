"""From answers (text) to item values on 0-100.

select_one: the chosen choice's score. select_multiple: the sum of the chosen
choices' scores, capped at 100 (breadth counts: five forms of involvement at 20
each make 100). A blank answer, or one whose choices carry no score
("don't know"), is missing: NaN, never 0.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..instrument import Instrument


def choice_value(instrument: Instrument, item_name: str, value: str) -> float:
    item = instrument.item(item_name)
    cl = instrument.choices_of(item)
    if not value or cl is None:
        return np.nan
    scores = [s for s in (cl.choice(n).score for n in value.split()) if s is not None]
    if not scores:
        return np.nan
    if item.type == "select_one":
        return float(scores[0])
    return float(min(100.0, sum(scores)))


def scored_answers(responses: pd.DataFrame, instrument: Instrument) -> pd.DataFrame:
    """Rows of scored items with `block`, `answered` (non-blank) and `score` (NaN when missing)."""
    blocks = {i.name: i.block for i in instrument.scored_items}
    df = responses[responses["item"].isin(blocks)].copy()
    df["block"] = df["item"].map(blocks)
    df["answered"] = df["value"] != ""
    df["score"] = _pair_scores(df, instrument)
    return df


def _pair_scores(df: pd.DataFrame, instrument: Instrument) -> np.ndarray:
    """Each row's score, worked out once per distinct (item, value) pair: few pairs, many rows."""
    item_codes, items = pd.factorize(df["item"], use_na_sentinel=False)
    value_codes, values = pd.factorize(df["value"], use_na_sentinel=False)
    base = max(len(values), 1)
    pairs, row_pair = np.unique(item_codes.astype(np.int64) * base + value_codes, return_inverse=True)
    scores = np.full(len(pairs), np.nan)
    for k, key in enumerate(pairs):
        item, value = items[key // base], values[key % base]
        if value != "":  # blank: not answered, no score
            scores[k] = choice_value(instrument, item, value)
    per_row: np.ndarray = scores[row_pair.reshape(-1)]
    return per_row
