"""One ranking for "the weakest question", named in the headline, in the synthesis finding and the memo.

The reviewer read "the weakest question is X (median 20)" followed by "the lowest median is on Y (17)":
two rules, two answers. Questions are ranked by the share of their territories below the low-score
threshold (ties: lower median); the headline says so and the second question named is the next by
the same rule.
"""

from __future__ import annotations

import pytest
from report_support import make_results

from s3stresstest.findings import FindingParams, item_spread, key_findings
from s3stresstest.report import ReportInputs
from s3stresstest.report.memo import _messages


@pytest.fixture(scope="module")
def inputs(tmp_path_factory, shared_data):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("S3ST_DATA_DIR", str(shared_data))
        folder = make_results(tmp_path_factory.mktemp("weakest") / "results", seed=3)
    return ReportInputs.load(folder, data_folder=shared_data)


@pytest.fixture(scope="module")
def ranked(inputs):
    spread = item_spread(inputs, FindingParams())
    spread = spread.sort_values(["share_below", "median", "item"], ascending=[False, True, True])
    assert len(spread) > 2
    return spread


def _label(inputs, item: str, language: str = "en") -> str:
    return inputs.instrument.item_label(item, None if language == "en" else language).rstrip(".?").strip()


def _order(text: str, labels: list[str]) -> list[str]:
    """The labels that occur in text, in the order they occur."""
    found = [(text.find(x), x) for x in labels if x in text]
    return [x for _, x in sorted(found)]


def test_the_finding_names_its_ranking_and_the_next_question_by_the_same_rule(inputs, ranked):
    f = {x["id"]: x for x in key_findings(inputs)}["weakest_items"]
    s = f["statement"]
    assert s.startswith("Ranked by the share of territories scoring below 50, the weakest question is"), s
    assert "lowest median" not in s
    labels = [_label(inputs, str(i)) for i in ranked["item"]]
    assert _order(s, labels) == labels[:2], s  # first and second by the one rule, nothing else
    assert "ranked by the share" in f["rule"]


@pytest.mark.parametrize("language", ["en", "it"])
def test_the_memo_headline_states_the_rule_and_its_text_follows_it(inputs, ranked, language):
    msgs, _ = _messages(inputs, FindingParams(), language=language)
    title, text = msgs[0]
    labels = [_label(inputs, str(i), language) for i in ranked["item"]]
    assert _order(title, labels) == labels[:1], title
    assert _order(text, labels) == labels[1:2], text  # the next by that share, not the lowest median
    if language == "en":
        assert title.startswith("Below 50 in the largest share of territories:"), title
        assert "lowest median" not in text
    else:
        assert "mediana più bassa" not in text
