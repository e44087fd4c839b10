"""A territory's own view of the synergy topics: its own neighbours and its own pairs' figures.

A synergy topic (`analysis.synergy_topics`) is a connected group of territories: A–B and B–C may share a
code while A and C do not border, so the group's ``territories``, ``mean_pair_score`` and ``strength``
describe the chain, not A. Whatever speaks of one territory (its report's synergy table, the
recommendations' ``synergy_shared`` trigger and evidence) reads it from here, so that both state one
figure: partners are the other sides of the territory's pairs in ``neighbour_pairs``, strength the sum of
its own pair scores / 100, mean their mean (0–100). Results written before ``pair_scores`` existed give
no own figures: mean and strength are NaN, never the group's.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd


def _scores(raw, n: int) -> list[float]:
    """The ``pair_scores`` of a row (``"88.09 66.56"``; a lone pair's read back from CSV as a number),
    NaN each when missing or not one per pair."""
    if isinstance(raw, (str, int, float)) and not (isinstance(raw, float) and math.isnan(raw)):
        try:
            scores = [float(x) for x in str(raw).split()]
        except ValueError:
            scores = []
        if len(scores) == n:
            return scores
    return [math.nan] * n


def _number(x) -> float:
    try:
        f = float(x)
    except (TypeError, ValueError):
        return 0.0
    return 0.0 if math.isnan(f) else f


def own_topics(synergies: pd.DataFrame | Iterable[Mapping] | None, region: str) -> list[dict]:
    """The synergy topics the region is part of, each with its own neighbours (``partners``), the mean
    (0–100) and sum (0–1 each) of its own pairs' scores (``mean``, ``strength``; NaN without
    ``pair_scores``), its own priority ids and the whole group's strength (``group_strength``, for
    ordering only), strongest first by its own strength (missing last), then the group's, axis, code."""
    if synergies is None:
        return []
    rows = synergies.to_dict("records") if isinstance(synergies, pd.DataFrame) else list(synergies)
    region = str(region).strip().upper()
    out: list[dict[str, Any]] = []
    for r in rows:
        split = [p.split("|") for p in str(r.get("neighbour_pairs") or "").split()]
        pairs = [(a.strip().upper(), b.strip().upper()) for a, b in split]
        partners: list[str] = []
        own: list[float] = []
        for (a, b), s in zip(pairs, _scores(r.get("pair_scores"), len(pairs)), strict=True):
            if region in (a, b):
                partners.append(b if a == region else a)
                own.append(s)
        if not partners:
            continue
        evidence = str(r.get("evidence_priorities") or "").split()
        title = r.get("topic_title")
        out.append(
            {
                "axis": str(r.get("topic_axis") or ""),
                "code": str(r.get("topic_code") or ""),
                "title": "" if title is None or (isinstance(title, float) and math.isnan(title)) else str(title),
                "partners": list(dict.fromkeys(partners)),
                "mean": sum(own) / len(own),
                "strength": sum(own) / 100.0,
                "priorities": [p.split(":", 1)[1] for p in evidence if p.upper().startswith(f"{region}:")],
                "group_strength": _number(r.get("strength")),
            }
        )
    out.sort(key=lambda x: (-_or(x["strength"], -1.0), -x["group_strength"], x["axis"], x["code"]))
    return out


def _or(v: float, default: float) -> float:
    return default if math.isnan(v) else v


__all__ = ["own_topics"]
