"""Candidate topics for transnational cooperation among a group of territories, from a run.

A topic is a code of one taxonomy axis (by default the 14 industrial ecosystems) that the
matched S3 priorities of at least two territories of the group share (`priority_matches` of the
run's alignment, neighbours and non-neighbours alike; national strategies are left out). Each
territory that holds the topic (a *partner*) is placed on four dimensions, 0–100:

- **overlap**: the best match score between its priorities on the topic and another partner's;
- **willingness** to cooperate across borders: the mean of its published scores on the b2
  questions about knowing and coordinating with other regions (`WILLINGNESS`);
- **capacity**: the mean of its published scores on the b6 questions about its clusters' mass,
  management, reach and links (`CAPACITY`);
- **closeness**: the share of the other partners that are its neighbours or structural peers.

A topic's dimension is the mean over its partners with a figure, and its score the mean of its
available dimensions (equal weights unless given). A figure withheld for anonymity (fewer than k
respondents) or absent stays missing and is named in `missing`; it is never counted as 0.
Pure: a run in, tables out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import InputError
from ..regions.names import in_brackets

WILLINGNESS = (
    "b2_knows_neighbour_s3",
    "b2_horizontal_coordination",
    "b2_joint_instruments",
    "b2_cross_border_clusters",
)
CAPACITY = ("b6_critical_mass", "b6_mgmt_quality", "b6_reach_smes", "b6_cross_regional_links")
DIMENSIONS = ("overlap", "willingness", "capacity", "closeness")
TOPIC_COLUMNS = [
    "rank", "topic", "title", "partners", "n_partners", *DIMENSIONS, "score", "best_matches", "missing",
]  # fmt: skip
POSITION_COLUMNS = ["topic", "territory", "name", *DIMENSIONS]


@dataclass
class CooperationTopics:
    """Ranked topics, each partner's position on the dimensions, and what the ranking used."""

    topics: pd.DataFrame
    positions: pd.DataFrame
    territories: list[str]
    axis: str
    weights: dict[str, float]
    synthetic: bool
    #: per topic, its best matches in words for people ("“Aerospace” (Lombardia) and “Aerospace”
    #: (Piemonte): 83 of 100"), where `best_matches` gives their codes
    match_texts: dict[str, list[str]] = field(default_factory=dict)
    #: the same matches as (priority a, territory a, priority b, territory b, score), for texts in
    #: other languages (`actionplan.starter` composes them with the `action` catalogue)
    match_parts: dict[str, list[tuple[str, str, str, str, float]]] = field(default_factory=dict)


def _published_means(item_scores: pd.DataFrame, items: Sequence[str]) -> dict[str, float]:
    ok = item_scores[(item_scores["item"].isin(items)) & (item_scores["status"] == "ok")]
    return {str(r): float(v) for r, v in ok.groupby("region")["score"].mean().items()}


def cooperation_topics(
    run,
    territories: Sequence[str] | None = None,
    *,
    axis: str = "ecosystem",
    weights: Mapping[str, float] | None = None,
    min_partners: int = 2,
) -> CooperationTopics:
    """Rank the cooperation topics of `territories` (default: every territory of the run)."""
    matches = run.alignment.get("priority_matches")
    if matches is None:
        raise InputError("this run has no alignment (it was scored without a strategies file): no topics to rank")
    group = list(territories) if territories else list(run.territories)
    unknown = [t for t in group if t not in set(run.territories)]
    if unknown:
        raise InputError(f"not territories of this run: {', '.join(unknown)}")
    if len(group) < min_partners:
        raise InputError(f"a cooperation topic needs at least {min_partners} territories; got {len(group)}")
    w = dict.fromkeys(DIMENSIONS, 1.0)
    for k, v in (weights or {}).items():
        if k not in w:
            raise InputError(f"unknown dimension '{k}'; the dimensions are {', '.join(DIMENSIONS)}")
        if not v >= 0:
            raise InputError(f"weight of {k} must be 0 or more, got {v}")
        w[k] = float(v)
    if sum(w.values()) <= 0:
        raise InputError("at least one dimension needs a positive weight")

    inside = set(group)
    m = matches[
        (matches["kind"] != "vertical") & matches["territory_a"].isin(inside) & matches["territory_b"].isin(inside)
    ]
    prefix = f"{axis}:"
    # in brackets after a priority: 'Freiburg, CH022', not '(Freiburg (CH022))'
    names = {t: in_brackets(run.name(t)) for t in group}
    # (code, a, b) -> (score, evidence, in words, parts of the words)
    best: dict[tuple[str, str, str], tuple[float, str, str, tuple]] = {}
    for r in m.itertuples(index=False):
        for code in str(r.shared_codes).split():
            if not code.startswith(prefix):
                continue
            a, b = sorted((str(r.territory_a), str(r.territory_b)))
            key = (code[len(prefix) :], a, b)
            score = float(r.score)
            if key not in best or score > best[key][0]:
                ev = f"{r.territory_a}:{r.priority_a}~{r.territory_b}:{r.priority_b} ({score:.0f})"
                a_, b_ = str(r.territory_a), str(r.territory_b)
                words = (
                    f"“{_title(r, 'a')}” ({names.get(a_, a_)}) and “{_title(r, 'b')}” ({names.get(b_, b_)}): "
                    f"{score:.0f} of 100"
                )
                parts = (_title(r, "a"), names.get(a_, a_), _title(r, "b"), names.get(b_, b_), score)
                best[key] = (score, ev, words, parts)

    willing = _published_means(run.item_scores, WILLINGNESS)
    capable = _published_means(run.item_scores, CAPACITY)
    close: set[frozenset[str]] = set()
    pairs = run.alignment.get("alignment_pairs")
    if pairs is not None:
        nb = pairs[pairs["kind"] == "neighbour"]
        close |= {frozenset((str(a), str(b))) for a, b in zip(nb["territory_a"], nb["territory_b"], strict=True)}
    if run.structural_peers is not None and len(run.structural_peers):
        sp = run.structural_peers
        close |= {frozenset((str(a), str(b))) for a, b in zip(sp["region"], sp["peer"], strict=True)}
    titles = _titles(run, axis)

    topics, positions = [], []
    match_texts: dict[str, list[str]] = {}
    match_parts: dict[str, list[tuple[str, str, str, str, float]]] = {}
    for code in sorted({k[0] for k in best}):
        edges = {(a, b): v for (c, a, b), v in best.items() if c == code}
        partners = sorted({t for ab in edges for t in ab}, key=group.index)
        if len(partners) < min_partners:
            continue
        rows = []
        for t in partners:
            own = [v[0] for (a, b), v in edges.items() if t in (a, b)]
            others = [p for p in partners if p != t]
            rows.append(
                {
                    "topic": code,
                    "territory": t,
                    "name": run.name(t),
                    "overlap": max(own),
                    "willingness": willing.get(t, np.nan),
                    "capacity": capable.get(t, np.nan),
                    "closeness": 100.0 * sum(frozenset((t, p)) in close for p in others) / len(others),
                }
            )
        pos = pd.DataFrame(rows, columns=POSITION_COLUMNS)
        dims = {d: float(pos[d].mean()) if pos[d].notna().any() else np.nan for d in DIMENSIONS}
        used = {d: v for d, v in dims.items() if not np.isnan(v) and w[d] > 0}
        score = sum(w[d] * v for d, v in used.items()) / sum(w[d] for d in used) if used else np.nan
        missing = [
            f"{d} of {t}"
            for d in ("willingness", "capacity")
            for t, v in zip(pos["territory"], pos[d], strict=True)
            if np.isnan(v)
        ]
        top = sorted(edges.values(), key=lambda v: -v[0])[:3]
        topics.append(
            {
                "topic": f"{axis}:{code}",
                "title": titles.get(code, code),
                "partners": " ".join(partners),
                "n_partners": len(partners),
                **dims,
                "score": score,
                "best_matches": "; ".join(v[1] for v in top),
                "missing": ", ".join(missing),
            }
        )
        positions.append(pos.assign(topic=f"{axis}:{code}"))
        match_texts[f"{axis}:{code}"] = [v[2] for v in top]
        match_parts[f"{axis}:{code}"] = [v[3] for v in top]
    table = pd.DataFrame(topics, columns=[c for c in TOPIC_COLUMNS if c != "rank"])
    if len(table):
        table = table.sort_values(["score", "n_partners", "topic"], ascending=[False, False, True], kind="stable")
    table.insert(0, "rank", range(1, len(table) + 1))
    pos_all = pd.concat(positions, ignore_index=True) if positions else pd.DataFrame(columns=POSITION_COLUMNS)
    return CooperationTopics(
        table.reset_index(drop=True), pos_all, group, axis, w, bool(run.synthetic), match_texts, match_parts
    )


def _title(match, side: str) -> str:
    """A matched priority's title (its code when the matches table has no title)."""
    title = str(getattr(match, f"title_{side}", "") or "").strip()
    return title if title and title != "nan" else str(getattr(match, f"priority_{side}"))


def _titles(run, axis: str) -> dict[str, str]:
    try:
        from ..alignment.taxonomy import builtin_taxonomies

        tax = builtin_taxonomies()[axis]
        return {c: tax.title(c) for c in tax.codes}
    except (KeyError, InputError):
        return {}
