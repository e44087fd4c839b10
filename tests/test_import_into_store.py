"""Imports into a stored campaign: `s3stresstest import ... --campaign` and `import_into_campaign`,
one transaction, all rows or none (SQLite and PostgreSQL via the `store` fixture)."""

from __future__ import annotations

import pandas as pd
import pytest
from test_transfer_kobo import HEADER, ROWS, kobo_workbook, write_csv
from test_transfer_limesurvey import (
    CODES_CSV,
    LS_DIR,
    MAPPING,
    grid_instrument,  # noqa: F401 - a fixture, passed to tests by name
)
from typer.testing import CliRunner

from s3stresstest.cli.transfer import import_app
from s3stresstest.errors import InputError
from s3stresstest.instrument import instrument_from_workbook
from s3stresstest.transfer import write_long_csv
from s3stresstest.transfer.into_store import import_into_campaign

KOBO_REGIONS = pd.DataFrame({"region": ["ITC1", "DE2"], "name": ["Piemonte", "Bayern"]})


def run(*args):
    return CliRunner().invoke(import_app, [str(a) for a in args])


def kobo_campaign(store) -> int:
    ins = instrument_from_workbook(kobo_workbook(), source="kobo_s3")
    cid = store.create_campaign("Kobo 2026", store.add_instrument(ins), languages=["en"])
    store.add_regions(cid, KOBO_REGIONS)
    return cid


def answer_count(store, cid) -> int:
    return len(store.responses(cid, submitted_only=False))


def test_cli_kobo_into_campaign(store, store_url, tmp_path):
    cid = kobo_campaign(store)
    data = write_csv(tmp_path / "kobo.csv", HEADER, ROWS)
    result = run("kobo", data, "--campaign", cid, "--database-url", store_url)
    assert result.exit_code == 0, result.output
    assert "2 respondents" in result.stdout and f"into campaign {cid}" in result.stdout
    df = store.responses(cid)
    assert set(df["respondent_id"]) == {"uuid-a", "uuid-b"}
    a = df[df["respondent_id"] == "uuid-a"].set_index("item")["value"]
    assert a["q1"] == "yes" and a["q3"] == "a c" and a["comment"] == "fine; thanks"
    assert set(df["region"]) == {"ITC1", "DE2"}
    assert store.audit_log(cid)["event"].tolist() == ["import"]


def test_cli_kobo_bad_row_imports_nothing(store, store_url, tmp_path):
    cid = kobo_campaign(store)
    first = [list(r) for r in ROWS]
    for r in first:
        r[HEADER.index("_uuid")] = "old-" + r[HEADER.index("_uuid")]
    assert (
        run(
            "kobo", write_csv(tmp_path / "old.csv", HEADER, first), "--campaign", cid, "--database-url", store_url
        ).exit_code
        == 0
    )
    before = answer_count(store, cid)
    assert before > 0
    rows = [list(r) for r in ROWS] + [list(ROWS[0])]
    rows[2][HEADER.index("_uuid")] = "uuid-c"
    rows[2][HEADER.index("block1/q1")] = "maybe"
    out = tmp_path / "also.csv"
    result = run(
        "kobo",
        write_csv(tmp_path / "bad.csv", HEADER, rows),
        "--campaign",
        cid,
        "--database-url",
        store_url,
        "--out",
        out,
    )
    assert result.exit_code == 2
    assert "bad.csv, line 4, column 'block1/q1': 'maybe' is not a choice of item 'q1'" in result.stderr
    assert answer_count(store, cid) == before
    assert not out.exists()
    # a region the campaign does not have: named with its line and column
    rows = [list(r) for r in ROWS]
    rows[1][HEADER.index("profile/region")] = "ITC1"
    rows[0][HEADER.index("profile/region")] = "DE2"
    ok = run(
        "kobo",
        write_csv(tmp_path / "ok.csv", HEADER, rows),
        "--campaign",
        cid,
        "--database-url",
        store_url,
        "--out",
        out,
    )
    assert ok.exit_code == 0, ok.output
    assert out.exists() and answer_count(store, cid) == 2 * before


def test_same_ids_twice_is_refused_whole(store, tmp_path):
    cid = kobo_campaign(store)
    data = write_csv(tmp_path / "kobo.csv", HEADER, ROWS)
    summary = import_into_campaign(store, cid, "kobo", data)
    assert summary["respondents"] == 2 and summary["answers"] > 0
    before = answer_count(store, cid)
    with pytest.raises(InputError) as exc:
        import_into_campaign(store, cid, "kobo", data)
    assert "exists already" in str(exc.value) and exc.value.problems[0].field == "respondent_id"
    assert answer_count(store, cid) == before


def test_unknown_region_names_line_and_column(store, tmp_path):
    cid = kobo_campaign(store)
    rows = [list(r) for r in ROWS]
    rows[1][HEADER.index("profile/region")] = "FR1"
    with pytest.raises(InputError) as exc:
        import_into_campaign(store, cid, "kobo", write_csv(tmp_path / "r.csv", HEADER, rows))
    p = exc.value.problems[0]
    assert p.line == 3 and p.source == "r.csv" and "FR1" in p.message
    assert answer_count(store, cid) == 0


def test_limesurvey_fixture_with_mapping(store, store_url, shared_data, grid_instrument, tmp_path):
    cid = store.create_campaign("LS", store.add_instrument(grid_instrument), languages=["en"])
    store.add_regions(cid, pd.DataFrame({"region": ["SI"], "name": ["Slovenija"]}))
    mapping = tmp_path / "mapping.csv"
    mapping.write_text(MAPPING, encoding="utf-8")
    result = run(
        "limesurvey",
        shared_data / LS_DIR / CODES_CSV,
        "--campaign",
        cid,
        "--database-url",
        store_url,
        "--mapping",
        mapping,
        "--region",
        "SI",
        "--stakeholder-group",
        "research_institution",
        "--ignore-unknown",
    )
    assert result.exit_code == 0, result.output
    assert "skipped 40 record(s)" in result.stdout
    df = store.responses(cid)
    assert df["respondent_id"].nunique() == 25
    assert set(df["item"]) <= {"likert1", "likert2", "mc1", "grid1", "comment"}
    assert set(df["region"]) == {"SI"} and set(df["stakeholder_group"]) == {"research_institution"}
    # the same through bytes (as the web uploads): every id exists now -> refused whole
    before = len(df)
    with pytest.raises(InputError):
        import_into_campaign(
            store,
            cid,
            "limesurvey",
            (shared_data / LS_DIR / CODES_CSV).read_bytes(),
            CODES_CSV,
            mapping=MAPPING.encode(),
            options={"region": "SI", "stakeholder_group": "research_institution", "ignore_unknown": "1"},
        )
    assert len(store.responses(cid)) == before
    # with an id prefix they are new
    summary = import_into_campaign(
        store,
        cid,
        "limesurvey",
        (shared_data / LS_DIR / CODES_CSV).read_bytes(),
        CODES_CSV,
        mapping=MAPPING.encode(),
        options={"region": "SI", "stakeholder_group": "research_institution", "ignore_unknown": "1", "id_prefix": "b-"},
    )
    assert summary["respondents"] == 25 and len(summary["skipped"]) == 40
    assert len(store.responses(cid)) == 2 * before


def test_long_csv_into_campaign(store, store_url, tmp_path):
    cid = kobo_campaign(store)
    import_into_campaign(store, cid, "kobo", write_csv(tmp_path / "k.csv", HEADER, ROWS), options={"id_prefix": "k-"})
    exported = store.responses(cid)
    path = write_long_csv(exported.assign(respondent_id="copy-" + exported["respondent_id"]), tmp_path / "long.csv")
    result = run("long", path, "--campaign", cid, "--database-url", store_url)
    assert result.exit_code == 0, result.output
    after = store.responses(cid)
    copies = after[after["respondent_id"].str.startswith("copy-")].copy()
    copies["respondent_id"] = copies["respondent_id"].str.removeprefix("copy-")
    cols = ["respondent_id", "item", "value", "region", "stakeholder_group"]
    assert (
        copies[cols]
        .sort_values(cols)
        .reset_index(drop=True)
        .equals(exported[cols].sort_values(cols).reset_index(drop=True))
    )
    # a bad line of a long CSV: named, nothing stored
    bad = tmp_path / "bad_long.csv"
    bad.write_text(
        "respondent_id,region,stakeholder_group,item,value\nn1,ITC1,company,q1,yes\nn1,ITC1,company,q1x,no\n",
        encoding="utf-8",
    )
    before = answer_count(store, cid)
    result = run("long", bad, "--campaign", cid, "--database-url", store_url)
    assert result.exit_code == 2 and "bad_long.csv, line 3, column 'item'" in result.stderr
    assert answer_count(store, cid) == before


def test_cli_needs_out_or_campaign(tmp_path):
    data = write_csv(tmp_path / "kobo.csv", HEADER, ROWS)
    result = run("kobo", data)
    assert result.exit_code == 2 and "--out" in result.stderr and "--campaign" in result.stderr
    result = run("wide", data, "--database-url", "sqlite:///x.db", "--out", tmp_path / "o.csv")
    assert result.exit_code == 2 and "--database-url needs --campaign" in result.stderr


def test_cli_campaign_refuses_instrument(tmp_path):
    data = write_csv(tmp_path / "kobo.csv", HEADER, ROWS)
    result = run(
        "kobo",
        data,
        "--campaign",
        1,
        "--instrument",
        tmp_path / "i.xlsx",
        "--database-url",
        f"sqlite:///{tmp_path / 'db.sqlite'}",
    )
    assert result.exit_code == 2 and "--instrument cannot be used with --campaign" in result.stderr


def test_options_are_checked(store, tmp_path):
    cid = kobo_campaign(store)
    data = write_csv(tmp_path / "kobo.csv", HEADER, ROWS)
    with pytest.raises(InputError) as exc:
        import_into_campaign(store, cid, "wide", data, options={"region": "ITC1"})
    assert exc.value.problems[0].field == "region"
    with pytest.raises(InputError) as exc:
        import_into_campaign(store, cid, "excel", b"a,b\n", "x.csv")
    assert exc.value.problems[0].field == "kind"
    with pytest.raises(InputError) as exc:
        import_into_campaign(store, cid, "limesurvey", b"a,b\n1,2\n", "x.xlsx")
    assert exc.value.problems[0].field == "file"
    assert answer_count(store, cid) == 0
