"""In the regional report only a recommendation's action is bold; its figures and rationale are not.

The reviewer found whole paragraphs in bold (figures, context, whom to learn from), so the action did
not stand out. The run records the action's run of text (`recommendation_texts.advice`); the report
prints it first in bold, the rest of the paragraph after it in normal type.
"""

from __future__ import annotations

import pytest
from report_support import make_results

from s3stresstest.report import ReportInputs, build_regional
from s3stresstest.report.regional import _action_paragraphs
from s3stresstest.report.render import Heading, Paragraph

REGION = "ITC1"


@pytest.fixture(scope="module")
def inputs(tmp_path_factory, shared_data):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("S3ST_DATA_DIR", str(shared_data))
        folder = make_results(tmp_path_factory.mktemp("action-bold") / "results", seed=3)
    return ReportInputs.load(folder, data_folder=shared_data)


def _written(doc) -> list[list[Paragraph]]:
    """The paragraphs under each numbered recommendation heading of the recommendations section."""
    section = next(s for s in doc.sections if s.id == "recommendations")
    out: list[list[Paragraph]] = []
    for b in section.blocks:
        if isinstance(b, Heading) and b.text[:1].isdigit():
            out.append([])
        elif out and isinstance(b, Paragraph):
            out[-1].append(b)
    return out


@pytest.mark.parametrize("language", ["en", "it"])
def test_only_the_action_is_bold(inputs, language):
    texts = inputs.recommendation_texts
    mine = texts[(texts["region"] == REGION) & (texts["language"] == language)].sort_values("rank")
    written = _written(build_regional(inputs, REGION, language=language))
    assert written, "the territory has written recommendations"
    for paragraphs, row in zip(written, mine.itertuples(), strict=False):
        strong = [p for p in paragraphs if p.style == "strong"]
        assert len(strong) <= 1
        if row.advice:
            assert strong and strong[0].text == row.advice and paragraphs[0] is strong[0]
            rest = paragraphs[1].text
            assert paragraphs[1].style == "" and row.advice not in rest
            assert sorted((row.advice + " " + rest).split()) == sorted(row.action.split())  # nothing lost
        else:
            assert not strong


def test_a_run_without_advice_prints_the_action_in_normal_type():
    assert [(p.text, p.style) for p in _action_paragraphs("Figures. Do this. Learn.", float("nan"))] == [
        ("Figures. Do this. Learn.", "")
    ]
    got = _action_paragraphs("Figures\u00a0: 35. Do this. Learn.", "Do this.")
    assert [(p.text, p.style) for p in got] == [("Do this.", "strong"), ("Figures\u00a0: 35. Learn.", "")]
