"""Lists in the reports' sentences: the language's own list pattern, and no run-on of 'and's.

A German summary read 'darunter bei Umsetzung und Förderprogramme und Monitoring und Evaluierung und in dem
anderen Block gleichauf' and a Slovenian one '… izvajanje in podporne sheme in spremljanje in vrednotenje in
v skladu s povprečjem …': block names with their own 'and', joined by another 'and', then the next clause by
a third. Lists now come from the CLDR pattern (`Translator.join`), names are quoted when one of them has the
list's 'and', and the clauses of a position are set apart by a semicolon.
"""

from __future__ import annotations

import re

import pytest
from report_support import make_results

from s3stresstest.findings import block_name
from s3stresstest.i18n import translator
from s3stresstest.report import ReportInputs, regional

REGIONS = ["ITC1", "ITC4", "AT31", "ES21", "SI", "DE1"]


@pytest.mark.parametrize(
    "language, expected",
    [("en", "A, B and C"), ("de", "A, B und C"), ("fr", "A, B et C"), ("it", "A, B e C"), ("sl", "A, B in C")],
)
def test_lists_follow_the_language_pattern(language, expected):
    assert translator(language).join(["A", "B", "C"]) == expected
    assert translator(language).join(["A"]) == "A"
    assert translator(language).join([]) == ""


def test_english_takes_a_serial_comma_only_where_a_part_has_its_own_and():
    t = translator("en")
    assert (
        t.join(["monitoring and evaluation", "portfolio", "impact"])
        == "monitoring and evaluation, portfolio, and impact"
    )
    assert t.join(["a", "b", "c"], "or") == "a, b or c"


def test_names_with_the_lists_own_and_are_quoted():
    de = translator("de")
    assert regional._names(["Umsetzung und Förderprogramme", "Monitoring und Evaluierung"], de) == (
        "„Umsetzung und Förderprogramme“ und „Monitoring und Evaluierung“"
    )
    assert regional._names(["Clusterportfolio", "Wirkung"], de) == "Clusterportfolio und Wirkung"
    assert regional._names(["Monitoring und Evaluierung"], de) == "Monitoring und Evaluierung"


@pytest.fixture(scope="module")
def inputs(tmp_path_factory, shared_data):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("S3ST_DATA_DIR", str(shared_data))
        folder = make_results(tmp_path_factory.mktemp("list-joins") / "results", REGIONS, seed=11)
    return ReportInputs.load(folder, data_folder=shared_data)


# the clause 'in line on the other n blocks' glued to the list before it by the list's 'and'
RUN_ON = {"de": r"\bund (im|in dem|in den) anderen", "sl": r"\bin v (skladu|preostal)", "en": r"\band in line on"}


@pytest.mark.parametrize("language", ["en", "de", "sl"])
def test_the_position_sentence_sets_its_clauses_apart(inputs, language):
    t = translator(language)
    word = f" {t.conjunction()} "
    names = [block_name(inputs.instrument, b, regional._labels(language)) for b in inputs.blocks]
    with_and = [n for n in names if word in n]
    assert with_and, "the test needs block names with the list's own 'and'"
    texts = [
        " ".join(regional.executive_summary(inputs, region, language).blocks[0].text.split())
        for region in ("SI", "DE1", "AT31")
    ]
    # the data give positions with an in-line clause after a list of blocks, the place of the run-on
    in_line = t.ngettext("in line on the other {n} block", "in line on the other {n} blocks", 3).split("3")[0]
    assert any(in_line.strip() and in_line.strip() in x for x in texts), texts
    for text in texts:
        assert not re.search(RUN_ON[language], text), text
        for name in with_and:  # never 'name-with-and and other name' unquoted
            for other in names:
                if other != name:
                    assert f"{name}{word}{other}" not in text, text
                    assert f"{other}{word}{name}" not in text, text
