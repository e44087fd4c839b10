"""Benchmark: adjacency of all NUTS-2 regions from the GISCO 1:20M geometry (target ≤ 5 s).

Prints `BENCH adjacency_nuts2_seconds <v> s`. The time is cold and in-process: reading and
parsing the four GISCO level files into a fresh `NutsRegistry` (nothing cached), then the
STRtree candidate search and boundary intersections for the 333 NUTS-2 regions. Module
imports happen before the clock starts.

Data: `S3ST_DATA_DIR` if set, else `../shared/data` beside the repository.

    .venv/bin/python bench/bench_adjacency.py
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 5.0


def data_folder() -> Path:
    env = os.environ.get("S3ST_DATA_DIR")
    return Path(env) if env else REPO.parent / "shared" / "data"


def main() -> float:
    from s3stresstest.regions.adjacency import adjacency
    from s3stresstest.regions.nuts import NutsRegistry

    folder = data_folder()
    start = time.perf_counter()
    registry = NutsRegistry.load(folder)
    table = adjacency(registry, 2)
    seconds = time.perf_counter() - start
    n_regions = len(registry.codes(2))
    lines = int((table["kind"] == "line").sum())
    points = int((table["kind"] == "point").sum())
    print(
        f"# {n_regions} NUTS-2 regions from {folder}: {lines} adjacent pairs, {points} point contacts "
        f"(target <= {TARGET_SECONDS:g} s)",
        file=sys.stderr,
    )
    print(f"BENCH adjacency_nuts2_seconds {seconds:.3f} s")
    return seconds


if __name__ == "__main__":
    main()
