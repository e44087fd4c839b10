"""Structural peers: method on hand-checkable data, behaviour on the real statistics, CLI."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from s3stresstest.cli.peers import peers_app
from s3stresstest.errors import InputError
from s3stresstest.regions.peers import DEFAULT_VARIABLES, PeerSpace, peer_matrix, structural_peers
from s3stresstest.regions.statistics import load_statistics


@pytest.fixture(scope="module")
def stats(shared_data):
    return load_statistics(shared_data)


def toy(values: dict[str, dict[str, float]]) -> pd.DataFrame:
    """A statistics table from {region: {indicator: value}} (year 2020, NUTS 2021)."""
    rows = [
        {
            "indicator": ind,
            "region": reg,
            "year": 2020,
            "value": v,
            "unit": "",
            "flag": "",
            "source": "",
            "dataset": "",
            "aggregated": False,
            "recoded_from": "",
            "nuts2021": True,
        }
        for reg, d in values.items()
        for ind, v in d.items()
    ]
    return pd.DataFrame(rows)


THREE = toy(
    {
        "XA11": {"gerd_gov_pc_gdp": 0.0, "gerd_hes_pc_gdp": 0.0},
        "XB11": {"gerd_gov_pc_gdp": 0.0, "gerd_hes_pc_gdp": 3.0},
        "XC11": {"gerd_gov_pc_gdp": 3.0, "gerd_hes_pc_gdp": 0.0},
    }
)
VARS = ["gerd_gov_pc_gdp", "gerd_hes_pc_gdp"]


def test_hand_checkable_three_regions_weights_change_the_ranking():
    # Each variable has values (0, 0, 3): mean 1, population sd sqrt(2); a difference of 3 is
    # 3/sqrt(2) in z, squared 4.5. From XA11: XB11 differs only in hes, XC11 only in gov.
    equal = structural_peers(THREE, "XA11", k=2, variables=VARS)
    assert equal["region"].tolist() == ["XB11", "XC11"]  # a tie, broken by code
    assert equal["distance"].tolist() == pytest.approx([math.sqrt(4.5), math.sqrt(4.5)])
    gov = structural_peers(THREE, "XA11", k=2, variables=VARS, weights={"gerd_gov_pc_gdp": 2})
    assert gov["region"].tolist() == ["XB11", "XC11"]
    assert gov["distance"].tolist() == pytest.approx([math.sqrt(4.5), 3.0])
    hes = structural_peers(THREE, "XA11", k=2, variables=VARS, weights=[1, 2])
    assert hes["region"].tolist() == ["XC11", "XB11"]
    assert hes["distance"].tolist() == pytest.approx([math.sqrt(4.5), 3.0])
    only = structural_peers(THREE, "XA11", k=1, variables=VARS, weights={"gerd_hes_pc_gdp": 0})
    assert only["region"].tolist() == ["XB11"] and only["distance"].iloc[0] == 0.0
    assert hes.attrs["weights"] == {"gerd_gov_pc_gdp": 1.0, "gerd_hes_pc_gdp": 2.0}
    assert hes.attrs["transforms"] == {"gerd_gov_pc_gdp": "none", "gerd_hes_pc_gdp": "none"}
    assert hes["gerd_hes_pc_gdp"].tolist() == [0.0, 3.0]  # the variables' values are shown


def test_log_transform_and_missing_candidates_are_explicit():
    st = toy(
        {
            "XA11": {"population": 1000.0, "gerd_gov_pc_gdp": 1.0},
            "XB11": {"population": 10000.0, "gerd_gov_pc_gdp": 1.0},
            "XC11": {"population": 100000.0, "gerd_gov_pc_gdp": 1.0},
            "XD11": {"population": 5000.0},
        }
    )  # no GERD: out of the pool, reported
    res = structural_peers(st, "XB11", k=5, variables=["population", "gerd_gov_pc_gdp"])
    assert res.attrs["transforms"]["population"] == "log"
    # on the log scale XA11 and XC11 are equally far from XB11 (a factor 10 each way)
    assert res["distance"].iloc[0] == pytest.approx(res["distance"].iloc[1])
    assert "XD11" not in res["region"].tolist() and res.attrs["pool"] == 3
    assert res.attrs["dropped"].set_index("region").loc["XD11", "missing"] == "gerd_gov_pc_gdp"
    lin = structural_peers(
        st, "XB11", k=5, variables=["population", "gerd_gov_pc_gdp"], transforms={"population": "none"}
    )
    assert lin["region"].tolist() == ["XA11", "XC11"] and lin["distance"].iloc[0] < lin["distance"].iloc[1]
    with pytest.raises(InputError, match="XD11 has no value for gerd_gov_pc_gdp"):
        structural_peers(st, "XD11", variables=["population", "gerd_gov_pc_gdp"])


def test_bad_options_are_refused():
    with pytest.raises(InputError, match="not in the statistics"):
        structural_peers(THREE, "XA11", variables=["nope"])
    with pytest.raises(InputError, match=">= 0"):
        structural_peers(THREE, "XA11", variables=VARS, weights={"gerd_gov_pc_gdp": -1})
    with pytest.raises(InputError, match="all weights are 0"):
        structural_peers(THREE, "XA11", variables=VARS, weights=[0, 0])
    with pytest.raises(InputError, match="not among the variables"):
        structural_peers(THREE, "XA11", variables=VARS, weights={"population": 2})
    with pytest.raises(InputError, match="k must be at least 1"):
        structural_peers(THREE, "XA11", k=0, variables=VARS)
    with pytest.raises(InputError, match="no statistics at NUTS level 2"):
        structural_peers(THREE, "XZ11", variables=VARS)


def test_real_peers_basic_properties(stats):
    res = structural_peers(stats, "AT33", k=10)
    assert len(res) == 10 and "AT33" not in res["region"].tolist()
    assert res["rank"].tolist() == list(range(1, 11))
    assert (np.diff(res["distance"].to_numpy()) >= 0).all() and (res["distance"] > 0).all()
    assert res.attrs["variables"] == list(DEFAULT_VARIABLES)
    assert res.attrs["target_years"]["gdp_pps_hab"] == 2022 and res.attrs["target_values"]["gdp_pps_hab"] == 45600.0
    assert (res["region"].str.len() == 4).all()
    assert len(res.attrs["dropped"]) > 0 and res.attrs["pool"] + len(res.attrs["dropped"]) >= 300
    foreign = structural_peers(stats, "AT33", k=10, exclude_same_country=True)
    assert not foreign["region"].str.startswith("AT").any()
    assert res["region"].str.startswith("AT").any() or res["region"].tolist() == foreign["region"].tolist()
    de = structural_peers(stats, "AT33", k=5, within=["DE", "ITH"])
    assert de["region"].str.match(r"^(DE|ITH)").all() and len(de) == 5
    # a recoded French region takes part with its NUTS 2013 GERD values
    fr = structural_peers(stats, "FRK2", k=3)
    assert fr.attrs["target_years"]["gerd_total_pc_gdp"] == 2013 and len(fr) == 3
    # a NUTS-1 code compares at NUTS-1
    assert (structural_peers(stats, "DE1", k=3)["region"].str.len() == 3).all()


def test_peer_matrix_agrees_with_single_queries(stats):
    mat = peer_matrix(stats, k=5, exclude_same_country=True)
    assert mat.groupby("region").size().eq(5).all()
    assert not (mat["region"] == mat["peer"]).any()
    assert not (mat["region"].str[:2] == mat["peer"].str[:2]).any()
    space = PeerSpace.build(stats)
    for code in ("AT33", "DE11", "FRK2", "PL21", "ITC4"):
        one = space.peers(code, 5, exclude_same_country=True)
        m = mat[mat["region"] == code].sort_values("rank")
        assert m["peer"].tolist() == one["region"].tolist(), code
        assert m["distance"].to_numpy() == pytest.approx(one["distance"].to_numpy())


def test_cli_peers_table(shared_data):
    r = CliRunner().invoke(
        peers_app,
        ["AT33", "--k", "4", "--folder", str(shared_data), "--exclude-same-country", "--weight", "gdp_pps_hab=2"],
    )
    assert r.exit_code == 0, r.output
    assert "Structural peers of AT33 Tirol" in r.output and "gdp_pps_hab ×2" in r.output
    lines = [ln for ln in r.output.splitlines() if ln.strip()[:1].isdigit() and ln.split()[0] in "1234"]
    assert [ln.split()[0] for ln in lines] == ["1", "2", "3", "4"]
    assert not any(ln.split()[1].startswith("AT") for ln in lines)
    assert "Source: Eurostat (" in r.output and "never part of StressTest scores" in r.output


@pytest.mark.parametrize(
    "args, message",
    [
        (["XX99"], "unknown territory code 'XX99'"),
        (["AT33", "--variable", "nope"], "not in the statistics"),
        (["AT33", "--weight", "gdp_pps_hab"], "NAME=NUMBER"),
        (["TR10"], "TR10 has no value for gerd_total_pc_gdp"),
    ],
)
def test_cli_peers_bad_input_exit_2(shared_data, args, message):
    r = CliRunner().invoke(peers_app, [*args, "--folder", str(shared_data)])
    assert r.exit_code == 2
    assert message in r.stderr
