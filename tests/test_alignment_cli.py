"""`s3stresstest align` end to end: hand-made files, bad input, and the sourced 2014-2020 dataset."""

from __future__ import annotations

import csv
import hashlib
import json
from xml.etree import ElementTree as ET

from alignment_support import write_taxonomy_folder
from typer.testing import CliRunner

from s3stresstest.alignment.taxonomy import builtin_data_folder
from s3stresstest.cli.align import align_app

runner = CliRunner()
G = "{http://graphml.graphdrawing.org/xmlns}"
OUTPUTS = {
    "alignment_pairs.csv",
    "alignment_matrix.csv",
    "priority_matches.csv",
    "synergies.csv",
    "alignment_territories.csv",
    "alignment.graphml",
    "run.json",
}

PRIORITIES = """territory,territory_name,level,period,priority_id,title,description,nace,nabs,policy,ecosystem
AT31,Oberösterreich,regional,2014-2020,AT31-01,Mechatronics,"Machines, robots and automation",C27 C26,01,,digital
AT31,Oberösterreich,regional,2014-2020,AT31-02,Health technologies,Medical devices,Q86,,,health
AT32,Salzburg,regional,2016-2025,AT32-01,Smart materials and mechatronics,Robots,C27,01,,digital
AT32,Salzburg,regional,2016-2025,AT32-02,Life sciences,Medical devices and health,Q86,,,health
AT33,Tirol,regional,2014-2020,AT33-01,Health technologies,Medical devices,Q86,,,health
AT33,Tirol,regional,2014-2020,AT33-02,Software,Digital services,J62,,PO2,digital
AT,Österreich,national,2014-2020,AT-01,Digital transformation,Software and robots,J62 C27,,PO1,digital
"""

BLOCK_SCORES = """region,block,score,ci_low,ci_high,n,status
AT31,b2,80,70,90,12,ok
AT32,b2,40,30,50,9,ok
AT33,b2,,,,2,suppressed
AT31,b1,10,5,15,12,ok
"""


def read(path):
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_align_end_to_end_on_hand_made_files(tmp_path, shared_data):
    src = tmp_path / "priorities.csv"
    src.write_text(PRIORITIES, encoding="utf-8")
    blocks = tmp_path / "block_scores.csv"
    blocks.write_text(BLOCK_SCORES, encoding="utf-8")
    tax = write_taxonomy_folder(tmp_path / "tax")
    out = tmp_path / "out"
    r = runner.invoke(
        align_app,
        [
            "--strategies",
            str(src),
            "--out",
            str(out),
            "--data-folder",
            str(shared_data),
            "--taxonomies",
            str(tax),
            "--block-scores",
            str(blocks),
            "--partial-credit",
            "0.4",
        ],
    )
    assert r.exit_code == 0, r.output
    assert {p.name for p in out.iterdir()} == OUTPUTS | {"perception_vs_evidence.csv"}

    pairs = {(p["territory_a"], p["territory_b"]): p for p in read(out / "alignment_pairs.csv")}
    assert len(pairs) == 6
    # Oberösterreich-Salzburg and Salzburg-Tirol share a border, Oberösterreich-Tirol do not (NUTS 2021)
    assert {k: p["kind"] for k, p in pairs.items()} == {
        ("AT31", "AT32"): "neighbour",
        ("AT31", "AT33"): "other",
        ("AT31", "AT"): "vertical",
        ("AT32", "AT33"): "neighbour",
        ("AT32", "AT"): "vertical",
        ("AT33", "AT"): "vertical",
    }
    matrix = read(out / "alignment_matrix.csv")
    assert [row["territory"] for row in matrix] == ["AT31", "AT32", "AT33", "AT"]
    assert all(float(row[row["territory"]]) == 100.0 for row in matrix)
    assert float(matrix[0]["AT32"]) == float(pairs[("AT31", "AT32")]["score"])
    matches = read(out / "priority_matches.csv")
    assert len(matches) == sum(int(p["n_matched"]) for p in pairs.values())
    health = [m for m in matches if (m["priority_a"], m["priority_b"]) == ("AT31-02", "AT33-01")]
    assert len(health) == 1 and float(health[0]["score"]) == 100.0  # identical priorities
    mech = next(m for m in matches if (m["priority_a"], m["priority_b"]) == ("AT31-01", "AT32-01"))
    assert "nace:C27" in mech["shared_codes"].split() and mech["partial_codes"] == ""
    synergies = read(out / "synergies.csv")
    q86 = next(s for s in synergies if (s["topic_axis"], s["topic_code"]) == ("nace", "Q86"))
    assert q86["territories"] == "AT31 AT32 AT33" and q86["neighbour_pairs"] == "AT31|AT32 AT32|AT33"
    perception = {p["territory"]: p for p in read(out / "perception_vs_evidence.csv")}
    assert perception["AT33"]["flag"] == "no data" and perception["AT31"]["perceived"] == "80.0000"

    root = ET.parse(out / "alignment.graphml").getroot()
    graph = root.find(f"{G}graph")
    assert graph.get("edgedefault") == "undirected"
    assert sorted(n.get("id") for n in graph.findall(f"{G}node")) == ["AT", "AT31", "AT32", "AT33"]
    keys = {k.get("id"): k.get("attr.name") for k in root.findall(f"{G}key")}
    edges = {
        (e.get("source"), e.get("target")): {keys[d.get("key")]: d.text for d in e.findall(f"{G}data")}
        for e in graph.findall(f"{G}edge")
    }
    assert edges[("AT31", "AT32")]["kind"] == "neighbour" and edges[("AT31", "AT")]["kind"] == "vertical"
    assert float(edges[("AT31", "AT32")]["score"]) == round(float(pairs[("AT31", "AT32")]["score"]), 4)
    names = {n.get("id"): n.find(f"{G}data[@key='n_name']").text for n in graph.findall(f"{G}node")}
    assert names["AT31"] == "Oberösterreich"

    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert record["inputs"]["strategies"]["sha256"] == hashlib.sha256(src.read_bytes()).hexdigest()
    assert record["inputs"]["block_scores"]["sha256"] == hashlib.sha256(blocks.read_bytes()).hexdigest()
    assert record["parameters"]["partial_credit"] == 0.4 and record["parameters"]["text_method"] == "tfidf"
    assert record["taxonomies"]["nace"]["sha256"] == hashlib.sha256((tax / "nace_rev2.csv").read_bytes()).hexdigest()
    assert record["software"]["scikit-learn"] and record["software"]["version"]
    assert set(record["outputs"]) == OUTPUTS | {"perception_vs_evidence.csv"}
    assert record["periods"]["AT32"] == "2016-2025"

    again = runner.invoke(
        align_app,
        ["--strategies", str(src), "--out", str(out), "--data-folder", str(shared_data), "--taxonomies", str(tax)],
    )
    assert again.exit_code == 2 and "not empty" in again.output


def test_align_with_explicit_adjacency_and_no_registry(tmp_path):
    src = tmp_path / "priorities.csv"
    src.write_text(PRIORITIES, encoding="utf-8")
    adjacency = tmp_path / "adjacency.csv"
    adjacency.write_text("code_a,code_b\nAT31,AT33\n", encoding="utf-8")
    out = tmp_path / "out"
    r = runner.invoke(
        align_app,
        [
            "--strategies",
            str(src),
            "--out",
            str(out),
            "--adjacency",
            str(adjacency),
            "--taxonomies",
            str(write_taxonomy_folder(tmp_path / "tax")),
        ],
    )
    assert r.exit_code == 0, r.output
    kinds = {(p["territory_a"], p["territory_b"]): p["kind"] for p in read(out / "alignment_pairs.csv")}
    assert kinds[("AT31", "AT33")] == "neighbour" and kinds[("AT31", "AT32")] == "other"


def test_align_refuses_bad_input_and_writes_nothing(tmp_path):
    src = tmp_path / "priorities.csv"
    src.write_text(PRIORITIES.replace("Q86,,,health\nAT33", "Q99,,,health\nAT33"), encoding="utf-8")
    tax = write_taxonomy_folder(tmp_path / "tax")
    adjacency = tmp_path / "adjacency.csv"
    adjacency.write_text("code_a,code_b\nAT31,AT32\n", encoding="utf-8")
    out = tmp_path / "out"
    r = runner.invoke(
        align_app,
        ["--strategies", str(src), "--out", str(out), "--adjacency", str(adjacency), "--taxonomies", str(tax)],
    )
    assert r.exit_code == 2
    assert "priorities.csv, line 5, column 'nace': unknown NACE Rev. 2 code 'Q99'" in r.output
    assert not out.exists()
    src.write_text(PRIORITIES, encoding="utf-8")
    for args, message in [
        (["--text-method", "bag"], "text_method"),
        (["--partial-credit", "2"], "partial_credit"),
        (["--weight", "sector=1"], "unknown component"),
        (["--text-method", "embedding"], "never downloaded"),
    ]:
        r = runner.invoke(
            align_app,
            [
                "--strategies",
                str(src),
                "--out",
                str(out),
                "--adjacency",
                str(adjacency),
                "--taxonomies",
                str(tax),
                *args,
            ],
        )
        assert r.exit_code == 2, (args, r.output)
        assert message in r.output, (args, r.output)
        assert not out.exists()


def test_align_on_the_sourced_dataset(tmp_path, shared_data):
    src = builtin_data_folder() / "s3_priorities_2014_2020.csv"
    assert src.is_file()
    out = tmp_path / "demo"
    r = runner.invoke(align_app, ["--strategies", str(src), "--out", str(out), "--data-folder", str(shared_data)])
    assert r.exit_code == 0, r.output
    assert OUTPUTS <= {p.name for p in out.iterdir()}
    rows = read(src)
    territories = list(dict.fromkeys(row["territory"] for row in rows))
    national = {row["territory"] for row in rows if row["level"] == "national"}
    regional = {row["territory"] for row in rows if row["level"] == "regional"}
    pairs = read(out / "alignment_pairs.csv")
    assert len(pairs) == len(territories) * (len(territories) - 1) // 2
    assert sum(p["kind"] == "vertical" for p in pairs) == sum(t[:2] in national for t in regional)
    assert any(p["kind"] == "neighbour" for p in pairs)
    assert all(0 <= float(p["score"]) <= 100 for p in pairs)
    assert read(out / "synergies.csv")
    ET.parse(out / "alignment.graphml")
    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert record["counts"]["priorities"] == len(rows)
