"""Repeat a run from its folder: the same inputs, parameters and seeds give the same tables, byte for byte."""

from __future__ import annotations

import filecmp
import json
from pathlib import Path

from ..errors import InputError
from .build import build_run
from .folder import read_run
from .model import StressTestRun
from .reference import ReferenceData


def rerun(folder: str | Path, *, reference: ReferenceData | None = None) -> StressTestRun:
    """Build the run again from `folder`'s inputs/ and recorded parameters.

    Refused when the installed reference data differ from the files the run used (a rerun on
    other data is a new run: score again instead).
    """
    folder = Path(folder)
    if folder.name == "run.json":
        folder = folder.parent
    old = read_run(folder)
    reference = reference if reference is not None else ReferenceData.load()
    was = {f["path"]: f["sha256"] for f in (old.record.get("reference_data") or {}).get("files", [])}
    now = {f["path"]: f["sha256"] for f in reference.versions}
    changed = sorted(p for p in set(was) | set(now) if was.get(p) != now.get(p))
    if changed:
        raise InputError(
            "the installed reference data differ from those of the run ("
            + ", ".join(changed[:8])
            + (" …" if len(changed) > 8 else "")
            + "): install the same files (s3stresstest data seed) or score again",
            source=str(folder),
        )
    extra = {k: old.record[k] for k in ("demo",) if k in old.record}
    extra["rerun_of"] = {"folder": str(folder.resolve()), "created": old.record.get("created")}
    return build_run(
        old.campaign,
        old.instrument,
        old.params,
        invitations=old.invitations,
        strategies=old.strategies_csv,
        strategies_name=old.strategies_name,
        reference=reference,
        source=old.record.get("source") or {},
        extra_record=extra,
    )


def compare_folders(a: str | Path, b: str | Path) -> list[str]:
    """Files of the two runs (as their records list them) that differ or exist in one only. The records
    (`run.json`, which say when and where a run was made) and `summary.md` are not compared; files
    put beside a run later (e.g. `reports/`) are not part of it."""
    a, b = Path(a), Path(b)
    names = set(_outputs(a)) | set(_outputs(b))
    out = []
    for rel in sorted(names):
        if Path(rel).name == "run.json" or rel == "summary.md":
            continue
        if not (a / rel).is_file() or not (b / rel).is_file() or not filecmp.cmp(a / rel, b / rel, shallow=False):
            out.append(rel)
    return out


def _outputs(folder: Path) -> list[str]:
    try:
        record = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return [str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()]
    return [str(x) for x in record.get("outputs") or []]
