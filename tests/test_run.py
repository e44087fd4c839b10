"""The run model: one object from any source, one folder format that reads back exactly, every path alike."""

from __future__ import annotations

import io
import json
import math
import zipfile

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from s3stresstest.campaign.synthetic import SyntheticSpec, generate_campaign
from s3stresstest.campaign.territories import demo_regions
from s3stresstest.cli import app
from s3stresstest.instrument import load_builtin
from s3stresstest.report import ReportInputs, build_regional, render_html
from s3stresstest.run import (
    ReferenceData,
    RunParams,
    build_run,
    read_run,
    run_from_store,
    write_run,
)
from s3stresstest.run.schema import OPTIONAL_TABLES, RESULT_TABLES, WRITTEN_RECOMMENDATIONS
from s3stresstest.run.tables import Column, read_table, write_table
from s3stresstest.scoring import ScoringParams

runner = CliRunner()
TERRITORIES = ["ITC1", "ITC4", "ITH2", "AT31", "DE2", "ES21"]


@pytest.fixture(scope="module")
def instrument():
    return load_builtin()


@pytest.fixture(scope="module")
def campaign(instrument):
    regions = demo_regions()
    regions = regions[regions["region"].isin(TERRITORIES)].reset_index(drop=True)
    groups = pd.DataFrame(
        [(r, "alpine" if r != "ES21" else "european") for r in regions["region"]]
        + [(r, "all") for r in regions["region"]],
        columns=["region", "group"],
    )
    return generate_campaign(instrument, regions, groups, SyntheticSpec(seed=11, min_respondents=9, max_respondents=14))


@pytest.fixture(scope="module")
def reference(shared_data):
    return ReferenceData.load(shared_data)


@pytest.fixture(scope="module")
def run(campaign, instrument, reference):
    invitations = pd.DataFrame(
        {"region": ["ITC1", "ITC1"], "stakeholder_group": ["company", "policy_maker"], "invited": [40, 10]}
    )
    return build_run(
        campaign,
        instrument,
        RunParams(scoring=ScoringParams(bootstrap=30)),
        invitations=invitations,
        reference=reference,
    )


@pytest.fixture(scope="module")
def folder(run, tmp_path_factory):
    return write_run(run, tmp_path_factory.mktemp("run") / "results")


def test_the_run_holds_every_stage(run):
    assert set(run.block_scores["region"]) == set(TERRITORIES)
    assert run.context is not None and set(run.context["region"]) == set(TERRITORIES)
    assert run.structural_peers is not None and len(run.structural_peers)
    assert len(run.recommendations) and len(run.findings) and run.typology is not None
    assert run.record["synthetic"] is True and run.record["reference_data"]["files"]
    assert "alignment" in run.missing  # no strategies given: left out, and said so
    assert run.invited("ITC1") == 50 and run.invited("DE2") is None


def test_every_table_reads_back_exactly(run, folder):
    back = read_run(folder)
    for name in list(RESULT_TABLES) + list(OPTIONAL_TABLES):
        if name == "findings" or name.startswith("typology"):
            continue
        if name in OPTIONAL_TABLES and getattr(run, name) is None:  # absent from this run: absent after reading
            assert getattr(back, name) is None, name
            continue
        pd.testing.assert_frame_equal(
            getattr(back, name).reset_index(drop=True),
            getattr(run, name).reset_index(drop=True),
            check_dtype=True,
            obj=name,
        )
    assert [f["id"] for f in back.findings] == [f["id"] for f in run.findings]
    for a, b in zip(back.findings, run.findings, strict=True):
        assert {k: a[k] for k in a if k != "figures"} == {k: b[k] for k in b if k != "figures"}
        pd.testing.assert_frame_equal(
            a["figures"].reset_index(drop=True), b["figures"].reset_index(drop=True), check_dtype=False, obj=a["id"]
        )
    pd.testing.assert_frame_equal(back.typology["profiles"], run.typology["profiles"], check_names=False)
    assert back.typology["descriptions"] == run.typology["descriptions"]
    assert back.params == run.params and back.instrument.checksum == run.instrument.checksum
    pd.testing.assert_frame_equal(
        back.campaign.responses.reset_index(drop=True), run.campaign.responses.reset_index(drop=True), check_dtype=False
    )


def test_written_again_the_folder_is_byte_identical(folder, tmp_path):
    from s3stresstest.run import compare_folders

    again = write_run(read_run(folder), tmp_path / "again")
    assert compare_folders(folder, again) == []


def test_schema_json_declares_every_csv(folder):
    declared = json.loads((folder / "schema.json").read_text())["tables"]
    on_disk = {str(p.relative_to(folder)) for p in folder.rglob("*.csv")}
    assert set(declared) == on_disk
    assert {"name": "groups_disagree", "kind": "bool"} in declared["item_dispersion.csv"]


def test_recommendations_table_has_the_promised_columns(run, folder, instrument):
    recs = pd.read_csv(folder / "recommendations.csv", dtype=str, keep_default_na=False)
    assert list(recs.columns[:10]) == [
        "region",
        "rank",
        "rule",
        "topic",
        "title",
        "action",
        "evidence",
        "items",
        "learn_from",
        "written",
    ]
    names = {i.name for i in instrument.items}
    for items in recs["items"]:
        assert all(x in names for x in items.split())
    for codes in recs["learn_from"]:
        assert all(c in TERRITORIES for c in codes.split())
    ranks = recs["rank"].astype(int)
    assert set(recs["written"]) <= {"true", "false"}
    assert ((ranks <= WRITTEN_RECOMMENDATIONS) == (recs["written"] == "true")).all()
    per_region = recs.groupby("region")["rank"].apply(lambda s: sorted(int(x) for x in s))
    assert all(r == list(range(1, len(r) + 1)) for r in per_region)


def test_groups_disagree_column_matches_item_dispersion(folder):
    inputs = ReportInputs.load(folder, reference_data=False)
    disp = inputs.item_dispersion
    flagged = 0
    for region in TERRITORIES:
        doc = build_regional(inputs, region)
        cells = [
            row[-1]
            for s in doc.sections
            for b in s.blocks
            if getattr(b, "caption", "") == "Item scores"
            for row in b.rows
        ]
        mine = disp[(disp["region"] == region) & (disp["status"] == "ok")]
        assert cells.count("yes") == int(mine["groups_disagree"].sum())
        assert cells.count("no") == int((~mine["groups_disagree"].astype(bool)).sum())
        flagged += cells.count("yes")
    assert flagged > 0  # the campaign has disagreements, so the column cannot pass by showing none


def test_report_uses_names_and_invitations(folder):
    html = render_html(build_regional(ReportInputs.load(folder, reference_data=False), "ITC1"))
    assert "S3 StressTest: Piemonte (ITC1)" in html
    assert "of 50 invited" in html


# -- the table format ------------------------------------------------------------------------------

text = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r"), max_size=12)


@st.composite
def frames(draw):
    n = draw(st.integers(0, 6))
    return pd.DataFrame(
        {
            "code": pd.Series(draw(st.lists(text, min_size=n, max_size=n)), dtype="str"),
            "x": pd.Series(
                draw(st.lists(st.floats(allow_nan=True, allow_infinity=False, width=64), min_size=n, max_size=n)),
                dtype="float64",
            ),
            "n": pd.Series(draw(st.lists(st.integers(-(10**12), 10**12), min_size=n, max_size=n)), dtype="int64"),
            "flag": pd.Series(
                draw(st.lists(st.sampled_from([True, False, None]), min_size=n, max_size=n)), dtype=object
            ),
        }
    )


@given(frames())
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_tables_read_back_exactly(tmp_path, df):
    columns = (Column("code", "text"), Column("x", "float"), Column("n", "int"), Column("flag", "bool"))
    path = tmp_path / "t.csv"
    write_table(df, path, columns)
    back = read_table(path, columns)
    assert list(back["code"]) == list(df["code"])
    for a, b in zip(back["x"], df["x"], strict=True):
        assert (math.isnan(a) and math.isnan(b)) or a == b
    assert list(back["n"]) == list(df["n"])
    assert [None if v is None or v is pd.NA else bool(v) for v in back["flag"]] == list(df["flag"])
    first = path.read_bytes()
    write_table(back, path, columns)
    assert path.read_bytes() == first


def test_codes_stay_text_and_missing_stays_missing(tmp_path):
    df = pd.DataFrame(
        {"region": ["0101", "CH022"], "value": [np.nan, 0.0], "year": pd.array([None, 2020], dtype="Int64")}
    )
    columns = (Column("region", "text"), Column("value", "float"), Column("year", "int?"))
    write_table(df, tmp_path / "c.csv", columns)
    assert (tmp_path / "c.csv").read_text() == "region,value,year\n0101,,\nCH022,0,2020\n"
    back = read_table(tmp_path / "c.csv", columns)
    assert list(back["region"]) == ["0101", "CH022"] and math.isnan(back["value"][0]) and back["value"][1] == 0
    assert back["year"].isna()[0] and back["year"][1] == 2020


# -- failures stop the run -------------------------------------------------------------------------


def test_a_failing_stage_stops_the_run_with_its_name(tmp_path, campaign, monkeypatch):
    import s3stresstest.recommend as recommend

    def broken(*args, **kwargs):
        raise RuntimeError("rule engine exploded")

    monkeypatch.setattr(recommend, "recommend", broken)
    paths = _campaign_files(campaign, tmp_path)
    out = tmp_path / "out"
    r = runner.invoke(
        app,
        [
            "score",
            "--responses",
            str(paths["responses"]),
            "--regions",
            str(paths["regions"]),
            "--out",
            str(out),
            "--bootstrap",
            "0",
            "--no-reference-data",
        ],
    )
    assert r.exit_code == 2
    assert "'recommendations' stage failed" in r.stderr and "rule engine exploded" in r.stderr
    assert not out.exists()


def _campaign_files(campaign, folder):
    paths = {}
    for name, df in (("responses", campaign.responses), ("regions", campaign.regions), ("groups", campaign.groups)):
        paths[name] = folder / f"{name}.csv"
        df.to_csv(paths[name], index=False)
    return paths


# -- every path gives the same folder --------------------------------------------------------------


@pytest.mark.slow
def test_score_with_reference_data_writes_context_and_recommendations_and_reports_need_nothing_else(
    tmp_path, campaign, shared_data
):
    paths = _campaign_files(campaign, tmp_path)
    inv = tmp_path / "invitations.csv"
    inv.write_text("region,stakeholder_group,invited\nITC1,company,40\nDE2,policy_maker,12\n")
    out = tmp_path / "results"
    r = runner.invoke(
        app,
        [
            "score",
            "--responses",
            str(paths["responses"]),
            "--regions",
            str(paths["regions"]),
            "--groups",
            str(paths["groups"]),
            "--invitations",
            str(inv),
            "--out",
            str(out),
            "--bootstrap",
            "20",
            "--data",
            str(shared_data),
        ],
    )
    assert r.exit_code == 0, r.stderr
    for name in (
        "context.csv",
        "recommendations.csv",
        "findings.csv",
        "structural_peers.csv",
        "inputs/invitations.csv",
        "inputs/instrument.yaml",
    ):
        assert (out / name).is_file(), name
    rep = runner.invoke(
        app,
        [
            "report",
            "--results",
            str(out),
            "--out",
            str(tmp_path / "reports"),
            "--territory",
            "DE2",
            "--data",
            str(shared_data),
        ],
    )
    assert rep.exit_code == 0, rep.output
    for phrase in ("left out (responses)", "not in the results folder", "no context"):
        assert phrase not in rep.output
    html = (tmp_path / "reports" / "regional" / "DE2.html").read_text()
    assert "Bayern (DE2)" in html and "invited)" in html and "no reference data was installed" not in html


def _stored_campaign(store, campaign, instrument):
    cid = store.create_campaign("Alps 2026", store.add_instrument(instrument))
    store.add_regions(cid, campaign.regions)
    store.add_groups(cid, campaign.groups)
    store.create_invitations(cid, [("ITC1", "company", "it")] * 20 + [("DE2", "policy_maker", "de")] * 5)
    store.import_responses(cid, campaign.responses, source="test")
    return cid


@pytest.mark.slow
def test_a_stored_campaign_gives_a_complete_run(store, campaign, instrument, reference, tmp_path):
    cid = _stored_campaign(store, campaign, instrument)
    run = run_from_store(store, cid, params=RunParams(scoring=ScoringParams(bootstrap=20)), reference=reference)
    assert run.record["source"]["kind"] == "store" and run.record["source"]["campaign_id"] == cid
    assert "password" not in json.dumps(run.record["source"]).lower()
    assert run.invited("ITC1") == 20 and run.invited("DE2") == 5
    folder = write_run(run, tmp_path / "store-run")
    inputs = ReportInputs.load(folder, reference_data=False)
    html = render_html(build_regional(inputs, "ITC1"))
    assert "S3 StressTest: Piemonte (ITC1)" in html and "of 20 invited" in html
    assert set(inputs.missing) == {"alignment", "maps"}  # no strategies; maps switched off for this build


@pytest.mark.slow
def test_campaign_score_command_and_web_zip_give_the_same_tables(
    store_url, campaign, instrument, tmp_path, shared_data, monkeypatch
):
    from s3stresstest.store import Store
    from s3stresstest.web.operations import score_zip

    monkeypatch.setenv("S3ST_DATA_DIR", str(shared_data))
    store = Store.open(store_url)
    try:
        cid = _stored_campaign(store, campaign, instrument)
        data = score_zip(store, store.get_campaign(cid))
    finally:
        store.close()
    out = tmp_path / "cli"
    r = runner.invoke(app, ["campaign", "score", str(cid), "--database-url", store_url, "--out", str(out)])
    assert r.exit_code == 0, r.stderr
    unzipped = tmp_path / "zip"
    zipfile.ZipFile(io.BytesIO(data)).extractall(unzipped)
    from s3stresstest.run import compare_folders

    assert compare_folders(out, unzipped) == []
    assert (out / "recommendations.csv").is_file() and (out / "context.csv").is_file()
    missing = runner.invoke(
        app, ["campaign", "score", "999", "--database-url", store_url, "--out", str(tmp_path / "none")]
    )
    assert missing.exit_code == 2 and "no campaign with id 999" in missing.stderr


def test_rerun_refuses_other_reference_data(folder, tmp_path):
    from s3stresstest.errors import InputError
    from s3stresstest.run import rerun

    with pytest.raises(InputError, match="reference data differ"):
        rerun(folder, reference=ReferenceData.none())


def test_a_folder_of_an_older_version_gets_a_clear_message(tmp_path):
    from s3stresstest.errors import InputError

    old = tmp_path / "old"
    old.mkdir()
    (old / "run.json").write_text("{}")
    (old / "block_scores.csv").write_text("region,block,score\n")
    with pytest.raises(InputError, match="not a run folder of this version"):
        read_run(old)
    r = runner.invoke(app, ["report", "--results", str(old), "--out", str(tmp_path / "rep")])
    assert r.exit_code == 2 and "score the campaign again" in r.output


def test_bad_invitations_file_names_row_and_column_and_writes_nothing(tmp_path, campaign):
    paths = _campaign_files(campaign, tmp_path)
    inv = tmp_path / "invitations.csv"
    inv.write_text("region,stakeholder_group,invited\nITC1,company,forty\nXX99,company,3\nDE2,astronaut,2\n")
    out = tmp_path / "out"
    r = runner.invoke(
        app,
        [
            "score",
            "--responses",
            str(paths["responses"]),
            "--regions",
            str(paths["regions"]),
            "--invitations",
            str(inv),
            "--out",
            str(out),
            "--bootstrap",
            "0",
            "--no-reference-data",
        ],
    )
    assert r.exit_code == 2
    assert "invitations.csv, line 2, column 'invited'" in r.stderr
    assert "invitations.csv, line 3, column 'region'" in r.stderr
    assert "invitations.csv, line 4, column 'stakeholder_group'" in r.stderr
    assert not out.exists()


def test_the_folder_says_it_is_a_working_record_not_a_publication(folder):
    """The run tables keep small cells (the reports pool them); the folder must say it is not for publication."""
    k = json.loads((folder / "run.json").read_text(encoding="utf-8"))["parameters"]["scoring"]["min_respondents"]
    d = pd.read_csv(folder / "distributions.csv")
    counts = (d["share"] * d["n"]).round()
    assert ((counts > 0) & (counts < k)).any(), "the working record keeps small cells"
    readme = (folder / "README.txt").read_text(encoding="utf-8")
    assert "NOT a publication" in readme and "inputs/responses.csv" in readme and f"k = {k}" in readme
    record = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    assert "NOT a publication" in record["publication"] and "README.txt" in record["outputs"]
    assert "Not for publication" in (folder / "summary.md").read_text(encoding="utf-8")
