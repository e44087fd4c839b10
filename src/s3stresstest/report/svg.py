"""A small hand-written SVG writer: one self-contained `<svg>` per figure, for HTML, PDF and DOCX.

It knows nothing about StressTest data: `Doc` collects rectangles, lines, texts and markers,
`render` wraps them with `<title>`, `<desc>` (the alt text), pattern defs and a white
background, and returns an `Svg`. Ids are prefixed per figure (a hash of the figure, or
`id_prefix=`), so several figures can be inlined in one HTML page; the same input always
gives the same string. No external reference of any kind (no links, web fonts, images), and
text stays text, so a PDF made from it is searchable.

Layout is computed, never measured: `text_width` estimates sans-serif text generously and
`wrap` breaks labels to a width in pixels, so long names wrap inside the image instead of
leaving it. Every text goes through `esc`, so labels from data (names, answers) cannot break
the markup.

    doc = Doc(400, 120, "Title", "alt text")
    y = doc.heading("Title", "subtitle")
    doc.rect(10, y, 50, 12, fill=palette.SEQUENTIAL[2])
    doc.text(70, y + 10, "label")
    svg = doc.render()                          # an Svg; str(svg) is the markup
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..i18n import translator
from . import palette as pal

FONT_FAMILY = "DejaVu Sans, Helvetica, Arial, sans-serif"
_ID = "\x1fID\x1f"  # placeholder for the per-figure id prefix (cannot occur in escaped text)
_XML_BAD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class Svg:
    """A complete, self-contained `<svg>` element plus its alt text and title."""

    svg: str
    alt: str
    title: str
    width: int = 0
    height: int = 0

    def __str__(self) -> str:
        return self.svg

    def _repr_svg_(self) -> str:  # Jupyter shows it inline
        return self.svg


# -- text and numbers ---------------------------------------------------------------------------


def esc(text: object) -> str:
    """Text or attribute value safe inside SVG/XML: markup characters escaped, characters XML forbids dropped."""
    s = _XML_BAD.sub("", str(text))
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def num(v: float) -> str:
    """Coordinate: at most one decimal, no trailing '.0'."""
    s = f"{v:.1f}"
    s = s.removesuffix(".0")
    return "0" if s == "-0" else s


def fmt_score(v: float, language: str = "en") -> str:
    """A value printed as a whole number (scores 0–100); never '-0'; the language's minus sign."""
    s = f"{v:.0f}"
    s = "0" if s == "-0" else s
    return translator(language).number(float(s), 0) if language != "en" else s


def fmt_pct(share: float, language: str = "en") -> str:
    """A share 0–1 printed as a whole percentage ('72%', '72 %' in German and French)."""
    if language != "en":
        return translator(language).percent(share, 0)
    return f"{100 * share:.0f}%"


def finite(v) -> float | None:
    """`v` as a float when it is a finite number, else None (NaN, None, text): what a figure may print."""
    try:
        v = float(v)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def text_width(text: str, size: float = 12) -> float:
    """Rough width of sans-serif text (for layout only; generous, never measured)."""
    w = 0.0
    for ch in str(text):
        if ch in "il.,:;'|!()[] ":
            w += 0.3
        elif ch in "mwMW@%":
            w += 0.9
        elif ch.isupper() or ch.isdigit():
            w += 0.66
        else:
            w += 0.56
    return w * size


def wrap(text: str, width_px: float, size: float = 12, max_lines: int = 3) -> list[str]:
    """Greedy word wrap to `width_px`; an ellipsis ends a text cut at `max_lines`."""
    words = []
    for w in str(text).split():  # a word wider than the line (a long code or name) is cut into pieces
        while text_width(w, size) > width_px and len(w) > 1:
            k = max(1, max(n for n in range(1, len(w) + 1) if n == 1 or text_width(w[:n], size) <= width_px))
            words.append(w[:k])
            w = w[k:]
        words.append(w)
    lines: list[str] = []
    cur = ""
    for w in words:
        cand = f"{cur} {w}".strip()
        if text_width(cand, size) <= width_px or not cur:
            cur = cand
        else:
            lines.append(cur)
            cur = w
    if cur:
        lines.append(cur)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and text_width(last + "…", size) > width_px:
            last = last[:-1].rstrip()
        lines[-1] = last + "…"
    return lines or [""]


# -- the document ------------------------------------------------------------------------------


class Doc:
    """Pieces of one SVG; `render` wraps them with title, desc, defs and the id prefix."""

    def __init__(self, width: float, height: float, title: str, alt: str):
        self.width, self.height = math.ceil(width), math.ceil(height)
        self.title, self.alt = title, alt
        self.parts: list[str] = []
        self.defs: dict[str, str] = {}

    # ids ------------------------------------------------------------------------------------
    def ref(self, name: str) -> str:
        return f"url(#{_ID}-{name})"

    def pattern(self, kind: str) -> str:
        """Fill value of a pattern ('missing', 'dontknow' or 'merged'), defined once per chart."""
        if kind not in self.defs:
            maker = {"missing": pal.missing_pattern, "dontknow": pal.dont_know_pattern, "merged": pal.merged_pattern}[
                kind
            ]
            self.defs[kind] = maker(f"{_ID}-{kind}")
        return self.ref(kind)

    # shapes -----------------------------------------------------------------------------------
    def add(self, s: str) -> None:
        self.parts.append(s)

    def rect(self, x, y, w, h, fill, stroke=None, sw=1.0, extra="") -> None:
        st = f' stroke="{stroke}" stroke-width="{num(sw)}"' if stroke else ""
        self.add(
            f'<rect x="{num(x)}" y="{num(y)}" width="{num(max(w, 0))}" height="{num(max(h, 0))}" '
            f'fill="{fill}"{st}{extra}/>'
        )

    def line(self, x1, y1, x2, y2, stroke=pal.INK, sw=1.0, extra="") -> None:
        self.add(
            f'<line x1="{num(x1)}" y1="{num(y1)}" x2="{num(x2)}" y2="{num(y2)}" stroke="{stroke}" '
            f'stroke-width="{num(sw)}"{extra}/>'
        )

    def text(self, x, y, s, size=12, anchor="start", fill=pal.INK, weight=None, italic=False, extra="") -> None:
        a = f' text-anchor="{anchor}"' if anchor != "start" else ""
        w = f' font-weight="{weight}"' if weight else ""
        i = ' font-style="italic"' if italic else ""
        f = f' fill="{fill}"' if fill != pal.INK else ""
        self.add(f'<text x="{num(x)}" y="{num(y)}" font-size="{num(size)}"{a}{w}{i}{f}{extra}>{esc(s)}</text>')

    def lines(self, x, y, rows: Sequence[str], size=12, leading=None, **kw) -> None:
        lead = leading or size * 1.2
        for k, r in enumerate(rows):
            self.text(x, y + k * lead, r, size=size, **kw)

    def marker(self, shape: str, x: float, y: float, r: float = 5.0, fill="#ffffff", stroke=pal.INK, sw=1.4) -> None:
        if shape == "diamond":
            pts = [(x, y - r * 1.2), (x + r * 1.2, y), (x, y + r * 1.2), (x - r * 1.2, y)]
        elif shape == "square":
            pts = [(x - r, y - r), (x + r, y - r), (x + r, y + r), (x - r, y + r)]
        elif shape == "triangle":
            pts = [(x, y - r * 1.2), (x + r * 1.1, y + r * 0.8), (x - r * 1.1, y + r * 0.8)]
        elif shape == "triangle-down":
            pts = [(x, y + r * 1.2), (x + r * 1.1, y - r * 0.8), (x - r * 1.1, y - r * 0.8)]
        elif shape == "bar":  # a level on the scale: a thick vertical tick
            self.rect(x - 1.75, y - r * 1.6, 3.5, r * 3.2, fill=stroke)
            return
        elif shape == "dot":
            self.add(f'<circle cx="{num(x)}" cy="{num(y)}" r="{num(r)}" fill="{stroke}"/>')
            return
        else:
            self.add(
                f'<circle cx="{num(x)}" cy="{num(y)}" r="{num(r)}" fill="{fill}" stroke="{stroke}" '
                f'stroke-width="{num(sw)}"/>'
            )
            return
        d = " ".join(f"{num(px)},{num(py)}" for px, py in pts)
        self.add(f'<polygon points="{d}" fill="{fill}" stroke="{stroke}" stroke-width="{num(sw)}"/>')

    def heading(self, title: str, subtitle: str | None = None, x: float = 12, y: float = 22) -> float:
        """Visible title (and subtitle); returns the y below them."""
        rows = wrap(title, self.width - 2 * x, 16.5, 2)  # bold: measured as ~10% wider text
        self.lines(x, y, rows, size=15, weight="bold", leading=18)
        y += 18 * (len(rows) - 1) + 8
        if subtitle:
            sub = wrap(subtitle, self.width - 2 * x, 11.5, 3)
            self.lines(x, y + 12, sub, size=11.5, fill=pal.MUTED_INK, leading=14)
            y += 14 * len(sub) + 2
        return y + 10

    def render(self, id_prefix: str | None = None) -> Svg:
        defs = "".join(self.defs[k] for k in sorted(self.defs))
        body = (
            '<title id="'
            + _ID
            + '-title">'
            + esc(self.title)
            + "</title>"
            + '<desc id="'
            + _ID
            + '-desc">'
            + esc(self.alt)
            + "</desc>"
            + (f"<defs>{defs}</defs>" if defs else "")
            + f'<rect width="{self.width}" height="{self.height}" fill="#ffffff"/>'
            + "".join(self.parts)
        )
        head = (
            f'<svg xmlns="http://www.w3.org/2000/svg" id="{_ID}" role="img" '
            f'aria-labelledby="{_ID}-title {_ID}-desc" width="{self.width}" height="{self.height}" '
            f'viewBox="0 0 {self.width} {self.height}" font-family="{FONT_FAMILY}" '
            f'style="max-width:100%;height:auto">'
        )
        doc = head + body + "</svg>"
        prefix = id_prefix or ("s3c-" + hashlib.sha1(doc.encode("utf-8")).hexdigest()[:10])
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", prefix):
            raise ValueError(f"id_prefix must be a valid XML id start, not {prefix!r}")
        return Svg(doc.replace(_ID, prefix), self.alt, self.title, self.width, self.height)


def legend_row(doc: Doc, x: float, y: float, entries: list[tuple], max_x: float, size: float = 11) -> float:
    """Entries (kind, spec, label) left to right, wrapping; returns the y below the legend.

    kind: 'fill' (spec = fill value, drawn as a swatch), 'marker' (spec = shape name),
    'whisker' (a dot with an interval).
    """
    cx, cy = x, y
    for kind, spec, label in entries:
        w = 22 + text_width(label, size) + 14
        if cx + w > max_x and cx > x:
            cx, cy = x, cy + 18
        # a label wider than the whole row (a narrow chart) wraps beside its swatch; the next entry goes below
        lines = wrap(label, max_x - cx - 22, size, 3) if cx + w > max_x else [label]
        if kind == "fill":
            doc.rect(cx, cy - 9, 14, 12, fill=spec, stroke=pal.INK, sw=0.6)
        elif kind == "marker":
            doc.marker(spec, cx + 7, cy - 3, r=4.5)
        elif kind == "whisker":
            doc.line(cx, cy - 3, cx + 16, cy - 3, sw=1.4)
            doc.line(cx, cy - 7, cx, cy + 1, sw=1.4)
            doc.line(cx + 16, cy - 7, cx + 16, cy + 1, sw=1.4)
            doc.marker("dot", cx + 8, cy - 3, r=4.5)
        if len(lines) > 1:
            doc.lines(cx + 22, cy, lines, size=size, leading=size + 3)
            cx, cy = x, cy + (size + 3) * (len(lines) - 1) + 18
            continue
        doc.text(cx + 22, cy, label, size=size)
        cx += w
    return cy + 14


def axis(
    doc: Doc,
    x0: float,
    x1: float,
    top: float,
    bottom: float,
    vmax: float = 100,
    step: float = 20,
    label: str | None = None,
    pct: bool = False,
    language: str = "en",
) -> None:
    """Vertical grid lines from `top` to `bottom` with tick labels below, and the axis unit label under them.

    Drawn before the marks, so bars and markers lie over the grid.
    """
    v = 0.0
    while v <= vmax + 1e-9:
        x = x0 + (x1 - x0) * v / vmax
        doc.line(x, top, x, bottom, stroke=pal.GRID, sw=0.8)
        tick = fmt_pct(v / 100, language) if pct else fmt_score(v, language)
        doc.text(x, bottom + 13, tick, size=10, anchor="middle", fill=pal.MUTED_INK)
        v += step
    if label:
        doc.text((x0 + x1) / 2, bottom + 28, label, size=11, anchor="middle", fill=pal.MUTED_INK)


__all__ = [
    "FONT_FAMILY",
    "Doc",
    "Svg",
    "axis",
    "esc",
    "finite",
    "fmt_pct",
    "fmt_score",
    "legend_row",
    "num",
    "text_width",
    "wrap",
]
