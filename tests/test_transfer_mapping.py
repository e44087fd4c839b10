"""Mapping files (source,item[,value_map]): their form is checked with line numbers."""

from __future__ import annotations

import pytest

from s3stresstest.errors import InputError
from s3stresstest.transfer import Mapping, parse_mapping, read_mapping
from s3stresstest.transfer.mapping import parse_value_map


def test_good_mapping_file(tmp_path):
    path = tmp_path / "map.csv"
    path.write_bytes(
        "\ufeffsource,item,value_map\nG1Q1,b1_edp_informed,A1=agree; A2=disagree\n"
        "G1Q2[SQ001],q2\nConsentText,\nG0Q1,stakeholder_group,A1=company;A2=\n".encode("utf-8")
    )
    m = read_mapping(path)
    assert len(m) == 4 and m.source == "map.csv"
    e = m.get("G1Q1")
    assert (e.item, e.value_map, e.line) == ("b1_edp_informed", {"A1": "agree", "A2": "disagree"}, 2)
    assert m.get("G1Q2[SQ001]").value_map == {} and m.get("ConsentText").item == ""
    assert m.get("G0Q1").recode("A2") == "" and m.get("G0Q1").recode("A3") == "A3"
    assert e.recode("A1 A2", multiple=True) == "agree disagree"


def test_semicolon_separated_mapping_with_quoted_value_map():
    m = parse_mapping('source;item;value_map\nQ1;q1;"Y=yes;N=no"\n', "m.csv")
    assert m.get("Q1").value_map == {"Y": "yes", "N": "no"}


def test_two_column_mapping():
    m = parse_mapping("source,item\nQ1,q1\n")
    assert m.get("Q1").item == "q1"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("src,item\nQ1,q1\n", ["m.csv, line 1, column 'source': required column 'source' is missing"]),
        ("source,item,value_map,notes\nQ1,q1,,x\n", ["line 1, column 'notes': unexpected column(s) notes"]),
        (
            "source,item\nQ1,q1\nQ1,q2\n",
            ["m.csv, line 3, column 'source': source 'Q1' is mapped twice (first on line 2)"],
        ),
        ("source,item\n,q1\n", ["line 2, column 'source': source is empty"]),
        ("source,item,value_map\nQ1,q1,A1\n", ["line 2, column 'value_map': 'A1' is not a from=to pair"]),
        ("source,item,value_map\nQ1,q1,=yes\n", ["line 2, column 'value_map': '=yes' has nothing before '='"]),
        ("source,item,value_map\nQ1,q1,A=x;A=y\n", ["line 2, column 'value_map': 'A' is recoded twice"]),
        ("source,item,value_map\nQ1,,A=x\n", ["line 2, column 'value_map': a column that is ignored"]),
        ("source,item\nQ1,q1\nQ2,q2,extra,more\n", ["line 3: has 4 fields, header has 2"]),
    ],
)
def test_bad_mapping_files(text, expected):
    with pytest.raises(InputError) as exc:
        parse_mapping(text, "m.csv")
    for fragment in expected:
        assert fragment in str(exc.value)


def test_all_problems_at_once():
    with pytest.raises(InputError) as exc:
        parse_mapping("source,item,value_map\n,q1\nQ2,q2,bad\nQ3,q3\nQ3,q4\n", "m.csv")
    assert [p.line for p in exc.value.problems] == [2, 3, 5]


def test_value_map_parser():
    assert parse_value_map("") == ({}, None)
    assert parse_value_map(" A1 = agree ;; A2=") == ({"A1": "agree", "A2": ""}, None)


def test_mapping_from_dict():
    m = Mapping.from_dict({"G1Q1": "q1", "G1Q2": ("q2", {"A1": "yes"})})
    assert m.get("G1Q2").recode("A1") == "yes" and "G1Q1" in m
