"""The memo is for decision makers (issue 11, point 3): at most two A4 pages, three key messages with
their figures, one chart, three asks; no file names, rule ids, column names or block codes; the
synthetic notice once per page."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from report_support import make_results, page_texts

from s3stresstest.report import ReportInputs, build_memo, render_html
from s3stresstest.report.render import PAGE_NOTICE, Bullets, Callout, Figure, pdf_document

COLUMN_NAMES = (
    "neighbours_mean",
    "gap_to_mean",
    "items_disagree",
    "share_below",
    "peer_mean",
    "frontrunner_level",
    "groups_disagree",
)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory, shared_data):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("S3ST_DATA_DIR", str(shared_data))
        folder = make_results(tmp_path_factory.mktemp("memo") / "results", seed=3)
    return ReportInputs.load(folder, data_folder=shared_data)


@pytest.fixture(scope="module")
def memo(inputs):
    return build_memo(inputs)


def _blocks(doc, kind):
    return [b for s in doc.sections for b in s.blocks if isinstance(b, kind)]


def test_three_messages_one_chart_three_asks(memo):
    messages = [c for c in _blocks(memo, Callout) if c.kind_of == "finding"]
    assert len(messages) == 3
    for c in messages:
        assert re.search(r"\d", c.text), f"a message without its figure: {c.title}"
    (chart,) = _blocks(memo, Figure)
    ET.fromstring(chart.svg)  # well-formed, so PDF and DOCX can carry it
    assert chart.alt and chart.data is not None
    asks = [b for b in _blocks(memo, Bullets) if b.ordered]
    assert len(asks) == 1 and len(asks[0].items) == 3


def test_memo_text_has_no_file_names_rule_ids_columns_or_codes(inputs, memo):
    text = memo.text() + "\n" + re.sub(r"<[^>]+>", " ", render_html(memo).split("<body", 1)[1])
    assert not re.search(r"\b\w+\.(csv|json|yaml|parquet)\b", text)
    assert not re.search(r"\bb\d(\.\d+)?\b", text), "a block or question code"
    assert "Rule:" not in text and not re.search(r"\bb\d-[a-z]", text), "a rule or rule id"
    for col in COLUMN_NAMES:
        assert col not in text
    for item in inputs.instrument.scored_items:
        assert item.name not in text


@pytest.mark.slow
def test_memo_fits_two_pages_with_the_notice_once_per_page(memo):
    pages = page_texts(pdf_document(render_html(memo)))
    assert 1 <= len(pages) <= 2
    for i, t in enumerate(pages, 1):
        assert t.count(PAGE_NOTICE) == 1, f"page {i}"
        assert t.count("SYNTHETIC DATA") == 1, f"page {i}: the notice repeated in the body"


def test_memo_docx_carries_the_notice_in_the_header_only(memo, tmp_path):
    import docx

    from s3stresstest.report.render import write_docx

    path = write_docx(memo, tmp_path / "memo.docx")
    d = docx.Document(str(path))
    body = "\n".join(p.text for p in d.paragraphs)
    header = "\n".join(p.text for s in d.sections for p in s.header.paragraphs)
    assert "SYNTHETIC" in header and "SYNTHETIC" not in body


def test_the_memo_is_dated_with_the_day_of_its_results(inputs):
    """A printed memo says how current it is: the day its results were made, in the memo's language."""
    import datetime as dt

    from s3stresstest.i18n import translator

    created = dt.datetime.fromisoformat(inputs.record["created"]).date()
    for language in ("en", "de", "sl"):
        assert translator(language).date(created) in build_memo(inputs, language=language).subtitle
