"""Static SVG charts of a StressTest run, for HTML, PDF and DOCX reports.

Every function returns an `Svg`: one complete `<svg>` element with `role="img"`, a
`<title>` and a `<desc>` (the alt text, which states every figure shown), width, height and
viewBox, and no external reference of any kind (no links, no web fonts, no images). Text
stays text, so a PDF made from it is searchable. Ids are prefixed per chart (a hash of the
chart, or `id_prefix=`), so several charts can be inlined in one HTML page; the same input
always gives the same string.

Suppression: only figures whose status is `ok` (scores) or whose `n` reaches the threshold
and whose shares are present (distributions) are ever written. A suppressed or insufficient
figure is drawn as a hatched grey cell with the word, never with its value – not even when
the frame handed in happens to carry one.

    block_profile(block_scores, benchmarks, blocks, labels)     # one territory, all blocks
    block_vs_peers("AT33", "b1", benchmarks)                     # one block, small
    item_distribution(distributions, ["yes", "no", "dk"], labels)
    group_breakdown(group_block_scores, "b1")
    heatmap(block_scores)                                       # territories x blocks, by code

The SVG is written by hand (a few rectangles, lines and texts), which keeps it small,
deterministic and free of the metadata a plotting library adds.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from . import palette as pal

FONT_FAMILY = "DejaVu Sans, Helvetica, Arial, sans-serif"
_ID = "\x1fID\x1f"  # placeholder for the per-chart id prefix (cannot occur in escaped text)
_XML_BAD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
STATUS_WORDS = {"suppressed": "suppressed", "insufficient": "insufficient answers", "missing": "no data"}
DONT_KNOW = ("dont_know", "dk", "don_t_know", "do_not_know")


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


# -- the SVG writer ----------------------------------------------------------------------------


def esc(text: object) -> str:
    s = _XML_BAD.sub("", str(text))
    return (s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;"))


def num(v: float) -> str:
    """Coordinate: at most one decimal, no trailing '.0'."""
    s = f"{v:.1f}"
    s = s.removesuffix(".0")
    return "0" if s == "-0" else s


def fmt_score(v: float) -> str:
    s = f"{v:.0f}"
    return "0" if s == "-0" else s


def fmt_pct(share: float) -> str:
    return f"{100 * share:.0f}%"


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
        """Fill value of a pattern ('missing' or 'dontknow'), defined once per chart."""
        if kind not in self.defs:
            maker = {"missing": pal.missing_pattern, "dontknow": pal.dont_know_pattern}[kind]
            self.defs[kind] = maker(f"{_ID}-{kind}")
        return self.ref(kind)

    # shapes -----------------------------------------------------------------------------------
    def add(self, s: str) -> None:
        self.parts.append(s)

    def rect(self, x, y, w, h, fill, stroke=None, sw=1.0, extra="") -> None:
        st = f' stroke="{stroke}" stroke-width="{num(sw)}"' if stroke else ""
        self.add(f'<rect x="{num(x)}" y="{num(y)}" width="{num(max(w, 0))}" height="{num(max(h, 0))}" '
                 f'fill="{fill}"{st}{extra}/>')

    def line(self, x1, y1, x2, y2, stroke=pal.INK, sw=1.0, extra="") -> None:
        self.add(f'<line x1="{num(x1)}" y1="{num(y1)}" x2="{num(x2)}" y2="{num(y2)}" stroke="{stroke}" '
                 f'stroke-width="{num(sw)}"{extra}/>')

    def text(self, x, y, s, size=12, anchor="start", fill=pal.INK, weight=None, italic=False,
             extra="") -> None:
        a = f' text-anchor="{anchor}"' if anchor != "start" else ""
        w = f' font-weight="{weight}"' if weight else ""
        i = ' font-style="italic"' if italic else ""
        f = f' fill="{fill}"' if fill != pal.INK else ""
        self.add(f'<text x="{num(x)}" y="{num(y)}" font-size="{num(size)}"{a}{w}{i}{f}{extra}>{esc(s)}</text>')

    def lines(self, x, y, rows: Sequence[str], size=12, leading=None, **kw) -> None:
        lead = leading or size * 1.2
        for k, r in enumerate(rows):
            self.text(x, y + k * lead, r, size=size, **kw)

    def marker(self, shape: str, x: float, y: float, r: float = 5.0, fill="#ffffff", stroke=pal.INK,
               sw=1.4) -> None:
        if shape == "diamond":
            pts = [(x, y - r * 1.2), (x + r * 1.2, y), (x, y + r * 1.2), (x - r * 1.2, y)]
        elif shape == "square":
            pts = [(x - r, y - r), (x + r, y - r), (x + r, y + r), (x - r, y + r)]
        elif shape == "triangle":
            pts = [(x, y - r * 1.2), (x + r * 1.1, y + r * 0.8), (x - r * 1.1, y + r * 0.8)]
        elif shape == "triangle-down":
            pts = [(x, y + r * 1.2), (x + r * 1.1, y - r * 0.8), (x - r * 1.1, y - r * 0.8)]
        elif shape == "bar":  # frontrunner level: a thick vertical tick
            self.rect(x - 1.75, y - r * 1.6, 3.5, r * 3.2, fill=stroke)
            return
        elif shape == "dot":
            self.add(f'<circle cx="{num(x)}" cy="{num(y)}" r="{num(r)}" fill="{stroke}"/>')
            return
        else:
            self.add(f'<circle cx="{num(x)}" cy="{num(y)}" r="{num(r)}" fill="{fill}" stroke="{stroke}" '
                     f'stroke-width="{num(sw)}"/>')
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
        body = ("<title id=\"" + _ID + "-title\">" + esc(self.title) + "</title>"
                + "<desc id=\"" + _ID + "-desc\">" + esc(self.alt) + "</desc>"
                + (f"<defs>{defs}</defs>" if defs else "")
                + f'<rect width="{self.width}" height="{self.height}" fill="#ffffff"/>'
                + "".join(self.parts))
        head = (f'<svg xmlns="http://www.w3.org/2000/svg" id="{_ID}" role="img" '
                f'aria-labelledby="{_ID}-title {_ID}-desc" width="{self.width}" height="{self.height}" '
                f'viewBox="0 0 {self.width} {self.height}" font-family="{FONT_FAMILY}" '
                f'style="max-width:100%;height:auto">')
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
        if kind == "fill":
            doc.rect(cx, cy - 9, 14, 12, fill=spec, stroke=pal.INK, sw=0.6)
        elif kind == "marker":
            doc.marker(spec, cx + 7, cy - 3, r=4.5)
        elif kind == "whisker":
            doc.line(cx, cy - 3, cx + 16, cy - 3, sw=1.4)
            doc.line(cx, cy - 7, cx, cy + 1, sw=1.4)
            doc.line(cx + 16, cy - 7, cx + 16, cy + 1, sw=1.4)
            doc.marker("dot", cx + 8, cy - 3, r=4.5)
        doc.text(cx + 22, cy, label, size=size)
        cx += w
    return cy + 14


def _axis(doc: Doc, x0: float, x1: float, top: float, bottom: float, vmax: float = 100, step: float = 20,
          label: str | None = "Score (0–100)", pct: bool = False) -> None:
    """Vertical grid lines with tick labels below `bottom`, and the axis unit label."""
    v = 0.0
    while v <= vmax + 1e-9:
        x = x0 + (x1 - x0) * v / vmax
        doc.line(x, top, x, bottom, stroke=pal.GRID, sw=0.8)
        doc.text(x, bottom + 13, f"{v:.0f}%" if pct else f"{v:.0f}", size=10, anchor="middle", fill=pal.MUTED_INK)
        v += step
    if label:
        doc.text((x0 + x1) / 2, bottom + 28, label, size=11, anchor="middle", fill=pal.MUTED_INK)


# -- inputs ------------------------------------------------------------------------------------


def _published(row: Mapping) -> float | None:
    """A score only when its status is 'ok' and it is a finite number; otherwise None."""
    if str(row.get("status", "ok")) != "ok":
        return None
    v = row.get("score")
    try:
        v = float(v)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def _finite(v) -> float | None:
    try:
        v = float(v)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def _status_word(status: str) -> str:
    return STATUS_WORDS.get(str(status), str(status) or "no data")


def _one_region(frame: pd.DataFrame, region: str | None, what: str) -> tuple[pd.DataFrame, str | None]:
    if "region" not in frame.columns:
        return frame, region
    if region is not None:
        return frame[frame["region"] == region], region
    regions = sorted(frame["region"].dropna().unique())
    if len(regions) > 1:
        raise ValueError(f"{what} holds several regions ({', '.join(regions[:5])}...); pass region=")
    return frame, (regions[0] if regions else None)


def _peer_groups(bench: pd.DataFrame, groups: Sequence[str] | None) -> list[str]:
    if groups is not None:
        return list(groups)
    found = sorted(bench["peer_group"].dropna().unique()) if "peer_group" in bench.columns else []
    named = [g for g in found if g != "all"]
    return named or found


def _ci_text(level: float | None) -> str:
    return f"{level:.0%} interval" if level else "interval"


# -- charts ------------------------------------------------------------------------------------


def block_profile(block_scores: pd.DataFrame, benchmarks: pd.DataFrame | None, blocks: Sequence[str] | None = None,
                  labels: Mapping[str, str] | None = None, *, region: str | None = None,
                  groups: Sequence[str] | None = None, frontrunner_group: str | None = None,
                  ci_level: float | None = None, region_label: str | None = None,
                  title: str = "Block scores (0–100)", id_prefix: str | None = None) -> Svg:
    """One territory's score per block with its interval, against peer-group means and a frontrunner level.

    `block_scores`: rows `region, block, score, ci_low, ci_high, n, status` (one region, or
    pick it with `region=`); `benchmarks`: the run's benchmark rows (filtered to the region).
    `groups`: peer groups whose means are marked (default: every group except `all`, or `all`
    when it is the only one); `frontrunner_group`: whose frontrunner level is marked (default
    `all` when present, else the first of `groups`). Blocks keep the instrument order.
    """
    scores, region = _one_region(block_scores, region, "block_scores")
    labels = dict(labels or {})
    blocks = list(blocks) if blocks is not None else list(dict.fromkeys(scores["block"]))
    bench = benchmarks if benchmarks is not None else pd.DataFrame(columns=["region", "block", "peer_group"])
    if region is not None and "region" in bench.columns:
        bench = bench[bench["region"] == region]
    groups = _peer_groups(bench, groups)
    all_groups = sorted(bench["peer_group"].dropna().unique()) if "peer_group" in bench.columns else []
    if frontrunner_group is None and all_groups:
        frontrunner_group = "all" if "all" in all_groups else (groups[0] if groups else all_groups[0])
    shapes = {g: pal.GROUP_MARKERS[i % len(pal.GROUP_MARKERS)] for i, g in enumerate(groups)}
    by_block = {r["block"]: r for r in scores.to_dict("records")}
    peer = {(r["block"], r["peer_group"]): r for r in bench.to_dict("records")}

    width, label_w = 760, 250
    x0, x1 = 12 + label_w + 14, 12 + label_w + 14 + 330
    value_x = x1 + 14
    who = region_label or region or "the territory"
    ci = _ci_text(ci_level)
    rows, alt_parts = [], []
    for b in blocks:
        name = labels.get(b, b)
        text_rows = wrap(name, label_w, 11.5, 3)
        rows.append((b, name, text_rows, max(34, 14 * len(text_rows) + 12)))

    subtitle = (f"{who}: dot = block score with its {ci}; hollow markers = peer-group means; "
                f"bar = frontrunner level" + (f" ({frontrunner_group})" if frontrunner_group else "") + ".")
    doc = Doc(width, 10, title, "")
    y = doc.heading(title, subtitle)
    entries = [("whisker", None, f"{who} ({ci})")]
    entries += [("marker", shapes[g], f"mean of peer group '{g}'") for g in groups]
    if frontrunner_group:
        entries.append(("marker", "bar", f"frontrunner level ('{frontrunner_group}')"))
    if any(by_block.get(b) is None or _published(by_block[b]) is None for b in blocks):
        entries.append(("fill", doc.pattern("missing"), "no published score"))
    y = legend_row(doc, 12, y + 6, entries, width - 12) + 6
    top = y
    for b, name, text_rows, h in rows:
        cy = y + h / 2
        doc.lines(12, cy - (len(text_rows) - 1) * 7 + 4, text_rows, size=11.5, leading=14)
        doc.line(x0, y + h, x1, y + h, stroke=pal.GRID, sw=0.6)
        y += h
    bottom = y
    _axis(doc, x0, x1, top, bottom)
    y = top
    for b, name, text_rows, h in rows:
        cy = y + h / 2
        row = by_block.get(b)
        score = _published(row) if row is not None else None
        lo = hi = None
        if score is not None:  # the interval first: markers are drawn over it
            lo, hi = _finite(row.get("ci_low")), _finite(row.get("ci_high"))
            if lo is not None and hi is not None:
                xl, xh = x0 + (x1 - x0) * lo / 100, x0 + (x1 - x0) * hi / 100
                doc.line(xl, cy, xh, cy, sw=1.6)
                doc.line(xl, cy - 5, xl, cy + 5, sw=1.6)
                doc.line(xh, cy - 5, xh, cy + 5, sw=1.6)
        peers_txt = []
        for g in groups:
            m = _finite(peer.get((b, g), {}).get("peer_mean"))
            if m is not None:
                doc.marker(shapes[g], x0 + (x1 - x0) * m / 100, cy, r=4.5)
                peers_txt.append(f"mean of '{g}' {fmt_score(m)}")
            else:
                peers_txt.append(f"mean of '{g}' not available")
        if frontrunner_group:
            f = _finite(peer.get((b, frontrunner_group), {}).get("frontrunner_level"))
            if f is not None:
                doc.marker("bar", x0 + (x1 - x0) * f / 100, cy, r=4.5)
                peers_txt.append(f"frontrunner level {fmt_score(f)}")
        if score is not None:
            if lo is not None and hi is not None:
                vt = f"{fmt_score(score)} ({fmt_score(lo)}–{fmt_score(hi)})"
                at = f"{fmt_score(score)} ({ci} {fmt_score(lo)} to {fmt_score(hi)})"
            else:
                vt, at = fmt_score(score), fmt_score(score)
            doc.marker("dot", x0 + (x1 - x0) * score / 100, cy, r=5)
            doc.text(value_x, cy + 4, vt, size=11.5, weight="bold")
        else:
            word = _status_word(row.get("status") if row is not None else "missing")
            doc.rect(value_x, cy - 7, 14, 12, fill=doc.pattern("missing"), stroke=pal.MUTED_INK, sw=0.6)
            doc.text(value_x + 19, cy + 3, word, size=11, italic=True, fill=pal.MUTED_INK)
            at = f"no published score ({word})"
        alt_parts.append(f"{name}: {at}" + (f"; {', '.join(peers_txt)}" if peers_txt else ""))
        y += h
    doc.height = int(bottom + 40)
    doc.alt = (f"Dot chart of the block scores (0–100) of {who} in {len(blocks)} blocks, each with its {ci}, "
               f"against peer-group means and the frontrunner level. " + ". ".join(alt_parts) + ".")
    return doc.render(id_prefix)


def block_vs_peers(region: str, block: str, benchmarks: pd.DataFrame, *, block_scores: pd.DataFrame | None = None,
                   block_label: str | None = None, region_label: str | None = None,
                   groups: Sequence[str] | None = None, ci_level: float | None = None,
                   title: str | None = None, id_prefix: str | None = None) -> Svg:
    """Small bar chart for one block: the territory's score, each peer group's mean and frontrunner level.

    The territory's score comes from `benchmarks` (NaN there when not published); with
    `block_scores`, its status and interval are taken from there.
    """
    bench = benchmarks[(benchmarks["region"] == region) & (benchmarks["block"] == block)]
    groups = _peer_groups(bench, groups)
    recs = {r["peer_group"]: r for r in bench.to_dict("records")}
    who = region_label or region
    score, lo, hi, status = None, None, None, "missing"
    if block_scores is not None:
        sel = block_scores[(block_scores["region"] == region) & (block_scores["block"] == block)]
        if len(sel):
            r = sel.iloc[0].to_dict()
            status = str(r.get("status"))
            score = _published(r)
            if score is not None:
                lo, hi = _finite(r.get("ci_low")), _finite(r.get("ci_high"))
    elif recs:
        score = _finite(next(iter(recs.values())).get("score"))
        status = "ok" if score is not None else "suppressed"
    items: list[tuple[str, float | None, str]] = [(f"{who}", score, "own")]
    for g in groups:
        items.append((f"mean of '{g}'", _finite(recs.get(g, {}).get("peer_mean")), "mean"))
        items.append((f"frontrunner level of '{g}'", _finite(recs.get(g, {}).get("frontrunner_level")), "front"))
    title = title or "Score against peer groups (0–100)"
    width, label_w = 520, 170
    x0, x1 = 12 + label_w + 8, 12 + label_w + 8 + 250
    doc = Doc(width, 10, title, "")
    y = doc.heading(title, block_label or block)
    top = y
    fills = {"own": pal.SEQUENTIAL[4], "mean": pal.SEQUENTIAL[2], "front": pal.SEQUENTIAL[1]}
    h = 24
    y += 4
    alt = []
    for lab, v, kind in items:
        # long territory or group names wrap instead of leaving the image (bold runs ~10% wider)
        rows = wrap(lab, label_w, size=12.2 if kind == "own" else 11)
        row_h = max(h, 13 * len(rows) + 8)
        cy = y + row_h / 2
        for k, row in enumerate(rows):
            doc.text(12 + label_w, cy + 4 + 13 * (k - (len(rows) - 1) / 2), row, size=11, anchor="end",
                     weight="bold" if kind == "own" else None)
        if v is not None:
            doc.rect(x0, cy - 8, (x1 - x0) * v / 100, 16, fill=fills[kind], stroke=pal.INK, sw=0.6)
            txt = fmt_score(v)
            if kind == "own" and lo is not None and hi is not None:
                xl, xh = x0 + (x1 - x0) * lo / 100, x0 + (x1 - x0) * hi / 100
                doc.line(xl, cy, xh, cy, stroke="#ffffff", sw=3.5)
                doc.line(xl, cy, xh, cy, sw=1.5)
                doc.line(xl, cy - 5, xl, cy + 5, sw=1.5)
                doc.line(xh, cy - 5, xh, cy + 5, sw=1.5)
                txt += f" ({fmt_score(lo)}–{fmt_score(hi)})"
                alt.append(f"{lab}: {fmt_score(v)} ({_ci_text(ci_level)} {fmt_score(lo)} to {fmt_score(hi)})")
            else:
                alt.append(f"{lab}: {fmt_score(v)}")
            reach = max(v, hi) if kind == "own" and hi is not None else v
            doc.text(x0 + (x1 - x0) * reach / 100 + 5, cy + 4, txt, size=11)
        else:
            word = _status_word(status) if kind == "own" else "not available"
            doc.rect(x0, cy - 8, 60, 16, fill=doc.pattern("missing"), stroke=pal.MUTED_INK, sw=0.6)
            doc.text(x0 + 66, cy + 4, word, size=11, italic=True, fill=pal.MUTED_INK)
            alt.append(f"{lab}: {word}")
        y += row_h
    bottom = y + 4
    # grid behind the bars would need drawing first; ticks only, below the rows
    for v in range(0, 101, 20):
        x = x0 + (x1 - x0) * v / 100
        doc.line(x, bottom, x, bottom + 4, stroke=pal.MUTED_INK, sw=0.8)
        doc.text(x, bottom + 16, str(v), size=10, anchor="middle", fill=pal.MUTED_INK)
    doc.line(x0, top, x0, bottom, stroke=pal.INK, sw=0.8)
    doc.line(x0, bottom, x1, bottom, stroke=pal.MUTED_INK, sw=0.8)
    doc.text((x0 + x1) / 2, bottom + 30, "Score (0–100)", size=11, anchor="middle", fill=pal.MUTED_INK)
    doc.height = int(bottom + 40)
    doc.alt = (f"Bar chart of {block_label or block}: score (0–100) of {who} against peer groups. "
               + "; ".join(alt) + ".")
    return doc.render(id_prefix)


def item_distribution(distribution: pd.DataFrame, choices_order: Sequence[str] | None = None,
                      labels: Mapping[str, str] | None = None, *, item_label: str | None = None,
                      min_respondents: int = 3, dont_know: Iterable[str] = DONT_KNOW,
                      regions: Sequence[str] | None = None, region_labels: Mapping[str, str] | None = None,
                      multiple: bool | None = None, scores: Mapping[str, float | None] | None = None,
                      title: str | None = None, id_prefix: str | None = None) -> Svg:
    """Answer shares of one item as a 100% stacked horizontal bar per territory (sorted by code).

    `distribution`: rows `region, item, choice, share, n` of one item. A territory is
    suppressed when its `n` is below `min_respondents` or any share is missing: it gets a
    hatched bar "suppressed (fewer than k answers)" and none of its figures (not even n).
    "Don't know" (choices in `dont_know`) is drawn dotted, apart from the scored answers. Answer
    colours go from light to dark along `choices_order`, or by `scores` (choice -> score) when given.
    Multiple-response items (shares summing above 100%; or `multiple=True`) get one bar per
    choice, each the share of answering respondents who ticked it.
    """
    labels = dict(labels or {})
    region_labels = dict(region_labels or {})
    dk = set(dont_know)
    frame = distribution
    if choices_order is None:
        choices_order = list(dict.fromkeys(frame["choice"]))
    choices = list(choices_order)
    if regions is None:
        regions = sorted(frame["region"].dropna().unique()) if "region" in frame.columns else [None]
    scored = [c for c in choices if c not in dk]
    if scores:  # lighter = lower score, as on every other chart
        scored_by_value = sorted(scored, key=lambda c: (_finite(scores.get(c)) is None, _finite(scores.get(c)) or 0))
    else:  # lighter = earlier in the answer scale
        scored_by_value = scored
    colours = dict(zip(scored_by_value, pal.ordinal_colours(len(scored))))

    data = {}
    for reg in regions:
        part = frame[frame["region"] == reg] if reg is not None else frame
        n_values = pd.to_numeric(part["n"], errors="coerce") if "n" in part.columns else pd.Series(dtype=float)
        n = int(n_values.max()) if len(n_values.dropna()) else 0
        shares = {}
        for r in part.to_dict("records"):
            if r["choice"] in choices:
                shares[r["choice"]] = _finite(r.get("share"))
        suppressed = (n < min_respondents or any(shares.get(c) is None for c in choices if c in shares)
                      or not shares)
        data[reg] = (n, None if suppressed else {c: shares.get(c) or 0.0 for c in choices})
    if multiple is None:
        multiple = any(s is not None and sum(s.values()) > 1.0 + 1e-6 for _, s in data.values())

    item_name = item_label or (str(frame["item"].iloc[0]) if "item" in frame.columns and len(frame) else "item")
    title = title or ("Answers (% of respondents who answered)" if not multiple
                      else "Answers ticked (% of respondents who answered; several answers possible)")
    width, label_w = 720, 130
    x0 = 12 + label_w + 10
    x1 = x0 + 470
    doc = Doc(width, 10, title, "")
    y = doc.heading(title, item_name)
    dk_fill = doc.pattern("dontknow")
    miss_fill = doc.pattern("missing")
    entries = [("fill", colours.get(c, dk_fill) if c not in dk else dk_fill, labels.get(c, c)) for c in choices]
    entries.append(("fill", miss_fill, f"suppressed (fewer than {min_respondents} answers)"))
    y = legend_row(doc, 12, y + 6, entries, width - 12) + 8
    bar_h = 20
    alt = []
    for reg in regions:
        n, shares = data[reg]
        rl = region_labels.get(reg, reg) if reg is not None else ""
        if shares is None:
            cy = y + bar_h / 2 + 3
            doc.text(12 + label_w, cy + 4, rl, size=11.5, anchor="end", weight="bold")
            word = (f"suppressed (fewer than {min_respondents} answers)" if n > 0 or min_respondents <= 0
                    else "no answers")
            doc.rect(x0, cy - bar_h / 2, x1 - x0, bar_h, fill=miss_fill, stroke=pal.MUTED_INK, sw=0.6)
            tw = text_width(word, 11) + 10
            doc.rect((x0 + x1) / 2 - tw / 2, cy - 7.5, tw, 15, fill="#ffffff")
            doc.text((x0 + x1) / 2, cy + 4, word, size=11, anchor="middle", italic=True)
            alt.append(f"{rl + ': ' if rl else ''}{word}")
            y += bar_h + 10
            continue
        if not multiple:
            cy = y + bar_h / 2 + 3
            doc.text(12 + label_w, cy + 4, rl, size=11.5, anchor="end", weight="bold")
            x = x0
            parts = []
            for c in choices:
                s = shares[c]
                w = (x1 - x0) * s
                fill = dk_fill if c in dk else colours[c]
                if w > 0:
                    doc.rect(x, cy - bar_h / 2, w, bar_h, fill=fill, stroke=pal.INK, sw=0.6)
                    if w >= 30:
                        tc = pal.INK if c in dk else pal.text_colour_on(fill)
                        if c in dk:
                            doc.rect(x + w / 2 - 15, cy - 6.5, 30, 13, fill="#ffffff")
                        doc.text(x + w / 2, cy + 4, fmt_pct(s), size=10.5, anchor="middle", fill=tc)
                parts.append(f"{labels.get(c, c)} {fmt_pct(s)}")
                x += w
            doc.text(x1 + 8, cy + 4, f"n = {n}", size=10.5, fill=pal.MUTED_INK)
            alt.append(f"{rl + ': ' if rl else ''}{', '.join(parts)} (n = {n})")
            y += bar_h + 10
        else:
            if rl:
                doc.text(12, y + 14, f"{rl} (n = {n})", size=11.5, weight="bold")
                y += 20
            parts = []
            for c in choices:
                s = shares[c]
                cy = y + 9
                doc.text(12 + label_w, cy + 4, labels.get(c, c), size=11, anchor="end")
                fill = dk_fill if c in dk else colours[c]
                doc.rect(x0, cy - 7, (x1 - x0) * s, 14, fill=fill, stroke=pal.INK, sw=0.6)
                doc.text(x0 + (x1 - x0) * s + 5, cy + 4, fmt_pct(s), size=10.5)
                parts.append(f"{labels.get(c, c)} {fmt_pct(s)}")
                y += 20
            alt.append(f"{rl + ' ' if rl else ''}(n = {n}): {', '.join(parts)}")
            y += 6
    bottom = y
    for v in range(0, 101, 25):
        x = x0 + (x1 - x0) * v / 100
        doc.line(x, bottom, x, bottom + 4, stroke=pal.MUTED_INK, sw=0.8)
        doc.text(x, bottom + 16, f"{v}%", size=10, anchor="middle", fill=pal.MUTED_INK)
    doc.line(x0, bottom, x1, bottom, stroke=pal.MUTED_INK, sw=0.8)
    doc.text((x0 + x1) / 2, bottom + 30, "Share of respondents who answered (%)", size=11, anchor="middle",
             fill=pal.MUTED_INK)
    doc.height = int(bottom + 40)
    kind = "Stacked bar chart (100%)" if not multiple else "Bar chart (several answers possible)"
    doc.alt = f"{kind} of the answers to '{item_name}'. " + "; ".join(alt) + "."
    return doc.render(id_prefix)


def _group_label(g: str) -> str:
    return str(g).replace("_", " ").capitalize()


def group_breakdown(group_block_scores: pd.DataFrame, block: str, *, region: str | None = None,
                    labels: Mapping[str, str] | None = None, block_label: str | None = None,
                    reference: float | None = None, reference_label: str = "territory score",
                    title: str = "Block score by stakeholder group (0–100)", id_prefix: str | None = None) -> Svg:
    """Bars per stakeholder group for one block; suppressed and insufficient cells are labelled, empty.

    `group_block_scores`: rows `region, block, stakeholder_group, score, n, status`. Groups
    follow the questionnaire order. `reference`: the territory's own block score, drawn as a
    dashed line when given (pass only a published score).
    """
    from ..campaign.model import STAKEHOLDER_GROUPS

    frame, region = _one_region(group_block_scores, region, "group_block_scores")
    frame = frame[frame["block"] == block]
    labels = dict(labels or {})
    order = {g: i for i, g in enumerate(STAKEHOLDER_GROUPS)}
    recs = sorted(frame.to_dict("records"), key=lambda r: (order.get(r["stakeholder_group"], 99),
                                                           str(r["stakeholder_group"])))
    width, label_w = 600, 170
    x0, x1 = 12 + label_w + 10, 12 + label_w + 10 + 300
    sub = (f"{region}: " if region else "") + (block_label or block)
    doc = Doc(width, 10, title, "")
    y = doc.heading(title, sub)
    entries = [("fill", pal.SEQUENTIAL[3], "published score"),
               ("fill", doc.pattern("missing"), "not shown (suppressed or insufficient answers)")]
    y = legend_row(doc, 12, y + 6, entries, width - 12) + 8
    top = y
    h = 24
    alt = []
    rows = []
    for r in recs:
        rows.append((labels.get(r["stakeholder_group"], _group_label(r["stakeholder_group"])), r))
    # grid first, bars over it
    bottom = top + h * max(len(rows), 1) + 4
    for v in range(0, 101, 20):
        x = x0 + (x1 - x0) * v / 100
        doc.line(x, top, x, bottom, stroke=pal.GRID, sw=0.8)
        doc.text(x, bottom + 13, str(v), size=10, anchor="middle", fill=pal.MUTED_INK)
    doc.text((x0 + x1) / 2, bottom + 28, "Score (0–100)", size=11, anchor="middle", fill=pal.MUTED_INK)
    if not rows:
        doc.text(x0, top + 16, "no stakeholder-group figures", italic=True, fill=pal.MUTED_INK, size=11)
        alt.append("no stakeholder-group figures")
    for lab, r in rows:
        cy = y + h / 2 + 2
        doc.text(12 + label_w, cy + 4, lab, size=11.5, anchor="end")
        v = _published(r)
        if v is not None:
            n = _finite(r.get("n"))
            doc.rect(x0, cy - 8, (x1 - x0) * v / 100, 16, fill=pal.SEQUENTIAL[3], stroke=pal.INK, sw=0.6)
            extra = f" (n = {int(n)})" if n is not None else ""
            doc.text(x1 + 10, cy + 4, fmt_score(v) + extra, size=11)
            alt.append(f"{lab}: {fmt_score(v)}{extra}")
        else:
            word = _status_word(r.get("status", "missing"))
            doc.rect(x0, cy - 8, x1 - x0, 16, fill=doc.pattern("missing"), stroke=pal.MUTED_INK, sw=0.6)
            tw = text_width(word, 11) * 1.08 + 12
            doc.rect(x0 + 6, cy - 7, tw, 14, fill="#ffffff")
            doc.text(x0 + 11, cy + 4, word, size=11, italic=True)
            alt.append(f"{lab}: not shown ({word})")
        y += h
    ref = _finite(reference)
    if ref is not None and rows:
        x = x0 + (x1 - x0) * ref / 100
        doc.line(x, top - 2, x, bottom, stroke=pal.INK, sw=1.4, extra=' stroke-dasharray="5 3"')
        doc.text(x, top - 5, f"{reference_label} {fmt_score(ref)}", size=10.5, anchor="middle")
        alt.append(f"{reference_label}: {fmt_score(ref)}")
    doc.height = int(bottom + 40)
    doc.alt = (f"Bar chart of the score (0–100) of {sub} by stakeholder group; groups below the anonymity "
               f"threshold are shown as such, without figures. " + "; ".join(alt) + ".")
    return doc.render(id_prefix)


def heatmap(block_scores: pd.DataFrame, territories: Sequence[str] | None = None, blocks: Sequence[str] | None = None,
            labels: Mapping[str, str] | None = None, *, territory_labels: Mapping[str, str] | None = None,
            sort: str | None = "code", title: str = "Block scores by territory (0–100)",
            id_prefix: str | None = None) -> Svg:
    """Territories × blocks, score printed in each cell; unpublished cells hatched with the word.

    Rows are sorted by territory code (`sort="code"`, the default: no league table) or kept in
    the order given (`sort=None`). Long block labels are replaced by the block code in the
    header and listed in a key below.
    """
    labels = dict(labels or {})
    territory_labels = dict(territory_labels or {})
    if territories is None:
        territories = list(dict.fromkeys(block_scores["region"]))
    territories = sorted(territories) if sort == "code" else list(territories)
    if sort not in ("code", None):
        raise ValueError("sort must be 'code' or None (heatmaps are never ranked by score)")
    if blocks is None:
        blocks = list(dict.fromkeys(block_scores["block"]))
    recs = {(r["region"], r["block"]): r for r in block_scores.to_dict("records")}
    cell_w, cell_h = 84, 26
    tl = {t: territory_labels.get(t, t) for t in territories}
    label_w = max([text_width(s, 11.5) for s in tl.values()] + [60]) + 8
    x0 = 12 + label_w
    width = max(int(x0 + cell_w * len(blocks) + 12), 460)
    head_rows, key = {}, []
    for b in blocks:
        lab = labels.get(b, b)
        rows = wrap(lab, cell_w - 6, 10.5, 3)
        if "…" in rows[-1] and lab != b:
            rows = [b]
            key.append((b, lab))
        head_rows[b] = rows
    head_h = 14 * max(len(r) for r in head_rows.values()) + 8 if blocks else 20
    doc = Doc(width, 10, title, "")
    y = doc.heading(title, "Score printed in each cell; rows sorted by territory code" if sort == "code"
                    else "Score printed in each cell")
    entries = [("fill", c, f"{lo:.0f}–{hi:.0f}") for c, (lo, hi) in zip(pal.SEQUENTIAL, pal.class_bounds())]
    entries.append(("fill", doc.pattern("missing"), "not published (word in cell)"))
    y = legend_row(doc, 12, y + 6, entries, width - 12) + 6
    for j, b in enumerate(blocks):
        cx = x0 + cell_w * j + cell_w / 2
        rows = head_rows[b]
        doc.lines(cx, y + head_h - 6 - 14 * (len(rows) - 1), rows, size=10.5, leading=14, anchor="middle",
                  weight="bold")
    y += head_h
    alt = []
    for t in territories:
        doc.text(x0 - 8, y + cell_h / 2 + 4, tl[t], size=11.5, anchor="end")
        cells = []
        for j, b in enumerate(blocks):
            x = x0 + cell_w * j
            r = recs.get((t, b))
            v = _published(r) if r is not None else None
            if v is not None:
                fill = pal.sequential_colour(v)
                doc.rect(x, y, cell_w, cell_h, fill=fill, stroke="#ffffff", sw=1.5)
                doc.text(x + cell_w / 2, y + cell_h / 2 + 4, fmt_score(v), size=11.5, anchor="middle",
                         fill=pal.text_colour_on(fill), weight="bold")
                cells.append(f"{labels.get(b, b) if b not in dict(key) else b} {fmt_score(v)}")
            else:
                word = "no data" if r is None else str(r.get("status") or "no data")
                if word == "ok":  # status ok but no number: nothing to publish
                    word = "no data"
                doc.rect(x, y, cell_w, cell_h, fill=doc.pattern("missing"), stroke="#ffffff", sw=1.5)
                tw = text_width(word, 10) + 8
                doc.rect(x + cell_w / 2 - tw / 2, y + cell_h / 2 - 7, tw, 14, fill="#ffffff")
                doc.text(x + cell_w / 2, y + cell_h / 2 + 3.5, word, size=10, anchor="middle", italic=True)
                cells.append(f"{labels.get(b, b) if b not in dict(key) else b} {word}")
        alt.append(f"{tl[t]}: " + ", ".join(cells))
        y += cell_h
    y += 8
    if key:
        doc.text(12, y + 12, "Blocks:", size=11, weight="bold")
        y += 14
        for b, lab in key:
            rows = wrap(f"{b}: {lab}", width - 36, 10.5, 3)
            doc.lines(24, y + 12, rows, size=10.5, leading=13, fill=pal.MUTED_INK)
            y += 13 * len(rows) + 3
    doc.height = int(y + 12)
    keytxt = (" Blocks: " + "; ".join(f"{b} = {lab}" for b, lab in key) + ".") if key else ""
    doc.alt = (f"Table-like heat map of block scores (0–100) for {len(territories)} territories (rows, by code) "
               f"and {len(blocks)} blocks (columns); cells without a published score are hatched and named."
               f"{keytxt} " + "; ".join(alt) + ".")
    return doc.render(id_prefix)


__all__ = [
    "DONT_KNOW",
    "STATUS_WORDS",
    "Svg",
    "block_profile",
    "block_vs_peers",
    "group_breakdown",
    "heatmap",
    "item_distribution",
]
