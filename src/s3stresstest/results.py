"""Writing a run to disk: CSV tables, run.json and a readable summary, all or nothing.

Everything is written into a temporary sibling folder that replaces the target
only when complete, so a failed run never leaves a half-written output folder.
"""

from __future__ import annotations

import json
import math
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from .errors import InputError
from .pipeline import SYNTHETIC_BANNER, StressTestResult

FLOAT_FORMAT = "%.4f"


def write_table(df: pd.DataFrame, path: Path) -> None:
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == bool or col in ("groups_disagree", "indistinguishable"):
            out[col] = out[col].map(lambda v: "" if v is None or (isinstance(v, float) and math.isnan(v))
                                    else ("true" if v else "false"))
    out.to_csv(path, index=False, float_format=FLOAT_FORMAT, encoding="utf-8", lineterminator="\n")


def prepare_out_dir(out: str | Path, overwrite: bool) -> Path:
    """Refuse a non-empty target unless overwriting; checked before any work is done."""
    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())) and not overwrite:
        raise InputError(f"output folder '{out}' exists and is not empty (use --overwrite to replace it)")
    return out


def replace_dir(tmp: Path, out: Path) -> None:
    """Put the finished folder `tmp` in place of `out`; the old one goes only once the new one is there."""
    if out.exists():
        old = out.with_name(f".{out.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        out.rename(old)
        tmp.rename(out)
        shutil.rmtree(old, ignore_errors=True)
    else:
        tmp.rename(out)


@contextmanager
def staged_output_dir(out: str | Path, overwrite: bool = False) -> Iterator[Path]:
    """A temporary sibling of `out` to write into: it replaces `out` on success and vanishes on failure."""
    out = prepare_out_dir(out, overwrite)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        yield tmp
        replace_dir(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def write_results(result: StressTestResult, out: str | Path, *, overwrite: bool = False,
                  extra_files: dict[str, bytes] | None = None, instrument=None) -> Path:
    """Write every table, `run.json` and `summary.md` to `out` atomically."""
    with staged_output_dir(out, overwrite) as tmp:
        for name, df in result.tables().items():
            write_table(df, tmp / f"{name}.csv")
        for rel, data in (extra_files or {}).items():
            target = tmp / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        files = sorted(str(p.relative_to(tmp)) for p in tmp.rglob("*") if p.is_file()) + ["run.json", "summary.md"]
        record = dict(result.record, outputs=sorted(files))
        (tmp / "run.json").write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        (tmp / "summary.md").write_text(summary_markdown(result, instrument or result.instrument), encoding="utf-8")
    return Path(out)


def _fmt(v, digits: int = 0) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    return f"{v:.{digits}f}"


def summary_markdown(result: StressTestResult, instrument=None) -> str:
    """A short human-readable account: blocks per territory with intervals, and how they were made."""
    rec = result.record
    lines = []
    if result.synthetic:
        lines += [f"> **{SYNTHETIC_BANNER}**", ""]
    lines += ["# S3 StressTest results", ""]
    ins = rec.get("instrument", {})
    p = rec.get("parameters", {})
    c = rec.get("counts", {})
    lines += [f"Instrument: {ins.get('title')} (`{ins.get('form_id')}` version {ins.get('version')}). "
              f"Territories: {c.get('territories')}; respondents: {c.get('respondents')}.", "",
              f"Scores are on 0–100 with {p.get('ci_level', 0.9):.0%} bootstrap intervals "
              f"({p.get('bootstrap')} resamples, seed {p.get('seed')}). A figure is shown only when at least "
              f"{p.get('min_respondents')} respondents with a value stand behind it; 'suppressed' and "
              "'insufficient' mark figures that are withheld. The comparison is a learning tool, not a league "
              "table: territories are listed by code.", ""]
    blocks = list(dict.fromkeys(result.block_scores["block"]))
    label = (lambda b: instrument.block_label(b)) if instrument is not None else (lambda b: b)
    lines += ["## Blocks", ""] + [f"- **{b}**: {label(b)}" for b in blocks] + [""]
    lines += ["## Block scores per territory", "", "| Territory | " + " | ".join(blocks) + " |",
              "|---|" + "---|" * len(blocks)]
    bs = result.block_scores.set_index(["region", "block"])
    for region in sorted(result.block_scores["region"].unique()):
        cells = []
        for b in blocks:
            r = bs.loc[(region, b)]
            cells.append(f"{_fmt(r['score'])} [{_fmt(r['ci_low'])}–{_fmt(r['ci_high'])}]" if r["status"] == "ok"
                         else r["status"])
        lines.append(f"| {region} | " + " | ".join(cells) + " |")
    lines += ["", "## Frontrunners per peer group", ""]
    fr = result.benchmarks.drop_duplicates(["peer_group", "block"])
    for row in fr.itertuples():
        lines.append(f"- {row.peer_group}, {row.block}: level {_fmt(row.frontrunner_level)}; "
                     f"frontrunners: {row.frontrunners or '–'}")
    flagged = result.item_dispersion[result.item_dispersion["groups_disagree"] == True]  # noqa: E712
    lines += ["", "## Where stakeholder groups disagree", "",
              f"{len(flagged)} (territory, item) pairs where published stakeholder-group scores differ by at least "
              f"{p.get('disagreement_threshold')} points (see `item_dispersion.csv`).", ""]
    lines += ["## Files", "", "- `item_scores.csv`, `block_scores.csv`, `distributions.csv`, `benchmarks.csv`: "
              "the main results", "- `group_item_scores.csv`, `group_block_scores.csv`: stakeholder-group breakdown",
              "- `item_dispersion.csv`: spread across respondents and groups", "- `run.json`: every parameter, "
              "input checksum and software version of this run"]
    if (rec.get("context") or {}).get("file"):
        lines += ["- `context.csv`: Eurostat context statistics of each territory (year, unit, flag, source); "
                  "shown beside the scores, never part of them"]
    lines += [""]
    if result.synthetic:
        lines += [f"> **{SYNTHETIC_BANNER}**", ""]
    return "\n".join(lines)
