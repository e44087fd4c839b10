"""Benchmarks of S3 StressTest. Run with `make bench`; each prints `BENCH <name> <value> <unit>`.

This script runs the scoring benchmark below, then every `bench_*.py` beside it.

scoring_eu: an EU-scale synthetic campaign, 300 territories x 40 respondents x 50
scored items (600,000 answers), scored with 1,000 bootstrap resamples. The
campaign is generated and written to CSV first; a fresh process then reads,
validates and scores it, so its peak memory is that of the real work.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REGIONS, RESPONDENTS, ITEMS, BOOTSTRAP = 300, 40, 50, 1000


def bench_instrument():
    from s3stresstest.instrument import Sheet, instrument_from_workbook

    agree = [
        ("strongly_disagree", "0"),
        ("disagree", "25"),
        ("neutral", "50"),
        ("agree", "75"),
        ("strongly_agree", "100"),
        ("dont_know", ""),
    ]
    survey = [
        {"type": "select_one agree5", "name": f"q{i:02d}", "label": f"Item {i}", "block": f"b{i % 5 + 1}"}
        for i in range(ITEMS)
    ]
    choices = [{"list_name": "agree5", "name": n, "label": n, **({"score": s} if s else {})} for n, s in agree]
    blocks = [{"name": f"b{k}", "label": f"Block {k}"} for k in range(1, 6)]
    return instrument_from_workbook(
        {
            "settings": Sheet(["form_id", "version"], [{"form_id": "bench", "version": "1"}]),
            "blocks": Sheet(["name", "label"], blocks),
            "survey": Sheet(["type", "name", "label", "block"], survey),
            "choices": Sheet(["list_name", "name", "label", "score"], choices),
        },
        source="bench",
    )


def territory_codes(n: int) -> list[str]:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    return [f"ZZ{alphabet[i // 36]}{alphabet[i % 36]}" for i in range(n)]


def prepare(folder: Path) -> Path:
    import pandas as pd

    from s3stresstest.campaign.synthetic import SyntheticSpec, generate_campaign

    regions = pd.DataFrame({"region": territory_codes(REGIONS)})
    regions["name"] = "Synthetic " + regions["region"]
    campaign = generate_campaign(bench_instrument(), regions, None, SyntheticSpec(seed=7), respondents=RESPONDENTS)
    path = folder / "responses.csv"
    campaign.responses.to_csv(path, index=False)
    return path


def child(path: str) -> None:
    """Runs in a fresh process: read + validate, then score; prints JSON figures."""
    from s3stresstest.campaign import read_campaign
    from s3stresstest.pipeline import run_stresstest
    from s3stresstest.scoring import ScoringParams

    instrument = bench_instrument()
    t0 = time.perf_counter()
    campaign = read_campaign(path, instrument)
    t1 = time.perf_counter()
    result = run_stresstest(campaign, instrument, ScoringParams(bootstrap=BOOTSTRAP))
    t2 = time.perf_counter()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "read": t1 - t0,
                "score": t2 - t1,
                "peak_mb": peak_mb,
                "answers": len(campaign.responses),
                "item_rows": len(result.item_scores),
            }
        )
    )


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        child(sys.argv[2])
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = prepare(Path(tmp))
        proc = subprocess.run(
            [sys.executable, __file__, "--child", str(path)], capture_output=True, text=True, check=True
        )
        figures = json.loads(proc.stdout.strip().splitlines()[-1])
    assert figures["answers"] == REGIONS * RESPONDENTS * ITEMS, figures
    print(f"# {figures['answers']} answers, {REGIONS} territories, {BOOTSTRAP} bootstrap resamples")
    print(f"BENCH scoring_eu_seconds {figures['score']:.2f} s")
    print(f"BENCH scoring_eu_peak_mb {figures['peak_mb']:.0f} MB")
    print(f"BENCH responses_read_validate_seconds {figures['read']:.2f} s")
    sys.stdout.flush()
    for script in sorted(Path(__file__).parent.glob("bench_*.py")):  # the other benchmarks, one process each
        subprocess.run([sys.executable, str(script)], check=True)


if __name__ == "__main__":
    main()
