"""Context statistics beside StressTest results: shown next to scores, never mixed into them.

A territory's structure (size, density, GDP per head, R&D intensity) helps read its
scores; it must not change them. So context is a separate table with every value's
year, unit, flag and source, written only when reference data is installed.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

CONTEXT_COLUMNS = [
    "region",
    "indicator",
    "name",
    "kind",
    "value",
    "unit",
    "year",
    "flag",
    "attribution",
    "source_file",
    "aggregated",
    "recoded_from",
]


def context_from_statistics(
    stats: pd.DataFrame, territories: list[str], folder: str | Path | None = None
) -> pd.DataFrame:
    """Latest value of every catalogue indicator per territory (one row per territory and indicator;
    a value that Eurostat does not publish stays missing, with no year)."""
    from .statistics import latest_values_for

    if not territories:
        return pd.DataFrame(columns=CONTEXT_COLUMNS)
    out = latest_values_for(stats, territories, folder=folder)
    out["attribution"] = [
        "" if pd.isna(v) else f"Source: Eurostat ({d})" for v, d in zip(out["value"], out["dataset"], strict=True)
    ]
    out = out.rename(columns={"source": "source_file"})
    return out[CONTEXT_COLUMNS].reset_index(drop=True)
