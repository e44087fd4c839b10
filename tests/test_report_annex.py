"""The regional report's annex speaks to readers: questions by the body's numbers (b1.3), answer scales by
a name built from their choices ("Strongly disagree … Strongly agree, 5 points"), in the report's language;
the instrument's internal names (b1_edp_workshops, agree5) stay in the run folder."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from report_support import make_results

from s3stresstest.i18n import LANGUAGES, translator
from s3stresstest.report import ReportInputs, build_regional
from s3stresstest.report.regional import annex_section
from s3stresstest.report.render import Table
from s3stresstest.report.scales import scale_names

REGION = "ITC1"
INTERNAL = re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b|\b(agree5|yesno|freq5)\b")


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    folder = make_results(
        tmp_path_factory.mktemp("annex") / "results", ["ITC1", "AT31"], alignment=False, context=False
    )
    return ReportInputs.load(folder, data_folder=None, reference_data=False)


def _tables(section):
    return [b for b in section.blocks if isinstance(b, Table)]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_annex_shows_no_internal_name(inputs, language):
    items, scales = _tables(annex_section(inputs, REGION, language))
    cells = [c for t in (items, scales) for row in t.rows for c in row]
    leaks = [c for c in cells if INTERNAL.search(c)]
    assert not leaks, leaks[:5]
    names = {it.name for it in inputs.instrument.answerable_items} | {"agree5", "yesno", "freq5", "org_size"}
    assert not [c for c in cells if any(n in c for n in names)]


def test_the_annex_numbers_questions_as_the_body_does(inputs):
    doc = build_regional(inputs, REGION)
    body = {
        r[0]
        for s in doc.sections
        if s.title != "Annex: every item"
        for b in s.blocks
        if isinstance(b, Table) and b.caption == "Item scores"
        for r in b.rows
    }
    assert "b1.1 " + inputs.instrument.item_label("b1_edp_informed") in body
    items, _ = _tables(annex_section(inputs, REGION, "en"))
    numbered = {r[0] for r in items.rows if re.match(r"b\d+\.\d+ ", r[0])}
    assert numbered == body  # every scored question, under the same number and label
    profile = {r[0] for r in items.rows} - numbered
    assert inputs.instrument.item_label("stakeholder_group") in profile  # unnumbered questions by their label


@pytest.mark.parametrize(
    "language, agree, yesno",
    [
        ("en", "Strongly disagree … Strongly agree, 5 points", "No … Yes, 3 points"),
        ("de", "Stimme überhaupt nicht zu … Stimme voll zu, 5 Stufen", "Nein … Ja, 3 Stufen"),
        ("fr", "Pas du tout d'accord … Tout à fait d'accord, 5 niveaux", "Non … Oui, 3 niveaux"),
        ("it", "Totalmente in disaccordo … Totalmente d’accordo, 5 punti", "No … Sì, 3 punti"),
        ("sl", "Sploh se ne strinjam … Popolnoma se strinjam, 5 stopenj", "Ne … Da, 3 stopnje"),
    ],
)
def test_scales_are_named_from_their_choices_in_the_report_language(inputs, language, agree, yesno):
    items, scales = _tables(annex_section(inputs, REGION, language))
    scale_of = {r[0].split(" ", 1)[0]: r[3] for r in items.rows}
    assert scale_of["b1.1"] == agree and scale_of["b1.5"] == yesno
    listed = {r[0] for r in scales.rows}
    assert {agree, yesno} <= listed  # the table of scales lists them under the same names
    assert {r[3] for r in items.rows if r[3] in listed} == listed


def test_two_lists_that_read_alike_are_numbered():
    def choice(name, score):
        return SimpleNamespace(name=name, score=score, labels={"English (en)": name.title()})

    lists = {
        "a": SimpleNamespace(choices=[choice("no", 0.0), choice("yes", 100.0)]),
        "b": SimpleNamespace(choices=[choice("no", 0.0), choice("yes", 50.0)]),
        "c": SimpleNamespace(choices=[choice("small", None), choice("large", None)]),
    }
    items = [SimpleNamespace(list_name=n) for n in ("a", "b", "a", "c")] + [SimpleNamespace(list_name=None)]
    ins = SimpleNamespace(choices_of=lambda it: lists.get(it.list_name))
    names = scale_names(ins, items, translator("en"))
    assert names == {"a": "No … Yes, 2 points", "b": "No … Yes, 2 points (2)", "c": "2 choices, no score"}
