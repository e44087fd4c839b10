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

from .disclosure import publishable_distributions
from .formatting import interval
from .i18n import LANGUAGES, Translator, translator
from .instrument import pick_label
from .instrument.scope import applicable

ORDER = (
    "weakest_items",
    "design_role",
    "steering_seat",
    "neighbour_alignment",
    "perception_gap",
    "scoreboard_gap",
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
    # the block compared with the evidence scoreboard: the StressTest has no block on the region's innovation
    # performance as such; b6 (the regional cluster portfolio: critical mass, reach, management, links) is the
    # one about the region's innovation ecosystem rather than about the S3 process
    evidence_block: str = "b6"
    evidence_gap: float = (
        25.0  # ... flagged when positions differ by at least this (percentile points) beyond the ranges
    )
    max_listed: int = 12  # territories named in a one-line evidence

    def record(self) -> dict:
        out = asdict(self)
        out["peer_groups"] = list(self.peer_groups)
        return out


AREA = "area of the questionnaire"


def pgettext(context: str, message: str) -> str:
    """Mark a message with its context for translation (the extraction finds it by this name); it is
    translated where it is used. The context keeps a short area name ("monitoring and evaluation") apart
    from the same words elsewhere, which other parts of the product may translate differently."""
    return message


# Short names of the StressTest's blocks, used when the block's label is the StressTest question
# (checked by its opening words), so that prose can name a block without its code or a full question.
BLOCK_NAMES: dict[str, tuple[str, str]] = {
    # TRANSLATORS: short names of the questionnaire's areas, used inside sentences ("... on {area}")
    "b1": ("What role do clusters play", pgettext("area of the questionnaire", "clusters' role in designing the S3")),
    "b2": (
        "Is S3 in line",
        pgettext("area of the questionnaire", "alignment with national and neighbouring strategies"),
    ),
    "b3": ("How is S3 being implemented", pgettext("area of the questionnaire", "implementation and support schemes")),
    "b4": (
        "At the cluster organisation, are there any tools",
        pgettext("area of the questionnaire", "monitoring and evaluation"),
    ),
    "b5": ("What impact does S3 have", pgettext("area of the questionnaire", "impact on the cluster organisations")),
    "b6": (
        "How effective is the regional cluster portfolio",
        pgettext("area of the questionnaire", "the cluster portfolio"),
    ),
}


def block_name(instrument, block: str, language: str | None = None) -> str:
    """A block as prose names it: a short name for the StressTest's blocks, else its label (never the code)."""
    label = instrument.block_label(block, language)
    known = BLOCK_NAMES.get(block)
    if known and instrument.block_label(block).startswith(known[0]):
        return translator(language if language in LANGUAGES else "en").pgettext(AREA, known[1])
    return label.rstrip("?").strip() or block


def _namer(inputs) -> Callable[[str], str]:
    """`inputs.name` with the name table read once (`StressTestRun.name` rebuilds it on every call)."""
    names = inputs.names
    return lambda code: names.get(code, code)


def _listing(t: Translator, pairs: list[tuple[Any, str]], limit: int) -> str:
    shown = ", ".join(f"{c} {v}" for c, v in pairs[:limit])
    more = len(pairs) - limit
    if more > 0:
        # TRANSLATORS: a list of territories with their figures, cut short: "AT32 71, DE21 68 and 4 more"
        return t._("{listed} and {more} more", listed=shown, more=more)
    return shown


def _codes(t: Translator, codes: list[str], limit: int) -> str:
    """Territory codes listed, cut short after `limit` ("AT32, DE21 and 4 more")."""
    shown, more = ", ".join(codes[:limit]), len(codes) - limit
    return t._("{listed} and {more} more", listed=shown, more=more) if more > 0 else shown


def _published(df: pd.DataFrame) -> pd.DataFrame:
    return df[(df["status"] == "ok") & df["score"].notna()]


def _question(inputs, item: str, t: Translator) -> str:
    """A question's text in the translator's language, without its closing mark."""
    ins = inputs.instrument
    label = ins.item_label(item, t.language) if ins.has_item(item) else item
    return str(label).rstrip(".?").strip()


def _choice(inputs, item: str, choice: str, t: Translator) -> str:
    """An answer option's label in the translator's language (the option's name when unknown)."""
    ins = inputs.instrument
    choices = ins.choices_of(ins.item(item)) if ins.has_item(item) else None
    found = choices.get(choice) if choices is not None else None
    return pick_label(found.labels, t.language) if found is not None else choice


def threshold_text(t: Translator, v: Any) -> str:
    """A threshold as set: whole numbers without decimals, others with one ('47,5' in German)."""
    return t.number(v, 0 if float(v).is_integer() else 1)


def _left_out(t: Translator, withheld: int, without: int) -> str:
    """Who is not compared, by count; a count of 0 is not printed ("withheld (0)" read like missing as 0)."""
    parts = []
    if withheld:
        parts.append(
            t.ngettext(
                "{n} territory with a withheld score is not compared.",
                "{n} territories with a withheld score are not compared.",
                withheld,
            )
        )
    if without:
        parts.append(
            t.ngettext(
                "{n} territory without a scoreboard index is not compared.",
                "{n} territories without a scoreboard index are not compared.",
                without,
            )
        )
    return " ".join(parts) or t._("Every territory has a published score and a scoreboard index.")


def _en(t: Translator | None) -> Translator:
    return t if t is not None else translator("en")


# -- the findings -----------------------------------------------------------------------------------


def design_role(inputs, p: FindingParams, t: Translator | None = None) -> dict | None:
    t = _en(t)
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
    area = block_name(inputs.instrument, p.design_block, t.language)
    threshold = threshold_text(t, p.high_score)
    if len(high):
        listing = _listing(
            t,
            [(r.region, t.number(r.score)) for r in high.sort_values("score", ascending=False).itertuples()],
            p.max_listed,
        )
        reached = t._("At or above {threshold}: {listing}.", threshold=threshold, listing=listing)
    else:
        reached = t._("No territory reaches {threshold}.", threshold=threshold)
    median = t.ngettext(
        "Median of the {n} published score: {median}.",
        "Median of the {n} published scores: {median}.",
        n,
        median=t.number(pub["score"].median()),
    )
    return {
        "id": "design_role",
        "title": t._("Clusters' role in designing the S3"),
        "statement": t.ngettext(
            "{k} of {n} territory has a score of at least {threshold} on {area}.",
            "{k} of {n} territories have a score of at least {threshold} on {area}.",
            n,
            k=len(high),
            threshold=threshold,
            area=area,
        ),
        "rule": t.ngettext(
            "Count the territories whose published score on {area} is at least {threshold} (of 100); "
            "{withheld} territory whose score is withheld is not counted.",
            "Count the territories whose published score on {area} is at least {threshold} (of 100); "
            "{withheld} territories whose score is withheld are not counted.",
            withheld,
            area=area,
            threshold=threshold,
            withheld=t.integer(withheld),
        )
        if withheld
        else t._(
            "Count the territories whose published score on {area} is at least {threshold} (of 100); every "
            "territory's score is published.",
            area=area,
            threshold=threshold,
        ),
        "evidence": f"{reached} {median}",
        "figures": figures,
        "territories": list(high["region"]),
        "k": len(high),
        "n": n,
        "withheld": withheld,
    }


def steering_seat(inputs, p: FindingParams, t: Translator | None = None) -> dict | None:
    t = _en(t)
    d = inputs.distributions
    if not inputs.instrument.has_item(p.seat_item):
        return None
    # the shares a report would print: one standing for fewer than k respondents (or pooled with one) is withheld
    multiple = inputs.instrument.item(p.seat_item).type == "select_multiple"
    d = publishable_distributions(d[d["item"] == p.seat_item], inputs.min_respondents, [p.seat_item] * multiple)
    rows = d[d["choice"] == p.seat_choice]
    if rows.empty:
        return None
    pub = rows[rows["share"].notna()].sort_values("region")
    n, withheld = len(pub), int(rows["region"].nunique() - len(pub))
    if n == 0:
        return None
    most = pub[pub["share"] >= p.majority_share]
    question = _question(inputs, p.seat_item, t)
    choice = _choice(inputs, p.seat_item, p.seat_choice, t)
    share = t.percent(p.majority_share)
    figures = pub.assign(name=pub["region"].map(_namer(inputs)), most=pub["share"] >= p.majority_share)[
        ["region", "name", "share", "n", "most"]
    ].reset_index(drop=True)
    if len(most):
        listing = _listing(
            t,
            [(r.region, t.percent(r.share)) for r in most.sort_values("share", ascending=False).itertuples()],
            p.max_listed,
        )
        reached = t._("At or above {threshold}: {listing}.", threshold=share, listing=listing)
    else:
        reached = t._("No territory reaches the threshold.")
    return {
        "id": "steering_seat",
        "title": t._("A seat in the S3 steering body"),
        "statement": t.ngettext(
            "In {k} of {n} territory at least {share} of respondents answer “{choice}” to “{question}”.",
            "In {k} of {n} territories at least {share} of respondents answer “{choice}” to “{question}”.",
            n,
            k=len(most),
            share=share,
            choice=choice,
            question=question,
        ),
        "rule": t.ngettext(
            "Share of respondents answering “{choice}” to the question “{question}” among those who answered "
            "it; a territory is counted when the share is at least {share}. Only published shares count: {withheld} "
            "territory's share is withheld (fewer than {k} respondents behind it or behind a smaller answer).",
            "Share of respondents answering “{choice}” to the question “{question}” among those who answered "
            "it; a territory is counted when the share is at least {share}. Only published shares count: "
            "{withheld} territories' shares are withheld (fewer than {k} respondents behind them or behind a "
            "smaller answer).",
            withheld,
            choice=choice,
            question=question,
            withheld=t.integer(withheld),
            share=share,
            k=t.integer(inputs.min_respondents),
        )
        if withheld
        else t._(
            "Share of respondents answering “{choice}” to the question “{question}” among those who answered "
            "it; a territory is counted when the share is at least {share}. Every territory's share is published.",
            choice=choice,
            question=question,
            share=share,
        ),
        "evidence": reached + " " + t._("Median share: {median}.", median=t.percent(pub["share"].median())),
        "figures": figures,
        "territories": list(most["region"]),
        "k": len(most),
        "n": n,
        "withheld": withheld,
    }


def neighbour_alignment(inputs, p: FindingParams, t: Translator | None = None) -> dict | None:
    t = _en(t)
    tab = inputs.alignment.get("alignment_territories")
    if tab is None or tab.empty or "neighbours_mean" not in tab.columns:
        return None
    campaign = set(inputs.territories)
    tab = tab[tab["territory"].isin(campaign)]
    with_n = tab[tab["neighbours_mean"].notna()].sort_values("territory")
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
    if "period" in with_n.columns:  # which S3 of each territory was compared (runs before issue 14 lack it)
        figures.insert(2, "period", ["" if pd.isna(x) else str(x).replace("-", "\u2013") for x in with_n["period"]])
    threshold = threshold_text(t, p.neighbour_alignment)
    if len(strong):
        listing = _listing(
            t,
            [
                (r.territory, t.number(r.neighbours_mean))
                for r in strong.sort_values("neighbours_mean", ascending=False).itertuples()
            ],
            p.max_listed,
        )
        reached = t._("At or above {threshold}: {listing}.", threshold=threshold, listing=listing)
    else:
        reached = t._("No territory reaches the threshold.")
    span = t._(
        "Range: {low}–{high}.",
        low=t.number(with_n["neighbours_mean"].min()),
        high=t.number(with_n["neighbours_mean"].max()),
    )
    return {
        "id": "neighbour_alignment",
        "title": t._("Alignment with neighbouring strategies"),
        "statement": t.ngettext(
            "Alignment with the neighbours' S3 priorities is at least {threshold} (of 100) in {k} of {n} "
            "territory with sourced strategies and neighbours.",
            "Alignment with the neighbours' S3 priorities is at least {threshold} (of 100) in {k} of {n} "
            "territories with sourced strategies and neighbours.",
            n,
            threshold=threshold,
            k=len(strong),
        ),
        "rule": t._(
            "Mean alignment of a territory's S3 priorities with the priorities of its neighbouring territories' "
            "strategies (0 to 100), counted when at least {threshold}; territories without a sourced strategy or "
            "without neighbours with one are not counted ({left_out} of the campaign's {total}).",
            threshold=threshold,
            left_out=len(campaign) - n,
            total=len(campaign),
        ),
        "evidence": f"{reached} {span}",
        "figures": figures,
        "territories": list(strong["territory"]),
        "k": len(strong),
        "n": n,
        "withheld": 0,
    }


def perception_gap(inputs, p: FindingParams, t: Translator | None = None) -> dict | None:
    t = _en(t)
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
    area = block_name(inputs.instrument, block, t.language)
    figures = (
        compared[["territory", "perceived", "measured", "perceived_rank", "measured_rank", "gap", "flag"]]
        .rename(columns={"territory": "region"})
        .reset_index(drop=True)
    )
    if scale == "rank":
        rule = t._(
            "Respondents' score on {area} (perceived) against the measured alignment of the sourced strategies "
            "(mean of the vertical and neighbour alignment), compared as percentile ranks; a gap of at least "
            "{threshold} is flagged. Territories without a sourced strategy or a published perceived score are "
            "not counted.",
            area=area,
            threshold=threshold_text(t, threshold),
        )
    else:
        rule = t._(
            "Respondents' score on {area} (perceived) against the measured alignment of the sourced strategies "
            "(mean of the vertical and neighbour alignment), compared in points; a gap of at least {threshold} "
            "points is flagged. Territories without a sourced strategy or a published perceived score are not "
            "counted.",
            area=area,
            threshold=threshold_text(t, threshold),
        )
    # TRANSLATORS: stands for an empty list of territories
    none = t._("none")
    return {
        "id": "perception_gap",
        "title": t._("Perceived and measured alignment"),
        "statement": t.ngettext(
            "Perceived alignment exceeds the measured alignment in {k} of {n} territory and falls short of it "
            "in {lower}.",
            "Perceived alignment exceeds the measured alignment in {k} of {n} territories and falls short of it "
            "in {lower}.",
            n,
            k=len(higher),
            lower=len(lower),
        ),
        "rule": rule,
        "evidence": t._(
            "Perceived higher: {higher}; perceived lower: {lower}; consistent: {consistent}.",
            higher=", ".join(higher["territory"]) or none,
            lower=", ".join(lower["territory"]) or none,
            consistent=n - len(higher) - len(lower),
        ),
        "figures": figures,
        "territories": list(higher["territory"]),
        "k": len(higher),
        "n": n,
        "withheld": 0,
    }


def positions(others: np.ndarray, at: np.ndarray) -> np.ndarray:
    """Percentile position (0-100) of `at[i]` among `others[j]` for every j other than i: the share below it,
    ties counting half. `positions(scores, scores)` is the percentile rank of the scores."""
    n = len(at)
    if n < 2:
        return np.full(n, 50.0)
    off = ~np.eye(n, dtype=bool)
    below = ((others[None, :] < at[:, None]) & off).sum(axis=1)
    ties = ((others[None, :] == at[:, None]) & off).sum(axis=1)
    return (below + 0.5 * ties) / (n - 1) * 100.0


def scoreboard_comparison(inputs, block: str, min_gap: float = 0.0) -> tuple[pd.DataFrame, int, int]:
    """Respondents' view of `block` and the evidence scoreboard as percentile positions with ranges.

    Returns (figures, withheld, without_index). Compared: the territories with a published score on the
    block and a scoreboard index. Each position has a range: the score's interval (bootstrap) and the
    scoreboard's 5-95 % range, each widened to hold its score and placed among the others' ranges. A
    territory is flagged when the two position ranges do not overlap (the gap is larger than both
    uncertainties) and its positions differ by at least `min_gap` percentile points."""
    cols = [
        "region", "name", "perceived", "perceived_low", "perceived_high", "perceived_position",
        "perceived_position_low", "perceived_position_high", "evidence", "evidence_low", "evidence_high",
        "evidence_position", "evidence_position_low", "evidence_position_high", "flag",
    ]  # fmt: skip
    board = getattr(inputs, "scoreboard", None)
    bs = inputs.block_scores
    bs = bs[(bs["block"] == block) & bs["region"].isin(set(inputs.territories))]
    if board is None or board.empty or bs.empty:
        return pd.DataFrame(columns=cols), 0, 0
    index = board[(board["level"] == 3) & board["score"].notna()].drop_duplicates("region").set_index("region")
    pub = _published(bs).drop_duplicates("region").set_index("region")
    withheld = int(len(bs) - len(pub))
    both = sorted(set(pub.index) & set(index.index))
    without = len(set(pub.index) - set(index.index))
    if not both:
        return pd.DataFrame(columns=cols), withheld, without
    p, e = pub.loc[both], index.loc[both]
    ps, es = p["score"].to_numpy(float), e["score"].to_numpy(float)
    # an interval that is missing or does not hold its score is widened to hold it (never narrowed)
    p_lo = np.fmin(p["ci_low"].to_numpy(float), ps)
    p_hi = np.fmax(p["ci_high"].to_numpy(float), ps)
    e_lo = np.fmin(e["low"].to_numpy(float), es)
    e_hi = np.fmax(e["high"].to_numpy(float), es)
    fig = pd.DataFrame({"region": both, "name": [_namer(inputs)(c) for c in both]})
    for side, score, lo, hi in (("perceived", ps, p_lo, p_hi), ("evidence", es, e_lo, e_hi)):
        fig[side], fig[f"{side}_low"], fig[f"{side}_high"] = score, lo, hi
        fig[f"{side}_position"] = positions(score, score)
        # lowest position: the territory at its low, the others at their highs (and the reverse), as in
        # `rank_intervals`: a territory is placed below another only when its range lies wholly below
        fig[f"{side}_position_low"] = positions(hi, lo)
        fig[f"{side}_position_high"] = positions(lo, hi)
    gap = fig["perceived_position"] - fig["evidence_position"]
    higher = (fig["perceived_position_low"] > fig["evidence_position_high"]) & (gap >= min_gap)
    lower = (fig["perceived_position_high"] < fig["evidence_position_low"]) & (gap <= -min_gap)
    fig["flag"] = np.select([higher, lower], ["perceived higher", "perceived lower"], "consistent")
    return fig[cols], withheld, without


def scoreboard_gap(inputs, p: FindingParams, t: Translator | None = None) -> dict | None:
    t = _en(t)
    block = p.evidence_block
    if block not in set(inputs.blocks):
        return None
    fig, withheld, without = scoreboard_comparison(inputs, block, p.evidence_gap)
    n = len(fig)
    if n < p.min_territories:
        return None
    higher = fig[fig["flag"] == "perceived higher"]
    lower = fig[fig["flag"] == "perceived lower"]
    flagged = fig[fig["flag"] != "consistent"]
    area = block_name(inputs.instrument, block, t.language)
    # TRANSLATORS: stands for an empty list of territories
    none = t._("none")
    return {
        "id": "scoreboard_gap",
        "title": t._("Perceptions and the evidence scoreboard"),
        "statement": t.ngettext(
            "In {k} of {n} territory, respondents rate {area} higher or lower than the Eurostat statistics "
            "place the territory, by more than the uncertainty of both: higher in {higher}, lower in {lower}.",
            "In {k} of {n} territories, respondents rate {area} higher or lower than the Eurostat statistics "
            "place the territory, by more than the uncertainty of both: higher in {higher}, lower in {lower}.",
            n,
            k=len(flagged),
            area=area,
            higher=len(higher),
            lower=len(lower),
        ),
        "rule": t._(
            "Respondents' published score on {area} (the questionnaire's area on the region's cluster-based "
            "innovation ecosystem) against the index of the evidence scoreboard (a composite of the territory's "
            "Eurostat statistics on R&D, skills, patents and income), both as percentile positions among the "
            "territories with both (0 lowest, 100 highest). Each position has a range: from the score's "
            "{level} interval over respondents and from the scoreboard's range over {replications} variations "
            "of its weights and method; a territory is placed above another only when its range lies wholly "
            "above the other's. A territory is flagged only when the two position ranges do not overlap and the "
            "positions differ by at least {gap} points, so that a difference within the uncertainty is not "
            "called a finding.",
            area=area,
            level=t.percent(float(inputs.parameters.get("ci_level", 0.9))),
            # without grouping: "1.000" would read as a decimal beside the scores
            replications=t.number((getattr(inputs, "record", {}).get("scoreboard") or {}).get("replications", 1000)),
            gap=threshold_text(t, p.evidence_gap),
        )
        + " "
        + _left_out(t, withheld, without),
        "evidence": t._(
            "Rated higher than the statistics place them: {higher}; rated lower: {lower}; within the "
            "uncertainty: {consistent}.",
            higher=_codes(t, list(higher["region"]), p.max_listed) or none,
            lower=_codes(t, list(lower["region"]), p.max_listed) or none,
            consistent=n - len(flagged),
        ),
        "figures": fig.reset_index(drop=True),
        "territories": list(flagged["region"]),
        "k": len(flagged),
        "n": n,
        "withheld": withheld,
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


def widest_spread(inputs, p: FindingParams, t: Translator | None = None) -> dict | None:
    t = _en(t)
    spread = _block_spread(inputs)
    spread = spread[spread["territories"] >= 4]
    if spread.empty:
        return None
    top = spread.sort_values(["iqr", "block"], ascending=[False, True]).iloc[0]
    low = spread.sort_values(["iqr", "block"]).iloc[0]
    ins = inputs.instrument
    top_area = block_name(ins, str(top["block"]), t.language)
    return {
        "id": "widest_spread",
        "title": t._("Where territories differ most"),
        "statement": t._(
            "Territories differ most on {area}: the middle half of the published scores spans {iqr} points "
            "({q1}–{q3}).",
            area=top_area,
            iqr=t.number(top["iqr"]),
            q1=t.number(top["q1"]),
            q3=t.number(top["q3"]),
        ),
        "rule": t._(
            "Interquartile range of the published scores of each question block across territories (blocks with "
            "at least 4 published scores); the block with the widest range is named."
        ),
        "evidence": t._(
            "Interquartile range from {low} ({low_area}) to {high} ({high_area}); full range on {high_area}: "
            "{min}–{max}.",
            low=t.number(low["iqr"]),
            low_area=block_name(ins, str(low["block"]), t.language),
            high=t.number(top["iqr"]),
            high_area=top_area,
            min=t.number(top["min"]),
            max=t.number(top["max"]),
        ),
        "figures": spread.reset_index(drop=True),
        "territories": [],
        "k": 1,
        "n": len(spread),
        "withheld": 0,
    }


def weakest_block(inputs, p: FindingParams, t: Translator | None = None) -> dict | None:
    t = _en(t)
    spread = _block_spread(inputs)
    if spread.empty:
        return None
    low = spread.sort_values(["median", "block"]).iloc[0]
    high = spread.sort_values(["median", "block"], ascending=[False, True]).iloc[0]
    ins = inputs.instrument
    return {
        "id": "weakest_block",
        "title": t._("The weakest area"),
        "statement": t._(
            "The lowest median score across territories is on {area}: {low}, against {high} on {high_area}.",
            area=block_name(ins, str(low["block"]), t.language),
            low=t.number(low["median"]),
            high=t.number(high["median"]),
            high_area=block_name(ins, str(high["block"]), t.language),
        ),
        "rule": t._(
            "Median of the published scores of each question block across territories; the lowest and the "
            "highest are named."
        ),
        "evidence": t._(
            "Medians: {medians}.",
            medians="; ".join(
                f"{block_name(ins, str(r.block), t.language)} {t.number(r.median)}" for r in spread.itertuples()
            ),
        ),
        "figures": spread.reset_index(drop=True),
        "territories": [],
        "k": 1,
        "n": len(spread),
        "withheld": 0,
    }


def item_spread(inputs, p: FindingParams) -> pd.DataFrame:
    """Per scored question: published territories, quartiles of their scores, and how many are below `low_score`;
    a territory a question does not apply to (`instrument.scope`) is not counted on it."""
    it = _published(applicable(inputs.item_scores))
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


def weakest_items(inputs, p: FindingParams, t: Translator | None = None) -> dict | None:
    """The questions that are weak almost everywhere: the headline a cross-territory synthesis should lead with."""
    t = _en(t)
    spread = item_spread(inputs, p)
    if spread.empty:
        return None
    spread = spread.sort_values(["share_below", "median", "item"], ascending=[False, True, True])
    common = spread[spread["share_below"] >= p.most_territories]
    head = spread.iloc[0]
    threshold = threshold_text(t, p.low_score)

    def said(r) -> str:
        return t._(
            "“{question}” (median {median}, below {threshold} in {below} of {n})",
            question=_question(inputs, str(r["item"]), t),
            median=t.number(r["median"]),
            threshold=threshold,
            below=int(r["below"]),
            n=int(r["territories"]),
        )

    # one ranking, named in the first sentence: the share of territories below the threshold (ties: lower
    # median); the next question is the next by the same rule, never the first by another (lowest median)
    statement = t._(
        "Ranked by the share of territories scoring below {threshold}, the weakest question is {question}.",
        threshold=threshold,
        question=said(head),
    )
    if len(spread) > 1:
        statement += " " + t._("Next by the same rule comes {question}.", question=said(spread.iloc[1]))
    if len(common) > 1:
        statement += " " + t.ngettext(
            "{k} of {n} question scores below {threshold} in at least {share} of the territories.",
            "{k} of {n} questions score below {threshold} in at least {share} of the territories.",
            len(spread),
            k=len(common),
            threshold=threshold,
            share=t.percent(p.most_territories),
        )
    shown = spread.head(max(len(common), 5))
    figures = shown.drop(columns=["item"]).reset_index(drop=True)
    return {
        "id": "weakest_items",
        "title": t._("Questions weak almost everywhere"),
        "statement": statement,
        "rule": t._(
            "For each scored question, the published territory scores: their median and quartiles, and the number "
            "of territories scoring below {threshold} (of 100). Questions are ranked by the share of their "
            "territories scoring below {threshold} (ties: lower median) and the first two are named; questions "
            "below {threshold} in at least {share} of the territories are counted. Questions published in fewer "
            "than {min} territories are left out.",
            threshold=threshold,
            share=t.percent(p.most_territories),
            min=p.min_territories,
        ),
        "evidence": "; ".join(said(r) for r in shown.head(3).to_dict("records")) + ".",
        "figures": figures,
        "territories": [],
        "k": len(common),
        "n": len(spread),
        "withheld": 0,
    }


def group_disagreement(inputs, p: FindingParams, t: Translator | None = None) -> dict | None:
    t = _en(t)
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
    top = by_item.iloc[0] if len(by_item) else None
    common = by_item[by_item["share"] >= p.common_disagreement]
    share = t.percent(p.disagreement_share)
    statement = t.ngettext(
        "In {k} of {n} territory stakeholder groups disagree on at least {share} of the questions where they can "
        "be compared.",
        "In {k} of {n} territories stakeholder groups disagree on at least {share} of the questions where they "
        "can be compared.",
        n,
        k=len(hit),
        share=share,
    )
    if top is not None:
        fields = {
            "question": _question(inputs, str(top["item"]), t),
            "k": int(top["disagree"]),
            "total": int(top["territories"]),
        }
        if len(common) > 1:
            statement += " " + t._(
                "They disagree most often on “{question}” ({k} of {total} territories); {common} questions divide "
                "the groups in at least {share} of the territories.",
                common=len(common),
                share=t.percent(p.common_disagreement),
                **fields,
            )
        else:
            statement += " " + t._("They disagree most often on “{question}” ({k} of {total} territories).", **fields)
    return {
        "id": "group_disagreement",
        "title": t._("Stakeholder groups disagree"),
        "statement": statement,
        "rule": t.ngettext(
            "A question counts as disagreement when the published scores of at least two stakeholder groups differ "
            "by {threshold} points or more; a territory is counted when this holds for at least {share} of its "
            "compared questions (and for at least {n} question); only published questions and groups count. A "
            "threshold that every territory (or none) meets sets none apart, and the finding is then left out.",
            "A question counts as disagreement when the published scores of at least two stakeholder groups differ "
            "by {threshold} points or more; a territory is counted when this holds for at least {share} of its "
            "compared questions (and for at least {n} questions); only published questions and groups count. A "
            "threshold that every territory (or none) meets sets none apart, and the finding is then left out.",
            p.disagreement_items,
            threshold=threshold_text(t, threshold),
            share=share,
        ),
        "evidence": t._(
            "Median share of questions with disagreement per territory: {share}.",
            share=t.percent(per["share"].median()),
        ),
        "figures": per.assign(name=per["region"].map(_namer(inputs)), counted=counted)[
            ["region", "name", "items_compared", "items_disagree", "share", "counted"]
        ].reset_index(drop=True),
        "territories": list(hit["region"]),
        "k": len(hit),
        "n": n,
        "withheld": 0,
    }


def _peer_name(g: str, t: Translator) -> str:
    from .report.common import peer_label  # the report package imports this module

    return peer_label(g, language=t.language)


def peer_groups(inputs, p: FindingParams, t: Translator | None = None) -> dict | None:
    t = _en(t)
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
    ins = inputs.instrument
    names = {"a": _peer_name(a, t), "b": _peer_name(b, t)}

    def signed(d: float) -> str:
        return ("+" if d > 0 else "") + t.number(d)

    return {
        "id": "peer_groups",
        # TRANSLATORS: {a} and {b} are the names of two peer groups from the data ("Alpine", "European")
        "title": t._("Peer groups {a} and {b} compared", **names),
        "statement": t.ngettext(
            "The mean of the peer group {a} is above the mean of {b} in {k} of {n} question block; the largest "
            "difference is on {area} ({difference} points).",
            "The mean of the peer group {a} is above the mean of {b} in {k} of {n} question blocks; the largest "
            "difference is on {area} ({difference} points).",
            len(fig),
            k=len(above),
            area=block_name(ins, str(big_row["block"]), t.language),
            difference=t.number(big_row["difference"]),
            **names,
        ),
        "rule": t.ngettext(
            "Mean of the published block scores of the members of the peer groups {a} and {b}, per question block; "
            "a group's mean needs at least {n} published member.",
            "Mean of the published block scores of the members of the peer groups {a} and {b}, per question block; "
            "a group's mean needs at least {n} published members.",
            int(inputs.parameters.get("min_peer_regions", 3)),
            **names,
        ),
        "evidence": t._(
            "Differences: {differences}.",
            differences="; ".join(
                f"{block_name(ins, blk, t.language)} {signed(d)}"
                for blk, d in zip(fig["block"].tolist(), fig["difference"].tolist(), strict=True)
            ),
        ),
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
    "scoreboard_gap": scoreboard_gap,
    "weakest_block": weakest_block,
    "group_disagreement": group_disagreement,
    "widest_spread": widest_spread,
    "peer_groups": peer_groups,
}


def key_findings(inputs, params: FindingParams | None = None, *, only=None, language: str = "en") -> list[dict]:
    """Every finding the data allow, in `ORDER` (those whose data are missing are left out), with its
    texts in `language` (the figures are the same in every language)."""
    params = params or FindingParams()
    key = ("findings", params, tuple(only or ()), language)
    cache = getattr(inputs, "cache", None)
    if cache is not None and key in cache:
        return cache[key]
    t = translator(language)
    out = []
    for fid in only or ORDER:
        f = RULES[fid](inputs, params, t)
        if f is not None:
            out.append(f)
    if cache is not None:
        cache[key] = out
    return out


TEXT_COLUMNS = ("title", "statement", "rule", "evidence")


def finding_texts(inputs, params: FindingParams | None = None) -> pd.DataFrame:
    """The texts of every finding in every report language: id, language, title, statement, rule, evidence
    (the English rows equal the findings' own texts)."""
    rows = [
        {"id": f["id"], "language": lang, **{c: f[c] for c in TEXT_COLUMNS}}
        for lang in LANGUAGES
        for f in key_findings(inputs, params, language=lang)
    ]
    return pd.DataFrame(rows, columns=["id", "language", *TEXT_COLUMNS])


def type_texts(inputs, params: FindingParams | None = None) -> pd.DataFrame | None:
    """The summary of every type of the typology in every report language: type, language, summary
    (None when there is no typology)."""
    rows = []
    for lang in LANGUAGES:
        t = typology(inputs, params, language=lang)
        if t is None:
            return None
        rows += [{"type": int(d["type"]), "language": lang, "summary": d["summary"]} for d in t["descriptions"]]
    return pd.DataFrame(rows, columns=["type", "language", "summary"])


# -- typology -------------------------------------------------------------------------------------


def typology_rule(k: int, seed: int, language: str = "en") -> str:
    """How the typology is made, in words (no codes)."""
    return translator(language)._(
        "k-means clustering (scikit-learn, k = {k}, 20 starts, seed {seed}) of the territories' profile shapes: "
        "each territory's published block scores minus its own mean, so that types differ by what a territory does "
        "relatively well or badly, not by its overall level. Only complete profiles (every block published) take "
        "part; types are numbered by size. Each type is described by the question blocks where its mean shape "
        "departs most from the mean shape of all profiles; the table gives its mean block scores.",
        k=k,
        seed=seed,
    )


def _type_summary(ins, t: Translator, number: int, size: int, mean: float, rel: pd.Series) -> str:
    """One type in words: its size and level, and the blocks where its shape departs most."""
    # the block that departs most, and a second one only when it departs by a few points too
    ahead = [b for i, b in enumerate(rel.index[::-1][:2]) if rel[b] > 0 and (i == 0 or rel[b] >= 3)]
    behind = [b for i, b in enumerate(rel.index[:2]) if rel[b] < 0 and (i == 0 or rel[b] <= -3)]

    def said(blocks: list) -> str:
        parts = [
            # TRANSLATORS: an area with its difference in points, inside a sentence ("... stronger on {ahead}");
            # quote the area if your language needs it to stay grammatical there
            t._(
                "{area} ({difference})",
                area=block_name(ins, b, t.language),
                difference=("+" if rel[b] >= 0 else "−") + t.number(abs(rel[b])),
            )
            for b in blocks
        ]
        # TRANSLATORS: two areas joined: "monitoring and evaluation (+6) and the cluster portfolio (+4)"
        return parts[0] if len(parts) == 1 else t._("{first} and {second}", first=parts[0], second=parts[1])

    if ahead and behind:
        shape = t._(
            "relatively stronger than the other types on {ahead}; relatively weaker on {behind}",
            ahead=said(ahead),
            behind=said(behind),
        )
    elif ahead:
        shape = t._("relatively stronger than the other types on {ahead}", ahead=said(ahead))
    elif behind:
        shape = t._("relatively weaker than the other types on {behind}", behind=said(behind))
    else:
        shape = t._("a profile as flat as the average")
    head = t.ngettext(
        "Type {type} ({n} territory, mean score {mean})",
        "Type {type} ({n} territories, mean score {mean})",
        size,
        type=number,
        mean=t.number(mean),
    )
    return t._(
        "{type}: {shape}. Figures are points against each territory's own mean, compared with all profiles.",
        type=head,
        shape=shape,
    )


def typology(inputs, params: FindingParams | None = None, *, language: str = "en") -> dict | None:
    """Types of approach: k-means of complete block profiles; None with fewer than k + 1 complete profiles.
    The types' summaries are in `language`."""
    params = params or FindingParams()
    cache = getattr(inputs, "cache", None)
    key = ("typology", params, language)
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
        t = translator(language)
        desc = []
        for number, row in profiles.iterrows():
            rel = (shapes.loc[number, inputs.blocks] - overall).sort_values()
            members = list(types[types == number].index)
            desc.append(
                {
                    "type": int(cast(int, number)),
                    "territories": members,
                    "summary": _type_summary(
                        inputs.instrument, t, int(cast(int, number)), len(members), row[inputs.blocks].mean(), rel
                    ),
                }
            )
        result = {
            "k": k,
            "assignments": types.reset_index().rename(columns={"index": "region"}),
            "profiles": profiles.reset_index(),
            "descriptions": desc,
            "excluded": excluded,
            "rule": typology_rule(k, params.typology_seed, language),
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
