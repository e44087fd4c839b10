"""Benchmark: structural peers for every NUTS-2 region.

Prints ``BENCH peers_all_nuts2_seconds <v> s`` - building the standardised peer space from the
loaded statistics plus one `PeerSpace.peers` query (k = 10) per NUTS-2 region with complete
data - target <= 1 s. Loading the statistics (reading, recoding, aggregating the files) is
timed separately (``statistics_load_seconds``), and so is the vectorised all-at-once variant
(``peers_matrix_nuts2_seconds``). Data: ``S3ST_DATA_DIR`` or ``../shared/data`` beside the repository.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def data_folder() -> Path:
    env = os.environ.get("S3ST_DATA_DIR")
    return Path(env) if env else REPO.parent / "shared" / "data"


def main() -> None:
    sys.path.insert(0, str(REPO / "src"))
    from s3stresstest.regions.peers import PeerSpace
    from s3stresstest.regions.statistics import load_statistics

    folder = data_folder()
    t0 = time.perf_counter()
    stats = load_statistics(folder)
    load_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    space = PeerSpace.build(stats, level=2)
    results = [space.peers(code, 10) for code in space.regions]
    peers_s = time.perf_counter() - t0
    assert all(len(r) == 10 for r in results)

    t0 = time.perf_counter()
    matrix = PeerSpace.build(stats, level=2).all_peers(10)
    matrix_s = time.perf_counter() - t0
    assert matrix["region"].nunique() == len(space.regions)

    print(
        f"# {len(space.regions)} NUTS-2 regions with every default variable; {len(space.dropped)} left out "
        f"for missing data; variables: {', '.join(space.variables)}"
    )
    print(f"BENCH statistics_load_seconds {load_s:.3f} s")
    print(f"BENCH peers_matrix_nuts2_seconds {matrix_s:.3f} s")
    print(f"BENCH peers_all_nuts2_seconds {peers_s:.3f} s")


if __name__ == "__main__":
    main()
