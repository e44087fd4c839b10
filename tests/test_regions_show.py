"""`regions show`: the latest value of every catalogue indicator, and `region_summary` for library users.

Oracles are read from the raw files with plain string handling (independent of the readers), or
are hand-written raw TSVs whose values and flags are chosen here.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from rich.console import Console
from typer.testing import CliRunner

from s3stresstest.cli import regions as cli_regions
from s3stresstest.cli.regions import regions_app
from s3stresstest.regions import statistics
from s3stresstest.regions.indicators import BY_ID, CATALOGUE
from s3stresstest.regions.nuts import NutsRegistry
from s3stresstest.regions.statistics import load_report
from s3stresstest.regions.summary import region_summary

POP = "eurostat/demo_r_pjanaggr3.tsv"

GERD_TSV = (
    "freq,sectperf,unit,geo\\TIME_PERIOD\t2020 \t2021 \n"
    "A,BES,PC_GDP,AT33\t1.85 \t1.95 p\n"
    "A,GOV,PC_GDP,AT33\t0.12 \t: m\n"
    "A,HES,PC_GDP,AT33\t1 \t1.02 e\n"
    "A,TOTAL,EUR_HAB,AT33\t1450 \t1500.2 p\n"
    "A,TOTAL,MIO_EUR,AT33\t1111.1 \t1222.2 p\n"
    "A,TOTAL,PC_GDP,AT33\t3 \t3.05 p\n"
)


@pytest.fixture(scope="module")
def reg(shared_data) -> NutsRegistry:
    return NutsRegistry.load(shared_data)


@pytest.fixture(scope="module")
def report(shared_data):
    return load_report(shared_data)


@pytest.fixture
def wide(monkeypatch):
    """A wide console, so that assertions can look for whole cells on one line."""
    monkeypatch.setattr(cli_regions, "out", Console(width=220, highlight=False))


def show(*args: str):
    return CliRunner().invoke(regions_app, ["show", *args])


def latest_raw_population(shared_data: Path, code: str) -> tuple[float, int, str]:
    """Latest (value, year, flag) of `A,NR,T,TOTAL,<code>` in the raw population TSV."""
    lines = (shared_data / POP).read_text(encoding="utf-8").split("\n")
    years = [int(h.strip()) for h in lines[0].rstrip("\r").split("\t")[1:]]
    for ln in lines[1:]:
        parts = ln.rstrip("\r").split("\t")
        if parts[0] == f"A,NR,T,TOTAL,{code}":
            cells = [(y, c.strip().partition(" ")) for y, c in zip(years, parts[1:], strict=True)]
            y, (v, _, f) = max((y, c) for y, c in cells if c[0] != ":")
            return float(v), y, f
    raise KeyError(code)


def row_line(text: str, start: str) -> str:
    """The output line whose text begins (after indentation) with `start`."""
    hits = [ln for ln in text.splitlines() if ln.lstrip().startswith(start)]
    assert hits, f"no line starting with {start!r} in:\n{text}"
    return hits[0]


def linked_folder(tmp_path: Path, shared_data: Path, subdirs: tuple[str, ...]) -> Path:
    folder = tmp_path / "data"
    for sub in subdirs:
        (folder / sub).mkdir(parents=True)
        for f in (shared_data / sub).iterdir():
            (folder / sub / f.name).symlink_to(f)
    return folder


# -- the library API ---------------------------------------------------------------------------------


def test_region_summary_has_the_latest_value_of_every_indicator(reg, shared_data):
    info = region_summary(reg, "Tirol")
    frame = info["indicators"]
    assert isinstance(frame, pd.DataFrame)
    assert frame["indicator"].tolist() == [i.id for i in CATALOGUE]
    for col in (
        "name",
        "value",
        "unit",
        "year",
        "flag",
        "flag_meaning",
        "source",
        "dataset",
        "attribution",
        "aggregated",
        "recoded_from",
        "note",
        "status",
    ):
        assert col in frame.columns, col
    row = frame.set_index("indicator").loc["population"]
    value, year, flag = latest_raw_population(shared_data, "AT33")
    assert (row["value"], row["year"], row["flag"]) == (value, year, flag)
    assert row["unit"] == "persons" and row["status"] == "ok"
    assert row["attribution"] == "Source: Eurostat (demo_r_pjanaggr3)" and row["source"] == POP
    gerd = frame.set_index("indicator").loc["gerd_total_pc_gdp"]
    assert (gerd["value"], gerd["year"], gerd["source"]) == (2.83, 2019, "indicators/rd_e_gerdreg_total_pc_gdp.csv")
    assert frame.set_index("indicator").loc["density", "note"].startswith("computed: ")
    assert (frame["attribution"] == [BY_ID[i].attribution for i in frame["indicator"]]).all()


def test_region_summary_reuses_given_statistics(reg, report, monkeypatch):
    def no_reload(*args, **kwargs):
        raise AssertionError("statistics read again")

    monkeypatch.setattr(statistics, "load_report", no_reload)
    frames = [region_summary(reg, code, report.stats)["indicators"] for code in ("AT33", "DE11", "ITH1")]
    assert all(len(f) == len(CATALOGUE) for f in frames)
    assert region_summary(reg, "AT33", indicators=False)["indicators"] is None


def test_missing_values_are_nan_and_shown_as_missing(reg, report, shared_data, wide):
    frame = region_summary(reg, "LI00", report.stats)["indicators"].set_index("indicator")
    # Liechtenstein is in no EURITO file: missing, never 0
    for ind in ("gerd_total_pc_gdp", "hrst_pc_act", "patents_epo_p_mhab"):
        assert math.isnan(frame.loc[ind, "value"]) and pd.isna(frame.loc[ind, "year"]), ind
        assert frame.loc[ind, "status"] == "missing"
    assert frame.loc["population", "status"] == "ok"
    result = show("LI00", "--folder", str(shared_data))
    assert result.exit_code == 0, result.output
    line = row_line(result.stdout, "GERD, all sectors (R&D intensity)")
    assert " missing " in line and " 0 " not in line
    assert "missing: no value for this territory" in result.stdout and "never counted as 0" in result.stdout


def test_flags_recoding_and_aggregation_are_marked(reg, report, shared_data, wide):
    frk2 = region_summary(reg, "FRK2", report.stats)["indicators"].set_index("indicator")
    value, year, flag = latest_raw_population(shared_data, "FRK2")
    assert flag == "p" and frk2.loc["population", "flag_meaning"] == "p provisional"
    assert frk2.loc["gerd_total_pc_gdp", "recoded_from"] == "FR71"
    assert frk2.loc["gerd_total_pc_gdp", "note"] == "recoded from FR71"
    out = show("FRK2", "--folder", str(shared_data)).stdout
    line = row_line(out, "Population on 1 January")
    assert f"{value:,.0f}" in line and str(year) in line and "p provisional" in line and "demo_r_pjanaggr3" in line
    assert "recoded from FR71" in row_line(out, "GERD, all sectors")
    assert "Source: Eurostat (demo_r_pjanaggr3" in out

    frf = region_summary(reg, "FRF", report.stats)["indicators"].set_index("indicator")
    assert bool(frf.loc["gerd_total_pc_gdp", "aggregated"]) and frf.loc["gerd_total_pc_gdp", "year"] == 2013
    assert frf.loc["gerd_total_pc_gdp", "note"] == "aggregated from parts"
    out = show("FRF", "--folder", str(shared_data)).stdout
    assert "aggregated from parts" in row_line(out, "GERD, all sectors")
    assert "2013" in row_line(out, "GERD, all sectors")
    assert "aggregated from parts: not published for this territory" in out


def test_show_reads_the_raw_tsv_when_present(tmp_path, shared_data, wide):
    folder = linked_folder(tmp_path, shared_data, ("gisco", "eurostat", "indicators"))
    (folder / "eurostat/rd_e_gerdreg.tsv").write_text(GERD_TSV, encoding="utf-8")
    result = show("AT33", "--folder", str(folder))
    assert result.exit_code == 0, result.output
    line = row_line(result.stdout, "GERD, all sectors")
    assert "3.05" in line and "2021" in line and "p provisional" in line and "rd_e_gerdreg" in line
    assert "2.83" not in result.stdout  # the EURITO value is not used when the raw TSV is there
    gov = row_line(result.stdout, "GERD, government sector")
    assert "0.12" in gov and "2020" in gov  # 2021 is ': m' (missing): the latest value is 2020's
    assert "e estimated" in row_line(result.stdout, "GERD, higher education sector")
    assert "eurostat/rd_e_gerdreg.tsv" in row_line(result.stdout, "read from:")
    info = region_summary(NutsRegistry.load(folder), "AT33")
    assert info["indicators"].set_index("indicator").loc["gerd_total_pc_gdp", "source"] == "eurostat/rd_e_gerdreg.tsv"


def test_show_with_partial_data(tmp_path, shared_data, wide):
    folder = linked_folder(tmp_path, shared_data, ("gisco",))
    result = show("AT33", "--folder", str(folder))
    assert result.exit_code == 0, result.output
    assert "Tirol" in result.stdout and "indicators:    none installed" in result.stdout
    for sub in ("eurostat",):
        (folder / sub).mkdir()
        for f in (shared_data / sub).iterdir():
            (folder / sub / f.name).symlink_to(f)
    result = show("AT33", "--folder", str(folder))
    assert result.exit_code == 0, result.output
    line = row_line(result.stdout, "GERD, all sectors")
    assert "missing" in line and "not installed" in line
    assert "not installed: gerd_total_pc_gdp: neither 'eurostat/rd_e_gerdreg.tsv'" in result.stdout
    assert "51,200" in row_line(result.stdout, "GDP per inhabitant ")
    frame = region_summary(NutsRegistry.load(folder), "AT33")["indicators"].set_index("indicator")
    assert frame.loc["gerd_total_pc_gdp", "status"] == "not installed"
    assert frame.loc["bes_share_gerd", "status"] == "not installed"
    assert frame.loc["gdp_eur_hab", "status"] == "ok"


def test_show_refuses_a_corrupt_statistics_file(tmp_path, shared_data):
    folder = linked_folder(tmp_path, shared_data, ("gisco", "eurostat", "indicators"))
    (folder / "eurostat/rd_e_gerdreg.tsv").write_text(GERD_TSV[:-12], encoding="utf-8")
    result = show("AT33", "--folder", str(folder))
    assert result.exit_code == 2
    assert "eurostat/rd_e_gerdreg.tsv, line 7: too few fields" in result.stderr and result.stdout == ""


def test_statistics_are_read_once_per_command_and_not_for_unknown_codes(shared_data, monkeypatch):
    calls = []
    real = statistics._load_report

    def counting(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(statistics, "_load_report", counting)
    statistics.clear_cache()
    result = show("DE2", "--folder", str(shared_data))
    assert result.exit_code == 0, result.output
    assert len(calls) == 1
    result = show("AT3X", "--folder", str(shared_data))
    assert result.exit_code == 2 and "did you mean" in result.stderr
    assert len(calls) == 1
