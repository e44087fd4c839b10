"""Regional statistics: Eurostat TSV and tidy CSV readers, catalogue, NUTS recoding, aggregation.

Oracles are the spot-check values of ../shared/data/README.md section 6 and hand computations
from the raw files (read here with plain string handling, independent of the readers).
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from s3stresstest.errors import InputError
from s3stresstest.regions.data_catalogue import entry as data_entry
from s3stresstest.regions.eurostat_tsv import explain_flags, parse_eurostat_tsv, read_eurostat_tsv
from s3stresstest.regions.indicators import ABSENT, BY_ID, CATALOGUE, PERFORMANCE, STRUCTURE
from s3stresstest.regions.nuts_recode import RECODES, classify_code, nuts2021_regions, recode, unmatched_codes
from s3stresstest.regions.statistics import (
    COLUMNS,
    clear_cache,
    complete_statistics,
    indicator_sources,
    latest_values,
    load_report,
    load_statistics,
    value_for_territory,
)
from s3stresstest.regions.tidy_csv import parse_tidy_csv, read_metadata, read_tidy_csv

GDP = "eurostat/estat_nama_10r_3gdp.tsv"
POP = "eurostat/demo_r_pjanaggr3.tsv"
AREA = "eurostat/reg_area3.tsv"


@pytest.fixture(scope="module")
def report(shared_data):
    return load_report(shared_data)


@pytest.fixture(scope="module")
def stats(report):
    return report.stats


def raw_tsv_cell(path: Path, key: str, year: int) -> str:
    """The cell of row `key` and `year` exactly as stored (independent of the reader)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    header = [h.strip() for h in lines[0].rstrip("\r").split("\t")]
    col = header.index(str(year))
    for ln in lines[1:]:
        parts = ln.rstrip("\r").split("\t")
        if parts[0] == key:
            return parts[col]
    raise KeyError(key)


def raw_csv_value(path: Path, region: str, year: int) -> float:
    for ln in path.read_text(encoding="utf-8").splitlines()[1:]:
        f = ln.split(",")
        if f[3] == region and int(f[0]) == year:
            return float(f[5])
    raise KeyError((region, year))


def one(stats: pd.DataFrame, indicator: str, region: str, year: int) -> pd.Series:
    rows = stats[(stats["indicator"] == indicator) & (stats["region"] == region) & (stats["year"] == year)]
    assert len(rows) == 1, rows
    return rows.iloc[0]


# ------------------------------------------------------------------------------------------------
# Eurostat TSV reader

SMALL_TSV = (
    "freq,unit,geo\\TIME_PERIOD\t2019 \t2020 \t2021 \n"
    "A,EUR_HAB,AT33\t47800 \t45000 p\t: \n"
    "A,EUR_HAB,DE11\t53300 e\t: m\t51000 bep\n"
    "A,MIO_EUR,AT33\t36095.54 \t: \t: @N\n"
    "A,MIO_EUR,ATZZ\t0 b\t-1.5 \t: \n"
)


def test_tsv_reader_values_flags_and_missing():
    df = parse_eurostat_tsv(SMALL_TSV, source="small.tsv")
    assert list(df.columns) == ["freq", "unit", "geo", "year", "value", "flag"]
    assert df["year"].dtype == np.int64
    got = {(r.unit, r.geo, r.year): (r.value, r.flag) for r in df.itertuples()}
    assert got[("EUR_HAB", "AT33", 2019)] == (47800.0, "")
    assert got[("EUR_HAB", "AT33", 2020)] == (45000.0, "p")
    assert got[("EUR_HAB", "DE11", 2019)] == (53300.0, "e")
    assert got[("EUR_HAB", "DE11", 2021)] == (51000.0, "bep")
    assert got[("MIO_EUR", "AT33", 2019)] == (36095.54, "")
    assert got[("MIO_EUR", "ATZZ", 2019)] == (0.0, "b")  # a published zero stays a zero
    assert got[("MIO_EUR", "ATZZ", 2020)] == (-1.5, "")
    # ': m' and ': @N' are kept as missing (NaN, never 0) with their flags; bare ': ' is no row
    v, f = got[("EUR_HAB", "DE11", 2020)]
    assert math.isnan(v) and f == "m"
    v, f = got[("MIO_EUR", "AT33", 2021)]
    assert math.isnan(v) and f == "@N"
    assert ("EUR_HAB", "AT33", 2021) not in got and ("MIO_EUR", "AT33", 2020) not in got
    assert len(df) == 9
    full = parse_eurostat_tsv(SMALL_TSV, keep_empty=True)
    assert len(full) == 12 and full["value"].isna().sum() == 5
    assert (full["value"] == 0).sum() == 1  # only ATZZ 2019 is 0


def test_tsv_reader_crlf_filters_and_periods():
    crlf = SMALL_TSV.replace("\n", "\r\n")
    a, b = parse_eurostat_tsv(SMALL_TSV), parse_eurostat_tsv(crlf)
    pd.testing.assert_frame_equal(a, b)
    only = parse_eurostat_tsv(SMALL_TSV, filters={"unit": "MIO_EUR", "geo": ["AT33"]})
    assert set(only["unit"]) == {"MIO_EUR"} and set(only["geo"]) == {"AT33"} and len(only) == 2
    with pytest.raises(InputError, match="cannot filter on 'sex'"):
        parse_eurostat_tsv(SMALL_TSV, filters={"sex": "T"})
    quarterly = parse_eurostat_tsv("freq,geo\\TIME_PERIOD\t2020-Q1 \t2020-Q2 \nQ,AT\t1 \t2 e\n")
    assert list(quarterly["period"]) == ["2020-Q1", "2020-Q2"]


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "the file is empty"),
        ("geo,2019\nAT,1\n", "header is not Eurostat TSV"),
        ("freq,geo\\TIME_PERIOD\t2019 \t2019 \nA,AT\t1 \t2 \n", "repeats period"),
        ("freq,geo\\TIME_PERIOD\t2019 \t2020 \n", "no data rows"),
        ("freq,geo\\TIME_PERIOD\t2019 \t2020 \nA,AT\t1 \t2 \nA,DE\t3 ", "line 3: too few fields: 2, the header has 3"),
        ("freq,geo\\TIME_PERIOD\t2019 \t2020 \nA,AT\t1 \t2 \t3 \n", "line 2: too many fields"),
        ("freq,geo\\TIME_PERIOD\t2019 \t2020 \nA\t1 \t2 \n", "does not have 2 dimension codes"),
        ("freq,geo\\TIME_PERIOD\t2019 \t2020 \nA,AT\t1 \tabc \n", "line 2, column '2020': cell 'abc '"),
        ("freq,geo\\TIME_PERIOD\t2019 \t2020 \nA,AT\t1 \t\n", "line 2, column '2020'"),
        ("freq,geo\\TIME_PERIOD\t2019 \t2020 \nA,AT\t1 \t2 e1\n", "unreadable flags"),
    ],
)
def test_tsv_reader_refuses_corrupt_input(text, message):
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")) as exc:
        parse_eurostat_tsv(text, source="bad.tsv")
    assert "bad.tsv" in str(exc.value)


def test_tsv_truncated_real_file_names_file_and_line(tmp_path, shared_data):
    raw = (shared_data / GDP).read_bytes()
    cut = raw[:1_000_000]
    path = tmp_path / "estat_nama_10r_3gdp.tsv"
    path.write_bytes(cut)
    n_lines = cut.count(b"\n") + 1
    with pytest.raises(InputError) as exc:
        read_eurostat_tsv(path)
    msg = str(exc.value)
    assert "estat_nama_10r_3gdp.tsv" in msg and f"line {n_lines}" in msg and "too few fields" in msg
    path.write_bytes(b"\xff\xfe" + raw[:100])
    with pytest.raises(InputError, match="not UTF-8"):
        read_eurostat_tsv(path)


def test_tsv_reader_on_real_files_matches_readme_spot_checks(shared_data):
    gdp = read_eurostat_tsv(shared_data / GDP)

    def cell(unit, geo, year):
        r = gdp[(gdp["unit"] == unit) & (gdp["geo"] == geo) & (gdp["year"] == year)]
        assert len(r) == 1
        return float(r["value"].iloc[0]), r["flag"].iloc[0]

    assert cell("EUR_HAB", "AT33", 2019) == (47800.0, "")
    assert cell("EUR_HAB", "AT33", 2022) == (51200.0, "")
    assert cell("EUR_HAB", "DE11", 2019) == (53300.0, "e")
    assert cell("MIO_EUR", "AT33", 2019) == (36095.54, "")
    assert cell("PPS_HAB_EU27_2020", "AT33", 2019) == (134.0, "")
    counts = gdp["flag"].value_counts().to_dict()
    assert {f: counts.get(f) for f in "epbd"} == {"e": 13545, "p": 3747, "b": 3390, "d": 12}  # README 4.1
    assert gdp["value"].notna().all()  # GDP misses are bare ': ', i.e. no rows
    full = read_eurostat_tsv(shared_data / GDP, keep_empty=True)
    assert len(full) == 12453 * 23

    pop = read_eurostat_tsv(shared_data / POP, filters={"sex": "T", "age": "TOTAL"})
    p = pop.set_index(["geo", "year"])
    assert (p.loc[("AT33", 2019), "value"], p.loc[("AT33", 2019), "flag"]) == (754705.0, "")
    assert (p.loc[("DE11", 2023), "value"], p.loc[("DE11", 2023), "flag"]) == (4142738.0, "b")
    allpop = read_eurostat_tsv(shared_data / POP)
    at_n = allpop[allpop["flag"] == "@N"]
    assert len(at_n) == 42 and at_n["value"].isna().all() and (at_n["year"] == 2025).all()
    assert at_n["geo"].str.startswith("TR").all()

    area = read_eurostat_tsv(shared_data / AREA)
    a = area.set_index(["geo", "year"])
    assert a.loc[("AT33", 2021), "value"] == 12648.0
    m = area[area["flag"] == "m"]
    assert len(m) == 4161 and m["value"].isna().all()  # ': m' = missing, never 0


# ------------------------------------------------------------------------------------------------
# Tidy CSV reader


def test_tidy_csv_reader_on_real_files_with_metadata(shared_data):
    path = shared_data / "indicators/rd_e_gerdreg_total_pc_gdp.csv"
    df = read_tidy_csv(path)
    assert list(df.columns) == ["region", "year", "value", "flag"]
    assert len(df) == 3183
    meta = df.attrs["metadata"]
    assert meta.id == "rd_e_gerdreg_total_pc_gdp" and meta.dataset == "rd_e_gerdreg"
    assert meta.data_date == "DATE_20220331" and meta.source_name == "Eurostat"
    assert "Percentage of gross domestic product" in meta.title
    s = df.set_index(["region", "year"])["value"]
    assert s[("DE11", 2019)] == 7.33 and s[("DE11", 2017)] == 7.47 and ("DE11", 2018) not in s.index
    assert s[("AT33", 2019)] == 2.83
    assert (df["flag"] == "").all()
    checks = [
        ("rd_e_gerdreg_bes_pc_gdp", "DE11", 2019, 6.88),
        ("hrst_st_rcat_hrst_pc_act", "DE11", 2020, 51.0),
        ("pat_ep_rtot_p_mhab", "DE11", 2012, 430.743),
    ]
    for stem, region, year, value in checks:
        d = read_tidy_csv(shared_data / f"indicators/{stem}.csv").set_index(["region", "year"])["value"]
        assert d[(region, year)] == value, stem


def test_tidy_csv_plain_layout_flags_and_missing():
    df = parse_tidy_csv("region,year,value,flag\nAT33,2019,2.5,p\nAT34,2019,,m\nAT34,2020,:,\nDE11,2019,0,\n")
    assert list(df["flag"]) == ["p", "m", "", ""]
    assert df["value"].isna().tolist() == [False, True, True, False]
    assert df["value"].iloc[3] == 0.0


@pytest.mark.parametrize(
    "text, message",
    [
        ("year,region_id,value\n2019,AT33,1\n2020,AT3", "line 3: too few fields"),
        ("year,region_id,value\n2019,AT33,1,9\n", "line 2: too many fields"),
        ("year,region_id,value\n2019,AT33,abc\n", "line 2, column 'value': value 'abc' is not a number"),
        ("year,region_id,value\n2019.5,AT33,1\n", "year '2019.5' is not an integer"),
        ("year,region_id,value\n2019,,1\n", "region is empty"),
        ("year,region_id,value\n2019,AT33,1\n2019,AT33,2\n", "line 3, column 'region_id': duplicate row"),
        ("year,value\n2019,1\n", "missing column region"),
    ],
)
def test_tidy_csv_refuses_corrupt_input(text, message):
    with pytest.raises(InputError, match=message) as exc:
        parse_tidy_csv(text, source="bad.csv")
    assert "bad.csv" in str(exc.value)


def test_tidy_csv_corrupt_or_mismatched_metadata(tmp_path, shared_data):
    stem = "rd_e_gerdreg_total_pc_gdp"
    csv_path = tmp_path / f"{stem}.csv"
    shutil.copy(shared_data / f"indicators/{stem}.csv", csv_path)
    text = (shared_data / f"indicators/{stem}.json").read_text(encoding="utf-8")
    (tmp_path / f"{stem}.json").write_text(text[: len(text) // 2], encoding="utf-8")
    with pytest.raises(InputError, match=rf"{stem}.json.*not valid JSON"):
        read_tidy_csv(csv_path)
    (tmp_path / f"{stem}.json").write_text(
        text.replace('"id": "rd_e_gerdreg_total_pc_gdp"', '"id": "other"'), encoding="utf-8"
    )
    with pytest.raises(InputError, match=r"missing column value \(other\)"):
        read_tidy_csv(csv_path)
    assert read_metadata(shared_data / f"indicators/{stem}.json").dataset == "rd_e_gerdreg"


def test_load_refuses_a_truncated_data_file_naming_it(tmp_path, shared_data):
    for sub in ("gisco", "eurostat", "indicators"):
        (tmp_path / sub).mkdir()
        for f in (shared_data / sub).iterdir():
            (tmp_path / sub / f.name).symlink_to(f)
    target = tmp_path / "indicators/hrst_st_rcat_hrst_pc_act.csv"
    target.unlink()
    raw = (shared_data / "indicators/hrst_st_rcat_hrst_pc_act.csv").read_bytes()
    target.write_bytes(raw[: raw.index(b"\n", 5000) + 8])  # cut inside a line
    with pytest.raises(InputError) as exc:
        load_statistics(tmp_path)
    assert "indicators/hrst_st_rcat_hrst_pc_act.csv" in str(exc.value) and "too few fields" in str(exc.value)


# ------------------------------------------------------------------------------------------------
# Catalogue

REQUIRED = {
    "gdp_eur_hab",
    "gdp_pps_hab",
    "population",
    "area",
    "density",
    "gerd_total_pc_gdp",
    "gerd_bes_pc_gdp",
    "gerd_gov_pc_gdp",
    "gerd_hes_pc_gdp",
    "hrst_pc_act",
    "patents_epo_p_mhab",
}


def test_catalogue_covers_the_required_indicators(shared_data, stats):
    assert REQUIRED <= set(BY_ID)
    for ind in CATALOGUE:
        assert ind.kind in (STRUCTURE, PERFORMANCE)
        assert ind.aggregation in ("sum", "weighted", "derived")
        assert ind.attribution.startswith("Source: Eurostat (")
        if ind.aggregation == "weighted":
            assert ind.weight in BY_ID and BY_ID[ind.weight].aggregation == "sum"
        if ind.file:
            assert (shared_data / ind.file).is_file(), ind.file
        assert stats[stats["indicator"] == ind.id]["value"].notna().sum() > 1000, ind.id
    assert BY_ID["gerd_total_pc_gdp"].weight == "gdp_mio_eur"  # shares of GDP weigh by GDP
    assert BY_ID["gdp_pps_hab"].weight == "population"  # per-head values by population
    assert BY_ID["patents_epo_p_mhab"].kind == PERFORMANCE and BY_ID["density"].kind == STRUCTURE


def test_absent_indicators_are_listed_not_invented(shared_data):
    # Nothing required is absent; what the issue/README name but the files lack is documented.
    assert not (set(ABSENT) & set(BY_ID))
    assert "htec_emp_reg2" in ABSENT
    assert not list(shared_data.rglob("*htec_emp_reg2*"))


def test_long_table_columns_and_types(stats):
    assert list(stats.columns) == COLUMNS
    assert stats["year"].dtype == np.int64 and stats["value"].dtype == float
    assert stats["aggregated"].dtype == bool and stats["nuts2021"].dtype == bool
    r = one(stats, "gdp_eur_hab", "DE11", 2019)
    assert (r["value"], r["flag"], r["unit"], r["dataset"], r["source"]) == (
        53300.0,
        "e",
        "EUR per inhabitant",
        "nama_10r_3gdp",
        GDP,
    )
    r = one(stats, "population", "DE11", 2023)
    assert (r["value"], r["flag"], r["aggregated"], r["recoded_from"]) == (4142738.0, "b", False, "")
    # missing stays missing: area cells ': m' are rows with NaN and flag 'm', never 0
    m = stats[(stats["indicator"] == "area") & (stats["flag"] == "m")]
    assert len(m) > 1000 and m["value"].isna().all()
    assert not stats["value"].isna().any() or (stats.loc[stats["value"].isna(), "flag"] != "").all()
    d = one(stats, "density", "AT33", 2021)
    assert d["value"] == pytest.approx(one(stats, "population", "AT33", 2021)["value"] / 12648.0)


# ------------------------------------------------------------------------------------------------
# NUTS recoding


def test_recode_table_targets_exist_and_sources_do_not(shared_data):
    codes = set(nuts2021_regions(shared_data)["code"])
    for r in RECODES:
        assert r.new in codes, r
        assert r.old not in codes, r
    assert {
        ("FR71", "FRK2"),
        ("FR72", "FRK1"),
        ("FR42", "FRF1"),
        ("FR43", "FRC2"),
        ("FR82", "FRL0"),
        ("FR7", "FRK"),
        ("PL12", "PL9"),
        ("EL14", "EL61"),
    } <= {(r.old, r.new) for r in RECODES}
    # boundary changes are never recoded
    assert not {"HR04", "IE01", "IE02", "NO01", "UKM2", "SI01", "SI02", "PL3", "FR2", "FR8"} & {r.old for r in RECODES}


def test_recoding_keeps_values_and_records_old_code(shared_data, stats):
    fr71 = raw_csv_value(shared_data / "indicators/rd_e_gerdreg_total_pc_gdp.csv", "FR71", 2013)
    r = one(stats, "gerd_total_pc_gdp", "FRK2", 2013)
    assert (r["value"], r["recoded_from"], r["aggregated"], r["nuts2021"]) == (fr71, "FR71", False, True)
    assert not ((stats["region"] == "FR71") | (stats["region"] == "FR42")).any()
    r = one(stats, "patents_epo_p_mhab", "FRF1", 2012)
    assert r["value"] == raw_csv_value(shared_data / "indicators/pat_ep_rtot_p_mhab.csv", "FR42", 2012)
    assert r["recoded_from"] == "FR42"
    # HRST is published under the new codes: nothing recoded there
    assert one(stats, "hrst_pc_act", "FRK2", 2020)["recoded_from"] == ""
    df = recode(pd.DataFrame({"region": ["FR71", "AT33", "HR04"], "value": [1.0, 2.0, 3.0]}))
    assert df["region"].tolist() == ["FRK2", "AT33", "HR04"] and df["recoded_from"].tolist() == ["FR71", "", ""]


def test_unmatched_codes_are_reported_and_kept(report, stats):
    un = report.unmatched.set_index("code")
    for code in ("HR04", "IE01", "UKM2", "SI01", "NO01", "FR2"):
        assert un.loc[code, "kind"] == "other_version", code
        assert (stats["region"] == code).any(), code  # kept, not dropped
    assert un.loc["FRZZ", "kind"] == "extra_regio" and un.loc["EU27_2020", "kind"] == "aggregate"
    assert un.loc["US", "kind"] == "non_nuts" and un.loc["XK00", "kind"] == "non_nuts"  # Kosovo: no NUTS
    assert (
        "HR04"
        in unmatched_codes(stats[stats["indicator"] == "gerd_total_pc_gdp"], known=set(report.regions["code"]))[
            "code"
        ].tolist()
    )
    assert classify_code("CZ", {"AT"}) == "other_version" and classify_code("CZZ", set()) == "extra_regio"
    assert "recoded to NUTS 2021" in report.summary() and "FR71->FRK2" in report.summary()


def test_recoded_rows_meeting_published_rows_are_reported(report, stats):
    col = report.collisions
    hu = col[(col["indicator"] == "gerd_total_pc_gdp") & (col["region"] == "HU1") & (col["year"] == 2011)]
    assert len(hu) == 1 and hu["recoded_from"].iloc[0] == "HU10"
    assert one(stats, "gerd_total_pc_gdp", "HU1", 2011)["value"] == hu["value_used"].iloc[0]
    assert one(stats, "gerd_total_pc_gdp", "HU1", 2011)["recoded_from"] == ""


# ------------------------------------------------------------------------------------------------
# Aggregation to mixed levels


def test_nuts1_value_from_nuts2_parts_population_weighted(shared_data, stats):
    # PL8 = PL81 + PL82 + PL84; GERD per inhabitant 2011 is published for their NUTS 2013 codes
    # PL31/PL32/PL34 only. Population starts in 2016: the nearest year is used for the weights.
    csv = shared_data / "indicators/rd_e_gerdreg_total_eur_hab.csv"
    vals = [raw_csv_value(csv, c, 2011) for c in ("PL31", "PL32", "PL34")]
    pops = [
        float(raw_tsv_cell(shared_data / POP, f"A,NR,T,TOTAL,{c}", 2016).split()[0]) for c in ("PL81", "PL82", "PL84")
    ]
    expected = sum(v * p for v, p in zip(vals, pops, strict=True)) / sum(pops)
    got = value_for_territory(stats, "gerd_total_eur_hab", "PL8", 2011)
    assert got["aggregated"] is True and got["year"] == 2011
    assert got["value"] == pytest.approx(expected, rel=1e-12)
    with pytest.raises(KeyError):
        raw_csv_value(csv, "PL8", 2011)  # really not published at its own level


def test_share_of_gdp_is_weighted_by_gdp(shared_data, stats):
    # FRF Grand Est = FRF1 (FR42) + FRF2 (FR21) + FRF3 (FR41); GERD % of GDP weighted by GDP (MIO_EUR) 2011.
    csv = shared_data / "indicators/rd_e_gerdreg_total_pc_gdp.csv"
    parts = {"FRF1": "FR42", "FRF2": "FR21", "FRF3": "FR41"}
    num = den = 0.0
    for new, old in parts.items():
        gdp = float(raw_tsv_cell(shared_data / GDP, f"A,MIO_EUR,{new}", 2011).split()[0])
        num += raw_csv_value(csv, old, 2011) * gdp
        den += gdp
    got = value_for_territory(stats, "gerd_total_pc_gdp", "FRF", 2011)
    assert got["aggregated"] is True and got["value"] == pytest.approx(num / den, rel=1e-12)


def test_published_own_level_value_is_preferred(shared_data, stats):
    # DE1 GDP per inhabitant is published; the population-weighted mean of its parts differs.
    got = value_for_territory(stats, "gdp_eur_hab", "DE1", 2019)
    cell = raw_tsv_cell(shared_data / GDP, "A,EUR_HAB,DE1", 2019)
    assert got["value"] == float(cell.split()[0]) and got["aggregated"] is False
    parts = [c for c in nuts2021_regions(shared_data)["code"] if c.startswith("DE1") and len(c) == 4]
    vals = np.array([float(raw_tsv_cell(shared_data / GDP, f"A,EUR_HAB,{c}", 2019).split()[0]) for c in parts])
    pops = np.array([float(raw_tsv_cell(shared_data / POP, f"A,NR,T,TOTAL,{c}", 2019).split()[0]) for c in parts])
    assert abs((vals * pops).sum() / pops.sum() - got["value"]) > 1  # aggregation would give another number
    # FRK (= FR7 Centre-Est) is published, recoded: used as such, not aggregated from FRK1/FRK2
    frk = value_for_territory(stats, "gerd_total_pc_gdp", "FRK", 2013)
    assert frk["aggregated"] is False and frk["recoded_from"] == "FR7"


def small_regions() -> pd.DataFrame:
    return pd.DataFrame(
        {"code": ["XA", "XA1", "XA11", "XA12", "XA111", "XA112", "XA121"], "level": [0, 1, 2, 2, 3, 3, 3]}
    )


def small_stats(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["indicator", "region", "year", "value", "flag"])


def test_mixed_levels_recursive_sum_and_weighted_mean():
    rows = [
        ("population", "XA111", 2020, 100.0, ""),
        ("population", "XA112", 2020, 300.0, "e"),
        ("population", "XA121", 2020, 600.0, ""),
        ("gdp_eur_hab", "XA11", 2020, 10.0, ""),
        ("gdp_eur_hab", "XA12", 2020, 40.0, "p"),
        ("gdp_eur_hab", "XA1", 2019, 99.0, ""),
    ]
    st = small_stats(rows)
    regions = small_regions()
    # population of XA1: NUTS-3 -> NUTS-2 -> NUTS-1 -> country, all sums, flags united
    for code, value in (("XA11", 400.0), ("XA12", 600.0), ("XA1", 1000.0), ("XA", 1000.0)):
        got = value_for_territory(st, "population", code, regions=regions)
        assert got["value"] == value and got["aggregated"] is True and got["year"] == 2020, code
    assert value_for_territory(st, "population", "XA11", regions=regions)["flag"] == "e"
    # GDP per inhabitant of XA1 in 2020: population-weighted mean of its NUTS-2 parts
    got = value_for_territory(st, "gdp_eur_hab", "XA1", 2020, regions=regions)
    assert got["value"] == pytest.approx((10 * 400 + 40 * 600) / 1000) and got["aggregated"] is True
    assert got["flag"] == "p"  # union of the parts' value flags (weights' flags do not count)
    # the latest available year for XA1 is 2020 (aggregated), not the published 2019
    assert value_for_territory(st, "gdp_eur_hab", "XA1", regions=regions)["year"] == 2020
    pub = value_for_territory(st, "gdp_eur_hab", "XA1", 2019, regions=regions)
    assert pub["value"] == 99.0 and pub["aggregated"] is False


def test_published_parent_wins_and_missing_part_means_missing():
    rows = [
        ("population", "XA11", 2020, 400.0, ""),
        ("population", "XA12", 2020, 600.0, ""),
        ("population", "XA1", 2020, 1234.0, ""),
        ("area", "XA11", 2020, 10.0, ""),
    ]  # XA12 area missing
    st = small_stats(rows)
    regions = small_regions()
    got = value_for_territory(st, "population", "XA1", regions=regions)
    assert got["value"] == 1234.0 and got["aggregated"] is False
    area = value_for_territory(st, "area", "XA1", regions=regions)
    assert math.isnan(area["value"]) and area["year"] is None  # NaN, never 0 or a partial sum
    lv = latest_values(st, "XA1", regions=regions).set_index("indicator")
    assert math.isnan(lv.loc["area", "value"]) and pd.isna(lv.loc["area", "year"])
    assert math.isnan(lv.loc["density", "value"])
    assert lv.loc["population", "value"] == 1234.0 and lv.loc["population", "year"] == 2020
    full = complete_statistics(st.assign(aggregated=False), regions)
    assert not ((full["indicator"] == "area") & (full["region"] == "XA1")).any()


def test_latest_values_show_year_and_aggregation(stats):
    lv = latest_values(stats, "FRF").set_index("indicator")
    assert list(lv.columns) == [
        "name",
        "kind",
        "value",
        "unit",
        "year",
        "flag",
        "source",
        "dataset",
        "aggregated",
        "recoded_from",
    ]
    assert lv.loc["gerd_total_pc_gdp", "year"] == 2013 and bool(lv.loc["gerd_total_pc_gdp", "aggregated"])
    assert lv.loc["hrst_pc_act", "year"] == 2020 and not bool(lv.loc["hrst_pc_act", "aggregated"])
    at = latest_values(stats, "AT33").set_index("indicator")
    assert at.loc["gdp_eur_hab", "value"] == 51200.0 and at.loc["gdp_eur_hab", "year"] == 2022
    assert at.loc["gerd_total_pc_gdp", "value"] == 2.83 and at.loc["gerd_total_pc_gdp", "year"] == 2019
    assert at.loc["bes_share_gerd", "value"] == pytest.approx(100 * 1.76 / 2.83)
    li = latest_values(stats, "LI00").set_index("indicator")  # Liechtenstein: in no indicator file
    assert math.isnan(li.loc["gerd_total_pc_gdp", "value"]) and pd.isna(li.loc["gerd_total_pc_gdp", "year"])
    with pytest.raises(InputError, match="unknown indicator"):
        latest_values(stats, "AT33", ["nope"])


# ------------------------------------------------------------------------------------------------
# Raw Eurostat TSVs (what `data pull` stores) instead of, or beside, the EURITO tidy CSVs
#
# The TSVs below are hand-written in Eurostat's bulk layout (dimension codes in the first field,
# one `value flags` cell per year). Each holds decoy rows for other dimension codes, with values
# that appear nowhere else, so a missing filter shows up as a wrong or duplicated value.

GERD_TSV = (
    "freq,sectperf,unit,geo\\TIME_PERIOD\t2019 \t2020 \t2021 \n"
    "A,BES,EUR_HAB,AT33\t600 \t610 \t620 \n"
    "A,BES,PC_GDP,AT33\t1.8 \t1.85 \t1.95 p\n"
    "A,BES,PC_GDP,FR71\t1.6 \t: \t: \n"
    "A,GOV,PC_GDP,AT33\t0.1 \t0.12 \t: m\n"
    "A,HES,PC_GDP,AT33\t0.95 \t1 \t1.02 e\n"
    "A,PNP,PC_GDP,AT33\t0.01 \t0.01 \t0.01 \n"
    "A,TOTAL,EUR_HAB,AT33\t1400.5 \t1450 \t1500.2 p\n"
    "A,TOTAL,MIO_EUR,AT33\t1099.9 \t1111.1 \t1222.2 p\n"
    "A,TOTAL,PC_GDP,AT33\t2.86 \t3 \t3.05 p\n"
    "A,TOTAL,PC_GDP,DE11\t: c\t7 \t: \n"
    "A,TOTAL,PC_GDP,FR71\t2.5 \t: \t: \n"
)
DECOYS = {600.0, 610.0, 620.0, 0.01, 1099.9, 1111.1, 1222.2}

HRST_TSV = (
    "freq,category,unit,geo\\TIME_PERIOD\t2020 \t2021 \n"
    "A,HRST,PC_ACT,AT31\t45 \t46 \n"
    "A,HRST,PC_ACT,AT32\t44 \t45.5 b\n"
    "A,HRST,PC_ACT,AT33\t48 \t49 \n"
    "A,HRST,PC_ACT,AT34\t47 \t: \n"
    "A,HRST,THS_PER,AT33\t180 \t185 \n"
    "A,HRSTE,PC_ACT,AT33\t30 \t31 \n"
    "A,SE,PC_ACT,AT33\t9.5 \t9.9 p\n"
    "A,SE,THS_PER,AT33\t35 \t36 \n"
)
PAT_RTOT_TSV = (
    "freq,unit,geo\\TIME_PERIOD\t2011 \t2012 \n"
    "A,NR,AT33\t150 \t160 \n"
    "A,P_MACT,AT33\t380 \t390 \n"
    "A,P_MHAB,AT33\t201.5 \t210.25 e\n"
)
PAT_RTEC_TSV = (
    "freq,ipc,unit,geo\\TIME_PERIOD\t2012 \t2013 \n"
    "A,CAB,P_MHAB,AT33\t3.5 \t4.5 \n"
    "A,HT,NR,AT33\t25 \t27 \n"
    "A,HT,P_MHAB,AT33\t33.1 \t: \n"
)
PERSREG_TSV = (
    "freq,sectperf,prof_pos,sex,unit,geo\\TIME_PERIOD\t2019 \t2020 \n"
    "A,BES,TOTAL,T,PC_ACT_FTE,AT33\t0.9 \t0.95 \n"
    "A,TOTAL,RSE,F,PC_ACT_FTE,AT33\t0.4 \t0.45 \n"
    "A,TOTAL,RSE,T,FTE,AT33\t4100 \t4200 \n"
    "A,TOTAL,RSE,T,PC_ACT_FTE,AT33\t1.05 \t1.1 p\n"
    "A,TOTAL,TOTAL,T,HC,AT33\t9000 \t9100 \n"
    "A,TOTAL,TOTAL,T,PC_ACT_FTE,AT33\t1.62 \t1.7 p\n"
)
RAW_TSVS = {
    "rd_e_gerdreg": GERD_TSV,
    "hrst_st_rcat": HRST_TSV,
    "pat_ep_rtot": PAT_RTOT_TSV,
    "pat_ep_rtec": PAT_RTEC_TSV,
    "rd_p_persreg": PERSREG_TSV,
}
TSV_INDICATORS = [i.id for i in CATALOGUE if i.tsv_file]


def data_folder(
    tmp_path: Path, shared_data: Path, subdirs=("gisco", "eurostat", "indicators"), tsvs: dict[str, str] | None = None
) -> Path:
    """A data folder with links to the shared files of `subdirs` and hand-written raw TSVs."""
    folder = tmp_path / "data"
    for sub in subdirs:
        (folder / sub).mkdir(parents=True, exist_ok=True)
        for f in (shared_data / sub).iterdir():
            (folder / sub / f.name).symlink_to(f)
    (folder / "eurostat").mkdir(parents=True, exist_ok=True)
    for code, text in (tsvs or {}).items():
        (folder / "eurostat" / f"{code}.tsv").write_text(text, encoding="utf-8")
    return folder


def test_raw_gerd_tsv_wins_over_the_eurito_csvs(tmp_path, shared_data):
    folder = data_folder(tmp_path, shared_data, tsvs={"rd_e_gerdreg": GERD_TSV})
    assert (folder / "indicators/rd_e_gerdreg_total_pc_gdp.csv").is_file()  # both are there
    src = indicator_sources(folder).set_index("indicator")
    for ind in ("gerd_total_pc_gdp", "gerd_bes_pc_gdp", "gerd_gov_pc_gdp", "gerd_hes_pc_gdp", "gerd_total_eur_hab"):
        assert (src.loc[ind, "reader"], src.loc[ind, "file"]) == ("eurostat_tsv", "eurostat/rd_e_gerdreg.tsv"), ind
    assert src.loc["gerd_total_pc_gdp", "filters"] == "freq=A, sectperf=TOTAL, unit=PC_GDP"
    assert (src.loc["hrst_pc_act", "reader"], src.loc["hrst_pc_act", "file"]) == (
        "tidy_csv",
        "indicators/hrst_st_rcat_hrst_pc_act.csv",
    )

    st = load_statistics(folder)
    gerd = st[st["indicator"].str.startswith("gerd_")]
    assert set(gerd["source"]) == {"eurostat/rd_e_gerdreg.tsv"} and set(gerd["dataset"]) == {"rd_e_gerdreg"}
    # the TSV's value, not the CSV's 2.83; only the TSV's regions (no CSV row leaks in)
    r = one(st, "gerd_total_pc_gdp", "AT33", 2019)
    assert (r["value"], r["flag"], r["unit"]) == (2.86, "", "% of GDP")
    assert raw_csv_value(shared_data / "indicators/rd_e_gerdreg_total_pc_gdp.csv", "AT33", 2019) == 2.83
    assert set(st.loc[st["indicator"] == "gerd_total_pc_gdp", "region"]) == {"AT33", "DE11", "FRK2"}
    assert (
        one(st, "gerd_total_pc_gdp", "AT33", 2021)["value"],
        one(st, "gerd_total_pc_gdp", "AT33", 2021)["flag"],
    ) == (3.05, "p")
    # filters: each indicator gets its own sector and unit; no decoy value anywhere
    assert one(st, "gerd_bes_pc_gdp", "AT33", 2021)["value"] == 1.95
    assert one(st, "gerd_hes_pc_gdp", "AT33", 2021)[["value", "flag"]].tolist() == [1.02, "e"]
    assert one(st, "gerd_total_eur_hab", "AT33", 2021)[["value", "flag"]].tolist() == [1500.2, "p"]
    assert not gerd["value"].isin(DECOYS).any()
    assert gerd.groupby(["indicator", "region", "year"]).size().max() == 1
    # flagged missing cells stay missing (NaN, never 0) with their flag
    de = one(st, "gerd_total_pc_gdp", "DE11", 2019)
    assert math.isnan(de["value"]) and de["flag"] == "c"
    gov = one(st, "gerd_gov_pc_gdp", "AT33", 2021)
    assert math.isnan(gov["value"]) and gov["flag"] == "m"
    # old codes in the TSV are recoded like those of the CSVs
    fr = one(st, "gerd_total_pc_gdp", "FRK2", 2019)
    assert (fr["value"], fr["recoded_from"]) == (2.5, "FR71")
    # derived from TSV inputs; the other indicators still come from the CSVs
    assert one(st, "bes_share_gerd", "AT33", 2021)["value"] == pytest.approx(100 * 1.95 / 3.05)
    assert one(st, "bes_share_gerd", "AT33", 2021)["flag"] == "p"
    h = one(st, "hrst_pc_act", "DE11", 2020)
    assert (h["value"], h["source"]) == (51.0, "indicators/hrst_st_rcat_hrst_pc_act.csv")
    lv = latest_values(st, "AT33").set_index("indicator")
    assert (lv.loc["gerd_total_pc_gdp", "value"], lv.loc["gerd_total_pc_gdp", "year"]) == (3.05, 2021)
    assert lv.loc["gerd_total_pc_gdp", "source"] == "eurostat/rd_e_gerdreg.tsv"


def test_all_indicators_from_raw_tsvs_without_the_eurito_csvs(tmp_path, shared_data):
    folder = data_folder(tmp_path, shared_data, subdirs=("gisco", "eurostat"), tsvs=RAW_TSVS)
    assert not (folder / "indicators").exists()
    assert set(indicator_sources(folder).set_index("indicator").loc[TSV_INDICATORS, "reader"]) == {"eurostat_tsv"}
    report = load_report(folder)
    st = report.stats
    assert report.skipped == {}
    for ind in TSV_INDICATORS:
        rows = st[st["indicator"] == ind]
        assert rows["value"].notna().any(), ind
        assert set(rows["source"]) == {BY_ID[ind].tsv_file}, ind
    expected = {
        ("hrst_pc_act", 2021): (49.0, ""),
        ("se_pc_act", 2021): (9.9, "p"),
        ("patents_epo_p_mhab", 2012): (210.25, "e"),
        ("patents_epo_ht_p_mhab", 2012): (33.1, ""),
        ("rd_personnel_pc_act", 2020): (1.7, "p"),
        ("researchers_pc_act", 2020): (1.1, "p"),
    }
    for (ind, year), want in expected.items():
        r = one(st, ind, "AT33", year)
        assert (r["value"], r["flag"]) == want, ind
    assert not ((st["indicator"] == "patents_epo_ht_p_mhab") & (st["year"] == 2013)).any()  # bare ':' is no row
    # NUTS-1 AT3 from its four NUTS-2 parts, weighted by population (2020); 2021 misses AT34 -> missing
    pops = {
        c: float(raw_tsv_cell(shared_data / POP, f"A,NR,T,TOTAL,{c}", 2020).split()[0])
        for c in ("AT31", "AT32", "AT33", "AT34")
    }
    vals = {"AT31": 45.0, "AT32": 44.0, "AT33": 48.0, "AT34": 47.0}
    got = value_for_territory(st, "hrst_pc_act", "AT3")
    assert got["year"] == 2020 and got["aggregated"] is True and got["source"] == "eurostat/hrst_st_rcat.tsv"
    assert got["value"] == pytest.approx(sum(vals[c] * pops[c] for c in vals) / sum(pops.values()), rel=1e-12)


def test_raw_tsv_that_does_not_fit_the_filters_is_refused(tmp_path, shared_data):
    folder = data_folder(tmp_path, shared_data, subdirs=("gisco", "eurostat"))
    tsv = folder / "eurostat/hrst_st_rcat.tsv"
    # a dimension the catalogue does not fix (here: sex) would give several values per region and year
    tsv.write_text(
        "freq,category,sex,unit,geo\\TIME_PERIOD\t2020 \n"
        "A,HRST,F,PC_ACT,AT33\t50 \nA,HRST,M,PC_ACT,AT33\t46 \nA,HRST,T,PC_ACT,AT33\t48 \n",
        encoding="utf-8",
    )
    with pytest.raises(
        InputError,
        match=r"eurostat/hrst_st_rcat.tsv: hrst_pc_act: several rows per region and "
        r"year .* AT33 2020; the file has dimension\(s\) sex",
    ):
        load_statistics(folder, ["hrst_pc_act"])
    # a dimension the filter needs is not in the file
    tsv.write_text("freq,unit,geo\\TIME_PERIOD\t2020 \nA,PC_ACT,AT33\t48 \n", encoding="utf-8")
    with pytest.raises(InputError, match=r"eurostat/hrst_st_rcat.tsv: cannot filter on 'category'"):
        load_statistics(folder, ["hrst_pc_act"])
    # no row for the selection
    tsv.write_text(HRST_TSV.replace("A,SE,PC_ACT", "A,SE,PC_POP"), encoding="utf-8")
    with pytest.raises(
        InputError,
        match=r"eurostat/hrst_st_rcat.tsv: no rows for se_pc_act \(freq=A, category=SE, "
        r"unit=PC_ACT\)",
    ):
        load_statistics(folder, ["se_pc_act"])
    # a corrupt raw TSV is refused with its name and line, not silently replaced by the CSV
    (folder / "indicators").mkdir()
    for f in (shared_data / "indicators").iterdir():
        (folder / "indicators" / f.name).symlink_to(f)
    tsv.write_text(HRST_TSV[:-20], encoding="utf-8")
    with pytest.raises(InputError, match=r"eurostat/hrst_st_rcat.tsv, line 9: too few fields"):
        load_statistics(folder, ["hrst_pc_act"])


def test_missing_indicator_files_are_listed_or_skipped(tmp_path, shared_data):
    folder = data_folder(tmp_path, shared_data, subdirs=("gisco", "eurostat"), tsvs={"pat_ep_rtot": PAT_RTOT_TSV})
    with pytest.raises(InputError) as exc:
        load_statistics(folder)
    msg = str(exc.value)
    assert "10 problems found" in msg  # every missing indicator at once
    assert (
        "gerd_total_pc_gdp: neither 'eurostat/rd_e_gerdreg.tsv' (the raw Eurostat TSV, from `s3stresstest data "
        "pull`) nor 'indicators/rd_e_gerdreg_total_pc_gdp.csv'"
    ) in msg
    assert "patents_epo_p_mhab" not in msg
    report = load_report(folder, missing="skip")
    assert set(report.skipped) == set(TSV_INDICATORS) - {"patents_epo_p_mhab"} | {"bes_share_gerd"}
    assert set(report.stats["indicator"]) == {
        "population",
        "area",
        "density",
        "gdp_mio_eur",
        "gdp_eur_hab",
        "gdp_pps_hab",
        "gdp_pps_hab_eu27",
        "patents_epo_p_mhab",
    }
    lv = latest_values(report.stats, "AT33").set_index("indicator")
    assert math.isnan(lv.loc["gerd_total_pc_gdp", "value"]) and lv.loc["patents_epo_p_mhab", "value"] == 210.25


def test_load_is_cached_per_unchanged_files_and_copies_are_independent(tmp_path, shared_data):
    folder = data_folder(tmp_path, shared_data, subdirs=("gisco", "eurostat"), tsvs=RAW_TSVS)
    clear_cache()
    a = load_statistics(folder)
    a.loc[:, "value"] = -1.0  # the caller's copy
    b = load_statistics(folder)
    assert one(b, "patents_epo_p_mhab", "AT33", 2012)["value"] == 210.25
    assert b.attrs.get("completed") is True
    (folder / "eurostat/pat_ep_rtot.tsv").write_text(PAT_RTOT_TSV.replace("210.25 e", "222.5 p"), encoding="utf-8")
    c = load_statistics(folder)
    assert one(c, "patents_epo_p_mhab", "AT33", 2012)[["value", "flag"]].tolist() == [222.5, "p"]


# Eurostat code lists: the label of each code the catalogue filters on, as in the EURITO titles.
CODE_LABELS = {
    ("sectperf", "TOTAL"): "All sectors",
    ("sectperf", "BES"): "Business enterprise sector",
    ("sectperf", "GOV"): "Government sector",
    ("sectperf", "HES"): "Higher education sector",
    ("unit", "PC_GDP"): "Percentage of gross domestic product (GDP)",
    ("unit", "EUR_HAB"): "Euro per inhabitant",
    ("category", "HRST"): "Persons with tertiary education (ISCED) and/or employed in science and technology",
    ("category", "SE"): "Scientists and engineers",
    ("unit", "PC_ACT"): "Percentage of population in the labour force",
    ("unit", "P_MHAB"): "Per million inhabitants",
    ("ipc", "HT"): "High tech - total",
    ("prof_pos", "TOTAL"): "Total",
    ("prof_pos", "RSE"): "Researchers",
    ("sex", "T"): "Total",
    ("unit", "PC_ACT_FTE"): "Percentage of population in the labour force - numerator in full-time equivalent (FTE)",
}


def test_tsv_filters_match_the_eurito_selection(shared_data):
    for ind in CATALOGUE:
        if ind.reader != "tidy_csv":
            continue
        assert ind.tsv_file == f"eurostat/{ind.dataset}.tsv" and ind.tsv_filters["freq"] == "A", ind.id
        pulled = data_entry(ind.tsv_file)  # the file `data pull` stores for this dataset
        assert (pulled.service, pulled.dataset, pulled.kind) == ("eurostat", ind.dataset, "eurostat-tsv")
        meta = read_metadata(shared_data / Path(ind.file).with_suffix(".json"))
        assert meta.dataset == ind.dataset
        codes = {k: v for k, v in ind.tsv_filters.items() if k != "freq"}
        for dim, code in codes.items():
            assert CODE_LABELS[(dim, code)] in meta.title, (ind.id, dim, code, meta.title)
        # the EURITO id spells the same codes: rd_p_persreg_total_rse_pc_act_fte_t = TOTAL, RSE, PC_ACT_FTE, T
        rest = "_" + meta.id[len(ind.dataset) + 1 :] + "_"
        for code in codes.values():
            token = f"_{code.lower()}_"
            assert token in rest, (ind.id, code)
            rest = rest.replace(token, "_", 1)
        assert rest == "_", (ind.id, rest)


def test_flags_are_explained():
    assert explain_flags("p") == "p provisional"
    assert explain_flags("bep") == "b break in time series, e estimated, p provisional"
    assert explain_flags("") == ""
    assert explain_flags("@N") == "@N (annotation not in Eurostat's flag list)"
