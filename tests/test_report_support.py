"""Checks of the report-test helpers in report_support.py (they must do what the report tests assume)."""

from __future__ import annotations

import pandas as pd
import pytest
from report_support import keep_only, pdf_facts


def test_keep_only_blanks_all_but_k(tmp_path):
    df = pd.DataFrame(
        {
            "respondent_id": ["A-1", "A-2", "A-3", "B-1"],
            "region": ["A", "A", "A", "B"],
            "stakeholder_group": "other",
            "item": "q",
            "value": ["yes", "no", "yes", "no"],
        }
    )
    out = keep_only(df.copy(), "A", ["q"], 2, {(0, "q"): "partly"})
    assert list(out["value"]) == ["partly", "no", "", "no"]


def test_pdf_facts_reads_a_weasyprint_file(tmp_path):
    from s3stresstest.report.render import write_pdf

    html = (
        "<html><head><title>T</title></head><body><h1>First</h1><p>x</p>"
        "<h2 style='break-before: page'>Second – part</h2><p>y</p></body></html>"
    )
    path = write_pdf(html, tmp_path / "t.pdf")
    facts = pdf_facts(path)
    assert facts["pages"] == 2
    assert "First" in facts["outline"] and "Second – part" in facts["outline"]
    with pytest.raises(AssertionError):
        (tmp_path / "bad.pdf").write_bytes(b"hello")
        pdf_facts(tmp_path / "bad.pdf")
