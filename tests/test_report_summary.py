"""The regional executive summary is prose a policy maker can act on (issue 11, point 2).

The campaign is edited so that the cautions must appear: ITH2 keeps only 9 respondents and
ES21 loses every policy maker.
"""

from __future__ import annotations

import re

import pytest
from report_support import make_results

from s3stresstest.report import ReportInputs, build_regional, render_html


def _edit(responses):
    ith2 = responses["region"] == "ITH2"
    keep = sorted(responses.loc[ith2, "respondent_id"].unique())[:9]
    responses = responses[~ith2 | responses["respondent_id"].isin(keep)]
    return responses[~((responses["region"] == "ES21") & (responses["stakeholder_group"] == "policy_maker"))]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory, shared_data):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("S3ST_DATA_DIR", str(shared_data))
        folder = make_results(tmp_path_factory.mktemp("sum") / "results", edit=_edit, seed=7)
    return ReportInputs.load(folder, data_folder=shared_data)


def _summary(inputs, region: str) -> str:
    html = render_html(build_regional(inputs, region))
    section = html.split('id="summary"', 1)[1].split("</section>", 1)[0]
    lead = re.search(r'<p class="lead">(.*?)</p>', section, flags=re.DOTALL)
    assert lead, "the summary opens with a lead paragraph"
    return re.sub(r"<[^>]+>", "", lead.group(1))


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.])\s+(?=[A-Z])", text) if s.strip()]


@pytest.mark.parametrize("region", ["ITC1", "AT31", "DE2"])
def test_summary_names_strengths_and_weaknesses_by_question_text_with_figures(inputs, region):
    text = _summary(inputs, region)
    assert 5 <= len(_sentences(text)) <= 8, _sentences(text)
    items = inputs.item_scores[(inputs.item_scores["region"] == region) & (inputs.item_scores["status"] == "ok")]
    best = items.sort_values("score").iloc[-1]
    worst = items.sort_values("score").iloc[0]
    for r in (best, worst):
        label = inputs.instrument.item_label(r["item"]).rstrip(".?")
        assert label in text, label
        assert f"n = {int(r['n'])}" in text
    assert re.search(r"\d+ \[\d+–\d+\]", text)  # score with its interval
    assert not re.search(r"\bb\d(\.\d+)?\b", text), "no block or question codes in the prose"
    assert "against the mean" in text.lower()
    assert "stakeholder groups" in text.lower()


def test_summary_cautions_on_few_respondents(inputs, monkeypatch):
    text = _summary(inputs, "ITH2")
    assert "9 respondents (fewer than 15)" in text and "Caution" in text
    from s3stresstest.report import regional

    monkeypatch.setattr(regional, "FEW_RESPONDENTS", 5)
    assert "fewer than 5" not in _summary(inputs, "ITH2")


def test_summary_cautions_on_a_missing_stakeholder_group(inputs):
    text = _summary(inputs, "ES21")
    assert "no policy maker answered" in text


def test_block_table_stays_below_the_prose(inputs):
    html = render_html(build_regional(inputs, "AT31"))
    section = html.split('id="summary"', 1)[1].split("</section>", 1)[0]
    assert section.index('class="lead"') < section.index("State of play per block")
    assert "Above the mean of its own peer group(s)" not in section
