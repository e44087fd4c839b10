"""The questionnaires shipped with the package, kept in text form under `data/`."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from .loader import load_instrument
from .model import Instrument

BUILTIN = "stresstest_v1"


def builtin_path(name: str = BUILTIN) -> Path:
    path = Path(str(files("s3stresstest.instrument") / "data" / f"{name}.yaml"))
    if not path.exists():
        raise FileNotFoundError(f"no built-in instrument '{name}'")
    return path


def load_builtin(name: str = BUILTIN) -> Instrument:
    return load_instrument(builtin_path(name))
