"""`pull`: download the reference data from the official publishers into the data directory.

* GISCO's distribution service for the NUTS 2021 boundaries (1:20 million, EPSG:4326, levels 0-3);
* Eurostat's dissemination API (SDMX 2.1, TSV, gzip on the wire) for the statistics.

Standard library only (urllib). Per file: up to `1 + retries` attempts with exponential backoff on
connection errors, timeouts, HTTP 5xx/408/429 and truncated bodies; the body is streamed into a
staging folder inside the data directory, checked (Content-Length, gzip integrity, format check),
then swapped in with `os.replace`, and the manifest is updated last. A file that fails keeps its
previous version; the error names its URL and the reason.

Base URLs can be overridden (parameter `base_urls`, or `S3ST_GISCO_URL` / `S3ST_EUROSTAT_URL`),
e.g. to point at a mirror or a test server; the layout below the base stays the publisher's.
"""

from __future__ import annotations

import gzip
import http.client
import shutil
import time
import urllib.error
import urllib.request
import zlib
from pathlib import Path

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from .. import __version__
from ..errors import InputError, Problem
from .data_catalogue import resolve_base_urls, select
from .data_check import check_file, sha256_file
from .data_store import Staging, make_record, read_manifest
from .datadir import data_dir as default_data_dir

CHUNK = 1 << 16
USER_AGENT = f"s3stresstest/{__version__} (reference data download; Python urllib)"
MAX_RETRY_AFTER = 60.0


class DownloadError(InputError):
    """Some files could not be downloaded; `installed` lists the records of those that were."""

    def __init__(self, problems: list[Problem], installed: list[dict] | None = None):
        self.installed = list(installed or [])
        super().__init__(problems)


class _Transient(Exception):
    """A failure worth retrying (network, timeout, 5xx, truncated body)."""

    def __init__(self, reason: str, retry_after: float | None = None):
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


class _Permanent(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class _NoProgress:
    def start(self, total: int | None) -> None: ...

    def advance(self, n: int) -> None: ...


class _TaskProgress(_NoProgress):
    def __init__(self, progress: Progress, label: str):
        self.progress, self.label = progress, label
        self.task: TaskID | None = None

    def start(self, total: int | None) -> None:
        if self.task is None:
            self.task = self.progress.add_task(self.label, total=total)
        else:
            self.progress.reset(self.task, total=total)

    def advance(self, n: int) -> None:
        if self.task is not None:  # start() adds the task
            self.progress.advance(self.task, n)


def _retry_after(headers) -> float | None:
    value = headers.get("Retry-After") if headers is not None else None
    try:
        return min(float(value), MAX_RETRY_AFTER) if value is not None else None
    except ValueError:
        return None


def _fetch_once(url: str, dest: Path, timeout: float, bar: _NoProgress) -> str:
    """One GET of `url` into `dest`; the Content-Encoding. Raises _Transient/_Permanent."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip"})
    try:
        response = urllib.request.urlopen(request, timeout=timeout)
    except urllib.error.HTTPError as exc:
        reason = f"HTTP {exc.code} {exc.reason}"
        retry_after = _retry_after(exc.headers)
        exc.close()
        if exc.code >= 500 or exc.code in (408, 429):
            raise _Transient(reason, retry_after) from None
        raise _Permanent(reason) from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            raise _Transient(f"timed out after {timeout:g} s while connecting") from None
        raise _Transient(f"cannot connect: {exc.reason}") from None
    except TimeoutError:
        raise _Transient(f"timed out after {timeout:g} s waiting for the response") from None
    except (http.client.HTTPException, OSError) as exc:
        raise _Transient(f"connection failed: {exc.__class__.__name__}: {exc}") from None
    with response:
        length_header = response.headers.get("Content-Length")
        length = int(length_header) if length_header and length_header.isdigit() else None
        encoding = (response.headers.get("Content-Encoding") or "").strip().lower()
        bar.start(length)
        received = 0
        with open(dest, "wb") as out:
            while True:
                try:
                    chunk = response.read(CHUNK)
                except http.client.IncompleteRead as exc:
                    received += len(exc.partial)
                    break  # reported by the length check below
                except TimeoutError:
                    raise _Transient(
                        f"timed out after {timeout:g} s while receiving (got {received:,} bytes)"
                    ) from None
                except (http.client.HTTPException, OSError) as exc:
                    raise _Transient(f"connection lost after {received:,} bytes: {exc}") from None
                if not chunk:
                    break
                out.write(chunk)
                received += len(chunk)
                bar.advance(len(chunk))
    if length is not None and received != length:
        raise _Transient(f"truncated download: received {received:,} of {length:,} bytes (Content-Length)")
    if length is None and received == 0:
        raise _Transient("empty response")
    return encoding


def _is_gzip(path: Path) -> bool:
    with open(path, "rb") as f:
        return f.read(2) == b"\x1f\x8b"


def _gunzip_if_needed(raw: Path, final: Path, encoding: str) -> str:
    """Decompress a gzip body into `final` (Content-Encoding and/or a .gz payload); a note on what was done."""
    layers = 0
    while (encoding == "gzip" and layers == 0) or _is_gzip(raw):
        if layers == 2:
            raise _Permanent("the body is gzip-compressed more than twice")
        unpacked = raw.with_name(raw.name + ".gunzip")
        try:
            with gzip.open(raw, "rb") as src, open(unpacked, "wb") as out:
                shutil.copyfileobj(src, out, CHUNK)
        except (EOFError, OSError, zlib.error) as exc:
            unpacked.unlink(missing_ok=True)
            raise _Transient(f"the gzip stream is truncated or corrupt ({exc.__class__.__name__}: {exc})") from None
        finally:
            raw.unlink(missing_ok=True)
        unpacked.replace(raw)
        layers += 1
    raw.replace(final)
    return "gzip-decompressed" if layers else ""


def _download(
    url: str, raw: Path, final: Path, *, timeout: float, retries: int, backoff: float, bar: _NoProgress
) -> tuple[int, str]:
    """Download with retries into `final`; (attempts used, note). Raises _Permanent on failure."""
    last: _Transient | None = None
    for attempt in range(retries + 1):
        try:
            encoding = _fetch_once(url, raw, timeout, bar)
            return attempt + 1, _gunzip_if_needed(raw, final, encoding)
        except _Transient as exc:
            last = exc
            if attempt < retries:
                delay = backoff * (2**attempt)
                if exc.retry_after is not None:
                    delay = max(delay, exc.retry_after)
                time.sleep(delay)
    attempts = retries + 1
    reason = last.reason if last is not None else "no attempt made"
    raise _Permanent(f"{reason} (gave up after {attempts} attempt{'s' if attempts != 1 else ''})")


def pull(
    base_urls: dict[str, str] | None = None,
    *,
    data_dir: str | Path | None = None,
    only: list[str] | None = None,
    timeout: float = 30.0,
    retries: int = 3,
    backoff: float = 1.0,
    progress: bool = True,
    console: Console | None = None,
) -> list[dict]:
    """Download every pullable catalogue file (or those matching `only`); the manifest records installed.

    `base_urls`: {"gisco": ..., "eurostat": ...} overriding the publishers' base URLs (else the
    environment variables `S3ST_GISCO_URL` / `S3ST_EUROSTAT_URL`, else the official ones).
    `timeout` applies to connecting and to each read (seconds); `retries` is the number of extra
    attempts per file after the first, spaced `backoff`, 2×`backoff`, 4×`backoff`… seconds.

    Files that fail are not installed (their previous version, if any, stays) and a `DownloadError`
    (an `InputError`) is raised after the others were installed, naming each URL and the reason.
    """
    if timeout <= 0:
        raise InputError("timeout must be positive")
    if retries < 0:
        raise InputError("retries must be 0 or more")
    target = Path(data_dir) if data_dir is not None else default_data_dir()
    wanted = select(only, pullable=True)
    urls = resolve_base_urls(base_urls)
    previous = read_manifest(target) if target.is_dir() else {}  # refuses a corrupt manifest up front
    problems: list[Problem] = []
    console = console or Console(stderr=True)
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
    )
    with Staging(target) as stage, Progress(*columns, console=console, disable=not progress) as bar:
        for ds in wanted:
            url = ds.download_url(urls)
            raw, final = stage.path_for(ds.path + ".part"), stage.path_for(ds.path)
            kept = (
                "; the previous version is kept"
                if (target / ds.path).exists() or ds.path in previous
                else "; nothing installed"
            )
            task = _TaskProgress(bar, ds.path) if progress else _NoProgress()
            try:
                attempts, note = _download(url, raw, final, timeout=timeout, retries=retries, backoff=backoff, bar=task)
            except _Permanent as exc:
                problems.append(Problem(f"download from {url} failed: {exc.reason}{kept}", source=ds.path))
                continue
            file_problems = check_file(final, ds, ds.path)
            if file_problems:
                problems.extend(
                    Problem(f"{p.message} (downloaded from {url}){kept}", line=p.line, field=p.field, source=p.source)
                    for p in file_problems
                )
                continue
            digest, size = sha256_file(final), final.stat().st_size
            checks = ["complete", "format check passed"]
            if note:
                checks.append(note)
            if ds.sha256:
                checks.append(
                    "identical to the reference copy"
                    if digest == ds.sha256
                    else "differs from the reference copy (the publisher's current version)"
                )
            if attempts > 1:
                checks.append(f"after {attempts} attempts")
            stage.add(
                ds.path,
                final,
                make_record(ds, sha256=digest, size=size, how="pull", origin=url, verified=", ".join(checks)),
            )
        installed = stage.commit()
    if problems:
        raise DownloadError(problems, installed)
    return installed
