"""Key findings derived from the results by stated rules, a typology of approaches, and rank intervals.

Every finding is a dict::

    {"id", "title", "statement", "rule", "evidence", "figures" (DataFrame), "territories" (list),
     "k", "n", "withheld"}

`statement` says what was found ("7 of 36 territories ..."), `rule` how (in words, with its
thresholds), `figures` the numbers behind it (only published figures: suppressed or insufficient
rows never enter a finding, they are counted in `withheld`), `territories` those the statement
is about, `evidence` a one-line summary of the figures for the memo. Thresholds are the fields
of `FindingParams`, recorded in each report's provenance.

The typology groups territories by their block profiles (complete profiles only) with k-means
(scikit-learn, fixed seed, k from `FindingParams.typology_k`) and describes each type by its
mean profile. Ranks are never shown by default; `rank_intervals` gives, on request, the range
of ranks a territory's interval allows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any, cast

import numpy as np
import pandas as pd

from .formatting import interval, num, pct

ORDER = (
    "weakest_items",
    "design_role",
    "steering_seat",
    "neighbour_alignment",
    "perception_gap",
    "weakest_block",
    "group_disagreement",
    "widest_spread",
    "peer_groups",
)


@dataclass(frozen=True)
class FindingParams:
    """Thresholds of the findings (points are on the 0-100 score scale)."""

    high_score: float = 60.0  # a block score at or above this counts as high
    design_block: str = "b1"  # the block of the clusters' role in designing the S3
    seat_item: str = "b1_governance_seat"  # the item asking about a seat in the S3 steering body
    seat_choice: str = "yes"
    majority_share: float = 0.5  # share of respondents counted as "most"
    neighbour_alignment: float = 40.0  # alignment with neighbours counted as strong
    disagreement_items: int = 1  # ... and on at least this many items (both must hold)
    disagreement_share: float = 0.5  # territories where groups disagree on at least this share of compared items
    common_disagreement: float = 2 / 3  # an item where groups disagree in at least this share of territories
    low_score: float = 50.0  # an item score below this counts as low
    most_territories: float = 0.75  # an item low in at least this share of territories is a shared weakness
    min_territories: int = 4  # items published in fewer territories are not compared
    typology_k: int = 3  # number of types
    typology_seed: int = 0
    peer_groups: tuple[str, str] = ("alpine", "european")  # the two groups compared (if the campaign has them)
    max_listed: int = 12  # territories named in a one-line evidence

    def record(self) -> dict:
        out = asdict(self)
        out["peer_groups"] = list(self.peer_groups)
        return out


# Short names of the StressTest's blocks, used when the block's label is the StressTest question
# (checked by its opening words), so that prose can name a block without its code or a full question.
BLOCK_NAMES: dict[str, tuple[str, str]] = {
    "b1": ("What role do clusters play", "clusters' role in designing the S3"),
    "b2": ("Is S3 in line", "alignment with national and neighbouring strategies"),
    "b3": ("How is S3 being implemented", "implementation and support schemes"),
    "b4": ("At the cluster organisation, are there any tools", "monitoring and evaluation"),
    "b5": ("What impact does S3 have", "impact on the cluster organisations"),
    "b6": ("How effective is the regional cluster portfolio", "the cluster portfolio"),
}


def block_name(instrument, block: str, language: str | None = None) -> str:
    """A block as prose names it: a short name for the StressTest's blocks, else its label (never the code)."""
    label = instrument.block_label(block, language)
    known = BLOCK_NAMES.get(block)
    if known and instrument.block_label(block).startswith(known[0]):
        return known[1]
    return label.rstrip("?").strip() or block


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _namer(inputs) -> Callable[[str], str]:
    """`inputs.name` with the name table read once (`StressTestRun.name` rebuilds it on every call)."""
    names = inputs.names
    return lambda code: names.get(code, code)


def _listing(pairs: list[tuple[Any, str]], limit: int) -> str:
    shown = [f"{c} {v}" for c, v in pairs[:limit]]
    more = len(pairs) - limit
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def _published(df: pd.DataFrame) -> pd.DataFrame:
    return df[(df["status"] == "ok") & df["score"].notna()]


# -- the findings -----------------------------------------------------------------------------------


def design_role(inputs, p: FindingParams) -> dict | None:
    bs = inputs.block_scores[inputs.block_scores["block"] == p.design_block]
    if bs.empty:
        return None
    pub = _published(bs).sort_values("region")
    n, withheld = len(pub), int(len(bs) - len(pub))
    if n == 0:
        return None
    high = pub[pub["score"] >= p.high_score]
    figures = pub.assign(name=pub["region"].map(_namer(inputs)), high=pub["score"] >= p.high_score)[
        ["region", "name", "score", "ci_low", "ci_high", "n", "high"]
    ].reset_index(drop=True)
    return {
        "id": "design_role",
        "title": "Clusters' role in designing the S3",
        "statement": f"{len(high)} of {n} territories have a score of at least {p.high_score:.0f} on "
        f"{block_name(inputs.instrument, p.design_block)}.",
        "rule": f"Count the territories whose published {p.design_block} block score is at least {p.high_score:.0f} "
        f"(of 100); territories whose score is withheld ({withheld}) are not counted.",
        "evidence": (
            f"At or above {p.high_score:.0f}: "
            + _listing(
                [(r.region, num(r.score)) for r in high.sort_values("score", ascending=False).itertuples()],
                p.max_listed,
            )
            + "."
            if len(high)
            else f"No territory reaches {p.high_score:.0f}."
        )
        + f" Median of the {n} published scores: {num(pub['score'].median())}.",
        "figures": figures,
        "territories": list(high["region"]),
        "k": len(high),
        "n": n,
        "withheld": withheld,
    }


def steering_seat(inputs, p: FindingParams) -> dict | None:
    d = inputs.distributions
    rows = d[(d["item"] == p.seat_item) & (d["choice"] == p.seat_choice)]
    if rows.empty or not inputs.instrument.has_item(p.seat_item):
        return None
    pub = rows[rows["share"].notna()].sort_values("region")
    n, withheld = len(pub), int(rows["region"].nunique() - len(pub))
    if n == 0:
        return None
    most = pub[pub["share"] >= p.majority_share]
    item = inputs.instrument.item_label(p.seat_item)
    figures = pub.assign(name=pub["region"].map(_namer(inputs)), most=pub["share"] >= p.majority_share)[
        ["region", "name", "share", "n", "most"]
    ].reset_index(drop=True)
    return {
        "id": "steering_seat",
        "title": "A seat in the S3 steering body",
        "statement": f"In {len(most)} of {n} territories at least {p.majority_share:.0%} of respondents answer "
        f"'{p.seat_choice}' to “{item}”.",
        "rule": f"Share of respondents answering '{p.seat_choice}' to question "
        f"{inputs.instrument.item_number(p.seat_item)} ({p.seat_item}) among those who answered it, "
        f"published distributions only (withheld: {withheld}); counted when the share is at least "
        f"{p.majority_share:.0%}.",
        "evidence": (
            f"At or above {p.majority_share:.0%}: "
            + _listing(
                [(r.region, pct(r.share)) for r in most.sort_values("share", ascending=False).itertuples()],
                p.max_listed,
            )
            + "."
            if len(most)
            else "No territory reaches the threshold."
        )
        + f" Median share: {pct(pub['share'].median())}.",
        "figures": figures,
        "territories": list(most["region"]),
        "k": len(most),
        "n": n,
        "withheld": withheld,
    }


def neighbour_alignment(inputs, p: FindingParams) -> dict | None:
    t = inputs.alignment.get("alignment_territories")
    if t is None or t.empty or "neighbours_mean" not in t.columns:
        return None
    campaign = set(inputs.territories)
    t = t[t["territory"].isin(campaign)]
    with_n = t[t["neighbours_mean"].notna()].sort_values("territory")
    n = len(with_n)
    if n == 0:
        return None
    strong = with_n[with_n["neighbours_mean"] >= p.neighbour_alignment]
    figures = (
        with_n[["territory", "name", "n_neighbours", "neighbours_mean", "neighbours_min", "neighbours_max"]]
        .rename(columns={"territory": "region"})
        .reset_index(drop=True)
    )
    figures["strong"] = figures["neighbours_mean"] >= p.neighbour_alignment
    return {
        "id": "neighbour_alignment",
        "title": "Alignment with neighbouring strategies",
        "statement": f"Alignment with the neighbours' S3 priorities is at least {p.neighbour_alignment:.0f} "
        f"(of 100) in {len(strong)} of {n} territories with sourced strategies and neighbours.",
        "rule": f"Mean alignment score with the neighbouring territories' strategies (alignment_territories.csv, "
        f"neighbours_mean), counted when at least {p.neighbour_alignment:.0f}; territories without a "
        "sourced strategy or without neighbours with one are not counted "
        f"({len(campaign) - n} of the campaign's {len(campaign)}).",
        "evidence": (
            f"At or above {p.neighbour_alignment:.0f}: "
            + _listing(
                [
                    (r.territory, num(r.neighbours_mean))
                    for r in strong.sort_values("neighbours_mean", ascending=False).itertuples()
                ],
                p.max_listed,
            )
            + "."
            if len(strong)
            else "None reaches the threshold."
        )
        + f" Range: {num(with_n['neighbours_mean'].min())}–{num(with_n['neighbours_mean'].max())}.",
        "figures": figures,
        "territories": list(strong["territory"]),
        "k": len(strong),
        "n": n,
        "withheld": 0,
    }


def perception_gap(inputs, p: FindingParams) -> dict | None:
    pe = inputs.alignment.get("perception_vs_evidence")
    if pe is None or pe.empty or "flag" not in pe.columns:
        return None
    pe = pe[pe["territory"].isin(set(inputs.territories))]
    compared = pe[
        pe["flag"].isin(["perceived higher", "perceived lower", "consistent"]) & (pe["perceived_status"] == "ok")
    ].sort_values("territory")
    n = len(compared)
    if n == 0:
        return None
    higher = compared[compared["flag"] == "perceived higher"]
    lower = compared[compared["flag"] == "perceived lower"]
    params = inputs.alignment_record.get("parameters") or {}
    threshold = params.get("perception_threshold", 25)
    scale = params.get("perception_scale", "rank")
    block = params.get("perception_block", "b2")
    figures = (
        compared[["territory", "perceived", "measured", "perceived_rank", "measured_rank", "gap", "flag"]]
        .rename(columns={"territory": "region"})
        .reset_index(drop=True)
    )
    return {
        "id": "perception_gap",
        "title": "Perceived and measured alignment",
        "statement": f"Perceived alignment exceeds the measured alignment in {len(higher)} of {n} territories "
        f"and falls short of it in {len(lower)}.",
        "rule": f"Respondents' {block} score (perceived) against the measured alignment of the sourced strategies "
        f"(mean of vertical and neighbour scores), compared as {'percentile ranks' if scale == 'rank' else 'points'}; "
        f"a gap of at least {threshold} is flagged (perception_vs_evidence.csv). Territories without a "
        "sourced strategy or a published perceived score are not counted.",
        "evidence": "Perceived higher: "
        + (", ".join(higher["territory"]) or "none")
        + "; perceived lower: "
        + (", ".join(lower["territory"]) or "none")
        + f"; consistent: {n - len(higher) - len(lower)}.",
        "figures": figures,
        "territories": list(higher["territory"]),
        "k": len(higher),
        "n": n,
        "withheld": 0,
    }


def _block_spread(inputs) -> pd.DataFrame:
    rows = []
    for b in inputs.blocks:
        s = _published(inputs.block_scores[inputs.block_scores["block"] == b])["score"]
        if len(s) == 0:
            continue
        q1, med, q3 = np.quantile(s, [0.25, 0.5, 0.75])
        rows.append(
            {
                "block": b,
                "label": inputs.instrument.block_label(b),
                "territories": len(s),
                "min": s.min(),
                "q1": q1,
                "median": med,
                "q3": q3,
                "max": s.max(),
                "iqr": q3 - q1,
            }
        )
    return pd.DataFrame(rows, columns=["block", "label", "territories", "min", "q1", "median", "q3", "max", "iqr"])


def widest_spread(inputs, p: FindingParams) -> dict | None:
    spread = _block_spread(inputs)
    spread = spread[spread["territories"] >= 4]
    if spread.empty:
        return None
    top = spread.sort_values(["iqr", "block"], ascending=[False, True]).iloc[0]
    low = spread.sort_values(["iqr", "block"]).iloc[0]
    return {
        "id": "widest_spread",
        "title": "Where territories differ most",
        "statement": f"Territories differ most on {block_name(inputs.instrument, top['block'])}: the middle half of "
        f"the published scores spans {num(top['iqr'])} points ({num(top['q1'])}–{num(top['q3'])}).",
        "rule": "Interquartile range of the published block scores across territories, per block (blocks with at "
        "least 4 published scores); the block with the widest range is named.",
        "evidence": f"Interquartile range from {num(low['iqr'])} ({low['block']}) to {num(top['iqr'])} "
        f"({top['block']}); full range on {top['block']}: {num(top['min'])}–{num(top['max'])}.",
        "figures": spread.reset_index(drop=True),
        "territories": [],
        "k": 1,
        "n": len(spread),
        "withheld": 0,
    }


def weakest_block(inputs, p: FindingParams) -> dict | None:
    spread = _block_spread(inputs)
    if spread.empty:
        return None
    low = spread.sort_values(["median", "block"]).iloc[0]
    high = spread.sort_values(["median", "block"], ascending=[False, True]).iloc[0]
    return {
        "id": "weakest_block",
        "title": "The weakest block",
        "statement": f"{_cap(block_name(inputs.instrument, low['block']))} has the lowest median score across "
        f"territories: {num(low['median'])}, against {num(high['median'])} on "
        f"{block_name(inputs.instrument, high['block'])}.",
        "rule": "Median of the published block scores across territories, per block; the lowest and the highest "
        "are named.",
        "evidence": "Medians: " + ", ".join(f"{r.block} {num(r.median)}" for r in spread.itertuples()) + ".",
        "figures": spread.reset_index(drop=True),
        "territories": [],
        "k": 1,
        "n": len(spread),
        "withheld": 0,
    }


def item_spread(inputs, p: FindingParams) -> pd.DataFrame:
    """Per scored question: published territories, quartiles of their scores, and how many are below `low_score`."""
    it = _published(inputs.item_scores)
    ins = inputs.instrument
    rows = []
    for item, s in it.groupby("item", sort=False)["score"]:
        if len(s) < p.min_territories:
            continue
        q1, med, q3 = np.quantile(s, [0.25, 0.5, 0.75])
        below = int((s < p.low_score).sum())
        rows.append(
            {
                "item": str(item),
                "number": ins.item_number(str(item)) if ins.has_item(str(item)) else str(item),
                "question": ins.item_label(str(item)) if ins.has_item(str(item)) else str(item),
                "territories": len(s),
                "median": med,
                "q1": q1,
                "q3": q3,
                "below": below,
                "share_below": below / len(s),
            }
        )
    cols = ["item", "number", "question", "territories", "median", "q1", "q3", "below", "share_below"]
    return pd.DataFrame(rows, columns=cols)


def weakest_items(inputs, p: FindingParams) -> dict | None:
    """The questions that are weak almost everywhere: the headline a cross-territory synthesis should lead with."""
    spread = item_spread(inputs, p)
    if spread.empty:
        return None
    spread = spread.sort_values(["share_below", "median", "item"], ascending=[False, True, True])
    common = spread[spread["share_below"] >= p.most_territories]
    head = spread.iloc[0]
    lowest = spread.sort_values(["median", "item"]).iloc[0]

    def said(r) -> str:
        low = f"below {p.low_score:.0f} in {int(r['below'])} of {int(r['territories'])}"
        return f"“{str(r['question']).rstrip('.?')}” (median {num(r['median'])}, {low})"

    statement = f"The weakest question across territories is {said(head)}."
    if lowest["item"] != head["item"]:
        statement += f" The lowest median is on {said(lowest)}."
    if len(common) > 1:
        statement += (
            f" {len(common)} of {len(spread)} questions score below {p.low_score:.0f} in at least "
            f"{p.most_territories:.0%} of the territories."
        )
    shown = spread.head(max(len(common), 5))
    figures = shown.drop(columns=["item"]).reset_index(drop=True)
    return {
        "id": "weakest_items",
        "title": "Questions weak almost everywhere",
        "statement": statement,
        "rule": f"For each scored question, the published territory scores: their median and quartiles, and the "
        f"number of territories scoring below {p.low_score:.0f} (of 100). The question below {p.low_score:.0f} in "
        f"the most territories is named first (ties: lower median), then the question with the lowest median; "
        f"questions below {p.low_score:.0f} in at least {p.most_territories:.0%} of the territories are counted. "
        f"Questions published in fewer than {p.min_territories} territories are left out.",
        "evidence": "; ".join(
            f"{r.number} median {num(r.median)}, below {p.low_score:.0f} in {r.below} of {r.territories}"
            for r in shown.head(3).itertuples()
        )
        + ".",
        "figures": figures,
        "territories": [],
        "k": len(common),
        "n": len(spread),
        "withheld": 0,
    }


def group_disagreement(inputs, p: FindingParams) -> dict | None:
    disp = inputs.item_dispersion
    if disp.empty or "groups_disagree" not in disp.columns:
        return None
    comparable = disp[(disp["status"] == "ok") & (disp["groups_published"].fillna(0) >= 2)]
    if comparable.empty:
        return None
    flagged = comparable[comparable["groups_disagree"].eq(True)]
    per = comparable.groupby("region").size().rename("items_compared").to_frame()
    per["items_disagree"] = flagged.groupby("region").size()
    per["items_disagree"] = per["items_disagree"].fillna(0).astype(int)
    per["share"] = per["items_disagree"] / per["items_compared"]
    per = per.reset_index().sort_values("region")
    n = len(per)
    counted = (per["share"] >= p.disagreement_share) & (per["items_disagree"] >= p.disagreement_items)
    hit = per[counted]
    if n < 2 or len(hit) in (0, n):
        # true of every territory (or of none) under this threshold: it sets no territory apart
        return None
    threshold = inputs.parameters.get("disagreement_threshold", 25)
    by_item = comparable.groupby("item").agg(territories=("region", "size"), disagree=("groups_disagree", "sum"))
    by_item = by_item[by_item["territories"] >= p.min_territories]
    by_item["share"] = by_item["disagree"] / by_item["territories"]
    by_item = by_item.reset_index().sort_values(["share", "item"], ascending=[False, True])
    ins = inputs.instrument
    top = by_item.iloc[0] if len(by_item) else None
    common = by_item[by_item["share"] >= p.common_disagreement]
    top_txt = (
        f" They disagree most often on “{ins.item_label(top['item']).rstrip('.?')}” ({int(top['disagree'])} of "
        f"{int(top['territories'])} territories)"
        + (
            f"; {len(common)} questions divide the groups in at least {p.common_disagreement:.0%} of the territories."
            if len(common) > 1
            else "."
        )
        if top is not None
        else ""
    )
    return {
        "id": "group_disagreement",
        "title": "Stakeholder groups disagree",
        "statement": f"In {len(hit)} of {n} territories stakeholder groups disagree on at least "
        f"{p.disagreement_share:.0%} of the questions where they can be compared.{top_txt}",
        "rule": f"A question counts as disagreement when the published scores of at least two stakeholder groups "
        f"differ by {num(threshold)} points or more; a territory is counted when this holds for at least "
        f"{p.disagreement_share:.0%} of its compared questions (and at least {p.disagreement_items}); "
        "only published items and groups count. A "
        "threshold that every territory (or none) meets sets none apart, and the finding is then left out.",
        "evidence": f"Median share of questions with disagreement per territory: {pct(per['share'].median())}.",
        "figures": per.assign(name=per["region"].map(_namer(inputs)), counted=counted)[
            ["region", "name", "items_compared", "items_disagree", "share", "counted"]
        ].reset_index(drop=True),
        "territories": list(hit["region"]),
        "k": len(hit),
        "n": n,
        "withheld": 0,
    }


def peer_groups(inputs, p: FindingParams) -> dict | None:
    a, b = p.peer_groups
    groups = inputs.peer_groups
    if a not in groups or b not in groups:
        others = [g for g in groups if g != "all"]
        if len(others) < 2:
            return None
        a, b = others[0], others[1]
    bm = inputs.benchmarks.drop_duplicates(["peer_group", "block"]).set_index(["peer_group", "block"])["peer_mean"]
    rows = []
    for blk in inputs.blocks:
        ma, mb = bm.get((a, blk), np.nan), bm.get((b, blk), np.nan)
        if pd.notna(ma) and pd.notna(mb):
            rows.append(
                {
                    "block": blk,
                    "label": inputs.instrument.block_label(blk),
                    f"{a}_mean": ma,
                    f"{b}_mean": mb,
                    "difference": ma - mb,
                }
            )
    if not rows:
        return None
    fig = pd.DataFrame(rows)
    above = fig[fig["difference"] > 0]
    big_row = fig.loc[cast(int, fig["difference"].abs().idxmax())]
    big_name = block_name(inputs.instrument, str(big_row["block"]))
    return {
        "id": "peer_groups",
        "title": f"{a.title()} and {b.title()} territories",
        "statement": f"The {a} mean is above the {b} mean in {len(above)} of {len(fig)} blocks; the largest "
        f"difference is on {big_name} ({num(big_row['difference'])} points).",
        "rule": f"Mean of the published block scores of the members of the peer groups '{a}' and '{b}' "
        "(benchmarks.csv, peer_mean), per block; group means need at least "
        f"{inputs.parameters.get('min_peer_regions', 3)} published members.",
        "evidence": "Differences: "
        + ", ".join(
            f"{blk} {'+' if d > 0 else ''}{num(d)}"
            for blk, d in zip(fig["block"].tolist(), fig["difference"].tolist(), strict=True)
        )
        + ".",
        "figures": fig,
        "territories": [],
        "k": len(above),
        "n": len(fig),
        "withheld": 0,
    }


RULES = {
    "weakest_items": weakest_items,
    "design_role": design_role,
    "steering_seat": steering_seat,
    "neighbour_alignment": neighbour_alignment,
    "perception_gap": perception_gap,
    "weakest_block": weakest_block,
    "group_disagreement": group_disagreement,
    "widest_spread": widest_spread,
    "peer_groups": peer_groups,
}


def key_findings(inputs, params: FindingParams | None = None, *, only=None) -> list[dict]:
    """Every finding the data allow, in `ORDER` (those whose data are missing are left out)."""
    params = params or FindingParams()
    key = ("findings", params, tuple(only or ()))
    cache = getattr(inputs, "cache", None)
    if cache is not None and key in cache:
        return cache[key]
    out = []
    for fid in only or ORDER:
        f = RULES[fid](inputs, params)
        if f is not None:
            out.append(f)
    if cache is not None:
        cache[key] = out
    return out


# -- typology -------------------------------------------------------------------------------------


def typology(inputs, params: FindingParams | None = None) -> dict | None:
    """Types of approach: k-means of complete block profiles; None with fewer than k + 1 complete profiles."""
    params = params or FindingParams()
    cache = getattr(inputs, "cache", None)
    key = ("typology", params)
    if cache is not None and key in cache:
        return cache[key]
    bs = inputs.block_scores
    wide = bs.assign(score=bs["score"].where(bs["status"] == "ok")).pivot(
        index="region", columns="block", values="score"
    )
    wide = wide[[b for b in inputs.blocks if b in wide.columns]]
    complete = wide.dropna().sort_index()
    excluded = sorted(set(wide.index) - set(complete.index))
    k = params.typology_k
    result = None
    if len(complete) >= k + 1 and k >= 2:
        from sklearn.cluster import KMeans
        from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]  # a scikit-learn dependency

        # The shape of a profile, not its level: each territory's block scores minus its own mean.
        # Clustering raw scores only splits high, middle and low scorers; centred profiles group
        # territories by what they do relatively well and badly, whatever their overall level.
        shape = complete.sub(complete.mean(axis=1), axis=0)
        # One OpenMP thread. On a busy machine scikit-learn's threads wait for each other: seconds
        # for a few hundred profiles that one thread clusters in milliseconds. The labels are the
        # same; the centres' last bits (never used here) no longer depend on the number of cores.
        with threadpool_limits(limits=1, user_api="openmp"):
            km = KMeans(n_clusters=k, n_init=20, random_state=params.typology_seed).fit(shape.to_numpy())
        labels = km.labels_
        overall = shape.mean()
        # order the types by size (largest first), then by mean score, so numbering is stable
        sizes = pd.Series(labels).value_counts()
        means = complete.groupby(labels).mean()
        order = sorted(range(k), key=lambda c: (-int(sizes.get(c, 0)), -float(means.loc[c].mean())))
        rename = {c: i + 1 for i, c in enumerate(order)}
        types = pd.Series([rename[c] for c in labels], index=complete.index, name="type")
        profiles = complete.groupby(types).mean()
        profiles.insert(0, "territories", types.value_counts().sort_index())
        shapes = shape.groupby(types).mean()
        ins = inputs.instrument
        desc = []
        for t, row in profiles.iterrows():
            rel = (shapes.loc[t, inputs.blocks] - overall).sort_values()
            members = list(types[types == t].index)
            # the block that departs most, and a second one only when it departs by a few points too
            ahead = [b for i, b in enumerate(rel.index[::-1][:2]) if rel[b] > 0 and (i == 0 or rel[b] >= 3)]
            behind = [b for i, b in enumerate(rel.index[:2]) if rel[b] < 0 and (i == 0 or rel[b] <= -3)]

            def said(blocks: list, rel=rel) -> str:
                return " and ".join(
                    f"{block_name(ins, b)} ({'+' if rel[b] >= 0 else '−'}{num(abs(rel[b]))})" for b in blocks
                )

            parts = []
            if ahead:
                parts.append(f"relatively stronger than the other types on {said(ahead)}")
            if behind:
                parts.append(f"relatively weaker on {said(behind)}")
            desc.append(
                {
                    "type": int(t),
                    "territories": members,
                    "summary": f"Type {t} ({len(members)} territories, mean score {num(row[inputs.blocks].mean())}): "
                    + ("; ".join(parts) or "a profile as flat as the average")
                    + ". Figures are points against each territory's own mean, compared with all profiles.",
                }
            )
        result = {
            "k": k,
            "assignments": types.reset_index().rename(columns={"index": "region"}),
            "profiles": profiles.reset_index(),
            "descriptions": desc,
            "excluded": excluded,
            "rule": f"k-means clustering (scikit-learn, k = {k}, 20 starts, seed {params.typology_seed}) of the "
            f"territories' profile shapes: each territory's published block scores ({', '.join(inputs.blocks)}) "
            "minus its own mean, so that types differ by what a territory does relatively well or badly, not by "
            "its overall level. Only complete profiles (every block published) take part; types are numbered by "
            "size. Each type is described by the blocks where its mean shape departs most from the mean shape "
            "of all profiles; the table gives its mean block scores.",
        }
    if cache is not None:
        cache[key] = result
    return result


# -- ranks on request ------------------------------------------------------------------------------


def rank_intervals(block_scores: pd.DataFrame, block: str) -> pd.DataFrame:
    """Range of ranks each territory's interval allows on one block (1 = highest).

    A territory is placed ahead of another only when its interval lies wholly above the other's:
    best rank = 1 + number of territories whose lower bound exceeds its upper bound; worst rank =
    number of territories whose upper bound is not below its lower bound (itself included).
    """
    pub = _published(block_scores[block_scores["block"] == block]).sort_values("region")
    lo = pub["ci_low"].fillna(pub["score"]).to_numpy()
    hi = pub["ci_high"].fillna(pub["score"]).to_numpy()
    best = 1 + (lo[None, :] > hi[:, None]).sum(axis=1)
    worst = (hi[None, :] >= lo[:, None]).sum(axis=1)
    return pd.DataFrame(
        {
            "region": pub["region"].to_numpy(),
            "score": pub["score"].to_numpy(),
            "ci_low": pub["ci_low"].to_numpy(),
            "ci_high": pub["ci_high"].to_numpy(),
            "rank_best": best,
            "rank_worst": worst,
        }
    )


def describe_interval(row) -> str:
    return interval(row["score"], row["ci_low"], row["ci_high"])
