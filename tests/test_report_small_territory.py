"""A territory with fewer than k respondents shows that, and nothing more (docs/anonymity.md).

The review found a web campaign with one respondent in a territory whose report printed
"1 respondents from 1 stakeholder group", "the figures rest on 1 respondent" and "Response
rate: 50% (1 of 2 invited)" beside "Fewer than 3 respondents". Here AT31 keeps one respondent
and has two invitations; its report may say "fewer than 3" but give no count, rate or group.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
from report_support import make_results

from s3stresstest.report import ReportInputs, build_regional, render_html
from s3stresstest.report.common import group_label

TINY = "AT31"


def _one_respondent(responses):
    ids = sorted(responses.loc[responses["region"] == TINY, "respondent_id"].unique())
    return responses[(responses["region"] != TINY) | (responses["respondent_id"] == ids[0])]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory, shared_data):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("S3ST_DATA_DIR", str(shared_data))
        folder = make_results(
            tmp_path_factory.mktemp("tiny") / "results",
            ["AT31", "ITC1", "DE2"],
            bootstrap=10,
            edit=_one_respondent,
            alignment=False,
            context=False,
        )
    inp = ReportInputs.load(folder, data_folder=shared_data)
    inp.invitations = pd.DataFrame(
        {"region": [TINY, "ITC1"], "stakeholder_group": ["cluster_manager"] * 2, "invited": [2, 40]}
    )
    return inp


def _text(inputs, region):
    html = render_html(build_regional(inputs, region))
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_campaign_really_has_one_respondent_in_the_tiny_territory(inputs):
    c = inputs.respondent_counts()
    assert int(c.loc[c["region"] == TINY, "respondents"].sum()) == 1
    assert inputs.invited(TINY) == 2


def test_a_territory_below_k_gives_no_count_rate_or_group(inputs):
    k = inputs.min_respondents
    text = _text(inputs, TINY)
    assert f"fewer than {k} respondents" in text.lower()
    assert not re.search(r"\b1 respondent", text)
    for leak in ("figures rest on", "Response rate", "of 2 invited", "stakeholder group answered"):
        assert leak not in text, leak
    c = inputs.respondent_counts()
    group = c.loc[(c["region"] == TINY) & (c["respondents"] > 0), "stakeholder_group"].iloc[0]
    # (the annex lists every answer scale, this group among them, as "… (no score)")
    assert not re.search(re.escape(group_label(group, language="en")) + r"(?! \(no score\))", text)
    # nor which core groups did not answer (that names the rest)
    assert "answered, so" not in text


def test_the_plural_follows_the_number_of_respondents(inputs):
    text = _text(inputs, "ITC1")
    m = re.search(r"\(ITC1\): (\d+) respondents from (\d+) stakeholder groups? answered", text)
    assert m, text[:2000]
    assert int(m.group(1)) > 1
    assert "respondents from 1 stakeholder groups" not in text
    assert "Response rate:" in text


def test_one_respondent_reads_in_the_singular_when_k_is_one(inputs, monkeypatch):
    """With k = 1 a single respondent may be counted: the sentence then takes its plural from that 1."""
    from s3stresstest.report.regional import executive_summary, response_profile
    from s3stresstest.report.render import Paragraph

    monkeypatch.setattr(type(inputs), "min_respondents", property(lambda self: 1))
    lead = " ".join(b.text for b in executive_summary(inputs, TINY).blocks if isinstance(b, Paragraph))
    profile = " ".join(b.text for b in response_profile(inputs, TINY).blocks if isinstance(b, Paragraph))
    assert "1 respondent from 1 stakeholder group answered the StressTest" in lead, lead
    assert "1 respondent from 1 stakeholder group answered for" in profile, profile
    assert "1 respondents" not in lead + profile
