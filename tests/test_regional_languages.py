"""The regional report in German, French, Italian and Slovenian (issue 12), from a small synthetic run.

- none of the English texts of the `regional` catalogue is left in a report of another language (every
  literal piece of a message between its {fields} longer than MIN_CHUNK characters, unless the
  language's translation keeps the same piece, as "S3 StressTest" does);
- figures follow the language: a German report writes decimals with a comma;
- the recommendations are the run's own texts in that language (`recommendation_texts`), and a run
  without them is refused for any language but English, naming `s3stresstest rerun`;
- English stays as it was.
"""

from __future__ import annotations

import copy
import html as html_lib
import re
import string

import pytest
from babel.messages.pofile import read_po
from report_support import make_results

from s3stresstest.errors import InputError
from s3stresstest.i18n.catalogues import po_path
from s3stresstest.i18n.tools import template
from s3stresstest.report import ReportInputs, build_regional, render_html
from s3stresstest.report import regional as regional_module
from s3stresstest.report.render import Table
from s3stresstest.run.model import SYNTHETIC_BANNER

OTHERS = ["de", "fr", "it", "sl"]
MIN_CHUNK = 12
REGIONS = ["ITC1", "ITC4", "AT31", "ES21"]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory, shared_data):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("S3ST_DATA_DIR", str(shared_data))
        folder = make_results(tmp_path_factory.mktemp("regional-languages") / "results", REGIONS, seed=11)
    return ReportInputs.load(folder, data_folder=shared_data)


def _pieces(message: str) -> list[str]:
    parts = [lit for lit, *_ in string.Formatter().parse(message) if lit]
    return [p for p in (" ".join(x.split()) for x in parts) if len(p) > MIN_CHUNK]


def english_pieces(language: str) -> set[str]:
    """The English pieces of the regional catalogue that `language`'s translation does not share."""
    with po_path(language, "regional").open("rb") as f:
        catalogue = read_po(f, locale=language, domain="regional")
    out: set[str] = set()
    for m in template("regional"):
        if not m.id:
            continue
        ids = [m.id] if isinstance(m.id, str) else list(m.id)
        found = catalogue.get(ids[0], m.context)
        strings = [] if found is None else ([found.string] if isinstance(found.string, str) else found.string)
        translated = " ".join(" ".join(str(s or "").split()) for s in strings)
        for msg in ids:
            out.update(p for p in _pieces(msg) if p not in translated)
    return out


def page_text(html: str) -> str:
    """What a reader sees (and alt/title/aria texts), without the stylesheet; whitespace collapsed."""
    html = re.sub(r"<style\b.*?</style>", " ", html, flags=re.DOTALL)
    said = r'\b(?:alt|title|aria-label|content)="([^"]*)"'
    text = re.sub(r"<[^>]*?>", lambda m: " " + " ".join(re.findall(said, m[0])) + " ", html)
    return " ".join(html_lib.unescape(text).split())


def _tables(doc, section_id: str) -> list[Table]:
    section = next(s for s in doc.sections if s.id == section_id)
    return [b for b in section.blocks if isinstance(b, Table)]


def test_the_checker_finds_the_english_texts_in_an_english_report(inputs):
    text = page_text(render_html(build_regional(inputs, "ITC1")))
    hits = {p for p in english_pieces("de") if p in text}
    assert len(hits) >= 30, sorted(hits)  # the check below would find English texts if they were left


@pytest.mark.parametrize("language", OTHERS)
@pytest.mark.parametrize("region", ["ITC1", "ES21"])
def test_no_english_regional_text_in_another_language(inputs, language, region):
    doc = build_regional(inputs, region, language=language)
    assert doc.language == language
    html = render_html(doc)
    assert re.search(rf'<html[^>]*\blang="{language}"', html)
    text = page_text(html)
    left = sorted(p for p in english_pieces(language) if p in text)
    assert not left, f"{region} in {language}: English texts left: {left}"


def test_german_figures_use_the_decimal_comma(inputs):
    doc = build_regional(inputs, "ITC1", language="de")
    html = render_html(doc)
    body = page_text(html.split('id="provenance"', 1)[0])  # provenance quotes versions and parameters as recorded
    # a decimal point between digits (not a question number such as b1.10, nor a thousands group)
    points = re.findall(r"(?<![\w.])\d+\.\d{1,2}(?![\d.])", body)
    assert not points, points[:10]
    # the structural peers' distances have two decimals: 0,53 in German, 0.53 in English
    peers = inputs.structural_peers
    mine = peers[peers["region"] == "ITC1"].sort_values("rank")
    assert len(mine), "the test run should have structural peers"
    distance = f"{float(mine['distance'].iloc[0]):.2f}"
    rows = [r for t in _tables(doc, "context") for r in t.rows]
    assert any(r[1] == distance.replace(".", ",") for r in rows), (distance, rows[:3])
    english = [r for t in _tables(build_regional(inputs, "ITC1"), "context") for r in t.rows]
    assert any(r[1] == distance for r in english)
    # shares as German writes them: a space before the percent sign
    assert re.search(r"\d %", body) and not re.search(r"\d%", body)


def test_german_recommendations_are_the_runs_german_texts(inputs):
    texts = inputs.recommendation_texts
    assert texts is not None, "the run writes recommendation_texts"
    recs = inputs.recommendations
    region = recs.loc[recs["written"] == True, "region"].value_counts().index[0]  # noqa: E712
    mine = recs[(recs["region"] == region) & (recs["written"] == True)].sort_values("rank")  # noqa: E712
    de = texts[(texts["language"] == "de") & (texts["region"] == region)].set_index("rank")
    doc = build_regional(inputs, region, language="de")
    table = _tables(doc, "recommendations")[0]
    assert [r[1] for r in table.rows] == [str(de.loc[int(k), "title"]) for k in mine["rank"]]
    section = next(s for s in doc.sections if s.id == "recommendations")
    body = " ".join(getattr(b, "text", "") for b in section.blocks)
    for k in mine["rank"]:
        action, advice = str(de.loc[int(k), "action"]), str(de.loc[int(k), "advice"])
        assert advice.strip() and advice in action  # what to do, set apart in bold, is part of the action
        before, after = action.split(advice, 1)
        for part in (advice, before.strip(), after.strip()):
            assert part in body, part
        assert str(de.loc[int(k), "rationale"]) in body
    # the German titles are not the English ones copied
    assert [r[1] for r in table.rows] != [str(x) for x in mine["title"]]
    english = _tables(build_regional(inputs, region), "recommendations")[0]
    assert [r[1] for r in english.rows] == [str(x) for x in mine["title"]]


def test_a_run_without_recommendation_texts_is_refused_in_other_languages(inputs):
    old = copy.copy(inputs)
    old.recommendation_texts = None
    for language in OTHERS:
        with pytest.raises(InputError, match="s3stresstest rerun"):
            build_regional(old, "ITC1", language=language)
    assert build_regional(old, "ITC1").language == "en"  # English needs only the main table


def test_unknown_language_is_refused(inputs):
    with pytest.raises(InputError, match="unsupported language"):
        build_regional(inputs, "ITC1", language="es")


def test_english_is_unchanged(inputs):
    doc = build_regional(inputs, "ITC1")
    assert doc.language == "en" and doc.title == f"S3 StressTest: {inputs.label('ITC1')}"
    assert regional_module.SYNTHETIC_NOTICE == SYNTHETIC_BANNER
    assert doc.banner == SYNTHETIC_BANNER
    text = page_text(render_html(doc))
    for phrase in ("Executive summary", "Response profile", "Respondents per stakeholder group", "Annex: every item"):
        assert phrase in text
    assert "Zusammenfassung" not in text
    assert re.search(r"\d\.\d\d", text)  # decimals with a point


def test_the_synthetic_notice_and_the_kicker_are_translated(inputs):
    html = render_html(build_regional(inputs, "ITC1", language="fr"))
    assert "DONNÉES SYNTHÉTIQUES" in html and SYNTHETIC_BANNER not in html
    assert "Rapport régional" in html


def test_summary_sentences_are_whole_sentences_in_german(inputs):
    doc = build_regional(inputs, "ITC1", language="de")
    lead = next(b.text for b in doc.sections[0].blocks if getattr(b, "style", "") == "lead")
    assert "Gemessen a" in lead and " und " in lead  # the German sentence and the German list join
    assert "„" in lead and "“" in lead  # German quotation marks around question texts
    assert " and " not in lead
