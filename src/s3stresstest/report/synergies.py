"""A territory's own view of the synergy topics: only its neighbours, its own pairs, its own words.

A synergy topic of the alignment (`alignment.analysis.synergy_topics`) is a connected group of
territories: A–B and B–C may share a code while A and C do not border, so the group's territories,
mean and strength describe the chain, not A. A regional report lists, per topic, the neighbours the
territory itself shares it with (the other sides of its pairs in ``neighbour_pairs``) and the mean and
strength of those pairs only (``pair_scores``; missing when the results predate that column).

A priority group is named by the territory's own priority areas as their strategy writes them
(``title_original_a/b`` of ``priority_matches``), not by the English working title of the priorities
file: that title is the project's translation, used for text similarity.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd

from ..i18n import Translator


def original_titles(matches: pd.DataFrame | None) -> dict[tuple[str, str], str]:
    """(territory, priority id) -> the priority's title as its source writes it, from the matches table;
    empty when the table has no such columns (results written before them)."""
    out: dict[tuple[str, str], str] = {}
    if matches is None or not len(matches):
        return out
    for side in ("a", "b"):
        col = f"title_original_{side}"
        if col not in matches.columns:
            continue
        keys = zip(matches[f"territory_{side}"], matches[f"priority_{side}"], matches[col], strict=True)
        for terr, pid, title in keys:
            if isinstance(title, str) and title.strip():
                out.setdefault((str(terr), str(pid)), title.strip())
    return out


def own_topics(synergies: pd.DataFrame, region: str) -> list[dict]:
    """The synergy topics the region is part of, each with its own neighbours (``partners``), the mean
    (0–100) and sum (0–1 each) of its own pairs' scores (NaN without ``pair_scores``) and its own
    priority ids, strongest first by its own strength, then the group's."""
    out = []
    for r in synergies.to_dict("records"):
        pairs = [p.split("|") for p in str(r.get("neighbour_pairs") or "").split()]
        raw = r.get("pair_scores")  # "88.09 66.56"; a lone pair's score may have been read back as a number
        scores = [float(x) for x in str(raw).split()] if isinstance(raw, (str, int, float)) else []
        if len(scores) != len(pairs):
            scores = [math.nan] * len(pairs)
        partners, own = [], []
        for (a, b), s in zip(pairs, scores, strict=True):
            if region in (a, b):
                partners.append(b if a == region else a)
                own.append(s)
        if not partners:
            continue
        evidence = str(r.get("evidence_priorities") or "").split()
        mine = [p.split(":", 1)[1] for p in evidence if p.startswith(f"{region}:")]
        out.append(
            {
                "axis": str(r.get("topic_axis")),
                "code": str(r.get("topic_code")),
                "title": "" if r.get("topic_title") is None else str(r.get("topic_title")),
                "partners": list(dict.fromkeys(partners)),
                "mean": sum(own) / len(own),
                "strength": sum(own) / 100.0,
                "priorities": mine,
                "group_strength": float(r.get("strength") or 0.0),
            }
        )
    # own strength first (missing last), then the group's, then the code, as the table lists them
    out.sort(key=lambda x: (-_or(x["strength"], -1.0), -x["group_strength"], x["axis"], x["code"]))
    return out


def _or(v: float, default: float) -> float:
    return default if math.isnan(v) else v


def topic_label(topic: Mapping, region: str, originals: Mapping[tuple[str, str], str], language: str) -> str:
    """A topic's title in the report: a priority group by the region's own priority areas as written in
    their source (English working titles only where the source gives none); an EU list's title translated;
    a NACE or NABS title as the code list gives it."""
    from .topic_names import topic_title

    if topic.get("axis") == "priorities":
        own = [originals.get((region, pid)) for pid in topic.get("priorities") or []]
        names = list(dict.fromkeys(x for x in own if x))
        if names:
            return " / ".join(names)
    return topic_title(topic, language)


def synergy_rows(
    synergies: pd.DataFrame, region: str, t: Translator, originals: Mapping[tuple[str, str], str] | None = None
) -> list[list[str]]:
    """Up to ten of the region's synergy topics, strongest first, one row per subject (`collapse_topics`:
    "Health" on NABS, Horizon Europe and the ecosystems is one row when it joins the same neighbours)."""
    from ..recommend.topics import collapse_topics
    from .evidence import classification

    rows = []
    for tp in collapse_topics(own_topics(synergies, region))[:10]:
        named = [classification(tp["axis"], tp["code"], t.language)]
        named += [classification(o.get("axis"), o.get("code"), t.language) for o in tp.get("same_as") or []]
        rows.append(
            [
                topic_label(tp, region, originals or {}, t.language),
                "; ".join(dict.fromkeys(named)),
                " ".join(tp["partners"]),
                t.number(tp["mean"]),
                t.number(tp["strength"], 1),
            ]
        )
    return rows


__all__ = ["original_titles", "own_topics", "synergy_rows", "topic_label"]
