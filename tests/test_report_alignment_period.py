"""Issue 14: the regional report's alignment section says which S3 period it compares and where the
strategies come from, and says so when the national comparison spans two periods."""

from __future__ import annotations

import pytest
from report_support import make_results

from s3stresstest.report import ReportInputs
from s3stresstest.report.regional import alignment_section
from s3stresstest.report.render import Document


def _text(section) -> str:
    doc = Document("regional", "t")
    doc.sections.append(section)
    return doc.text()


@pytest.fixture(scope="module")
def inputs(tmp_path_factory, shared_data):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("S3ST_DATA_DIR", str(shared_data))
        folder = make_results(tmp_path_factory.mktemp("per") / "results", seed=3)
    return ReportInputs.load(folder, data_folder=shared_data)


def test_the_alignment_section_names_the_period_and_the_sources(inputs):
    text = _text(alignment_section(inputs, "ITH2", "en"))
    assert "for this territory the S3 2021–2027" in text
    assert "Alignment of the strategy (S3 2021–2027)" in text
    # the strategies compared, with period, source and reading date; the national one is older, and said so
    assert "Strategies compared" in text and "National strategy (IT) | S3 2014–2020" in text
    assert "www.researchitaly.it" in text and "official strategy" in text and "2026-11-25" in text
    assert "secondary source" in text and "2026-12-06" in text  # Trento's 2021-2027 source
    assert "The national strategy compared (IT) is the S3 2014–2020, the latest sourced" in text
    assert "inputs/s3_priorities_2014_2020_and_2021_2027.csv" in text
    # the pairs table gives each other strategy's period
    assert "IT | national | S3 2014–2020" in text
    italian = _text(alignment_section(inputs, "ITH2", "it"))
    assert "Strategie confrontate" in italian and "la più recente con fonte" in italian


def test_a_territory_without_a_national_s3_says_so_in_words(inputs):
    text = _text(alignment_section(inputs, "AT31", "en"))
    assert "for this territory the S3 2020–2030" in text
    assert "no national S3 of AT is in the sourced data" in text
    assert "National strategy (" not in text and "two periods" not in text


def test_a_run_pinned_to_2014_2020_says_so(tmp_path, shared_data):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("S3ST_DATA_DIR", str(shared_data))
        folder = make_results(tmp_path / "results", seed=3, period="2014-2020")
    pinned = ReportInputs.load(folder, data_folder=None, reference_data=False)
    assert pinned.record["alignment"]["period"] == "2014-2020"
    text = _text(alignment_section(pinned, "ITH2", "en"))
    assert "Only the S3 strategies of 2014–2020 are compared" in text and "two periods" not in text
    assert "Alignment of the strategy (S3 2014–2020)" in text and "National strategy (IT) | S3 2014–2020" in text


def test_the_neighbour_alignment_finding_lists_each_territorys_s3_period(inputs):
    from s3stresstest.findings import FindingParams, key_findings
    from s3stresstest.report.synthesis import FIGURE_HEADINGS

    (found,) = key_findings(inputs, FindingParams(), only=["neighbour_alignment"])
    fig = found["figures"].set_index("region")
    assert fig.loc["ITH2", "period"] == "2021–2027" and fig.loc["AT31", "period"] == "2020–2030"
    assert FIGURE_HEADINGS["period"] == "S3 period"
