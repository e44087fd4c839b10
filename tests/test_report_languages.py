"""Every report type in every language: regional report, synthesis, memo and index, in HTML and DOCX for
en, de, fr, it and sl (PDF for German, slow), from a small synthetic run.

A report in French, German, Italian or Slovenian must carry none of the English fixed texts of the
report catalogues (`report`, `regional`, `synthesis`, `findings`, `recommend`): every literal piece of a
message between its {fields} longer than MIN_CHUNK characters, unless the language's translation of that
message contains the same piece (a name such as "S3 StressTest" stays as it is). It must also declare
its language: `<html lang="xx">` and the Word file's language.

The English texts are read from the source files (`i18n.tools.template`), so a text added to a builder
without a translation makes this test fail.
"""

from __future__ import annotations

import html as html_lib
import re
import string
import zipfile
from functools import cache
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from report_support import make_results

from s3stresstest.i18n import LANGUAGES
from s3stresstest.i18n.catalogues import po_path
from s3stresstest.i18n.tools import template
from s3stresstest.report import ReportInputs, build_memo, build_regional, build_synthesis
from s3stresstest.report.render import docx_text, render_html, write_docx, write_html

DOMAINS = ("report", "regional", "synthesis", "findings", "recommend")
OTHERS = [lang for lang in LANGUAGES if lang != "en"]
MIN_CHUNK = 12  # English pieces longer than this must not appear in another language
REGIONS = ["ITC1", "ITC4", "AT31", "ES21"]
REGIONAL = ["ITC1", "ES21"]  # an Alpine territory and one of the European set


def _chunks(message: str) -> list[str]:
    """The literal pieces of a message between its {fields}, whitespace collapsed."""
    try:
        parts = [lit for lit, *_ in string.Formatter().parse(message) if lit]
    except ValueError:  # not a format string (a stray brace): the message as a whole
        parts = [message]
    pieces = [" ".join(p.split()) for p in parts]
    return [p for p in pieces if len(p) > MIN_CHUNK]


@cache
def english_pieces(language: str) -> dict[str, frozenset[str]]:
    """domain -> the pieces of its English texts that `language`'s translation does not share."""
    out: dict[str, frozenset[str]] = {}
    for domain in DOMAINS:
        path = po_path(language, domain)
        catalogue = None
        if language != "en" and path.is_file():
            with path.open("rb") as f:
                catalogue = read_po(f, locale=language, domain=domain)
        pieces: set[str] = set()
        for m in template(domain):
            if not m.id:
                continue
            ids = [m.id] if isinstance(m.id, str) else list(m.id)
            found = catalogue.get(ids[0], m.context) if catalogue is not None else None
            strings = [] if found is None else ([found.string] if isinstance(found.string, str) else found.string)
            translated = " ".join(" ".join(str(s or "").split()) for s in strings)
            for msg in ids:
                pieces.update(c for c in _chunks(msg) if c not in translated)
        out[domain] = frozenset(pieces)
    return out


def english_left(text: str, language: str) -> dict[str, list[str]]:
    """domain -> the English pieces found in `text` (only domains with a hit)."""
    flat = " ".join(text.split())
    found = {d: sorted(p for p in pieces if p in flat) for d, pieces in english_pieces(language).items()}
    return {d: hits for d, hits in found.items() if hits}


def html_text(html: str) -> str:
    """The page's text, attribute values (alt, title, aria-label) and stylesheet strings (CSS `content`,
    e.g. page headers of the PDF), entities decoded; the stylesheet's comments are not text."""
    html = re.sub(r"/\*.*?\*/", " ", html, flags=re.S)
    return html_lib.unescape(re.sub(r"<[^>]*?>", lambda m: " " + " ".join(re.findall(r'="([^"]*)"', m[0])) + " ", html))


def docx_language(path: Path) -> set[str]:
    """Every w:lang value of the Word file's styles and body."""
    with zipfile.ZipFile(path) as z:
        xml = "".join(z.read(n).decode("utf-8") for n in ("word/styles.xml", "word/document.xml") if n in z.namelist())
    return set(re.findall(r'<w:lang [^>]*w:val="([^"]+)"', xml))


def _report(failures: dict[str, list[str]], what: str) -> str:
    lines = [f"{what}: English fixed texts left ({sum(len(v) for v in failures.values())}):"]
    for domain, hits in failures.items():
        lines.append(f"  [{domain}] {len(hits)}: " + " | ".join(hits[:12]) + (" | ..." if len(hits) > 12 else ""))
    return "\n".join(lines)


@pytest.fixture(scope="module")
def results(tmp_path_factory, shared_data):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("S3ST_DATA_DIR", str(shared_data))
        return make_results(tmp_path_factory.mktemp("res") / "results", REGIONS, bootstrap=20)


@pytest.fixture(scope="module")
def inputs(results, shared_data):
    return ReportInputs.load(results, data_folder=shared_data)


def _builders(inputs):
    return {
        "regional": lambda lang: [build_regional(inputs, code, language=lang) for code in REGIONAL],
        "synthesis": lambda lang: [build_synthesis(inputs, language=lang)],
        "memo": lambda lang: [build_memo(inputs, language=lang)],
    }


# -- the checker itself -------------------------------------------------------------------------


def test_every_domain_has_english_texts_to_look_for():
    pieces = english_pieces("en")
    for domain in DOMAINS:
        assert len(pieces[domain]) >= 5, domain


def test_the_checker_finds_the_english_texts_in_an_english_report(inputs):
    doc = build_memo(inputs, language="en")
    found = english_left(html_text(render_html(doc)), "en")
    assert sum(len(v) for v in found.values()) >= 5, found
    assert english_left("Nothing to see here.", "en") == {}


def test_html_text_keeps_text_attributes_and_css_strings_but_not_css_comments():
    html = (
        '<style>/* S3 StressTest reports */ @page { @top-center { content: "Seite 1"; } }</style>'
        '<p title="Ein Titel">Text &amp; mehr</p>'
    )
    text = " ".join(html_text(html).split())
    assert "S3 StressTest reports" not in text
    assert "Seite 1" in text and "Ein Titel" in text and "Text & mehr" in text


# -- every report type in every language ---------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", ["regional", "synthesis", "memo"])
def test_report_in_language_html_and_docx(kind, language, inputs, tmp_path):
    failures: dict[str, set[str]] = {}
    for i, doc in enumerate(_builders(inputs)[kind](language)):
        assert doc.language == language
        html = render_html(doc)
        write_html(html, tmp_path / f"{i}.html")
        assert re.search(rf'<html[^>]*\blang="{language}"', html), f'{kind}: <html lang="{language}"> missing'
        path = write_docx(doc, tmp_path / f"{i}.docx")
        langs = docx_language(path)
        assert langs and all(v.split("-")[0].lower() == language for v in langs), f"{kind} docx w:lang: {langs}"
        if language == "en":
            continue
        for text in (html_text(html), docx_text(path)):
            for domain, hits in english_left(text, language).items():
                failures.setdefault(domain, set()).update(hits)
    assert not failures, _report({d: sorted(v) for d, v in failures.items()}, f"{kind} in {language}")


@pytest.mark.parametrize("language", LANGUAGES)
def test_index_in_language(language, inputs, tmp_path):
    from s3stresstest.report import _write_index

    titles = {"synthesis": ("Synthesis", language), "memo": ("Memo", language)}
    titles.update({f"regional/{c}": (inputs.name(c), language) for c in REGIONAL})
    _write_index(tmp_path, inputs, titles, ("html", "docx"), language)
    html = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert re.search(rf'<html[^>]*\blang="{language}"', html)
    for rel in titles:
        assert f'href="{rel}.html"' in html and f'href="{rel}.docx"' in html
    if language != "en":
        found = english_left(html_text(html), language)
        assert not found, _report(found, f"index in {language}")


@pytest.mark.slow
def test_german_pdf_of_every_report_type(inputs, tmp_path):
    from report_support import _pdf_plain, page_texts

    from s3stresstest.report.render import pdf_document, write_pdf

    failures: dict[str, set[str]] = {}
    for kind, make in _builders(inputs).items():
        doc = make("de")[0]
        html = render_html(doc)
        write_pdf(html, tmp_path / f"{kind}.pdf")
        data = _pdf_plain((tmp_path / f"{kind}.pdf").read_bytes())
        assert re.search(rb"/Lang\s*\(de\)", data), f"{kind}: the PDF does not declare German"
        text = " ".join(page_texts(pdf_document(html)))
        for domain, hits in english_left(text, "de").items():
            failures.setdefault(domain, set()).update(hits)
    assert not failures, _report({d: sorted(v) for d, v in failures.items()}, "PDFs in de")
