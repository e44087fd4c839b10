"""Reading the optional inputs of an alignment run from CSV files.

`run_alignment` takes DataFrames; these readers turn the files a user has into them, with the
same checks (required columns, problems named by file and line) as every other CSV input.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..campaign.csvfile import read_csv_table


def read_adjacency(path: str | Path) -> pd.DataFrame:
    """Neighbouring territories from a CSV code_a,code_b[,kind], for `run_alignment(adjacency_pairs=...)`.

    Used instead of the NUTS boundaries, e.g. for territories GISCO does not draw.
    """
    return read_csv_table(Path(path), ("code_a", "code_b")).drop(columns="_line")


def read_block_scores(path: str | Path) -> pd.DataFrame:
    """`block_scores.csv` of a StressTest run (region, block, score[, ci_low, ci_high]), for the perception table.

    Scores and interval bounds become numbers; empty cells (suppressed figures) become NaN.
    """
    table = read_csv_table(Path(path), ("region", "block", "score")).drop(columns="_line")
    for col in ("score", "ci_low", "ci_high"):
        if col in table.columns:
            table[col] = pd.to_numeric(table[col].replace("", None), errors="coerce")
    return table
