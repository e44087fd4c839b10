"""Issue 14 (points 1-2): the sourced 2021-2027 priorities, several periods and files, the latest period by
default, and the Horizon Europe cluster and EU mission axes."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re

import pytest
import yaml
from alignment_support import prio, small_taxonomies, write_taxonomy_folder

from s3stresstest.alignment import (
    BUILTIN_PRIORITY_FILES,
    Strategy,
    builtin_priorities_csv,
    builtin_priority_files,
    builtin_taxonomies,
    latest_strategies,
    load_taxonomies,
    period_key,
    priority_pair_scores,
    read_builtin_strategies,
    read_strategies,
    run_alignment,
)
from s3stresstest.alignment.run import AlignmentParams, select_period
from s3stresstest.alignment.taxonomy import AXES, OPTIONAL_AXES, builtin_data_folder, taxonomy_from_rows
from s3stresstest.errors import InputError

DATA = builtin_data_folder()
NEW_FILE = DATA / "s3_priorities_2021_2027.csv"
OLD_FILE = DATA / "s3_priorities_2014_2020.csv"
SOURCE_TYPES = {"official_strategy", "s3_platform", "regional_publication", "secondary"}
# the 11 S3-4AlpClusters territories of the 2014-2020 file (regional or national = territory)
PROJECT_TERRITORIES = {"ITC1", "ITC4", "ITH2", "ITH3", "SI", "AT31", "AT32", "DE2", "DE1", "FRC2", "CH022"}


def rows_of(path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


# -- the new taxonomies ---------------------------------------------------------------------------


def test_horizon_taxonomies_load_with_the_documented_counts():
    tax = builtin_taxonomies()
    assert set(AXES) >= {"horizon_cluster", "mission"} and set(OPTIONAL_AXES) == {"horizon_cluster", "mission"}
    clusters, missions = tax["horizon_cluster"], tax["mission"]
    # six Pillar II clusters and five missions, as the pages quoted in taxonomies.yaml say
    assert len(clusters) == 6 and list(clusters.codes) == [f"CL{k}" for k in range(1, 7)]
    assert clusters.title("CL4") == "Digital, Industry and Space" and not clusters.hierarchical
    assert len(missions) == 5 and set(missions.codes) == {"adaptation", "cancer", "ocean", "cities", "soil"}
    assert missions.title("soil") == "A Soil Deal for Europe"


def test_taxonomies_yaml_names_the_sources_and_quotes_them():
    meta = yaml.safe_load((DATA / "taxonomies.yaml").read_text(encoding="utf-8"))
    by_id = {t["id"]: t for t in meta["taxonomies"]}
    assert set(AXES) <= set(by_id)
    for axis, (file, _label) in AXES.items():
        assert by_id[axis]["file"] == file
    for axis in ("horizon_cluster", "mission"):
        entry = by_id[axis]
        assert "2021/695" in entry["source"]["title"] and entry["source"]["url"].startswith("https://eur-lex.")
        checked = entry["verified_with"]
        assert checked and all(c["url"].startswith("http") and c["excerpt"].strip() for c in checked)
    clusters = [line.split(",", 1)[1].strip('"\n') for line in (DATA / "horizon_europe_clusters.csv").open()][1:]
    quoted = " ".join(c["excerpt"] for c in by_id["horizon_cluster"]["verified_with"])
    assert all(title in quoted for title in clusters)  # every title is in a quoted excerpt
    missions = [line.split(",", 1)[1].strip('"\n') for line in (DATA / "eu_missions.csv").open()][1:]
    quoted = " ".join(c["excerpt"] for c in by_id["mission"]["verified_with"])
    assert all(title in quoted for title in missions)


def test_a_user_taxonomy_folder_of_four_files_still_works(tmp_path):
    tax = load_taxonomies(write_taxonomy_folder(tmp_path / "tax"))
    assert len(tax["nace"]) == 9  # the user's own list
    assert len(tax["horizon_cluster"]) == 6 and len(tax["mission"]) == 5  # built-in files stand in
    assert tax["mission"].source == str(DATA / "eu_missions.csv")
    (tmp_path / "tax" / "industrial_ecosystems.csv").unlink()
    with pytest.raises(InputError, match=r"industrial_ecosystems\.csv"):
        load_taxonomies(tmp_path / "tax")


def test_the_horizon_axes_count_in_the_pair_score():
    tax = small_taxonomies()
    tax["horizon_cluster"] = taxonomy_from_rows(
        [{"code": "CL4", "title": "Digital"}, {"code": "CL5", "title": "Climate"}], name="horizon_cluster"
    )
    p = prio("p", "Chips", horizon_cluster="CL4")
    same, other = prio("q", "Robots", horizon_cluster="CL4"), prio("r", "Robots", horizon_cluster="CL5")
    s = priority_pair_scores([p], [same, other], tax)
    # horizon_cluster 1 or 0 and text 0 are available: 0.10 * sim / (0.10 + 0.25)
    assert s.score[0, 0] == pytest.approx(0.10 / 0.35) and s.score[0, 1] == pytest.approx(0.0)
    # without codes on the axis the score is what it was before the axis existed
    plain = priority_pair_scores([prio("p", "Chips", nace="C26")], [prio("q", "Robots", nace="C27")], tax)
    assert plain.score[0, 0] == pytest.approx((0.35 * 0.5) / (0.35 + 0.25))


# -- the 2021-2027 dataset ------------------------------------------------------------------------


def test_every_2021_2027_row_is_sourced():
    rows = rows_of(NEW_FILE)
    assert rows
    header = list(rows[0])
    # the same columns as the 2014-2020 file, plus the two new axes after `ecosystem`
    assert [c for c in header if c not in ("horizon_cluster", "mission")] == list(rows_of(OLD_FILE)[0])
    assert header[header.index("ecosystem") + 1 : header.index("ecosystem") + 3] == ["horizon_cluster", "mission"]
    for r in rows:
        where = r["priority_id"]
        assert re.fullmatch(r"https?://\S+", r["source_url"]), where
        assert r["source_type"] in SOURCE_TYPES, where
        assert 0 < len(r["source_excerpt"].split()) <= 25, where
        assert dt.date.fromisoformat(r["read_on"]) == dt.date(2026, 12, 6), where
        assert re.fullmatch(r"\d{4}-\d{4}", r["period"]) and r["period"] >= "2020", where
        assert r["codes_assigned_by"] == "s3stresstest project", where
        assert r["title"] and r["title_original"] and r["description"], where
        assert len(r["description"].split()) <= 30, where
        if any(r[a] for a in AXES if a in r):
            assert r["code_justification"], where
        assert r["policy"] == "", where  # the Eye@RIS3 list is a gap
        assert r["territory"] in PROJECT_TERRITORIES, where
    # the same excerpt, where it names several priorities, names this one's original title
    for r in rows:
        first_word = r["title_original"].split()[0].strip(",;")
        assert first_word.casefold() in r["source_excerpt"].casefold(), r["priority_id"]


def test_the_2014_2020_priorities_carry_no_horizon_codes():
    for r in rows_of(OLD_FILE):
        assert not r.get("horizon_cluster") and not r.get("mission"), r["priority_id"]


def test_both_files_read_together_against_the_nuts_registry(shared_data):
    from s3stresstest.regions.nuts import NutsRegistry

    assert [p.name for p in builtin_priority_files()] == list(BUILTIN_PRIORITY_FILES)
    registry = NutsRegistry.load(shared_data)
    strategies = read_builtin_strategies(builtin_taxonomies(), known_territories=registry)
    by_key = {s.key: s for s in strategies}
    assert len(by_key) == len(strategies)
    assert sum(len(s) for s in strategies) == len(rows_of(OLD_FILE)) + len(rows_of(NEW_FILE))
    assert len(by_key[("ITC1", "2014-2020")]) == 6 and len(by_key[("ITC1", "2021-2027")]) == 6
    veneto = by_key[("ITH3", "2021-2027")]
    assert veneto.priorities[2].codes["mission"] == ("cities",)
    # every project territory but Slovenia (its S5 areas are a gap); no national 2021-2027 strategy is sourced
    assert {s.territory for s in strategies if s.period >= "2020"} == PROJECT_TERRITORIES - {"SI"}
    assert by_key[("FRC2", "2021-2027")].name == "Franche-Comté" and len(by_key[("FRC2", "2021-2027")]) == 6
    assert len(by_key[("CH022", "2024-2027")]) == 5
    # the combined CSV (what a run takes as one file) holds the same strategies
    combined = builtin_priorities_csv().decode("utf-8")
    assert sum(1 for _ in csv.DictReader(io.StringIO(combined))) == sum(len(s) for s in strategies)


def test_combined_csv_reads_as_one_file(tmp_path):
    path = tmp_path / "all.csv"
    path.write_bytes(builtin_priorities_csv())
    one = read_strategies(path, builtin_taxonomies())
    assert sorted(s.key for s in one) == sorted(s.key for s in read_builtin_strategies())


# -- several files and periods, latest period by default ------------------------------------------

HEADER = "territory,level,period,priority_id,title,nace\n"


def test_several_files_are_one_table_and_problems_name_the_file(tmp_path):
    a = tmp_path / "old.csv"
    b = tmp_path / "new.csv"
    a.write_text(HEADER + "AT31,regional,2014-2020,AT31-01,Mechatronics,C27\n", encoding="utf-8")
    b.write_text(
        "territory,level,period,priority_id,title,nace,horizon_cluster\n"
        "AT31,regional,2021-2027,AT31-01,Mechatronics,C27,CL4\n",
        encoding="utf-8",
    )
    tax = {**small_taxonomies(), **{k: v for k, v in builtin_taxonomies().items() if k == "horizon_cluster"}}
    strategies = read_strategies([a, b], tax)
    assert [(s.territory, s.period) for s in strategies] == [("AT31", "2014-2020"), ("AT31", "2021-2027")]
    assert strategies[1].priorities[0].codes["horizon_cluster"] == ("CL4",)
    # the same priority of the same period in two files is refused, naming both files
    c = tmp_path / "again.csv"
    c.write_text(HEADER + "AT31,regional,2014-2020,AT31-01,Other,C26\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_strategies([a, c], tax)
    (problem,) = info.value.problems
    assert problem.source == "again.csv" and problem.line == 2 and "old.csv line 2" in problem.message
    with pytest.raises(InputError, match="no priorities file"):
        read_strategies([], tax)


def test_period_order_and_latest_strategy_per_territory():
    assert period_key("2014-2020") < period_key("2016-2025") < period_key("2021-2027") < period_key("2024-2030")
    assert period_key("2016-2019") < period_key("2016-2025")  # same start: the later end wins
    assert period_key("current") < period_key("2007") < period_key("2014-2020")
    p = (prio("x-01", "Tourism", nace="C26"),)
    strategies = [
        Strategy("AT32", "regional", "2016-2025", p),
        Strategy("AT", "national", "2014-2020", p),
        Strategy("AT32", "regional", "2024-2030", p),
        Strategy("AT32", "regional", "2014-2020", p),
    ]
    latest = latest_strategies(strategies)
    assert [(s.territory, s.period) for s in latest] == [("AT", "2014-2020"), ("AT32", "2024-2030")]
    assert select_period(strategies, None) == latest
    assert [s.period for s in select_period(strategies, "2016-2025")] == ["2016-2025"]
    with pytest.raises(InputError, match="no strategy for the period '2030-2040'"):
        select_period(strategies, "2030-2040")


def test_a_run_compares_the_latest_period_by_default(tmp_path):
    text = (
        HEADER
        + "AT31,regional,2014-2020,AT31-01,Mechatronics,C27\n"
        + "AT31,regional,2021-2027,AT31-01,Software,J62\n"
        + "AT32,regional,2016-2025,AT32-01,Software,J62\n"
    )
    path = tmp_path / "p.csv"
    path.write_text(text, encoding="utf-8")
    strategies = read_strategies(path, small_taxonomies())
    result = run_alignment(strategies, taxonomies=small_taxonomies())
    assert result.record["periods"] == {"AT31": "2021-2027", "AT32": "2016-2025"}
    assert "latest period" in result.record["period_rule"]
    (pair,) = result.pairs.to_dict("records")
    # the 2021-2027 priority (J62, same title) is compared, not the 2014-2020 one (C27)
    assert pair["score"] == pytest.approx(100.0)
    old = run_alignment(strategies, taxonomies=small_taxonomies(), params=AlignmentParams(period="2014-2020"))
    assert old.record["periods"] == {"AT31": "2014-2020"} and "2014-2020" in old.record["period_rule"]


def test_align_command_on_both_periods_compares_the_latest(tmp_path, shared_data):
    import json

    from typer.testing import CliRunner

    from s3stresstest.cli.align import align_app

    src = tmp_path / "s3_priorities_all.csv"
    src.write_bytes(builtin_priorities_csv())
    out = tmp_path / "out"
    args = ["--strategies", str(src), "--out", str(out), "--data-folder", str(shared_data)]
    r = CliRunner().invoke(align_app, args)
    assert r.exit_code == 0, r.output
    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    periods = record["periods"]
    assert periods["AT32"] == "2024-2030" and periods["ITC1"] == "2021-2027" and periods["SI"] == "2014-2020"
    assert len(periods) == len(PROJECT_TERRITORIES) + 1  # and Italy's national strategy
    synergies = rows_of(out / "synergies.csv")
    assert any(s["topic_axis"] == "horizon_cluster" for s in synergies)  # the new axis gives topics
    out_old = tmp_path / "old"
    r = CliRunner().invoke(align_app, [*args[:2], "--out", str(out_old), *args[4:], "--period", "2014-2020"])
    assert r.exit_code == 0, r.output
    old = json.loads((out_old / "run.json").read_text(encoding="utf-8"))["periods"]
    assert set(old.values()) == {"2014-2020"} and "AT32" not in old


# -- vertical alignment across periods (issue 14 point 2) ------------------------------------------


def test_vertical_alignment_across_periods_is_kept_and_said(tmp_path):
    """A region's 2021-2027 S3 is compared with the latest sourced national S3 (2014-2020), with a note in the
    vertical and territory tables and in the record; pinning 2021-2027 leaves the region without one."""
    from s3stresstest.alignment import analysis

    text = (
        HEADER
        + "AT31,regional,2014-2020,AT31-01,Mechatronics,C27\n"
        + "AT31,regional,2021-2027,AT31-01,Software,J62\n"
        + "AT,national,2014-2020,AT-01,Software,J62\n"
    )
    path = tmp_path / "p.csv"
    path.write_text(text, encoding="utf-8")
    strategies = read_strategies(path, small_taxonomies())
    result = run_alignment(strategies, taxonomies=small_taxonomies())
    note = "national strategy AT 2014-2020, the latest sourced; 2021-2027 not sourced"
    (v,) = result.vertical.to_dict("records")
    assert (v["period"], v["national_period"], v["note"]) == ("2021-2027", "2014-2020", note)
    assert v["score"] == pytest.approx(100.0)  # the 2021-2027 priority (J62) is the one compared
    terr = result.territories.set_index("territory")
    assert terr.loc["AT31", "note"].startswith(note) and terr.loc["AT31", "national_period"] == "2014-2020"
    assert terr.loc["AT31", "vertical"] == pytest.approx(100.0)
    assert result.record["notes"]["vertical_across_periods"] == {"AT31": note}
    # the same period: no note; the other way round, the note names the older regional strategy
    same = Strategy("AT", "national", "2021-2027", ())
    assert analysis.period_note(strategies[1], same) == ""
    assert analysis.period_note(strategies[0], same) == (
        "regional strategy 2014-2020, the latest sourced; national strategy AT 2021-2027"
    )
    pinned = run_alignment(strategies, taxonomies=small_taxonomies(), params=AlignmentParams(period="2021-2027"))
    terr = pinned.territories.set_index("territory")
    assert math.isnan(terr.loc["AT31", "vertical"])  # missing, never 0
    assert terr.loc["AT31", "note"].startswith("no national strategy for AT in the input")
    assert pinned.record["notes"]["vertical_across_periods"] == {}


def test_the_demo_aligns_each_territorys_latest_strategy_and_records_it(shared_data):
    from s3stresstest.run import ReferenceData, run_demo
    from s3stresstest.run.build import BUILTIN_STRATEGIES

    reference = ReferenceData.load(shared_data)
    run = run_demo(seed=2017, bootstrap=0, reference=reference)
    assert run.strategies_name == BUILTIN_STRATEGIES and b"2021-2027" in run.strategies_csv
    al = run.record["alignment"]
    assert al["period"] is None and "latest period" in al["period_rule"]
    periods = al["periods"]
    assert periods["ITH2"] == "2021-2027" and periods["AT32"] == "2024-2030" and periods["CH022"] == "2024-2027"
    assert periods["FRC2"] == "2021-2027" and periods["SI"] == "2014-2020" and periods["IT"] == "2014-2020"
    assert set(al["vertical_across_periods"]) == {"ITC1", "ITC4", "ITH2", "ITH3"}
    terr = run.alignment["alignment_territories"].set_index("territory")
    assert terr.loc["ITH2", "period"] == "2021-2027" and terr.loc["ITH2", "national_period"] == "2014-2020"
    assert not math.isnan(terr.loc["ITH2", "vertical"])
    assert run.params.alignment_period is None
    old = run_demo(seed=2017, bootstrap=0, reference=reference, period="2014-2020")
    assert old.params.alignment_period == "2014-2020" and old.record["parameters"]["alignment_period"] == "2014-2020"
    assert set(old.record["alignment"]["periods"].values()) == {"2014-2020"}
    assert old.record["alignment"]["vertical_across_periods"] == {}


def test_demo_command_pins_the_period_and_records_it(tmp_path, shared_data):
    import json

    from typer.testing import CliRunner

    from s3stresstest.cli import app

    out = tmp_path / "demo"
    args = ["demo", "--out", str(out), "--bootstrap", "0", "--data", str(shared_data), "--period", "2014-2020"]
    r = CliRunner().invoke(app, args)
    assert r.exit_code == 0, r.output
    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert record["parameters"]["alignment_period"] == "2014-2020"
    assert record["alignment"]["period"] == "2014-2020" and set(record["alignment"]["periods"].values()) == {
        "2014-2020"
    }
    assert (out / "inputs" / "s3_priorities_2014_2020_and_2021_2027.csv").is_file()
    r = CliRunner().invoke(app, ["demo", "--out", str(tmp_path / "bad"), "--bootstrap", "0", "--period", "1999"])
    assert r.exit_code != 0 and "no strategy for the period '1999'" in r.output
