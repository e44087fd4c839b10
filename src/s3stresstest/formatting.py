"""Numbers as text for people: scores, shares, intervals and statistics ('–' for missing).

Shared by the findings (whose statements quote figures) and the reports. Every function takes
`language` (default English): other languages go through the `Translator`'s locale formats
("72,5" and "72,5 %" in German), with the same rounding and digits as in English.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd


def missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA or v is pd.NaT


def _t(language: str):
    from .i18n import translator

    return translator(language)


def printed_gap(a: Any, b: Any, digits: int = 0) -> float:
    """|a - b| of the two figures as printed with `digits` decimals, so that a sentence's "N points
    below" is the difference of the numbers it shows (16 and 51 give 35, never 34 from 16.4 and 50.6).
    NaN when either is missing."""
    if missing(a) or missing(b):
        return math.nan
    return abs(float(f"{float(a):.{digits}f}") - float(f"{float(b):.{digits}f}"))


def num(v: Any, digits: int = 0, *, language: str = "en") -> str:
    if missing(v):
        return "–"
    if language != "en":
        return _t(language).number(float(v), digits)
    return f"{float(v):.{digits}f}"


def pct(v: Any, digits: int = 0, *, language: str = "en") -> str:
    if missing(v):
        return "–"
    if language != "en":
        return _t(language).percent(float(v), digits)
    return f"{100 * float(v):.{digits}f}%"


def big(v: Any, *, language: str = "en") -> str:
    """Context statistics: thousands separated, sensible decimals."""
    if missing(v):
        return "–"
    if language != "en":
        return _t(language).big(float(v))
    v = float(v)
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    if abs(v) >= 100:
        return f"{v:.1f}"
    return f"{v:.2f}"


def interval(score: Any, low: Any, high: Any, digits: int = 0, *, language: str = "en") -> str:
    if missing(score):
        return "–"
    if missing(low) or missing(high):
        return num(score, digits, language=language)
    lo, hi = num(low, digits, language=language), num(high, digits, language=language)
    return f"{num(score, digits, language=language)} [{lo}–{hi}]"
