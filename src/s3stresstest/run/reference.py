"""The reference data a run uses, loaded once at the edge (the stages themselves do no I/O).

NUTS boundaries (names, neighbours for alignment) and Eurostat statistics (context, structural
peers) are optional: when a file is not installed, the run leaves out what needs it and says
why in `missing`. When a file is installed but cannot be read, the run stops: a broken data
folder must not pass silently as "not installed".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import InputError
from . import reasons


@dataclass
class ReferenceData:
    """NUTS registry, Eurostat statistics and the versions (checksums) of the files behind them."""

    folder: Path | None
    registry: Any = None  # regions.nuts.NutsRegistry or None
    statistics: pd.DataFrame | None = None
    versions: list[dict[str, Any]] = field(default_factory=list)
    missing: dict[str, str] = field(default_factory=dict)

    @classmethod
    def none(cls, why: str = reasons.REFERENCE_OFF) -> ReferenceData:
        return cls(None, missing={"context": why, "structural_peers": why, "nuts": why})

    @classmethod
    def load(cls, folder: str | Path | None = None) -> ReferenceData:
        """What is installed in `folder` (default: the data directory, S3ST_DATA_DIR)."""
        from ..regions.datadir import data_dir, status
        from ..regions.nuts import NutsRegistry
        from ..regions.statistics import load_statistics

        path = Path(folder) if folder is not None else data_dir()
        ref = cls(path)
        st = status(path) if path.is_dir() else None
        present = st[st["present"]] if st is not None else None
        if present is None or present.empty:
            why = reasons.NO_REFERENCE.format(folder=path)
            ref.missing = {"context": why, "structural_peers": why, "nuts": why}
            return ref
        ref.versions = [
            {
                "path": str(r.path),
                "dataset": str(r.dataset),
                "publisher": str(r.publisher),
                "retrieved": str(r.retrieved) if isinstance(r.retrieved, str) else "",
                "how": str(r.how or ""),
                "sha256": str(r.sha256),
                "integrity": str(r.integrity),
            }
            for r in present.itertuples()
        ]
        try:
            ref.registry = NutsRegistry.load(path)
        except InputError as exc:
            if any(str(p).startswith("gisco/") for p in present["path"]):
                raise
            ref.missing["nuts"] = reasons.NO_NUTS.format(error=exc.problems[0].message)
        try:
            stats = load_statistics(path, missing="skip")
        except InputError:
            if any(str(p).startswith(("eurostat/", "indicators/")) for p in present["path"]):
                raise
            stats = None
        if stats is None or stats.empty:
            why = reasons.NO_STATISTICS
            ref.missing["context"] = why
            ref.missing["structural_peers"] = why
        else:
            ref.statistics = stats
        return ref

    def record(self) -> dict[str, Any]:
        return {
            "folder": str(self.folder) if self.folder is not None else None,
            "files": self.versions,
            "left_out": dict(self.missing),
        }
