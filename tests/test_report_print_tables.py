"""Printed tables (WeasyPrint): a header word is never cut in the middle; a word too long for its column
is hyphenated in the document's language, and short words such as "Abstand" or "Median" stay whole."""

from __future__ import annotations

import pytest
from report_support import page_texts

from s3stresstest.report.render import Document, Paragraph, Table, col_widths, pdf_document, render_html

# the structural-peers table of a German regional report, the one that printed "Abstan d", "Bevölkerun g"
PEERS_DE = [
    "Region",
    "Abstand",
    "Bevölkerung am 1. Januar (Personen)",
    "Bevölkerungsdichte (Einwohner je km²)",
    "BIP je Einwohner in KKS (KKS (EU-27 2020) je Einwohner)",
    "Bruttoinlandsausgaben für F&E, alle Sektoren (F&E-Intensität) (% des BIP)",
    "Anteil des Wirtschaftssektors an den F&E-Ausgaben (% der F&E-Ausgaben)",
]
ROWS_DE = [
    ["Provincia Autonoma di Bolzano/Bozen (ITH1)", "0,86", "539.679", "72,95", "56.900", "0,75", "62,67"],
    ["Comunidad Foral de Navarra (ES22)", "1,36", "683.854", "65,81", "36.400", "1,70", "67,06"],
]
# a synthesis figures table ("Media n") and the pilots overview ("Recommendatio n")
SPREAD_EN = ["Area", "Question block", "Territories", "Min", "Lower quartile", "Median", "Upper quartile", "Max",
             "Interquartile range"]  # fmt: skip
ROWS_EN = [["implementation and support schemes", "How is S3 being implemented in the region? (including the "
            "regional support schemes for cluster initiatives)", "36", "15", "37", "50", "64", "87", "27"]]  # fmt: skip
PILOTS_EN = ["Pilot cluster", "Service", "Verdict", "Need", "Quality", "Usefulness", "Willingness to pay",
             "Recommendation"]  # fmt: skip
ROWS_PILOTS = [["Synthetic pilot cluster A (PC001)", "Matchmaking service for cross-border projects", "Not validated",
                "48", "76", "52", "43", "55"]]  # fmt: skip
HYPHENS = ("\u2010", "\u00ad")  # what hyphenation adds at a line end (a word's own "-" stays as it is)


def _header_lines(columns, rows, language):
    doc = Document(kind="regional", title="Table", language=language, toc=False)
    doc.section("Tables", "tables").add(Table(columns, rows, numeric=tuple(range(3, len(columns)))))
    pdf = pdf_document(render_html(doc))
    found: list[list[str]] = []

    def lines_of(box, out):
        if type(box).__name__ == "LineBox":
            out.append("".join(t.text for t in _texts(box)))
            return
        for child in getattr(box, "children", None) or []:
            lines_of(child, out)

    def walk(box):
        if getattr(box, "element_tag", None) == "th" and type(box).__name__ == "TableCellBox":
            lines: list[str] = []
            lines_of(box, lines)
            found.append([x.strip() for x in lines if x.strip()])
            return
        for child in getattr(box, "children", None) or []:
            walk(child)

    for page in pdf.pages:
        walk(page._page_box)
    return found


def _texts(box):
    if isinstance(getattr(box, "text", None), str):
        yield box
    for child in getattr(box, "children", None) or []:
        yield from _texts(child)


def _rejoined(lines: list[str]) -> str:
    """The header as printed, a hyphenated line end joined to the next line, other line ends as spaces."""
    out = ""
    for line in lines:
        if out.endswith(HYPHENS):
            out = out[:-1] + line
        elif out.endswith("-"):  # "F&E-" / "Intensität": a break after a word's own hyphen
            out += line
        else:
            out = f"{out} {line}" if out else line
    return out


@pytest.mark.parametrize(
    ("columns", "rows", "language"),
    [(PEERS_DE, ROWS_DE, "de"), (SPREAD_EN, ROWS_EN, "en"), (PILOTS_EN, ROWS_PILOTS, "en")],
    ids=["structural-peers-de", "synthesis-spread-en", "pilots-overview-en"],
)
def test_printed_headers_break_between_words_or_at_a_hyphen(columns, rows, language):
    cells = _header_lines(columns, rows, language)
    headers = cells[: len(columns)]
    assert len(headers) == len(columns)
    for text, lines in zip(columns, headers, strict=True):
        assert _rejoined(lines) == " ".join(text.split()), f"{text!r} printed as {lines}"
        for line in lines:  # short words whole: a line never ends in the middle of one of up to 7 letters
            last = line.split()[-1] if line.split() else ""
            if last.endswith(HYPHENS):
                word = next(w for w in text.split() if w.startswith(last[:-1].split("(")[-1]) or last[:-1] in w)
                assert len(word.strip("()%,")) > 7, f"{word!r} hyphenated in {text!r}: {lines}"


def test_column_widths_give_short_header_words_their_room():
    widths = col_widths(Table(PEERS_DE, ROWS_DE))
    assert sum(widths) == pytest.approx(100, abs=0.5)
    # "Abstand" (7 letters, bold) and its padding: at least 8 % of a 110-character line
    assert widths[1] >= 8.0
    # the region names get the room that the other columns' words leave
    assert widths[0] == max(widths)


def test_a_table_caption_never_ends_a_page_without_its_table():
    apart = []
    for n in range(60, 90):  # filler enough to bring the caption to the foot of page 2 at some n (74 did)
        doc = Document(kind="regional", title="Caption test", language="en", toc=False)
        sec = doc.section("Alignment", "alignment")
        for i in range(n):
            sec.add(Paragraph(f"Filler paragraph {i}: the written strategies are compared priority by priority."))
        rows = [[f"Topic {i}", str(i)] for i in range(10)]
        sec.add(Table(["Topic", "Strength"], rows, caption="Synergy topics shared with neighbours"))
        pages = page_texts(pdf_document(render_html(doc), tagged=False))
        caption = next(i for i, text in enumerate(pages) if "Synergy topics shared" in text)
        first_row = next(i for i, text in enumerate(pages) if "Topic 0" in text)
        if caption != first_row:
            apart.append(n)
    assert not apart, f"the caption ended a page alone after {apart} filler paragraphs"
