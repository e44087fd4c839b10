"""Output folders written all or nothing, and the CSV writer of the alignment tables.

Everything is written into a temporary sibling folder that replaces the target only when
complete, so a failed command never leaves a half-written output folder. The run folder
itself is `run.folder`.
"""

from __future__ import annotations

import math
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from .errors import InputError

FLOAT_FORMAT = "%.4f"


def write_table(df: pd.DataFrame, path: Path) -> None:
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == bool or col in ("groups_disagree", "indistinguishable"):
            out[col] = out[col].map(
                lambda v: "" if v is None or (isinstance(v, float) and math.isnan(v)) else ("true" if v else "false")
            )
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
