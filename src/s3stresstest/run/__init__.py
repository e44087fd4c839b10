"""One StressTest run: from any source to every output, in one object and one folder format.

    from s3stresstest.run import run_from_files, write_run, read_run
    run = run_from_files("answers.csv", regions="regions.csv", groups="groups.csv")
    write_run(run, "results/")
    run = read_run("results/")          # what reports, the web and later comparisons read

See `model.StressTestRun` for what a run holds, `folder` for the format, `stages` for the order.
"""

from .build import build_run, read_invitations, run_demo, run_from_files, run_from_store
from .folder import read_run, write_run
from .model import SYNTHETIC_BANNER, RunParams, StressTestRun
from .reference import ReferenceData
from .rerun import compare_folders, rerun
from .stages import StageError

__all__ = [
    "SYNTHETIC_BANNER",
    "ReferenceData",
    "RunParams",
    "StageError",
    "StressTestRun",
    "build_run",
    "compare_folders",
    "read_invitations",
    "read_run",
    "rerun",
    "run_demo",
    "run_from_files",
    "run_from_store",
    "write_run",
]
