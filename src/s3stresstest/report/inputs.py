"""Everything a report is built from: a run read from its folder, plus reference data for maps.

    inputs = ReportInputs.load("demo-output")            # read_run + the NUTS boundaries for maps
    inputs.block_scores.query("region == 'ITC1'")

A report lays out a `StressTestRun` (see `s3stresstest.run`); it recomputes nothing. The only
thing it reads besides the run folder is geometry to draw maps (the NUTS boundaries of the
installed reference data): without it the maps are left out and `missing['maps']` says why.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..errors import InputError
from ..i18n import translator
from ..run import StressTestRun, read_run
from ..run.folder import INSTRUMENT_FILE
from ..run.reasons import reason_text
from .render import N_


@dataclass
class ReportInputs(StressTestRun):
    """A run as read from its folder, with the folder's path and the reference data for maps."""

    results_dir: Path = Path(".")
    data_folder: Path | None = None
    instrument_source: str = INSTRUMENT_FILE

    @classmethod
    def load(
        cls, results_dir: str | Path, *, data_folder: str | Path | None = None, reference_data: bool = True
    ) -> ReportInputs:
        """Read a run folder. `data_folder`: where the NUTS boundaries for maps are (default: the data
        directory, S3ST_DATA_DIR); `reference_data=False` leaves maps out."""
        results_dir = Path(results_dir)
        return cls.from_run(read_run(results_dir), results_dir, data_folder=data_folder, reference_data=reference_data)

    @classmethod
    def from_run(
        cls,
        run: StressTestRun,
        results_dir: str | Path,
        *,
        data_folder: str | Path | None = None,
        reference_data: bool = True,
    ) -> ReportInputs:
        values = {f.name: getattr(run, f.name) for f in dataclasses.fields(StressTestRun) if f.name != "cache"}
        values["missing"] = dict(run.missing)
        inputs = cls(**values, results_dir=Path(results_dir))
        if reference_data:
            from ..regions.datadir import data_dir

            inputs.data_folder = Path(data_folder) if data_folder is not None else data_dir()
        else:
            inputs._no_maps(N_("reference data switched off for this build: maps are left out"))
        return inputs

    def _no_maps(self, reason: str, **fields: str) -> None:
        """Record why maps are left out: in English in `missing['maps']`, and as a message to translate."""
        self.missing["maps"] = reason.format(**fields) if fields else reason
        self.cache["no_maps"] = (reason, fields)

    def missing_text(self, key: str, language: str = "en") -> str | None:
        """Why a part of the report is left out (`missing[key]`), in `language` where the reason is ours
        (the run's reasons are recorded in English, see `run.reasons`)."""
        if key == "maps" and "no_maps" in self.cache and "maps" in self.missing:
            reason, fields = self.cache["no_maps"]
            return translator(language)._(reason, **fields)
        why = self.missing.get(key)
        return reason_text(why, language) if why is not None else None

    def territory_language(self, code: str) -> str | None:
        """The report language given for territory `code` in the regions file (`language` column), or
        None when none was given (or the run folder predates the column)."""
        regions = self.regions
        if "language" not in regions.columns:
            return None
        hit = regions.loc[regions["region"] == code, "language"]
        value = str(hit.iloc[0]).strip().lower() if len(hit) else ""
        return value if value and value != "nan" else None

    @property
    def data_status(self) -> pd.DataFrame | None:
        """The reference data files the run used, with their checksums (for provenance)."""
        files = (self.record.get("reference_data") or {}).get("files") or []
        if not files:
            return None
        return pd.DataFrame(files).rename(columns={"how": "how"})

    def input_files(self, language: str = "en") -> pd.DataFrame:
        """The run's inputs with their checksums, and whether the copy in the folder still matches
        (the word in `check` in `language`)."""
        from ..run.build import file_sha256

        t = translator(language)
        # TRANSLATORS: whether an input file in the run folder still has the checksum recorded at the run
        words = {"matches": t._("matches"), "missing": t._("missing"), "changed": t._("changed")}

        rows = []
        for role, entry in (self.record.get("inputs") or {}).items():
            path = Path(entry.get("path", ""))
            full = path if path.is_absolute() else self.results_dir / path
            now = file_sha256(full) if full.is_file() else None
            rows.append(
                {
                    "role": role,
                    "file": str(path),
                    "sha256": entry.get("sha256", ""),
                    "check": words[
                        "matches" if now == entry.get("sha256") else ("missing" if now is None else "changed")
                    ],
                }
            )
        return pd.DataFrame(rows, columns=["role", "file", "sha256", "check"])

    @property
    def registry(self):
        """The NUTS registry for maps, or None (the reason is in `missing['maps']`)."""
        if "registry" not in self.cache:
            self.cache["registry"] = None
            if self.data_folder is None:
                if "maps" not in self.missing:
                    self._no_maps(N_("reference data switched off: maps are left out"))
            else:
                from ..regions.nuts import NutsRegistry

                try:
                    self.cache["registry"] = NutsRegistry.load(self.data_folder)
                except InputError as exc:
                    self._no_maps(
                        N_("NUTS boundaries are not installed, so maps are left out ({error})"),
                        error=exc.problems[0].message if exc.problems else str(exc),
                    )
                except Exception as exc:  # noqa: BLE001 - a broken geometry file leaves the maps out, said so
                    self._no_maps(
                        N_("NUTS boundaries could not be read ({error}): maps left out"),
                        error=exc.__class__.__name__,
                    )
        return self.cache["registry"]

    def prefetch(self) -> None:
        """Load the map geometry now (once), e.g. before forking workers."""
        _ = self.registry
