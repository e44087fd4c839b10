"""The synthesis report and the memo in five languages (issue 12): every text of the `synthesis` and
`findings` catalogues translated, findings and types from the run's text tables, locale numbers, `lang`
set, and a clear error when the run is older than its text tables."""

from __future__ import annotations

import dataclasses
import re
import string

import pytest
from report_support import make_results

from s3stresstest.errors import InputError
from s3stresstest.i18n import LANGUAGES
from s3stresstest.i18n.catalogues import po_path
from s3stresstest.i18n.tools import read, template
from s3stresstest.report import ReportInputs, build_memo, build_synthesis, render_html

MIN_LENGTH = 12


@pytest.fixture(scope="module")
def inputs(tmp_path_factory, shared_data):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("S3ST_DATA_DIR", str(shared_data))
        folder = make_results(tmp_path_factory.mktemp("synlang") / "results", seed=3)
    return ReportInputs.load(folder, data_folder=shared_data)


@pytest.fixture(scope="module")
def no_recommendations(inputs):
    """The run without recommendations: the synthesis then needs no recommendation texts (those belong to
    the recommendation engine and are tested with it)."""
    return dataclasses.replace(inputs, recommendations=inputs.recommendations.iloc[0:0])


def english_fragments(language: str) -> set[str]:
    """The fixed English pieces of every message of our domains (the text between `{fields}`), longer than
    MIN_LENGTH characters, that the language's translation does not itself contain."""
    out: set[str] = set()
    for domain in ("synthesis", "findings"):
        translated = {}
        for m in read(po_path(language, domain), language, domain):
            if m.id:
                ids = [m.id] if isinstance(m.id, str) else list(m.id)
                strs = [m.string] if isinstance(m.string, str) else list(m.string)
                for i in ids:
                    translated[i] = " ".join(strs)
        for m in template(domain):
            ids = [m.id] if isinstance(m.id, str) else list(m.id)
            for i in ids:
                for literal, *_ in string.Formatter().parse(i):
                    piece = literal.strip(" .,;:()“”'")
                    if len(piece) > MIN_LENGTH and piece not in translated.get(i, ""):
                        out.add(piece)
    return out


def test_there_are_english_texts_to_look_for():
    pieces = english_fragments("de")
    assert len(pieces) > 100
    assert "Each finding follows a stated rule" in " ".join(pieces)


def test_the_check_finds_english_in_an_english_synthesis(no_recommendations):
    text = build_synthesis(no_recommendations).text()
    found = [p for p in english_fragments("de") if p in text]
    assert len(found) > 20


def _visible(html: str) -> str:
    body = html.split("<body", 1)[1]
    body = re.sub(r"<(style|script)\b.*?</\1>", " ", body, flags=re.S)
    return re.sub(r"<[^>]+>", " ", body)


def _text(doc, leave_out: tuple[str, ...] = ()) -> str:
    """The document's text without the sections `leave_out` (by id)."""
    kept = dataclasses.replace(doc, sections=[s for s in doc.sections if s.id not in leave_out])
    return kept.text()


@pytest.mark.parametrize("language", LANGUAGES[1:])
def test_synthesis_in_language_has_no_english_fixed_text(no_recommendations, language):
    doc = build_synthesis(no_recommendations, language=language, ranks=True)
    assert doc.language == language
    html = render_html(doc)
    assert f'lang="{language}"' in html
    text = _text(doc) + "\n" + _visible(html)
    left = sorted(p for p in english_fragments(language) if p in text)
    assert not left, f"English in the {language} synthesis: {left[:10]}"


@pytest.mark.parametrize("language", LANGUAGES[1:])
def test_memo_in_language_has_no_english_fixed_text(inputs, language):
    doc = build_memo(inputs, language=language)
    assert doc.language == language
    html = render_html(doc)
    assert f'lang="{language}"' in html
    text = _text(doc) + "\n" + _visible(html)
    left = sorted(p for p in english_fragments(language) if p in text)
    assert not left, f"English in the {language} memo: {left[:10]}"


def test_german_synthesis_uses_the_runs_texts_and_locale_numbers(no_recommendations):
    doc = build_synthesis(no_recommendations, language="de")
    # the provenance lists the run's parameters as recorded ("ci_level=0.9"): values, not figures of the report
    text = _text(doc, leave_out=("provenance",))
    german = no_recommendations.finding_texts.query("language == 'de'")
    for r in german.itertuples():
        assert r.statement in text and r.title in text
    for s in no_recommendations.type_texts.query("language == 'de'")["summary"]:
        assert s in text
    # decimal comma and the German percent pattern; never an English decimal point in a figure
    assert re.search(r"\d+\s%", text)
    assert not re.search(r"\b\d+\.\d+\b", re.sub(r"\b\d+\.\d+\.\d+\b", "", text)), "an English decimal"


def test_german_memo_uses_locale_numbers(inputs):
    text = build_memo(inputs, language="de").text()
    assert re.search(r"90\s%", text)
    assert "90%" not in text


def test_a_run_without_text_tables_asks_for_a_rerun(no_recommendations):
    old = dataclasses.replace(no_recommendations, finding_texts=None, type_texts=None)
    build_synthesis(old)  # English needs no text tables
    build_memo(old)
    with pytest.raises(InputError, match="rerun"):
        build_synthesis(old, language="de")
    no_types = dataclasses.replace(no_recommendations, type_texts=None)
    with pytest.raises(InputError, match="rerun"):
        build_synthesis(no_types, language="fr")


def test_recommendation_titles_need_their_texts(inputs):
    if inputs.recommendation_texts is None:
        with pytest.raises(InputError, match="rerun"):
            build_synthesis(inputs, language="it")
    else:
        text = build_synthesis(inputs, language="it").text()
        titles = inputs.recommendation_texts.query("language == 'it'")["title"]
        assert any(t in text for t in titles)


@pytest.mark.parametrize("language", LANGUAGES[1:])
def test_no_other_catalogue_overrides_ours(language):
    """The translator merges every domain; a text of ours translated differently in another domain (the
    same words with another meaning) must carry a context, or the report would show the other one."""
    from s3stresstest.i18n import translator

    t = translator(language)
    wrong = []
    for domain in ("synthesis", "findings"):
        for m in read(po_path(language, domain), language, domain):
            if m.id and isinstance(m.id, str):
                got = t.pgettext(m.context, m.id) if m.context else t.gettext(m.id)
                if got != m.string:
                    wrong.append((domain, m.id, m.string, got))
    assert not wrong, wrong[:5]
