"""Bad input to `s3stresstest score`: exit code 2, every problem named with its line, nothing written."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from s3stresstest.cli import app
from s3stresstest.instrument import write_xlsx

HEADER = "respondent_id,region,stakeholder_group,item,value\n"


@pytest.fixture
def files(tmp_path, tiny_book):
    ins = write_xlsx(tiny_book, tmp_path / "tiny.xlsx")
    regions = tmp_path / "regions.csv"
    regions.write_text("region,name\nITC1,Piemonte\nDE2,Bayern\n", encoding="utf-8")
    return tmp_path, ins, regions


def run(tmp_path, ins, body: bytes | str, *extra: str):
    resp = tmp_path / "responses.csv"
    resp.write_bytes(body if isinstance(body, bytes) else body.encode("utf-8"))
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app,
        ["score", "--instrument", str(ins), "--responses", str(resp), "--out", str(out), "--bootstrap", "10", *extra],
    )
    return result, out


def refused(result, out) -> str:
    assert result.exit_code == 2, result.output
    assert not out.exists()
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".out")]  # no temp folder left either
    return result.stderr


GOOD = HEADER + "r1,ITC1,policy_maker,q1,yes\nr1,ITC1,policy_maker,q2,no\n"


def test_good_file_is_accepted(files):
    tmp, ins, regions = files
    result, out = run(tmp, ins, GOOD, "--regions", str(regions))
    assert result.exit_code == 0, result.output
    assert (out / "item_scores.csv").exists()


@pytest.mark.parametrize(
    "body, expected",
    [
        (
            HEADER + "r1,ITC1,policy_maker,q1,yes\nr1,ITC1,policy_maker,qq1,yes\n",
            ["line 3", "unknown item 'qq1'", "did you mean 'q1'"],
        ),
        (HEADER + "r1,ITC1,policy_maker,q1,maybe\n", ["line 2", "'maybe' is not a choice of item 'q1'"]),
        (HEADER + "r1,ITC1,policy_maker,q3,a zz\n", ["line 2", "'zz' not a choice of item 'q3'"]),
        (HEADER + "r1,ITC1,policy_maker,years,three\n", ["line 2", "'three' is not a whole number"]),
        (HEADER + "r1,ITC1,policy_maker,years,2.5\n", ["line 2", "not a whole number"]),
        (HEADER + "r1,ITC1,mayor,q1,yes\n", ["line 2", "unknown stakeholder group 'mayor'"]),
        (
            HEADER + "r1,ITC1,policy_maker,q1,yes\nr1,ITC1,policy_maker,q1,no\n",
            ["line 3", "answers item 'q1' again (first on line 2)"],
        ),
        (HEADER + "r1,ITC1,policy_maker,q1,yes\nr1,DE2,policy_maker,q2,no\n", ["line 3", "respondent 'r1'"]),
        (HEADER + "r1,ITC1,policy_maker,n1,hello\n", ["line 2", "'n1' is a note and takes no answer"]),
        (
            "respondent_id,region,item,value\nr1,ITC1,q1,yes\n",
            ["line 1", "required column 'stakeholder_group' is missing"],
        ),
        ("", ["file is empty"]),
        (HEADER, ["no data rows"]),
        (HEADER + "r1,ITC1,policy_maker,q1\n", ["line 2", "has 4 fields, header has 5"]),
        (HEADER + "r1,Piemonte,policy_maker,q1,yes\n", ["line 2", "'Piemonte' is not a territory code"]),
    ],
)
def test_bad_rows_are_named(files, body, expected):
    tmp, ins, _ = files
    stderr = refused(*run(tmp, ins, body))
    for text in expected:
        assert text in stderr, stderr


def test_unknown_region_with_regions_file(files):
    tmp, ins, regions = files
    stderr = refused(
        *run(tmp, ins, HEADER + "r1,ITC1,policy_maker,q1,yes\nr2,AT31,company,q1,no\n", "--regions", str(regions))
    )
    assert "line 3" in stderr and "unknown region 'AT31'" in stderr


def test_non_utf8_file(files):
    tmp, ins, _ = files
    body = (HEADER + "r1,ITC1,policy_maker,q1,yes\nr2,ITC1,policy_maker,open1,").encode() + "Qualität\n".encode(
        "latin-1"
    )
    stderr = refused(*run(tmp, ins, body))
    assert "not UTF-8" in stderr and "line 3" in stderr


def test_many_problems_are_capped_at_twenty_with_a_count(files):
    tmp, ins, _ = files
    body = HEADER + "".join(f"r{i},ITC1,policy_maker,q1,bad{i}\n" for i in range(25))
    stderr = refused(*run(tmp, ins, body))
    assert "25 problems found" in stderr
    assert "line 21" in stderr and "line 22:" not in stderr.replace("line 22 ", "")
    assert "... and 5 more problems" in stderr


def test_problems_in_several_files_are_reported_together(files):
    tmp, ins, regions = files
    groups = tmp / "groups.csv"
    groups.write_text("region,group\nITC1,alpine\nXX9,alpine\n", encoding="utf-8")
    stderr = refused(
        *run(tmp, ins, HEADER + "r1,ITC1,boss,q1,yes\n", "--regions", str(regions), "--groups", str(groups))
    )
    assert "groups.csv, line 3" in stderr and "unknown region 'XX9'" in stderr
    assert "responses.csv, line 2" in stderr and "unknown stakeholder group 'boss'" in stderr


def test_bad_instrument_is_refused(files):
    tmp, _, _ = files
    bad = tmp / "bad.yaml"
    bad.write_text("format: xlsform-text/1\nsheets:\n  survey:\n    columns: [type, name, label]\n    rows: []\n")
    result, out = run(tmp, bad, GOOD)
    stderr = refused(result, out)
    assert "sheet 'choices' is missing" in stderr


def test_existing_output_folder_is_kept(files):
    tmp, ins, _ = files
    out = tmp / "out"
    out.mkdir()
    (out / "keep.txt").write_text("precious")
    result, _ = run(tmp, ins, GOOD)
    assert result.exit_code == 2 and "--overwrite" in result.stderr
    assert (out / "keep.txt").read_text() == "precious"


def test_optional_language_column_is_kept_and_checked(tmp_path, tiny_instrument):
    from s3stresstest.campaign import read_responses

    good = tmp_path / "lang.csv"
    good.write_text(
        "respondent_id,region,stakeholder_group,item,value,language\n"
        "r1,ITC1,policy_maker,q1,yes,it\nr1,ITC1,policy_maker,q2,no,it\n",
        encoding="utf-8",
    )
    df = read_responses(good, tiny_instrument)
    assert list(df["language"]) == ["it", "it"]
    bad = tmp_path / "badlang.csv"
    bad.write_text(
        "respondent_id,region,stakeholder_group,item,value,language\n"
        "r1,ITC1,policy_maker,q1,yes,it\nr1,ITC1,policy_maker,q2,no,de\nr2,ITC1,company,q1,no,Italian\n",
        encoding="utf-8",
    )
    from s3stresstest.errors import InputError

    with pytest.raises(InputError) as info:
        read_responses(bad, tiny_instrument)
    text = info.value.report()
    assert "line 3" in text and "respondent 'r1' has language 'de' here but 'it' on line 2" in text
    assert "line 4" in text and "'Italian' is not a language code" in text
