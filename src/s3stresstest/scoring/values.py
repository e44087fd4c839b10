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
    scores = [cl.get(n).score for n in value.split()]
    scores = [s for s in scores if s is not None]
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
    pairs = df.loc[df["answered"], ["item", "value"]].drop_duplicates()
    lookup = {(it, v): choice_value(instrument, it, v) for it, v in pairs.itertuples(index=False)}
    keyed = {f"{it}\x1f{v}": s for (it, v), s in lookup.items()}
    df["score"] = (df["item"] + "\x1f" + df["value"]).map(keyed).astype(float)
    return df
