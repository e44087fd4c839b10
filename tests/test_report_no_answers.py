"""A territory with no answers, or fewer than k respondents, gets a short regional report.

The review found a web campaign whose ITH2 (nobody answered) report said "0 respondents from 0
stakeholder groups answered … the figures rest on 0 respondents (fewer than 15), so intervals are
wide", followed by six block sections of empty charts and tables; AT33 (two respondents, k = 3) had
the same empty sections. Here ITH2 has no answers and AT31 two respondents: each report states that
once (never the count below k, docs/anonymity.md) and keeps only what does not rest on answers.
"""

from __future__ import annotations

import re

import pytest
from report_support import make_results

from s3stresstest.report import ReportInputs, build_regional, render_html
from s3stresstest.report.render import Figure

NONE, FEW, FULL = "ITH2", "AT31", "ITC1"
LANGUAGES = ("en", "de", "fr", "it", "sl")


def _edit(responses):
    responses = responses[responses["region"] != NONE]
    ids = sorted(responses.loc[responses["region"] == FEW, "respondent_id"].unique())
    return responses[(responses["region"] != FEW) | responses["respondent_id"].isin(ids[:2])]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory, shared_data):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("S3ST_DATA_DIR", str(shared_data))
        folder = make_results(
            tmp_path_factory.mktemp("noanswers") / "results", [NONE, FEW, FULL, "DE2"], bootstrap=10, edit=_edit
        )
    return ReportInputs.load(folder, data_folder=shared_data)


def _text(doc) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", render_html(doc)))


def test_the_campaign_has_a_territory_without_answers_and_one_below_k(inputs):
    c = inputs.respondent_counts().groupby("region")["respondents"].sum()
    assert NONE in inputs.territories and int(c.get(NONE, 0)) == 0
    assert 0 < int(c[FEW]) < inputs.min_respondents


def test_no_answers_is_said_once_without_zero_counts_or_cautions(inputs):
    doc = build_regional(inputs, NONE)
    summary = " ".join(b.text for b in doc.sections[0].blocks if hasattr(b, "text") and b.text)
    assert "no answers to the StressTest were received" in summary, summary
    text = _text(doc)
    # (the recommendations may say "0 stakeholder groups with a published score": true, and not the summary's)
    head = text[: text.index("Alignment with national", text.index("Nobody answered"))]
    for nonsense in ("0 respondents", "0 stakeholder groups", "figures rest on", "intervals are wide", "Caution"):
        assert nonsense not in head, nonsense
    # the response profile has no table whose only row, the total, reads "fewer than k"
    assert "Respondents per stakeholder group" not in text
    assert "Nobody answered for" in text


@pytest.mark.parametrize("region", [NONE, FEW])
def test_short_report_leaves_out_every_section_built_on_answers(inputs, region):
    doc = build_regional(inputs, region)
    ids = [s.id for s in doc.sections]
    assert not [i for i in ids if i.startswith("block-")], ids
    assert "annex" not in ids, ids
    for kept in ("summary", "respondents", "provenance"):
        assert kept in ids, (kept, ids)
    context = next(s for s in doc.sections if "Context statistics" in s.title)
    assert context.blocks, "the context statistics stay"
    # no chart of empty scores: the only figures left are those of the context and alignment sections
    summary = doc.sections[0]
    assert not [b for b in summary.blocks if isinstance(b, Figure)]
    assert not [b for b in summary.blocks if getattr(b, "kind", "") == "table"]
    assert len(render_html(doc)) < len(render_html(build_regional(inputs, FULL))) / 3


def test_below_k_states_it_once_and_never_the_count(inputs):
    k = inputs.min_respondents
    text = _text(build_regional(inputs, FEW))
    assert f"fewer than {k} respondents answered the StressTest" in text
    assert not re.search(r"\b2 respondents?\b", text)
    assert "insufficient (fewer than half" not in text and "suppressed (fewer than" not in text


def test_a_territory_with_answers_keeps_its_full_report(inputs):
    ids = [s.id for s in build_regional(inputs, FULL).sections]
    assert sum(i.startswith("block-") for i in ids) == len(inputs.blocks)
    assert "annex" in ids


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_short_report_speaks_every_language(inputs, language):
    from s3stresstest.i18n import translator

    t = translator(language)
    none = build_regional(inputs, NONE, language=language).sections[0].blocks[0].text
    few = build_regional(inputs, FEW, language=language).sections[0].blocks[0].text
    said = t._("{territory}: no answers to the StressTest were received.", territory=inputs.label(NONE))
    assert said in none
    short = t._(
        "There are therefore no scores, answer distributions or stakeholder-group figures, and this short "
        "report leaves out their sections. It keeps what does not rest on answers: the alignment of the "
        "territory's strategies and its context statistics, where available, and the recommendations."
    )
    assert short in none and short in few
    if language != "en":
        assert "short report" not in short, f"{language}: not translated"
