"""NUTS registry from the GISCO 1:20M files: counts, hierarchy, lookups, suggestions, groups, CLI `show`."""

from __future__ import annotations

import re

import pytest
import shapely
from typer.testing import CliRunner

from s3stresstest.campaign.territories import ALPINE_DEMO
from s3stresstest.cli.regions import regions_app
from s3stresstest.errors import InputError
from s3stresstest.regions.nuts import NutsRegistry, normalise_name
from s3stresstest.regions.region_groups import ALPINE_SPACE, REGION_GROUPS, S3_4ALPCLUSTERS, region_group


@pytest.fixture(scope="module")
def reg(shared_data) -> NutsRegistry:
    return NutsRegistry.load(shared_data)


# -- loading -----------------------------------------------------------------------------------------


def test_counts_per_level_match_the_readme(reg):
    assert reg.table.groupby("level").size().to_dict() == {0: 37, 1: 125, 2: 333, 3: 1512}
    assert len(reg) == 37 + 125 + 333 + 1512
    assert list(reg.table.columns) == ["code", "name_latn", "name_national", "level", "country", "parent"]
    assert reg.table["code"].is_unique


def test_nuts2_per_country_match_the_readme(reg):
    per_country = reg.level_table(2).groupby("country").size().to_dict()
    assert {k: per_country[k] for k in ("AT", "CH", "DE", "FR", "IT", "LI", "SI", "UK", "TR")} == {
        "AT": 9,
        "CH": 7,
        "DE": 38,
        "FR": 27,
        "IT": 21,
        "LI": 1,
        "SI": 2,
        "UK": 41,
        "TR": 26,
    }
    assert "HR04" not in reg and "HR06" in reg  # NUTS 2021, not 2016
    assert "NO0B" not in reg


def test_missing_files_are_refused_with_a_hint(tmp_path):
    with pytest.raises(InputError, match="is not in"):
        NutsRegistry.load(tmp_path)


def test_broken_file_is_refused_with_its_name(tmp_path, shared_data):
    (tmp_path / "gisco").mkdir()
    for level in range(4):
        src = shared_data / f"gisco/NUTS_RG_20M_2021_4326_LEVL_{level}.geojson"
        (tmp_path / "gisco" / src.name).write_bytes(src.read_bytes())
    (tmp_path / "gisco/NUTS_RG_20M_2021_4326_LEVL_1.geojson").write_text('{"type": "FeatureCollection", "feat', "utf-8")
    with pytest.raises(InputError, match=re.escape("LEVL_1.geojson")):
        NutsRegistry.load(tmp_path)


def test_data_dir_from_environment(monkeypatch, shared_data):
    monkeypatch.setenv("S3ST_DATA_DIR", str(shared_data))
    assert NutsRegistry.load().get("AT33").name_latn == "Tirol"


# -- records and hierarchy ---------------------------------------------------------------------------


def test_record_of_tirol(reg):
    r = reg.get("at33 ")
    assert (r.code, r.name_latn, r.level, r.country, r.parent) == ("AT33", "Tirol", 2, "AT", "AT3")
    assert reg.get("CY").name_national == "Κύπρος" and reg.get("CY").name_latn == "Kýpros"
    assert reg.get("AT").parent is None


def test_parents_children_and_parts(reg):
    assert reg.parents("AT33") == ("AT3", "AT")
    assert reg.parents("AT331") == ("AT33", "AT3", "AT")
    assert reg.parents("AT") == ()
    assert reg.children("AT3") == ("AT31", "AT32", "AT33", "AT34")
    assert reg.children("AT331") == ()
    assert reg.nuts2_parts("DE2") == tuple(f"DE2{i}" for i in range(1, 8))
    assert reg.nuts2_parts("SI") == ("SI03", "SI04")
    assert reg.nuts2_parts("AT33") == ("AT33",)
    assert reg.nuts2_parts("CH022") == ("CH02",)  # a NUTS-3 region stands for its NUTS-2 parent
    assert reg.parts("DE1", 3) == reg.descendants("DE1", 3) and len(reg.parts("DE1", 3)) == 44
    assert reg.contains("AT", "AT331") and not reg.contains("AT331", "AT")


def test_every_region_lies_in_its_parent(reg):
    for code in ("AT33", "DE27", "CH022", "SI04", "FRC2"):
        inner = reg.geometry(code)
        for parent in reg.parents(code):
            assert shapely.contains(reg.geometry(parent), shapely.point_on_surface(inner)), (code, parent)


def test_geometries_are_shapely_polygons(reg):
    malta = reg.geometry("MT00")
    assert malta.geom_type in {"Polygon", "MultiPolygon"} and malta.area > 0
    assert set(reg.level_geometries(2).index) == set(reg.codes(2))
    lon, lat = shapely.point_on_surface(reg.geometry("AT33")).coords[0]
    assert 10 < lon < 13 and 46.5 < lat < 48  # EPSG:4326, longitude first


# -- lookups -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, code",
    [
        ("Tirol", "AT33"),
        ("bayern", "DE2"),
        ("BADEN-WURTTEMBERG", "DE1"),
        ("osterreich", "AT"),
        ("Κύπρος", "CY"),
        ("Provincia autonoma di trento", "ITH2"),
    ],
)
def test_find_by_name_ignores_case_accents_and_punctuation(reg, name, code):
    assert reg.find(name)["code"].iloc[0] == code
    assert reg.resolve(name).code == code


def test_find_returns_every_level_of_a_shared_name(reg):
    assert reg.find("Malta")["code"].tolist() == ["MT", "MT0", "MT00", "MT001"]
    assert reg.resolve("Malta").code == "MT"  # nested chain -> least detailed
    assert reg.find("Atlantis").empty


def test_ambiguous_name_lists_candidates(reg):
    with pytest.raises(InputError) as info:
        reg.resolve("Freiburg")
    assert "ambiguous" in str(info.value) and "DE13" in str(info.value) and "CH022" in str(info.value)


def test_unknown_code_suggests_close_codes(reg):
    with pytest.raises(InputError) as info:
        reg.get("AT3X")
    msg = str(info.value)
    assert "unknown NUTS 2021 region 'AT3X'" in msg and "did you mean" in msg
    assert "AT33 (Tirol)" in msg and "AT32 (Salzburg)" in msg


def test_unknown_name_suggests_by_name(reg):
    assert reg.suggest("Tyrol") == ["AT33"]
    with pytest.raises(InputError, match=r"did you mean .*ITC1 \(Piemonte\)"):
        reg.resolve("Piemont")
    with pytest.raises(InputError, match="give a NUTS 2021 code"):
        reg.get("zzzzzzzz")


def test_normalise_name():
    assert normalise_name("  Baden-Württemberg ") == "baden wurttemberg"
    assert normalise_name("Île-de-France") == normalise_name("ile de france")


# -- built-in groups ---------------------------------------------------------------------------------


def test_alpine_space_is_42_nuts2_regions_of_the_registry(reg):
    assert len(ALPINE_SPACE) == 42 and len(set(ALPINE_SPACE)) == 42
    assert all(reg.get(c).level == 2 for c in ALPINE_SPACE)
    # Whole of Austria, Switzerland and Liechtenstein; Slovenia; Bayern and Baden-Württemberg
    for whole in ("AT", "CH", "LI", "SI", "DE1", "DE2"):
        assert set(reg.nuts2_parts(whole)) <= set(ALPINE_SPACE), whole
    assert {c[:2] for c in ALPINE_SPACE} == {"AT", "CH", "DE", "FR", "IT", "LI", "SI"}


def test_s3_4alpclusters_are_the_demo_territories_with_gisco_names(reg):
    assert S3_4ALPCLUSTERS == ("ITC1", "ITC4", "ITH2", "ITH3", "SI", "AT31", "AT32", "DE2", "DE1", "FRC2", "CH022")
    for code, name in ALPINE_DEMO:
        assert reg.get(code).name_latn == name
    assert {reg.get(c).level for c in S3_4ALPCLUSTERS} == {0, 1, 2, 3}


def test_region_group_lookup():
    assert region_group("Alpine Space") == ALPINE_SPACE
    assert region_group("S3_4AlpClusters") == S3_4ALPCLUSTERS
    assert set(REGION_GROUPS) == {"alpine-space", "s3-4alpclusters"}
    with pytest.raises(InputError, match="built-in groups: alpine-space, s3-4alpclusters"):
        region_group("pyrenees")


# -- CLI: regions show ----------------------------------------------------------------------------


def show(*args: str):
    return CliRunner().invoke(regions_app, ["show", *args])


def test_show_tirol(shared_data):
    result = show("AT33", "--folder", str(shared_data))
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "Tirol" in text and "NUTS-2" in text and "AT (Österreich)" in text
    assert "AT3 Westösterreich › AT Österreich" in text
    for code in ("AT21", "AT32", "AT34", "CH05", "DE21", "DE27", "ITH1", "ITH3"):
        assert code in text
    assert "alpine-space" in text
    assert "EuroGeographics" in text


def test_show_by_name_from_data_dir(monkeypatch, shared_data):
    monkeypatch.setenv("S3ST_DATA_DIR", str(shared_data))
    result = show("Bayern")
    assert result.exit_code == 0, result.output
    assert "DE2" in result.stdout and "NUTS-1" in result.stdout
    assert "DE21 Oberbayern" in result.stdout  # NUTS-2 parts
    assert "neighbours in the group: AT31, AT32, DE1" in result.stdout


def test_show_nuts3_territory(shared_data):
    result = show("CH022", "--folder", str(shared_data))
    assert result.exit_code == 0, result.output
    assert "Freiburg" in result.stdout and "CH02 Espace Mittelland" in result.stdout
    assert "CH011" in result.stdout and "CH021" in result.stdout  # Vaud, Bern at NUTS-3


def test_show_unknown_code_exits_2_with_suggestions(shared_data):
    result = show("AT3X", "--folder", str(shared_data))
    assert result.exit_code == 2
    assert "did you mean" in result.stderr and "AT33 (Tirol)" in result.stderr
    assert result.stdout == ""


def test_show_without_data_exits_2(tmp_path):
    result = show("AT33", "--folder", str(tmp_path))
    assert result.exit_code == 2
    assert "s3stresstest data pull" in result.stderr
