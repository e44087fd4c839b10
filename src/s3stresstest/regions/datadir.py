"""The data directory: where downloaded or seeded reference data lives.

`S3ST_DATA_DIR` overrides the default (the user's cache directory). Files keep the
relative paths of the publisher's distribution layout used in `../shared/data`
(e.g. `gisco/NUTS_RG_20M_2021_4326_LEVL_2.geojson`).

`manifest.json` in the data directory records every installed file: name, path, source URL,
publisher, licence, attribution, retrieval time (UTC), sha256, size, how (pull|seed) and origin.

* `seed(folder)` installs catalogue files from a local folder (offline machines);
* `download.pull()` fetches them from the official publishers;
* `status()` lists every catalogue file, present or missing, and re-checks its sha256.

Data files are never part of the project's source tree.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError, Problem
from .data_catalogue import CATALOGUE, Dataset, select
from .data_check import check_file, sha256_file
from .data_store import MANIFEST, Staging, make_record, read_manifest

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

SHA256_LIST = "MANIFEST.sha256"


def data_dir() -> Path:
    env = os.environ.get("S3ST_DATA_DIR")
    if env:
        return Path(env)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("s3stresstest")) / "data"


def _default_data_dir() -> Path:
    return data_dir()  # seed/status take a parameter `data_dir` that shadows the function


def require_file(relative: str, folder: str | Path | None = None) -> Path:
    """Path of a reference data file, or a clear error saying how to get it."""
    base = Path(folder) if folder else data_dir()
    path = base / relative
    if not path.exists():
        raise InputError(
            f"reference data file '{relative}' is not in {base}; run `s3stresstest data pull` "
            "(or `s3stresstest data seed FOLDER` on an offline machine)"
        )
    return path


def read_sha256_list(path: Path) -> dict[str, str]:
    """`sha256sum` output (`<hex>  <path>`, optionally `*<path>`) as {relative path: hex}."""
    sums: dict[str, str] = {}
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the checksum list: {exc}", source=str(path)) from None
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.strip().split(None, 1)
        if len(parts) != 2 or len(parts[0]) != 64:
            raise InputError([Problem("not a sha256sum line ('<64 hex digits>  <path>')", line=n, source=str(path))])
        name = parts[1].lstrip("*").strip()
        if name.startswith("./"):
            name = name[2:]
        sums[name] = parts[0].lower()
    return sums


def _find_in_folder(folder: Path, ds: Dataset) -> Path | None:
    """The file for `ds` in `folder`: at its relative path, else by file name at the folder's top level."""
    for candidate in (folder / ds.path, folder / ds.path.rsplit("/", 1)[-1]):
        if candidate.is_file():
            return candidate
    return None


def seed(folder: str | Path, data_dir: str | Path | None = None, *, only: list[str] | None = None) -> list[dict]:
    """Install every catalogue file found in `folder` into the data directory; the records installed.

    Each file is verified against the folder's `MANIFEST.sha256` (or, for a copy of another data
    directory, its `manifest.json`) when that lists it, and its format is checked. Any problem raises
    `InputError` naming the file and the problem, and the data directory is left unchanged: files are
    staged inside the data directory, swapped in with `os.replace`, and the manifest is written last.
    """
    folder = Path(folder).expanduser()
    target = Path(data_dir) if data_dir is not None else _default_data_dir()
    if not folder.is_dir():
        raise InputError(f"seed folder {folder} does not exist or is not a folder")
    wanted = select(only)
    found = [(ds, p) for ds in wanted if (p := _find_in_folder(folder, ds)) is not None]
    if not found:
        raise InputError(
            f"no catalogue files in {folder}: expected e.g. '{CATALOGUE[0].path}' "
            "(see `s3stresstest data status` for the full list)"
        )
    expected: dict[str, str] = {}
    verified_by = ""
    if (folder / SHA256_LIST).is_file():
        expected, verified_by = read_sha256_list(folder / SHA256_LIST), SHA256_LIST
    elif (folder / MANIFEST).is_file():
        expected = {k: r.get("sha256", "") for k, r in read_manifest(folder).items()}
        verified_by = MANIFEST
    read_manifest(target)  # refuse a corrupt manifest before doing any work
    origin = str(folder.resolve())
    problems: list[Problem] = []
    with Staging(target) as stage:
        for ds, src in found:
            label = f"{src.relative_to(folder).as_posix()} (in {folder})"
            staged = stage.path_for(ds.path)
            try:
                shutil.copyfile(src, staged)
            except OSError as exc:
                problems.append(Problem(f"cannot copy: {exc.strerror or exc}", source=label))
                continue
            digest, size = sha256_file(staged), staged.stat().st_size
            want = expected.get(ds.path)
            if want and want != digest:
                problems.append(
                    Problem(
                        f"sha256 {digest[:12]}… does not match {verified_by} ({want[:12]}…), size {size:,} bytes"
                        + (f" (reference copy: {ds.size:,})" if ds.size else "")
                        + ": the file is corrupt or truncated",
                        source=label,
                    )
                )
                continue
            file_problems = check_file(staged, ds, label)
            if file_problems:
                problems.extend(file_problems)
                continue
            if want:
                verified = f"sha256 matches {verified_by}"
            elif ds.sha256 and ds.sha256 == digest:
                verified = "sha256 matches the catalogue's reference copy"
            else:
                verified = "format check only (no checksum listed)"
            stage.add(
                ds.path, staged, make_record(ds, sha256=digest, size=size, how="seed", origin=origin, verified=verified)
            )
        if problems:
            raise InputError(problems)
        return stage.commit()


def status(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Every catalogue file, present or missing, with its manifest record and a fresh sha256 check.

    Columns: path, name, dataset, publisher, obtainable (pull+seed | pull | seed only), present,
    how, retrieved, size, sha256 (recomputed), integrity (ok | changed | missing | not in manifest),
    matches_reference (sha256 equals the shared reference copy; None when there is none).
    """
    import pandas as pd

    folder = Path(data_dir) if data_dir is not None else _default_data_dir()
    records = read_manifest(folder) if folder.is_dir() else {}
    rows = []
    for ds in CATALOGUE:
        path = folder / ds.path
        rec = records.get(ds.path)
        present = path.is_file()
        digest = sha256_file(path) if present else None
        if not present:
            integrity = "missing"
        elif rec is None:
            integrity = "not in manifest"
        else:
            integrity = "ok" if rec.get("sha256") == digest else "changed"
        rows.append(
            {
                "path": ds.path,
                "name": ds.name,
                "dataset": ds.dataset,
                "publisher": ds.publisher,
                "obtainable": ds.obtainable,
                "present": present,
                "how": rec.get("how") if rec else None,
                "retrieved": rec.get("retrieved") if rec else None,
                "size": path.stat().st_size if present else None,
                "sha256": digest,
                "integrity": integrity,
                "matches_reference": (digest == ds.sha256) if (present and ds.sha256) else None,
            }
        )
    frame = pd.DataFrame(rows)
    return frame.astype({"size": "Int64"})
