"""The stages of a run as pure functions: DataFrames (and reference data already loaded) in, DataFrames out.

`build.build_run` calls them in this order:

    score -> response_counts -> context -> structural_peers -> alignment -> recommendations -> findings

Each takes what the earlier ones produced; none reads or writes files. A stage that fails
raises `StageError` naming itself, and the run stops there: no stage turns another's error
into a sentence.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..campaign import Campaign
from ..errors import InputError, Problem
from ..instrument import Instrument
from ..scoring import ScoringParams, item_distributions, score_items_and_blocks
from ..scoring.benchmark import benchmark_blocks


class StageError(InputError):
    """A stage of the run failed; the message names the stage and the cause."""

    def __init__(self, stage: str, exc: BaseException):
        self.stage = stage
        if isinstance(exc, InputError):
            problems = [Problem(f"{stage}: {p.message}", p.line, p.field, p.source) for p in exc.problems]
        else:
            problems = [Problem(f"the '{stage}' stage failed: {exc.__class__.__name__}: {exc}")]
        super().__init__(problems)


@dataclass
class Scores:
    """What the scoring stage produces."""

    item_scores: pd.DataFrame
    block_scores: pd.DataFrame
    distributions: pd.DataFrame
    benchmarks: pd.DataFrame
    item_dispersion: pd.DataFrame
    group_item_scores: pd.DataFrame
    group_block_scores: pd.DataFrame


def peer_groups(campaign: Campaign, territories: list[str]) -> pd.DataFrame:
    """The campaign's peer groups; without any, one group `all` of every territory."""
    if len(campaign.groups):
        return campaign.groups[["region", "group"]]
    return pd.DataFrame({"region": territories, "group": "all"})


def score(campaign: Campaign, instrument: Instrument, params: ScoringParams) -> Scores:
    """Item, block and stakeholder-group scores with intervals, distributions, dispersion, benchmarks."""
    territories = campaign.territories
    core = score_items_and_blocks(campaign.responses, instrument, params, regions=territories)
    bench = benchmark_blocks(
        core.block_scores,
        peer_groups(campaign, territories),
        min_peer_regions=params.min_peer_regions,
        frontrunner_quantile=params.frontrunner_quantile,
    )
    dist = item_distributions(campaign.responses, instrument, params.min_respondents)
    return Scores(
        core.item_scores,
        core.block_scores,
        dist,
        bench,
        core.item_dispersion,
        core.group_item_scores,
        core.group_block_scores,
    )


def response_counts(responses: pd.DataFrame, invitations: pd.DataFrame, territories: list[str]) -> pd.DataFrame:
    """Respondents per territory and stakeholder group, beside the people invited when known.

    `invited` is missing (not 0) where the campaign sent no personal invitation: open links and
    imported answers have no denominator.
    """
    people = responses.drop_duplicates("respondent_id")
    counts = people.groupby(["region", "stakeholder_group"], sort=True).size().rename("respondents").reset_index()
    inv = (
        invitations[["region", "stakeholder_group", "invited"]]
        if len(invitations)
        else pd.DataFrame(columns=["region", "stakeholder_group", "invited"])
    )
    out = counts.merge(inv, on=["region", "stakeholder_group"], how="outer")
    out = out[out["region"].isin(territories)] if territories else out
    out["respondents"] = out["respondents"].fillna(0).astype("int64")
    out["invited"] = pd.array([None if pd.isna(v) or int(v) == 0 else int(v) for v in out["invited"]], dtype="Int64")
    out["region"] = out["region"].astype(str)
    out["stakeholder_group"] = out["stakeholder_group"].astype(str)
    return out.sort_values(["region", "stakeholder_group"]).reset_index(drop=True)[
        ["region", "stakeholder_group", "respondents", "invited"]
    ]


def context(statistics: pd.DataFrame, territories: list[str], folder: Any = None) -> pd.DataFrame:
    """Eurostat context statistics of each territory (latest value per indicator, with year, flag, source)."""
    from ..regions.context import context_from_statistics

    return context_from_statistics(statistics, territories, folder)


def scoreboard(context: pd.DataFrame, seed: int) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The evidence scoreboard of the territories from their context statistics, with its 5-95 %
    range (`composite.scoreboard`); a position among the run's territories, not a league table."""
    from ..composite.scoreboard import evidence_scoreboard

    return evidence_scoreboard(context, seed=seed)


def block_composite(
    block_scores: pd.DataFrame, blocks: list[str], params: Any, seed: int
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The composite of the published block scores with its 5-95 % range and rank interval over
    block weights varied by ±`params.noise` (`composite.blocks`); only when the run asks for it."""
    from ..composite.blocks import block_composite as compose

    return compose(
        block_scores,
        blocks,
        dict(params.weights),
        noise=params.noise,
        n=params.replications,
        seed=seed,
        min_blocks=params.min_blocks,
    )


def structural_peers(
    statistics: pd.DataFrame, territories: list[str], k: int, names: dict[str, str] | None = None
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """The k nearest structural peers of each territory at its own NUTS level, with the values compared.

    Returns (peers: region, level, rank, peer, peer_name, distance; values: region, peer, variable,
    value - the territory's own values under peer == region; notes: per territory, why it has none).
    """
    from ..regions.peers import PeerSpace

    spaces: dict[int, Any] = {}
    peer_rows: list[dict[str, Any]] = []
    value_rows: list[dict[str, Any]] = []
    notes: dict[str, str] = {}
    variables: list[str] = []
    for region in territories:
        level = max(len(region) - 2, 0)
        if level not in spaces:
            try:
                spaces[level] = PeerSpace.build(statistics, level=level, names=names)
            except InputError as exc:
                spaces[level] = exc
        space = spaces[level]
        if isinstance(space, InputError):
            notes[region] = f"no structural peers at NUTS level {level}: {space.problems[0].message}"
            continue
        try:
            peers = space.peers(region, k)
        except InputError as exc:
            notes[region] = exc.problems[0].message
            continue
        variables = list(peers.attrs.get("variables") or [])
        target = peers.attrs.get("target_values") or {}
        for v in variables:
            value_rows.append({"region": region, "peer": region, "variable": v, "value": _float(target.get(v))})
        for p in peers.to_dict("records"):
            peer_rows.append(
                {
                    "region": region,
                    "level": level,
                    "rank": int(p["rank"]),
                    "peer": str(p["region"]),
                    "peer_name": str(p.get("name") or (names or {}).get(str(p["region"]), "")),
                    "distance": float(p["distance"]),
                }
            )
            for v in variables:
                value_rows.append(
                    {"region": region, "peer": str(p["region"]), "variable": v, "value": _float(p.get(v))}
                )
    peers_df = pd.DataFrame(peer_rows, columns=["region", "level", "rank", "peer", "peer_name", "distance"])
    values_df = pd.DataFrame(value_rows, columns=["region", "peer", "variable", "value"])
    peers_df = peers_df.astype({"level": "int64", "rank": "int64", "distance": "float64"})
    values_df = values_df.astype({"value": "float64"})
    pools = {str(level): (None if isinstance(s, InputError) else len(s.regions)) for level, s in spaces.items()}
    return (
        peers_df,
        values_df,
        {
            "k": k,
            "variables": variables,
            "not_found": notes,
            "pool_by_level": pools,
            "method": "weighted Euclidean distance of standardised indicators (log for "
            "size-like ones) among regions of the same NUTS level with every value",
        },
    )


def _float(v: Any) -> float:
    try:
        return float(v)
    except (TypeError, ValueError):
        return float("nan")


def alignment(
    strategies: list[Any],
    block_scores: pd.DataFrame,
    registry: Any,
    inputs: dict[str, Any] | None = None,
    period: str | None = None,
) -> Any:
    """Alignment of the strategies (vertical, neighbours, matrix, synergies) and perception vs evidence:
    those of `period`, or by default each territory's latest (`alignment.run.select_period`)."""
    from ..alignment.run import params_from, run_alignment
    from ..alignment.taxonomy import load_taxonomies

    return run_alignment(
        strategies,
        taxonomies=load_taxonomies(None),
        registry=registry,
        params=params_from(period=period),
        block_scores=block_scores,
        inputs=inputs,
    )


def recommendations(
    result: Any,
    alignment_tables: dict[str, pd.DataFrame] | None,
    open_comments: pd.DataFrame,
    min_respondents: int,
    max_excerpts: int,
    structural_peers: pd.DataFrame | None = None,
    names: dict[str, str] | None = None,
    peer_groups: dict[str, list[str]] | None = None,
) -> tuple[pd.DataFrame, dict[str, Any], pd.DataFrame]:
    """Every territory's recommendations, ranked by the 0-100 priority score, in the run's columns,
    the record, and their texts in every report language (`recommendation_texts`).

    The rules file's rules (`recommend.recommend`) plus item-level triggers, learn-from and texts
    (`recommend.compose`). `items`: the questions whose figures fired the row, also those of rows
    merged into it (empty for block-level triggers naming no question); `learn_from`: territories clearly higher on
    them; `written`: the first `compose.WRITTEN` of a territory, detailed in the regional report.
    `recommendation_texts`: one row per recommendation and language (en, de, fr, it, sl), composed
    from the same figures and phrase variants; the English rows equal the main table's texts.
    `advice` is the part of `action` that says what to do (the reports set it in bold), empty when none.
    """
    from ..recommend import recommend
    from ..recommend.compose import compose

    fired = recommend(
        result,
        alignment=alignment_tables or None,
        open_comments=open_comments if len(open_comments) else None,
        min_respondents=min_respondents,
        max_excerpts=max_excerpts,
    )
    recs = compose(
        fired,
        result,
        alignment=alignment_tables or None,
        structural_peers=structural_peers,
        names=names,
        peer_groups=peer_groups,
        min_respondents=min_respondents,
        open_comments=open_comments if len(open_comments) else None,
        max_excerpts=max_excerpts,
    )
    out = pd.DataFrame(
        {
            "region": recs["region"].astype(str),
            "rank": recs["rank"].astype("int64"),
            "rule": recs["rule_id"].astype(str),
            "topic": recs["topics"].astype(str),
            "title": recs["title"].astype(str),
            "action": recs["recommendation"].astype(str),
            "evidence": recs["evidence"].astype(str),
            "items": [_items(e) for e in recs["evidence"]],
            "learn_from": recs["frontrunners"].astype(str),
            "written": recs["written"].astype(bool),
            "priority": recs["priority"].astype("int64"),
            "blocks": recs["blocks"].astype(str),
            "rationale": recs["rationale"].astype(str),
            "gap": recs["gap"].astype("float64"),
            "excerpts": recs["excerpts"].astype(str),
        }
    )
    out["written"] = out["written"].astype(bool)
    from ..i18n import LANGUAGES

    texts = pd.DataFrame(
        [
            {
                "region": str(r["region"]),
                "rank": int(r["rank"]),
                "language": lang,
                "title": r["texts"][lang]["title"],
                "action": r["texts"][lang]["action"],
                "rationale": r["texts"][lang]["rationale"],
                "advice": r["texts"][lang].get("advice", ""),
            }
            for r in recs.to_dict("records")
            for lang in LANGUAGES
        ],
        columns=["region", "rank", "language", "title", "action", "rationale", "advice"],
    )
    texts["rank"] = texts["rank"].astype("int64")
    return out.reset_index(drop=True), dict(recs.attrs.get("record") or {}), texts


def _items(evidence: str) -> str:
    """The questions of a row: those whose figures fired it, then those of the rows merged into it."""
    try:
        ev = json.loads(evidence)
    except ValueError:
        return ""
    if not isinstance(ev, dict):
        return ""
    figures = list(ev.get("triggered_by") or [])
    figures += ev.get("questions_behind_peers") or []
    for merged in ev.get("merged") or []:
        if isinstance(merged, dict):
            figures += merged.get("triggered_by") or []
            figures += merged.get("questions_behind_peers") or []
    names = [str(f["item"]) for f in figures if isinstance(f, dict) and f.get("item")]
    return " ".join(dict.fromkeys(names))


def findings(
    run: Any,
) -> tuple[list[dict[str, Any]], dict[str, Any] | None, pd.DataFrame, pd.DataFrame | None]:
    """Key findings across territories and the typology of approaches (see `s3stresstest.findings`), with
    their texts in every report language (`finding_texts`, `type_texts`; the English rows equal the texts
    of the findings and types)."""
    from ..findings import finding_texts, key_findings, type_texts, typology

    params = run.params.findings
    return key_findings(run, params), typology(run, params), finding_texts(run, params), type_texts(run, params)
