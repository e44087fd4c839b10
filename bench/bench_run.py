"""The whole StressTest run at EU scale: `BENCH run_eu_seconds` (target 5 s) and its peak memory (2 GB).

A synthetic campaign on the built-in questionnaire for 300 real NUTS territories (every NUTS-2
region, then NUTS-3 regions up to 300) x 40 respondents, peer groups by country plus `all`,
1,000 bootstrap resamples. A fresh process reads and checks the responses CSV, loads the
installed reference data once, then `build_run` runs every stage: scores, benchmarks, response
counts, context statistics, structural peers, recommendations, findings and typology (no
alignment: there are no strategies for these territories). Writing the run folder is timed
apart. Data: ``S3ST_DATA_DIR`` or ``../shared/data`` beside the repository.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TERRITORIES, RESPONDENTS, BOOTSTRAP = 300, 40, 1000


def data_folder() -> Path:
    env = os.environ.get("S3ST_DATA_DIR")
    return Path(env) if env else REPO.parent / "shared" / "data"


def prepare(folder: Path) -> dict[str, Path]:
    import pandas as pd

    from s3stresstest.campaign.synthetic import SyntheticSpec, generate_campaign
    from s3stresstest.instrument import load_builtin
    from s3stresstest.regions.nuts import NutsRegistry

    table = NutsRegistry.load(data_folder()).table
    nuts2 = table[table["level"] == 2].sort_values("code")
    nuts3 = table[table["level"] == 3].sort_values("code")
    chosen = pd.concat([nuts2, nuts3]).head(TERRITORIES)
    regions = pd.DataFrame({"region": chosen["code"].to_numpy(), "name": chosen["name_latn"].to_numpy()})
    groups = pd.concat(
        [
            pd.DataFrame({"region": regions["region"], "group": regions["region"].str[:2]}),
            pd.DataFrame({"region": regions["region"], "group": "all"}),
        ],
        ignore_index=True,
    )
    campaign = generate_campaign(load_builtin(), regions, groups, SyntheticSpec(seed=7), respondents=RESPONDENTS)
    paths = {"responses": folder / "responses.csv", "regions": folder / "regions.csv", "groups": folder / "groups.csv"}
    campaign.responses.to_csv(paths["responses"], index=False)
    regions.to_csv(paths["regions"], index=False)
    groups.to_csv(paths["groups"], index=False)
    return paths


def child(folder: str) -> None:
    """Runs in a fresh process; prints JSON figures."""
    from s3stresstest.campaign import read_campaign
    from s3stresstest.instrument import load_builtin
    from s3stresstest.run import ReferenceData, RunParams, build_run, write_run
    from s3stresstest.scoring import ScoringParams

    base = Path(folder)
    instrument = load_builtin()
    t0 = time.perf_counter()
    campaign = read_campaign(base / "responses.csv", instrument, base / "regions.csv", base / "groups.csv")
    campaign.synthetic = True
    t1 = time.perf_counter()
    reference = ReferenceData.load(data_folder())
    t2 = time.perf_counter()
    run = build_run(campaign, instrument, RunParams(scoring=ScoringParams(bootstrap=BOOTSTRAP)), reference=reference)
    t3 = time.perf_counter()
    write_run(run, base / "run")
    t4 = time.perf_counter()
    print(
        json.dumps(
            {
                "read": t1 - t0,
                "reference": t2 - t1,
                "run": t3 - t2,
                "write": t4 - t3,
                "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "answers": len(campaign.responses),
                "territories": len(run.territories),
                "recommendations": len(run.recommendations),
                "context_rows": len(run.context),
                "peers": len(run.structural_peers),
                "findings": len(run.findings),
            }
        )
    )


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        child(sys.argv[2])
        return
    sys.path.insert(0, str(REPO / "src"))
    with tempfile.TemporaryDirectory() as tmp:
        prepare(Path(tmp))
        proc = subprocess.run([sys.executable, __file__, "--child", tmp], capture_output=True, text=True, check=True)
        f = json.loads(proc.stdout.strip().splitlines()[-1])
    assert f["territories"] == TERRITORIES and f["context_rows"] > 0 and f["recommendations"] > 0, f
    print(
        f"# {f['answers']} answer rows, {f['territories']} territories, {BOOTSTRAP} bootstrap resamples; "
        f"{f['recommendations']} recommendations, {f['peers']} structural-peer rows, {f['findings']} findings"
    )
    print(f"BENCH run_eu_seconds {f['run']:.2f} s")
    print(f"BENCH run_eu_peak_mb {f['peak_mb']:.0f} MB")
    print(f"BENCH run_eu_reference_load_seconds {f['reference']:.2f} s")
    print(f"BENCH run_eu_write_seconds {f['write']:.2f} s")


if __name__ == "__main__":
    main()
