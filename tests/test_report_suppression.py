"""Suppressed figures never appear in any report, in any format.

The campaign is made so that the pipeline withholds figures: in AT31 only two respondents
answer b1_governance_seat (item suppressed, n = 2); in DE2 only two answer every b4 item (all
b4 items suppressed, so the b4 block score is insufficient). Every report must then show the
word, never a number, in those places - and no finding may count them.
"""

from __future__ import annotations

import re

import pytest
from report_support import keep_only, make_results

from s3stresstest.report import (
    ReportInputs,
    build_memo,
    build_regional,
    build_synthesis,
    key_findings,
    render_html,
)
from s3stresstest.report.render import Figure, Table, docx_text, write_docx

SEAT = "b1_governance_seat"
B4_ITEMS = [
    "b4_monitoring_framework",
    "b4_result_indicators",
    "b4_data_shared",
    "b4_regular_evaluation",
    "b4_member_feedback",
    "b4_feedback_into_revision",
    "b4_benchmarking_tools",
    "b4_monitoring_capacity",
]


def _edit(responses):
    keep_only(responses, "AT31", [SEAT], 2, {(0, SEAT): "yes", (1, SEAT): "partly"})
    keep_only(responses, "DE2", B4_ITEMS, 2)
    return responses


@pytest.fixture(scope="module")
def inputs(tmp_path_factory, shared_data):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("S3ST_DATA_DIR", str(shared_data))
        folder = make_results(tmp_path_factory.mktemp("sup") / "results", edit=_edit, seed=11)
    return ReportInputs.load(folder, data_folder=shared_data)


def _numbers(cell: str) -> list[str]:
    """Digits in a cell, apart from the threshold in 'fewer than k respondents' and block/item codes."""
    cleaned = re.sub(r"fewer than \d+", "", cell)
    cleaned = re.sub(r"\bb\d+(\.\d+)?\b", "", cleaned)
    return re.findall(r"\d", cleaned)


def _tables(doc):
    for s in doc.sections:
        for b in s.blocks:
            if isinstance(b, Table):
                yield s, b
            elif isinstance(b, Figure) and b.data is not None:
                yield s, b.data


def test_the_campaign_really_has_withheld_figures(inputs):
    it = inputs.item_scores
    row = it[(it["region"] == "AT31") & (it["item"] == SEAT)].iloc[0]
    assert row["status"] == "suppressed" and row["n"] == 2 and row["score"] != row["score"]  # NaN
    bs = inputs.block_scores
    assert bs[(bs["region"] == "DE2") & (bs["block"] == "b4")].iloc[0]["status"] == "insufficient"
    d = inputs.distributions
    assert d[(d["region"] == "AT31") & (d["item"] == SEAT)]["share"].isna().all()


def test_withheld_rows_carry_the_word_and_no_number_in_regional_reports(inputs):
    for region in inputs.territories:
        doc = build_regional(inputs, region)
        for s, t in _tables(doc):
            for row in t.rows:
                withheld = any(("suppressed" in c or "insufficient" in c) for c in row[1:])
                if not withheld:
                    continue
                label_cells = 1 if t.row_header else 0
                for head, c in list(zip(t.columns, row, strict=True))[label_cells:]:
                    if head.startswith("Frontrunner"):
                        continue  # a peer group's level, not the territory's figure
                    if head in ("Scale", "Type"):
                        continue  # annex: the answer scale ("No … Yes, 3 points") and the question type
                    assert not _numbers(c), f"{region} {s.title} / {t.caption}: {row}"


def test_the_suppressed_item_shows_no_score_share_or_n(inputs, tmp_path):
    doc = build_regional(inputs, "AT31")
    rows = [
        (t.columns, r) for _, t in _tables(doc) for r in t.rows if r and r[0].startswith("b1.5 ")
    ]  # the annex numbers its questions as the body does
    assert len(rows) >= 3  # items table, distribution data, annex
    for head, r in rows:
        assert any("suppressed" in c for c in r[1:]), r
        assert not any(_numbers(c) for h, c in zip(head[1:], r[1:], strict=True) if h not in ("Scale", "Type")), r
    html = render_html(doc)
    # the distribution chart of the yes/no scale shows the item as suppressed, without figures
    desc = [f.alt for s in doc.sections for f in s.blocks if isinstance(f, Figure) and "b1.5" in f.alt]
    assert desc and all(re.search(r"b1\.5: suppressed", a) for a in desc), desc
    row_html = [m for m in re.findall(r"<tr[^>]*>.*?</tr>", html, flags=re.DOTALL) if "b1.5 " in m]
    assert row_html and all("suppressed" in m and "n = 2" not in m and ">2<" not in m for m in row_html)
    path = write_docx(doc, tmp_path / "AT31.docx")
    lines = [ln for ln in docx_text(path).splitlines() if ln.startswith("b1.5 ")]
    assert lines and all("suppressed" in ln for ln in lines)


def test_group_cells_and_insufficient_blocks_are_words_everywhere(inputs):
    g = inputs.group_block_scores
    suppressed = g[g["status"] != "ok"]
    assert len(suppressed), "the campaign should have suppressed stakeholder-group cells"
    region = suppressed["region"].iloc[0]
    doc = build_regional(inputs, region)
    for _s, t in _tables(doc):
        if t.caption == "Block score by stakeholder group":
            for r, cls in zip(t.rows, t.row_classes or [""] * len(t.rows), strict=True):
                if cls == "withheld":
                    assert "suppressed" in r[1] or "insufficient" in r[1]
                    assert r[2] == "–"
    syn = build_synthesis(inputs)
    html = render_html(syn)
    table = html.split("Block scores [", 1)[1].split("</table>", 1)[0]
    de2 = next(m for m in re.findall(r"<tr[^>]*>.*?</tr>", table, flags=re.DOTALL) if "(DE2)" in m)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", de2)
    assert cells[3] == "insufficient"  # b4
    assert "insufficient" in next(
        f.alt
        for s in syn.sections
        for f in s.blocks
        if isinstance(f, Figure) and f.title.startswith("Block scores by territory")
    )


def test_findings_never_count_withheld_figures(inputs):
    found = {f["id"]: f for f in key_findings(inputs)}
    seat = found["steering_seat"]
    # AT31's item is suppressed; elsewhere a 'yes' of 1 to k-1 respondents (or pooled with one) is withheld too
    assert "AT31" not in set(seat["figures"]["region"]) and seat["withheld"] >= 1
    assert seat["n"] + seat["withheld"] == len(inputs.territories)
    fig = seat["figures"]
    counts = (fig["share"] * fig["n"].astype(float)).round()
    assert ((counts == 0) | (counts >= inputs.min_respondents)).all(), fig
    spread = found["widest_spread"]["figures"].set_index("block")
    assert spread.loc["b4", "territories"] == len(inputs.territories) - 1
    from s3stresstest.findings import typology

    t = typology(inputs)
    assert t is None or "DE2" in t["excluded"]
    memo = render_html(build_memo(inputs))
    for p in re.findall(r'<div class="callout finding">.*?</div>', memo, flags=re.DOTALL):
        if "governance_seat" in p or "seat in the body" in p:
            assert "AT31" not in p


def test_recommendation_evidence_has_no_withheld_figure(inputs):
    from s3stresstest.report.regional import recommendations

    recs, why = recommendations(inputs)
    assert recs is not None, why
    for ev in recs.loc[recs["region"] == "AT31", "evidence"]:
        assert f'"{SEAT}": {{' not in ev  # no distribution of the suppressed item
    for ev in recs.loc[recs["region"] == "DE2", "evidence"]:
        assert not re.search(r'"block": "b4", "score": \d', ev)


def test_publishable_shares_pools_small_answers_until_the_pool_reaches_k():
    from s3stresstest.report.charts_answers import distribution_text, publishable_shares

    # 10 answers: yes 7, partly 2, no 1 -> partly and no pooled (3 people together)
    shown, withheld = publishable_shares({"yes": 0.7, "partly": 0.2, "no": 0.1}, 10, 3)
    assert shown == {"yes": 0.7} and withheld == ["partly", "no"]
    # one small answer alone would be given back by 100% minus the rest: the next smallest joins it
    shown, withheld = publishable_shares({"yes": 0.5, "partly": 0.4, "no": 0.1}, 10, 3)
    assert withheld == ["partly", "no"] and shown == {"yes": 0.5}
    # zero answers and large answers stay
    assert publishable_shares({"yes": 0.6, "no": 0.4, "dk": 0.0}, 10, 3) == ({"yes": 0.6, "no": 0.4, "dk": 0.0}, [])
    # multiple response: each choice is its own count
    assert publishable_shares({"a": 0.8, "b": 0.1}, 10, 3, multiple=True) == ({"a": 0.8}, ["b"])
    text = distribution_text({"yes": 0.7, "partly": 0.2, "no": 0.1}, {"yes": "Yes"}, 10, 3)
    assert "Yes 70%" in text and "20%" not in text and "10%" not in text and "fewer than 3" in text


def _profile(doc):
    return next(t for _, t in _tables(doc) if t.caption == "Respondents per stakeholder group")


def test_response_profile_never_prints_a_count_below_k(inputs):
    k = inputs.min_respondents
    counts = inputs.respondent_counts()
    small = counts[(counts["respondents"] > 0) & (counts["respondents"] < k)]
    assert len(small), "the campaign should have a stakeholder group below the threshold"
    for region in inputs.territories:
        t = _profile(build_regional(inputs, region))
        for row in t.rows:
            count = row[1]
            if count.isdigit():
                assert int(count) >= k, (region, row)
            else:
                assert count == f"fewer than {k}" or count.startswith("withheld"), (region, row)
                assert row[2] == "–", (region, row)
        # the total minus the printed groups never gives back a small group
        printed = sum(int(r[1]) for r in t.rows[:-1] if r[1].isdigit())
        total = int(t.rows[-1][1])
        assert total - printed == 0 or total - printed >= k, (region, t.rows)
    region = small["region"].iloc[0]
    rows = _profile(build_regional(inputs, region)).rows
    assert any(r[1] == f"fewer than {k}" for r in rows), rows


def test_no_printed_answer_share_stands_for_fewer_than_k_respondents(inputs):
    k, ins = inputs.min_respondents, inputs.instrument
    d = inputs.distributions
    blocks = sorted({it.block for it in ins.answerable_items if it.block})
    checked = 0
    for region in inputs.territories:
        doc = build_regional(inputs, region)
        answers = {
            q.split(" ", 1)[0]: text
            for s in doc.sections
            for f in s.blocks
            if isinstance(f, Figure) and f.data is not None and f.data.columns[0] == "Question"
            for q, text in f.data.rows
        }
        n_by_item = d[d["region"] == region].groupby("item")["n"].max()
        for block in blocks:
            for i, it in enumerate(ins.block_items(block)):
                text = answers.get(f"{block}.{i + 1}")
                if not text or it.name not in n_by_item.index:
                    continue
                n = int(n_by_item[it.name])
                for part in text.split(" · "):
                    m = re.fullmatch(r".+ (\d+)%", part)
                    if m and int(m.group(1)) > 0:
                        checked += 1
                        assert round(int(m.group(1)) * n / 100) >= k, (region, block, i + 1, text, n)
    assert checked > 100
