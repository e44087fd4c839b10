"""The data directory: where downloaded or seeded reference data lives.

`S3ST_DATA_DIR` overrides the default (the user's cache directory). Files keep the
relative paths of the publisher's distribution layout used in `../shared/data`
(e.g. `gisco/NUTS_RG_20M_2021_4326_LEVL_2.geojson`).
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import InputError


def data_dir() -> Path:
    env = os.environ.get("S3ST_DATA_DIR")
    if env:
        return Path(env)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("s3stresstest")) / "data"


def require_file(relative: str, folder: str | Path | None = None) -> Path:
    """Path of a reference data file, or a clear error saying how to get it."""
    base = Path(folder) if folder else data_dir()
    path = base / relative
    if not path.exists():
        raise InputError(f"reference data file '{relative}' is not in {base}; run `s3stresstest data pull` "
                         "(or `s3stresstest data seed FOLDER` on an offline machine)")
    return path
