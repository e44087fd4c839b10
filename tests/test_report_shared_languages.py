"""The shared report pieces in five languages: document writers, charts, maps, evidence and words.

A chart, a map or a Word file in French, German, Italian or Slovenian carries none of the English
fixed texts of the `report` catalogue (those longer than a few words: short ones such as "n" or a
code stay the same in every language), sets its language, and prints numbers in the language's
format (decimal comma, "72 %").
"""

from __future__ import annotations

import json
import re
import string
import xml.etree.ElementTree as ET
import zipfile

import numpy as np
import pandas as pd
import pytest
from babel.messages.pofile import read_po

from s3stresstest.formatting import big, interval, num, pct
from s3stresstest.i18n import LANGUAGES
from s3stresstest.i18n.catalogues import po_path
from s3stresstest.i18n.tools import template
from s3stresstest.report import charts, maps
from s3stresstest.report.common import ci_level_text, group_label, peer_label, withheld_text
from s3stresstest.report.evidence import evidence_sentences
from s3stresstest.report.render import (
    PAGE_NOTICE,
    Callout,
    Document,
    Figure,
    Paragraph,
    Table,
    docx_text,
    render_html,
    write_docx,
)
from s3stresstest.report.svg import text_width

SVG_NS = "{http://www.w3.org/2000/svg}"
OTHERS = [lang for lang in LANGUAGES if lang != "en"]
MIN_CHUNK = 12  # English pieces at least this long must not appear in another language


def _chunks(message: str) -> list[str]:
    """The literal pieces of a message between its {fields}."""
    return [lit.strip() for lit, *_ in string.Formatter().parse(message) if lit and len(lit.strip()) > MIN_CHUNK]


def english_pieces(language: str) -> set[str]:
    """Pieces of the report domain's English texts that the language's translation does not share."""
    with po_path(language, "report").open("rb") as f:
        catalogue = read_po(f, locale=language, domain="report")
    out = set()
    for m in template("report"):
        if not m.id:
            continue
        ids = [m.id] if isinstance(m.id, str) else list(m.id)
        found = catalogue.get(m.id if isinstance(m.id, str) else m.id[0])
        strings = [] if found is None else ([found.string] if isinstance(found.string, str) else list(found.string))
        translated = " ".join(str(s) for s in strings)
        for msg in ids:
            out.update(c for c in _chunks(msg) if c not in translated)
    return out


def english_left(text: str, language: str) -> list[str]:
    flat = " ".join(text.split())
    return sorted(p for p in english_pieces(language) if p in flat)


def svg_text(chart) -> str:
    root = ET.fromstring(chart.svg)
    parts = [
        "".join(el.itertext())
        for el in root.iter()
        if el.tag in (SVG_NS + "text", SVG_NS + "title", SVG_NS + "desc", SVG_NS + "tspan")
    ]
    return " ".join(parts)


# -- fixtures (as in test_report_charts) ----------------------------------------------------------------


@pytest.fixture
def block_scores() -> pd.DataFrame:
    rows = [
        ("AT33", "b1", 61.2, 55.1, 67.4, 30, "ok"),
        ("AT33", "b2", 47.0, 40.2, 52.8, 30, "ok"),
        ("AT33", "b3", 93.3, 88.0, 97.0, 2, "insufficient"),
        ("DE2", "b1", 58.0, np.nan, np.nan, 12, "ok"),
        ("DE2", "b2", np.nan, np.nan, np.nan, 1, "suppressed"),
        ("DE2", "b3", 33.0, 30.0, 36.0, 12, "ok"),
    ]
    return pd.DataFrame(rows, columns=["region", "block", "score", "ci_low", "ci_high", "n", "status"])


@pytest.fixture
def benchmarks() -> pd.DataFrame:
    rows = []
    for block, (alp, front) in {"b1": (55.0, 70.1), "b2": (44.4, 64.2), "b3": (38.8, 51.7)}.items():
        for group in ("alpine", "all"):
            rows.append(
                {
                    "region": "AT33",
                    "block": block,
                    "peer_group": group,
                    "score": np.nan,
                    "peer_mean": alp,
                    "frontrunner_level": front,
                }
            )
    return pd.DataFrame(rows)


@pytest.fixture
def distribution() -> pd.DataFrame:
    rows = []
    for region, n, shares in (("AT33", 20, [0.45, 0.30, 0.15, 0.10]), ("DE2", 2, [0.5, 0.5, 0.0, 0.0])):
        for choice, share in zip(["yes", "partly", "no", "dk"], shares, strict=True):
            rows.append((region, "q1", choice, share, n))
    # a third territory whose small answers are pooled
    for choice, share in zip(["yes", "partly", "no", "dk"], [0.7, 0.2, 0.1, 0.0], strict=True):
        rows.append(("CH022", "q1", choice, share, 10))
    return pd.DataFrame(rows, columns=["region", "item", "choice", "share", "n"])


@pytest.fixture
def groups() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "region": "AT33",
            "block": ["b1"] * 4,
            "stakeholder_group": ["policy_maker", "cluster_manager", "company", "other"],
            "score": [66.6, 52.0, np.nan, 91.4],
            "n": [2, 8, 1, 3],
            "status": ["suppressed", "ok", "suppressed", "insufficient"],
        }
    )


@pytest.fixture(scope="module")
def registry(shared_data):
    from s3stresstest.regions.nuts import NutsRegistry

    return NutsRegistry.load(shared_data)


def all_charts(block_scores, benchmarks, distribution, groups, language: str) -> dict:
    multiple = pd.DataFrame(
        {"region": "AT33", "item": "q3", "choice": ["a", "b", "c", "dk"], "share": [0.6, 0.55, 0.1, 0.05], "n": 20}
    )
    return {
        "block_profile": charts.block_profile(block_scores, benchmarks, region="AT33", ci_level=0.9, language=language),
        "block_vs_peers": charts.block_vs_peers(
            "AT33", "b1", benchmarks, block_scores=block_scores, ci_level=0.9, language=language
        ),
        "block_vs_peers_missing": charts.block_vs_peers(
            "AT33", "b3", benchmarks, block_scores=block_scores, language=language
        ),
        "item_distribution": charts.item_distribution(
            distribution, ["yes", "partly", "no", "dk"], min_respondents=3, language=language
        ),
        "item_distribution_multiple": charts.item_distribution(
            multiple, ["a", "b", "c", "dk"], min_respondents=3, language=language
        ),
        "group_breakdown": charts.group_breakdown(groups, "b1", reference=61.2, language=language),
        "group_breakdown_empty": charts.group_breakdown(groups.iloc[0:0], "b1", region="AT33", language=language),
        "heatmap": charts.heatmap(block_scores, ["AT33", "DE2", "SI"], language=language),
        "heatmap_long_labels": charts.heatmap(
            block_scores,
            ["AT33", "DE2"],
            ["b1", "b2", "b3"],
            {"b1": "What role do clusters play in the development of the regional strategy?"},
            sort=None,
            language=language,
        ),
    }


# -- charts --------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", OTHERS)
def test_charts_carry_no_english_fixed_text(block_scores, benchmarks, distribution, groups, language):
    for name, chart in all_charts(block_scores, benchmarks, distribution, groups, language).items():
        text = svg_text(chart)
        assert not english_left(text, language), (name, english_left(text, language))
        english = all_charts(block_scores, benchmarks, distribution, groups, "en")[name]
        assert chart.svg != english.svg, f"{name}: the {language} chart is the English one"


def outside(chart) -> list[str]:
    """Texts whose estimated extent leaves the image sideways (as in test_report_charts)."""
    root = ET.fromstring(chart.svg)
    width = float(root.get("width"))
    out = []
    for el in root.iter(SVG_NS + "text"):
        text = "".join(el.itertext())
        if not text.strip() or el.get("x") is None:
            continue
        w = text_width(text, float(el.get("font-size", 12))) * (1.1 if el.get("font-weight") == "bold" else 1)
        x = float(el.get("x"))
        left = {"end": x - w, "middle": x - w / 2}.get(el.get("text-anchor"), x)
        if left < -2 or left + w > width + 2:
            out.append(f"{text!r} spans {left:.0f}..{left + w:.0f} px of {width:.0f}")
    return out


@pytest.mark.parametrize("language", LANGUAGES)
def test_longer_words_stay_inside_the_image(block_scores, benchmarks, distribution, groups, language):
    """German group names and French status words are longer than the English ones: the charts make room."""
    for name, chart in all_charts(block_scores, benchmarks, distribution, groups, language).items():
        assert not outside(chart), (name, outside(chart))


def test_the_english_pieces_are_found_in_english_charts(block_scores, benchmarks, distribution, groups):
    """The check above can fail: the same pieces are in the English charts."""
    text = " ".join(svg_text(c) for c in all_charts(block_scores, benchmarks, distribution, groups, "en").values())
    found = english_left(text, "fr")
    assert len(found) >= 20, found
    assert "Share of respondents who answered (%)" in found


def test_german_charts_use_the_german_number_format(block_scores, benchmarks, distribution, groups):
    de = all_charts(block_scores, benchmarks, distribution, groups, "de")
    text = svg_text(de["item_distribution"])
    assert "45\u00a0%" in text and "45%" not in text  # German puts a (no-break) space before the sign
    assert "100\u00a0%" in text  # axis ticks too
    assert "90\u00a0%-Konfidenzintervall" in svg_text(de["block_profile"])
    assert "Clustermanager/in" in svg_text(de["group_breakdown"])
    it = charts.item_distribution(
        pd.DataFrame({"region": "AT33", "item": "q", "choice": ["y", "n"], "share": [0.45, 0.55], "n": 20}),
        ["y", "n"],
        language="it",
    )
    assert "45%" in svg_text(it) and "45\u00a0%" not in svg_text(it)  # Italian: no space


@pytest.mark.parametrize("language", OTHERS)
def test_maps_carry_no_english_fixed_text(registry, language):
    territory = maps.territory_map(registry, "AT33", ["AT32", "AT34", "ITH1"], {"AT32": 71.2}, language=language)
    alpine = maps.alpine_space_map(registry, {"DE2": 57.0, "SI": None, "ES21": 40.0}, "Block b1", language=language)
    for chart in (territory, alpine):
        text = svg_text(chart)
        assert not english_left(text, language), english_left(text, language)
        # GISCO's attribution: "© EuroGeographics" kept, the words around it in the language (no English left)
        assert "© EuroGeographics" in text and "Eurostat – GISCO" in text and maps.ATTRIBUTION not in text
    assert "AT32 71" in svg_text(territory)


# -- evidence sentences and words -----------------------------------------------------------------

TRIGGERS = [
    {"trigger": "block_below_peers", "block": "b2", "peer_group": "alpine", "score": 41.6, "ci_low": 35.2,
     "ci_high": 48.9, "n": 14, "peer_mean": 55.0, "gap_to_mean": -13.4, "interval_excludes_mean": True},
    {"trigger": "block_below", "block": "b5", "score": 44.6, "n": 14, "threshold": 45.0},
    {"trigger": "block_gap_to_frontrunner", "block": "b1", "peer_group": "all", "score": 41.6,
     "frontrunner_level": 70.0, "gap_to_frontrunner": -28.4},
    {"trigger": "item_below_peers", "item": "q1", "peer_group": "alpine", "score": 30.0, "peer_mean": 50.0},
    {"trigger": "item_weakest", "item": "q2", "score": 20.0, "own_mean": 50.0, "peer_mean": 25.0, "stretch": True},
    {"trigger": "item_below", "item": "q3", "score": 29.6, "threshold": 30.0},
    {"trigger": "item_share", "item": "q4", "choices": ["no", "dk"], "share": 0.5714, "n": 14, "min_share": 0.5},
    {"trigger": "groups_disagree", "item": "q5", "group_spread": 31.25, "groups_published": 3},
    {"trigger": "stakeholder_groups_below", "block": "b4", "groups_published": 1, "min_groups": 2},
    {"trigger": "insufficient_data", "block": "b6", "status": "insufficient_items"},
    {"trigger": "alignment_below", "kind": "neighbour", "statistic": "neighbours_mean", "score": 28.3,
     "threshold": 30.0, "pairs": [{"territory": "AT31", "score": 16.2}, {"territory": "DE2", "score": 39.4}]},
    {"trigger": "perception_flag", "perceived": 69.1, "perceived_ci_low": 62.0, "perceived_ci_high": 76.0,
     "neighbours": 28.3, "measured": 28.3, "flag": "perceived higher"},
    {"trigger": "synergy_shared", "n_topics": 7, "topics": [
        {"axis": "ecosystem", "code": "health", "title": "Health", "partners": ["AT31", "DE2"],
         "same_as": [{"axis": "nace", "code": "Q86"}]}]},
]  # fmt: skip
EVIDENCE = {
    "triggered_by": TRIGGERS,
    "learn_from": [{"territory": "AT31", "relation": "structural peer", "figures": [{"score": 70.0, "n": 9}]}],
}


@pytest.mark.parametrize("language", OTHERS)
def test_evidence_sentences_in_every_language(language):
    lines = evidence_sentences(json.dumps(EVIDENCE), limit=len(TRIGGERS), language=language)
    english = evidence_sentences(json.dumps(EVIDENCE), limit=len(TRIGGERS))
    assert len(lines) == len(english) == len(TRIGGERS) + 1
    text = " ".join(lines)
    assert not english_left(text, language), english_left(text, language)
    assert all(a != b for a, b in zip(lines, english, strict=True))
    cut = evidence_sentences({"triggered_by": TRIGGERS}, limit=2, language=language)
    assert not english_left(cut[-1], language) and "11" in cut[-1]


def test_evidence_numbers_follow_the_language():
    de = evidence_sentences({"triggered_by": [TRIGGERS[5], TRIGGERS[6]]}, language="de")
    assert "29,6" in de[0] and "57\u00a0%" in de[1] and "50\u00a0%" in de[1]
    en = evidence_sentences({"triggered_by": [TRIGGERS[5], TRIGGERS[6]]})
    assert "29.6" in en[0] and "57%" in en[1]


def test_words_in_five_languages():
    class Inputs:
        def __init__(self):
            self.parameters = {"ci_level": 0.95}

    assert group_label("cluster_manager") == "Cluster manager"
    assert group_label("cluster_manager", language="de") == "Clustermanager/in"
    assert group_label("policy_maker", language="fr") == "Responsable politique"  # the questionnaire's label
    assert group_label("my_group", language="it") == "My group"  # a code of its own: shown as it is
    assert peer_label("all", language="sl") == "Vsa območja" and peer_label("alpine_space", language="de") == (
        "Alpine Space"
    )
    assert withheld_text("suppressed", 5) == "suppressed (fewer than 5 respondents)"
    assert withheld_text("suppressed", 5, language="de") == "unterdrückt (weniger als 5 Befragte)"
    assert "moins de 5" in withheld_text("suppressed", 5, group=True, language="fr")
    assert ci_level_text(Inputs()) == "95%" and ci_level_text(Inputs(), language="fr") == "95\u00a0%"
    assert ci_level_text(Inputs(), language="de") == "95\u00a0%" and ci_level_text(Inputs(), language="it") == "95%"


def test_number_formats():
    assert num(61.25, 1) == "61.2" and num(61.25, 1, language="de") == "61,2"
    assert pct(0.725, 1, language="de") == "72,5\u00a0%" and pct(0.725, 1, language="it") == "72,5%"
    assert pct(0.725, 1) == "72.5%"
    assert big(12345.6) == "12,346" and big(12345.6, language="de") == "12.346"
    assert interval(62, 55.4, 70.2, language="fr") == "62 [55–70]"
    assert interval(62.25, 55.45, 70.25, 1, language="sl") == "62,2 [55,5–70,2]"
    assert num(None, language="de") == "–"


# -- document writers ------------------------------------------------------------------------------


def small_document(language: str, chart=None) -> Document:
    doc = Document(
        "regional",
        "Bericht",
        subtitle="AT33",
        synthetic=True,
        banner="SYNTHETISCHE DATEN",
        language=language,
        meta={"software": "1.0", "generated": "2026-12-06"},
    )
    s = doc.section("Abschnitt", "a")
    s.add(Paragraph("Text"), Table(["A", "B"], [["1", "2"]], caption="Tabelle"), Callout("Hinweis"))
    if chart is not None:
        s.add(Figure(svg=chart.svg, title=chart.title, alt=chart.alt))
    return doc


FIXED_HTML = ("Contents", "Synthetic data", "Scores are a learning tool", "Made with s3stresstest")
FIXED_DOCX = ("Contents", "Right-click and choose Update Field", "Figure: ", "Page ")


@pytest.mark.parametrize("language", OTHERS)
def test_html_has_the_language_and_no_english_fixed_text(language):
    html = render_html(small_document(language))
    assert f'<html lang="{language}">' in html
    html = html.split("</style>")[-1]  # the page (the stylesheet's comments are not shown)
    for text in FIXED_HTML:
        assert text not in html, text
    assert not english_left(html, language)


def test_german_html_has_the_german_texts_and_english_is_unchanged():
    de = render_html(small_document("de"))
    assert "Inhalt" in de and "Synthetische Daten" in de and "SYNTHETISCHE DATEN – erzeugte Antworten" in de
    en = render_html(small_document("en"))
    assert '<html lang="en">' in en and "Contents" in en and "Scores are a learning tool, not a league table." in en


def test_page_notice_of_the_pdf_is_translated():
    doc = small_document("fr")
    html = render_html(doc)
    assert "DONNÉES SYNTHÉTIQUES" in html and PAGE_NOTICE not in html


def _docx_xml(path, member: str) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read(member).decode("utf-8")


def test_german_docx_sets_the_language_and_has_no_english_fixed_text(tmp_path, block_scores, benchmarks):
    chart = charts.block_profile(block_scores, benchmarks, region="AT33", language="de")
    path = write_docx(small_document("de", chart), tmp_path / "de.docx")
    styles = _docx_xml(path, "word/styles.xml")
    assert re.search(r'<w:lang [^>]*w:val="de-DE"', styles)
    assert 'w:val="en-US"' not in styles and 'w:val="en-GB"' not in styles
    assert "de-DE" in _docx_xml(path, "docProps/core.xml")
    body = docx_text(path) + _docx_xml(path, "word/document.xml")
    footer = "".join(_docx_xml(path, n) for n in zipfile.ZipFile(path).namelist() if "footer" in n)
    for text in FIXED_DOCX:
        assert text not in body, text
    assert "Inhalt" in body and "Abbildung: " in body and "mit der rechten Maustaste" in body
    assert "Seite " in footer and " von " in footer and "Page " not in footer
    assert not english_left(docx_text(path), "de")


def test_english_docx_keeps_its_texts(tmp_path):
    path = write_docx(small_document("en"), tmp_path / "en.docx")
    assert "Contents" in docx_text(path)
    footer = "".join(_docx_xml(path, n) for n in zipfile.ZipFile(path).namelist() if "footer" in n)
    assert "Page " in footer and " of " in footer
    assert 'w:val="en-GB"' in _docx_xml(path, "word/styles.xml")


def test_index_page_in_german():
    from markupsafe import Markup

    from s3stresstest.i18n import translator
    from s3stresstest.report.render import _environment

    t = translator("de")
    env = _environment()
    context = {
        "entries": [{"rel": "regional/AT33", "title": "Bericht", "code": "AT33", "name": "Tirol", "files": ["x.html"]}],
        "css": Markup(""),
        "synthetic": True,
        "banner": "B",
        "version": "1.0",
        "run": "run-20261206-181500",
        "made": "6. Dezember 2026",
    }
    de = env.get_template("index.html.j2").render(**context, language="de", _=t.gettext)
    assert '<html lang="de">' in de and "Regionale Berichte" in de
    assert "Lauf run-20261206-181500 vom 6. Dezember 2026" in de
    assert not english_left(de, "de")
    en = env.get_template("index.html.j2").render(**context)  # without a language: English, as before
    assert '<html lang="en">' in en and "Regional reports" in en


# -- the inputs' reasons and checks --------------------------------------------------------------------


def test_inputs_say_why_maps_are_missing_and_check_files_in_the_language(tmp_path):
    from report_support import make_results

    from s3stresstest.report.inputs import ReportInputs

    folder = make_results(tmp_path / "results", ["AT31", "DE2"], bootstrap=5, alignment=False, context=False)
    off = ReportInputs.load(folder, reference_data=False)
    assert (
        off.missing_text("maps")
        == off.missing["maps"]
        == ("reference data switched off for this build: maps are left out")
    )
    assert off.missing_text("maps", "de") == "Referenzdaten für diese Erstellung abgeschaltet: Karten entfallen"
    broken = ReportInputs.load(folder, data_folder=tmp_path / "nothing here")
    assert broken.registry is None
    assert broken.missing["maps"].startswith("NUTS boundaries")
    assert broken.missing_text("maps", "it").startswith("I confini NUTS")
    assert off.missing_text("no such part", "fr") is None
    files = off.input_files("fr")
    assert len(files) and set(files["check"]) <= {"conforme", "manquant", "modifié"}
    assert set(off.input_files()["check"]) <= {"matches", "missing", "changed"}


def test_german_pdf_declares_its_language_and_the_page_notice_is_german(tmp_path):
    from report_support import _pdf_plain, page_texts

    from s3stresstest.report.render import pdf_document, write_pdf

    doc = small_document("de")
    path = write_pdf(doc, tmp_path / "de.pdf")
    assert re.search(rb"/Lang\s*\(de\)", _pdf_plain(path.read_bytes()))
    pages = page_texts(pdf_document(render_html(doc)))
    assert "SYNTHETISCHE DATEN – erzeugte Antworten" in " ".join(pages[0].split())
    assert PAGE_NOTICE not in pages[0]
