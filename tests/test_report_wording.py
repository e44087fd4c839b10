"""Small wording defects of the second review (2026-12-06): no "?." after a label that ends in a question mark,
the figures behind a finding in whole numbers as the regional report prints them, and a number range in a
table header kept on one line ("Priorität (0–100)", never "(0–" / "100)") in HTML and PDF."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from s3stresstest.findings import FindingParams
from s3stresstest.report.render import (
    Document,
    Figure,
    Section,
    Table,
    full_stop,
    keep_ranges,
    render_html,
    tidy_stops,
)

QUESTION = "Block 1: What role do clusters play in S3 development?"


def _doc(*blocks) -> Document:
    return Document("synthesis", "Test", sections=[Section("Part", "part", blocks=list(blocks))], language="de")


def test_a_label_ending_in_a_question_mark_gets_no_full_stop():
    assert full_stop(QUESTION) == QUESTION
    assert full_stop("Scores per block") == "Scores per block."
    assert full_stop("„Wer entscheidet?“") == "„Wer entscheidet?“"
    assert tidy_stops("2. Who decides?.") == "2. Who decides?"
    assert tidy_stops("2. Seats.") == "2. Seats."
    assert tidy_stops("(who decides?).") == "(who decides?)."


def test_a_figure_caption_after_a_question_title_has_no_double_punctuation():
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>'
    html = render_html(_doc(Figure(svg, QUESTION, "alt", caption="Territories outside are left out.")))
    caption = re.search(r"<figcaption>(.*?)</figcaption>", html, re.S)[1]
    assert "?." not in caption and "development?</strong>" in caption
    plain = render_html(_doc(Figure(svg, "Scores per block", "alt")))
    assert "Scores per block.</strong>" in plain


def test_memo_message_titles_do_not_double_a_question_mark():
    import inspect

    from s3stresstest.report import memo

    # the memo numbers its messages with "{i}. {title}." and tidies the stop after a title ending in "?"
    assert 'tidy_stops(t._("{i}. {title}."' in inspect.getsource(memo)


def _finding(scores: list[float]) -> dict:
    fig = pd.DataFrame(
        {
            "region": [f"R{i}" for i in range(len(scores))],
            "name": [f"Region {i}" for i in range(len(scores))],
            "score": scores,
            "ci_low": [s - 6.4 for s in scores],
            "ci_high": [s + 7.2 for s in scores],
            "n": [36] * len(scores),
            "high": [s >= 60 for s in scores],
        }
    )
    return {"id": "design_role", "title": "Clusters' role in designing the S3", "figures": fig}


def _inputs():
    from types import SimpleNamespace

    from s3stresstest.instrument import load_builtin

    return SimpleNamespace(instrument=load_builtin())


def test_finding_figures_print_scores_whole_as_the_regional_report_does():
    from s3stresstest.report.synthesis import finding_table, finding_thresholds

    table = finding_table(_finding([63.6, 55.1]), _inputs(), "de", thresholds=finding_thresholds(FindingParams()))
    cells = [row[2] for row in table.rows]
    assert cells == ["64", "55"], cells
    assert not any(re.search(r"\d,\d", c) for row in table.rows for c in row), table.rows


def test_a_whole_number_that_would_contradict_the_count_keeps_its_decimal():
    from s3stresstest.report.synthesis import finding_table, finding_thresholds

    table = finding_table(_finding([59.6, 63.6]), _inputs(), "de", thresholds=finding_thresholds(FindingParams()))
    # 59.6 is not counted under "at least 60": printed whole it would read 60 beside "no"
    assert table.rows[0][2] == "59,6" and table.rows[1][2] == "64", table.rows


def test_a_range_in_a_header_is_kept_on_one_line_in_html():
    html = str(keep_ranges("Priorität (0–100)"))
    assert html == 'Priorität <span class="nowrap">(0–100)</span>'
    assert str(keep_ranges("a < b")) == "a &lt; b"
    page = render_html(_doc(Table(["Gebiet", "Priorität (0–100)"], [["AT31", "64"]])))
    assert '<th scope="col">Priorität <span class="nowrap">(0–100)</span></th>' in page
    assert re.search(r"\.nowrap\s*\{[^}]*white-space:\s*nowrap", page)


def _line_texts(document) -> list[str]:
    """The text of every laid-out line of a WeasyPrint document."""
    from weasyprint.formatting_structure.boxes import LineBox

    lines: list[str] = []

    def texts(box) -> list[str]:
        own = [box.text] if isinstance(getattr(box, "text", None), str) else []
        return own + [t for c in getattr(box, "children", None) or [] for t in texts(c)]

    def walk(box):
        if isinstance(box, LineBox):
            lines.append("".join(texts(box)))
            return
        for c in getattr(box, "children", None) or []:
            walk(c)

    for page in document.pages:
        walk(page._page_box)
    return lines


def test_a_range_in_a_narrow_header_is_kept_on_one_line_in_the_pdf():
    pytest.importorskip("weasyprint")
    from s3stresstest.report.render import pdf_document

    columns = ["Gebiet", "Priorität (0–100)"] + [f"Spalte mit langem Namen {i}" for i in range(9)]
    rows = [["AT31", "64"] + ["ein sehr langer Zelleninhalt mit vielen Wörtern"] * 9]
    lines = _line_texts(pdf_document(render_html(_doc(Table(columns, rows))), tagged=False))
    assert any("(0–100)" in line for line in lines), [line for line in lines if "0–" in line or "100" in line]
    assert not any(line.rstrip().endswith("(0–") for line in lines)
