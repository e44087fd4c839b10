"""Layout of the regional report: sections flow in print, and the Word file is an editable A4 document.

Built from a small campaign (report_support.make_results) with the real pipeline.
"""

from __future__ import annotations

import pytest
from report_support import make_results, page_texts

from s3stresstest.report import ReportInputs, build_regional, render_html
from s3stresstest.report.render import DOCX_TABLE_STYLE, pdf_document, write_docx

REGION = "ITH2"


@pytest.fixture(scope="module")
def inputs(tmp_path_factory, shared_data):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("S3ST_DATA_DIR", str(shared_data))
        folder = make_results(tmp_path_factory.mktemp("layout") / "results", seed=3)
    return ReportInputs.load(folder, data_folder=shared_data)


@pytest.fixture(scope="module")
def word(inputs, tmp_path_factory):
    import docx

    path = write_docx(build_regional(inputs, REGION), tmp_path_factory.mktemp("docx") / f"{REGION}.docx")
    return docx.Document(str(path))


def test_docx_is_a4_with_page_numbers_in_the_footer(word):
    from docx.shared import Cm

    for sec in word.sections:
        assert abs(sec.page_width - Cm(21.0)) < Cm(0.05) and abs(sec.page_height - Cm(29.7)) < Cm(0.05)
        footer = sec.footer._element.xml
        assert "PAGE" in footer and "fldChar" in footer


def test_docx_has_a_contents_field_and_heading_styles(word):
    body = word.element.body.xml
    assert "TOC \\o" in body and 'w:fldCharType="begin"' in body
    styles = {p.style.name for p in word.paragraphs}
    assert {"Heading 1", "Heading 2"} <= styles or {"Heading 1", "Heading 3"} <= styles


def test_docx_tables_use_a_built_in_style_with_a_repeated_header_row(word):
    from docx.oxml.ns import qn

    assert word.tables
    for t in word.tables:
        assert t.style is not None and t.style.name == DOCX_TABLE_STYLE
        assert t.rows[0]._tr.trPr is not None and t.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None


def test_docx_charts_carry_alt_text(word):
    from docx.oxml.ns import qn

    pics = word.element.body.findall(".//" + qn("wp:docPr"))
    if not pics:
        pytest.skip("cairo is not installed: the Word file holds no chart images")
    assert all(len(p.get("descr") or "") > 20 for p in pics)


def test_regional_pdf_has_few_nearly_empty_pages(inputs):
    """Fewer than 5% of pages hold 8 lines or fewer, and the body before the annex is 15-25 pages."""
    texts = page_texts(pdf_document(render_html(build_regional(inputs, REGION)), tagged=False))
    words = [len(t.split()) for t in texts]
    nearly_empty = [i + 1 for i, w in enumerate(words) if w < 40]  # about 8 short lines
    assert len(nearly_empty) <= max(0, int(0.05 * len(texts))), (len(texts), nearly_empty, words)
    # 15-25 pages before the annex (a page per block section made 27 on this campaign)
    body = next(i for i, t in enumerate(texts) if "every question in questionnaire order" in t)
    assert 15 <= body <= 25, body
