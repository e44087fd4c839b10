"""The data directory: catalogue, `seed` from a local folder, manifest, `status`, and the `data` CLI.

Runs against the real reference data in ../shared/data (fixture `shared_data`: fails, never skips,
when it is missing). Corrupt copies are made in tmp folders; the shared data is never modified.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from s3stresstest.cli.data import data_app
from s3stresstest.errors import InputError
from s3stresstest.regions.data_catalogue import CATALOGUE, entry, select
from s3stresstest.regions.datadir import data_dir, require_file, seed, status

LEVL2 = "gisco/NUTS_RG_20M_2021_4326_LEVL_2.geojson"
GDP = "eurostat/estat_nama_10r_3gdp.tsv"
AREA = "eurostat/reg_area3.tsv"
GERD = "indicators/rd_e_gerdreg_total_pc_gdp.csv"
GERD_META = "indicators/rd_e_gerdreg_total_pc_gdp.json"
REFERENCE_FOLDERS = ("gisco", "eurostat", "indicators")


def sha256sums(folder: Path) -> dict[str, str]:
    lines = (folder / "MANIFEST.sha256").read_text(encoding="utf-8").splitlines()
    return {name: digest for digest, name in (line.split(None, 1) for line in lines if line.strip())}


def snapshot(folder: Path) -> dict[str, str]:
    """Every file below `folder` (hidden ones too) with its sha256: to prove nothing changed."""
    if not folder.exists():
        return {}
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def writable_copy(shared: Path, dest: Path, paths: list[str], *, with_sums: bool = True) -> Path:
    """Copy some shared files into `dest` (writable, unlike the read-only originals)."""
    for rel in paths:
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shared / rel, dest / rel)
    if with_sums:
        shutil.copyfile(shared / "MANIFEST.sha256", dest / "MANIFEST.sha256")
    return dest


@pytest.fixture
def ddir(tmp_path, monkeypatch) -> Path:
    target = tmp_path / "datadir"
    monkeypatch.setenv("S3ST_DATA_DIR", str(target))
    return target


# --- catalogue ---------------------------------------------------------------------------------


def test_catalogue_lists_every_reference_file_with_its_checksum(shared_data):
    sums = sha256sums(shared_data)
    on_disk = sorted(
        p.relative_to(shared_data).as_posix()
        for folder in REFERENCE_FOLDERS
        for p in (shared_data / folder).iterdir()
        if p.is_file()
    )
    with_copy = sorted(d.path for d in CATALOGUE if d.sha256)
    assert with_copy == on_disk and len(on_disk) == 29
    for d in CATALOGUE:
        assert d.path.split("/")[0] in REFERENCE_FOLDERS  # no coinr-asem/ or fixtures/
        assert d.name and d.publisher in ("Eurostat", "Eurostat – GISCO") and d.licence and d.attribution
        assert d.source_url.startswith("https://")
        if d.sha256:
            assert sums[d.path] == d.sha256
            assert (shared_data / d.path).stat().st_size == d.size


def test_catalogue_is_honest_about_what_pull_can_fetch():
    gisco = [d for d in CATALOGUE if d.path.startswith("gisco/")]
    assert [d.source_url for d in gisco] == [
        f"https://gisco-services.ec.europa.eu/distribution/v2/nuts/geojson/NUTS_RG_20M_2021_4326_LEVL_{n}.geojson"
        for n in range(4)
    ]
    assert (
        entry(GDP).source_url
        == "https://ec.europa.eu/eurostat/api/dissemination/sdmx/2.1/data/nama_10r_3gdp?format=TSV"
    )
    assert "EuroGeographics" in gisco[0].attribution and "non-commercial" in gisco[0].licence
    assert entry(GDP).attribution == "Source: Eurostat (nama_10r_3gdp)"
    # the EURITO copies: seed only, their Eurostat dataset and the copy's provenance recorded
    assert all(d.obtainable == "seed only" for d in CATALOGUE if d.path.startswith("indicators/"))
    assert entry(GERD).dataset == "rd_e_gerdreg" and "nestauk/eurito_indicators" in entry(GERD).provenance
    assert "b6eb9c76eb11bc46fe9bcb97dcecf3c58e12cf5c" in entry(GERD).provenance
    # what pull fetches instead: the Eurostat TSV of each underlying dataset, no reference copy
    raw = {d.dataset for d in CATALOGUE if d.obtainable == "pull"}
    assert raw == {"rd_e_gerdreg", "hrst_st_rcat", "pat_ep_rtot", "pat_ep_rtec", "rd_p_persreg"}
    assert all(entry(f"eurostat/{code}.tsv").sha256 is None for code in raw)
    assert {d.path for d in select(["gisco"])} == {d.path for d in gisco}
    with pytest.raises(InputError, match="matches no pullable catalogue file"):
        select([GERD], pullable=True)


# --- seed and status ---------------------------------------------------------------------------


def test_seed_from_shared_data_installs_everything_and_status_agrees(shared_data, ddir):
    records = seed(shared_data)
    assert len(records) == 29
    frame = status().set_index("path")
    with_copy = frame[frame.obtainable != "pull"]
    assert with_copy.present.all() and (with_copy.integrity == "ok").all()
    assert (with_copy.how == "seed").all() and with_copy.matches_reference.all()
    assert (frame[frame.obtainable == "pull"].integrity == "missing").all()
    assert frame.loc[LEVL2, "size"] == 402930
    assert frame.loc[LEVL2, "sha256"] == entry(LEVL2).sha256

    manifest = json.loads((ddir / "manifest.json").read_text(encoding="utf-8"))
    by_path = {r["path"]: r for r in manifest["files"]}
    assert len(by_path) == 29
    for rec in by_path.values():
        for key in (
            "name",
            "path",
            "source_url",
            "publisher",
            "licence",
            "attribution",
            "retrieved",
            "sha256",
            "size",
            "how",
            "origin",
        ):
            assert rec[key] not in (None, ""), (rec["path"], key)
        assert rec["how"] == "seed" and rec["origin"] == str(shared_data.resolve())
        assert rec["retrieved"].endswith("Z") and rec["verified"] == "sha256 matches MANIFEST.sha256"
    assert "EuroGeographics" in by_path[LEVL2]["attribution"]
    assert "2011/833/EU" in by_path[GDP]["licence"]
    assert by_path[GERD]["source_url"].endswith("/rd_e_gerdreg?format=TSV")
    assert by_path[GERD]["provenance"].startswith("EURITO tidy copy")
    assert (ddir / GDP).read_bytes() == (shared_data / GDP).read_bytes()
    assert not [p for p in ddir.iterdir() if p.name.startswith(".")]  # no staging or temp files left
    assert require_file(LEVL2) == ddir / LEVL2


def test_seed_again_is_idempotent(shared_data, ddir):
    seed(shared_data, only=["gisco"])
    first = snapshot(ddir)
    seed(shared_data, only=["gisco"])
    second = snapshot(ddir)
    assert {k: v for k, v in first.items() if k != "manifest.json"} == {
        k: v for k, v in second.items() if k != "manifest.json"
    }
    assert len(json.loads((ddir / "manifest.json").read_text())["files"]) == 4


def test_status_of_an_empty_data_dir_lists_everything_missing(ddir):
    frame = status()
    assert len(frame) == len(CATALOGUE)
    assert not frame.present.any() and (frame.integrity == "missing").all()
    assert not ddir.exists()  # status only reads


def test_status_notices_changed_and_missing_files(shared_data, ddir):
    seed(shared_data, only=["gisco", AREA])
    (ddir / AREA).write_bytes((ddir / AREA).read_bytes() + b"A,TOTAL,KM2,XX\t1 \n")
    (ddir / "gisco/NUTS_RG_20M_2021_4326_LEVL_0.geojson").unlink()
    frame = status(ddir).set_index("path")
    assert frame.loc[AREA, "integrity"] == "changed" and not frame.loc[AREA, "matches_reference"]
    assert frame.loc["gisco/NUTS_RG_20M_2021_4326_LEVL_0.geojson", "integrity"] == "missing"
    assert frame.loc[LEVL2, "integrity"] == "ok"


def test_seed_from_a_flat_folder_without_checksums(shared_data, tmp_path, ddir):
    flat = tmp_path / "downloads"
    flat.mkdir()
    shutil.copyfile(shared_data / LEVL2, flat / LEVL2.split("/")[1])
    shutil.copyfile(shared_data / AREA, flat / "reg_area3.tsv")
    records = {r["path"]: r for r in seed(flat)}
    assert set(records) == {LEVL2, AREA}
    assert records[LEVL2]["verified"] == "sha256 matches the catalogue's reference copy"


def test_seed_from_another_data_dir_checks_its_manifest(shared_data, tmp_path, ddir):
    other = tmp_path / "other"
    seed(shared_data, other, only=["gisco"])
    seed(other)
    assert json.loads((ddir / "manifest.json").read_text())["files"][0]["verified"] == "sha256 matches manifest.json"
    # a file altered after the other data dir's manifest was written is refused
    path = other / LEVL2
    path.write_bytes(path.read_bytes().replace(b"Tirol", b"Tyrol"))
    before = snapshot(ddir)
    with pytest.raises(InputError, match=re.escape("does not match manifest.json")):
        seed(other)
    assert snapshot(ddir) == before


# --- bad input: corrupt or truncated files change nothing ---------------------------------------


@pytest.fixture
def previous(shared_data, ddir) -> dict[str, str]:
    """A data dir holding an earlier seed: what must survive a refused seed byte for byte."""
    seed(shared_data, only=["gisco", AREA, GERD])
    return snapshot(ddir)


def test_truncated_geojson_is_refused_by_checksum(shared_data, tmp_path, ddir, previous):
    folder = writable_copy(shared_data, tmp_path / "copy", [LEVL2, AREA, GERD, GERD_META])
    data = (folder / LEVL2).read_bytes()
    (folder / LEVL2).write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError) as info:
        seed(folder)
    msg = str(info.value)
    assert LEVL2 in msg and "does not match MANIFEST.sha256" in msg and "corrupt or truncated" in msg
    assert "201,465" in msg  # the truncated size is reported beside the reference size
    assert AREA not in msg  # only the bad file is named
    assert snapshot(ddir) == previous  # good files of the same seed were not installed either


def test_one_altered_byte_is_refused(shared_data, tmp_path, ddir, previous):
    folder = writable_copy(shared_data, tmp_path / "copy", [GDP])
    data = bytearray((folder / GDP).read_bytes())
    data[1000] ^= 0x01
    (folder / GDP).write_bytes(bytes(data))
    with pytest.raises(InputError, match=r"eurostat/estat_nama_10r_3gdp\.tsv .*does not match MANIFEST\.sha256"):
        seed(folder)
    assert snapshot(ddir) == previous


def _truncate_json(data: bytes) -> bytes:
    return data[: len(data) - 500]


def _bad_tsv_header(data: bytes) -> bytes:
    return data.replace(b"geo\\TIME_PERIOD", b"geo_TIME_PERIOD", 1)


def _cut_tsv_line(data: bytes) -> bytes:
    return data[: data.rindex(b"\n", 0, len(data) - 1) + 30]


def _bad_csv_value(data: bytes) -> bytes:
    return data.replace(b",2.67\n", b",2,67\n", 1)


@pytest.mark.parametrize(
    "rel, corrupt, expected",
    [
        (LEVL2, _truncate_json, ["not valid JSON (the file is truncated)"]),
        (LEVL2, lambda d: d.replace(b'"LEVL_CODE": 2', b'"LEVL_CODE": 3', 1), ["LEVL_CODE 3, expected 2"]),
        (AREA, _bad_tsv_header, ["line 1", "not a Eurostat TSV", "geo\\TIME_PERIOD"]),
        (AREA, _cut_tsv_line, ["line 2331", "the file is truncated"]),
        (AREA, lambda d: d.replace(b"12648 ", b"12x48 ", 1), ["cell '12x48 ' is neither a number"]),
        (GERD, _bad_csv_value, ["line 2", "7 fields, the header has 6"]),
        (GERD, lambda d: d.replace(b"region_id", b"region", 1), ["line 1", "header must be"]),
        (GERD_META, lambda d: d[:200], ["not valid JSON"]),
        (LEVL2, lambda d: b"", ["the file is empty"]),
    ],
)
def test_corrupt_file_without_checksum_list_is_refused_by_format_check(
    shared_data, tmp_path, ddir, previous, rel, corrupt, expected
):
    folder = writable_copy(shared_data, tmp_path / "copy", [LEVL2, AREA, GERD, GERD_META], with_sums=False)
    (folder / rel).write_bytes(corrupt((folder / rel).read_bytes()))
    with pytest.raises(InputError) as info:
        seed(folder)
    msg = str(info.value)
    assert rel in msg, msg
    for part in expected:
        assert part in msg, msg
    assert snapshot(ddir) == previous


def test_refused_seed_into_a_new_data_dir_leaves_no_trace(shared_data, tmp_path, ddir):
    folder = writable_copy(shared_data, tmp_path / "copy", [LEVL2])
    (folder / LEVL2).write_bytes(b'{"type": "FeatureCollection", "features": [')
    with pytest.raises(InputError, match=re.escape("NUTS_RG_20M_2021_4326_LEVL_2.geojson")):
        seed(folder)
    assert not ddir.exists()


def test_seed_refuses_missing_or_empty_folders(tmp_path, ddir):
    with pytest.raises(InputError, match="does not exist"):
        seed(tmp_path / "nowhere")
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="no catalogue files"):
        seed(tmp_path / "empty")
    assert not ddir.exists()


def test_corrupt_manifest_is_named(shared_data, ddir):
    seed(shared_data, only=[AREA])
    (ddir / "manifest.json").write_text('{"files": [', encoding="utf-8")
    with pytest.raises(InputError, match=re.escape("manifest.json")):
        status()
    before = snapshot(ddir)
    with pytest.raises(InputError, match="manifest is unreadable or corrupt"):
        seed(shared_data, only=["gisco"])
    assert snapshot(ddir) == before


def test_require_file_says_how_to_get_missing_data(ddir):
    with pytest.raises(InputError, match="s3stresstest data pull"):
        require_file(LEVL2)
    assert data_dir() == ddir


# --- CLI -----------------------------------------------------------------------------------------

runner = CliRunner()


def test_cli_seed_status_and_path(shared_data, ddir):
    result = runner.invoke(data_app, ["seed", str(shared_data)])
    assert result.exit_code == 0, result.output
    assert "Installed 29 files" in result.stdout
    result = runner.invoke(data_app, ["status"])
    assert result.exit_code == 0, result.output
    assert "29 of 34 files present" in result.stdout and "EuroGeographics" in result.stdout
    result = runner.invoke(data_app, ["path"])
    assert result.exit_code == 0 and result.stdout.strip() == str(ddir)


def test_cli_seed_refuses_a_corrupt_file_with_exit_code_2(shared_data, tmp_path, ddir, previous):
    folder = writable_copy(shared_data, tmp_path / "copy", [LEVL2])
    (folder / LEVL2).write_bytes((folder / LEVL2).read_bytes()[:1000])
    result = runner.invoke(data_app, ["seed", str(folder)])
    assert result.exit_code == 2, result.output
    assert "input refused" in result.stderr and "NUTS_RG_20M_2021_4326_LEVL_2.geojson" in result.stderr
    assert snapshot(ddir) == previous
