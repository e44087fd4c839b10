"""Figures compared with a threshold, withheld counts and chart labels say what they are (review items 4, 17, 25).

- a finding's table prints the compared value precisely enough that "Counted: no" never sits beside a
  value that reads as the threshold (59.6 under "at least 60" printed "60");
- rule texts do not say "withheld (0)", which reads like a missing figure counted as 0;
- the seat finding counts only shares a report would print (none from 1 to k-1 respondents);
- the synthesis legend explains its cell words ("suppressed: suppressed (…)" said nothing);
- the hatched segment of an answer bar is labelled as what it is: small options merged with the next
  smallest, which can stand for many respondents;
- evidence sentences print whole points as the tables do; context statistics keep one precision each.
"""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest
from report_support import make_results

from s3stresstest.findings import FindingParams, design_role, steering_seat
from s3stresstest.report import ReportInputs, build_regional, build_synthesis
from s3stresstest.report.render import Figure, Table

SEAT = "b1_governance_seat"
SMALL = "ITC4"  # two respondents answer "yes" to the seat question here, everyone else "no"


def _seat_two_yes(responses):
    mask = (responses["region"] == SMALL) & (responses["item"] == SEAT)
    ids = sorted(responses.loc[mask, "respondent_id"].unique())
    responses.loc[mask, "value"] = "no"
    responses.loc[mask & responses["respondent_id"].isin(ids[:2]), "value"] = "yes"
    return responses


@pytest.fixture(scope="module")
def inputs(tmp_path_factory, shared_data):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("S3ST_DATA_DIR", str(shared_data))
        folder = make_results(tmp_path_factory.mktemp("thr") / "results", seed=3, edit=_seat_two_yes)
    return ReportInputs.load(folder, data_folder=shared_data)


def test_the_seat_finding_counts_no_share_from_fewer_than_k(inputs):
    k = inputs.min_respondents
    d = inputs.distributions
    row = d[(d["region"] == SMALL) & (d["item"] == SEAT) & (d["choice"] == "yes")].iloc[0]
    assert round(row["share"] * row["n"]) == 2, "the campaign must have a 2-respondent 'yes'"
    f = steering_seat(inputs, FindingParams())
    fig = f["figures"]
    assert SMALL not in set(fig["region"])
    assert ((fig["share"] * fig["n"].astype(float)).round() >= k).all() or (fig["share"] == 0).any()
    assert f["withheld"] >= 1
    assert re.search(r"Only published shares count: \d+ territor(y's share is|ies' shares are) withheld", f["rule"])


def test_rules_never_say_withheld_zero(inputs):
    f = design_role(inputs, FindingParams())
    assert f["withheld"] == 0
    assert "(0)" not in f["rule"] and "withheld: 0" not in f["rule"]
    assert "every territory's score is published" in f["rule"]


def _synthesis_table(doc, fid):
    for s in doc.sections:
        for b in s.blocks:
            t = b.data if isinstance(b, Figure) else b
            if isinstance(t, Table) and fid in (t.caption or "") + " " + " ".join(t.columns):
                yield t


def test_a_value_just_below_its_threshold_does_not_print_as_the_threshold(inputs):
    from s3stresstest.report.synthesis import finding_table

    b1 = inputs.block_scores
    b1 = b1[(b1["block"] == "b1") & (b1["status"] == "ok")]
    frac = b1["score"] % 1
    pick = b1[(frac > 0.5) & (frac < 0.95)].iloc[0]  # e.g. 59.6
    threshold = math.ceil(pick["score"])  # "at least 60"
    f = design_role(inputs, FindingParams(high_score=threshold))
    region = pick["region"]
    table = finding_table(f, inputs)
    head = table.columns
    row = next(r for r in table.rows if r[0] == region)
    counted = row[head.index("Counted")]
    score = row[head.index("Score")].split(" ")[0]
    assert counted == "no"
    assert float(score) < threshold, (score, threshold)


def test_the_synthesis_legend_explains_its_cell_words(inputs):
    doc = build_synthesis(inputs)
    notes = [b.note for s in doc.sections for b in s.blocks if isinstance(b, Table) and b.note]
    assert not [n for n in notes if "suppressed: suppressed" in n]
    assert any(n.startswith("suppressed: fewer than 3 respondents; insufficient:") for n in notes)


def test_the_pooled_segment_is_labelled_as_merged_options():
    from s3stresstest.report.charts_answers import item_distribution

    # b1.8 of the review: yes 2, partly 9, no 15 of 26 -> yes and partly merged (11 people, 42%)
    d = pd.DataFrame(
        {"region": "X", "item": "q", "choice": ["yes", "partly", "no"], "share": [2 / 26, 9 / 26, 15 / 26], "n": 26}
    )
    for lang in ("en", "de", "fr", "it", "sl"):
        svg = str(item_distribution(d, ["yes", "partly", "no"], min_respondents=3, language=lang))
        if lang == "en":
            assert "merged, no figure: options chosen by fewer than 3 respondents each" in svg
            assert "answers given by fewer than 3 respondents" not in svg
        else:
            assert "merged, no figure" not in svg and "3" in svg


def test_the_distribution_caption_explains_why_its_n_differs_from_the_score_n(inputs):
    doc = build_regional(inputs, "AT31")
    captions = [f.caption for s in doc.sections for f in s.blocks if isinstance(f, Figure) and f.caption]
    assert any("counts every answer, “Don't know” included" in c for c in captions), captions[:5]


def test_evidence_prints_whole_points_as_the_tables_do():
    from s3stresstest.report.evidence import _score

    text = _score({"score": 8.9, "ci_low": 2.1, "ci_high": 16.0, "n": 14}, language="it")
    assert text == "9 (intervallo 2–16, n = 14)", text
    # a score that whole points would print equal to the bound it fell below keeps one decimal
    assert _score({"score": 49.6}, bound=50, language="en") == "49.6"


def test_context_statistics_keep_one_precision_per_statistic(inputs):
    ctx = inputs.context
    assert ctx is not None
    widths: dict[str, set[int]] = {}
    for region in ("AT31", "ITC1", "DE2"):
        doc = build_regional(inputs, region)
        table = next(b for s in doc.sections for b in s.blocks if isinstance(b, Table) and "Indicator" in b.columns)
        for row in table.rows:
            m = re.fullmatch(r"[\d,]+(?:\.(\d+))?", row[1])
            if m:
                widths.setdefault(row[0], set()).add(len(m.group(1) or ""))
    assert widths and all(len(w) == 1 for w in widths.values()), widths


def test_the_scoreboard_rule_states_who_is_left_out_without_zero_counts(inputs):
    from s3stresstest.report import key_findings

    f = {x["id"]: x for x in key_findings(inputs)}.get("scoreboard_gap")
    assert f is not None, "the run has a scoreboard: the finding must be there"
    assert "(0)" not in f["rule"] and "({" not in f["rule"]
    if f["withheld"] == 0:
        assert "with a withheld score" not in f["rule"]
    else:
        assert re.search(rf"\b{f['withheld']} territor(y|ies) with a withheld score", f["rule"])
