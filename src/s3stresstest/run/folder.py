"""The run folder: one format, written by `write_run` and read by `read_run`, for every surface.

    results/
      README.txt                what the folder is: the analyst's working record, not for publication
      run.json                  the record: parameters, seeds, checksums, data and software versions
      schema.json               every CSV of the folder with its columns and their kinds
      summary.md                a short readable account
      item_scores.csv ... group_block_scores.csv, response_counts.csv
      recommendations.csv, findings.csv, findings/<id>.csv, typology*.csv
      context.csv, structural_peers.csv, structural_peer_values.csv   (with reference data)
      alignment/                (with strategies) tables, alignment.graphml, run.json
      inputs/                   responses.csv, regions.csv, groups.csv, invitations.csv,
                                instrument.yaml [, the strategies file]: all a rerun or a report needs

The folder is written into a temporary sibling and put in place only when complete.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import InputError, Problem
from ..files import staged_output_dir
from .build import FORMAT, file_sha256
from .model import RunParams, StressTestRun
from .schema import ALIGNMENT_TABLES, INPUT_TABLES, OPTIONAL_TABLES, RESULT_TABLES
from .tables import Schema, read_table, schema_from_json, schema_json, write_table

INSTRUMENT_FILE = "inputs/instrument.yaml"


def _finding_rows(run: StressTestRun) -> pd.DataFrame:
    rows = [
        {
            "id": f["id"],
            "title": f["title"],
            "statement": f["statement"],
            "rule": f["rule"],
            "evidence": f["evidence"],
            "territories": " ".join(f.get("territories") or []),
            "k": int(f["k"]),
            "n": int(f["n"]),
            "withheld": int(f.get("withheld") or 0),
            "figures": f"findings/{f['id']}.csv",
        }
        for f in run.findings
    ]
    return pd.DataFrame(rows, columns=[c.name for c in RESULT_TABLES["findings"]])


def _typology_tables(run: StressTestRun) -> dict[str, pd.DataFrame]:
    t = run.typology
    if not t:
        return {
            name: pd.DataFrame(columns=[c.name for c in RESULT_TABLES[name]])
            for name in ("typology", "typology_types", "typology_profiles")
        }
    assign = t["assignments"].rename(columns={t["assignments"].columns[0]: "region"})[["region", "type"]]
    types = pd.DataFrame(
        [
            {
                "type": int(d["type"]),
                "territories": len(d["territories"]),
                "members": " ".join(d["territories"]),
                "summary": d["summary"],
            }
            for d in t["descriptions"]
        ]
    )
    prof = t["profiles"]
    blocks = [c for c in prof.columns if c not in ("type", "territories")]
    long = prof.melt(id_vars=["type"], value_vars=blocks, var_name="block", value_name="score")
    long["_order"] = long["block"].map({b: i for i, b in enumerate(blocks)})
    long = long.sort_values(["type", "_order"]).drop(columns="_order").reset_index(drop=True)
    return {
        "typology": assign.astype({"type": "int64"}),
        "typology_types": types,
        "typology_profiles": long.astype({"type": "int64", "score": "float64"}),
    }


def _inputs(run: StressTestRun) -> dict[str, pd.DataFrame]:
    resp = run.campaign.responses
    regions = run.campaign.regions
    if "name" not in regions.columns:
        regions = regions.assign(name="")
    # the territory's default report language; empty: none given
    regions = regions.assign(language=regions["language"].fillna("") if "language" in regions.columns else "")
    return {
        "responses": resp,
        "regions": regions[["region", "name", "language"]],
        "groups": run.campaign.groups[["region", "group"]],
        "invitations": run.invitations,
    }


def _response_schema(resp: pd.DataFrame) -> Schema:
    cols = INPUT_TABLES["responses"]
    if "language" in resp.columns:
        from .tables import Column

        cols = cols + (Column("language", "text"),)
    return cols


def write_run(run: StressTestRun, out: str | Path, *, overwrite: bool = False) -> Path:
    """Write the whole run to folder `out` (all or nothing); returns `out`."""
    from ..instrument import write_text
    from .summary import summary_markdown

    schemas: dict[str, list[dict[str, str]]] = {}

    def put(tmp: Path, rel: str, df: pd.DataFrame, columns: Schema | None) -> None:
        path = tmp / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        used = write_table(df, path, columns)
        schemas[rel] = schema_json(used)

    with staged_output_dir(out, overwrite) as tmp:
        for name, columns in RESULT_TABLES.items():
            if name == "findings":
                put(tmp, "findings.csv", _finding_rows(run), columns)
            elif name.startswith("typology"):
                put(tmp, f"{name}.csv", _typology_tables(run)[name], columns)
            else:
                put(tmp, f"{name}.csv", getattr(run, name), columns)
        for f in run.findings:
            put(tmp, f"findings/{f['id']}.csv", f["figures"], None)
        for name, columns in OPTIONAL_TABLES.items():
            df = getattr(run, name)
            if df is not None:
                put(tmp, f"{name}.csv", df, columns)
        for name, df in run.alignment.items():
            put(tmp, f"alignment/{name}.csv", df, None)
        if run.alignment:
            from ..alignment.run import GRAPH_FILE

            (tmp / "alignment" / GRAPH_FILE).write_text(run.alignment_graph or "", encoding="utf-8")
            (tmp / "alignment" / "run.json").write_text(
                json.dumps(run.alignment_record, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8"
            )
        for name, df in _inputs(run).items():
            columns = _response_schema(df) if name == "responses" else INPUT_TABLES[name]
            put(tmp, f"inputs/{name}.csv", df, columns)
        write_text(run.instrument.workbook, tmp / INSTRUMENT_FILE)
        if run.strategies_csv is not None:
            (tmp / "inputs" / run.strategies_name).write_bytes(run.strategies_csv)
        _readmes(run, tmp)
        roles = {
            "responses": "inputs/responses.csv",
            "regions": "inputs/regions.csv",
            "groups": "inputs/groups.csv",
            "invitations": "inputs/invitations.csv",
            "instrument": INSTRUMENT_FILE,
        }
        if run.strategies_csv is not None:
            roles["strategies"] = f"inputs/{run.strategies_name}"
        record = dict(run.record)
        record["publication"] = WORKING_RECORD.format(k=run.params.scoring.min_respondents)
        record["inputs"] = {role: {"path": rel, "sha256": file_sha256(tmp / rel)} for role, rel in roles.items()}
        (tmp / "schema.json").write_text(
            json.dumps({"format": FORMAT, "tables": schemas}, indent=1) + "\n", encoding="utf-8"
        )
        files = sorted(str(p.relative_to(tmp)) for p in tmp.rglob("*") if p.is_file())
        record["outputs"] = sorted(files + ["run.json", "summary.md"])
        run.record = record
        (tmp / "run.json").write_text(
            json.dumps(record, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8"
        )
        (tmp / "summary.md").write_text(summary_markdown(run), encoding="utf-8")
    return Path(out)


# Why the run folder is not for publication (README.txt, run.json "publication", docs/anonymity.md).
WORKING_RECORD = (
    "This folder is the analyst's working record of a StressTest run, NOT a publication. It holds the "
    "answers themselves (inputs/responses.csv) and tables with every figure as computed, including answer "
    "shares, counts and n that stand for fewer than {k} respondents (distributions.csv, response_counts.csv, "
    "the n of suppressed rows): the reports need them to pool and withhold small figures, and a rerun needs "
    "the answers. Share it only with people who may see the raw answers. What may be published is what "
    "`s3stresstest report` (reports folder) and the action commands (pilots, topics, calls, plan) write "
    "from it: those apply the threshold k = {k} and protect against working a figure out by difference "
    "(docs/anonymity.md)."
)


def _readmes(run: StressTestRun, tmp: Path) -> None:
    """Plain-text notes: the folder's purpose (working record, not for publication) and what the inputs and
    the alignment are, with the synthetic notice when due."""
    notice = f"{run.banner}\n\n" if run.synthetic else ""
    k = run.params.scoring.min_respondents
    (tmp / "README.txt").write_text(notice + WORKING_RECORD.format(k=k) + "\n", encoding="utf-8")
    (tmp / "inputs" / "README.txt").write_text(
        notice + "The inputs of this run, as the run read them: responses.csv (long answers), regions.csv "
        "(territories), groups.csv (peer groups), invitations.csv (people invited per territory and stakeholder "
        "group, when known), instrument.yaml (the questionnaire in its text form)"
        + (f" and {run.strategies_name} (the S3 priorities aligned)" if run.strategies_csv is not None else "")
        + ".\nRepeat the run with:  s3stresstest rerun THIS_FOLDER --out OTHER_FOLDER\n",
        encoding="utf-8",
    )
    if run.alignment:
        (tmp / "alignment" / "README.txt").write_text(
            f"Alignment of the S3 priorities in inputs/{run.strategies_name} (each priority with its source). "
            "Only perception_vs_evidence.csv uses the survey's block-2 scores"
            + (", which are SYNTHETIC in this run.\n" if run.synthetic else ".\n"),
            encoding="utf-8",
        )


# -- reading ---------------------------------------------------------------------------------------


def _json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot be read: {exc}", source=str(path)) from None


def read_run(folder: str | Path) -> StressTestRun:
    """Read a run folder written by `write_run`: every table with its declared kinds, the inputs, the record."""
    from ..campaign import Campaign
    from ..instrument import instrument_from_workbook, read_text

    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(
            f"results folder '{folder}' not found (make one with `s3stresstest score`, `demo` or `campaign score`)"
        )
    if not (folder / "schema.json").is_file() or not (folder / "run.json").is_file():
        raise InputError(
            "not a run folder of this version (no schema.json or run.json): score the campaign again "
            "with `s3stresstest score` or `campaign score`",
            source=str(folder),
        )
    declared = _json(folder / "schema.json")
    if declared.get("format") != FORMAT:
        raise InputError(f"run folder format '{declared.get('format')}' is not '{FORMAT}'", source=str(folder))
    kinds: dict[str, Schema] = {rel: schema_from_json(cols) for rel, cols in declared.get("tables", {}).items()}
    record = _json(folder / "run.json")
    problems = [Problem(f"'{rel}' is missing", source=str(folder)) for rel in kinds if not (folder / rel).is_file()]
    for role, entry in (record.get("inputs") or {}).items():
        path = folder / str(entry.get("path", ""))
        if not path.is_file():
            problems.append(Problem(f"input '{role}' not found at {entry.get('path')}", source=str(folder)))
        elif file_sha256(path) != entry.get("sha256"):
            problems.append(
                Problem(
                    f"input '{role}' ({entry.get('path')}) has changed since the run (checksum differs)",
                    source=str(folder),
                )
            )
    if problems:
        raise InputError(problems)

    def table(rel: str) -> pd.DataFrame:
        return read_table(folder / rel, kinds[rel])

    try:
        workbook = read_text(folder / INSTRUMENT_FILE)
        instrument = instrument_from_workbook(workbook, source=INSTRUMENT_FILE)
    except InputError as exc:
        raise InputError(
            [Problem(f"instrument: {p.message}", p.line, p.field, INSTRUMENT_FILE) for p in exc.problems]
        ) from None
    wanted = (record.get("instrument") or {}).get("checksum_sha256")
    if wanted and instrument.checksum != wanted:
        raise InputError(
            "the instrument in inputs/ differs from the one recorded (checksum differs)",
            source=str(folder / INSTRUMENT_FILE),
        )
    inputs = {name: table(f"inputs/{name}.csv") for name in INPUT_TABLES}
    campaign = Campaign(
        responses=inputs["responses"],
        regions=inputs["regions"],
        groups=inputs["groups"],
        synthetic=bool(record.get("synthetic")),
        description=record.get("campaign") or "",
    )
    try:
        params = RunParams.model_validate(record.get("parameters") or {})
    except ValueError as exc:
        raise InputError(f"run.json: parameters cannot be read ({exc})", source=str(folder)) from None
    run = StressTestRun(
        instrument=instrument,
        campaign=campaign,
        params=params,
        invitations=inputs["invitations"],
        record=record,
        missing=dict(record.get("left_out") or {}),
    )
    for name in RESULT_TABLES:
        if name not in ("findings",) and not name.startswith("typology"):
            setattr(run, name, table(f"{name}.csv"))
    for name in OPTIONAL_TABLES:
        if f"{name}.csv" in kinds:
            setattr(run, name, table(f"{name}.csv"))
    run.alignment = {
        name: table(f"alignment/{name}.csv") for name in ALIGNMENT_TABLES if f"alignment/{name}.csv" in kinds
    }
    if run.alignment:
        from ..alignment.run import GRAPH_FILE

        run.alignment_record = _json(folder / "alignment" / "run.json")
        graph = folder / "alignment" / GRAPH_FILE
        run.alignment_graph = graph.read_text(encoding="utf-8") if graph.is_file() else None
    strategies = (record.get("inputs") or {}).get("strategies")
    if strategies:
        path = folder / strategies["path"]
        run.strategies_csv, run.strategies_name = path.read_bytes(), path.name
    run.findings = [
        _finding({str(k): v for k, v in row.items()}, table) for row in table("findings.csv").to_dict("records")
    ]
    run.typology = _typology(record, table)
    return run


def _finding(row: dict[str, Any], table: Any) -> dict[str, Any]:
    return {
        "id": row["id"],
        "title": row["title"],
        "statement": row["statement"],
        "rule": row["rule"],
        "evidence": row["evidence"],
        "figures": table(row["figures"]),
        "territories": [t for t in str(row["territories"]).split() if t],
        "k": int(row["k"]),
        "n": int(row["n"]),
        "withheld": int(row["withheld"]),
    }


def _typology(record: dict[str, Any], table: Any) -> dict[str, Any] | None:
    meta = record.get("typology")
    if not meta:
        return None
    assign = table("typology.csv")
    types = table("typology_types.csv")
    long = table("typology_profiles.csv")
    blocks = list(dict.fromkeys(long["block"]))
    prof = long.pivot(index="type", columns="block", values="score")[blocks]
    prof.insert(0, "territories", types.set_index("type")["territories"].reindex(prof.index).astype("int64"))
    descriptions = [
        {"type": int(r["type"]), "territories": str(r["members"]).split(), "summary": r["summary"]}
        for r in types.to_dict("records")
    ]
    return {
        "k": int(meta["k"]),
        "assignments": assign,
        "profiles": prof.reset_index(),
        "descriptions": descriptions,
        "excluded": list(meta.get("excluded") or []),
        "rule": meta.get("rule", ""),
    }
