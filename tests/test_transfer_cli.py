"""`import ...` and `export wide`: the same library code, exit code 2 and nothing written on bad input."""

from __future__ import annotations

import pandas as pd
import pytest
from openpyxl import load_workbook
from test_transfer_kobo import HEADER, ROWS, kobo_workbook, write_csv
from test_transfer_limesurvey import CODES_CSV, LS_DIR, small_lss
from typer.testing import CliRunner

from s3stresstest.campaign import read_responses
from s3stresstest.cli.transfer import export_app, import_app
from s3stresstest.instrument import load_instrument, write_xlsx


def run(app, *args):
    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.fixture
def kobo_files(tmp_path):
    ins = write_xlsx(kobo_workbook(), tmp_path / "kobo_s3.xlsx")
    data = write_csv(tmp_path / "kobo.csv", HEADER, ROWS)
    return tmp_path, ins, data


def test_import_kobo(kobo_files):
    tmp, ins, data = kobo_files
    out = tmp / "responses.csv"
    result = run(import_app, "kobo", data, "--instrument", ins, "--out", out)
    assert result.exit_code == 0, result.output
    assert "2 respondents, 12 answer rows" in result.stdout
    df = read_responses(out, load_instrument(ins))
    assert len(df) == 12 and set(df["respondent_id"]) == {"uuid-a", "uuid-b"}
    # the output exists now: refused without --overwrite, replaced with it
    again = run(import_app, "kobo", data, "--instrument", ins, "--out", out)
    assert again.exit_code == 2 and "--overwrite" in again.stderr
    assert run(import_app, "kobo", data, "--instrument", ins, "--out", out, "--overwrite").exit_code == 0


def test_import_kobo_bad_input_writes_nothing(kobo_files):
    tmp, ins, _ = kobo_files
    rows = [list(r) for r in ROWS]
    rows[1][HEADER.index("block1/q1")] = "maybe"
    data = write_csv(tmp / "bad.csv", HEADER + ["extra"], [r + ["x"] for r in rows])
    out = tmp / "responses.csv"
    result = run(import_app, "kobo", data, "--instrument", ins, "--out", out)
    assert result.exit_code == 2
    assert "input refused" in result.stderr
    assert "bad.csv, line 1, column 'extra': matches no item" in result.stderr
    assert not out.exists() and not [p for p in tmp.iterdir() if p.name.startswith(".responses")]
    result = run(import_app, "kobo", data, "--instrument", ins, "--out", out, "--ignore-unknown")
    assert result.exit_code == 2
    assert "bad.csv, line 3, column 'block1/q1': 'maybe' is not a choice of item 'q1'" in result.stderr
    assert not out.exists()


def test_import_kobo_options(kobo_files):
    tmp, ins, data = kobo_files
    out = tmp / "r.csv"
    result = run(
        import_app,
        "kobo",
        data,
        "--instrument",
        ins,
        "--out",
        out,
        "--region",
        "ITC1",
        "--region-column",
        "profile/region",
    )
    assert result.exit_code == 2 and "not both" in result.stderr
    result = run(import_app, "kobo", data, "--instrument", ins, "--out", out, "--region-column", "nuts")
    assert result.exit_code == 2 and "region_column (--region-column) names column 'nuts'" in result.stderr
    regions = tmp / "regions.csv"
    regions.write_text("region,name\nITC1,Piemonte\n", encoding="utf-8")
    result = run(import_app, "kobo", data, "--instrument", ins, "--out", out, "--regions", regions)
    assert result.exit_code == 2 and "unknown region 'DE2' (not in the regions file)" in result.stderr
    assert "line 3, column 'profile/region'" in result.stderr
    result = run(
        import_app, "kobo", data, "--instrument", ins, "--out", out, "--id-prefix", "kobo-", "--language", "it"
    )
    assert result.exit_code == 0, result.output
    df = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert set(df["respondent_id"]) == {"kobo-uuid-a", "kobo-uuid-b"} and set(df["language"]) == {"it"}


def test_import_lss(shared_data, tmp_path):
    out = tmp_path / "osmm.yaml"
    result = run(import_app, "lss", shared_data / LS_DIR / "osmm-survey-structure.lss", "--out", out)
    assert result.exit_code == 0, result.output
    assert "221 converted into 227 items, 16 skipped" in result.stdout
    assert "G14Q237 (text display, type X)" in result.stdout and "D3 (equation, type *)" in result.stdout
    assert len(load_instrument(out).answerable_items) == 227
    assert out.read_text(encoding="utf-8").startswith("# Converted from the LimeSurvey survey structure")
    xlsx = tmp_path / "osmm.xlsx"
    assert run(import_app, "lss", shared_data / LS_DIR / "osmm-survey-structure.lss", "--out", xlsx).exit_code == 0
    assert load_instrument(xlsx).checksum == load_instrument(out).checksum
    bad = tmp_path / "bad.lss"
    bad.write_text("<document>", encoding="utf-8")
    result = run(import_app, "lss", bad, "--out", tmp_path / "bad.yaml")
    assert result.exit_code == 2 and "not a valid XML file" in result.stderr
    assert not (tmp_path / "bad.yaml").exists()


def test_import_limesurvey_real_export(shared_data, tmp_path):
    from test_transfer_limesurvey import NINE

    from s3stresstest.instrument import Sheet

    book = {
        "survey": Sheet(
            ["type", "name", "label"],
            [
                {"type": "select_one agree9", "name": "likert1", "label": "L1"},
                {"type": "text", "name": "comment", "label": "Comment"},
            ],
        ),
        "choices": Sheet(
            ["list_name", "name", "label"], [{"list_name": "agree9", "name": c, "label": c} for c in NINE]
        ),
    }
    ins = write_xlsx(book, tmp_path / "grid.xlsx")
    mapping = tmp_path / "map.csv"
    mapping.write_text("source,item\nLikertTypePage1[1],likert1\nPage6FR,comment\n", encoding="utf-8")
    out = tmp_path / "responses.csv"
    args = [
        "limesurvey",
        shared_data / LS_DIR / CODES_CSV,
        "--instrument",
        ins,
        "--mapping",
        mapping,
        "--region",
        "CA",
        "--stakeholder-group",
        "other",
        "--out",
        out,
    ]
    result = run(import_app, *args)
    assert result.exit_code == 2 and "match no item of the instrument" in result.stderr and not out.exists()
    result = run(import_app, *args, "--ignore-unknown")
    assert result.exit_code == 0, result.output
    assert "25 respondents" in result.stdout and "skipped 40 record(s)" in result.stdout
    df = read_responses(out, load_instrument(ins))
    assert df["respondent_id"].nunique() == 25 and len(df) == 50
    result = run(import_app, *args, "--ignore-unknown", "--include-incomplete", "--overwrite")
    assert result.exit_code == 0 and "65 respondents" in result.stdout


def test_import_limesurvey_with_lss_as_instrument(tmp_path):
    from test_transfer_limesurvey import LS_HEADER, LS_ROWS, write_ls

    lss = tmp_path / "small.lss"
    lss.write_text(small_lss(), encoding="utf-8")
    data = write_ls(tmp_path / "results.csv", LS_HEADER, LS_ROWS)
    out = tmp_path / "responses.csv"
    result = run(
        import_app,
        "limesurvey",
        data,
        "--instrument",
        lss,
        "--region",
        "SI",
        "--stakeholder-group",
        "company",
        "--ignore-unknown",
        "--out",
        out,
    )
    assert result.exit_code == 0, result.output
    df = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert set(df["respondent_id"]) == {"1", "2"} and set(df["language"]) == {"en", "de"}


def test_export_wide_and_import_it_back(kobo_files):
    tmp, ins, data = kobo_files
    long = tmp / "responses.csv"
    assert run(import_app, "kobo", data, "--instrument", ins, "--out", long).exit_code == 0
    for name in ("wide.csv", "wide.xlsx"):
        wide = tmp / name
        result = run(export_app, "wide", "--responses", long, "--instrument", ins, "--out", wide, "--synthetic")
        assert result.exit_code == 0, result.output
        assert "2 respondents written" in result.stdout
        back = tmp / f"back_{name}.csv"
        result = run(import_app, "wide", wide, "--instrument", ins, "--out", back)
        assert result.exit_code == 0, result.output
        a, b = (
            pd.read_csv(p, dtype=str, keep_default_na=False)
            .sort_values(["respondent_id", "item"])
            .reset_index(drop=True)
            for p in (long, back)
        )
        pd.testing.assert_frame_equal(a, b)
    assert load_workbook(tmp / "wide.xlsx").sheetnames == ["responses", "items", "README"]
    result = run(export_app, "wide", "--responses", long, "--instrument", ins, "--out", tmp / "wide.ods")
    assert result.exit_code == 2 and ".csv or .xlsx" in result.stderr


def test_export_wide_refuses_bad_responses(kobo_files):
    tmp, ins, _ = kobo_files
    long = tmp / "responses.csv"
    long.write_text("respondent_id,region,stakeholder_group,item,value\nr1,ITC1,company,q1,maybe\n", encoding="utf-8")
    result = run(export_app, "wide", "--responses", long, "--instrument", ins, "--out", tmp / "w.csv")
    assert result.exit_code == 2 and "line 2" in result.stderr and not (tmp / "w.csv").exists()
