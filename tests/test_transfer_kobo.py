"""KoboToolbox/ODK imports: hand-made exports for each rule, and the real WASH questionnaires and data."""

from __future__ import annotations

import collections
import csv
import io

import pytest
from openpyxl import Workbook

from s3stresstest.errors import InputError
from s3stresstest.instrument import Sheet, instrument_from_workbook
from s3stresstest.transfer import import_kobo, load_form, read_kobo

KOBO_DIR = "fixtures/kobo_wash_abidjan_nairobi"


def kobo_workbook() -> dict:
    return {
        "settings": Sheet(["form_id", "form_title"], [{"form_id": "kobo_s3", "form_title": "Kobo S3"}]),
        "blocks": Sheet(["name", "label"], [{"name": "b1", "label": "Design"}]),
        "survey": Sheet(
            ["type", "name", "label", "block"],
            [
                {"type": "begin_group", "name": "profile", "label": "About you"},
                {"type": "select_one sg", "name": "stakeholder_group", "label": "Group"},
                {"type": "select_one reg", "name": "region", "label": "Region"},
                {"type": "end_group"},
                {"type": "begin_group", "name": "block1", "label": "Block 1"},
                {"type": "select_one yn", "name": "q1", "label": "Q1", "block": "b1"},
                {"type": "select_multiple forms", "name": "q3", "label": "Q3", "block": "b1"},
                {"type": "integer", "name": "years", "label": "Years"},
                {"type": "end_group"},
                {"type": "text", "name": "comment", "label": "Comment"},
            ],
        ),
        "choices": Sheet(
            ["list_name", "name", "label", "score"],
            [
                {"list_name": "sg", "name": "company", "label": "Company"},
                {"list_name": "sg", "name": "policy_maker", "label": "Policy maker"},
                {"list_name": "reg", "name": "ITC1", "label": "Piemonte"},
                {"list_name": "reg", "name": "DE2", "label": "Bayern"},
                {"list_name": "yn", "name": "yes", "label": "Yes", "score": "100"},
                {"list_name": "yn", "name": "no", "label": "No", "score": "0"},
                {"list_name": "forms", "name": "a", "label": "A", "score": "50"},
                {"list_name": "forms", "name": "b", "label": "B", "score": "50"},
                {"list_name": "forms", "name": "c", "label": "C", "score": "50"},
            ],
        ),
    }


@pytest.fixture
def kobo_instrument():
    return instrument_from_workbook(kobo_workbook(), source="kobo_s3")


HEADER = [
    "start",
    "end",
    "profile/stakeholder_group",
    "profile/region",
    "block1/q1",
    "block1/q3",
    "block1/q3/a",
    "block1/q3/b",
    "block1/q3/c",
    "block1/years",
    "comment",
    "_id",
    "_uuid",
    "_submission_time",
    "_index",
    "_validation_status",
    "__version__",
    "meta/instanceID",
]
ROWS = [
    [
        "2024-05-01T10:00",
        "2024-05-01T10:20",
        "company",
        "ITC1",
        "yes",
        "a c",
        "1",
        "0",
        "1",
        "4",
        "fine; thanks",
        "101",
        "uuid-a",
        "2024-05-01",
        "1",
        "",
        "v1",
        "uuid:a",
    ],
    [
        "2024-05-02T10:00",
        "2024-05-02T10:20",
        "policy_maker",
        "DE2",
        "no",
        "",
        "0",
        "0",
        "0",
        "12.0",
        "",
        "102",
        "uuid-b",
        "2024-05-02",
        "2",
        "",
        "v1",
        "uuid:b",
    ],
]


def write_csv(path, header, rows, delimiter=";", bom=True) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + buf.getvalue().encode("utf-8"))
    return str(path)


def drop_columns(names):
    keep = [i for i, c in enumerate(HEADER) if c not in names]
    return [HEADER[i] for i in keep], [[r[i] for i in keep] for r in ROWS]


def answers(df, rid):
    rows = df[df["respondent_id"] == rid]
    return dict(zip(rows["item"], rows["value"], strict=True))


def test_semicolon_csv_with_bom_group_prefixes_and_select_multiple(kobo_instrument, tmp_path):
    path = write_csv(tmp_path / "kobo.csv", HEADER, ROWS)
    result = import_kobo(path, kobo_instrument)
    df = result.responses
    assert list(df.columns) == ["respondent_id", "region", "stakeholder_group", "item", "value"]
    a = answers(df, "uuid-a")
    assert a == {
        "stakeholder_group": "company",
        "region": "ITC1",
        "q1": "yes",
        "q3": "a c",
        "years": "4",
        "comment": "fine; thanks",
    }
    b = answers(df, "uuid-b")
    assert b["years"] == "12"  # a spreadsheet's 12.0 for an integer item
    assert b["q3"] == ""
    assert set(df.loc[df.respondent_id == "uuid-b", "stakeholder_group"]) == {"policy_maker"}
    assert set(df.loc[df.respondent_id == "uuid-b", "region"]) == {"DE2"}
    report = result.report
    assert report.respondents == 2 and report.rows == 12
    assert report.ignored["block1/q3/a"].startswith("option column of 'q3'")
    for meta in ("_id", "_submission_time", "__version__", "meta/instanceID", "start", "end"):
        assert report.ignored[meta] == "submission metadata"
    assert "separator: ';'" in report.notes


def test_select_multiple_rebuilt_from_option_columns(kobo_instrument, tmp_path):
    header, rows = drop_columns({"block1/q3"})
    df = read_kobo(write_csv(tmp_path / "k.csv", header, rows, delimiter=",", bom=False), kobo_instrument)
    assert answers(df, "uuid-a")["q3"] == "a c"
    assert answers(df, "uuid-b")["q3"] == ""


def test_xlsx_export_with_numbers(kobo_instrument, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "kobo_s3"
    header, rows = drop_columns({"block1/q3"})
    ws.append(header)
    for row in rows:
        ws.append([float(v) if v.replace(".", "").isdigit() else (v or None) for v in row])
    path = tmp_path / "kobo.xlsx"
    wb.save(path)
    result = import_kobo(path, kobo_instrument)
    assert answers(result.responses, "uuid-a") == {
        "stakeholder_group": "company",
        "region": "ITC1",
        "q1": "yes",
        "q3": "a c",
        "years": "4",
        "comment": "fine; thanks",
    }
    assert result.report.source == "kobo.xlsx [kobo_s3]"


def test_unknown_column_is_refused_with_a_hint(kobo_instrument, tmp_path):
    header = HEADER + ["block1/q11", "Notes"]
    rows = [r + ["yes", "x"] for r in ROWS]
    path = write_csv(tmp_path / "k.csv", header, rows)
    with pytest.raises(InputError) as exc:
        import_kobo(path, kobo_instrument)
    problems = exc.value.problems
    assert {p.field for p in problems if p.field} == {"block1/q11", "Notes"}
    assert all(p.line == 1 and p.source == "k.csv" for p in problems)
    assert "did you mean 'q1'" in str(exc.value)
    assert "mapping file" in str(exc.value)
    result = import_kobo(path, kobo_instrument, ignore_unknown=True)
    assert result.report.ignored["Notes"].startswith("matches no item")
    assert result.report.respondents == 2


def test_bad_values_name_their_row_and_column(kobo_instrument, tmp_path):
    rows = [list(r) for r in ROWS]
    rows[1][HEADER.index("block1/q1")] = "maybe"
    rows[0][HEADER.index("block1/years")] = "four"
    rows[1][HEADER.index("block1/q3")] = "a zz"
    path = write_csv(tmp_path / "k.csv", HEADER, rows)
    with pytest.raises(InputError) as exc:
        import_kobo(path, kobo_instrument)
    got = {(p.line, p.field) for p in exc.value.problems}
    assert got == {(2, "block1/years"), (3, "block1/q1"), (3, "block1/q3")}
    assert "k.csv, line 3, column 'block1/q1': 'maybe' is not a choice of item 'q1'" in str(exc.value)


def test_bad_option_cell_is_named(kobo_instrument, tmp_path):
    header, rows = drop_columns({"block1/q3"})
    rows[1][header.index("block1/q3/b")] = "2"
    with pytest.raises(InputError) as exc:
        import_kobo(write_csv(tmp_path / "k.csv", header, rows), kobo_instrument)
    [p] = exc.value.problems
    assert (p.line, p.field) == (3, "block1/q3/b") and "'2' is not a tick" in p.message


def test_option_column_of_no_choice_is_named_when_ticked(kobo_instrument, tmp_path):
    header, rows = drop_columns({"block1/q3"})
    header = header + ["block1/q3/z"]
    rows = [rows[0] + ["1"], rows[1] + ["0"]]
    with pytest.raises(InputError) as exc:
        import_kobo(write_csv(tmp_path / "k.csv", header, rows), kobo_instrument)
    [p] = exc.value.problems
    assert (p.line, p.field) == (2, "block1/q3/z") and "ticks 'z', not a choice of item 'q3'" in p.message


def test_missing_id_column(kobo_instrument, tmp_path):
    header, rows = drop_columns({"_id", "_uuid", "meta/instanceID"})
    with pytest.raises(InputError) as exc:
        import_kobo(write_csv(tmp_path / "k.csv", header, rows), kobo_instrument)
    assert "no respondent id column: looked for _uuid, _id, KEY, instanceID, meta/instanceID" in str(exc.value)
    # an explicit id column works
    df = read_kobo(write_csv(tmp_path / "k2.csv", header, rows), kobo_instrument, id_column="start")
    assert set(df["respondent_id"]) == {"2024-05-01T10:00", "2024-05-02T10:00"}


def test_repeated_and_empty_ids(kobo_instrument, tmp_path):
    rows = [list(r) for r in ROWS] + [list(ROWS[0])]
    rows[1][HEADER.index("_uuid")] = ""
    with pytest.raises(InputError) as exc:
        import_kobo(write_csv(tmp_path / "k.csv", HEADER, rows), kobo_instrument)
    text = str(exc.value)
    assert "line 3, column '_uuid': respondent id is empty" in text
    assert "line 4, column '_uuid': respondent id 'uuid-a' repeats (first on line 2)" in text


def test_region_and_group_from_constants_or_named_columns(kobo_instrument, tmp_path):
    header, rows = drop_columns({"profile/stakeholder_group", "profile/region"})
    path = write_csv(tmp_path / "k.csv", header + ["role", "nuts"], [r + ["company", "DE2"] for r in rows])
    with pytest.raises(InputError) as exc:
        import_kobo(path, kobo_instrument)
    assert {p.field for p in exc.value.problems} >= {"region", "stakeholder_group", "role", "nuts"}
    df = read_kobo(path, kobo_instrument, region_column="nuts", group_column="role")
    assert set(df["region"]) == {"DE2"} and set(df["stakeholder_group"]) == {"company"}
    assert "role" not in set(df["item"])  # a respondent field only, not an answer
    df = read_kobo(path, kobo_instrument, region="ITC1", stakeholder_group="other", ignore_unknown=True)
    assert set(df["region"]) == {"ITC1"} and set(df["stakeholder_group"]) == {"other"}
    with pytest.raises(InputError) as exc:
        import_kobo(path, kobo_instrument, region="Piemonte", stakeholder_group="mayor", ignore_unknown=True)
    assert "'Piemonte' is not a territory code" in str(exc.value)
    assert "unknown stakeholder group 'mayor'" in str(exc.value)
    with pytest.raises(InputError, match="either a constant region or region_column"):
        import_kobo(path, kobo_instrument, region="ITC1", region_column="nuts", group_column="role")


def test_mapping_file_renames_and_recodes(kobo_instrument, tmp_path):
    header = ["_uuid", "Q_one", "Q_three", "years", "role", "where", "junk"]
    rows = [["u1", "1", "A C", "3", "C", "Torino", "x"], ["u2", "0", "B", "1", "P", "München", "y"]]
    path = write_csv(tmp_path / "k.csv", header, rows, delimiter=",", bom=False)
    mapping = tmp_path / "map.csv"
    mapping.write_text(
        "source,item,value_map\n"
        "Q_one,q1,1=yes;0=no\n"
        "Q_three,q3,A=a;B=b;C=c\n"
        "role,stakeholder_group,C=company;P=policy_maker\n"
        "where,region,Torino=ITC1;München=DE2\n"
        "junk,\n",
        encoding="utf-8",
    )
    df = read_kobo(path, kobo_instrument, mapping=mapping)
    assert answers(df, "u1") == {
        "stakeholder_group": "company",
        "region": "ITC1",
        "q1": "yes",
        "q3": "a c",
        "years": "3",
    }
    assert set(df.loc[df.respondent_id == "u2", "region"]) == {"DE2"}
    assert set(df.loc[df.respondent_id == "u2", "stakeholder_group"]) == {"policy_maker"}


def test_mapping_problems_name_the_mapping_line(kobo_instrument, tmp_path):
    path = write_csv(tmp_path / "k.csv", HEADER, ROWS)
    mapping = tmp_path / "map.csv"
    mapping.write_text("source,item,value_map\nblock1/q1,q1,Y=yes;N=nope\nQ7,q2\ncomment,note1\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        import_kobo(path, kobo_instrument, mapping=mapping)
    text = str(exc.value)
    assert "map.csv, line 2, column 'value_map': recodes to 'nope', not a choice of item 'q1'" in text
    assert "map.csv, line 3, column 'source': source column 'Q7' is not in the imported file" in text
    assert "map.csv, line 3, column 'item': unknown item 'q2'" in text
    assert "map.csv, line 4, column 'item': unknown item 'note1'" in text


def test_two_columns_for_one_item(kobo_instrument, tmp_path):
    header = HEADER + ["q1"]
    path = write_csv(tmp_path / "k.csv", header, [r + ["yes"] for r in ROWS])
    with pytest.raises(InputError, match="columns 'block1/q1', 'q1' all hold item 'q1'"):
        import_kobo(path, kobo_instrument)


def test_ragged_row_is_refused(kobo_instrument, tmp_path):
    path = tmp_path / "k.csv"
    path.write_text(
        ";".join(HEADER) + "\n" + ";".join(ROWS[0]) + "\n" + ";".join(ROWS[1][:-2]) + "\n", encoding="utf-8"
    )
    with pytest.raises(InputError, match=r"line 3: has 16 fields, header has 18 \(separator ';'\)"):
        import_kobo(path, kobo_instrument)


# -- the real WASH questionnaires (KoboToolbox .xls) and their household data -------------------


@pytest.mark.parametrize("form, select_one, text", [("Nairobi_2021", 38, 20), ("Abidjan_2022", 39, 19)])
def test_real_kobo_forms_load(shared_data, form, select_one, text):
    instrument, report = load_form(shared_data / KOBO_DIR / f"{form}.xls")
    types = collections.Counter(i.type for i in instrument.answerable_items)
    assert types["select_one"] == select_one and types["text"] == text
    assert types["select_multiple"] == 5 and types["integer"] == 7 and types["geopoint"] == 3
    assert instrument.form_id == form
    left_out = {name for _, name, _ in report.left_out}
    assert {"Rep_names_HH", "Rep_Bio_HH", "Age", "Sex", "Count_HH_members"} <= left_out  # the repeats
    changed = {why.split(":")[0] for _, _, why in report.changed}
    assert "renamed 'HandWashHabits1_2'" in changed
    assert instrument.item("HHITEMS").type == "select_multiple"


@pytest.fixture(scope="module")
def city_files(shared_data, tmp_path_factory):
    """household_data.csv split by City, byte for byte: each city's rows against its own questionnaire."""
    text = (shared_data / KOBO_DIR / "household_data.csv").read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    out = tmp_path_factory.mktemp("wash")
    files = {}
    for city in ("Nairobi", "Abidjan"):
        path = out / f"household_{city}.csv"
        path.write_text(lines[0] + "".join(ln for ln in lines[1:] if ln.split(",")[3] == city), encoding="utf-8")
        files[city] = path
    mapping = out / "mapping.csv"
    mapping.write_text(
        "source,item,value_map\nCity,region,Abidjan=CI;Nairobi=KE\nSite,\nSex_HH,\nToiletROOF,\n", encoding="utf-8"
    )
    return files, mapping


@pytest.mark.parametrize(
    "city, form, households, region", [("Nairobi", "Nairobi_2021", 1147, "KE"), ("Abidjan", "Abidjan_2022", 567, "CI")]
)
def test_real_household_data_imports(shared_data, city_files, city, form, households, region):
    files, mapping = city_files
    instrument, _ = load_form(shared_data / KOBO_DIR / f"{form}.xls")
    result = import_kobo(files[city], instrument, mapping=mapping, stakeholder_group="other")
    df, report = result.responses, result.report
    assert report.respondents == households
    assert report.respondent_fields["respondent_id"] == "column 'KEY'"
    assert set(df["region"]) == {region}
    assert len(set(report.columns.values())) == 26  # 25 single columns + HHITEMS from its 10 option columns
    assert len(df) == households * 26
    assert report.ignored["uuid"] == "submission metadata"
    assert report.ignored["column 1 (no name)"].startswith("no header")
    # HHITEMS rebuilt from HHITEMS/<choice> 0/1 columns, in the choice list's order
    raw = next(csv.DictReader(files[city].open(encoding="utf-8")))
    ticked = {k.split("/")[1] for k, v in raw.items() if k.startswith("HHITEMS/") and v == "1"}
    first = answers(df, raw["KEY"])
    assert set(first["HHITEMS"].split()) == ticked
    assert first["DrinkingWaterGroup"] == raw["DrinkingWaterGroup"]
    assert first["HHROOMS"] == raw["HHROOMS"]
    if raw["DrinkingWaterDist"]:
        assert first["DrinkingWaterDist"] == raw["DrinkingWaterDist"].split(".")[0]


def test_real_household_data_against_the_wrong_form_is_refused_whole(shared_data, city_files):
    """All of household_data.csv against the Nairobi form: Abidjan's roofs are no Nairobi choice."""
    _, mapping = city_files
    instrument, _ = load_form(shared_data / KOBO_DIR / "Nairobi_2021.xls")
    with pytest.raises(InputError) as exc:
        import_kobo(
            shared_data / KOBO_DIR / "household_data.csv", instrument, mapping=mapping, stakeholder_group="other"
        )
    problems = exc.value.problems
    assert len(problems) == 101
    assert {p.field for p in problems} == {"HHROOF"}
    assert all(p.source == "household_data.csv" and p.line for p in problems)
    rows = list(csv.reader((shared_data / KOBO_DIR / "household_data.csv").open(encoding="utf-8")))
    assert {rows[p.line - 1][3] for p in problems} == {"Abidjan"}  # the line numbers point at the rows
    assert "'Rustic_toles_fibr' is not a choice of item 'HHROOF'" in problems[0].message
