"""Reports end to end on a small synthetic campaign: every report type in HTML, PDF and DOCX, self-contained,
marked synthetic on every page, with the expected sections; plus the `report` command."""

from __future__ import annotations

import re

import pytest
from report_support import make_results, page_texts, pdf_facts
from typer.testing import CliRunner

from s3stresstest.errors import InputError
from s3stresstest.report import (
    ReportInputs,
    build_memo,
    build_regional,
    build_reports,
    build_synthesis,
    render_html,
    write_html,
)
from s3stresstest.report.render import (
    PAGE_NOTICE,
    docx_text,
    external_urls,
    pdf_document,
)

REGIONAL_SECTIONS = [
    "Executive summary",
    "Response profile",
    "b1: ",
    "b2: ",
    "b3: ",
    "b4: ",
    "b5: ",
    "b6: ",
    "Alignment with national and neighbouring strategies",
    "Context statistics and structural peers",
    "Recommendations",
    "Annex: every item",
    "Provenance",
]
SYNTHESIS_SECTIONS = [
    "Territories and blocks",
    "Peer groups compared",
    "Key findings",
    "A typology of approaches",
    "The Alpine Space: b1: What role do clusters play",  # the block named, not only its code
    "Recommendations: overview",
    "Provenance",
]


@pytest.fixture(scope="module")
def results(tmp_path_factory, shared_data):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("S3ST_DATA_DIR", str(shared_data))
        return make_results(tmp_path_factory.mktemp("res") / "results")


@pytest.fixture(scope="module")
def inputs(results, shared_data):
    return ReportInputs.load(results, data_folder=shared_data)


# About 10 s (PDF layout of every report): the tests that use it are marked slow.
@pytest.fixture(scope="module")
def built(results, inputs, tmp_path_factory):
    out = tmp_path_factory.mktemp("rep") / "reports"
    paths = build_reports(results, out, ("html", "pdf", "docx"), territories=["ITC1", "ES21"], inputs=inputs)
    return out, paths


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# -- layout of the output ---------------------------------------------------------------------------


@pytest.mark.slow
def test_every_report_is_written_in_every_format(built):
    out, paths = built
    names = sorted(str(p.relative_to(out)) for p in paths)
    expected = sorted(
        [
            f"{stem}.{ext}"
            for stem in ("regional/ITC1", "regional/ES21", "synthesis", "memo")
            for ext in ("html", "pdf", "docx")
        ]
        + ["index.html"]
    )
    assert names == expected
    assert all(p.stat().st_size > 1000 for p in paths)
    index = (out / "index.html").read_text(encoding="utf-8")
    for rel in expected[:-1]:
        assert f'href="{rel}"' in index or rel == "index.html"
    assert not list(out.parent.glob(".reports.*")), "temporary folders left behind"


def test_output_folder_is_refused_when_not_empty_and_left_alone_on_error(results, inputs, tmp_path):
    out = tmp_path / "reports"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    with pytest.raises(InputError, match="not empty"):
        build_reports(results, out, "html", inputs=inputs)
    with pytest.raises(InputError, match="ITX9"):
        build_reports(results, out, "html", territories=["ITX9"], overwrite=True, inputs=inputs)
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]
    with pytest.raises(InputError, match="unknown report format"):
        build_reports(results, tmp_path / "x", "html,odt", inputs=inputs)


# -- HTML -----------------------------------------------------------------------------------------


@pytest.mark.slow
def test_regional_html_has_every_section_in_order(built):
    out, _ = built
    html = (out / "regional" / "ITC1.html").read_text(encoding="utf-8")
    heads = [_text(h).strip() for h in re.findall(r"<h2>(.*?)</h2>", html, flags=re.DOTALL)]
    positions = []
    for want in REGIONAL_SECTIONS:
        hit = [i for i, h in enumerate(heads) if h.startswith(want)]
        assert hit, f"section {want!r} missing from {heads}"
        positions.append(hit[0])
    assert positions == sorted(positions)
    text = _text(html)
    # executive summary against peer groups with intervals; response profile; block content
    assert re.search(r"\d+ \[\d+–\d+\]", text), "no score with interval"
    for phrase in (
        "vs Alpine",
        "vs European",
        "Respondents per stakeholder group",
        "Frontrunner level",
        "Answer distributions",
        "Block score by stakeholder group",
        "Open answers",
        "Synergy topics",
        "structural peers at NUTS level",
        "Instrument checksum (sha256)",
    ):
        assert phrase.lower() in text.lower(), phrase
    assert html.count("<svg") >= 10
    assert 'id="map-ITC1"' in html, "the alignment map of the territory is missing"
    assert '<th scope="col">' in html and "<td" in html
    assert "<th>" not in html, "every header cell has a scope"


@pytest.mark.slow
def test_html_is_self_contained(built):
    _out, paths = built
    for p in [q for q in paths if q.suffix == ".html"]:
        html = p.read_text(encoding="utf-8")
        assert external_urls(html) == [], p.name
        assert not re.search(r"https?://(?!www\.w3\.org/)", html), p.name
        assert not re.search(r"""(src|href)\s*=\s*["'](?!#|regional/|synthesis\.|memo\.|[A-Z0-9]+\.)""", html), p.name
        assert "@import" not in html and "url(" not in html.replace("url(#", ""), p.name
        assert "<script" not in html and "<link" not in html, p.name
    # the check itself can fail
    assert external_urls('<a href="https://example.org/x">x</a>') == ["https://example.org/x"]
    assert external_urls('<svg xmlns="http://www.w3.org/2000/svg"></svg>') == []


def test_write_html_refuses_external_urls_and_text_urls_lose_their_scheme(inputs, tmp_path):
    from s3stresstest.report.render import Document, Figure, Paragraph, Section

    doc = Document(kind="memo", title="T")
    doc.sections.append(Section("S", "s", [Paragraph("Source: https://ec.europa.eu/eurostat")]))
    html = render_html(doc)
    assert "ec.europa.eu/eurostat" in html and "https://" not in html
    doc.sections[0].blocks.append(
        Figure('<svg width="10" height="10"><image href="https://x.org/a.png"/></svg>', "t", "alt")
    )
    with pytest.raises(ValueError, match="external URLs"):
        write_html(doc, tmp_path / "x.html")


@pytest.mark.slow
def test_synthetic_banner_in_every_html_file(built):
    _out, paths = built
    for p in [q for q in paths if q.suffix == ".html"]:
        html = p.read_text(encoding="utf-8")
        body = html.split("<body", 1)[1]
        first = re.search(r"<div[^>]*>", body).group(0)
        assert 'class="synthetic-banner"' in first, p.name  # the first element: fixed at the top of the screen
        assert "SYNTHETIC DATA" in _text(body), p.name
        if p.name != "index.html":
            assert "@top-center" in html and PAGE_NOTICE in html, p.name  # every printed page


def test_synthesis_has_no_league_table_unless_asked(inputs):
    plain = render_html(build_synthesis(inputs))
    heads = [_text(h).strip() for h in re.findall(r"<h2>(.*?)</h2>", plain, flags=re.DOTALL)]
    for want in SYNTHESIS_SECTIONS:
        assert any(h.startswith(want) for h in heads), (want, heads)
    assert not any("rank" in h.lower() for h in heads)
    assert "Possible ranks" not in plain
    assert 'id="heatmap"' in plain and 'id="alpine-map"' in plain
    # territories in code order in the score table
    table = plain.split("Block scores [", 1)[1].split("</table>", 1)[0]
    codes = re.findall(r"\(([A-Z]{2}[A-Z0-9]*)\)</th>", table)
    assert codes == sorted(codes) and len(codes) == len(inputs.territories)
    ranked = render_html(build_synthesis(inputs, ranks=True))
    assert "Ranks with intervals (on request)" in ranked and "Possible ranks" in ranked


def test_key_findings_are_traceable(inputs):
    html = render_html(build_synthesis(inputs))
    section = html.split('id="findings"', 1)[1].split("</section>", 1)[0]
    n = section.count('class="callout finding"')
    assert n >= 4
    assert section.count("Rule: ") == n
    assert section.count("<caption>Figures behind: ") == n
    headings = [
        re.sub(r"<[^>]+>", "", th)
        for table in section.split("<caption>Figures behind: ")[1:]
        for th in re.findall(r"<th[^>]*scope=\"col\"[^>]*>(.*?)</th>", table.split("</thead>", 1)[0])
    ]
    assert headings and all(("_" not in h and h[:1] == h[:1].upper()) or h == "n" for h in headings), headings


# -- PDF ------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_pdf_files_open_and_have_the_sections(built):
    out, _ = built
    regional = pdf_facts(out / "regional" / "ITC1.pdf")
    assert regional["pages"] >= 10
    assert regional["tagged"] and regional["table_headers"] >= 50  # header cells survive into the PDF
    for want in REGIONAL_SECTIONS:
        assert any(t.startswith(want) for t in regional["outline"]), (want, regional["outline"][:20])
    synthesis = pdf_facts(out / "synthesis.pdf")
    assert synthesis["pages"] >= 5
    for want in SYNTHESIS_SECTIONS:
        assert any(t.startswith(want) for t in synthesis["outline"]), want


@pytest.mark.slow
def test_every_pdf_page_says_synthetic(built):
    out, _ = built
    for name in ("regional/ES21.html", "memo.html"):
        doc = pdf_document((out / name).read_text(encoding="utf-8"))
        texts = page_texts(doc)
        assert len(texts) >= 2
        for i, t in enumerate(texts, 1):
            assert "SYNTHETIC DATA" in t, f"{name}: page {i} lacks the notice"


@pytest.mark.slow
def test_memo_is_two_pages_with_three_key_messages(built, inputs):
    out, _ = built
    assert 1 <= pdf_facts(out / "memo.pdf")["pages"] <= 2
    html = (out / "memo.html").read_text(encoding="utf-8")
    assert html.count('class="callout finding"') == 3
    assert render_html(build_memo(inputs)).count('class="callout finding"') == 3


# -- DOCX -----------------------------------------------------------------------------------------


@pytest.mark.slow
def test_docx_opens_with_headings_header_rows_and_banner(built):
    import docx
    from docx.oxml.ns import qn

    out, _ = built
    for name, sections in (("regional/ITC1.docx", REGIONAL_SECTIONS), ("synthesis.docx", SYNTHESIS_SECTIONS)):
        d = docx.Document(str(out / name))
        heads = [p.text for p in d.paragraphs if p.style.name.startswith("Heading")]
        for want in sections:
            assert any(h.startswith(want) for h in heads), (name, want)
        assert len(d.tables) >= 5
        for t in d.tables:
            tr_pr = t.rows[0]._tr.trPr
            assert tr_pr is not None and tr_pr.find(qn("w:tblHeader")) is not None, name
            assert all(c.text for c in t.rows[0].cells), name
        for s in d.sections:
            assert "SYNTHETIC DATA" in " ".join(p.text for p in s.header.paragraphs), name
        assert "SYNTHETIC DATA" in docx_text(out / name)


@pytest.mark.slow
def test_formats_carry_the_same_content(built, inputs):
    out, _ = built
    doc = build_regional(inputs, "ES21")
    html = _text((out / "regional" / "ES21.html").read_text(encoding="utf-8"))
    words = _text(docx_text(out / "regional" / "ES21.docx"))
    for s in doc.sections:
        assert s.title in html and s.title in words
    # a table cell with an interval appears in both
    cell = next(
        c
        for s in doc.sections
        for b in s.blocks
        if getattr(b, "kind", "") == "table"
        for r in b.rows
        for c in r
        if re.fullmatch(r"\d+ \[\d+–\d+\]", c)
    )
    assert cell in html and cell in words


def test_question_labels_in_another_language(inputs):
    html = render_html(build_regional(inputs, "ITC1", language="de"))
    assert "Welche Rolle spielen Cluster bei der Entwicklung der S3?" in html
    assert "Zusammenfassung" in html and "Executive summary" not in html  # the report's own text too (issue 12)


# -- without reference data ------------------------------------------------------------------------


def test_reports_render_without_map_data_and_say_why(results, tmp_path):
    empty = tmp_path / "no-data"
    empty.mkdir()
    inp = ReportInputs.load(results, data_folder=empty)
    html = render_html(build_regional(inp, "ITC1"))
    assert "No map:" in html
    assert "nearest structural peers" in html  # part of the run, not of the report's data folder
    syn = render_html(build_synthesis(inp))
    assert "No map:" in syn
    assert "<svg" in html  # the charts do not need reference data


def test_a_run_without_statistics_says_what_is_left_out(tmp_path):
    from report_support import make_results

    folder = make_results(tmp_path / "r", ["ITC1", "ITC4", "ITH2", "AT31"], context=False, alignment=False)
    assert not (folder / "context.csv").exists() and not (folder / "structural_peers.csv").exists()
    html = render_html(build_regional(ReportInputs.load(folder), "ITC1"))
    assert "No context statistics: left out by the test" in html
    assert "No structural peers: left out by the test" in html
    assert "no strategies given" in html


# -- the command ----------------------------------------------------------------------------------


@pytest.mark.slow
def test_report_command_end_to_end(results, shared_data, tmp_path, monkeypatch):
    from s3stresstest.cli.report import report_app

    monkeypatch.setenv("S3ST_DATA_DIR", str(shared_data))
    out = tmp_path / "cli-out"
    r = CliRunner().invoke(
        report_app, ["--results", str(results), "--out", str(out), "--format", "html,pdf,docx", "--territory", "ITC1"]
    )
    assert r.exit_code == 0, r.output
    for rel in (
        "regional/ITC1.html",
        "regional/ITC1.pdf",
        "regional/ITC1.docx",
        "synthesis.pdf",
        "memo.docx",
        "index.html",
    ):
        assert (out / rel).is_file(), rel
    assert not (out / "regional" / "ES21.html").exists()
    assert "index.html" in r.output
    # bad input: exit 2, a clear message, nothing written
    bad = CliRunner().invoke(
        report_app, ["--results", str(results), "--out", str(tmp_path / "b"), "--territory", "ITC9"]
    )
    assert bad.exit_code == 2 and "ITC9" in bad.output and "did you mean" in bad.output
    assert not (tmp_path / "b").exists()
    missing = CliRunner().invoke(report_app, ["--results", str(tmp_path / "nope"), "--out", str(tmp_path / "c")])
    assert missing.exit_code == 2 and "not found" in missing.output
    again = CliRunner().invoke(report_app, ["--results", str(results), "--out", str(out)])
    assert again.exit_code == 2 and "--overwrite" in again.output
    block = CliRunner().invoke(
        report_app, ["--results", str(results), "--out", str(tmp_path / "d"), "--map-block", "b9"]
    )
    assert block.exit_code == 2 and "b9" in block.output


@pytest.mark.slow
def test_docx_carries_each_chart_as_a_picture_that_is_not_blank(built):
    import io
    import zipfile

    from PIL import Image

    out, _ = built
    with zipfile.ZipFile(out / "regional" / "ITC1.docx") as z:
        images = [n for n in z.namelist() if n.startswith("word/media/") and n.endswith(".png")]
        assert len(images) >= 8  # block profile, block sections, map...
        for name in images[:5]:
            im = Image.open(io.BytesIO(z.read(name))).convert("L")
            low, high = im.getextrema()
            assert low < 100 and high > 200, name  # dark marks on a light ground, not an empty image


def test_only_written_recommendations_in_the_body_the_rest_in_an_annex(inputs):
    """Issue 11: 3-7 written out; every other fired rule listed in 'Annex: further recommendations'."""
    from s3stresstest.report.render import Table

    recs = inputs.recommendations
    counts = recs.groupby("region").size()
    region = str(counts.idxmax())
    mine = recs[recs["region"] == region]
    n_written = int(mine["written"].sum())
    assert len(mine) > n_written >= 3
    doc = build_regional(inputs, region)
    titles = [s.title for s in doc.sections]
    at = titles.index("Annex: further recommendations")
    assert titles[at - 1] == "Recommendations" and titles[at + 1] == "Annex: every item"

    def table(title: str) -> Table:
        return next(b for b in doc.sections[titles.index(title)].blocks if isinstance(b, Table))

    body, annex = table("Recommendations"), table("Annex: further recommendations")
    assert [int(r[0]) for r in body.rows] == list(range(1, n_written + 1))
    assert [int(r[0]) for r in annex.rows] == list(range(n_written + 1, len(mine) + 1))
    assert annex.columns == ["Rank", "Recommendation", "Priority (0–100)", "Learn from"]
