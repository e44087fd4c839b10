"""Build a `StressTestRun` from any source: files, a stored campaign, the synthetic demo.

    run = run_from_files("answers.csv", regions="regions.csv", groups="groups.csv")
    run = run_from_store(store, campaign_id)
    run = run_demo(seed=2017)
    run = build_run(campaign, instrument, RunParams(...))      # what the three above call

`build_run` loads nothing itself except through the `ReferenceData` it is given (or loads the
installed one once); then it calls the stages of `stages` in order. A failing stage stops
the run with `StageError`.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import platform
from pathlib import Path
from typing import Any

import pandas as pd

from .. import __version__
from ..campaign import Campaign
from ..errors import InputError
from ..instrument import Instrument
from . import reasons, stages
from .model import SYNTHETIC_BANNER, RunParams, StressTestRun
from .reference import ReferenceData

FORMAT = "s3stresstest-run/1"
STAGES = (
    "score",
    "response_counts",
    "block_composite",
    "context",
    "scoreboard",
    "structural_peers",
    "alignment",
    "recommendations",
    "findings",
)
# name, in a run's inputs/, of the built-in sourced priorities: both periods in one file (see builtin_strategies)
BUILTIN_STRATEGIES = "s3_priorities_2014_2020_and_2021_2027.csv"


def builtin_strategies() -> bytes:
    """The built-in sourced S3 priorities, 2014-2020 and 2021-2027, as one CSV (`alignment.builtin_priorities_csv`):
    a run compares each territory's latest strategy unless `RunParams.alignment_period` pins one period."""
    from ..alignment.model import builtin_priorities_csv

    return builtin_priorities_csv()


def _stage(name: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return fn(*args, **kwargs)
    except stages.StageError:
        raise
    except Exception as exc:
        raise stages.StageError(name, exc) from exc


def build_run(
    campaign: Campaign,
    instrument: Instrument,
    params: RunParams | None = None,
    *,
    invitations: pd.DataFrame | None = None,
    strategies: bytes | None = None,
    strategies_name: str = "strategies.csv",
    reference: ReferenceData | None = None,
    source: dict[str, Any] | None = None,
    extra_record: dict[str, Any] | None = None,
    no_strategies: str = reasons.NO_STRATEGIES,
) -> StressTestRun:
    """Run every stage on a campaign and return the whole run.

    `invitations`: region, stakeholder_group, invited (people sent a personal invitation).
    `strategies`: a priorities file (CSV bytes, see `alignment.model.read_strategies`) for the
    alignment stage; without it alignment is left out, `no_strategies` saying why (one of
    `run.reasons`). `reference`: reference data (default:
    what is installed). `source`: how the campaign was obtained (files and their checksums,
    store URL and campaign id, demo generator), kept in the record.
    """
    params = params or RunParams()
    reference = reference if reference is not None else ReferenceData.load()
    inv = _invitations(invitations)
    run = StressTestRun(instrument=instrument, campaign=campaign, params=params, invitations=inv)
    run.missing.update({k: v for k, v in reference.missing.items() if k != "nuts"})

    scores = _stage("score", stages.score, campaign, instrument, params.scoring)
    for name in (
        "item_scores",
        "block_scores",
        "distributions",
        "benchmarks",
        "item_dispersion",
        "group_item_scores",
        "group_block_scores",
    ):
        setattr(run, name, getattr(scores, name))
    territories = run.territories
    run.response_counts = _stage("response_counts", stages.response_counts, campaign.responses, inv, territories)
    if params.block_composite is not None:
        run.block_composite, run.cache["block_composite_record"] = _stage(
            "block_composite", stages.block_composite, run.block_scores, run.blocks, params.block_composite,
            params.scoring.seed,
        )  # fmt: skip
    if reference.statistics is not None:
        run.context = _stage("context", stages.context, reference.statistics, territories, reference.folder)
        if len(run.context):
            run.scoreboard, run.cache["scoreboard_record"] = _stage(
                "scoreboard", stages.scoreboard, run.context, params.scoring.seed
            )
        names = _nuts_names(reference.registry)
        peers, values, notes = _stage(
            "structural_peers",
            stages.structural_peers,
            reference.statistics,
            territories,
            params.structural_peers,
            names,
        )
        run.structural_peers, run.structural_peer_values = peers, values
        run.cache["structural_peers_record"] = notes
    if strategies is None:
        run.missing["alignment"] = no_strategies
    elif reference.registry is None:
        run.missing["alignment"] = reasons.NO_NEIGHBOURS
    else:
        result = _stage(
            "alignment",
            _align,
            strategies,
            strategies_name,
            run.block_scores,
            reference.registry,
            params.alignment_period,
        )
        run.alignment = {k: v.reset_index(drop=True) for k, v in result.tables().items()}
        run.alignment_record = result.record
        from ..alignment.run import graphml

        run.alignment_graph = graphml(result)
        run.strategies_csv, run.strategies_name = strategies, strategies_name
    oc = campaign.open_comments(instrument)
    run.recommendations, recs_record, run.recommendation_texts = _stage(
        "recommendations",
        stages.recommendations,
        run.result(),
        run.alignment or None,
        oc,
        run.min_respondents,
        params.max_excerpts,
        run.structural_peers,
        run.names,
        run.peer_groups,
    )
    untranslated = recs_record.get("untranslated") or {}
    if untranslated:
        run.missing["recommendation_translations"] = reasons.UNTRANSLATED.format(
            rules="; ".join(f"{rid} ({', '.join(langs)})" for rid, langs in sorted(untranslated.items()))
        )
    run.findings, run.typology, run.finding_texts, run.type_texts = _stage("findings", stages.findings, run)
    run.record = _record(run, reference, recs_record, source or {}, extra_record or {})
    return run


def _invitations(invitations: pd.DataFrame | None) -> pd.DataFrame:
    cols = ["region", "stakeholder_group", "invited"]
    if invitations is None or len(invitations) == 0:
        return pd.DataFrame(
            {
                "region": pd.Series(dtype="str"),
                "stakeholder_group": pd.Series(dtype="str"),
                "invited": pd.Series(dtype="int64"),
            }
        )
    missing = [c for c in cols if c not in invitations.columns]
    if missing:
        raise InputError(f"invitations lack the column(s) {', '.join(missing)}")
    out = invitations[cols].copy()
    out = out[pd.to_numeric(out["invited"], errors="coerce").fillna(0) > 0]
    out["invited"] = out["invited"].astype("int64")
    return out.sort_values(cols[:2]).reset_index(drop=True)


def _nuts_names(registry: Any) -> dict[str, str] | None:
    if registry is None:
        return None
    return dict(zip(registry.table["code"], registry.table["name_latn"], strict=True))


def _align(strategies: bytes, name: str, block_scores: pd.DataFrame, registry: Any, period: str | None = None) -> Any:
    import tempfile

    from ..alignment.model import read_strategies
    from ..alignment.taxonomy import load_taxonomies

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(strategies)
        parsed = read_strategies(path, load_taxonomies(None), known_territories=registry)
        result = stages.alignment(parsed, block_scores, registry, inputs={"strategies": path}, period=period)
    entry = result.record.get("inputs", {}).get("strategies")
    if isinstance(entry, dict):
        entry["path"] = f"inputs/{name}"
    return result


def _software() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"name": "s3stresstest", "version": __version__, "python": platform.python_version()}
    for lib in ("numpy", "pandas", "scipy", "scikit-learn", "pydantic"):
        try:
            out[lib] = version(lib)
        except PackageNotFoundError:
            pass
    return out


def _record(
    run: StressTestRun,
    reference: ReferenceData,
    recs_record: dict[str, Any],
    source: dict[str, Any],
    extra: dict[str, Any],
) -> dict[str, Any]:
    campaign, instrument, p = run.campaign, run.instrument, run.params
    resp = campaign.responses
    rec: dict[str, Any] = {
        "format": FORMAT,
        "software": _software(),
        "created": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "synthetic": bool(campaign.synthetic),
        "notice": SYNTHETIC_BANNER if campaign.synthetic else None,
        "campaign": campaign.description or None,
        "source": source,
        "instrument": {
            "form_id": instrument.form_id,
            "version": instrument.version,
            "title": instrument.title,
            "checksum_sha256": instrument.checksum,
            "scored_items": len(instrument.scored_items),
            "blocks": [b.name for b in instrument.blocks],
        },
        "parameters": p.model_dump(mode="json"),
        "seed": p.scoring.seed,
        "stages": list(STAGES),
        "counts": {
            "territories": len(run.territories),
            "respondents": int(resp["respondent_id"].nunique()),
            "answer_rows": len(resp),
            "answered": int((resp["value"] != "").sum()),
            "invited": int(run.invitations["invited"].sum()) if len(run.invitations) else None,
            "recommendations": len(run.recommendations),
            "findings": len(run.findings),
        },
        "peer_groups": run.peer_groups,
        "rules": _rules(p),
        "reference_data": reference.record(),
        "recommendations": recs_record,
        "structural_peers": run.cache.get("structural_peers_record"),
        "scoreboard": run.cache.get("scoreboard_record"),
        "block_composite": run.cache.get("block_composite_record"),
        "typology": (
            {"k": run.typology["k"], "rule": run.typology["rule"], "excluded": run.typology["excluded"]}
            if run.typology
            else None
        ),
        "left_out": dict(run.missing),
    }
    if run.alignment:
        al = run.alignment_record
        rec["alignment"] = {
            "folder": "alignment",
            "note": "alignment of the given S3 priorities; "
            "perception_vs_evidence.csv joins them with block-2 scores"
            + (" (SYNTHETIC)" if campaign.synthetic else ""),
            "period": p.alignment_period,
            "period_rule": al.get("period_rule"),
            "periods": al.get("periods"),
            "vertical_across_periods": (al.get("notes") or {}).get("vertical_across_periods") or {},
        }
    rec.update(extra)
    return rec


def _rules(p: RunParams) -> dict[str, str]:
    s = p.scoring
    return {
        "item_score": "mean over respondents with a value"
        if s.weighting == "respondents"
        else "mean of stakeholder-group means",
        "missing": "blank answers and choices without a score are missing, never 0",
        "select_multiple": "sum of the ticked choices' scores, capped at 100",
        "suppression": f"figures with fewer than {s.min_respondents} respondents with a value are suppressed;"
        " stakeholder-group cells get secondary suppression",
        "block_score": "mean of published item scores, if at least half of the block's scored items are published",
        "interval": f"{s.ci_level:.0%} percentile bootstrap over respondents within each territory",
    }


def file_sha256(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# -- sources ---------------------------------------------------------------------------------------


def run_from_files(
    responses: str | Path,
    *,
    instrument: str | Path | None = None,
    regions: str | Path | None = None,
    groups: str | Path | None = None,
    invitations: str | Path | None = None,
    strategies: str | Path | None = None,
    params: RunParams | None = None,
    reference: ReferenceData | None = None,
) -> StressTestRun:
    """A run from a responses CSV (long format) and optional regions, groups, invitations and strategies files."""
    from ..campaign import read_campaign
    from ..instrument import load_builtin, load_instrument

    ins = load_builtin() if instrument is None else load_instrument(instrument)
    campaign = read_campaign(responses, ins, regions, groups)
    inv = read_invitations(invitations, set(campaign.territories)) if invitations else None
    files = {
        role: path
        for role, path in (
            ("responses", responses),
            ("instrument", instrument),
            ("regions", regions),
            ("groups", groups),
            ("invitations", invitations),
            ("strategies", strategies),
        )
        if path
    }
    source = {
        "kind": "files",
        "files": {
            role: {"path": str(Path(path).resolve()), "sha256": file_sha256(path)} for role, path in files.items()
        },
    }
    data = Path(strategies).read_bytes() if strategies else None
    return build_run(campaign, ins, params, invitations=inv, strategies=data, reference=reference, source=source)


def read_invitations(path: str | Path, known: set[str] | None = None) -> pd.DataFrame:
    """`region,stakeholder_group,invited` (people invited per territory and group), strictly checked."""
    from ..campaign.model import STAKEHOLDER_GROUPS
    from ..errors import Problem

    name = Path(path).name
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise InputError(f"cannot read: {exc}", source=name) from None
    lacking = [c for c in ("region", "stakeholder_group", "invited") if c not in df.columns]
    if lacking:
        raise InputError(f"missing column(s) {', '.join(lacking)} (need region,stakeholder_group,invited)", source=name)
    problems = []
    for i, row in enumerate(df.itertuples(index=False), start=2):
        if known is not None and row.region not in known:
            problems.append(Problem(f"territory '{row.region}' is not in the campaign", i, "region", name))
        if row.stakeholder_group not in STAKEHOLDER_GROUPS:
            problems.append(
                Problem(
                    f"unknown stakeholder group '{row.stakeholder_group}' (one of {', '.join(STAKEHOLDER_GROUPS)})",
                    i,
                    "stakeholder_group",
                    name,
                )
            )
        if not str(row.invited).strip().isdigit():
            problems.append(Problem(f"'{row.invited}' is not a whole number >= 0", i, "invited", name))
    if problems:
        raise InputError(problems)
    out = df[["region", "stakeholder_group", "invited"]].astype({"invited": "int64"})
    dup = out.duplicated(["region", "stakeholder_group"], keep=False)
    if dup.any():
        raise InputError(
            [Problem("territory and stakeholder group listed twice", int(i) + 2, None, name) for i in out.index[dup]]
        )
    return out


def run_from_store(
    store: Any,
    campaign_id: int,
    *,
    params: RunParams | None = None,
    strategies: str | Path | None = None,
    reference: ReferenceData | None = None,
    no_strategies: str = reasons.NO_STRATEGIES,
) -> StressTestRun:
    """A run on the submitted answers of a stored campaign (SQLite or PostgreSQL), with its territories,
    peer groups and the personal invitations sent per territory and stakeholder group. `no_strategies`:
    why alignment is left out without `strategies` (the web pages take none)."""
    info = store.get_campaign(campaign_id)
    campaign = store.campaign_data(campaign_id)
    if campaign.responses is None or len(campaign.responses) == 0:
        raise InputError(f"campaign {campaign_id} has no submitted answers to score yet")
    campaign.description = campaign.description or f"campaign {campaign_id}: {info['name']}"
    instrument = store.get_instrument(info["instrument_id"])
    rates = store.response_rates(campaign_id)
    invitations = rates[["region", "stakeholder_group", "invited"]]
    source = {
        "kind": "store",
        "campaign_id": int(campaign_id),
        "campaign": str(info["name"]),
        "database": _safe_url(store),
    }
    data = Path(strategies).read_bytes() if strategies else None
    return build_run(
        campaign,
        instrument,
        params,
        invitations=invitations,
        strategies=data,
        reference=reference,
        source=source,
        no_strategies=no_strategies,
    )


def _safe_url(store: Any) -> str:
    """The database URL without its password."""
    try:
        url = store.engine.url
        return str(url.render_as_string(hide_password=True))
    except AttributeError:
        return ""


def run_demo(
    *,
    seed: int = 2017,
    bootstrap: int = 1000,
    params: RunParams | None = None,
    reference: ReferenceData | None = None,
    period: str | None = None,
) -> StressTestRun:
    """The built-in demo: a SYNTHETIC campaign for the 36 demo territories, with the sourced S3 priorities of
    2014-2020 and 2021-2027 for alignment (each territory's latest strategy, unless
    ``params.alignment_period`` pins one period). Every output built from it says that the answers are
    synthetic. `period` pins the alignment to one period (sets ``params.alignment_period``)."""
    from ..campaign.synthetic import SyntheticSpec, generate_campaign
    from ..campaign.territories import demo_groups, demo_language, demo_regions
    from ..instrument import load_builtin
    from ..scoring import ScoringParams

    instrument = load_builtin()
    spec = SyntheticSpec(seed=seed)
    campaign = generate_campaign(instrument, demo_regions(), demo_groups(), spec)
    # each demo territory's report language (its country's, or its own where they differ; see demo_language)
    campaign.regions = campaign.regions.assign(language=[demo_language(c) for c in campaign.regions["region"]])
    params = params or RunParams(scoring=ScoringParams(bootstrap=bootstrap))
    if period is not None:
        params = params.model_copy(update={"alignment_period": period})
    strategies = builtin_strategies()
    demo = {"generator_seed": seed, "generator": "s3stresstest.campaign.synthetic", "spec": spec.model_dump()}
    return build_run(
        campaign,
        instrument,
        params,
        strategies=strategies,
        strategies_name=BUILTIN_STRATEGIES,
        reference=reference,
        source={"kind": "demo", "generator_seed": seed},
        extra_record={"demo": demo},
    )
