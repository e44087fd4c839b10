"""The data directory's manifest and atomic installation of files into it.

Files are staged in a temporary folder inside the data directory (same file system), checked,
then moved into place with `os.replace`; the manifest (`manifest.json`) is written last, itself
through a temporary file and `os.replace`. A failure before the swap leaves the directory as it was.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from ..errors import InputError
from .data_catalogue import Dataset

MANIFEST = "manifest.json"
MANIFEST_VERSION = 1
STAGING_PREFIX = ".staging-"
RECORD_FIELDS = (
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
    "dataset",
    "provenance",
    "verified",
)


def now_utc() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def manifest_path(folder: Path) -> Path:
    return Path(folder) / MANIFEST


def read_manifest(folder: Path) -> dict[str, dict]:
    """Records of the installed files by relative path ({} when there is no manifest yet)."""
    path = manifest_path(folder)
    if not path.exists():
        return {}
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        files = doc["files"]
        return {rec["path"]: rec for rec in files}
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as exc:
        raise InputError(
            f"the manifest is unreadable or corrupt ({exc.__class__.__name__}: {exc}); "
            "re-run `s3stresstest data seed` or `data pull` after moving it aside",
            source=str(path),
        ) from None


def _fsync_write(path: Path, data: bytes) -> None:
    with open(path, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def write_manifest(folder: Path, records: dict[str, dict]) -> None:
    """Write the manifest atomically: a temporary file beside it, then `os.replace`."""
    doc = {"manifest_version": MANIFEST_VERSION, "updated": now_utc(), "files": [records[k] for k in sorted(records)]}
    data = (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    fd, tmp = tempfile.mkstemp(prefix=".manifest-", suffix=".tmp", dir=folder)
    os.close(fd)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; the manifest is as readable as the data
        _fsync_write(Path(tmp), data)
        os.replace(tmp, manifest_path(folder))
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def make_record(
    ds: Dataset,
    *,
    sha256: str,
    size: int,
    how: str,
    origin: str,
    source_url: str | None = None,
    verified: str = "",
    retrieved: str | None = None,
) -> dict:
    return {
        "name": ds.name,
        "path": ds.path,
        "source_url": source_url or ds.source_url,
        "publisher": ds.publisher,
        "licence": ds.licence,
        "attribution": ds.attribution,
        "retrieved": retrieved or now_utc(),
        "sha256": sha256,
        "size": size,
        "how": how,
        "origin": origin,
        "dataset": ds.dataset,
        "provenance": ds.provenance,
        "verified": verified,
    }


@dataclass
class Staging:
    """A temporary folder inside the data directory; `commit` swaps staged files in, then the manifest.

    Use as a context manager: the staging folder is always removed, and a data directory that
    did not exist before and is still empty afterwards is removed too.
    """

    root: Path
    dir: Path = field(init=False)
    _created_root: bool = field(init=False, default=False)
    staged: dict[str, tuple[Path, dict]] = field(init=False, default_factory=dict)

    def __enter__(self) -> Staging:
        self.root = Path(self.root)
        if self.root.exists() and not self.root.is_dir():
            raise InputError(f"the data directory {self.root} is not a folder")
        self._created_root = not self.root.exists()
        self.root.mkdir(parents=True, exist_ok=True)
        self.dir = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=self.root))
        return self

    def __exit__(self, *exc) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)
        if self._created_root:
            try:
                self.root.rmdir()  # only succeeds when nothing was installed
            except OSError:
                pass

    def path_for(self, relative: str) -> Path:
        """A fresh file name in the staging folder for `relative`."""
        return self.dir / relative.replace("/", "__")

    def add(self, relative: str, staged: Path, record: dict) -> None:
        with open(staged, "rb+") as f:
            os.fsync(f.fileno())
        self.staged[relative] = (staged, record)

    def commit(self) -> list[dict]:
        """Move every staged file into place (`os.replace`), then write the manifest; the records installed."""
        if not self.staged:
            return []
        records = read_manifest(self.root)
        for relative, (staged, record) in sorted(self.staged.items()):
            target = self.root / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staged, target)
            records[relative] = record
        write_manifest(self.root, records)
        self._created_root = False
        return [rec for _, (_, rec) in sorted(self.staged.items())]
