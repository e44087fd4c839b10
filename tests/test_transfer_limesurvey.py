"""LimeSurvey: the real response export and survey structure, and a hand-made bilingual survey."""

from __future__ import annotations

import collections
import csv
from xml.sax.saxutils import escape

import pytest

from s3stresstest.errors import InputError
from s3stresstest.instrument import Sheet, instrument_from_workbook, load_instrument, write_text
from s3stresstest.transfer import import_limesurvey_csv, read_limesurvey_csv, read_lss

LS_DIR = "fixtures/limesurvey"
CODES_CSV = "results-survey945827-202004302207-codes.csv"
TEXT_CSV = "results-survey945827-202004302207.csv"
OSMM = "osmm-survey-structure.lss"

NINE = ["D4", "D3", "D2", "D1", "N0", "A1", "A2", "A3", "A4"]
CELLS = [f"Y{y}_X{x}" for y in range(1, 6) for x in range(1, 6)]


@pytest.fixture
def grid_instrument():
    """A few questions of survey 945827, named our way."""
    book = {
        "settings": Sheet(["form_id", "form_title"], [{"form_id": "grid", "form_title": "Grid items"}]),
        "blocks": Sheet(["name", "label"], [{"name": "b1", "label": "Attitudes"}]),
        "survey": Sheet(
            ["type", "name", "label", "block"],
            [
                {"type": "select_one agree9", "name": "likert1", "label": "Likert 1", "block": "b1"},
                {"type": "select_one agree2", "name": "likert2", "label": "Likert 2 (recoded)", "block": "b1"},
                {"type": "select_one abc", "name": "mc1", "label": "Page 6, MC 1"},
                {"type": "select_multiple cells", "name": "grid1", "label": "Grid 1 of page 2"},
                {"type": "text", "name": "comment", "label": "Comments"},
            ],
        ),
        "choices": Sheet(
            ["list_name", "name", "label", "score"],
            [{"list_name": "agree9", "name": c, "label": c, "score": str(k * 12.5)} for k, c in enumerate(NINE)]
            + [
                {"list_name": "agree2", "name": n, "label": n, "score": s}
                for n, s in (("disagree", "0"), ("neutral", "50"), ("agree", "100"))
            ]
            + [{"list_name": "abc", "name": n, "label": n.upper()} for n in "abc"]
            + [{"list_name": "cells", "name": c, "label": c} for c in CELLS],
        ),
    }
    return instrument_from_workbook(book, source="grid")


MAPPING = (
    "source,item,value_map\n"
    "LikertTypePage1[1],likert1\n"
    "LikertTypePage1[2],likert2,D4=disagree;D3=disagree;D2=disagree;D1=disagree;N0=neutral;"
    "A1=agree;A2=agree;A3=agree;A4=agree\n"
    "Page6MC1,mc1,A=a;B=b;C=c\n"
    "Page2Grid1,grid1\n"
    "Page6FR,comment\n"
)


@pytest.fixture
def mapping(tmp_path):
    path = tmp_path / "mapping.csv"
    path.write_text(MAPPING, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def raw_codes(shared_data):
    """The export as the csv module reads it: header and the complete records by id."""
    with (shared_data / LS_DIR / CODES_CSV).open(encoding="utf-8-sig", newline="") as f:
        rows = [r for r in csv.reader(f) if r]
    header = rows[0]
    return header, {r[0]: dict(zip(header, r, strict=True)) for r in rows[1:]}


def test_real_export_with_a_mapping(shared_data, grid_instrument, mapping, raw_codes):
    result = import_limesurvey_csv(
        shared_data / LS_DIR / CODES_CSV,
        grid_instrument,
        mapping=mapping,
        region="CA",
        stakeholder_group="research_institution",
        ignore_unknown=True,
    )
    df, report = result.responses, result.report
    assert report.respondents == 25  # complete responses (with a submitdate)
    assert len(report.skipped) == 40 and all("incomplete" in why for _, why in report.skipped)
    assert len(df) == 25 * 5
    assert list(df.columns) == ["respondent_id", "region", "stakeholder_group", "item", "value", "language"]
    assert set(df["language"]) == {"en"}
    _header, raw = raw_codes
    timing = [c for c, why in report.ignored.items() if why == "timing"]
    assert len(timing) == 52 and "interviewtime" in timing and "Page6FRTime" in timing
    assert {"submitdate", "lastpage", "seed"} <= {c for c, why in report.ignored.items() if why == "response metadata"}
    assert len(report.columns) == 4 + 25  # four single columns and the 25 cells of Page2Grid1
    recode = {"D": "disagree", "N": "neutral", "A": "agree"}
    for rid, row in raw.items():
        if not row["submitdate"]:
            assert rid not in set(df["respondent_id"])
            continue
        got = dict(zip(df.loc[df.respondent_id == rid, "item"], df.loc[df.respondent_id == rid, "value"], strict=True))
        assert got["likert1"] == row["LikertTypePage1[1]"]
        assert got["likert2"] == (recode[row["LikertTypePage1[2]"][0]] if row["LikertTypePage1[2]"] else "")
        assert got["mc1"] == row["Page6MC1"].lower()
        assert got["comment"] == row["Page6FR"].strip()
        assert got["grid1"].split() == [c for c in CELLS if row[f"Page2Grid1[{c}]"] == "1"]


def test_real_export_including_incomplete_responses(shared_data, grid_instrument, mapping):
    result = import_limesurvey_csv(
        shared_data / LS_DIR / CODES_CSV,
        grid_instrument,
        mapping=mapping,
        region="CA",
        stakeholder_group="other",
        ignore_unknown=True,
        include_incomplete=True,
        id_prefix="ls945827-",
    )
    assert result.report.respondents == 65 and not result.report.skipped
    assert all(r.startswith("ls945827-") for r in result.responses["respondent_id"])


def test_real_export_without_mapping_lists_unknown_columns(shared_data, grid_instrument, mapping):
    with pytest.raises(InputError) as exc:
        import_limesurvey_csv(
            shared_data / LS_DIR / CODES_CSV, grid_instrument, mapping=mapping, region="CA", stakeholder_group="other"
        )
    fields = [p.field for p in exc.value.problems if p.field]
    assert "ConsentText" in fields and "LikertTypePage1[3]" in fields and "Page2Grid2[Y1_X1]" in fields
    assert not any(f.endswith("Time") or f in ("seed", "submitdate") for f in fields)  # timings and metadata
    assert len(fields) == 646 - 5 - 52 - 29  # every column but metadata, timings and the mapped ones


def test_real_full_text_export_is_refused_with_advice(shared_data, grid_instrument):
    with pytest.raises(InputError) as exc:
        read_limesurvey_csv(shared_data / LS_DIR / TEXT_CSV, grid_instrument, region="CA", stakeholder_group="other")
    assert "full-text export" in str(exc.value) and "Answer codes" in str(exc.value)


def test_real_export_with_a_bad_recoding_names_the_row(shared_data, grid_instrument, tmp_path, raw_codes):
    path = tmp_path / "mapping.csv"
    path.write_text(MAPPING.replace("Page6MC1,mc1,A=a;B=b;C=c", "Page6MC1,mc1,A=a;B=b"), encoding="utf-8")
    with pytest.raises(InputError) as exc:
        import_limesurvey_csv(
            shared_data / LS_DIR / CODES_CSV,
            grid_instrument,
            mapping=path,
            region="CA",
            stakeholder_group="other",
            ignore_unknown=True,
        )
    _header, raw = raw_codes
    with (shared_data / LS_DIR / CODES_CSV).open(encoding="utf-8-sig", newline="") as f:
        lines = {r[0]: n for n, r in enumerate(csv.reader(f), start=1) if r}  # one physical line per record
    expected = {lines[rid] for rid, row in raw.items() if row["submitdate"] and row["Page6MC1"] == "C"}
    assert expected
    assert {p.line for p in exc.value.problems} == expected
    assert {p.field for p in exc.value.problems} == {"Page6MC1"}
    assert "'C' is not a choice of item 'mc1'" in exc.value.problems[0].message


# -- the real survey structure -------------------------------------------------------------------


@pytest.fixture(scope="module")
def osmm(shared_data):
    return read_lss(shared_data / LS_DIR / OSMM)


def test_real_lss_imports_as_an_instrument(osmm):
    instrument, report = osmm
    # counts from the fixture README: 14 groups, 237 questions (L 179, M 21, * 15, T 11, O 6, S 2, ! 2, X 1)
    assert report.survey_id == "551476" and report.title == "Open Source Maturity Model V4"
    assert report.groups == 14 and report.questions == 237
    assert report.converted == {"L": 179, "M": 21, "T": 11, "O": 6, "S": 2, "!": 2}
    skipped = collections.Counter(s.type for s in report.skipped)
    assert skipped == {"*": 15, "X": 1}
    assert all(s.reason.startswith("equation") for s in report.skipped if s.type == "*")
    assert {s.code for s in report.skipped if s.type == "X"} == {"G14Q237"}
    types = collections.Counter(i.type for i in instrument.answerable_items)
    # lists -> select_one; list-with-comment also gets a text item for its comment
    assert types == {"select_one": 179 + 6 + 2, "select_multiple": 21, "text": 11 + 2 + 6}
    assert report.items == len(instrument.answerable_items) == 227
    assert instrument.languages == ["English (en)"] and instrument.default_language == "English (en)"
    assert instrument.form_id == "limesurvey_551476"
    groups = [r for r in instrument.workbook["survey"].rows if r["type"] == "begin_group"]
    assert len(groups) == 13  # 'Conclusion' holds only the text display
    assert any(n.startswith("group 'Conclusion'") and "left out" in n for n in report.notes)
    assert any("70 question(s) have a relevance expression" in n for n in report.notes)


def test_real_lss_questions_answers_and_scores(osmm):
    instrument, _ = osmm
    q1 = instrument.item("Q1")
    assert q1.type == "select_one"
    assert instrument.item_label("Q1") == "Does your organization have a defined open source policy?"
    # subquestions of a multiple-choice question are its choices; assessment values are the scores
    q11 = instrument.item("Q11")
    choices = instrument.choices_of(q11).choices
    assert q11.type == "select_multiple" and len(choices) == 10
    assert choices[0].name == "SQ001" and choices[0].labels == {"English (en)": "High quality software"}
    assert {c.score for c in choices} == {1.0}
    assert q11.block == q11.group  # a group with scored questions is a block
    scores = {c.score for cl in instrument.lists.values() for c in cl.choices}
    assert scores <= {0.0, 1.0, None}
    assert len(instrument.scored_items) > 150
    comment = [i for i in instrument.answerable_items if i.name.endswith("_comment")]
    assert len(comment) == 6 and all(instrument.item(c.name[: -len("_comment")]).type == "select_one" for c in comment)


def test_real_lss_instrument_round_trips_through_the_text_form(osmm, tmp_path):
    instrument, _ = osmm
    path = write_text(instrument.workbook, tmp_path / "osmm.yaml")
    again = load_instrument(path)
    assert again.checksum == instrument.checksum
    assert len(again.answerable_items) == 227


# -- a hand-made bilingual survey in the older .lss layout (texts in the main tables) -------------


def lss_section(name: str, fields: list[str], rows: list[dict]) -> str:
    body = "".join(
        "   <row>\n"
        + "".join(f"    <{f}><![CDATA[{r[f]}]]></{f}>\n" if r.get(f, "") != "" else f"    <{f}/>\n" for f in fields)
        + "   </row>\n"
        for r in rows
    )
    head = "".join(f"   <fieldname>{escape(f)}</fieldname>\n" for f in fields)
    return f" <{name}>\n  <fields>\n{head}  </fields>\n  <rows>\n{body}  </rows>\n </{name}>\n"


Q_FIELDS = [
    "qid",
    "parent_qid",
    "sid",
    "gid",
    "type",
    "title",
    "question",
    "help",
    "other",
    "mandatory",
    "question_order",
    "language",
    "scale_id",
    "relevance",
]


def q(qid, gid, qtype, title, texts, order, parent=0, other="N", mandatory="N", scale=0, relevance="1", help=""):
    return [
        {
            "qid": qid,
            "parent_qid": parent,
            "sid": 123456,
            "gid": gid,
            "type": qtype,
            "title": title,
            "question": text,
            "help": help,
            "other": other,
            "mandatory": mandatory,
            "question_order": order,
            "language": lang,
            "scale_id": scale,
            "relevance": relevance,
        }
        for lang, text in texts.items()
    ]


def answer(qid, code, texts, order, value=0, scale=0):
    return [
        {
            "qid": qid,
            "code": code,
            "answer": t,
            "sortorder": order,
            "assessment_value": value,
            "language": lang,
            "scale_id": scale,
        }
        for lang, t in texts.items()
    ]


def small_lss() -> str:
    def both(en: str, de: str) -> dict[str, str]:
        return {"en": en, "de": de}

    groups = [
        {"gid": g, "sid": 123456, "group_name": n, "group_order": o, "language": lang}
        for g, o, names in ((10, 0, both("Design", "Gestaltung")), (11, 1, both("Other", "Sonstiges")))
        for lang, n in names.items()
    ]
    questions = (
        q(
            1,
            10,
            "L",
            "Q1",
            both("<p>Is the S3 <b>clear</b>?</p>", "Ist die S3 klar?"),
            1,
            mandatory="Y",
            help="Think of 2024",
        )
        + q(2, 10, "F", "Q2", both("Rate", "Bewerten"), 2)
        + q(3, 10, "M", "Q3", both("Which tools?", "Welche Werkzeuge?"), 3, other="Y")
        + q(4, 10, "N", "Q4", both("How many years?", "Wie viele Jahre?"), 4, relevance="Q1 == 'A1'")
        + q(5, 11, "S", "Q5", both("Name", "Name"), 1)
        + q(6, 11, "R", "Q6", both("Rank", "Ordnen"), 2)
        + q(7, 11, "*", "Q7", both("{Q4*2}", "{Q4*2}"), 3)
        + q(8, 11, "X", "Q8", both("Thanks", "Danke"), 4)
        + q(9, 11, "O", "Q9", both("Pick one", "Eins wählen"), 5)
        + q(10, 11, "A", "Q10", both("Five points", "Fünf Punkte"), 6)
    )
    subquestions = (
        q(21, 10, "T", "SQ001", both("Speed", "Tempo"), 1, parent=2)
        + q(22, 10, "T", "SQ002", both("Cost", "Kosten"), 2, parent=2)
        + q(31, 10, "T", "SQ001", both("Surveys", "Umfragen"), 1, parent=3)
        + q(32, 10, "T", "SQ002", both("Maps", "Karten"), 2, parent=3)
        + q(61, 11, "T", "1", both("One", "Eins"), 1, parent=6)
        + q(101, 11, "T", "SQ001", both("Row", "Zeile"), 1, parent=10)
    )
    answers = (
        answer(1, "A1", both("Yes", "Ja"), 1, 100)
        + answer(1, "A2", both("No", "Nein"), 2, 0)
        + answer(2, "A1", both("Good", "Gut"), 1, 10)
        + answer(2, "A2", both("Bad", "Schlecht"), 2, 200)
        + answer(6, "A1", both("First", "Erstes"), 1)
        + answer(9, "X1", both("This", "Dies"), 1)
        + answer(9, "X2", both("That", "Das"), 2)
    )
    attrs = [
        {"qid": 4, "attribute": "num_value_int_only", "value": 1, "language": ""},
        {"qid": 3, "attribute": "assessment_value", "value": 5, "language": ""},
    ]
    settings = [
        {"surveyls_survey_id": 123456, "surveyls_language": lang, "surveyls_title": t}
        for lang, t in both("Small survey", "Kleine Umfrage").items()
    ]
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<document>\n <LimeSurveyDocType>Survey</LimeSurveyDocType>\n'
        " <DBVersion>366</DBVersion>\n <languages>\n  <language>en</language>\n  <language>de</language>\n"
        " </languages>\n"
        + lss_section(
            "answers", ["qid", "code", "answer", "sortorder", "assessment_value", "language", "scale_id"], answers
        )
        + lss_section("groups", ["gid", "sid", "group_name", "group_order", "language"], groups)
        + lss_section("questions", Q_FIELDS, questions)
        + lss_section("subquestions", Q_FIELDS, subquestions)
        + lss_section("question_attributes", ["qid", "attribute", "value", "language"], attrs)
        + lss_section(
            "surveys",
            ["sid", "language", "additional_languages", "assessments"],
            [{"sid": 123456, "language": "en", "additional_languages": "de", "assessments": "Y"}],
        )
        + lss_section(
            "surveys_languagesettings", ["surveyls_survey_id", "surveyls_language", "surveyls_title"], settings
        )
        + "</document>\n"
    )


@pytest.fixture
def small_survey(tmp_path):
    path = tmp_path / "small.lss"
    path.write_text(small_lss(), encoding="utf-8")
    return read_lss(path)


def test_small_lss_conversion(small_survey):
    instrument, report = small_survey
    assert report.languages == ["en", "de"]
    assert instrument.languages == ["English (en)", "Deutsch (de)"]
    assert report.converted == {"L": 1, "F": 1, "M": 1, "N": 1, "S": 1, "O": 1, "A": 1}
    assert {(s.code, s.type) for s in report.skipped} == {("Q6", "R"), ("Q7", "*"), ("Q8", "X")}
    assert "ranking" in next(s.reason for s in report.skipped if s.code == "Q6")
    q1 = instrument.item("Q1")
    assert q1.labels == {"English (en)": "Is the S3 clear?", "Deutsch (de)": "Ist die S3 klar?"}  # HTML stripped
    assert q1.hints == {"English (en)": "Think of 2024", "Deutsch (de)": "Think of 2024"}
    assert [(c.name, c.score) for c in instrument.choices_of(q1).choices] == [("A1", 100.0), ("A2", 0.0)]
    assert q1.block == "group_10" and instrument.block_label("group_10", "de") == "Gestaltung"
    # array: one select_one per subquestion; assessment value 200 does not fit 0-100 -> no scores, and a note
    assert instrument.item("Q2_SQ001").type == "select_one" and instrument.item("Q2_SQ002").list_name == "Q2"
    assert instrument.item_label("Q2_SQ002", "de") == "Kosten"
    assert not instrument.lists["Q2"].scored
    assert any("Q2: assessment values 10..200 do not fit 0-100" in n for n in report.notes)
    # multiple choice with 'other': options are choices scored by the question's assessment value
    q3 = instrument.item("Q3")
    assert q3.type == "select_multiple"
    assert [(c.name, c.score) for c in instrument.choices_of(q3).choices] == [("SQ001", 5.0), ("SQ002", 5.0)]
    assert instrument.item("Q3_other").type == "text"
    assert instrument.item("Q4").type == "integer"
    assert instrument.item("Q9").type == "select_one" and instrument.item("Q9_comment").type == "text"
    assert [c.name for c in instrument.choices_of(instrument.item("Q10_SQ001")).choices] == ["1", "2", "3", "4", "5"]
    assert any("1 question(s) have a relevance expression" in n for n in report.notes)
    assert "Q6 (ranking, type R)" in str(report)


LS_HEADER = [
    "id",
    "submitdate",
    "lastpage",
    "startlanguage",
    "seed",
    "Q1",
    "Q2[SQ001]",
    "Q2[SQ002]",
    "Q3[SQ001]",
    "Q3[SQ002]",
    "Q3[other]",
    "Q4",
    "Q5",
    "Q6[1]",
    "Q7",
    "Q9",
    "Q9[comment]",
    "Q10[SQ001]",
    "interviewtime",
    "groupTime10",
    "Q1Time",
    "Q2Time",
]
LS_ROWS = [
    [
        "1",
        "2024-01-01 10:00:00",
        "2",
        "en",
        "77",
        "A1",
        "A1",
        "A2",
        "Y",
        "",
        "wikis",
        "3",
        "Ann",
        "A1",
        "6",
        "X1",
        "because",
        "4",
        "120.5",
        "60",
        "3.1",
        "4",
    ],
    [
        "2",
        "2024-01-02 10:00:00",
        "2",
        "de",
        "78",
        "A2",
        "",
        "A1",
        "",
        "Y",
        "",
        "",
        'Bo, "Bob"',
        "",
        "",
        "X2",
        "",
        "",
        "99",
        "33",
        "1",
        "",
    ],
    ["3", "", "1", "en", "79", "A1", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", ""],
]


def write_ls(path, header=LS_HEADER, rows=LS_ROWS, delimiter=",", bom=True):
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as f:
        csv.writer(f, delimiter=delimiter, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows([header, *rows])
    return path


def test_export_of_the_small_survey_against_its_own_structure(small_survey, tmp_path):
    instrument, _ = small_survey
    path = write_ls(tmp_path / "results.csv")
    with pytest.raises(InputError) as exc:  # the ranking and the equation have no item
        import_limesurvey_csv(path, instrument, region="SI", stakeholder_group="company")
    assert {p.field for p in exc.value.problems if p.field} == {"Q6[1]", "Q7"}
    result = import_limesurvey_csv(path, instrument, region="SI", stakeholder_group="company", ignore_unknown=True)
    df = result.responses
    assert result.report.skipped == [(4, "id 3: incomplete (no submitdate)")]
    assert {c for c, why in result.report.ignored.items() if why == "timing"} == {
        "interviewtime",
        "groupTime10",
        "Q1Time",
        "Q2Time",
    }
    one = dict(zip(df.loc[df.respondent_id == "1", "item"], df.loc[df.respondent_id == "1", "value"], strict=True))
    assert one == {
        "Q1": "A1",
        "Q2_SQ001": "A1",
        "Q2_SQ002": "A2",
        "Q3": "SQ001",
        "Q3_other": "wikis",
        "Q4": "3",
        "Q5": "Ann",
        "Q9": "X1",
        "Q9_comment": "because",
        "Q10_SQ001": "4",
    }
    two = dict(zip(df.loc[df.respondent_id == "2", "item"], df.loc[df.respondent_id == "2", "value"], strict=True))
    assert two["Q3"] == "SQ002" and two["Q5"] == 'Bo, "Bob"'
    assert dict(zip(df["respondent_id"], df["language"], strict=True)) == {"1": "en", "2": "de"}


def test_semicolon_export_without_bom(small_survey, tmp_path):
    instrument, _ = small_survey
    path = write_ls(tmp_path / "results.csv", delimiter=";", bom=False)
    result = import_limesurvey_csv(path, instrument, region="SI", stakeholder_group="company", ignore_unknown=True)
    assert result.report.respondents == 2 and "separator: ';'" in result.report.notes


def test_bad_cells_of_the_small_export(small_survey, tmp_path):
    instrument, _ = small_survey
    rows = [list(r) for r in LS_ROWS]
    rows[0][LS_HEADER.index("Q4")] = "3.5"  # integer item
    rows[1][LS_HEADER.index("Q3[SQ001]")] = "maybe"  # not a tick
    rows[1][LS_HEADER.index("Q2[SQ001]")] = "A9"  # no such answer
    path = write_ls(tmp_path / "results.csv", rows=rows)
    with pytest.raises(InputError) as exc:
        import_limesurvey_csv(path, instrument, region="SI", stakeholder_group="company", ignore_unknown=True)
    got = {(p.line, p.field) for p in exc.value.problems}
    assert got == {(2, "Q4"), (3, "Q3[SQ001]"), (3, "Q2[SQ001]")}  # every problem at once
    text = str(exc.value)
    assert "results.csv, line 2, column 'Q4': '3.5' is not a whole number" in text
    assert "line 3, column 'Q3[SQ001]': 'maybe' is not a tick of option 'SQ001' of 'Q3'" in text
    assert "line 3, column 'Q2[SQ001]': 'A9' is not a choice of item 'Q2_SQ001'" in text


def test_all_incomplete_is_refused(small_survey, tmp_path):
    instrument, _ = small_survey
    path = write_ls(tmp_path / "results.csv", rows=[LS_ROWS[2]])
    with pytest.raises(InputError, match="all 1 responses are incomplete"):
        import_limesurvey_csv(path, instrument, region="SI", stakeholder_group="company", ignore_unknown=True)


@pytest.mark.parametrize(
    "text, message",
    [
        ("<document><LimeSurveyDocType>Survey", "not a valid XML file"),
        ("<document><LimeSurveyDocType>Label set</LimeSurveyDocType></document>", "not a LimeSurvey survey structure"),
        ("<?xml version='1.0'?><!DOCTYPE d [<!ENTITY a 'x'>]><document><x>&a;</x></document>", "refused XML"),
    ],
)
def test_bad_lss_files(tmp_path, text, message):
    path = tmp_path / "bad.lss"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        read_lss(path)


def test_other_and_comment_columns_are_texts_not_ticks(tmp_path):
    """Against a hand-made instrument without items for them, 'Q3[other]' and 'Q9[comment]' are unknown
    columns (to map or ignore), not options of Q3 whose text would be a bad tick."""
    book = {
        "survey": Sheet(
            ["type", "name", "label"],
            [
                {"type": "select_multiple tools", "name": "Q3", "label": "Tools"},
                {"type": "select_one this", "name": "Q9", "label": "Pick"},
            ],
        ),
        "choices": Sheet(
            ["list_name", "name", "label"],
            [
                {"list_name": "tools", "name": "SQ001", "label": "Surveys"},
                {"list_name": "tools", "name": "SQ002", "label": "Maps"},
                {"list_name": "this", "name": "X1", "label": "This"},
                {"list_name": "this", "name": "X2", "label": "That"},
            ],
        ),
    }
    instrument = instrument_from_workbook(book, source="hand")
    header = ["id", "submitdate", "Q3[SQ001]", "Q3[SQ002]", "Q3[other]", "Q9", "Q9[comment]"]
    path = write_ls(tmp_path / "r.csv", header, [["1", "2024-01-01", "Y", "Y", "wikis", "X1", "why"]])
    with pytest.raises(InputError) as exc:
        import_limesurvey_csv(path, instrument, region="SI", stakeholder_group="company")
    assert {p.field for p in exc.value.problems if p.field} == {"Q3[other]", "Q9[comment]"}
    df = read_limesurvey_csv(path, instrument, region="SI", stakeholder_group="company", ignore_unknown=True)
    assert dict(zip(df["item"], df["value"], strict=True)) == {"Q3": "SQ001 SQ002", "Q9": "X1"}
