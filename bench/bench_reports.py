"""Benchmark: every regional report of the demo campaign plus the synthesis, in HTML and in PDF.

Prints ``BENCH reports_html_seconds <v> s`` (target <= 20 s) and ``BENCH reports_pdf_seconds <v> s``
(target <= 180 s on 2 cores). The demo results (36 territories, 200 bootstrap resamples) are made
first and not timed; each timing then starts from the results folder: reading it and the reference
data (NUTS boundaries for the maps, Eurostat statistics for structural peers), building the 37
documents and writing them. PDFs are rendered by 2 worker processes. Data: ``S3ST_DATA_DIR`` or
``../shared/data`` beside the repository.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def data_folder() -> Path:
    env = os.environ.get("S3ST_DATA_DIR")
    return Path(env) if env else REPO.parent / "shared" / "data"


def timed_build(results: Path, out: Path, fmt: str, workers: int = 2) -> tuple[float, list[Path]]:
    from s3stresstest.report import ReportInputs, build_reports

    t0 = time.perf_counter()
    inputs = ReportInputs.load(results, data_folder=data_folder())
    paths = build_reports(results, out, fmt, inputs=inputs, memo=False, workers=workers)
    return time.perf_counter() - t0, paths


def main() -> None:
    sys.path.insert(0, str(REPO / "src"))
    os.environ.setdefault("S3ST_DATA_DIR", str(data_folder()))
    from s3stresstest.run import run_demo, write_run

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        results = write_run(run_demo(bootstrap=200), tmp / "results")
        html_s, html = timed_build(results, tmp / "html", "html")
        pdf_s, pdf = timed_build(results, tmp / "pdf", "pdf")
        regional = sum(1 for p in html if p.parent.name == "regional")
        assert regional == 36, regional
        assert sum(1 for p in pdf if p.suffix == ".pdf") == 37
        size = sum(p.stat().st_size for p in pdf if p.suffix == ".pdf") / 1e6
    print(
        f"# {regional} regional reports + the synthesis from the demo results; PDFs: 2 worker processes, "
        f"{size:.1f} MB; {os.cpu_count()} CPUs"
    )
    print(f"BENCH reports_html_seconds {html_s:.2f} s")
    print(f"BENCH reports_pdf_seconds {pdf_s:.2f} s")


if __name__ == "__main__":
    main()
