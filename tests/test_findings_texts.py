"""Findings and types in five languages, composed once at run time (issue 12), with rules in plain
language (issue 11): no file names, column names, rule ids or block codes."""

from __future__ import annotations

import re

import pytest
from report_support import make_results

from s3stresstest.findings import FindingParams, finding_texts, key_findings, type_texts
from s3stresstest.i18n import LANGUAGES
from s3stresstest.report import ReportInputs

TEXT_COLUMNS = ("title", "statement", "rule", "evidence")


@pytest.fixture(scope="module")
def inputs(tmp_path_factory, shared_data):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("S3ST_DATA_DIR", str(shared_data))
        folder = make_results(tmp_path_factory.mktemp("ftexts") / "results", seed=3)
    return ReportInputs.load(folder, data_folder=shared_data)


def test_the_run_holds_every_finding_in_five_languages(inputs):
    texts = inputs.finding_texts
    assert texts is not None, "the run folder holds no finding_texts.csv"
    ids = [f["id"] for f in inputs.findings]
    assert ids, "the demo campaign allows no finding"
    per = texts.groupby("id")["language"].apply(sorted).to_dict()
    assert set(per) == set(ids)
    for fid in ids:
        assert per[fid] == sorted(LANGUAGES), fid
    for col in TEXT_COLUMNS:
        assert texts[col].astype(str).str.strip().ne("").all(), col


def test_english_rows_equal_the_findings_table(inputs):
    english = inputs.finding_texts.query("language == 'en'").set_index("id")
    for f in inputs.findings:
        for col in TEXT_COLUMNS:
            assert english.loc[f["id"], col] == f[col], (f["id"], col)


def test_other_languages_are_not_english(inputs):
    texts = inputs.finding_texts.set_index(["id", "language"])
    for f in inputs.findings:
        for lang in LANGUAGES[1:]:
            for col in ("title", "statement", "rule"):
                assert texts.loc[(f["id"], lang), col] != f[col], (f["id"], lang, col)


def test_the_run_holds_every_type_in_five_languages(inputs):
    types = inputs.type_texts
    assert types is not None and inputs.typology is not None
    numbers = sorted(int(d["type"]) for d in inputs.typology["descriptions"])
    per = types.groupby("type")["language"].apply(sorted).to_dict()
    assert sorted(per) == numbers
    for t in numbers:
        assert per[t] == sorted(LANGUAGES)
    english = types.query("language == 'en'").set_index("type")["summary"]
    for d in inputs.typology["descriptions"]:
        assert english[int(d["type"])] == d["summary"]
    german = types.query("language == 'de'")["summary"]
    assert german.str.startswith("Typ ").all() and not german.str.contains("territories").any()


def test_text_tables_match_what_the_run_computes(inputs):
    again = finding_texts(inputs, inputs.params.findings)
    assert again.reset_index(drop=True).equals(inputs.finding_texts.reset_index(drop=True))
    assert (
        type_texts(inputs, inputs.params.findings)
        .reset_index(drop=True)
        .equals(inputs.type_texts.reset_index(drop=True))
    )


BLOCK_CODE = re.compile(r"\bb\d+(\.\d+)?\b", re.IGNORECASE)
IDENTIFIER = re.compile(r"\b[a-z0-9]+_[a-z0-9_]+\b")
FILE = re.compile(r"\.(csv|json|yaml|parquet)\b")


@pytest.mark.parametrize("language", LANGUAGES)
def test_rules_are_plain_language(inputs, language):
    """Issue 11: a rule names no source file, column, rule id or block code, in any language."""
    texts = inputs.finding_texts.query("language == @language")
    assert len(texts)
    for r in texts.itertuples():
        for col in ("rule", "statement", "evidence"):
            text = str(getattr(r, col))
            assert not FILE.search(text), (r.id, col, text)
            assert not IDENTIFIER.search(text), (r.id, col, text)
            assert not BLOCK_CODE.search(text), (r.id, col, text)
        for f in key_findings(inputs, inputs.params.findings):
            assert f["id"] not in str(r.rule)


def test_the_checks_catch_what_the_old_rules_said():
    """The patterns above would have failed on the rules before issue 11 was fixed."""
    old = (
        "Mean alignment score with the neighbouring territories' strategies (alignment_territories.csv, "
        "neighbours_mean), counted when at least 40"
    )
    assert FILE.search(old) and IDENTIFIER.search(old)
    assert BLOCK_CODE.search("Count the territories whose published b1 block score is at least 60")


def test_german_thresholds_use_a_decimal_comma(inputs):
    params = FindingParams(high_score=47.5, low_score=42.5)
    de = {f["id"]: f for f in key_findings(inputs, params, language="de")}
    en = {f["id"]: f for f in key_findings(inputs, params, language="en")}
    assert "47,5" in de["design_role"]["rule"] and "47.5" not in de["design_role"]["rule"]
    assert "47.5" in en["design_role"]["rule"]
    assert "42,5" in de["weakest_items"]["rule"]
    fr = {f["id"]: f for f in key_findings(inputs, params, language="fr")}
    assert "47,5" in fr["design_role"]["rule"]
    # percentages in the language's pattern: "75 %" in German, "75%" in Italian
    assert re.search(r"75\s%", de["weakest_items"]["rule"])  # a (non-breaking) space before the sign
    it = {f["id"]: f for f in key_findings(inputs, params, language="it")}
    assert "75%" in it["weakest_items"]["rule"]


def test_question_texts_are_in_the_language(inputs):
    de = {f["id"]: f for f in key_findings(inputs, inputs.params.findings, language="de")}
    en = {f["id"]: f for f in key_findings(inputs, inputs.params.findings, language="en")}
    head = en["weakest_items"]["figures"].iloc[0]
    ins = inputs.instrument
    item = next(it.name for it in ins.scored_items if ins.item_number(it.name) == head["number"])
    german = ins.item_label(item, "de").rstrip(".?").strip()
    assert german != ins.item_label(item, "en").rstrip(".?").strip()
    assert f"„{german}“" in de["weakest_items"]["statement"]


def test_summary_names_the_text_tables(inputs):
    from s3stresstest.run.summary import summary_markdown

    text = summary_markdown(inputs)
    assert "finding_texts.csv" in text and "type_texts.csv" in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_typology_rule_is_plain_language(inputs, language):
    from s3stresstest.findings import typology_rule

    text = typology_rule(3, 0, language)
    assert not FILE.search(text) and not IDENTIFIER.search(text) and not BLOCK_CODE.search(text), text
    assert "3" in text
