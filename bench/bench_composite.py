"""Benchmark: uncertainty analysis of composite indicators (targets ≤ 0.8 s and ≤ 10 s).

Prints `BENCH composite_ua_asem_n1000_seconds <v> s`: COINr's ASEM example pipeline (51 units ×
49 indicators, 4 levels) with N = 1,000 replications of the vignette's three uncertain inputs
(noisy weights ±25 % on levels 2 and 3; min-max [1, 100] or z-scores (10, 2); arithmetic or
geometric mean) — design sampling, the fixed steps, every replication and the rank statistics.
COINr 1.1.14 takes about 80 s for this on the same machine class.

And `BENCH composite_ua_eu_n10000_seconds <v> s`: 300 units × 60 indicators (synthetic random
data, 3 levels: 60 indicators in 10 pillars in 1 index) with N = 10,000.

Data: `S3ST_DATA_DIR` if set, else `../shared/data` beside the repository.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]


def data_folder() -> Path:
    env = os.environ.get("S3ST_DATA_DIR")
    return Path(env) if env else REPO.parent / "shared" / "data"


def eu_coin():
    from s3stresstest.composite import Coin

    rng = np.random.default_rng(7)
    units, n_ind, pillars = 300, 60, 10
    codes = [f"i{k:02d}" for k in range(n_ind)]
    data = pd.DataFrame(rng.lognormal(0, 1, (units, n_ind)), columns=codes)
    data.iloc[rng.integers(0, units, 200), rng.integers(0, n_ind, 200)] = np.nan
    data.insert(0, "uCode", [f"R{k:03d}" for k in range(units)])
    data.insert(1, "uName", data["uCode"])
    rows = [(1, c, c, 1, 1.0, f"P{k % pillars}", "Indicator") for k, c in enumerate(codes)]
    rows += [(2, f"P{p}", f"P{p}", 1, 1.0, "Index", "Aggregate") for p in range(pillars)]
    rows += [(3, "Index", "Index", 1, 1.0, None, "Aggregate")]
    meta = pd.DataFrame(rows, columns=["Level", "iCode", "iName", "Direction", "Weight", "Parent", "Type"])
    return Coin.from_frames(data, meta)


def main() -> None:
    from s3stresstest.composite import read_coin
    from s3stresstest.composite.uncertainty import replay, sample_design

    base = data_folder() / "coinr-asem"
    coin = read_coin(base / "ASEM_iData.csv", base / "ASEM_iMeta.csv")
    replay(coin, "example", *sample_design(coin, 10))  # warm-up: imports, caches
    t = time.perf_counter()
    design, weights = sample_design(coin, 1000)
    replay(coin, "example", design, weights)
    print(f"BENCH composite_ua_asem_n1000_seconds {time.perf_counter() - t:.3f} s", flush=True)

    eu = eu_coin()
    t = time.perf_counter()
    design, weights = sample_design(eu, 10_000, noise={2: 0.25})
    replay(eu, "default", design, weights)
    print(f"BENCH composite_ua_eu_n10000_seconds {time.perf_counter() - t:.3f} s", flush=True)


if __name__ == "__main__":
    sys.path.insert(0, str(REPO / "src"))
    main()
