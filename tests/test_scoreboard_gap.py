"""Perceptions against the evidence scoreboard (finding `scoreboard_gap`): hand-computed positions and
flags, a gap within the uncertainty is never a finding, withheld scores are never used."""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from s3stresstest.findings import FindingParams, key_findings, positions, scoreboard_comparison, scoreboard_gap
from s3stresstest.instrument import load_builtin

INSTRUMENT = load_builtin()

# respondents' score on b6 with its interval, and the scoreboard index with its range
PERCEIVED = {"A": (80, 75, 85), "B": (60, 55, 65), "C": (40, 35, 45), "D": (20, 15, 25), "E": (50, 0, 100)}
EVIDENCE = {"A": (10, 5, 15), "B": (30, 25, 35), "C": (50, 45, 55), "D": (70, 65, 75), "E": (90, 85, 95)}


def make_inputs(perceived=PERCEIVED, evidence=EVIDENCE, extra_blocks=()):
    rows = [
        {"region": r, "block": "b6", "score": s, "ci_low": lo, "ci_high": hi, "n": 9, "status": "ok"}
        for r, (s, lo, hi) in perceived.items()
    ]
    rows += list(extra_blocks)
    board = pd.DataFrame(
        [
            {"region": r, "code": "scoreboard", "name": "Evidence scoreboard", "level": 3, "score": s, "low": lo,
             "high": hi, "indicators": 9, "available": 9}
            for r, (s, lo, hi) in evidence.items()
        ]
    )  # fmt: skip
    bs = pd.DataFrame(rows)
    return SimpleNamespace(
        block_scores=bs,
        scoreboard=board,
        territories=sorted(set(bs["region"]) | set(board["region"])),
        blocks=["b6"],
        names={},
        instrument=INSTRUMENT,
        parameters={"ci_level": 0.9},
        record={"scoreboard": {"replications": 1000}},
    )


def test_positions_are_percentile_ranks_among_the_others():
    v = np.array([10.0, 20.0, 20.0, 40.0])
    assert positions(v, v).tolist() == pytest.approx([0, 50, 50, 100])
    # 25 against the others: 20, 20, 40 (first: 2 of 3 below); 10, 20, 40 (2 of 3); ...; 10, 20, 20 (3 of 3)
    assert positions(v, np.array([25.0, 25.0, 25.0, 25.0])).tolist() == pytest.approx(
        [2 / 3 * 100, 2 / 3 * 100, 2 / 3 * 100, 100]
    )


def test_hand_computed_positions_and_flags():
    fig, withheld, without = scoreboard_comparison(make_inputs(), "b6", 25)
    fig = fig.set_index("region")
    # perceived: A 100 (75-100), B 75 (50-75), C 25 (25-50), D 0 (0-25), E 50 (0-100: a wide interval)
    assert fig["perceived_position"].tolist() == [100, 75, 25, 0, 50]
    assert fig["perceived_position_low"].tolist() == [75, 50, 25, 0, 0]
    assert fig["perceived_position_high"].tolist() == [100, 75, 50, 25, 100]
    # evidence: disjoint ranges, so each position is certain
    assert fig["evidence_position"].tolist() == [0, 25, 50, 75, 100]
    assert (fig["evidence_position_low"] == fig["evidence_position"]).all()
    assert (fig["evidence_position_high"] == fig["evidence_position"]).all()
    # A, B above the evidence beyond both ranges; D below; C touches (50 = 50), E's interval spans everything
    assert fig["flag"].to_dict() == {
        "A": "perceived higher",
        "B": "perceived higher",
        "C": "consistent",
        "D": "perceived lower",
        "E": "consistent",
    }
    assert (withheld, without) == (0, 0)


def test_the_finding_follows_the_shape_of_the_others_and_its_threshold():
    f = scoreboard_gap(make_inputs(), FindingParams())
    assert set(f) == {"id", "title", "statement", "rule", "evidence", "figures", "territories", "k", "n", "withheld"}
    assert (f["id"], f["k"], f["n"], f["withheld"]) == ("scoreboard_gap", 3, 5, 0)
    assert f["territories"] == ["A", "B", "D"]
    assert f["statement"].startswith("In 3 of 5 territories, respondents rate the cluster portfolio higher or lower")
    assert "higher in 2, lower in 1" in f["statement"]
    assert "at least 25 points" in f["rule"] and "90%" in f["rule"] and "1000 variations" in f["rule"]
    assert "Rated higher than the statistics place them: A, B; rated lower: D" in f["evidence"]
    # B's positions differ by 50 points: not a finding when 60 are asked for
    strict = scoreboard_gap(make_inputs(), FindingParams(evidence_gap=60))
    assert strict["territories"] == ["A", "D"]


def test_too_few_territories_or_no_scoreboard_gives_no_finding():
    few = make_inputs({k: PERCEIVED[k] for k in "ABC"})
    assert scoreboard_gap(few, FindingParams()) is None
    none = make_inputs()
    none.scoreboard = None
    assert scoreboard_gap(none, FindingParams()) is None
    assert [f["id"] for f in key_findings(none, only=["scoreboard_gap"])] == []


def test_withheld_scores_are_not_used_and_are_counted():
    """A suppressed score never enters the positions, even when a number stands in its row."""
    withheld = {"region": "F", "block": "b6", "score": 99.0, "ci_low": 98.0, "ci_high": 100.0, "n": 2,
                "status": "suppressed"}  # fmt: skip
    lacking = {"region": "G", "block": "b6", "score": np.nan, "ci_low": np.nan, "ci_high": np.nan, "n": 4,
               "status": "insufficient"}  # fmt: skip
    evidence = {**EVIDENCE, "F": (1, 0, 2), "G": (99, 98, 100)}
    inputs = make_inputs(evidence=evidence, extra_blocks=[withheld, lacking])
    fig, n_withheld, without = scoreboard_comparison(inputs, "b6", 25)
    assert sorted(fig["region"]) == list("ABCDE") and (n_withheld, without) == (2, 0)
    plain = scoreboard_comparison(make_inputs(), "b6", 25)[0]
    pd.testing.assert_frame_equal(fig.reset_index(drop=True), plain.reset_index(drop=True))
    f = scoreboard_gap(inputs, FindingParams())
    assert f["withheld"] == 2 and "2 territories with a withheld score are not compared" in f["rule"]


def test_a_published_score_without_scoreboard_index_is_counted_apart():
    inputs = make_inputs(evidence={k: v for k, v in EVIDENCE.items() if k != "E"})
    fig, _, without = scoreboard_comparison(inputs, "b6", 25)
    assert "E" not in set(fig["region"]) and without == 1


ranges = st.lists(st.tuples(st.floats(0, 100), st.floats(0, 30), st.floats(0, 30)), min_size=4, max_size=8)


@settings(max_examples=60, deadline=None)
@given(perceived=ranges, evidence=ranges, widen=st.data())
def test_widening_any_interval_never_adds_a_flag(perceived, evidence, widen):
    n = min(len(perceived), len(evidence))
    names = [f"R{i}" for i in range(n)]
    p = {r: (s, s - a, s + b) for r, (s, a, b) in zip(names, perceived, strict=False)}
    e = {r: (s, s - a, s + b) for r, (s, a, b) in zip(names, evidence, strict=False)}
    params = FindingParams(evidence_gap=widen.draw(st.sampled_from([0.0, 10.0, 25.0])))
    before = scoreboard_comparison(make_inputs(p, e), "b6", params.evidence_gap)[0].set_index("region")["flag"]
    more = widen.draw(st.lists(st.floats(0, 20), min_size=4 * n, max_size=4 * n))
    p2 = {r: (s, lo - more[4 * i], hi + more[4 * i + 1]) for i, (r, (s, lo, hi)) in enumerate(p.items())}
    e2 = {r: (s, lo - more[4 * i + 2], hi + more[4 * i + 3]) for i, (r, (s, lo, hi)) in enumerate(e.items())}
    after = scoreboard_comparison(make_inputs(p2, e2), "b6", params.evidence_gap)[0].set_index("region")["flag"]
    flagged_before = set(before[before != "consistent"].index)
    flagged_after = set(after[after != "consistent"].index)
    assert flagged_after <= flagged_before
    # a flag that stays keeps its direction
    assert all(after[r] == before[r] for r in flagged_after)


def test_no_interval_at_all_flags_by_positions_alone():
    """Without intervals (zero width) the rule is the percentile gap: the ranges are points."""
    p = {r: (s, s, s) for r, (s, _, _) in PERCEIVED.items()}
    e = {r: (s, s, s) for r, (s, _, _) in EVIDENCE.items()}
    fig = scoreboard_comparison(make_inputs(p, e), "b6", 25)[0].set_index("region")
    # E: perceived 50, evidence 100 -> lower by 50; C: 25 against 50 -> lower by 25 (at the threshold)
    assert fig.loc["E", "flag"] == "perceived lower" and fig.loc["C", "flag"] == "perceived lower"
    assert replace(FindingParams(), evidence_gap=26).evidence_gap == 26
    fig26 = scoreboard_comparison(make_inputs(p, e), "b6", 26)[0].set_index("region")
    assert fig26.loc["C", "flag"] == "consistent"


# -- in the reports ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def report_inputs(tmp_path_factory):
    """A small run whose scoreboard is set to the reverse of respondents' view of the cluster portfolio,
    with point ranges: the territory respondents rate highest is lowest on the evidence."""
    from report_support import make_results

    from s3stresstest.report.inputs import ReportInputs

    regions = ["ITC1", "ITC4", "ITH3", "AT32", "DE2", "SI", "ES21", "AT31"]
    inputs = ReportInputs.load(make_results(tmp_path_factory.mktemp("sbgap") / "run", regions))
    b6 = inputs.block_scores.query("block == 'b6' and status == 'ok'").sort_values("score")
    board = inputs.scoreboard.copy()
    index = board["level"] == 3
    reverse = {r: 90.0 - 10 * i for i, r in enumerate(b6["region"])}
    board.loc[index, "score"] = board.loc[index, "region"].map(reverse)
    board.loc[index, "low"] = board.loc[index, "score"]
    board.loc[index, "high"] = board.loc[index, "score"]
    inputs.scoreboard = board
    inputs.cache.clear()
    return inputs, list(b6["region"])


def test_the_regional_report_of_a_flagged_territory_says_so_with_its_figures(report_inputs):
    from s3stresstest.report.regional import build_regional

    inputs, order = report_inputs
    f = key_findings(inputs, only=["scoreboard_gap"])[0]
    fig = f["figures"].set_index("region")
    top = order[-1]  # highest on b6, lowest on the scoreboard
    assert fig.loc[top, "flag"] == "perceived higher" and top in f["territories"]
    r = fig.loc[top]
    text = build_regional(inputs, top).text()
    assert "Respondents rate the cluster portfolio higher than the Eurostat statistics place the territory" in text
    assert f"their score of {r['perceived']:.0f} (interval {r['perceived_low']:.0f}–{r['perceived_high']:.0f})" in text
    assert f"puts it at position {r['evidence_position']:.0f} (range" in text and "larger than the uncertainty" in text
    de = build_regional(inputs, top, language="de").text()
    assert "Respondents rate" not in de and "Eurostat" in de
    calm = [c for c in fig.index if fig.loc[c, "flag"] == "consistent"]
    for c in calm[:1]:
        assert "do not differ by more than their uncertainty" in build_regional(inputs, c).text()


def test_the_synthesis_lists_the_finding_with_its_ranges(report_inputs):
    from s3stresstest.report.synthesis import build_synthesis

    inputs, _ = report_inputs
    text = build_synthesis(inputs).text()
    assert "Perceptions and the evidence scoreboard" in text
    assert "by more than the uncertainty of both" in text
    assert "Scoreboard position" in text and "Perceived position" in text
    assert "Perceived position low" not in text  # a range is one cell, not three columns
