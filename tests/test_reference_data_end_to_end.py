"""Reference data end to end through the CLI: `data seed ../shared/data`, then regions, neighbours, peers.

Everything runs against a fresh data directory (`S3ST_DATA_DIR`) filled by `data seed` from the
shared reference data, as a user on an offline machine would do. Oracles come from the raw
files read with plain string handling, independent of the package's readers.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

import s3stresstest.cli
import s3stresstest.cli.data

POP = "eurostat/demo_r_pjanaggr3.tsv"
TIROL_NEIGHBOURS = ["AT21", "AT32", "AT34", "CH05", "DE21", "DE27", "ITH1", "ITH3"]


def run(*args: str):
    return CliRunner().invoke(s3stresstest.cli.app, list(args))


@pytest.fixture(scope="module")
def seeded(shared_data, tmp_path_factory):
    """A data directory filled by `s3stresstest data seed <shared data>`; the seed output."""
    folder = tmp_path_factory.mktemp("s3st_data")
    mp = pytest.MonkeyPatch()
    mp.setenv("S3ST_DATA_DIR", str(folder))
    result = run("data", "seed", str(shared_data))
    mp.undo()
    assert result.exit_code == 0, result.output
    return folder, result.stdout


@pytest.fixture
def data_env(seeded, monkeypatch):
    folder, _ = seeded
    monkeypatch.setenv("S3ST_DATA_DIR", str(folder))
    return folder


def nuts2_names(shared_data: Path) -> dict[str, str]:
    doc = json.loads((shared_data / "gisco/NUTS_RG_20M_2021_4326_LEVL_2.geojson").read_text(encoding="utf-8"))
    return {f["properties"]["NUTS_ID"]: f["properties"]["NAME_LATN"].strip() for f in doc["features"]}


def latest_raw_population(shared_data: Path, code: str) -> tuple[int, int]:
    lines = (shared_data / POP).read_text(encoding="utf-8").split("\n")
    years = [int(h.strip()) for h in lines[0].rstrip("\r").split("\t")[1:]]
    for ln in lines[1:]:
        parts = ln.rstrip("\r").split("\t")
        if parts[0] == f"A,NR,T,TOTAL,{code}":
            have = [(y, c.split()[0]) for y, c in zip(years, parts[1:], strict=True) if not c.startswith(":")]
            year, value = max(have)
            return int(float(value)), year
    raise KeyError(code)


def test_seed_installs_every_shared_catalogue_file_and_status_says_ok(seeded, data_env, shared_data, monkeypatch):
    folder, seed_out = seeded
    installed = re.findall(r"^\s+(\S+/\S+)\s+[\d,]+ bytes", seed_out, flags=re.M)
    expected = sorted(
        p.relative_to(shared_data).as_posix()
        for sub in ("gisco", "eurostat", "indicators")
        for p in (shared_data / sub).iterdir()
    )
    assert sorted(installed) == expected and len(installed) == 29
    assert f"Installed 29 files into {folder}" in seed_out
    # The status table is wider than 80 columns; give it room so every row shows its check.
    monkeypatch.setattr(s3stresstest.cli.data, "out", Console(width=260, highlight=False))
    result = run("data", "status")
    assert result.exit_code == 0, result.output
    for path in installed:
        line = next(ln for ln in result.stdout.splitlines() if f" {path} " in ln)
        assert re.search(r"│ ok\s*│", line), line
        assert "│ seed │" in line
    assert "29 of 34 files present." in result.stdout
    for missing in ("eurostat/rd_e_gerdreg.tsv", "eurostat/pat_ep_rtot.tsv"):  # pull only: not in the shared data
        assert "missing" in next(ln for ln in result.stdout.splitlines() if f" {missing} " in ln)


def test_show_tirol(data_env, shared_data):
    result = run("regions", "show", "AT33")
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert re.search(r"^AT33\s+Tirol$", text, flags=re.M)
    assert "level:         NUTS-2" in text
    assert "parents:       AT3 Westösterreich › AT Österreich" in text
    rows = re.findall(r"^│ ([A-Z]{2}[0-9A-Z]{2}) │", text, flags=re.M)  # the neighbour table
    assert rows == TIROL_NEIGHBOURS
    assert "Neighbours at NUTS-2 (8)" in text
    value, year = latest_raw_population(shared_data, "AT33")
    line = next(ln for ln in text.splitlines() if ln.startswith("Population on"))
    assert re.search(rf"\s{value:,}\s+persons\s+{year}\s", line), line
    assert "demo_r_pjanaggr3" in line
    assert "Source: Eurostat (demo_r_pjanaggr3" in text
    assert "EuroGeographics" in text


def test_neighbours_of_malta_are_none(data_env):
    result = run("regions", "neighbours", "MT00")
    assert result.exit_code == 0, result.output
    assert "MT00 Malta (NUTS-2, MT): no neighbours at NUTS-2" in result.stdout


def test_peers_of_tirol(data_env):
    result = run("peers", "AT33", "--k", "5")
    assert result.exit_code == 0, result.output
    rows = re.findall(r"^\s*(\d+) ([A-Z]{2}[0-9A-Z]{2}) .*? (\d+\.\d{3}) ", result.stdout, flags=re.M)
    assert [int(r[0]) for r in rows] == [1, 2, 3, 4, 5]
    codes = [r[1] for r in rows]
    assert "AT33" not in codes and len(set(codes)) == 5
    distances = [float(r[2]) for r in rows]
    assert distances == sorted(distances) and distances[0] > 0
    assert "Structural peers of AT33 Tirol" in result.stdout and "Source: Eurostat" in result.stdout


@pytest.mark.slow  # about 5 s
def test_show_a_sample_of_nuts2_regions(data_env, shared_data):
    names = nuts2_names(shared_data)
    assert len(names) == 333
    sample = random.Random(20240521).sample(sorted(names), 20)
    for code in sample:
        result = run("regions", "show", code)
        assert result.exit_code == 0, (code, result.output)
        head = rf"^{code}\s+{re.escape(names[code])}$"
        assert re.search(head, result.stdout, flags=re.M), (code, result.stdout[:300])
        assert "level:         NUTS-2" in result.stdout
        assert "Population on" in result.stdout and "Source: Eurostat (" in result.stdout


def test_unknown_code_exits_2_with_a_suggestion(data_env):
    result = run("regions", "show", "AT39")
    assert result.exit_code == 2
    assert "unknown NUTS 2021 region 'AT39'" in result.stderr
    assert "did you mean" in result.stderr and "AT33 (Tirol)" in result.stderr
    assert result.stdout == ""
