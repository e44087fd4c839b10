"""Library functions that used to live inside the CLI: callable from a notebook, same behaviour as the commands."""

from __future__ import annotations

import os
import stat

import pytest
from test_transfer_limesurvey import small_lss

from s3stresstest.alignment.inputs import read_adjacency, read_block_scores
from s3stresstest.errors import InputError
from s3stresstest.files import write_atomically
from s3stresstest.instrument import load_builtin
from s3stresstest.instrument.files import load_instrument_file
from s3stresstest.transfer.instruments import load_import_instrument

KOBO_FORM = "fixtures/kobo_wash_abidjan_nairobi/Nairobi_2021.xls"


# -- files.write_atomically ---------------------------------------------------------------------


def test_write_atomically_creates_the_folder_and_a_plainly_readable_file(tmp_path):
    target = tmp_path / "new" / "answers.csv"
    assert write_atomically(target, lambda p: p.write_text("a,b\n", encoding="utf-8")) == target
    assert target.read_text(encoding="utf-8") == "a,b\n"
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask  # not mkstemp's 0600
    assert [p.name for p in target.parent.iterdir()] == ["answers.csv"]


def test_write_atomically_keeps_the_old_file_when_the_writer_fails(tmp_path):
    target = tmp_path / "answers.csv"
    target.write_text("old\n", encoding="utf-8")

    def half_then_fail(path):
        path.write_text("half", encoding="utf-8")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        write_atomically(target, half_then_fail)
    assert target.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["answers.csv"]  # no temporary file left behind


# -- instruments by file -------------------------------------------------------------------------


def test_load_instrument_file_none_is_the_builtin_and_a_file_round_trips(tmp_path):
    from s3stresstest.instrument import write_text

    builtin = load_instrument_file(None)
    assert builtin.form_id == load_builtin().form_id
    text = tmp_path / "form.yaml"
    write_text(builtin.workbook, text)
    again = load_instrument_file(text)
    assert [i.name for i in again.scored_items] == [i.name for i in builtin.scored_items]
    (tmp_path / "form.txt").write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match=r"unsupported instrument file type '\.txt'"):
        load_instrument_file(tmp_path / "form.txt")


def test_load_import_instrument_reads_lss_and_kobo_forms_with_notes(tmp_path, shared_data):
    instrument, notes = load_import_instrument(None)
    assert instrument.form_id == load_builtin().form_id and notes == []

    lss = tmp_path / "small.lss"
    lss.write_text(small_lss(), encoding="utf-8")
    from_lss, lss_notes = load_import_instrument(lss)
    assert from_lss.items and all("small.lss" in n for n in lss_notes)

    form, form_notes = load_import_instrument(shared_data / KOBO_FORM)
    assert form.form_id == "Nairobi_2021"
    assert form_notes[0] == "24 row(s) left out:" and any("Rep_names_HH" in n for n in form_notes)
    assert form_notes[11] == "  ... and 14 more"  # ten rows of each kind named, no more

    with pytest.raises(InputError):
        load_import_instrument(tmp_path / "missing.xlsx")


# -- alignment inputs ---------------------------------------------------------------------------


def test_alignment_readers_give_frames_without_line_numbers(tmp_path):
    adjacency = tmp_path / "adjacency.csv"
    adjacency.write_text("code_a,code_b,kind\nAT31,AT33,line\n", encoding="utf-8")
    pairs = read_adjacency(adjacency)
    assert list(pairs.columns) == ["code_a", "code_b", "kind"] and pairs.iloc[0].tolist() == ["AT31", "AT33", "line"]

    scores = tmp_path / "block_scores.csv"
    scores.write_text("region,block,score,ci_low,ci_high\nAT33,b2,61.5,55,68\nITC1,b2,,,\n", encoding="utf-8")
    table = read_block_scores(scores)
    assert "_line" not in table.columns
    assert table.loc[0, "score"] == 61.5 and table.loc[0, "ci_low"] == 55.0
    assert table.loc[1, ["score", "ci_low", "ci_high"]].isna().all()  # suppressed: NaN, never 0

    with pytest.raises(InputError, match="code_b"):
        (tmp_path / "bad.csv").write_text("code_a\nAT31\n", encoding="utf-8")
        read_adjacency(tmp_path / "bad.csv")
