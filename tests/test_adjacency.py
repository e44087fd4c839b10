"""Adjacency from shared boundaries of the GISCO 1:20M geometry, checked on known cases and
against an independent brute-force computation (DE-9IM patterns over every pair, no STRtree)."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from typer.testing import CliRunner

from s3stresstest.cli.regions import regions_app
from s3stresstest.errors import InputError
from s3stresstest.regions.adjacency import adjacency, length_km, neighbours, territory_adjacency, territory_neighbours
from s3stresstest.regions.nuts import NutsRegistry
from s3stresstest.regions.region_groups import ALPINE_SPACE, S3_4ALPCLUSTERS

TIROL = {"AT21", "AT32", "AT34", "CH05", "DE21", "DE27", "ITH1", "ITH3"}


@pytest.fixture(scope="module")
def reg(shared_data) -> NutsRegistry:
    return NutsRegistry.load(shared_data)


def pairs(frame, kind=None) -> set[tuple[str, str]]:
    if kind is not None:
        frame = frame[frame["kind"] == kind]
    return set(zip(frame["code_a"], frame["code_b"], strict=True))


# -- known cases -------------------------------------------------------------------------------------


def test_tirol_neighbours(reg):
    near = neighbours(reg, "AT33")
    assert set(near["code"]) == TIROL
    assert (near["kind"] == "line").all() and (near["shared_length"] > 0).all()
    flags = dict(zip(near["code"], near["cross_border"], strict=True))
    assert flags == {c: not c.startswith("AT") for c in TIROL}
    assert near.set_index("code").loc["ITH1", "name"] == "Provincia Autonoma di Bolzano/Bozen"


@pytest.mark.parametrize("island", ["MT00", "CY00", "IS00", "MT", "MT001"])
def test_islands_have_no_neighbours(reg, island):
    assert neighbours(reg, island, include_point_contacts=True).empty


def test_point_contacts_are_reported_apart(reg):
    # Schwaben (DE27) and Ostschweiz (CH05) meet at a single point in Lake Constance.
    table = adjacency(reg, 2)
    row = table[(table["code_a"] == "CH05") & (table["code_b"] == "DE27")]
    assert row["kind"].tolist() == ["point"] and row["shared_length"].tolist() == [0.0]
    assert row["cross_border"].tolist() == [True]
    assert "CH05" not in set(neighbours(reg, "DE27")["code"])
    with_points = neighbours(reg, "DE27", include_point_contacts=True).set_index("code")
    assert with_points.loc["CH05", "kind"] == "point"
    assert pairs(table, "point") == {
        ("AT34", "DE14"),
        ("CH05", "DE27"),
        ("LT02", "PL62"),
        ("NO07", "SE32"),
        ("NO06", "SE33"),
    }


def test_cross_border_flag(reg):
    table = adjacency(reg, 2).set_index(["code_a", "code_b"])
    assert table.loc[("AT33", "DE21"), "cross_border"]
    assert not table.loc[("AT32", "AT33"), "cross_border"]
    assert adjacency(reg, 0)["cross_border"].all()  # every pair of countries crosses a border


def test_table_shape_and_symmetry(reg):
    table = adjacency(reg, 2)
    assert list(table.columns) == ["code_a", "code_b", "kind", "shared_length", "cross_border"]
    assert (table["code_a"] < table["code_b"]).all()
    assert not table.duplicated(["code_a", "code_b"]).any()
    assert set(table["kind"]) == {"line", "point"}
    for code in ("AT33", "DE27", "FRC2", "SI04"):
        for other in neighbours(reg, code)["code"]:
            assert code in set(neighbours(reg, other)["code"])


def test_shared_length_is_in_km(reg):
    # a meridian arc of one degree is 111.2 km; a point has no length
    assert length_km([shapely.LineString([(10, 45), (10, 46)]), shapely.Point(1, 1)]) == pytest.approx(
        [111.2, 0.0], abs=0.1
    )
    assert length_km([shapely.MultiLineString([[(0, 0), (1, 0)], [(0, 0), (0, 1)]])])[0] == pytest.approx(
        222.4, abs=0.1
    )
    near = neighbours(reg, "AT33").set_index("code")["shared_length"]
    assert near["ITH1"] > near["DE21"] > near["ITH3"]  # South Tyrol has Tirol's longest border, Veneto a short one
    assert 100 < near["ITH1"] < 400


def test_sliver_overlap_at_nuts3_counts_as_a_line(reg):
    # UKJ36 overlaps UKK24/UKK25 by ~1e-7 square degrees in the 2021 NUTS-3 file; boundaries cross.
    assert shapely.area(shapely.intersection(reg.geometry("UKJ36"), reg.geometry("UKK24"))) > 0
    table = adjacency(reg, 3).set_index(["code_a", "code_b"])
    assert table.loc[("UKJ36", "UKK24"), "kind"] == "line"
    assert table.loc[("UKJ36", "UKK25"), "kind"] == "line"


def test_results_are_cached_and_copies(reg):
    first = adjacency(reg, 2)
    first.loc[:, "kind"] = "tampered"
    assert set(adjacency(reg, 2)["kind"]) == {"line", "point"}
    assert ("adjacency", 2) in reg.cache


def test_bad_level_and_unknown_code(reg):
    with pytest.raises(InputError, match="NUTS level"):
        adjacency(reg, 4)
    with pytest.raises(InputError, match="did you mean"):
        neighbours(reg, "AT3X")


# -- independent computation -------------------------------------------------------------------------


@pytest.mark.parametrize("level", [0, 2])
def test_matches_brute_force_de9im_over_all_pairs(reg, level):
    """Every pair of the level, no spatial index: interiors disjoint and boundaries meeting in a
    line (DE-9IM `F***1****`) or only in points (`F***0****`)."""
    geoms = reg.level_geometries(level)
    codes, shapes = np.asarray(geoms.index), np.asarray(geoms.values)
    i, j = np.triu_indices(len(shapes), k=1)
    a, b = shapes[i], shapes[j]
    assert not shapely.relate_pattern(a, b, "T********").any()  # no overlaps at these levels

    def expected(pattern):
        hit = shapely.relate_pattern(a, b, pattern)
        return {tuple(sorted(p)) for p in zip(codes[i][hit], codes[j][hit], strict=True)}

    table = adjacency(reg, level)
    assert pairs(table, "line") == expected("F***1****")
    assert pairs(table, "point") == expected("F***0****")


def test_matches_brute_force_shared_lengths(reg):
    """Shared lengths equal the km length of boundary(A) ∩ boundary(B) computed pair by pair."""
    table = adjacency(reg, 2)
    sample = table[table["kind"] == "line"].sample(40, random_state=1)
    for row in sample.itertuples():
        line = shapely.intersection(
            shapely.boundary(reg.geometry(row.code_a)), shapely.boundary(reg.geometry(row.code_b))
        )
        assert row.shared_length == pytest.approx(length_km([line])[0], rel=1e-9)


# -- territories of mixed levels ---------------------------------------------------------------------


@pytest.mark.parametrize("level", [0, 1])
def test_own_level_equals_nuts2_parts(reg, level):
    """Countries and NUTS-1 regions compared through their NUTS-2 parts give the same pairs,
    kinds and lengths as their own polygons: the GISCO levels nest exactly."""
    own = adjacency(reg, level)
    via_parts = territory_adjacency(reg, reg.codes(level))
    assert set(via_parts["level"]) == {2}
    assert {
        (min(a, b), max(a, b), k)
        for a, b, k in zip(via_parts["code_a"], via_parts["code_b"], via_parts["kind"], strict=True)
    } == set(zip(own["code_a"], own["code_b"], own["kind"], strict=True))
    lengths = {
        (min(a, b), max(a, b)): x
        for a, b, x in zip(via_parts["code_a"], via_parts["code_b"], via_parts["shared_length"], strict=True)
    }
    for a, b, x in zip(own["code_a"], own["code_b"], own["shared_length"], strict=True):
        assert lengths[(a, b)] == pytest.approx(x, rel=1e-9, abs=1e-9)


def test_s3_4alpclusters_territories(reg):
    table = territory_adjacency(reg, S3_4ALPCLUSTERS)
    assert pairs(table) == {
        ("ITC1", "ITC4"),
        ("ITC4", "ITH2"),
        ("ITC4", "ITH3"),
        ("ITH2", "ITH3"),
        ("AT31", "AT32"),
        ("AT31", "DE2"),
        ("AT32", "DE2"),
        ("DE2", "DE1"),
    }
    assert (table["kind"] == "line").all() and (table["level"] == 2).all()
    row = table.set_index(["code_a", "code_b"]).loc[("AT31", "DE2")]
    assert row["cross_border"] and row["via"] == "AT31|DE21 AT31|DE22"
    # Slovenia, Franche-Comté and Fribourg touch none of the other ten
    touched = set(table["code_a"]) | set(table["code_b"])
    assert {"SI", "FRC2", "CH022"}.isdisjoint(touched)
    assert set(territory_neighbours(reg, S3_4ALPCLUSTERS, "DE2")["code"]) == {"AT31", "AT32", "DE1"}


def test_country_against_nuts2_via_parts(reg):
    table = territory_adjacency(reg, ["SI", "ITH4", "ITH3"])
    row = table.set_index(["code_a", "code_b"]).loc[("SI", "ITH4")]
    assert row["kind"] == "line" and row["via"] == "SI04|ITH4" and row["level"] == 2 and row["cross_border"]
    assert ("SI", "ITH3") not in pairs(table)


def test_nuts3_territory_is_compared_at_nuts3(reg):
    # Fribourg (CH022) against Vaud (CH011), France and Baden-Württemberg: at NUTS-3 it touches only Vaud,
    # although its NUTS-2 region Espace Mittelland (CH02) borders France (FRC2).
    table = territory_adjacency(reg, ["CH022", "CH011", "FR", "DE1"])
    assert pairs(table) == {("CH022", "CH011"), ("CH011", "FR"), ("FR", "DE1")}
    levels = table.set_index(["code_a", "code_b"])["level"].to_dict()
    assert levels == {("CH022", "CH011"): 3, ("CH011", "FR"): 3, ("FR", "DE1"): 2}
    assert ("CH02", "FRC2") in pairs(adjacency(reg, 2))


def test_point_contact_between_territories(reg):
    table = territory_adjacency(reg, ["DE2", "CH"]).set_index(["code_a", "code_b"])
    assert table.loc[("DE2", "CH"), "kind"] == "point"
    assert territory_adjacency(reg, ["DE2", "CH"], include_point_contacts=False).empty


def test_territories_that_touch_nothing(reg):
    for codes in (["MT", "ITH4"], ["CH022", "DE2"], ["AT33"], []):
        table = territory_adjacency(reg, codes)
        assert table.empty and list(table.columns) == [
            "code_a",
            "code_b",
            "kind",
            "shared_length",
            "cross_border",
            "level",
            "via",
        ], codes


def test_overlapping_territories_are_refused(reg):
    with pytest.raises(InputError, match="AT contains AT33"):
        territory_adjacency(reg, ["AT33", "AT"])


def test_alpine_space_is_connected(reg):
    table = territory_adjacency(reg, ALPINE_SPACE, include_point_contacts=False)
    graph: dict[str, set[str]] = {c: set() for c in ALPINE_SPACE}
    for a, b in zip(table["code_a"], table["code_b"], strict=True):
        graph[a].add(b)
        graph[b].add(a)
    seen, todo = set(), ["AT33"]
    while todo:
        c = todo.pop()
        if c not in seen:
            seen.add(c)
            todo.extend(graph[c] - seen)
    assert seen == set(ALPINE_SPACE)


# -- CLI: regions neighbours -------------------------------------------------------------------------


def run(*args: str):
    return CliRunner().invoke(regions_app, ["neighbours", *args])


def test_cli_neighbours_of_tirol(shared_data):
    result = run("AT33", "--folder", str(shared_data))
    assert result.exit_code == 0, result.output
    assert "8 neighbours" in result.stdout
    for code in TIROL:
        assert code in result.stdout


def test_cli_point_contacts_only_on_request(monkeypatch, shared_data):
    monkeypatch.setenv("S3ST_DATA_DIR", str(shared_data))
    assert "CH05" not in run("DE27").stdout
    with_points = run("Schwaben", "--points")
    assert with_points.exit_code == 0 and "CH05" in with_points.stdout and "point" in with_points.stdout


def test_cli_island(shared_data):
    result = run("MT00", "--folder", str(shared_data))
    assert result.exit_code == 0 and "no neighbours" in result.stdout


def test_cli_unknown_code(shared_data):
    result = run("AT3X", "--folder", str(shared_data))
    assert result.exit_code == 2
    assert "did you mean" in result.stderr and "AT33 (Tirol)" in result.stderr and "AT32 (Salzburg)" in result.stderr
