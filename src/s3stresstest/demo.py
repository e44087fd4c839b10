"""The built-in demo: a synthetic campaign for the 36 S3-4AlpClusters demo territories.

The answers are generated (see `campaign.synthetic`); every output says so. The
inputs are written next to the results so that `s3stresstest score` can re-run them.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

from .campaign.synthetic import SyntheticSpec, generate_campaign
from .campaign.territories import demo_groups, demo_regions
from .context import context_table
from .instrument import load_builtin
from .instrument.sheets import write_xlsx
from .pipeline import SYNTHETIC_BANNER, run_stresstest
from .regions.datadir import data_dir
from .results import prepare_out_dir, write_results
from .scoring import ScoringParams


def _csv_bytes(df) -> bytes:
    buf = io.StringIO()
    df.to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue().encode("utf-8")


def run_demo(out: str | Path, *, seed: int = 2017, bootstrap: int = 1000, overwrite: bool = False,
             console=None) -> Path:
    """Generate, score and write the demo campaign; returns the output folder."""
    out = prepare_out_dir(out, overwrite)
    instrument = load_builtin()
    regions, groups = demo_regions(), demo_groups()
    status = console.status if console is not None else None

    def step(msg):
        return status(msg) if status else _Null()

    with step("Generating the synthetic demo campaign..."):
        campaign = generate_campaign(instrument, regions, groups, SyntheticSpec(seed=seed))
    with step(f"Scoring 36 territories with {bootstrap} bootstrap resamples..."):
        result = run_stresstest(campaign, instrument, ScoringParams(bootstrap=bootstrap))
    result.record["demo"] = {"generator_seed": seed, "generator": "s3stresstest.campaign.synthetic",
                             "spec": SyntheticSpec(seed=seed).model_dump()}
    xlsx = io.BytesIO()
    write_xlsx(instrument.workbook, xlsx)
    extra = {
        "inputs/README.txt": (SYNTHETIC_BANNER + "\n\nThese are the inputs of the demo run. Re-run with:\n"
                              "  s3stresstest score --instrument inputs/stresstest_v1.xlsx "
                              "--responses inputs/responses.csv --regions inputs/regions.csv "
                              "--groups inputs/groups.csv --out OTHER_DIR\n").encode("utf-8"),
        "inputs/responses.csv": _csv_bytes(campaign.responses),
        "inputs/regions.csv": _csv_bytes(regions),
        "inputs/groups.csv": _csv_bytes(groups),
        "inputs/stresstest_v1.xlsx": xlsx.getvalue(),
    }
    roles = {"instrument": "inputs/stresstest_v1.xlsx", "responses": "inputs/responses.csv",
             "regions": "inputs/regions.csv", "groups": "inputs/groups.csv"}
    result.record["inputs"] = {role: {"path": rel, "sha256": hashlib.sha256(extra[rel]).hexdigest()}
                               for role, rel in roles.items()}
    with step("Adding context statistics (if reference data is installed)..."):
        context = context_table(list(regions["region"]))
    if context is not None:
        buf = io.StringIO()
        context.to_csv(buf, index=False, lineterminator="\n")
        extra["context.csv"] = buf.getvalue().encode("utf-8")
        result.record["context"] = {"file": "context.csv", "data_dir": str(data_dir()),
                                    "note": "Eurostat statistics shown beside the scores; never part of them."}
    else:
        result.record["context"] = {"file": None, "note": "no reference data installed "
                                    "(s3stresstest data pull / data seed); context statistics left out"}
    with step("Aligning the sourced S3 priorities (if NUTS boundaries are installed)..."):
        alignment_files = _demo_alignment(result.block_scores)
    extra.update(alignment_files)
    result.record["alignment"] = ({"folder": "alignment", "strategies": "s3stresstest/alignment/data/"
                                   "s3_priorities_2014_2020.csv (sourced, see its README)",
                                   "note": "perception_vs_evidence.csv joins SYNTHETIC block-2 scores with the "
                                           "measured alignment of the real strategies"}
                                  if alignment_files else {"folder": None, "note": "no NUTS boundaries installed"})
    with step("Writing results..."):
        return write_results(result, out, overwrite=overwrite, extra_files=extra, instrument=instrument)


class _Null:
    def __enter__(self):
        return self

    def __exit__(self, *a):
        return False


def _demo_alignment(block_scores) -> dict[str, bytes]:
    """Alignment of the sourced 2014-2020 priorities, as files for `alignment/`; {} without NUTS data."""
    import tempfile
    from importlib.resources import files

    from .alignment.model import read_strategies
    from .alignment.run import params_from, run_alignment, write_alignment
    from .alignment.taxonomy import load_taxonomies
    from .errors import InputError
    from .regions.nuts import NutsRegistry

    try:
        registry = NutsRegistry.load()
    except InputError:
        return {}
    path = Path(str(files("s3stresstest.alignment") / "data" / "s3_priorities_2014_2020.csv"))
    taxonomies = load_taxonomies(None)
    strategies = read_strategies(path, taxonomies, known_territories=registry)
    result = run_alignment(strategies, taxonomies=taxonomies, registry=registry, params=params_from(),
                           block_scores=block_scores, inputs={"strategies": path})
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_alignment(result, Path(tmp) / "alignment")
        out = {f"alignment/{p.name}": p.read_bytes() for p in folder.iterdir() if p.is_file()}
    out["alignment/README.txt"] = (
        "Alignment of the 2014-2020 S3 priorities in s3stresstest/alignment/data (each priority with its "
        "source; codes assigned by the project). Only perception_vs_evidence.csv uses the demo's block-2 "
        "scores, which are SYNTHETIC.\n").encode("utf-8")
    return out
