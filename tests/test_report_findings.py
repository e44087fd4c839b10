"""Key findings follow their stated rules; the typology is reproducible; ranks are intervals."""

from __future__ import annotations

import pandas as pd
import pytest
from report_support import make_results

from s3stresstest.report import (
    FindingParams,
    ReportInputs,
    key_findings,
    rank_intervals,
    typology,
)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory, shared_data):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("S3ST_DATA_DIR", str(shared_data))
        folder = make_results(tmp_path_factory.mktemp("fnd") / "results", seed=3)
    return ReportInputs.load(folder, data_folder=shared_data)


@pytest.fixture(scope="module")
def no_alignment(tmp_path_factory, shared_data):
    folder = make_results(tmp_path_factory.mktemp("fna") / "results", seed=3, alignment=False, context=False)
    return ReportInputs.load(folder, data_folder=None, reference_data=False)


def test_design_role_counts_published_scores_at_or_above_the_threshold(inputs):
    f = {x["id"]: x for x in key_findings(inputs)}["design_role"]
    b1 = inputs.block_scores[(inputs.block_scores["block"] == "b1") & (inputs.block_scores["status"] == "ok")]
    k = int((b1["score"] >= 60).sum())
    assert (f["k"], f["n"]) == (k, len(b1))
    assert f["statement"].startswith(f"{k} of {len(b1)} territories")
    assert sorted(f["territories"]) == sorted(b1.loc[b1["score"] >= 60, "region"])
    assert "at least 60" in f["rule"]
    everyone = {x["id"]: x for x in key_findings(inputs, FindingParams(high_score=0))}["design_role"]
    assert everyone["k"] == everyone["n"] == len(b1)


def test_steering_seat_uses_the_yes_share_of_published_distributions(inputs):
    f = {x["id"]: x for x in key_findings(inputs)}["steering_seat"]
    from s3stresstest.disclosure import publishable_distributions

    # only the shares a report would print: a 'yes' of 1 to k-1 respondents (or pooled with one) is withheld
    d = inputs.distributions
    d = publishable_distributions(d[d["item"] == "b1_governance_seat"], inputs.min_respondents)
    yes = d[(d["choice"] == "yes") & d["share"].notna()]
    assert f["k"] == int((yes["share"] >= 0.5).sum()) and f["n"] == len(yes)
    assert f["withheld"] == d.loc[d["choice"] == "yes", "share"].isna().sum()
    strict = {x["id"]: x for x in key_findings(inputs, FindingParams(majority_share=1.01))}["steering_seat"]
    assert strict["k"] == 0


def test_alignment_findings_follow_the_alignment_tables(inputs):
    found = {x["id"]: x for x in key_findings(inputs)}
    t = inputs.alignment["alignment_territories"]
    t = t[t["territory"].isin(inputs.territories) & t["neighbours_mean"].notna()]
    na = found["neighbour_alignment"]
    assert (na["k"], na["n"]) == (int((t["neighbours_mean"] >= 40).sum()), len(t))
    pe = found["perception_gap"]
    assert pe["n"] >= 1 and pe["k"] <= pe["n"]


def test_findings_without_alignment_leave_those_out(no_alignment):
    ids = [f["id"] for f in key_findings(no_alignment)]
    assert "neighbour_alignment" not in ids and "perception_gap" not in ids
    assert {"weakest_items", "design_role", "steering_seat", "weakest_block"} <= set(ids)
    for f in key_findings(no_alignment):
        assert {"id", "title", "statement", "rule", "evidence", "figures", "territories"} <= set(f)
        assert isinstance(f["figures"], pd.DataFrame) and len(f["figures"])


def test_typology_is_reproducible_and_described_by_mean_profiles(inputs):
    a = typology(inputs, FindingParams(typology_k=3, typology_seed=1))
    b = typology(
        ReportInputs.load(inputs.results_dir, reference_data=False), FindingParams(typology_k=3, typology_seed=1)
    )
    assert a is not None and a["k"] == 3
    pd.testing.assert_frame_equal(a["assignments"], b["assignments"])
    wide = inputs.block_scores.pivot(index="region", columns="block", values="score")
    for _, row in a["profiles"].iterrows():
        members = a["assignments"].loc[a["assignments"]["type"] == row["type"], "region"]
        assert row["territories"] == len(members)
        assert row["b1"] == pytest.approx(wide.loc[members, "b1"].mean())
    assert typology(inputs, FindingParams(typology_k=len(inputs.territories))) is None  # too few profiles


def test_rank_intervals_place_a_territory_ahead_only_without_overlap():
    bs = pd.DataFrame(
        {
            "region": ["A", "B", "C", "D"],
            "block": "b1",
            "score": [80.0, 70.0, 40.0, None],
            "ci_low": [75.0, 60.0, 30.0, None],
            "ci_high": [85.0, 78.0, 50.0, None],
            "n": 9,
            "status": ["ok", "ok", "ok", "suppressed"],
        }
    )
    r = rank_intervals(bs, "b1").set_index("region")
    assert list(r.index) == ["A", "B", "C"]  # the suppressed territory gets no rank
    assert (r.loc["A", "rank_best"], r.loc["A", "rank_worst"]) == (1, 2)
    assert (r.loc["B", "rank_best"], r.loc["B", "rank_worst"]) == (1, 2)
    assert (r.loc["C", "rank_best"], r.loc["C", "rank_worst"]) == (3, 3)


def test_reports_render_from_plain_score_results(no_alignment):
    """Results without alignment, context or reference data (as `s3stresstest score` writes them) still render."""
    from s3stresstest.report import (
        build_memo,
        build_regional,
        build_synthesis,
        render_html,
    )

    regional = render_html(build_regional(no_alignment, "ITC1"))
    assert "Alignment is not reported" in regional and "No context statistics" in regional
    assert "No structural peers" in regional
    synthesis = render_html(build_synthesis(no_alignment))
    assert "No map:" in synthesis and "Key findings" in synthesis
    memo = render_html(build_memo(no_alignment))
    assert memo.count('class="callout finding"') == 3


def test_real_results_carry_no_synthetic_notice(no_alignment):
    import copy

    from s3stresstest.report import build_regional, render_html
    from s3stresstest.report.render import PAGE_NOTICE

    real = copy.copy(no_alignment)
    real.record = dict(no_alignment.record, synthetic=False, notice=None, campaign=None)
    html = render_html(build_regional(real, "ES21"))
    assert "SYNTHETIC" not in html and PAGE_NOTICE not in html and "synthetic-banner" not in html.split("<body", 1)[1]
    assert "SYNTHETIC" in render_html(build_regional(no_alignment, "ES21"))


def test_weakest_items_names_the_question_low_in_most_territories(inputs):
    f = {x["id"]: x for x in key_findings(inputs)}["weakest_items"]
    it = inputs.item_scores[(inputs.item_scores["status"] == "ok") & inputs.item_scores["score"].notna()]
    per = it.groupby("item")["score"].agg(below=lambda s: int((s < 50).sum()), median="median", n="size")
    per = per[per["n"] >= 4].reset_index().sort_values(["below", "median", "item"], ascending=[False, True, True])
    head = per.iloc[0]
    label = inputs.instrument.item_label(head["item"]).rstrip(".?")
    assert f["statement"].startswith(
        f"Ranked by the share of territories scoring below 50, the weakest question is “{label}”"
    )
    assert f"below 50 in {head['below']} of {head['n']}" in f["statement"]
    assert f["k"] == int((per["below"] / per["n"] >= 0.75).sum()) and f["n"] == len(per)
    assert {"question", "median", "below", "territories"} <= set(f["figures"].columns)


def test_no_finding_holds_for_every_territory_by_its_threshold(inputs):
    """'In 32 of 32 territories groups disagree on at least 1 item' says nothing: such a finding is left out."""
    for f in key_findings(inputs):
        if f["id"] == "group_disagreement":
            assert 0 < f["k"] < f["n"], f["statement"]
    loose = {x["id"] for x in key_findings(inputs, FindingParams(disagreement_share=0.0))}
    assert "group_disagreement" not in loose


def test_typology_groups_profiles_by_shape_not_level(inputs):
    """Two shapes at two levels each: the types follow the shapes and are described by block name."""
    from types import SimpleNamespace

    blocks = list(inputs.blocks)
    up = [10, -10, 5, -5, 0, 0][: len(blocks)]
    down = [-10, 10, -5, 5, 0, 0][: len(blocks)]
    rows = []
    for code, level, shape in [
        ("A1", 80, up),
        ("A2", 30, up),
        ("A3", 55, up),
        ("B1", 80, down),
        ("B2", 30, down),
        ("B3", 55, down),
    ]:
        for b, d in zip(blocks, shape, strict=True):
            rows.append({"region": code, "block": b, "score": level + d, "status": "ok"})
    fake = SimpleNamespace(block_scores=pd.DataFrame(rows), blocks=blocks, instrument=inputs.instrument)
    t = typology(fake, FindingParams(typology_k=2))
    assert t is not None
    types = t["assignments"].set_index("region")["type"]
    assert types["A1"] == types["A2"] == types["A3"] != types["B1"] == types["B2"] == types["B3"]
    text = " ".join(d["summary"] for d in t["descriptions"])
    assert "relatively stronger" in text and not any(f" {b} " in text or f"{b}:" in text for b in blocks)
