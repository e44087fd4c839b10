"""Cooperation topics: hand-computed dimensions, missing stays missing, diamonds, the command."""

from __future__ import annotations

import math
from types import SimpleNamespace

import pandas as pd
import pytest
from typer.testing import CliRunner

from s3stresstest.cli import app
from s3stresstest.cooperation import cooperation_topics, diamond_svg
from s3stresstest.errors import InputError
from s3stresstest.run import ReferenceData, run_demo, write_run

NAMES = {"AA": "Alpha", "BB": "Beta", "CC": "Gamma", "NAT": "Nation"}


def match(a, b, kind, score, codes, pa="1", pb="1"):
    return {
        "territory_a": a, "territory_b": b, "kind": kind, "alignment_score": 0.0, "priority_a": f"{a}-{pa}",
        "title_a": "", "priority_b": f"{b}-{pb}", "title_b": "", "score": score, "shared_codes": codes,
    }  # fmt: skip


def item(region, name, score, status="ok"):
    return {"region": region, "item": name, "block": name[:2], "score": score, "ci_low": None, "ci_high": None,
            "n": 20, "status": status}  # fmt: skip


def fake_run():
    matches = pd.DataFrame(
        [
            match("AA", "BB", "neighbour", 80.0, "ecosystem:health nace:Q86"),
            match("AA", "BB", "neighbour", 60.0, "ecosystem:health", "2", "2"),
            match("BB", "CC", "other", 50.0, "ecosystem:health ecosystem:digital"),
            match("AA", "NAT", "vertical", 99.0, "ecosystem:digital"),  # national strategy: never a partner
        ]
    )
    pairs = pd.DataFrame({"territory_a": ["AA"], "territory_b": ["BB"], "kind": ["neighbour"]})
    items = pd.DataFrame(
        [
            item("AA", "b2_joint_instruments", 40.0),
            item("AA", "b2_cross_border_clusters", 60.0),
            item("AA", "b6_critical_mass", 70.0),
            item("BB", "b2_joint_instruments", 30.0),
            item("BB", "b2_cross_border_clusters", 90.0, status="withheld"),  # fewer than k: not used
            item("CC", "b6_mgmt_quality", 20.0),
        ]
    )
    peers = pd.DataFrame(
        {"region": ["CC"], "level": [2], "rank": [1], "peer": ["BB"], "peer_name": ["Beta"], "distance": [0.1]}
    )
    return SimpleNamespace(
        alignment={"priority_matches": matches, "alignment_pairs": pairs},
        item_scores=items,
        structural_peers=peers,
        territories=["AA", "BB", "CC"],
        name=NAMES.get,
        synthetic=True,
    )


def test_dimensions_are_computed_by_hand_and_missing_stays_missing():
    result = cooperation_topics(fake_run())
    topics = result.topics.set_index("topic")
    health = topics.loc["ecosystem:health"]
    assert health["partners"] == "AA BB CC" and health["n_partners"] == 3
    pos = result.positions[result.positions["topic"] == "ecosystem:health"].set_index("territory")
    # overlap: best match on the topic; AA-BB best is 80, BB-CC 50
    assert pos.loc["AA", "overlap"] == 80 and pos.loc["BB", "overlap"] == 80 and pos.loc["CC", "overlap"] == 50
    # willingness: published b2 scores only (BB's withheld 90 is not used); CC has none -> missing
    assert pos.loc["AA", "willingness"] == 50 and pos.loc["BB", "willingness"] == 30
    assert math.isnan(pos.loc["CC", "willingness"])
    assert pos.loc["AA", "capacity"] == 70 and math.isnan(pos.loc["BB", "capacity"]) and pos.loc["CC", "capacity"] == 20
    # closeness: AA-BB neighbours, BB-CC structural peers
    assert pos.loc["AA", "closeness"] == 50 and pos.loc["BB", "closeness"] == 100 and pos.loc["CC", "closeness"] == 50
    assert health["overlap"] == pytest.approx(70) and health["willingness"] == pytest.approx(40)
    assert health["capacity"] == pytest.approx(45) and health["closeness"] == pytest.approx(200 / 3)
    assert health["score"] == pytest.approx((70 + 40 + 45 + 200 / 3) / 4)
    assert health["missing"] == "willingness of CC, capacity of BB"
    # digital: only BB-CC (the national strategy is no partner)
    assert topics.loc["ecosystem:digital", "partners"] == "BB CC"
    assert list(result.topics["rank"]) == [1, 2]


def test_weights_group_and_errors():
    only_overlap = cooperation_topics(
        fake_run(), weights={"overlap": 1, "willingness": 0, "capacity": 0, "closeness": 0}
    )
    assert only_overlap.topics.set_index("topic").loc["ecosystem:health", "score"] == pytest.approx(70)
    pair = cooperation_topics(fake_run(), ["AA", "BB"])
    assert list(pair.topics["topic"]) == ["ecosystem:health"]
    with pytest.raises(InputError, match="not territories of this run: ZZ"):
        cooperation_topics(fake_run(), ["AA", "ZZ"])
    with pytest.raises(InputError, match="unknown dimension 'size'"):
        cooperation_topics(fake_run(), weights={"size": 1})
    with pytest.raises(InputError, match="no alignment"):
        cooperation_topics(SimpleNamespace(alignment={}))


def test_diamond_draws_full_partners_and_names_missing_figures():
    result = cooperation_topics(fake_run())
    pos = result.positions[result.positions["topic"] == "ecosystem:health"]
    svg = diamond_svg("Health", pos, language="de", note="SYNTHETIC")
    assert svg.count("<polygon") == 4 + 1  # 4 grid rings and AA, the only partner with all four figures
    assert "nicht veröffentlicht: Kooperationsbereitschaft" in svg and "Gamma (CC)" in svg
    full = pos.assign(willingness=50.0, capacity=50.0)
    assert diamond_svg("Health", full).count("<polygon") == 4 + 3


def test_topics_command_on_the_demo_run(shared_data, tmp_path):
    run = run_demo(seed=2017, bootstrap=20, reference=ReferenceData.load(shared_data))
    write_run(run, tmp_path / "run")
    group = "ITC1,ITC4,ITH2,ITH3,SI,AT31,AT32,DE2,DE1,FRC2,CH022"
    out = tmp_path / "topics"
    result = CliRunner().invoke(
        app, ["topics", "--results", str(tmp_path / "run"), "--territories", group, "--out", str(out), "--top", "3"]
    )
    assert result.exit_code == 0, result.output
    topics = pd.read_csv(out / "topics.csv")
    assert topics["synthetic"].all() and len(topics) >= 3
    assert set(" ".join(topics["partners"]).split()) <= set(group.split(","))
    assert topics["score"].is_monotonic_decreasing
    assert len(list((out / "diamonds").glob("*.svg"))) == 3
    assert "SYNTHETIC" in next((out / "diamonds").glob("01-*.svg")).read_text(encoding="utf-8")


def test_best_matches_in_words_name_the_priorities_and_territories():
    run = fake_run()
    run.alignment["priority_matches"].loc[0, ["title_a", "title_b"]] = ["Health", "Life sciences"]
    result = cooperation_topics(run)
    assert result.match_texts["ecosystem:health"][:2] == [
        "“Health” (Alpha) and “Life sciences” (Beta): 80 of 100",
        "“BB-1” (Beta) and “CC-1” (Gamma): 50 of 100",  # no title in the table: its code
    ]
    assert result.topics.set_index("topic").loc["ecosystem:health", "best_matches"].startswith("AA:AA-1~BB:BB-1 (80)")
