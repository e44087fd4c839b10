"""A neutral document model, and its writers: HTML (Jinja2), PDF (WeasyPrint, from the HTML) and DOCX (python-docx).

A report is built once as a `Document` - sections holding headings, paragraphs, lists, tables,
figures and callouts, every number already formatted as text - then written in each format, so
HTML, PDF and DOCX carry the same content:

* HTML: one self-contained file. The CSS (`templates/report.css`) is inlined in a `<style>`,
  charts are inline `<svg>` elements, nothing is loaded from elsewhere: no links to other
  sites, no fonts, no scripts. Any ``scheme://`` in text is shown without its scheme (as plain
  text, never as a link), so the only URLs in the file are SVG/XML namespace names.
* PDF: WeasyPrint renders the same HTML (print media) as a tagged PDF (headings, lists and
  table header cells in its structure tree). A URL fetcher that refuses everything makes sure
  nothing is fetched. When the data are synthetic, every page carries the notice in
  its top margin (CSS ``@page { @top-center { content: ... } }``).
* DOCX: headings, paragraphs, lists and tables (first row marked as a header row, `tblHeader`,
  repeated on each page). python-docx cannot embed SVG, and no SVG rasteriser is installed, so a
  figure is written as its title, a PNG rendering of the chart (cairosvg), its text alternative and
  the table of the figures it shows.
  When the data are synthetic, the notice is the header of every page.
"""

from __future__ import annotations

import html as _html
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import pandas as pd

from .. import __version__
from ..i18n import N_, check_language, translator

SCHEME_RE = re.compile(r"\b(?:https?|ftp|file)://", re.IGNORECASE)
# URLs a self-contained HTML file may hold: XML namespace names inside inline SVG (never fetched).
NAMESPACE_URLS = (
    "http://www.w3.org/2000/svg",
    "http://www.w3.org/1999/xlink",
    "http://www.w3.org/XML/1998/namespace",
    "http://www.w3.org/1999/xhtml",
    "http://purl.org/dc/elements/1.1/",
    "http://creativecommons.org/ns#",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
)
URL_RE = re.compile(r"(?:https?|ftp|file)://[^\s\"'<>)]*", re.IGNORECASE)

SVG_SIZE_RE = re.compile(r'<svg\b[^>]*?\bwidth="([\d.]+)"[^>]*?\bheight="([\d.]+)"')
# Printable area of A4 with the stylesheet's margins, in CSS px (1px = 0.75pt): 180 mm x 263 mm.
PRINT_WIDTH_PX, PRINT_HEIGHT_PX = 680.0, 900.0
# charts that are not `wide` print at most this wide (about 82% of the text width, chart text
# about 7pt): a regional report then holds two charts a page instead of one and a half
PRINT_CHART_PX = 560.0
# On a phone (screen at most 48rem wide) a chart is drawn at least this share of its own size, so that its
# 10-12 px text stays legible (8-10 px); a wider chart scrolls sideways in its box (report.css).
PHONE_CHART_SCALE = 0.8
# TRANSLATORS: printed at the top of every page of a report made from generated (synthetic) answers
PAGE_NOTICE = N_("SYNTHETIC DATA – generated answers; no real region, person or strategy")


# ------------------------------------------------------------------------------------------------
# The document model
# ------------------------------------------------------------------------------------------------


@dataclass
class Heading:
    text: str
    level: int = 3
    id: str | None = None
    kind: str = "heading"


@dataclass
class Paragraph:
    text: str
    style: str = ""  # "", "lead", "note", "small", "strong"
    kind: str = "paragraph"


@dataclass
class Bullets:
    items: list[str]
    ordered: bool = False
    kind: str = "bullets"


@dataclass
class Table:
    """A table of text cells; `columns` are the header cells. `row_header`: the first cell of a row heads it."""

    columns: list[str]
    rows: list[list[str]]
    caption: str = ""
    note: str = ""
    row_header: bool = True
    numeric: tuple[int, ...] = ()  # column positions aligned right
    row_classes: list[str] | None = None  # e.g. "self", "withheld"
    compact: bool = False
    kind: str = "table"


@dataclass
class Figure:
    """An inline SVG chart with its title and text alternative; `data` is the table shown in its place in DOCX."""

    svg: str
    title: str
    alt: str
    caption: str = ""
    data: Table | None = None
    wide: bool = False
    width: float = 0.0  # the SVG's own size in CSS px (from its width/height attributes)
    height: float = 0.0
    fid: str = ""  # set when rendered: the id of its wrapper (print sizes)
    kind: str = "figure"
    narrow: str = ""  # the same chart laid out for a phone's width (HTML shows it on narrow screens instead)

    def __post_init__(self) -> None:
        if not (self.width and self.height):
            m = SVG_SIZE_RE.search(self.svg or "")
            if m:
                self.width, self.height = float(m.group(1)), float(m.group(2))


@dataclass
class Callout:
    text: str
    title: str = ""
    kind_of: str = "note"  # "synthetic", "note", "finding", "missing"
    lines: list[str] = field(default_factory=list)
    kind: str = "callout"


@dataclass
class Section:
    title: str
    id: str
    blocks: list = field(default_factory=list)
    page_break: bool = False
    in_toc: bool = True

    def add(self, *blocks) -> Section:
        self.blocks.extend(b for b in blocks if b is not None)
        return self


@dataclass
class Document:
    kind: str  # "regional", "synthesis", "memo"
    title: str
    subtitle: str = ""
    stem: str = "report"  # file name without extension
    synthetic: bool = False
    banner: str | None = None
    sections: list[Section] = field(default_factory=list)
    language: str = "en"
    meta: dict = field(default_factory=dict)  # generated, software, ...
    toc: bool = True

    def section(self, title: str, id: str, **kw) -> Section:
        s = Section(title, id, **kw)
        self.sections.append(s)
        return s

    def text(self) -> str:
        """All text of the document (for tests and search): titles, paragraphs, cells, figure titles and alt text."""
        out = [self.title, self.subtitle, self.banner or ""]
        for s in self.sections:
            out.append(s.title)
            for b in s.blocks:
                out.extend(_block_text(b))
        return "\n".join(x for x in out if x)


def _block_text(b) -> list[str]:
    if isinstance(b, (Heading, Paragraph)):
        return [b.text]
    if isinstance(b, Bullets):
        return list(b.items)
    if isinstance(b, Table):
        return [b.caption, b.note, " | ".join(b.columns)] + [" | ".join(r) for r in b.rows]
    if isinstance(b, Figure):
        return [b.title, b.alt, b.caption] + (_block_text(b.data) if b.data else [])
    if isinstance(b, Callout):
        return [b.title, b.text] + list(b.lines)
    return []


# ------------------------------------------------------------------------------------------------
# Formatting helpers (shared by the builders, so every format shows the same text)
# ------------------------------------------------------------------------------------------------

from ..formatting import big, interval, missing, num, pct  # noqa: E402,F401 - re-exported for the report modules

#: a label ending in one of these needs no full stop after it ("…development?", not "…development?.")
SENTENCE_ENDS = (".", "?", "!", "…")
CLOSING = "\"'”“»«’"


def full_stop(text: str) -> str:
    """`text` ending as a sentence: a full stop appended unless it already ends in '.', '?', '!' or '…'
    (closing quotes looked through)."""
    text = str(text)
    return text if text.rstrip().rstrip(CLOSING).endswith(SENTENCE_ENDS) else text + "."


STOP_AFTER_MARK = re.compile(r"([?!…][\"'”“»«’]?)\.(?=\s|$)")


def tidy_stops(text: str) -> str:
    """A message that puts a full stop after a label ('{title}.') without one doubled when the label ends
    in '?', '!' or '…' ("Who decides?." -> "Who decides?")."""
    return STOP_AFTER_MARK.sub(r"\1", text)


#: a number range, with its brackets: "(0–100)", "2021–2027", "1-5"
RANGE_RE = re.compile(r"\(?\d+(?:[.,]\d+)?\s?[–-]\s?\d+(?:[.,]\d+)?\)?")


def keep_ranges(text):
    """Text as HTML with every number range kept on one line (`<span class="nowrap">`, white-space: nowrap in
    report.css, on screen and in the PDF): a narrow header never breaks as "Priorität (0–" / "100)"."""
    from markupsafe import Markup, escape

    if isinstance(text, Markup) or text is None:
        return text
    text = strip_scheme(str(text))
    out, end = [], 0
    for m in RANGE_RE.finditer(text):
        out += [escape(text[end : m.start()]), Markup('<span class="nowrap">'), escape(m[0]), Markup("</span>")]
        end = m.end()
    return Markup("").join([*out, escape(text[end:])])


def strip_scheme(text: str) -> str:
    """'https://ec.europa.eu/x' -> 'ec.europa.eu/x': source addresses are shown as text, never as links."""
    return SCHEME_RE.sub("", text) if isinstance(text, str) else text


def table_from_frame(
    df: pd.DataFrame,
    caption: str = "",
    note: str = "",
    *,
    columns: Sequence[str] | None = None,
    formats: dict[str, Any] | None = None,
    row_header: bool = True,
    numeric: Iterable[str] = (),
    compact: bool = False,
) -> Table:
    """A Table from a DataFrame; `formats` maps a column to a function value -> text (default: str / '–')."""
    formats = formats or {}
    cols = list(df.columns)
    header = list(columns) if columns is not None else cols
    rows = []
    for rec in df.itertuples(index=False, name=None):
        cells = []
        for c, v in zip(cols, rec, strict=True):
            f = formats.get(c)
            cells.append(f(v) if f else ("–" if missing(v) else str(v)))
        rows.append(cells)
    pos = tuple(i for i, c in enumerate(cols) if c in set(numeric))
    return Table(header, rows, caption=caption, note=note, row_header=row_header, numeric=pos, compact=compact)


# ------------------------------------------------------------------------------------------------
# HTML
# ------------------------------------------------------------------------------------------------


def _finalize(value):
    """Every `{{ }}` output: None -> '', and no URL scheme in plain text (Markup such as inline SVG is left alone)."""
    from markupsafe import Markup

    if value is None:
        return ""
    if isinstance(value, Markup):
        return value
    if isinstance(value, str):
        return strip_scheme(value)
    return value


@lru_cache(maxsize=1)
def _environment():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    folder = Path(str(files("s3stresstest.report") / "templates"))
    env = Environment(
        loader=FileSystemLoader(str(folder)),
        autoescape=True,
        finalize=_finalize,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["css_string"] = css_string
    env.filters["full_stop"] = full_stop
    env.filters["keep_ranges"] = keep_ranges
    env.globals["col_widths"] = col_widths
    # English unless the caller passes the texts of another language (`render_html` always does)
    english = translator("en")
    env.globals["_"] = english.gettext
    env.globals["ngettext"] = english.ngettext
    env.globals["pgettext"] = english.pgettext
    return env


@lru_cache(maxsize=1)
def stylesheet() -> str:
    return (files("s3stresstest.report") / "templates" / "report.css").read_text(encoding="utf-8")


#: Characters of table text on one line across a printed A4 page (180 mm of 7.4 pt type), and the
#: longest header word and cell word a column is made wide enough for: longer ones are hyphenated
#: (`hyphens: auto` in the print CSS, in the document's language).
LINE_CHARS = 110
WHOLE_WORD = 9
CELL_WORD = 20


def col_widths(table: Table) -> list[float]:
    """Column widths in % for the fixed layout of printed tables (much faster than automatic widths).

    Each column first gets room for its longest word (up to `WHOLE_WORD` letters; header words in bold)
    and its cell padding, counted in characters of a printed line (`LINE_CHARS`), so that a header such
    as "Median" or "Abstand" is never split; what is left of the line goes to the columns with longer
    cells. When the words alone need more than a line, the widths follow the words."""
    n = len(table.columns)
    if n == 0:
        return []
    # header words (bold) up to WHOLE_WORD letters; cell words, often names and codes, up to CELL_WORD
    word = [min(max((len(w) for w in str(h).split()), default=1), WHOLE_WORD) * 1.1 for h in table.columns]
    content = [len(str(h)) // 2 for h in table.columns]
    for row in table.rows:
        for i, cell in enumerate(row[:n]):
            content[i] = max(content[i], len(cell))
            word[i] = max(word[i], min(max((len(w) for w in cell.split()), default=0), CELL_WORD))
    need = [w + 2.5 for w in word]  # + cell padding
    spare = LINE_CHARS - sum(need)
    if spare > 0:
        extra = [max(min(c, 60) - k, 0.0) ** 0.9 for c, k in zip(content, need, strict=True)]
        total = sum(extra)
        need = [k + (spare * e / total if total else spare / n) for k, e in zip(need, extra, strict=True)]
    total = sum(need)
    return [round(100 * k / total, 1) for k in need]


def css_string(text: str) -> str:
    """A CSS string literal (for `content:`), safe inside a <style> element."""
    from markupsafe import Markup

    t = str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ").replace("<", "\\3c ")
    return Markup(f'"{t}"')


# documents that show scores, whose footer says what scores are for (an action plan or a pilot report has none)
SCORED_KINDS = ("regional", "synthesis", "memo")


def render_html(doc: Document) -> str:
    """The document as one self-contained HTML page."""
    env = _environment()
    template = env.get_template(
        f"{doc.kind}.html.j2" if doc.kind in ("regional", "synthesis", "memo") else "base.html.j2"
    )
    from markupsafe import Markup

    sizes, phone = [], []
    n = 0
    for sec in doc.sections:
        for b in sec.blocks:
            if isinstance(b, Figure):
                n += 1
                b.fid = f"fig{n}"
                if b.width and b.height:
                    scale = min(
                        1.0,
                        (PRINT_WIDTH_PX if b.wide else PRINT_CHART_PX) / b.width,
                        (PRINT_HEIGHT_PX * (0.8 if not b.wide else 0.9)) / b.height,
                    )
                    sizes.append(f"#{b.fid} svg{{width:{b.width * scale:.0f}px;height:{b.height * scale:.0f}px}}")
                if b.width and not b.narrow:
                    phone.append(f"#{b.fid} svg{{min-width:{b.width * PHONE_CHART_SCALE:.0f}px}}")
    print_css = Markup("@media print{" + "".join(sizes) + "}") if sizes else Markup("")
    if phone:
        print_css += Markup("@media screen and (max-width:48rem){" + "".join(phone) + "}")
    t = translator(check_language(doc.language))
    html = template.render(
        doc=doc,
        css=Markup(stylesheet()),
        page_notice=t._(PAGE_NOTICE),
        print_css=print_css,
        _=t.gettext,
        ngettext=t.ngettext,
        pgettext=t.pgettext,
        t=t,
        version=__version__,  # when the document's meta does not name the software's version
        scored_kinds=SCORED_KINDS,
    )
    return html


def external_urls(html: str) -> list[str]:
    """URLs in the HTML other than XML namespace names (a self-contained report has none)."""
    return [
        u for u in URL_RE.findall(html) if not any(u.rstrip("/").startswith(ns.rstrip("/")) for ns in NAMESPACE_URLS)
    ]


def write_html(doc: Document | str, path: str | Path) -> Path:
    path = Path(path)
    text = doc if isinstance(doc, str) else render_html(doc)
    bad = external_urls(text)
    if bad:  # a chart or a data value carried a link: refuse rather than write a file that loads things
        raise ValueError(f"the report would reference external URLs: {', '.join(sorted(set(bad))[:5])}")
    path.write_text(text, encoding="utf-8")
    return path


# ------------------------------------------------------------------------------------------------
# PDF
# ------------------------------------------------------------------------------------------------


def _refuse_fetch(url: str, *args, **kwargs):
    raise ValueError(f"reports load nothing from elsewhere (refused: {url[:80]})")


PDF_TAGS = True  # tagged PDF: headings, lists and table header cells in the structure tree (about 20% slower)


def pdf_document(html: str, *, tagged: bool = PDF_TAGS):
    """The WeasyPrint document (laid-out pages) of a report's HTML."""
    import logging

    from weasyprint import HTML

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    return HTML(string=html, base_url=None, url_fetcher=_refuse_fetch).render(pdf_tags=tagged)


def write_pdf(html: str | Document, path: str | Path, *, tagged: bool = PDF_TAGS) -> Path:
    """Render the HTML with WeasyPrint (system fonts; nothing fetched) to `path`; returns the path.

    `tagged`: write a tagged PDF (structure tree with headings and table header cells, for screen readers)."""
    path = Path(path)
    text = html if isinstance(html, str) else render_html(html)
    pdf_document(text, tagged=tagged).write_pdf(str(path), pdf_tags=tagged)
    return path


def write_document(doc: Document, folder: str | Path, stem: str, formats: Iterable[str]) -> list[Path]:
    """`doc` as `<folder>/<stem>.<fmt>` for each of `formats` (html, pdf, docx), rendered to HTML once;
    the HTML goes through `write_html`, so a document that would load external URLs is refused."""
    folder = Path(folder)
    html = render_html(doc) if {"html", "pdf"} & set(formats) else ""
    written = []
    for fmt in formats:
        path = folder / f"{stem}.{fmt}"
        if fmt == "html":
            write_html(html, path)
        elif fmt == "pdf":
            write_pdf(html, path)
        elif fmt == "docx":
            write_docx(doc, path)
        else:
            raise ValueError(f"unknown document format {fmt!r}")
        written.append(path)
    return written


# ------------------------------------------------------------------------------------------------
# DOCX
# ------------------------------------------------------------------------------------------------


def _mark_header_row(row) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


DOCX_TABLE_STYLE = "Light Grid Accent 1"


def _field(paragraph, instruction: str, placeholder: str = "") -> None:
    """A Word field (PAGE, TOC …) in `paragraph`; Word fills it in when the document is opened or updated."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def char(kind: str):
        r = OxmlElement("w:r")
        fc = OxmlElement("w:fldChar")
        fc.set(qn("w:fldCharType"), kind)
        if kind == "begin":
            fc.set(qn("w:dirty"), "true")  # ask Word to compute it on opening
        r.append(fc)
        return r

    p = paragraph._p
    p.append(char("begin"))
    r = OxmlElement("w:r")
    it = OxmlElement("w:instrText")
    it.set(qn("xml:space"), "preserve")
    it.text = f" {instruction} "
    r.append(it)
    p.append(r)
    p.append(char("separate"))
    paragraph.add_run(placeholder)
    p.append(char("end"))


def _a4_with_page_numbers(d, language: str = "en") -> None:
    """A4 pages with 2 cm margins and 'Page N of M' (in the document's language) centred in the footer."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    t = translator(language)
    # TRANSLATORS: page footer of a Word report; {k} and {n} become the page number and the page count
    pattern = t._("Page {k} of {n}", k="\0k\0", n="\0n\0")
    for sec in d.sections:
        sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
        sec.left_margin = sec.right_margin = Cm(2.0)
        sec.top_margin = sec.bottom_margin = Cm(2.0)
        fp = sec.footer.paragraphs[0]
        fp.alignment = WD_ALIGN_PARAGRAPH.CENTER
        for piece in re.split(r"(\0[kn]\0)", pattern):
            if piece == "\0k\0":
                _field(fp, "PAGE", "1")
            elif piece == "\0n\0":
                _field(fp, "NUMPAGES", "1")
            elif piece:
                fp.add_run(piece).font.size = Pt(8)


# Word's language tags (w:lang) of the report languages
DOCX_LANGUAGES = {"en": "en-GB", "de": "de-DE", "fr": "fr-FR", "it": "it-IT", "sl": "sl-SI"}


def _docx_language(d, language: str) -> None:
    """The document's language (spelling, hyphenation, screen readers): w:lang on the default run
    properties and on every style that sets fonts, and in the core properties."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tag = DOCX_LANGUAGES.get(language, language)
    d.core_properties.language = tag
    styles = d.styles.element
    targets = []
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr_default = defaults.find(qn("w:rPrDefault"))
        if rpr_default is None:
            rpr_default = OxmlElement("w:rPrDefault")
            defaults.insert(0, rpr_default)
        rpr = rpr_default.find(qn("w:rPr"))
        if rpr is None:
            rpr = OxmlElement("w:rPr")
            rpr_default.append(rpr)
        targets.append(rpr)
    for style in styles.findall(qn("w:style")):
        rpr = style.find(qn("w:rPr"))
        if rpr is not None:
            targets.append(rpr)
    for rpr in targets:
        lang = rpr.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            rpr.append(lang)
        lang.set(qn("w:val"), tag)
        lang.set(qn("w:eastAsia"), tag)
        lang.set(qn("w:bidi"), tag)


def _picture_alt_text(d, alt: str, title: str) -> None:
    """Alt text (`descr`) on the picture just added, read by screen readers and shown in Word."""
    from docx.oxml.ns import qn

    props = d.paragraphs[-1]._p.findall(".//" + qn("wp:docPr"))
    for el in props[-1:]:
        el.set("descr", alt)
        el.set("title", title)


def _docx_table(d, table: Table) -> None:
    from docx.shared import Pt

    if table.caption:
        p = d.add_paragraph(table.caption, style="Caption")
    ncol = max(len(table.columns), 1)
    t = d.add_table(rows=1, cols=ncol)
    t.style = DOCX_TABLE_STYLE  # a built-in style: the reader restyles every table at once in Word
    hdr = t.rows[0]
    _mark_header_row(hdr)
    # a table without columns still gets one (empty) cell
    for cell, text in zip(hdr.cells, table.columns, strict=False):
        cell.text = ""
        run = cell.paragraphs[0].add_run(str(text))
        run.bold = True
        run.font.size = Pt(8.5)
    for r in table.rows:
        cells = t.add_row().cells
        for i, (cell, text) in enumerate(zip(cells, r, strict=False)):
            run = cell.paragraphs[0].add_run(str(text))
            run.font.size = Pt(8.5)
            if table.row_header and i == 0:
                run.bold = True
    if table.note:
        p = d.add_paragraph(table.note)
        p.runs[0].italic = True


def write_docx(doc: Document, path: str | Path) -> Path:
    """The document model as a Word file (see the module docstring for figures)."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    path = Path(path)
    language = check_language(doc.language)
    t = translator(language)
    d = docx.Document()
    _docx_language(d, language)
    d.core_properties.title = doc.title
    d.core_properties.subject = doc.subtitle
    d.core_properties.comments = doc.banner or ""
    style = d.styles["Normal"]
    style.font.name = "Calibri"
    style.font.size = Pt(10)
    for sec in d.sections:
        if doc.synthetic:
            hp = sec.header.paragraphs[0]
            hp.text = ""
            run = hp.add_run(doc.banner or t._(PAGE_NOTICE))
            run.bold = True
            run.font.size = Pt(8)
            run.font.color.rgb = RGBColor(0xA0, 0x1C, 0x1C)
            hp.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _a4_with_page_numbers(d, language)
    d.add_heading(doc.title, level=0)
    if doc.subtitle:
        d.add_paragraph(doc.subtitle)
    if doc.kind != "memo":  # the memo is two pages: no contents
        d.add_paragraph().add_run(t._("Contents")).bold = True  # not a heading: it would list itself
        # TRANSLATORS: stands in a Word file where the table of contents appears once Word updates the field
        placeholder = t._("Right-click and choose Update Field to fill in.")
        _field(d.add_paragraph(), 'TOC \\o "1-2" \\h \\z \\u', placeholder)
    if doc.synthetic and doc.banner and doc.kind != "memo":  # the memo: once per page, in the header
        p = d.add_paragraph()
        r = p.add_run(doc.banner)
        r.bold = True
        r.font.color.rgb = RGBColor(0xA0, 0x1C, 0x1C)
    for s in doc.sections:
        if s.page_break and doc.kind != "memo":
            d.add_page_break()
        d.add_heading(s.title, level=1)
        for b in s.blocks:
            _docx_block(d, b, language)
    d.save(str(path))
    return path


def _docx_block(d, b, language: str = "en") -> None:
    from docx.shared import RGBColor

    if isinstance(b, Heading):
        d.add_heading(b.text, level=min(max(b.level - 1, 2), 4))
    elif isinstance(b, Paragraph):
        p = d.add_paragraph()
        r = p.add_run(b.text)
        if b.style == "strong":
            r.bold = True
        elif b.style in ("note", "small"):
            r.italic = True
    elif isinstance(b, Bullets):
        style = "List Number" if b.ordered else "List Bullet"
        for item in b.items:
            d.add_paragraph(item, style=style)
    elif isinstance(b, Table):
        _docx_table(d, b)
    elif isinstance(b, Figure):
        p = d.add_paragraph(style="Caption")
        # TRANSLATORS: the title line of a chart in a Word report
        p.add_run(translator(language)._("Figure: {title}", title=b.title)).bold = True
        png = _svg_png(b.svg)
        if png is not None:
            from docx.shared import Inches

            d.add_picture(io.BytesIO(png), width=Inches(min(6.3, (b.width or 600) / 96)))
            _picture_alt_text(d, b.alt, b.title)
        d.add_paragraph(b.alt).runs[0].italic = True
        if b.caption:
            d.add_paragraph(b.caption)
        if b.data is not None:
            _docx_table(d, b.data)
    elif isinstance(b, Callout):
        p = d.add_paragraph()
        if b.title:
            r = p.add_run(b.title + (" " if b.text else ""))
            r.bold = True
        if b.text:
            r2 = p.add_run(b.text)
            if b.kind_of == "synthetic":
                r2.bold = True
                r2.font.color.rgb = RGBColor(0xA0, 0x1C, 0x1C)
        for line in b.lines:
            d.add_paragraph(line, style="List Bullet")


def _svg_png(svg: str) -> bytes | None:
    """The chart as a PNG for Word (which takes no SVG); None when cairo is not available."""
    try:
        import cairosvg
    except (ImportError, OSError):  # cairosvg needs the system cairo library
        return None
    # the inline-HTML sizing style (height:auto) means nothing outside a page and blanks the image
    standalone = re.sub(r'\sstyle="[^"]*"', "", svg, count=1)
    return cairosvg.svg2png(bytestring=standalone.encode("utf-8"), scale=2)


def docx_text(path: str | Path) -> str:
    """All text of a Word file: body paragraphs, tables and page headers (for tests)."""
    import docx

    d = docx.Document(str(path))
    out = [p.text for p in d.paragraphs]
    for t in d.tables:
        for row in t.rows:
            out.append(" | ".join(c.text for c in row.cells))
    for s in d.sections:
        out.extend(p.text for p in s.header.paragraphs)
    return "\n".join(out)


def escape(text: str) -> str:
    return _html.escape(text)
