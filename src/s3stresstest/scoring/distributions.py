"""Answer distributions: the share of each choice among those who answered.

"Don't know" counts as an answer here (it is what people said); blanks do not.
For select_multiple, a share is the fraction of answering respondents who ticked
the choice, so shares need not sum to 1. Suppressed under the same threshold.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..instrument import Instrument


def item_distributions(responses: pd.DataFrame, instrument: Instrument, min_respondents: int) -> pd.DataFrame:
    """Rows `region,item,choice,share,n` for every select item, region and choice (zero shares kept)."""
    select_items = [i for i in instrument.answerable_items if i.type in ("select_one", "select_multiple")]
    names = [i.name for i in select_items]
    answered = responses[responses["item"].isin(names) & (responses["value"] != "")]
    n = answered.groupby(["region", "item"]).size().rename("n")
    ticks = answered.assign(choice=answered["value"].str.split()).explode("choice")
    counts = ticks.groupby(["region", "item", "choice"]).size().rename("count")

    frames = []
    regions = sorted(responses["region"].unique())
    for item in select_items:
        choices = [c.name for c in instrument.choices_of(item).choices]
        grid = pd.MultiIndex.from_product([regions, [item.name], choices], names=["region", "item", "choice"])
        frames.append(grid.to_frame(index=False))
    if not frames:
        return pd.DataFrame(columns=["region", "item", "choice", "share", "n"])
    out = pd.concat(frames, ignore_index=True)
    out = out.merge(counts.reset_index(), on=["region", "item", "choice"], how="left")
    out = out.merge(n.reset_index(), on=["region", "item"], how="left")
    out["count"] = out["count"].fillna(0)
    out["n"] = out["n"].fillna(0).astype(int)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["share"] = np.where(out["n"] >= min_respondents, out["count"] / out["n"].replace(0, np.nan), np.nan)
    order = {name: k for k, name in enumerate(names)}
    out = out.sort_values(["region", "item"], key=lambda s: s.map(order) if s.name == "item" else s, kind="stable")
    return out[["region", "item", "choice", "share", "n"]].reset_index(drop=True)
