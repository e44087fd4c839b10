"""One way to name a questionnaire: a file path, or nothing for the built-in StressTest.

Commands and notebooks take an optional instrument file; `load_instrument_file` turns that
choice into an `Instrument` so every caller treats "not given" the same way.
"""

from __future__ import annotations

from pathlib import Path

from .builtin import load_builtin
from .loader import load_instrument
from .model import Instrument


def load_instrument_file(path: str | Path | None) -> Instrument:
    """The instrument in `path` (XLSForm `.xlsx` or text form `.yaml`), or the built-in StressTest v1 when None.

    A missing file or another suffix raises `InputError`, as `load_instrument` does.
    """
    return load_builtin() if path is None else load_instrument(path)
