"""A territory's synergy table: only its neighbours, its own pairs, its own words.

A regional report lists, per synergy topic, the neighbours the territory itself shares it with and the
mean and strength of those pairs only, as `alignment.own_synergies.own_topics` gives them (the
recommendations' synergy trigger reads the same figures; missing when the results predate
``pair_scores``).

A priority group is named by the territory's own priority areas as their strategy writes them
(``title_original_a/b`` of ``priority_matches``), not by the English working title of the priorities
file: that title is the project's translation, used for text similarity.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from ..alignment.own_synergies import own_topics
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
