"""The evidence scoreboard beside the survey in the regional report: areas, index with its range, no rank."""

from __future__ import annotations

import pytest
from report_support import make_results

from s3stresstest.report.inputs import ReportInputs
from s3stresstest.report.regional import build_regional


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    folder = make_results(tmp_path_factory.mktemp("sb") / "run", ["ITC1", "ITC4", "ITH3", "AT32", "DE2", "SI"])
    return ReportInputs.load(folder)


def test_regional_report_shows_the_territorys_scoreboard_with_its_range(inputs):
    board = inputs.scoreboard
    assert board is not None and not board.empty
    index = board[(board["region"] == "AT32") & (board["level"] == 3)].iloc[0]
    text = build_regional(inputs, "AT32").text()
    assert "Evidence scoreboard: " in text and "R&D investment" in text
    assert f"{index['score']:.0f} (range {index['low']:.0f}–{index['high']:.0f})" in text
    assert "it is not a rank" in text
    de = build_regional(inputs, "AT32", language="de").text()
    assert "Evidenz-Scoreboard" in de and "F&E-Investitionen" in de and "Evidence scoreboard" not in de


def test_a_run_without_scoreboard_leaves_the_table_out(inputs):
    kept, inputs.scoreboard = inputs.scoreboard, None
    try:
        assert "Evidence scoreboard" not in build_regional(inputs, "AT32").text()
    finally:
        inputs.scoreboard = kept
