"""Numbers as text for people: scores, shares, intervals and statistics ('–' for missing).

Shared by the findings (whose statements quote figures) and the reports.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd


def missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA or v is pd.NaT


def num(v: Any, digits: int = 0) -> str:
    if missing(v):
        return "–"
    return f"{float(v):.{digits}f}"


def pct(v: Any, digits: int = 0) -> str:
    if missing(v):
        return "–"
    return f"{100 * float(v):.{digits}f}%"


def big(v: Any) -> str:
    """Context statistics: thousands separated, sensible decimals."""
    if missing(v):
        return "–"
    v = float(v)
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    if abs(v) >= 100:
        return f"{v:.1f}"
    return f"{v:.2f}"


def interval(score: Any, low: Any, high: Any, digits: int = 0) -> str:
    if missing(score):
        return "–"
    if missing(low) or missing(high):
        return num(score, digits)
    return f"{num(score, digits)} [{num(low, digits)}–{num(high, digits)}]"
