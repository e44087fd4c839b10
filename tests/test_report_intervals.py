"""One notation for a score and its interval in every report: "72 [65–78]", in charts, tables and text."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from s3stresstest.i18n import LANGUAGES, translator
from s3stresstest.instrument import load_builtin


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_findings_figure_with_its_range_reads_like_an_interval_in_the_text(language):
    from s3stresstest.report.synthesis import finding_table

    inputs = SimpleNamespace(instrument=load_builtin())
    figures = pd.DataFrame(
        {"region": ["ITC1", "SI"], "score": [72.0, 61.0], "score_low": [65.0, None], "score_high": [78.0, None]}
    )
    table = finding_table({"figures": figures, "title": "x"}, inputs, language=language)
    cells = [c for row in table.rows for c in row]
    assert translator(language).interval(72, 65, 78) in cells  # "72 [65–78]"
    assert "72 [65–78]" in cells
    assert "61" in cells  # no range known: the score alone, no empty brackets
    assert not any("(" in c for c in cells), cells
