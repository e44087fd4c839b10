"""`pull` against a local HTTP server that mimics the publishers' URL layouts.

The server (127.0.0.1, random port, a thread) serves the real files of ../shared/data:
GISCO GeoJSON under `/gisco/distribution/v2/nuts/geojson/<file>`, Eurostat TSVs (gzip when the
query says `compressed=true`) under `/eurostat/api/dissemination/sdmx/2.1/data/<code>`. The raw
TSVs of the EURITO indicator datasets have no shared copy, so small synthetic TSVs stand in for
them. Per path, a test can make the server misbehave: truncate, corrupt, sleep, fail with 503/404.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import http.server
import io
import json
import threading
import time
import urllib.parse
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from s3stresstest.cli.data import data_app
from s3stresstest.errors import InputError
from s3stresstest.regions.data_catalogue import CATALOGUE, entry
from s3stresstest.regions.datadir import seed, status
from s3stresstest.regions.download import DownloadError, pull

GISCO_PREFIX = "/gisco/distribution/v2/nuts/geojson"
EUROSTAT_PREFIX = "/eurostat/api/dissemination/sdmx/2.1/data"
LEVL0 = "gisco/NUTS_RG_20M_2021_4326_LEVL_0.geojson"
LEVL2 = "gisco/NUTS_RG_20M_2021_4326_LEVL_2.geojson"
AREA = "eurostat/reg_area3.tsv"
FAST = {"timeout": 2.0, "retries": 0, "backoff": 0.01, "progress": False}


def synthetic_tsv(code: str) -> bytes:
    """A tiny well-formed Eurostat TSV standing in for a dataset with no shared copy (test data only)."""
    return (
        f"freq,unit,geo\\TIME_PERIOD\t2019 \t2020 \n"
        f"A,{code.upper()},AT33\t2.83 \t: \n"
        f"A,{code.upper()},DE11\t7.33 e\t: m\n"
    ).encode()


@functools.lru_cache(maxsize=1)
def served_files(shared: Path) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """What the stand-in publishers serve, by file name (GISCO) or dataset code (Eurostat); and gzipped."""
    files: dict[str, bytes] = {}
    for ds in CATALOGUE:
        if ds.service == "gisco":
            files[ds.path.split("/")[1]] = (shared / ds.path).read_bytes()
        elif ds.service == "eurostat":
            files[ds.dataset] = (shared / ds.path).read_bytes() if ds.sha256 else synthetic_tsv(ds.dataset)
    gzipped = {
        name: gzip.compress(body, compresslevel=1) for name, body in files.items() if not name.endswith(".geojson")
    }
    return files, gzipped


class Publisher:
    """The local stand-in for GISCO and Eurostat; `modes[name]` selects a misbehaviour per file."""

    def __init__(self, shared: Path):
        self.files, self.gzipped = served_files(shared)
        self.modes: dict[str, str] = {}
        self.hits: dict[str, int] = {}
        self.stop = threading.Event()
        self.sleep = 1.0
        publisher = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output quiet
                pass

            def do_GET(self):
                publisher.handle(self)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.block_on_close = False
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
        self.thread.start()
        host, port = self.server.server_address[:2]
        self.root = f"http://{host}:{port}"
        self.urls = {"gisco": self.root + GISCO_PREFIX, "eurostat": self.root + EUROSTAT_PREFIX}

    def close(self):
        self.stop.set()
        self.server.shutdown()
        self.server.server_close()

    def handle(self, req: http.server.BaseHTTPRequestHandler) -> None:
        url = urllib.parse.urlsplit(req.path)
        query = urllib.parse.parse_qs(url.query)
        for prefix in (GISCO_PREFIX, EUROSTAT_PREFIX):
            if url.path.startswith(prefix + "/"):
                name = url.path[len(prefix) + 1 :]
                break
        else:
            name = None
        if name not in self.files or (url.path.startswith(EUROSTAT_PREFIX) and query.get("format") != ["TSV"]):
            return self.reply(req, 404, b"not found")
        self.hits[name] = self.hits.get(name, 0) + 1
        mode = self.modes.get(name, "ok")
        body = self.files[name]
        if url.path.startswith(EUROSTAT_PREFIX) and query.get("compressed") == ["true"] and mode != "plain":
            body = self.gzipped[name]
        if mode == "sleep":
            self.stop.wait(self.sleep)
            return self.reply(req, 200, body)
        if (mode == "503-once" and self.hits[name] == 1) or mode == "503":
            return self.reply(req, 503, b"Service Unavailable")
        if mode == "404":
            return self.reply(req, 404, b"not found")
        if mode == "truncate":  # announces the full length, sends half, closes
            return self.reply(req, 200, body[: len(body) // 2], length=len(body))
        if mode == "half":  # a complete HTTP response whose content is cut: only the format check can tell
            return self.reply(req, 200, body[: len(body) // 2])
        if mode == "encoded":  # HTTP-level compression, as a server may do for `Accept-Encoding: gzip`
            assert "gzip" in req.headers.get("Accept-Encoding", "")
            return self.reply(req, 200, gzip.compress(body, compresslevel=1), encoding="gzip")
        if mode == "html":
            return self.reply(req, 200, b"<html><body>Maintenance</body></html>")
        return self.reply(req, 200, body)

    @staticmethod
    def reply(req, code: int, body: bytes, length: int | None = None, encoding: str | None = None) -> None:
        try:
            req.send_response(code)
            req.send_header("Content-Type", "application/octet-stream")
            if encoding:
                req.send_header("Content-Encoding", encoding)
            req.send_header("Content-Length", str(len(body) if length is None else length))
            req.end_headers()
            req.wfile.write(body)
            req.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
            pass
        req.close_connection = True


@pytest.fixture
def publisher(shared_data):
    server = Publisher(shared_data)
    yield server
    server.close()


@pytest.fixture
def ddir(tmp_path, monkeypatch) -> Path:
    target = tmp_path / "datadir"
    monkeypatch.setenv("S3ST_DATA_DIR", str(target))
    for var in ("NO_PROXY", "no_proxy"):  # never send the local test traffic through a proxy
        monkeypatch.setenv(var, "127.0.0.1,localhost")
    return target


def snapshot(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def records(folder: Path) -> dict[str, dict]:
    return {r["path"]: r for r in json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["files"]}


# --- good files ----------------------------------------------------------------------------------


def test_pull_installs_every_pullable_file(publisher, ddir, shared_data):
    installed = pull(publisher.urls, **FAST)
    pullable = [d for d in CATALOGUE if d.service]
    assert sorted(r["path"] for r in installed) == sorted(d.path for d in pullable) and len(pullable) == 12
    recs = records(ddir)
    for ds in pullable:
        rec = recs[ds.path]
        assert rec["how"] == "pull" and rec["source_url"] == ds.source_url  # the publisher's official URL
        assert rec["origin"] == ds.download_url(publisher.urls) and rec["origin"].startswith(publisher.root)
        assert rec["licence"] == ds.licence and rec["attribution"] == ds.attribution
        assert rec["sha256"] == hashlib.sha256((ddir / ds.path).read_bytes()).hexdigest()
        assert rec["size"] == (ddir / ds.path).stat().st_size
    # served gzip-compressed (compressed=true), stored decompressed and identical to the shared copy
    assert (ddir / AREA).read_bytes() == (shared_data / AREA).read_bytes()
    assert "gzip-decompressed" in recs[AREA]["verified"] and "identical to the reference copy" in recs[AREA]["verified"]
    assert recs[LEVL2]["sha256"] == entry(LEVL2).sha256
    frame = status().set_index("path")
    assert (frame.loc[[d.path for d in pullable], "integrity"] == "ok").all()
    assert (frame[frame.obtainable == "seed only"].integrity == "missing").all()  # EURITO copies: seed only
    assert publisher.hits["NUTS_RG_20M_2021_4326_LEVL_2.geojson"] == 1
    assert not [p for p in ddir.iterdir() if p.name.startswith(".")]


def test_plain_tsv_is_accepted_when_the_server_does_not_compress(publisher, ddir, shared_data):
    publisher.modes["reg_area3"] = "plain"
    pull(publisher.urls, only=[AREA], **FAST)
    assert (ddir / AREA).read_bytes() == (shared_data / AREA).read_bytes()
    assert "gzip" not in records(ddir)[AREA]["verified"]


def test_content_encoding_gzip_is_decoded(publisher, ddir, shared_data):
    publisher.modes["NUTS_RG_20M_2021_4326_LEVL_2.geojson"] = "encoded"
    pull(publisher.urls, only=[LEVL2], **FAST)
    assert (ddir / LEVL2).read_bytes() == (shared_data / LEVL2).read_bytes()
    assert "gzip-decompressed" in records(ddir)[LEVL2]["verified"]


def test_pull_replaces_a_seeded_copy_and_keeps_the_others(publisher, ddir, shared_data):
    seed(shared_data, only=["gisco", "indicators"])
    pull(publisher.urls, only=[LEVL2], **FAST)
    recs = records(ddir)
    assert recs[LEVL2]["how"] == "pull" and recs[LEVL0]["how"] == "seed" and len(recs) == 26


def test_base_urls_from_environment_and_progress_bar(publisher, ddir, monkeypatch):
    monkeypatch.setenv("S3ST_GISCO_URL", publisher.urls["gisco"])
    monkeypatch.setenv("S3ST_EUROSTAT_URL", publisher.urls["eurostat"])
    buffer = io.StringIO()
    pull(
        only=[LEVL0, "rd_e_gerdreg"],
        timeout=2.0,
        retries=0,
        progress=True,
        console=Console(file=buffer, force_terminal=False, width=100),
    )
    recs = records(ddir)
    assert set(recs) == {LEVL0, "eurostat/rd_e_gerdreg.tsv"}
    assert (
        recs["eurostat/rd_e_gerdreg.tsv"]["origin"]
        == f"{publisher.urls['eurostat']}/rd_e_gerdreg?format=TSV&compressed=true"
    )
    assert "NUTS_RG_20M_2021_4326_LEVL_0.geojson" in buffer.getvalue()


def test_503_then_200_succeeds_on_retry(publisher, ddir):
    publisher.modes["NUTS_RG_20M_2021_4326_LEVL_0.geojson"] = "503-once"
    pull(publisher.urls, only=[LEVL0], timeout=2.0, retries=2, backoff=0.01, progress=False)
    assert publisher.hits["NUTS_RG_20M_2021_4326_LEVL_0.geojson"] == 2
    assert "after 2 attempts" in records(ddir)[LEVL0]["verified"]
    assert records(ddir)[LEVL0]["sha256"] == entry(LEVL0).sha256


# --- bad downloads keep the previous version ----------------------------------------------------


@pytest.fixture
def previous(shared_data, ddir) -> dict[str, str]:
    seed(shared_data, only=["gisco", AREA])
    return snapshot(ddir)


def test_truncated_body_keeps_previous_version(publisher, ddir, previous):
    publisher.modes["NUTS_RG_20M_2021_4326_LEVL_2.geojson"] = "truncate"
    with pytest.raises(DownloadError) as info:
        pull(publisher.urls, only=[LEVL2], timeout=2.0, retries=1, backoff=0.01, progress=False)
    msg = str(info.value)
    url = f"{publisher.urls['gisco']}/NUTS_RG_20M_2021_4326_LEVL_2.geojson"
    assert url in msg and "truncated download: received 201,465 of 402,930 bytes" in msg
    assert "gave up after 2 attempts" in msg and "the previous version is kept" in msg
    assert publisher.hits["NUTS_RG_20M_2021_4326_LEVL_2.geojson"] == 2  # truncation is retried
    assert snapshot(ddir) == previous


def test_failed_file_does_not_block_the_others(publisher, ddir, previous):
    publisher.modes["NUTS_RG_20M_2021_4326_LEVL_2.geojson"] = "truncate"
    with pytest.raises(DownloadError) as info:
        pull(publisher.urls, only=["gisco"], **FAST)
    assert [p.source for p in info.value.problems] == [LEVL2]
    assert sorted(r["path"] for r in info.value.installed) == [
        f"gisco/NUTS_RG_20M_2021_4326_LEVL_{n}.geojson" for n in (0, 1, 3)
    ]
    recs = records(ddir)
    assert recs[LEVL2]["how"] == "seed" and recs[LEVL0]["how"] == "pull"
    after = snapshot(ddir)
    assert after[LEVL2] == previous[LEVL2] and after[AREA] == previous[AREA]


@pytest.mark.parametrize(
    "name, rel, mode, expected",
    [
        ("NUTS_RG_20M_2021_4326_LEVL_2.geojson", LEVL2, "half", "not valid JSON (the file is truncated)"),
        ("NUTS_RG_20M_2021_4326_LEVL_2.geojson", LEVL2, "html", "not valid JSON"),
        ("reg_area3", AREA, "half", "gzip stream is truncated or corrupt"),
        ("reg_area3", AREA, "html", "not a Eurostat TSV"),
    ],
)
def test_corrupt_content_keeps_previous_version(publisher, ddir, previous, name, rel, mode, expected):
    publisher.modes[name] = mode
    with pytest.raises(DownloadError) as info:
        pull(publisher.urls, only=[rel], **FAST)
    msg = str(info.value)
    assert rel in msg and expected in msg and publisher.root in msg and "previous version is kept" in msg
    assert snapshot(ddir) == previous


def test_timeout_after_retries_keeps_previous_version(publisher, ddir, previous):
    publisher.modes["NUTS_RG_20M_2021_4326_LEVL_0.geojson"] = "sleep"
    start = time.monotonic()
    with pytest.raises(DownloadError) as info:
        pull(publisher.urls, only=[LEVL0], timeout=0.3, retries=1, backoff=0.01, progress=False)
    elapsed = time.monotonic() - start
    msg = str(info.value)
    assert "NUTS_RG_20M_2021_4326_LEVL_0.geojson" in msg and "timed out after 0.3 s" in msg
    assert "gave up after 2 attempts" in msg
    assert publisher.hits["NUTS_RG_20M_2021_4326_LEVL_0.geojson"] == 2
    assert elapsed < 3.0
    assert snapshot(ddir) == previous


def test_404_is_not_retried(publisher, ddir, previous):
    publisher.modes["reg_area3"] = "404"
    with pytest.raises(DownloadError, match=r"HTTP 404 Not Found; the previous version is kept"):
        pull(publisher.urls, only=[AREA], timeout=2.0, retries=3, backoff=0.01, progress=False)
    assert publisher.hits["reg_area3"] == 1
    assert snapshot(ddir) == previous


def test_unreachable_server_fails_after_retries_and_installs_nothing(publisher, ddir):
    closed = publisher.root
    publisher.close()
    urls = {"gisco": closed + GISCO_PREFIX, "eurostat": closed + EUROSTAT_PREFIX}
    with pytest.raises(DownloadError, match="cannot connect") as info:
        pull(urls, only=[LEVL0], timeout=0.3, retries=1, backoff=0.01, progress=False)
    assert "nothing installed" in str(info.value)
    assert not ddir.exists()


def test_bad_arguments(ddir):
    with pytest.raises(InputError, match="matches no pullable catalogue file"):
        pull(only=["indicators"], progress=False)
    with pytest.raises(InputError, match="timeout must be positive"):
        pull(timeout=0, progress=False)
    assert not ddir.exists()


# --- CLI -------------------------------------------------------------------------------------------

runner = CliRunner()


def test_cli_pull(publisher, ddir):
    result = runner.invoke(
        data_app,
        [
            "pull",
            "--gisco-url",
            publisher.urls["gisco"],
            "--eurostat-url",
            publisher.urls["eurostat"],
            "--only",
            "gisco",
            "--only",
            AREA,
            "--no-progress",
            "--timeout",
            "2",
            "--retries",
            "0",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Downloaded 5 files" in result.stdout
    assert records(ddir)[AREA]["how"] == "pull"


def test_cli_pull_failure_exits_2_naming_the_url(publisher, ddir, previous):
    publisher.modes["NUTS_RG_20M_2021_4326_LEVL_0.geojson"] = "sleep"
    result = runner.invoke(
        data_app,
        [
            "pull",
            "--gisco-url",
            publisher.urls["gisco"],
            "--eurostat-url",
            publisher.urls["eurostat"],
            "--only",
            LEVL0,
            "--only",
            LEVL2,
            "--no-progress",
            "--timeout",
            "0.3",
            "--retries",
            "0",
        ],
    )
    assert result.exit_code == 2, result.output
    assert "some downloads failed" in result.stderr and "timed out" in result.stderr
    assert f"{publisher.urls['gisco']}/NUTS_RG_20M_2021_4326_LEVL_0.geojson" in result.stderr.replace("\n", "")
    assert "Downloaded 1 file" in result.stdout  # LEVL_2 went through
    after = snapshot(ddir)
    assert after[LEVL0] == previous[LEVL0]
