"""An evidence scoreboard of territories from their Eurostat statistics, with its uncertainty.

The framework (`data/scoreboard.yaml`: pillars of catalogue indicators) becomes a coin: the
statistics as they are (missing stays missing: an aggregate is the mean of the indicators a
territory has, and a territory needs half of its indicators to get an index), COINr's default
outlier treatment, min-max to [0, 100], arithmetic means. Its uncertainty comes from the
replications of `uncertainty.replay` (weights ±25 % on every level, min-max or z-score based
scaling, arithmetic or geometric mean): the 5 % and 95 % quantiles of each territory's index.
It is a position among the territories of the run, not a league table: reports show the score
and its range, never a rank by default.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from ..errors import InputError
from .coin import Coin
from .pipeline import PIPELINES
from .uncertainty import replay, sample_design

INDEX = "scoreboard"
COLUMNS = ["region", "code", "name", "level", "score", "low", "high", "indicators", "available"]
LOG: list[dict[str, Any]] = PIPELINES["default"]  # raw -> default treatment -> min-max [0, 100] -> mean


def default_framework_path() -> Path:
    return Path(__file__).resolve().parent / "data" / "scoreboard.yaml"


def load_framework(path: str | Path | None = None) -> dict[str, Any]:
    data = yaml.safe_load(Path(path or default_framework_path()).read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not data.get("pillars"):
        raise InputError("a scoreboard framework lists 'pillars', each with code, name and indicators")
    return data


def _coin(context: pd.DataFrame, framework: dict[str, Any]) -> tuple[Coin, list[str]]:
    pillars = framework["pillars"]
    wanted = [i for p in pillars for i in p["indicators"]]
    wide = context.pivot_table(index="region", columns="indicator", values="value", aggfunc="first")
    absent = [i for i in wanted if i not in wide.columns]
    present = [i for i in wanted if i in wide.columns and wide[i].notna().sum() >= 3]
    if not present:
        raise InputError("none of the scoreboard's indicators is in the run's context statistics")
    data = wide[present].reset_index().rename(columns={"region": "uCode"})
    rows: list[tuple[Any, ...]] = []
    for p in pillars:
        kids = [i for i in p["indicators"] if i in present]
        rows += [(1, i, i, 1, 1.0, p["code"], "Indicator") for i in kids]
        if kids:
            rows.append((2, p["code"], p["name"], None, 1.0, INDEX, "Aggregate"))
    rows.append((3, INDEX, framework.get("name", "Evidence scoreboard"), None, 1.0, None, "Aggregate"))
    meta = pd.DataFrame(rows, columns=["Level", "iCode", "iName", "Direction", "Weight", "Parent", "Type"])
    return Coin.from_frames(data, meta), absent


def evidence_scoreboard(
    context: pd.DataFrame, framework: dict[str, Any] | None = None, *, n: int = 1000, seed: int = 1,
    min_share: float = 0.5,
) -> tuple[pd.DataFrame, dict[str, Any]]:  # fmt: skip
    """Scores of every territory on each pillar and the index with the index's 5-95 % range, and a record.

    Without enough statistics (no indicator of the framework known for three territories) the table
    is empty and the record says why under `left_out`: the run goes on without a scoreboard."""
    framework = framework or load_framework()
    try:
        coin, absent = _coin(context, framework)
    except InputError as exc:
        return pd.DataFrame(columns=COLUMNS), {"framework": framework.get("name"), "left_out": str(exc)}
    built = coin.regenerate(LOG)
    agg = built.get("Aggregated")
    s = coin.structure
    raw = coin.get("Raw")
    available = raw.notna().sum(axis=1)
    enough = available >= min_share * len(s.indicators)
    design, weights = sample_design(coin, n, normalisations=[("n_minmax", "1,100"), ("n_zscore", "50,10")],
                                    noise={2: 0.25, 3: 0.25}, seed=seed)  # fmt: skip
    ua = replay(coin, LOG, design, weights)
    wide = ua.scores.pivot(index="uCode", columns="rep", values=INDEX)
    # scale each replication's index to the nominal index's range, so the quantiles are in its unit
    nominal = agg[INDEX]
    lo, hi = np.nanmin(nominal), np.nanmax(nominal)
    rng = wide.max() - wide.min()
    scaled = (wide - wide.min()) / rng.where(rng > 0) * (hi - lo) + lo
    q5, q95 = scaled.quantile(0.05, axis=1), scaled.quantile(0.95, axis=1)
    rows = []
    for region in agg.index:
        for level in (2, 3):
            for code in s.levels[level]:
                kids = s.children(code) if level == 2 else s.indicators
                score = agg.at[region, code] if (level == 2 or enough[region]) else np.nan
                rows.append(
                    {
                        "region": region, "code": code, "name": s.names[code], "level": level, "score": score,
                        "low": q5[region] if level == 3 and enough[region] else np.nan,
                        "high": q95[region] if level == 3 and enough[region] else np.nan,
                        "indicators": len(kids), "available": int(raw.loc[region, kids].notna().sum()),
                    }
                )  # fmt: skip
    record = {
        "framework": framework.get("name"),
        "indicators": s.indicators,
        "left_out": dict.fromkeys(absent, "not in the run's context statistics"),
        "replications": n,
        "seed": seed,
        "min_share": min_share,
    }
    return pd.DataFrame(rows, columns=COLUMNS), record
