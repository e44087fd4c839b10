"""Everything a report is built from, read once from a results folder.

    inputs = ReportInputs.load("demo-output")            # tables, record, instrument, context, alignment
    inputs.block_scores.query("region == 'ITC1'")

A results folder is what `s3stresstest score` / `demo` write (see `results.write_results`):
the CSV tables, `run.json`, `inputs/` (responses, regions, groups, instrument workbook),
optionally `context.csv` and `alignment/`. Reference data (NUTS boundaries for maps, Eurostat
statistics for structural peers) is optional: without it the reports still render and say
what is left out and why (`inputs.missing`).

Reading is strict about what the report cannot do without (the score tables, `run.json`, an
instrument whose checksum matches the record) and lenient about the rest.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from ..errors import InputError, Problem

RESULT_TABLES = ("item_scores", "block_scores", "distributions", "benchmarks", "item_dispersion",
                 "group_item_scores", "group_block_scores")
ALIGNMENT_TABLES = ("alignment_pairs", "alignment_territories", "synergies", "perception_vs_evidence",
                    "alignment_matrix", "priority_matches")
BOOL_COLUMNS = ("groups_disagree", "indistinguishable", "cross_border", "national_strategy", "aggregated")
TEXT_COLUMNS = ("region", "item", "block", "choice", "stakeholder_group", "status", "peer_group", "frontrunners",
                "territory", "territory_a", "territory_b", "kind", "group", "name", "respondent_id",
                "topic_code", "topic_axis", "indicator", "flag", "unit", "note", "shared_codes")


def read_csv(path: Path, text: tuple[str, ...] = ()) -> pd.DataFrame:
    """A table written by `results.write_table`: blanks are missing, 'true'/'false' are booleans, codes stay text
    (and so do the columns named in `text`)."""
    head = pd.read_csv(path, nrows=0)
    dtype = {c: str for c in head.columns if c in TEXT_COLUMNS or c in text}
    df = pd.read_csv(path, dtype=dtype, keep_default_na=False, na_values=[""], encoding="utf-8")
    for col in BOOL_COLUMNS:
        if col in df.columns and df[col].dtype != bool:
            df[col] = df[col].map(lambda v: None if v is None or (isinstance(v, float) and math.isnan(v))
                                  else str(v).strip().lower() in ("true", "1", "yes"))
    for col in dtype:
        if col in df.columns:
            df[col] = df[col].fillna("") if col in ("frontrunners", "flag", "note", "shared_codes", "value") \
                else df[col]
    return df


def _sha256(path: Path) -> str:
    from ..pipeline import file_sha256

    return file_sha256(path)


@dataclass
class ReportInputs:
    """The tables, record and optional reference data behind every report of one results folder."""

    results_dir: Path
    record: dict
    instrument: object  # s3stresstest.instrument.Instrument
    item_scores: pd.DataFrame
    block_scores: pd.DataFrame
    distributions: pd.DataFrame
    benchmarks: pd.DataFrame
    item_dispersion: pd.DataFrame
    group_item_scores: pd.DataFrame
    group_block_scores: pd.DataFrame
    regions: pd.DataFrame                      # region, name (+ any extra column, e.g. invited)
    groups: pd.DataFrame                       # region, group
    responses: pd.DataFrame | None = None      # long answers (inputs/responses.csv), for counts and open answers
    context: pd.DataFrame | None = None        # context.csv
    alignment: dict[str, pd.DataFrame] = field(default_factory=dict)
    alignment_record: dict = field(default_factory=dict)
    data_folder: Path | None = None
    instrument_source: str = ""
    missing: dict[str, str] = field(default_factory=dict)   # what is left out -> why
    cache: dict = field(default_factory=dict, repr=False)    # memo for registry, statistics, maps, recommendations

    # -- loading ---------------------------------------------------------------------------------

    @classmethod
    def load(cls, results_dir: str | Path, *, data_folder: str | Path | None = None,
             reference_data: bool = True) -> ReportInputs:
        """Read a results folder. `data_folder` overrides the reference data directory (default: S3ST_DATA_DIR or
        the user cache); `reference_data=False` leaves maps and structural peers out."""
        results_dir = Path(results_dir)
        if not results_dir.is_dir():
            raise InputError(f"results folder '{results_dir}' not found (make one with `s3stresstest score` or "
                             "`s3stresstest demo`)")
        problems = [Problem(f"'{name}.csv' is missing", source=str(results_dir))
                    for name in RESULT_TABLES if not (results_dir / f"{name}.csv").is_file()]
        if not (results_dir / "run.json").is_file():
            problems.append(Problem("'run.json' is missing", source=str(results_dir)))
        if problems:
            raise InputError(problems)
        try:
            record = json.loads((results_dir / "run.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise InputError(f"run.json cannot be read: {exc}", source=str(results_dir)) from None
        tables = {}
        for name in RESULT_TABLES:
            try:
                tables[name] = read_csv(results_dir / f"{name}.csv")
            except (OSError, ValueError, pd.errors.ParserError) as exc:
                raise InputError(f"{name}.csv cannot be read: {exc}", source=str(results_dir)) from None
        instrument, source = _load_instrument(results_dir, record)
        missing: dict[str, str] = {}
        regions = _regions(results_dir, record, tables["block_scores"])
        groups = _groups(results_dir, record)
        responses = None
        path = _input_path(results_dir, record, "responses", "inputs/responses.csv")
        if path is not None and path.is_file():
            responses = read_csv(path, text=("value",))
        else:
            missing["responses"] = ("the responses file is not in the results folder: response profiles and "
                                    "open-answer excerpts are left out")
        context = None
        if (results_dir / "context.csv").is_file():
            context = read_csv(results_dir / "context.csv")
        else:
            missing["context"] = ((record.get("context") or {}).get("note")
                                  or "no context.csv in the results folder (no reference data was installed "
                                     "when the results were made)")
        alignment, alignment_record = {}, {}
        folder = results_dir / "alignment"
        if folder.is_dir():
            for name in ALIGNMENT_TABLES:
                if (folder / f"{name}.csv").is_file():
                    alignment[name] = read_csv(folder / f"{name}.csv")
            if (folder / "run.json").is_file():
                try:
                    alignment_record = json.loads((folder / "run.json").read_text(encoding="utf-8"))
                except (OSError, ValueError):
                    alignment_record = {}
        if not alignment:
            missing["alignment"] = ((record.get("alignment") or {}).get("note")
                                    or "no alignment/ folder in the results (run `s3stresstest align`)")
        inputs = cls(results_dir=results_dir, record=record, instrument=instrument, regions=regions, groups=groups,
                     responses=responses, context=context, alignment=alignment, alignment_record=alignment_record,
                     instrument_source=source, missing=missing, **tables)
        if reference_data:
            from ..regions.datadir import data_dir

            inputs.data_folder = Path(data_folder) if data_folder is not None else data_dir()
        else:
            inputs.missing["reference_data"] = "reference data switched off for this build"
        return inputs

    # -- simple facts ----------------------------------------------------------------------------

    @property
    def synthetic(self) -> bool:
        return bool(self.record.get("synthetic"))

    @property
    def banner(self) -> str | None:
        from ..pipeline import SYNTHETIC_BANNER

        return (self.record.get("notice") or SYNTHETIC_BANNER) if self.synthetic else None

    @property
    def parameters(self) -> dict:
        return dict(self.record.get("parameters") or {})

    @property
    def min_respondents(self) -> int:
        return int(self.parameters.get("min_respondents", 3))

    @cached_property
    def territories(self) -> list[str]:
        """Every territory of the campaign, in the order of regions.csv (else by code)."""
        known = list(dict.fromkeys(self.regions["region"])) if len(self.regions) else []
        scored = sorted(set(self.block_scores["region"]))
        return [c for c in known if c in set(scored)] + [c for c in scored if c not in set(known)]

    @cached_property
    def names(self) -> dict[str, str]:
        if "name" in self.regions.columns:
            return {r: (n if isinstance(n, str) and n else r) for r, n in zip(self.regions["region"], self.regions["name"])}
        return {}

    def name(self, code: str) -> str:
        return self.names.get(code, code)

    def label(self, code: str) -> str:
        name = self.names.get(code)
        return f"{name} ({code})" if name and name != code else code

    @cached_property
    def blocks(self) -> list[str]:
        listed = [b.name for b in self.instrument.blocks]
        scored = list(dict.fromkeys(self.block_scores["block"]))
        return [b for b in listed if b in scored] + [b for b in scored if b not in listed]

    @cached_property
    def peer_groups(self) -> dict[str, list[str]]:
        if len(self.groups):
            return {g: sorted(self.groups.loc[self.groups["group"] == g, "region"]) for g in
                    dict.fromkeys(self.groups["group"])}
        return {g: list(v) for g, v in (self.record.get("peer_groups") or {}).items()}

    def groups_of(self, region: str) -> list[str]:
        return [g for g, members in self.peer_groups.items() if region in members]

    def by_region(self, table: str) -> dict[str, pd.DataFrame]:
        """A result table split by region once (cached): {region: rows}."""
        key = ("by_region", table)
        if key not in self.cache:
            df = getattr(self, table)
            self.cache[key] = {r: g for r, g in df.groupby("region", sort=False)}
        return self.cache[key]

    def rows(self, table: str, region: str) -> pd.DataFrame:
        df = self.by_region(table).get(region)
        return df if df is not None else getattr(self, table).iloc[0:0]

    def check_territories(self, codes) -> list[str]:
        """Codes as given, upper-cased; unknown ones refused with suggestions."""
        import difflib

        out, problems = [], []
        known = self.territories
        for code in codes:
            c = str(code).strip().upper()
            if c in known:
                out.append(c)
                continue
            by_name = [k for k, n in self.names.items() if n.lower() == str(code).strip().lower()]
            if by_name:
                out.append(by_name[0])
                continue
            close = difflib.get_close_matches(c, known, n=3, cutoff=0.5)
            close += [k for k, n in self.names.items()
                      if str(code).strip().lower() in n.lower() and k not in close][:3]
            hint = f"; did you mean {', '.join(close)}?" if close else f"; known: {', '.join(known[:12])}" + (
                " …" if len(known) > 12 else "")
            problems.append(Problem(f"territory '{code}' is not in these results{hint}"))
        if problems:
            raise InputError(problems)
        return list(dict.fromkeys(out))

    # -- optional reference data (cached) ----------------------------------------------------------

    @property
    def registry(self):
        """The NUTS registry for maps, or None (the reason is in `missing['maps']`)."""
        if "registry" not in self.cache:
            self.cache["registry"] = None
            if self.data_folder is None:
                self.missing.setdefault("maps", "reference data switched off: maps are left out")
            else:
                from ..regions.nuts import NutsRegistry

                try:
                    self.cache["registry"] = NutsRegistry.load(self.data_folder)
                except InputError as exc:
                    self.missing["maps"] = ("NUTS boundaries are not installed, so maps are left out "
                                            f"({exc.problems[0].message if exc.problems else exc})")
                except Exception as exc:  # a broken file must not stop the reports
                    self.missing["maps"] = f"NUTS boundaries could not be read ({exc.__class__.__name__}): maps left out"
        return self.cache["registry"]

    @property
    def statistics(self) -> pd.DataFrame | None:
        """Eurostat statistics for structural peers, or None (reason in `missing['peers']`)."""
        if "statistics" not in self.cache:
            self.cache["statistics"] = None
            if self.data_folder is None:
                self.missing.setdefault("peers", "reference data switched off: structural peers are left out")
            else:
                from ..regions.statistics import load_statistics

                try:
                    stats = load_statistics(self.data_folder, missing="skip")
                    if stats is None or stats.empty:
                        raise InputError("no statistics files found")
                    self.cache["statistics"] = stats
                except InputError as exc:
                    self.missing["peers"] = ("Eurostat statistics are not installed, so structural peers are left "
                                             f"out ({exc.problems[0].message if exc.problems else exc})")
                except Exception as exc:
                    self.missing["peers"] = (f"Eurostat statistics could not be read ({exc.__class__.__name__}): "
                                             "structural peers left out")
        return self.cache["statistics"]

    @property
    def data_status(self) -> pd.DataFrame | None:
        """The reference data files present in the data folder, with their checksums (for provenance)."""
        if "data_status" not in self.cache:
            self.cache["data_status"] = None
            if self.data_folder is not None and Path(self.data_folder).is_dir():
                from ..regions.datadir import status

                try:
                    st = status(self.data_folder)
                    self.cache["data_status"] = st[st["present"]].reset_index(drop=True)
                except Exception:
                    self.cache["data_status"] = None
        return self.cache["data_status"]

    def prefetch(self) -> None:
        """Load the optional reference data now (once), e.g. before forking workers."""
        _ = self.registry, self.statistics, self.data_status

    # -- derived ---------------------------------------------------------------------------------

    def result(self):
        """The tables as a `pipeline.StressTestResult` (for `recommend`)."""
        from ..pipeline import StressTestResult

        return StressTestResult(self.item_scores, self.block_scores, self.distributions, self.benchmarks,
                                self.item_dispersion, self.group_item_scores, self.group_block_scores,
                                dict(self.record), self.instrument)

    def open_answers(self) -> pd.DataFrame:
        """Non-empty answers to the open (text) questions: respondent_id, region, stakeholder_group, item, value."""
        if "open_answers" not in self.cache:
            cols = ["respondent_id", "region", "stakeholder_group", "item", "value"]
            if self.responses is None:
                self.cache["open_answers"] = pd.DataFrame(columns=cols)
            else:
                names = [i.name for i in self.instrument.answerable_items
                         if i.type == "text" and not self.instrument.is_scored(i)]
                r = self.responses
                out = r[r["item"].isin(names) & (r["value"].astype(str).str.strip() != "")]
                self.cache["open_answers"] = out[[c for c in cols if c in out.columns]].reset_index(drop=True)
        return self.cache["open_answers"]

    def respondent_counts(self) -> pd.DataFrame:
        """Respondents per region and stakeholder group (from the responses file)."""
        if "respondent_counts" not in self.cache:
            if self.responses is None:
                self.cache["respondent_counts"] = pd.DataFrame(columns=["region", "stakeholder_group", "respondents"])
            else:
                r = self.responses.drop_duplicates("respondent_id")
                self.cache["respondent_counts"] = (r.groupby(["region", "stakeholder_group"], sort=False)
                                                   .size().rename("respondents").reset_index())
        return self.cache["respondent_counts"]

    def input_files(self) -> pd.DataFrame:
        """The run's recorded inputs with their checksums (and whether the copy beside the results still matches)."""
        rows = []
        for role, entry in (self.record.get("inputs") or {}).items():
            path = Path(entry.get("path", ""))
            full = path if path.is_absolute() else self.results_dir / path
            now = _sha256(full) if full.is_file() else None
            rows.append({"role": role, "file": str(path), "sha256": entry.get("sha256", ""),
                         "check": "matches" if now == entry.get("sha256") else ("missing" if now is None else "changed")})
        return pd.DataFrame(rows, columns=["role", "file", "sha256", "check"])


# -- helpers ---------------------------------------------------------------------------------------

def _input_path(results_dir: Path, record: dict, role: str, default: str) -> Path | None:
    entry = (record.get("inputs") or {}).get(role)
    if entry and entry.get("path"):
        p = Path(entry["path"])
        if not p.is_absolute():
            p = results_dir / p
        if p.is_file():
            return p
    p = results_dir / default
    return p if p.is_file() else None


def _load_instrument(results_dir: Path, record: dict):
    """The run's instrument: the workbook recorded in run.json (or inputs/*.xlsx), else the built-in one -
    in every case only when its checksum equals the recorded one."""
    from ..instrument import load_builtin, load_instrument

    wanted = (record.get("instrument") or {}).get("checksum_sha256")
    candidates: list[Path] = []
    p = _input_path(results_dir, record, "instrument", "")
    if p is not None and p.is_file():
        candidates.append(p)
    for extra in sorted((results_dir / "inputs").glob("*.xlsx")) if (results_dir / "inputs").is_dir() else []:
        if extra not in candidates:
            candidates.append(extra)
    tried = []
    builtin = load_builtin()
    if wanted is None or builtin.checksum == wanted:  # fast path: the built-in instrument is the recorded one
        return builtin, "built-in instrument (checksum matches the record)"
    for path in candidates:
        try:
            ins = load_instrument(path)
        except InputError as exc:
            tried.append(f"{path.name}: unreadable ({exc.problems[0].message if exc.problems else exc})")
            continue
        if ins.checksum == wanted:
            return ins, str(path.relative_to(results_dir)) if path.is_relative_to(results_dir) else str(path)
        tried.append(f"{path.name}: checksum differs")
    raise InputError("the instrument of this run cannot be found: no workbook in the results folder and not the "
                     "built-in one has the recorded checksum" + (f" ({'; '.join(tried)})" if tried else ""),
                     source=str(results_dir / "run.json"))


def _regions(results_dir: Path, record: dict, block_scores: pd.DataFrame) -> pd.DataFrame:
    p = _input_path(results_dir, record, "regions", "inputs/regions.csv")
    if p is not None:
        try:
            df = read_csv(p)
            if "region" in df.columns:
                return df
        except (OSError, ValueError):
            pass
    return pd.DataFrame({"region": sorted(block_scores["region"].unique()), "name": ""})


def _groups(results_dir: Path, record: dict) -> pd.DataFrame:
    p = _input_path(results_dir, record, "groups", "inputs/groups.csv")
    if p is not None:
        try:
            df = read_csv(p)
            if {"region", "group"} <= set(df.columns):
                return df[["region", "group"]]
        except (OSError, ValueError):
            pass
    pg = record.get("peer_groups") or {}
    return pd.DataFrame([(r, g) for g, members in pg.items() for r in members], columns=["region", "group"])
