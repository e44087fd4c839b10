"""The memo fits two A4 pages in every language, with the synthetic notice once per page (issue 11, point 3;
issue 12)."""

from __future__ import annotations

import re

import pytest
from report_support import make_results, page_texts

from s3stresstest.i18n import LANGUAGES, translator
from s3stresstest.report import ReportInputs, build_memo, render_html
from s3stresstest.report.render import PAGE_NOTICE, pdf_document


@pytest.fixture(scope="module")
def inputs(tmp_path_factory, shared_data):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("S3ST_DATA_DIR", str(shared_data))
        folder = make_results(tmp_path_factory.mktemp("memolang") / "results", seed=3)
    return ReportInputs.load(folder, data_folder=shared_data)


@pytest.mark.slow
@pytest.mark.parametrize("language", LANGUAGES)
def test_memo_fits_two_pages_in_every_language(inputs, language):
    doc = build_memo(inputs, language=language)
    pages = page_texts(pdf_document(render_html(doc)))
    assert 1 <= len(pages) <= 2, f"{language}: {len(pages)} pages"
    notice = translator(language)._(PAGE_NOTICE)
    for i, t in enumerate(pages, 1):
        assert t.count(notice) == 1, f"{language}, page {i}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_memo_names_no_codes_files_or_columns_in_any_language(inputs, language):
    text = build_memo(inputs, language=language).text()
    assert not re.search(r"\b\w+\.(csv|json|yaml|parquet)\b", text)
    assert not re.search(r"\bb\d(\.\d+)?\b", text), "a block or question code"
    assert not re.search(r"\b[a-z0-9]+_[a-z0-9_]+\b", text), "a column name or identifier"
    for item in inputs.instrument.scored_items:
        assert item.name not in text
