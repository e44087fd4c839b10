"""Taxonomies and the strategies importer: schema, validation with row numbers, nothing imported on error."""

from __future__ import annotations

import pytest
from alignment_support import small_taxonomies, write_taxonomy_folder

from s3stresstest.alignment import builtin_taxonomies, load_taxonomies, load_taxonomy, read_strategies
from s3stresstest.alignment.taxonomy import builtin_data_folder
from s3stresstest.errors import InputError

TAX = small_taxonomies()
HEADER = "territory,territory_name,level,period,priority_id,title,description,nace,nabs,policy,ecosystem,source_url\n"
GOOD = HEADER + (
    "AT31,Oberösterreich,regional,2014-2020,AT31-01,Mechatronics,Machines and robots,c27 C26,01,PO1,digital,"
    "https://example.org/a\n"
    "AT31,Oberösterreich,regional,2014-2020,AT31-02,Health,,Q86,,,health,\n"
    "AT,Österreich,national,2014-2020,AT-01,Digital Austria,Software,J62,,,digital,\n"
)


def write(tmp_path, text, name="priorities.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# -- taxonomies ---------------------------------------------------------------------------------


def test_taxonomy_hierarchy(tmp_path):
    tax = load_taxonomies(write_taxonomy_folder(tmp_path / "tax"))
    nace = tax["nace"]
    assert nace.parent("C26") == "C" and nace.parent("C") is None
    assert nace.is_known("C26") and nace.is_known("c26") and not nace.is_known("C99")
    assert nace.canonical("j62") == "J62"
    assert nace.depth("C") == 1 and nace.depth("C26") == 2 and nace.max_depth == 2
    assert tax["ecosystem"].max_depth == 1 and not tax["ecosystem"].hierarchical
    assert nace.sha256 and nace.source.endswith("nace_rev2.csv")


def test_bad_taxonomy_files_are_refused_with_lines(tmp_path):
    path = write(tmp_path, "code,parent,title\nC,,Manufacturing\nC26,X,Chips\nC,,Again\nC27,C,\n", "t.csv")
    with pytest.raises(InputError) as info:
        load_taxonomy(path)
    found = {(p.line, p.field) for p in info.value.problems}
    assert found == {(3, "parent"), (4, "code"), (5, "title")}


def test_missing_taxonomy_files_are_named(tmp_path):
    with pytest.raises(InputError) as info:
        load_taxonomies(tmp_path)
    assert len(info.value.problems) == 4
    assert "nace_rev2.csv" in info.value.report() and "industrial_ecosystems.csv" in info.value.report()


def test_builtin_nace_has_21_sections_and_88_divisions():
    nace = builtin_taxonomies()["nace"]
    assert len(nace.at_depth(1)) == 21
    assert len(nace.at_depth(2)) == 88
    assert nace.parent("C26") == "C"
    assert all(nace.parent(d) == d[0] for d in nace.at_depth(2))
    assert (builtin_data_folder() / "nace_rev2.csv").is_file()


# -- importer -----------------------------------------------------------------------------------


def test_good_file_is_read_into_strategies(tmp_path):
    strategies = read_strategies(write(tmp_path, GOOD), TAX)
    assert [(s.territory, s.level, s.period, len(s)) for s in strategies] == [
        ("AT31", "regional", "2014-2020", 2),
        ("AT", "national", "2014-2020", 1),
    ]
    first = strategies[0].priorities[0]
    assert first.id == "AT31-01" and first.title == "Mechatronics" and first.description == "Machines and robots"
    assert first.codes == {"nace": ("C27", "C26"), "nabs": ("01",), "policy": ("PO1",), "ecosystem": ("digital",)}
    assert first.meta == {"source_url": "https://example.org/a"} and first.line == 2
    assert strategies[0].priorities[1].codes == {"nace": ("Q86",), "ecosystem": ("health",)}
    assert strategies[0].name == "Oberösterreich"


def test_bad_rows_are_all_listed_with_row_numbers_and_nothing_is_imported(tmp_path):
    text = HEADER + (
        "AT31,OÖ,regional,2014-2020,AT31-01,Mechatronics,,C27,,,digital,\n"  # 2 fine
        "AT31,OÖ,regional,2014-2020,AT31-02,Chips,,C99,,,,\n"  # 3 unknown NACE code
        "AT31,OÖ,regional,2014-2020,AT31-03,Health,,,,,wellbeing,\n"  # 4 unknown ecosystem
        "AT-31,OÖ,regional,2014-2020,X-01,Tourism,,,,,,\n"  # 5 bad territory code
        "AT31,OÖ,regional,2014-2020,AT31-01,Robots,,C26,,,,\n"  # 6 duplicate priority_id
        "AT32,Salzburg,regional,2014-2020,AT32-01,,,C26,,,,\n"  # 7 missing title
        "AT3,Westösterreich,national,2014-2020,AT3-01,Energy,,,,,,\n"  # 8 national not a country
        "AT33,Tirol,local,2014-2020,AT33-01,Energy,,,,,,\n"  # 9 unknown level
        "AT31,OÖ,regional,2014-2020,AT31-09,Machinery,,C28,,,,\n"  # 10 C28 not in the small list
        "AT32,Salzburg,regional,2014-2020,AT32-02,Life sciences,Bio,,,,,\n"  # 11 fine
        "AT32,Salzburg,regional,2014-2020,AT32-03,Life Sciences, bio ,,,,,\n"  # 12 same title and description
    )
    with pytest.raises(InputError) as info:
        read_strategies(write(tmp_path, text), TAX)
    found = sorted((p.line, p.field) for p in info.value.problems)
    assert found == [
        (3, "nace"),
        (4, "ecosystem"),
        (5, "territory"),
        (6, "priority_id"),
        (7, "title"),
        (8, "territory"),
        (9, "level"),
        (10, "nace"),
        (12, "title"),
    ]
    by_line = {p.line: p.message for p in info.value.problems}
    assert "unknown NACE Rev. 2 code 'C99'" in by_line[3]
    assert "wellbeing" in by_line[4]
    assert "first at line 2" in by_line[6]
    assert "line 11" in by_line[12]
    assert all(p.source == "priorities.csv" for p in info.value.problems)


def test_known_territories_and_level_consistency(tmp_path):
    text = HEADER + (
        "ZZ99,Nowhere,regional,2014-2020,Z-01,Tourism,,,,,,\n"
        "AT31,OÖ,regional,2014-2020,AT31-01,Tourism,,,,,,\n"
        "AT31,OÖ,national,2014-2020,AT31-02,Energy,,,,,,\n"
        "AT,Österreich,regional,2014-2020,AT-01,Energy,,,,,,\n"
    )
    with pytest.raises(InputError) as info:
        read_strategies(write(tmp_path, text), TAX, known_territories={"AT31", "AT"})
    found = sorted((p.line, p.field) for p in info.value.problems)
    assert found == [(2, "territory"), (4, "level"), (4, "territory"), (5, "level")]


def test_codes_without_a_taxonomy_and_missing_columns(tmp_path):
    only_nace = {"nace": TAX["nace"]}
    with pytest.raises(InputError, match="column 'ecosystem' has codes"):
        read_strategies(write(tmp_path, GOOD), only_nace)
    with pytest.raises(InputError) as info:
        read_strategies(write(tmp_path, "territory,level,title\nAT31,regional,X\n"), TAX)
    assert {p.field for p in info.value.problems} == {"period", "priority_id"}
    assert all(p.line == 1 for p in info.value.problems)


def test_xlsx_rows_are_reported_at_their_worksheet_row(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "priorities"
    ws.append(["territory", "level", "period", "priority_id", "title", "nace"])
    ws.append(["AT31", "regional", "2014-2020", "AT31-01", "Mechatronics", "C27"])
    ws.append([None] * 6)  # an empty row keeps its number
    ws.append(["AT31", "regional", "2014-2020", "AT31-02", "Chips", "C99 C26"])
    path = tmp_path / "priorities.xlsx"
    wb.save(path)
    with pytest.raises(InputError) as info:
        read_strategies(path, TAX)
    assert [(p.line, p.field) for p in info.value.problems] == [(4, "nace")]
    ws.cell(row=4, column=6, value="C26")
    wb.save(path)
    strategies = read_strategies(path, TAX)
    assert [p.codes["nace"] for p in strategies[0].priorities] == [("C27",), ("C26",)]
    assert [p.line for p in strategies[0].priorities] == [2, 4]


def test_builtin_dataset_reads_against_the_nuts_registry(shared_data):
    from s3stresstest.regions.nuts import NutsRegistry

    path = builtin_data_folder() / "s3_priorities_2014_2020.csv"
    assert path.is_file()
    strategies = read_strategies(path, builtin_taxonomies(), known_territories=NutsRegistry.load(shared_data))
    assert strategies and all(len(s) > 0 for s in strategies)
    assert {s.level for s in strategies} <= {"regional", "national"}
