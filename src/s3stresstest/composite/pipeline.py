"""Named pipelines (a log to replay) and reading/writing a coin's inputs and datasets.

`example` is COINr's `build_example_coin()` step for step: denominate; impute by the group mean
of `EurAsia_group`; keep units with at least 90 % of their data; default outlier treatment with at
most 5 winsorised points; min-max to [0, 100]; arithmetic means at every level.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import InputError
from ..files import staged_output_dir
from .coin import Coin

MINMAX = {"step": "normalise", "dset": "Treated", "method": "n_minmax", "params": {"l_u": [0, 100]}}
PIPELINES: dict[str, list[dict[str, Any]]] = {
    "example": [
        {"step": "denominate", "dset": "Raw", "write_to": "Denominated"},
        {"step": "impute", "dset": "Denominated", "method": "i_mean_grp", "group": "EurAsia_group",
         "write_to": "Imputed"},
        {"step": "screen", "dset": "Imputed", "dat_thresh": 0.9, "unit_screen": "byNA", "write_to": "Screened"},
        {"step": "treat", "dset": "Screened", "winmax": 5, "write_to": "Treated"},
        {**MINMAX, "write_to": "Normalised"},
        {"step": "aggregate", "dset": "Normalised", "method": "a_amean", "write_to": "Aggregated"},
    ],
    # raw data -> default treatment -> normalisation -> aggregation (the uncertainty analysis varies the last two)
    "default": [
        {"step": "treat", "dset": "Raw", "write_to": "Treated"},
        {**MINMAX, "write_to": "Normalised"},
        {"step": "aggregate", "dset": "Normalised", "method": "a_amean", "write_to": "Aggregated"},
    ],
}  # fmt: skip

FILES = {
    "Denominated": "denominated.csv",
    "Imputed": "imputed.csv",
    "Screened": "screened.csv",
    "Treated": "treated.csv",
    "Normalised": "normalised.csv",
    "Aggregated": "aggregated.csv",
}


def read_coin(data: str | Path, meta: str | Path) -> Coin:
    """A coin from COINr-style iData and iMeta CSV files."""
    try:
        idata = pd.read_csv(data, keep_default_na=True)
        imeta = pd.read_csv(meta, keep_default_na=True)
    except (OSError, pd.errors.ParserError) as exc:
        raise InputError(f"cannot read the data or metadata: {exc}") from None
    return Coin.from_frames(idata, imeta)


def build(coin: Coin, pipeline: str | list[dict[str, Any]]) -> Coin:
    """Run a named pipeline (or a log) on the coin's raw data."""
    if isinstance(pipeline, str):
        if pipeline not in PIPELINES:
            raise InputError(f"unknown pipeline '{pipeline}'; use {', '.join(PIPELINES)}")
        pipeline = PIPELINES[pipeline]
    return coin.regenerate(pipeline)


def write_coin(coin: Coin, out: str | Path, *, overwrite: bool = False) -> Path:
    """Each dataset as CSV (`uCode` plus one column per indicator or aggregate), ranks, the log."""
    import json

    with staged_output_dir(out, overwrite) as tmp:
        for name, df in coin.datasets.items():
            if name in FILES:
                df.rename_axis("uCode").reset_index().to_csv(tmp / FILES[name], index=False, float_format="%.17g")
        if "Aggregated" in coin.datasets:
            ranks = coin.ranks()
            ranks.astype({"Rank": "Int64"}).to_csv(tmp / "index_ranks.csv", index=False, float_format="%.17g")
        if "treat_details" in coin.details:
            coin.details["treat_details"].to_csv(tmp / "treat_details.csv", index=False, float_format="%.17g")
        (tmp / "log.json").write_text(
            json.dumps({"log": coin.log, "removed_units": coin.details.get("removed_units", [])}, indent=2) + "\n",
            encoding="utf-8",
        )
    return Path(out)
