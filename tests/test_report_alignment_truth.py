"""The alignment and scoreboard parts of a regional report say true things (review of 2026-12-06):

- the synergy table lists only the territory's real neighbours (real NUTS adjacency), although a synergy
  topic's group of territories reaches further through chains of neighbour pairs (ITC1–ITC4–ITH2);
- priority areas are named as their strategies write them (the priorities file's ``title_original``,
  "Aerospazio"), not by the project's English working titles, in the tables and in the recommendations;
- the evidence scoreboard's index (a value) and the percentile position it gives are named apart.
"""

from __future__ import annotations

import pandas as pd
import pytest
from report_support import make_results

from s3stresstest.alignment.model import read_builtin_strategies
from s3stresstest.i18n import translator
from s3stresstest.regions.adjacency import territory_adjacency
from s3stresstest.regions.nuts import NutsRegistry
from s3stresstest.report import ReportInputs, build_regional
from s3stresstest.report.regional import scoreboard_gap_text
from s3stresstest.report.render import Table
from s3stresstest.report.synergies import own_topics

LANGUAGES = ["en", "de", "fr", "it", "sl"]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory, shared_data):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("S3ST_DATA_DIR", str(shared_data))
        folder = make_results(tmp_path_factory.mktemp("truth") / "results", bootstrap=20)
    return ReportInputs.load(folder, data_folder=shared_data)


@pytest.fixture(scope="module")
def real_neighbours(shared_data, inputs) -> dict[str, set[str]]:
    """Each territory's neighbours among the run's, from the NUTS boundaries (not from the alignment)."""
    codes = sorted(inputs.territories)
    table = territory_adjacency(NutsRegistry.load(shared_data), codes)
    out: dict[str, set[str]] = {c: set() for c in codes}
    for a, b in zip(table["code_a"], table["code_b"], strict=True):
        out.setdefault(a, set()).add(b)
        out.setdefault(b, set()).add(a)
    return out


def _synergy_table(doc, t) -> Table:
    caption = t._("Synergy topics shared with neighbours")
    found = [b for s in doc.sections for b in s.blocks if isinstance(b, Table) and b.caption == caption]
    assert found, "no synergy table"
    return found[0]


def test_the_synergy_table_lists_only_the_territorys_real_neighbours(inputs, real_neighbours):
    syn = inputs.alignment["synergies"]
    groups = {t for x in syn["territories"] for t in x.split() if "ITC1" in x.split()}
    # the test needs a group that reaches past ITC1's neighbours (Trento, ITH2, through Lombardia)
    assert groups - real_neighbours["ITC1"] - {"ITC1"}, groups
    for lang in LANGUAGES:
        table = _synergy_table(build_regional(inputs, "ITC1", language=lang), translator(lang))
        listed = {c for row in table.rows for c in row[2].split()}
        assert listed and listed <= real_neighbours["ITC1"], (lang, listed)


def test_own_figures_count_only_the_territorys_own_pairs():
    syn = pd.DataFrame(
        [
            {
                "topic_axis": "nace",
                "topic_code": "C28",
                "topic_title": "Manufacture of machinery and equipment n.e.c.",
                "territories": "A B C",
                "neighbour_pairs": "A|B B|C",
                "evidence_priorities": "A:A-1 B:B-2 C:C-3",
                "mean_pair_score": 70.0,
                "strength": 1.4,
                "pair_scores": "80.00 60.00",
            }
        ]
    )
    (a,) = own_topics(syn, "A")
    assert a["partners"] == ["B"] and a["mean"] == 80.0 and a["strength"] == pytest.approx(0.8)
    assert a["priorities"] == ["A-1"]
    (b,) = own_topics(syn, "B")
    assert b["partners"] == ["A", "C"] and b["mean"] == 70.0 and b["strength"] == pytest.approx(1.4)
    # results written before pair_scores: the neighbours are still right, the own figures missing, never the group's
    (old,) = own_topics(syn.drop(columns=["pair_scores"]), "A")
    assert old["partners"] == ["B"] and old["mean"] != old["mean"]
    # a lone pair's score read back from CSV as a number
    lone = syn.assign(territories="A B", neighbour_pairs="A|B", pair_scores=80.0)
    assert own_topics(lone, "A")[0]["mean"] == 80.0


def _originals(code: str) -> dict[str, str]:
    """English working title -> title as the strategy writes it, for the territory's priorities."""
    return {
        p.title: p.meta["title_original"]
        for s in read_builtin_strategies()
        if s.territory == code
        for p in s.priorities
        if p.meta.get("title_original") and p.meta["title_original"] != p.title
    }


def test_priority_areas_are_named_as_their_strategies_write_them(inputs):
    originals = _originals("ITC1")
    assert "Aerospace" in originals and originals["Aerospace"] == "Aerospazio"
    t = translator("en")
    table = _synergy_table(build_regional(inputs, "ITC1", language="en"), t)
    groups = [row for row in table.rows if t._("matched priorities") in row[1]]
    assert groups, "the test needs a synergy row on matched priorities"
    titles = " / ".join(row[0] for row in groups if row[1] == t._("matched priorities"))
    for english in originals:
        assert english not in titles, (english, titles)
    assert any(row[0] in set(originals.values()) for row in groups), titles
    # the note no longer says the priority areas are in English "as their sources give them"
    note = _synergy_table(build_regional(inputs, "ITC1", language="it"), translator("it")).note
    assert "aree prioritarie" in note and "inglese, come nelle loro fonti" not in note


def test_recommendations_name_priority_areas_in_the_strategys_words(inputs):
    recs = inputs.recommendation_texts
    texts = " ".join(recs[recs["region"] == "ITC1"].astype(str).to_numpy().ravel())
    assert "Aerospazio" in texts
    assert "‘Aerospace’" not in texts and "«Aerospace»" not in texts


def test_the_scoreboard_sentence_names_the_index_apart_from_the_position(inputs):
    from s3stresstest.findings import FindingParams, key_findings

    fig = key_findings(inputs, FindingParams(), only=["scoreboard_gap"])[0]["figures"]
    r = fig.iloc[0]
    region = str(r["region"])
    assert round(r["evidence"]) != round(r["evidence_position"]), "the test needs two different figures"
    for lang in LANGUAGES:
        t = translator(lang)
        _, sentence = scoreboard_gap_text(inputs, region, t)
        index, position = t.number(r["evidence"]), t.number(r["evidence_position"])
        assert index in sentence and position in sentence, (lang, sentence)
        # the index comes with the scoreboard's own range, the position with the position's range
        assert t.number(r["evidence_low"]) in sentence and t.number(r["evidence_position_low"]) in sentence


def _synergy_figures(evidence: str) -> list[dict]:
    """The synergy_shared figures of a recommendation: its own, those merged into it and those joined (`also`)."""
    import json

    ev = json.loads(evidence)
    figures = list(ev.get("triggered_by") or []) + list(ev.get("also") or [])
    for m in ev.get("merged") or []:
        figures += list(m.get("triggered_by") or []) + list(m.get("also") or [])
    return [f for f in figures if f.get("trigger") == "synergy_shared"]


def test_synergy_recommendations_state_the_territorys_own_table_figures(inputs):
    """ITC1's recommendation said 'synergy strength 1.5 or more' from a group reaching past its neighbours
    while its own synergy table showed 0.9: every topic a recommendation counts is a row of the territory's
    table, with the same neighbours and the same strength, at least the rule's."""
    t = translator("en")
    recs = inputs.recommendations
    by_region: dict[str, list[dict]] = {}
    for region, evidence in zip(recs["region"], recs["evidence"], strict=True):
        by_region.setdefault(str(region), []).extend(_synergy_figures(evidence))
    assert "ITC1" in by_region, "the test needs ITC1's recommendations"
    checked = 0
    for region in sorted((r for r, figs in by_region.items() if figs or r == "ITC1"), key=lambda r: (r != "ITC1", r)):
        table = _synergy_table(build_regional(inputs, region, language="en"), t)
        rows = {(row[2], row[4]) for row in table.rows}  # (its own neighbours, its own strength) as shown
        for fig in by_region[region]:
            for topic in fig["topics"]:
                assert topic["strength"] >= fig["min_strength"], (region, topic)
                shown = (" ".join(topic["partners"]), t.number(topic["strength"], 1))
                assert shown in rows, (region, topic, sorted(rows))
                checked += 1
    assert checked
