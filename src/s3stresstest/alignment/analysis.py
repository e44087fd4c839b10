"""Vertical and horizontal alignment, synergy topics, and perception against evidence.

All functions take strategies (one per territory; their periods may differ) and a `PairScorer` (built from them when not
given), and return DataFrames with scores 0–100.

**Kinds of pairs.** A pair is ``vertical`` when one side is a regional strategy and the other
the national strategy of its country (the first two letters of the NUTS code, or
``national_of``); ``neighbour`` when the two territories share a border (the adjacency pairs
given, normally `regions.adjacency.territory_adjacency`); ``other`` otherwise.

**Periods.** A run holds one strategy per territory (a national strategy is the territory of its
country), by default the latest sourced one of each (`model.latest_strategies`). A regional strategy is
compared vertically with the national strategy of its country in the run; when their periods differ
(e.g. a region's 2021-2027 S3 and the latest sourced national S3, of 2014-2020) the comparison is kept
and `period_note` says so in ``note`` of the vertical and territory tables, never silently: the
``national_period`` column gives the national strategy's period next to the territory's ``period``.

**Horizontal set.** Horizontal comparisons (neighbours, synergies) use the regional strategies
plus the national strategies of countries without any regional strategy in the input (a
country such as Slovenia or Estonia whose national S3 is its only one): these stand for their
territory. National strategies of countries with regional strategies take part in vertical
comparisons and in the matrix only.

**Synergy topics** (`synergy_topics`), the candidate areas for cross-regional cooperation:

* a *code topic* is one code of one axis (exact code, no roll-up to sections) present in the
  priorities of two or more territories of the horizontal set that are connected by
  neighbour pairs all sharing the code; each connected group of such territories is one row;
* a *priority group* (``topic_axis = priorities``) is a connected group of priorities linked by
  matches between neighbouring territories with a pair score of at least
  ``min_pair_score`` (points); its title is that of its most connected priority.

For each neighbour pair in the group the evidence is the best pair score between a priority of
one territory and a priority of the other that carry the topic (for priority groups: the
match score). ``strength`` is the sum of these evidence scores (each 0–1) over the group's
neighbour pairs: it grows with the number of neighbouring pairs that share the topic and with
how well their priorities match. ``mean_pair_score`` is their mean, 0–100; ``pair_scores`` lists each
pair's score (0–100) in the order of ``neighbour_pairs``. A group can reach past a territory's
neighbours (A–B and B–C share a code, A and C do not border): a territory's own partners are the
other sides of its pairs in ``neighbour_pairs``.

**Perception against evidence** (`perception_vs_evidence`): the perceived alignment is the
territory's StressTest block score (block ``b2``: "Is S3 in line with the national political
strategies and with the strategies of the neighbouring regions?"), published scores only; the
measured alignment is the mean of the available vertical score and mean neighbour score. On
the default ``rank`` scale both are turned into percentile ranks (0–100, average ranks) among
the territories that have both, because a questionnaire score and a text/code overlap are not
on one absolute scale; the gap is perceived minus measured, and the flag is
``perceived higher`` when the gap exceeds ``threshold``, ``perceived lower`` below
``-threshold``, else ``consistent``. On the ``points`` scale the raw values are compared, and a
flag also needs the measured value to lie outside the score's bootstrap interval (when one is
published). ``no data`` when either side is missing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from ..errors import InputError
from .metrics import PairScorer, StrategyAlignment
from .model import Strategy, period_key
from .taxonomy import AXES, Taxonomy

VERTICAL, NEIGHBOUR, OTHER = "vertical", "neighbour", "other"
PAIR_COLUMNS = [
    "territory_a",
    "territory_b",
    "kind",
    "level_a",
    "level_b",
    "cross_border",
    "score",
    "n_priorities_a",
    "n_priorities_b",
    "n_matched",
    "coverage_a",
    "coverage_b",
    "shared_codes",
]
MATCH_COLUMNS = [
    "territory_a",
    "territory_b",
    "kind",
    "alignment_score",
    "priority_a",
    "title_a",
    "priority_b",
    "title_b",
    "score",
    *AXES,
    "text",
    "shared_codes",
    "partial_codes",
    "title_original_a",
    "title_original_b",
]
SYNERGY_COLUMNS = [
    "topic_axis",
    "topic_code",
    "topic_title",
    "territories",
    "n_territories",
    "neighbour_pairs",
    "n_neighbour_pairs",
    "evidence_priorities",
    "mean_pair_score",
    "strength",
    "pair_scores",
]
PERCEPTION_COLUMNS = [
    "territory",
    "perceived",
    "perceived_ci_low",
    "perceived_ci_high",
    "perceived_status",
    "vertical",
    "neighbours",
    "measured",
    "perceived_rank",
    "measured_rank",
    "gap",
    "flag",
]
FLAGS = ("perceived higher", "perceived lower", "consistent", "no data")


# -- helpers ------------------------------------------------------------------------------------


def _scorer(
    strategies: Sequence[Strategy], scorer: PairScorer | None, taxonomies: dict[str, Taxonomy] | None, options: dict
) -> PairScorer:
    if scorer is not None:
        missing = [s.territory for s in strategies if s.key not in scorer.index]
        if missing:
            raise InputError(f"the scorer was built without the strategies of {', '.join(missing)}")
        return scorer
    if taxonomies is None:
        from .taxonomy import builtin_taxonomies

        taxonomies = builtin_taxonomies()
    return PairScorer(strategies, taxonomies, **options)


def check_one_per_territory(strategies: Sequence[Strategy]) -> None:
    """One strategy per territory: the periods may differ (a 2016-2025 regional strategy can stand for 2014-2020)."""
    periods: dict[str, list[str]] = {}
    for s in strategies:
        periods.setdefault(s.territory, []).append(s.period)
    several = [f"{t} ({', '.join(p)})" for t, p in periods.items() if len(p) > 1]
    if several:
        raise InputError(
            "several strategies for one territory: "
            + "; ".join(several)
            + "; compare one period at a time (--period) or the latest of each territory (model.latest_strategies)"
        )


def national_of_default(strategies: Iterable[Strategy]) -> dict[str, str]:
    """Regional territory -> country code (the first two letters of the NUTS code)."""
    return {s.territory: s.country for s in strategies if s.level == "regional"}


def period_note(regional: Strategy, national: Strategy) -> str:
    """The note of a vertical comparison across periods ("" when both strategies have one period): e.g.
    "national strategy IT 2014-2020, the latest sourced; 2021-2027 not sourced"."""
    if regional.period == national.period:
        return ""
    if period_key(national.period) < period_key(regional.period):
        return (
            f"national strategy {national.territory} {national.period}, the latest sourced; "
            f"{regional.period} not sourced"
        )
    return (
        f"regional strategy {regional.period}, the latest sourced; "
        f"national strategy {national.territory} {national.period}"
    )


def horizontal_strategies(strategies: Sequence[Strategy]) -> list[Strategy]:
    """Regional strategies plus national ones of countries without a regional strategy (see module notes)."""
    regional_countries = {s.country for s in strategies if s.level == "regional"}
    return [s for s in strategies if s.level == "regional" or s.territory not in regional_countries]


def neighbour_pairs(adjacency_pairs) -> set[frozenset]:
    """Unordered territory pairs from a DataFrame with code_a, code_b or from (a, b) tuples."""
    if adjacency_pairs is None:
        return set()
    if isinstance(adjacency_pairs, pd.DataFrame):
        if not {"code_a", "code_b"} <= set(adjacency_pairs.columns):
            raise InputError("adjacency pairs need the columns code_a and code_b")
        pairs = zip(adjacency_pairs["code_a"], adjacency_pairs["code_b"], strict=True)
    else:
        pairs = adjacency_pairs
    return {frozenset((str(a).strip().upper(), str(b).strip().upper())) for a, b in pairs if a != b}


def pair_kind(a: Strategy, b: Strategy, national_of: dict[str, str], neighbours: set[frozenset]) -> str:
    if a.level == "regional" and b.level == "national" and national_of.get(a.territory) == b.territory:
        return VERTICAL
    if b.level == "regional" and a.level == "national" and national_of.get(b.territory) == a.territory:
        return VERTICAL
    if frozenset((a.territory, b.territory)) in neighbours:
        return NEIGHBOUR
    return OTHER


def _shared_codes(al: StrategyAlignment) -> str:
    codes = dict.fromkeys(c for m in al.matches for c in m.shared_codes)
    return " ".join(codes)


# -- pairs, vertical, horizontal, matrix --------------------------------------------------------


def all_alignments(
    strategies: Sequence[Strategy], scorer: PairScorer, evidence: bool = True
) -> dict[tuple[str, str], StrategyAlignment]:
    """Every unordered pair once, in input order: (territory_a, territory_b) -> alignment."""
    out = {}
    for i, a in enumerate(strategies):
        for b in strategies[i + 1 :]:
            out[(a.territory, b.territory)] = scorer.align(a, b, evidence=evidence)
    return out


def pair_table(
    alignments: dict[tuple[str, str], StrategyAlignment], national_of: dict[str, str], neighbours: set[frozenset]
) -> pd.DataFrame:
    rows = []
    for al in alignments.values():
        a, b = al.a, al.b
        rows.append(
            {
                "territory_a": a.territory,
                "territory_b": b.territory,
                "kind": pair_kind(a, b, national_of, neighbours),
                "level_a": a.level,
                "level_b": b.level,
                "cross_border": a.country != b.country,
                "score": al.score,
                "n_priorities_a": len(a),
                "n_priorities_b": len(b),
                "n_matched": len(al.matches),
                "coverage_a": al.coverage_a,
                "coverage_b": al.coverage_b,
                "shared_codes": _shared_codes(al),
            }
        )
    return pd.DataFrame(rows, columns=PAIR_COLUMNS)


def match_table(
    alignments: dict[tuple[str, str], StrategyAlignment], national_of: dict[str, str], neighbours: set[frozenset]
) -> pd.DataFrame:
    """One row per matched priority pair, with component similarities and shared codes."""
    rows = []
    for al in alignments.values():
        kind = pair_kind(al.a, al.b, national_of, neighbours)
        for m in al.matches:
            row = {
                "territory_a": al.a.territory,
                "territory_b": al.b.territory,
                "kind": kind,
                "alignment_score": al.score,
                "priority_a": m.a.id,
                "title_a": m.a.title,
                "priority_b": m.b.id,
                "title_b": m.b.title,
                "title_original_a": m.a.meta.get("title_original", ""),
                "title_original_b": m.b.meta.get("title_original", ""),
                "score": m.score,
                "shared_codes": " ".join(m.shared_codes),
                "partial_codes": " ".join(m.partial_codes),
            }
            for comp in (*AXES, "text"):
                row[comp] = m.components.get(comp, np.nan)
            rows.append(row)
    return pd.DataFrame(rows, columns=MATCH_COLUMNS)


def vertical_alignment(
    strategies: Sequence[Strategy],
    national_of: dict[str, str] | None = None,
    *,
    scorer: PairScorer | None = None,
    taxonomies: dict[str, Taxonomy] | None = None,
    **options,
) -> pd.DataFrame:
    """Each regional strategy against its national strategy (``note`` says when there is none)."""
    check_one_per_territory(strategies)
    scorer = _scorer(strategies, scorer, taxonomies, options)
    national_of = national_of_default(strategies) if national_of is None else national_of
    nationals = {s.territory: s for s in strategies if s.level == "national"}
    rows = []
    for s in strategies:
        if s.level != "regional":
            continue
        country = national_of.get(s.territory, s.country)
        nat = nationals.get(country)
        row = {
            "territory": s.territory,
            "name": s.name,
            "period": s.period,
            "national": country,
            "national_period": "",
            "score": np.nan,
            "n_priorities": len(s),
            "n_national_priorities": np.nan,
            "n_matched": np.nan,
            "coverage_region": np.nan,
            "coverage_national": np.nan,
            "shared_codes": "",
            "note": "",
        }
        if nat is None:
            row["note"] = f"no national strategy for {country} in the input"
        else:
            al = scorer.align(s, nat)
            row.update(
                national_period=nat.period,
                note=period_note(s, nat),
                score=al.score,
                n_national_priorities=len(nat),
                n_matched=len(al.matches),
                coverage_region=al.coverage_a,
                coverage_national=al.coverage_b,
                shared_codes=_shared_codes(al),
            )
        rows.append(row)
    return pd.DataFrame(
        rows,
        columns=[
            "territory",
            "name",
            "period",
            "national",
            "national_period",
            "score",
            "n_priorities",
            "n_national_priorities",
            "n_matched",
            "coverage_region",
            "coverage_national",
            "shared_codes",
            "note",
        ],
    )


def horizontal_alignment(
    strategies: Sequence[Strategy],
    adjacency_pairs,
    *,
    scorer: PairScorer | None = None,
    taxonomies: dict[str, Taxonomy] | None = None,
    **options,
) -> pd.DataFrame:
    """Each pair of neighbouring territories of the horizontal set, with its alignment."""
    check_one_per_territory(strategies)
    scorer = _scorer(strategies, scorer, taxonomies, options)
    neighbours = neighbour_pairs(adjacency_pairs)
    hset = horizontal_strategies(strategies)
    als = {}
    for i, a in enumerate(hset):
        for b in hset[i + 1 :]:
            if frozenset((a.territory, b.territory)) in neighbours:
                als[(a.territory, b.territory)] = scorer.align(a, b)
    return pair_table(als, {}, neighbours)


def alignment_matrix(
    strategies: Sequence[Strategy],
    *,
    scorer: PairScorer | None = None,
    taxonomies: dict[str, Taxonomy] | None = None,
    alignments: dict[tuple[str, str], StrategyAlignment] | None = None,
    **options,
) -> pd.DataFrame:
    """Square DataFrame of strategy scores 0–100 (index and columns: territories; diagonal 100)."""
    check_one_per_territory(strategies)
    codes = [s.territory for s in strategies]
    m = np.eye(len(codes)) * 100.0
    if alignments is None:
        alignments = all_alignments(strategies, _scorer(strategies, scorer, taxonomies, options), evidence=False)
    at = {code: i for i, code in enumerate(codes)}
    for (a, b), al in alignments.items():  # filled as an array: 45,000 .loc writes took most of the time
        m[at[a], at[b]] = m[at[b], at[a]] = al.score
    return pd.DataFrame(m, index=pd.Index(codes, name="territory"), columns=codes)


def territory_summary(strategies: Sequence[Strategy], pairs: pd.DataFrame, neighbours: set[frozenset]) -> pd.DataFrame:
    """Per territory: vertical score, neighbour and other-territory means (horizontal set), priorities."""
    hset = {s.territory for s in horizontal_strategies(strategies)}
    nationals = {s.territory for s in strategies if s.level == "national"}
    by_territory = {s.territory: s for s in strategies}
    rows = []
    for s in strategies:
        mine = pairs[(pairs["territory_a"] == s.territory) | (pairs["territory_b"] == s.territory)]
        other_side = np.where(mine["territory_a"] == s.territory, mine["territory_b"], mine["territory_a"])
        vert = mine[mine["kind"] == VERTICAL]
        in_h = np.isin(other_side, list(hset)) & (s.territory in hset)
        neigh = mine[(mine["kind"] == NEIGHBOUR).to_numpy() & in_h]
        others = mine[(mine["kind"] == OTHER).to_numpy() & in_h]
        n_adjacent = sum(1 for p in neighbours if s.territory in p)
        note = ""
        national = None
        if s.level == "regional" and len(vert) == 1:
            v = vert.iloc[0]
            national = by_territory.get(v["territory_b"] if v["territory_a"] == s.territory else v["territory_a"])
            note = period_note(s, national) if national is not None else ""
        if s.level == "regional" and vert.empty:
            note = f"no national strategy for {s.country} in the input"
        elif s.level == "national" and s.territory not in hset:
            note = "national strategy (vertical comparisons only)"
        if s.territory in hset and neigh.empty:
            note = (note + "; " if note else "") + (
                "no neighbour with a strategy in the input"
                if n_adjacent == 0
                else "neighbours outside the horizontal set"
            )
        rows.append(
            {
                "territory": s.territory,
                "name": s.name,
                "level": s.level,
                "period": s.period,
                "national_period": national.period if national is not None else "",
                "n_priorities": len(s),
                "vertical": float(vert["score"].iloc[0]) if len(vert) == 1 and s.level == "regional" else np.nan,
                "n_neighbours": len(neigh),
                "neighbours_mean": neigh["score"].mean() if len(neigh) else np.nan,
                "neighbours_min": neigh["score"].min() if len(neigh) else np.nan,
                "neighbours_max": neigh["score"].max() if len(neigh) else np.nan,
                "others_mean": others["score"].mean() if len(others) else np.nan,
                "national_strategy": s.territory in nationals,
                "note": note,
            }
        )
    return pd.DataFrame(rows)


# -- synergies ----------------------------------------------------------------------------------


def _components(nodes: Iterable, edges: Iterable[tuple]) -> list[list]:
    """Connected components (union-find), each in first-seen node order."""
    parent = {n: n for n in nodes}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[rb] = ra
    groups: dict = {}
    for n in parent:
        groups.setdefault(find(n), []).append(n)
    return list(groups.values())


def synergy_topics(
    strategies: Sequence[Strategy],
    adjacency_pairs,
    *,
    min_territories: int = 2,
    min_pair_score: float = 30.0,
    scorer: PairScorer | None = None,
    taxonomies: dict[str, Taxonomy] | None = None,
    **options,
) -> pd.DataFrame:
    """Codes and groups of matched priorities shared by neighbouring territories; see the module notes."""
    check_one_per_territory(strategies)
    if min_territories < 2:
        raise InputError("a synergy topic needs at least 2 territories")
    scorer = _scorer(strategies, scorer, taxonomies, options)
    neighbours = neighbour_pairs(adjacency_pairs)
    hset = horizontal_strategies(strategies)
    by_code = {s.territory: s for s in hset}
    rows = []
    # Code topics.
    for axis in AXES:
        tax = scorer.taxonomies.get(axis)
        holders: dict[str, dict[str, list[int]]] = {}  # code -> territory -> priority positions
        for s in hset:
            for k, p in enumerate(s.priorities):
                for c in p.axis_codes(axis):
                    holders.setdefault(c, {}).setdefault(s.territory, []).append(k)
        for code, terr in holders.items():
            if len(terr) < min_territories:
                continue
            edges = [(a, b) for a in terr for b in terr if a < b and frozenset((a, b)) in neighbours]
            if not edges:
                continue
            for group in _components(terr, edges):
                if len(group) < min_territories:
                    continue
                gset = set(group)
                gedges = [(a, b) for a, b in edges if a in gset]
                evidence = []
                for a, b in gedges:
                    block = scorer.block(by_code[a], by_code[b])
                    evidence.append(float(block[np.ix_(terr[a], terr[b])].max()))
                title = tax.title(code) if tax is not None and tax.is_known(code) else ""
                rows.append(
                    _synergy_row(
                        axis,
                        code,
                        title,
                        group,
                        gedges,
                        evidence,
                        [f"{t}:{by_code[t].priorities[k].id}" for t in group for k in terr[t]],
                    )
                )
    # Priority groups.
    pair_edges: list[tuple[tuple[str, str], tuple[str, str], float]] = []
    for i, sa in enumerate(hset):
        for sb in hset[i + 1 :]:
            if frozenset((sa.territory, sb.territory)) not in neighbours:
                continue
            for m in scorer.align(sa, sb, evidence=False).matches:
                if m.score >= min_pair_score:
                    pair_edges.append(((sa.territory, m.a.id), (sb.territory, m.b.id), m.score / 100.0))
    weight: dict[tuple[str, str], float] = {}
    for x, y, w in pair_edges:
        weight[x] = weight.get(x, 0.0) + w
        weight[y] = weight.get(y, 0.0) + w
    nodes = list(dict.fromkeys(n for x, y, _ in pair_edges for n in (x, y)))
    titles = {(s.territory, p.id): p.title for s in hset for p in s.priorities}
    groups = []
    for comp in _components(nodes, [(x, y) for x, y, _ in pair_edges]):
        territories = list(dict.fromkeys(t for t, _ in comp))
        if len(territories) < min_territories:
            continue
        members = set(comp)
        best: dict[tuple[str, str], float] = {}
        for x, y, w in pair_edges:
            if x in members:
                best[(x[0], y[0])] = max(best.get((x[0], y[0]), 0.0), w)
        central = max(comp, key=lambda n: weight[n])
        groups.append(
            (territories, list(best), list(best.values()), titles[central], [f"{t}:{pid}" for t, pid in comp])
        )
    groups.sort(key=lambda g: (-sum(g[2]), g[0]))
    for k, (territories, pairs, evidence, title, prios) in enumerate(groups, start=1):
        rows.append(_synergy_row("priorities", f"G{k}", title, territories, pairs, evidence, prios))
    out = pd.DataFrame(rows, columns=SYNERGY_COLUMNS)
    if out.empty:
        return out
    return out.sort_values(
        ["strength", "n_territories", "topic_axis", "topic_code"], ascending=[False, False, True, True], kind="stable"
    ).reset_index(drop=True)


def _synergy_row(
    axis: str,
    code: str,
    title: str,
    territories: list[str],
    pairs: list[tuple[str, str]],
    evidence: list[float],
    priorities: list[str],
) -> dict:
    return {
        "topic_axis": axis,
        "topic_code": code,
        "topic_title": title,
        "territories": " ".join(territories),
        "n_territories": len(territories),
        "neighbour_pairs": " ".join(f"{a}|{b}" for a, b in pairs),
        "n_neighbour_pairs": len(pairs),
        "evidence_priorities": " ".join(priorities),
        "mean_pair_score": 100.0 * float(np.mean(evidence)) if evidence else np.nan,
        "strength": float(np.sum(evidence)),
        # each pair's evidence (0-100) in the order of neighbour_pairs, so that a territory's own pairs can be
        # told from those of a group that reaches past its neighbours
        "pair_scores": " ".join(f"{100.0 * e:.2f}" for e in evidence),
    }


# -- perception ---------------------------------------------------------------------------------


def _pct_rank(values: pd.Series) -> pd.Series:
    n = values.notna().sum()
    if n == 0:
        return values * np.nan
    if n == 1:
        return values.where(values.isna(), 50.0)
    return (values.rank(method="average") - 1) / (n - 1) * 100.0


def perception_vs_evidence(
    block_scores: pd.DataFrame,
    alignment_scores: pd.DataFrame,
    block: str = "b2",
    threshold: float = 25.0,
    scale: str = "rank",
) -> pd.DataFrame:
    """Join the perceived alignment (StressTest block score) with the measured one and flag disagreements.

    `block_scores`: region, block, score, ci_low, ci_high, status (as written by `s3stresstest score`).
    `alignment_scores`: territory, vertical, neighbours_mean (as `territory_summary`). See the module notes.
    """
    if scale not in ("rank", "points"):
        raise InputError(f"perception scale must be 'rank' or 'points', not '{scale}'")
    if not threshold >= 0:
        raise InputError(f"perception threshold must be >= 0, not {threshold}")
    missing = [c for c in ("region", "block", "score") if c not in block_scores.columns]
    if missing:
        raise InputError(f"block scores lack the column(s) {', '.join(missing)}")
    bs = block_scores[block_scores["block"].astype(str) == block].copy()
    if bs.empty:
        raise InputError(f"block scores have no rows for block '{block}'")
    for col in ("score", "ci_low", "ci_high"):
        bs[col] = pd.to_numeric(bs[col], errors="coerce") if col in bs.columns else np.nan
    if "status" not in bs.columns:
        bs["status"] = np.where(bs["score"].notna(), "ok", "")
    bs["region"] = bs["region"].astype(str).str.strip().str.upper()
    bs = bs.drop_duplicates("region").set_index("region")
    al = alignment_scores.set_index("territory")
    territories = list(dict.fromkeys([*al.index, *bs.index]))
    out = pd.DataFrame({"territory": territories})
    ok = bs["status"].astype(str).eq("ok") & bs["score"].notna()
    out["perceived"] = out["territory"].map(bs["score"].where(ok))
    out["perceived_ci_low"] = out["territory"].map(bs["ci_low"].where(ok))
    out["perceived_ci_high"] = out["territory"].map(bs["ci_high"].where(ok))
    out["perceived_status"] = out["territory"].map(bs["status"].astype(str)).fillna("not in the campaign")
    out["vertical"] = out["territory"].map(al["vertical"]) if "vertical" in al else np.nan
    out["neighbours"] = out["territory"].map(al["neighbours_mean"]) if "neighbours_mean" in al else np.nan
    out["measured"] = out[["vertical", "neighbours"]].astype(float).mean(axis=1, skipna=True)
    both = out["perceived"].notna() & out["measured"].notna()
    out["perceived_rank"] = _pct_rank(out["perceived"].where(both))
    out["measured_rank"] = _pct_rank(out["measured"].where(both))
    if scale == "rank":
        out["gap"] = out["perceived_rank"] - out["measured_rank"]
        higher, lower = out["gap"] > threshold, out["gap"] < -threshold
    else:
        out["gap"] = (out["perceived"] - out["measured"]).where(both)
        lo, hi = out["perceived_ci_low"], out["perceived_ci_high"]
        higher = (out["gap"] > threshold) & (lo.isna() | (out["measured"] < lo))
        lower = (out["gap"] < -threshold) & (hi.isna() | (out["measured"] > hi))
    out["flag"] = np.select([~both, higher, lower], ["no data", "perceived higher", "perceived lower"], "consistent")
    return out[PERCEPTION_COLUMNS]


PERCEPTION_RULE = (
    "perceived = published score of the StressTest block; measured = mean of the available vertical "
    "score and mean neighbour score. scale 'rank': both as percentile ranks among territories with "
    "both; gap = perceived - measured; 'perceived higher' if gap > threshold, 'perceived lower' if "
    "gap < -threshold, else 'consistent'. scale 'points': raw 0-100 values, and a flag also needs the "
    "measured value outside the block score's interval. 'no data' when either side is missing."
)
