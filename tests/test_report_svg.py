"""The generic SVG writer (report.svg) and the helpers every report shares (report.common)."""

from __future__ import annotations

import ast
import logging
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from s3stresstest.report import common, svg
from s3stresstest.report.svg import Doc, esc, text_width, wrap

SVG_NS = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>alert("x")</script>&"'
REPORT_DIR = Path(svg.__file__).parent


def _texts(markup: str) -> list[str]:
    root = ET.fromstring(markup)
    return [
        "".join(el.itertext()) for el in root.iter() if el.tag in (SVG_NS + "text", SVG_NS + "title", SVG_NS + "desc")
    ]


def test_hostile_label_is_escaped_everywhere():
    doc = Doc(300, 80, HOSTILE, f"alt {HOSTILE}")
    doc.text(10, 40, HOSTILE)
    out = doc.render()
    assert "<script" not in out.svg
    assert "&lt;script&gt;" in out.svg and "&amp;&quot;" in out.svg
    # the markup still parses, and a reader gets the label back unchanged
    assert _texts(out.svg).count(HOSTILE) == 2  # <title> and <text>
    assert f"alt {HOSTILE}" in _texts(out.svg)


def test_characters_xml_forbids_are_dropped():
    assert esc("a\x00b\x1fc\ufffe") == "abc"
    doc = Doc(200, 40, "t\x07itle", "")
    doc.text(5, 20, "x\x0by")
    ET.fromstring(doc.render().svg)  # would raise on a control character


def test_long_label_wraps_within_the_width():
    label = "How is S3 being implemented in the region, including the regional support schemes and calls?"
    rows = wrap(label, 150, 12, max_lines=10)
    assert len(rows) > 2
    assert all(text_width(r, 12) <= 150 for r in rows)
    assert " ".join(rows) == label  # nothing lost when the lines suffice


def test_a_word_wider_than_the_line_is_cut_and_a_cut_text_ends_with_an_ellipsis():
    code = "DE" + "X" * 60
    rows = wrap(code, 100, 12, max_lines=20)
    assert len(rows) > 1 and "".join(rows) == code and all(text_width(r, 12) <= 100 for r in rows)
    cut = wrap("word " * 80, 100, 12, max_lines=2)
    assert len(cut) == 2 and cut[-1].endswith("…") and text_width(cut[-1], 12) <= 100


def test_heading_of_a_narrow_figure_stays_inside_it():
    doc = Doc(220, 10, "t", "")
    doc.heading("A rather long title of a figure that cannot fit on one line", "and a subtitle " * 6)
    root = ET.fromstring(doc.render().svg)
    for el in root.iter(SVG_NS + "text"):
        bold = 1.1 if el.get("font-weight") == "bold" else 1.0
        assert float(el.get("x")) + bold * text_width(el.text, float(el.get("font-size"))) <= 220 - 12 + 1


def test_render_is_deterministic_and_checks_the_id_prefix():
    def make():
        d = Doc(100, 50, "t", "a")
        d.rect(0, 0, 10, 10, fill=d.pattern("missing"))
        return d.render()

    assert make().svg == make().svg
    assert "<defs>" not in Doc(10, 10, "t", "").render("fig").svg  # no pattern used: none defined
    d = Doc(100, 50, "t", "a")
    d.rect(0, 0, 10, 10, fill=d.pattern("missing"))
    out = d.render("fig").svg
    assert 'id="fig-missing"' in out and 'fill="url(#fig-missing)"' in out
    with pytest.raises(ValueError):
        d.render("1 bad")


def test_finite_accepts_numbers_only():
    assert svg.finite("12.5") == 12.5 and svg.finite(3) == 3.0
    assert svg.finite(float("nan")) is None and svg.finite(None) is None and svg.finite("n/a") is None
    assert svg.finite(float("inf")) is None


# -- report.common -------------------------------------------------------------------------------------


def test_a_failing_chart_gives_no_figure_and_a_warning(caplog):
    def broken(**_):
        raise KeyError("score")

    with caplog.at_level(logging.WARNING, logger="s3stresstest.report.common"):
        assert common.draw_chart(broken, id_prefix="prof-X") is None
    assert "broken" in caplog.text and "prof-X" in caplog.text and "KeyError" in caplog.text
    assert common.figure(None) is None


def test_shared_words():
    assert common.group_label("cluster_manager") == "Cluster manager"
    assert common.peer_label("all") == "All territories" and common.peer_label("alpine_space") == "Alpine Space"
    assert common.withheld_text("suppressed", 5) == "suppressed (fewer than 5 respondents)"
    assert "smaller group" in common.withheld_text("suppressed", 5, group=True)
    assert common.withheld_text("insufficient", 5).startswith("insufficient")


SHARED_FROM = {"regional", "synthesis", "memo", "charts", "charts_scores", "charts_answers", "svg", "common", "maps"}


def test_no_report_module_imports_a_private_name_of_a_report_or_chart_module():
    """What the reports share lives in public modules (common, svg), not as private functions of one report."""
    offenders = []
    for path in sorted(REPORT_DIR.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module in SHARED_FROM:
                offenders += [
                    f"{path.name}: from {'.' * node.level}{node.module or ''} import {a.name}"
                    for a in node.names
                    if a.name.startswith("_") and a.name != "__version__"
                ]
    assert not offenders, offenders
