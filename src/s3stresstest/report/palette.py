"""Colours and fill patterns of the report charts and maps, chosen to read in greyscale.

- `SEQUENTIAL`: five classes for scores 0–100, light to dark, with strictly increasing
  darkness (decreasing relative luminance), so the classes stay apart on a greyscale print.
  Charts print the value beside or inside every mark as well, so no value depends on
  colour alone.
- `DIVERGING`: five classes for gaps (negative – about zero – positive), for use with a
  printed sign (+12 / −8): both ends are dark, so the sign carries the direction.
- `likert_colours`: answer scales (No … Yes, Disagree … Agree): ColorBrewer BrBG, diverging and
  colour-blind safe, brown for the low end, a neutral light grey midpoint when the scale has
  one, blue-green for the high end ("yes" reads green-ish; "no" is a mid brown, not the darkest).
  Charts print every share, so the order never rests on colour alone.
- `MISSING_*` and `missing_pattern`: one light-grey, diagonally hatched style for every
  cell without a figure ("suppressed", "insufficient", "no data"); the word is always
  written next to or inside the hatched shape.
- `dont_know_pattern`: a dotted light fill for "Don't know" answers, unlike any score colour
  and unlike the hatch of missing figures.
- `merged_pattern`: a dark cross-hatch for a bar segment that pools answer options chosen by
  fewer than k respondents (no figure). It is a different tone and texture from the light dots
  of "Don't know", which sit beside it in the same bar; the two looked alike at print size.

Patterns are SVG `<pattern>` definitions whose ids the caller gives (charts prefix them per
chart, so several inline SVGs can share one HTML page).
"""

from __future__ import annotations

import math

# ColorBrewer YlGnBu, 5 classes (light -> dark; the fourth darkened a little from #2c7fb8 so white
# text on it reaches a 4.5:1 contrast); luminance strictly decreasing (tested).
SEQUENTIAL: tuple[str, ...] = ("#ffffcc", "#a1dab4", "#41b6c4", "#2978b2", "#253494")
# ColorBrewer PuOr, 5 classes: negative (orange) -> about zero (light grey) -> positive (purple).
DIVERGING: tuple[str, ...] = ("#e66101", "#fdb863", "#f7f7f7", "#b2abd2", "#5e3c99")

INK = "#1a1a1a"  # text and outlines
MUTED_INK = "#595959"  # secondary text (units, notes); contrast 7:1 on white
GRID = "#d9d9d9"  # grid lines
MISSING_FILL = "#f0f0f0"  # background of suppressed / insufficient / no-data shapes
MISSING_STROKE = "#8c8c8c"  # the hatch lines
DONT_KNOW_FILL = "#e3e3e3"  # neutral grey, apart from both ends of an answer scale
DONT_KNOW_DOT = "#737373"
MERGED_FILL = "#b3b3b3"  # pooled options: mid grey, clearly darker than "Don't know" and the missing hatch
MERGED_STROKE = "#333333"  # its cross-hatch
BACKGROUND_LAND = "#ececec"  # maps: countries around the area of interest
BOUNDARY = "#ffffff"  # maps: thin boundaries between filled regions

# Marker shapes for peer groups (hollow, black outline): distinct without colour.
GROUP_MARKERS: tuple[str, ...] = ("diamond", "square", "triangle", "triangle-down", "circle-open")


def _channel(c: float) -> float:
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def hex_rgb(colour: str) -> tuple[int, int, int]:
    h = colour.lstrip("#")
    if len(h) == 3:
        h = "".join(ch * 2 for ch in h)
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def relative_luminance(colour: str) -> float:
    """WCAG relative luminance of a `#rrggbb` colour (0 black – 1 white)."""
    r, g, b = (_channel(v / 255) for v in hex_rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def grey_equivalent(colour: str) -> str:
    """The grey a colour becomes on a greyscale print (same luminance)."""
    y = relative_luminance(colour)
    v = 12.92 * y if y <= 0.0031308 else 1.055 * y ** (1 / 2.4) - 0.055
    g = max(0, min(255, round(v * 255)))
    return f"#{g:02x}{g:02x}{g:02x}"


def contrast_ratio(a: str, b: str) -> float:
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_colour_on(fill: str) -> str:
    """Black or white, whichever contrasts more with `fill`."""
    return INK if contrast_ratio(INK, fill) >= contrast_ratio("#ffffff", fill) else "#ffffff"


def class_bounds(vmin: float = 0.0, vmax: float = 100.0, n: int = len(SEQUENTIAL)) -> list[tuple[float, float]]:
    """Equal-width class limits: [(0, 20), (20, 40), ...]."""
    step = (vmax - vmin) / n
    return [(vmin + i * step, vmin + (i + 1) * step) for i in range(n)]


def sequential_class(value: float, vmin: float = 0.0, vmax: float = 100.0, n: int = len(SEQUENTIAL)) -> int:
    """Class index 0..n-1 of a value (values at a limit go to the upper class; vmax to the last)."""
    if value is None or not math.isfinite(float(value)):
        raise ValueError("no class for a missing value")
    if vmax <= vmin:
        raise ValueError("vmax must exceed vmin")
    k = math.floor((float(value) - vmin) / (vmax - vmin) * n)
    return min(max(k, 0), n - 1)


def sequential_colour(value: float, vmin: float = 0.0, vmax: float = 100.0) -> str:
    return SEQUENTIAL[sequential_class(value, vmin, vmax)]


def diverging_colour(value: float, limit: float = 30.0) -> str:
    """Class colour of a gap: |gap| < limit/5 is 'about zero'; beyond ±limit the end classes."""
    n = len(DIVERGING)
    k = math.floor((float(value) + limit) / (2 * limit) * n)
    return DIVERGING[min(max(k, 0), n - 1)]


def ordinal_colours(k: int) -> list[str]:
    """k colours of increasing darkness taken from the sequential ramp (k <= 5 uses its classes)."""
    if k <= 0:
        return []
    if k == 1:
        return [SEQUENTIAL[2]]
    if k <= len(SEQUENTIAL):
        idx = [round(i * (len(SEQUENTIAL) - 1) / (k - 1)) for i in range(k)]
        return [SEQUENTIAL[i] for i in idx]
    return [_interpolate(i / (k - 1)) for i in range(k)]


# ColorBrewer BrBG by number of scored answers (low -> high); odd lengths have a neutral midpoint.
LIKERT: dict[int, tuple[str, ...]] = {
    2: ("#d8b365", "#5ab4ac"),
    3: ("#d8b365", "#f5f5f5", "#5ab4ac"),
    4: ("#a6611a", "#dfc27d", "#80cdc1", "#018571"),
    5: ("#a6611a", "#dfc27d", "#f5f5f5", "#80cdc1", "#018571"),
    6: ("#8c510a", "#d8b365", "#f6e8c3", "#c7eae5", "#5ab4ac", "#01665e"),
    7: ("#8c510a", "#d8b365", "#f6e8c3", "#f5f5f5", "#c7eae5", "#5ab4ac", "#01665e"),
}


def likert_colours(k: int) -> list[str]:
    """k answer colours from lowest to highest score: diverging around a neutral midpoint (see LIKERT).

    One answer gets the neutral grey; more than seven fall back to the sequential ramp.
    """
    if k <= 0:
        return []
    if k == 1:
        return [LIKERT[3][1]]
    if k in LIKERT:
        return list(LIKERT[k])
    return ordinal_colours(k)


def _interpolate(t: float) -> str:
    """A colour along the sequential ramp, interpolated in linear light (keeps luminance monotonic)."""
    pos = t * (len(SEQUENTIAL) - 1)
    i = min(int(pos), len(SEQUENTIAL) - 2)
    f = pos - i
    a, b = hex_rgb(SEQUENTIAL[i]), hex_rgb(SEQUENTIAL[i + 1])
    out = []
    for ca, cb in zip(a, b, strict=True):
        la, lb = _channel(ca / 255), _channel(cb / 255)
        lv = la + (lb - la) * f
        v = 12.92 * lv if lv <= 0.0031308 else 1.055 * lv ** (1 / 2.4) - 0.055
        out.append(max(0, min(255, round(v * 255))))
    return "#{:02x}{:02x}{:02x}".format(*out)


def missing_pattern(pattern_id: str) -> str:
    """`<pattern>` for suppressed / insufficient / no-data shapes: grey ground, diagonal hatch."""
    return (
        f'<pattern id="{pattern_id}" patternUnits="userSpaceOnUse" width="6" height="6" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="{MISSING_FILL}"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{MISSING_STROKE}" stroke-width="1.6"/></pattern>'
    )


def merged_pattern(pattern_id: str) -> str:
    """`<pattern>` for pooled small answer options (a segment without a figure): mid grey, dark cross-hatch."""
    return (
        f'<pattern id="{pattern_id}" patternUnits="userSpaceOnUse" width="6" height="6" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="{MERGED_FILL}"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{MERGED_STROKE}" stroke-width="1.4"/>'
        f'<line x1="0" y1="0" x2="6" y2="0" stroke="{MERGED_STROKE}" stroke-width="1.4"/></pattern>'
    )


def dont_know_pattern(pattern_id: str) -> str:
    """`<pattern>` for "Don't know" answers: white ground with small grey dots."""
    return (
        f'<pattern id="{pattern_id}" patternUnits="userSpaceOnUse" width="5" height="5">'
        f'<rect width="5" height="5" fill="{DONT_KNOW_FILL}"/>'
        f'<circle cx="2.5" cy="2.5" r="0.9" fill="{DONT_KNOW_DOT}"/></pattern>'
    )
