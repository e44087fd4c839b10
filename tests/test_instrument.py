"""Instrument loading: validation messages, scored items, languages, lossless text form."""

from __future__ import annotations

import copy
import re

import pytest

from s3stresstest.errors import InputError
from s3stresstest.instrument import (
    Sheet,
    instrument_from_workbook,
    load_builtin,
    load_instrument,
    read_text,
    read_xlsx,
    textform,
    write_text,
    write_xlsx,
)


def _problems(book) -> list[str]:
    with pytest.raises(InputError) as info:
        instrument_from_workbook(book, source="t")
    return [str(p) for p in info.value.problems]


def test_scored_items_are_select_items_with_block_and_scored_choices(tiny_instrument):
    ins = tiny_instrument
    assert [i.name for i in ins.scored_items] == ["q1", "q2", "q3", "q4"]
    assert not ins.is_scored(ins.item("years"))
    assert not ins.is_scored(ins.item("open1"))
    assert [i.name for i in ins.block_items("b1")] == ["q1", "q2", "q3"]
    assert ins.item("q1").group == "g1" and ins.item("q4").group is None
    dk = ins.choices_of(ins.item("q1")).get("dk")
    assert dk.score is None  # an empty score is "answered, no value", not 0


def test_languages_and_labels(tiny_instrument):
    ins = tiny_instrument
    assert ins.languages == ["English (en)", "Deutsch (de)"]
    assert ins.block_label("b1", "de") == "Gestaltung"
    assert ins.block_label("b1", "Deutsch (de)") == "Gestaltung"
    assert ins.block_label("b2", "fr") == "Impact"  # falls back when a language is missing
    assert ins.form_id == "tiny" and ins.version == "2"


def test_missing_sheet_and_columns_are_named(tiny_book):
    book = copy.deepcopy(tiny_book)
    del book["choices"]
    assert any("sheet 'choices' is missing" in p for p in _problems(book))
    book = copy.deepcopy(tiny_book)
    book["survey"] = Sheet(["type", "label"], [{"type": "text", "label": "x"}])
    assert any("sheet 'survey' has no 'name' column" in p for p in _problems(book))


def test_unknown_list_duplicate_name_and_bad_scores_are_all_reported(tiny_book):
    book = copy.deepcopy(tiny_book)
    book["survey"].rows.append({"type": "select_one nolist", "name": "q9", "label::English (en)": "Q9"})
    book["survey"].rows.append({"type": "text", "name": "q1", "label::English (en)": "again"})
    book["survey"].row_numbers = list(range(2, len(book["survey"].rows) + 2))
    book["choices"].rows[0]["score"] = "120"
    book["choices"].rows[1]["score"] = "lots"
    problems = _problems(book)
    text = "\n".join(problems)
    assert "unknown choice list 'nolist'" in text and "line 11" in text
    assert "duplicate name 'q1' (first used on row 4)" in text
    assert "score 120 is outside 0-100" in text and "line 2" in text
    assert "score 'lots' is not a number" in text
    assert len(problems) == 4


def test_unknown_block_and_unsupported_type(tiny_book):
    book = copy.deepcopy(tiny_book)
    book["survey"].rows[2]["block"] = "b7"
    book["survey"].rows.append({"type": "geoshape", "name": "where", "label::English (en)": "Where"})
    book["survey"].row_numbers = list(range(2, len(book["survey"].rows) + 2))
    text = "\n".join(_problems(book))
    assert "unknown block 'b7'" in text
    assert "type 'geoshape' is not supported" in text


def test_duplicate_choice_in_list(tiny_book):
    book = copy.deepcopy(tiny_book)
    book["choices"].rows.append({"list_name": "yn", "name": "yes", "label::English (en)": "Again", "score": "1"})
    book["choices"].row_numbers = list(range(2, len(book["choices"].rows) + 2))
    assert any("duplicate choice 'yes' in list 'yn'" in p and "line 10" in p for p in _problems(book))


def test_pyxform_rejects_what_the_standard_forbids(tiny_book):
    book = copy.deepcopy(tiny_book)
    book["survey"].rows[1]["name"] = "1bad name"  # not a valid XML name
    text = "\n".join(_problems(book))
    assert "pyxform" in text


def test_builtin_questionnaire_covers_six_blocks():
    ins = load_builtin()
    assert ins.form_id == "s3_stresstest" and ins.version == "1.0.0"
    assert [b.name for b in ins.blocks] == ["b1", "b2", "b3", "b4", "b5", "b6"]
    assert 40 <= len(ins.scored_items) <= 60
    assert all(len(ins.block_items(b.name)) >= 6 for b in ins.blocks)
    open_items = [i for i in ins.items if i.type == "text" and i.name.startswith("open_")]
    assert 3 <= len(open_items) <= 5
    assert ins.has_item("stakeholder_group") and not ins.is_scored(ins.item("stakeholder_group"))
    assert ins.block_label("b2").startswith("Is S3 in line with the national political strategies")
    for item in ins.scored_items:  # every scale offers "don't know" without a score
        cl = ins.choices_of(item)
        assert any(c.score is None for c in cl.choices), item.name


def test_text_form_round_trip_is_lossless(tmp_path, tiny_book):
    ins = load_builtin()
    xlsx = write_xlsx(ins.workbook, tmp_path / "v1.xlsx")
    back = read_xlsx(xlsx)
    assert _plain(back) == _plain(ins.workbook)
    text = write_text(back, tmp_path / "v1.yaml")
    again = read_text(text)
    assert _plain(again) == _plain(ins.workbook)
    assert load_instrument(text).checksum == ins.checksum == load_instrument(xlsx).checksum
    # text -> xlsx -> text gives the same text
    assert textform.dumps(read_xlsx(write_xlsx(again, tmp_path / "again.xlsx"))) == textform.dumps(again)


def test_xlsx_numbers_read_as_plain_text(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "survey"
    ws.append(["type", "name", "label", "block"])
    ws.append(["select_one s", "q", "Q", "b"])
    ch = wb.create_sheet("choices")
    ch.append(["list_name", "name", "label", "score"])
    ch.append(["s", "hi", "High", 100])
    ch.append(["s", "mid", "Mid", 37.5])
    ch.append([None, None, None, None])  # blank rows are ignored
    ch.append(["s", "dk", "Don't know", None])
    wb.save(tmp_path / "f.xlsx")
    ins = load_instrument(tmp_path / "f.xlsx")
    scores = [c.score for c in ins.lists["s"].choices]
    assert scores == [100.0, 37.5, None]
    assert ins.workbook["choices"].rows[0]["score"] == "100"
    assert ins.workbook["choices"].row_numbers == [2, 3, 5]


def test_bad_files_get_clear_errors(tmp_path):
    bad = tmp_path / "x.xlsx"
    bad.write_text("not a workbook")
    with pytest.raises(InputError, match=re.escape("cannot read 'x.xlsx' as an XLSX workbook")):
        load_instrument(bad)
    y = tmp_path / "x.yaml"
    y.write_text("format: other\n")
    with pytest.raises(InputError, match="not an XLSForm text file"):
        load_instrument(y)
    with pytest.raises(InputError, match="unsupported instrument file type"):
        load_instrument(_touch(tmp_path / "x.csv"))


def _touch(p):
    p.write_text("")
    return p


def _plain(book):
    return {n: (s.columns, s.rows) for n, s in book.items()}


def test_builtin_questionnaire_is_complete_in_five_languages():
    ins = load_builtin()
    codes = ["en", "de", "fr", "it", "sl"]
    assert [lang.split("(")[1].rstrip(")") for lang in ins.languages] == codes
    for item in ins.items:
        for code in codes:
            assert any(k.endswith(f"({code})") for k in item.labels), (item.name, code)
        if item.hints:
            assert {k.split("(")[1].rstrip(")") for k in item.hints} == set(codes), item.name
    for cl in ins.lists.values():
        for choice in cl.choices:
            assert {k.split("(")[1].rstrip(")") for k in choice.labels} == set(codes), (cl.name, choice.name)
    for block in ins.blocks:
        labels = {ins.block_label(block.name, c) for c in codes}
        assert len(labels) == 5, block.name  # a real translation in each language, not a fallback
    assert ins.item_label("b1_governance_seat", "de") != ins.item_label("b1_governance_seat", "en")


def test_item_number_is_the_position_in_the_block_as_reports_print_it():
    from s3stresstest.instrument import load_builtin

    ins = load_builtin()
    for block in ins.blocks:
        for k, item in enumerate(ins.block_items(block.name), start=1):
            assert ins.item_number(item.name) == f"{block.name}.{k}"
    unscored = next(i for i in ins.items if not i.block)
    assert ins.item_number(unscored.name) == unscored.name
    assert ins.item_number("no_such_item") == "no_such_item"
