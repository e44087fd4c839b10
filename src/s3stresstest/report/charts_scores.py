"""Charts of territories' block scores: one territory's profile, one block against peers, all of them.

    block_profile(block_scores, benchmarks, blocks, labels)     # one territory, all blocks
    block_vs_peers("AT33", "b1", benchmarks)                     # one block, small
    heatmap(block_scores)                                        # territories x blocks, by code

Suppression: a score is drawn only when its row's status is `ok` and it is a finite number
(`published_score`, also used by `charts_answers`); any other row is a hatched grey mark with
the status word, never its value, even when the frame handed in carries one. Import these
from `report.charts`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import pandas as pd

from ..i18n import translator
from . import palette as pal
from .common import peer_label
from .render import N_
from .svg import Doc, Svg, axis, finite, fmt_score, legend_row, text_width, wrap

# the word drawn in place of a figure that is not published (translated where it is drawn)
STATUS_WORDS = {
    # TRANSLATORS: in place of a score withheld because too few people answered (anonymity)
    "suppressed": N_("suppressed"),
    "insufficient": N_("insufficient answers"),
    "missing": N_("no data"),
}
# shorter words for the cells of the heat map
CELL_WORDS = {"suppressed": N_("suppressed"), "insufficient": N_("insufficient"), "missing": N_("no data")}

# -- inputs ------------------------------------------------------------------------------------


def published_score(row: Mapping) -> float | None:
    """A score only when its status is 'ok' and it is a finite number; otherwise None (the suppression rule)."""
    if str(row.get("status", "ok")) != "ok":
        return None
    return finite(row.get("score"))


def status_word(status: object, language: str = "en") -> str:
    """The word drawn in place of an unpublished figure; `status` as read from a row (any value, read as text)."""
    t = translator(language)
    word = STATUS_WORDS.get(str(status))
    return t._(word) if word else (str(status) or t._("no data"))


def one_region(frame: pd.DataFrame, region: str | None, what: str) -> tuple[pd.DataFrame, str | None]:
    """The rows of one region and its code: `region` when given, else the only region in `frame`.

    A frame holding several regions without `region=` is an error: a chart of one territory
    never mixes territories silently.
    """
    if "region" not in frame.columns:
        return frame, region
    if region is not None:
        return frame[frame["region"] == region], region
    regions = sorted(frame["region"].dropna().unique())
    if len(regions) > 1:
        raise ValueError(f"{what} holds several regions ({', '.join(regions[:5])}...); pass region=")
    return frame, (regions[0] if regions else None)


def _peer_groups(bench: pd.DataFrame, groups: Sequence[str] | None) -> list[str]:
    """`groups`, or every peer group in `bench` except 'all' (which is kept when it is the only one)."""
    if groups is not None:
        return list(groups)
    found = sorted(bench["peer_group"].dropna().unique()) if "peer_group" in bench.columns else []
    named = [g for g in found if g != "all"]
    return named or found


def _group_name(g: str, language: str) -> str:
    """A peer group's name as charts print it: the same as the report's tables (`common.peer_label`)."""
    return peer_label(g, language=language)


def _ci_text(level: float | None, language: str = "en") -> str:
    t = translator(language)
    # TRANSLATORS: {level} is a percentage such as "90%": a 90% confidence interval
    return t._("{level} interval", level=t.percent(level, 0)) if level else t._("interval")


# -- charts ------------------------------------------------------------------------------------


def block_profile(
    block_scores: pd.DataFrame,
    benchmarks: pd.DataFrame | None,
    blocks: Sequence[str] | None = None,
    labels: Mapping[str, str] | None = None,
    *,
    region: str | None = None,
    groups: Sequence[str] | None = None,
    frontrunner_group: str | None = None,
    ci_level: float | None = None,
    region_label: str | None = None,
    title: str | None = None,
    id_prefix: str | None = None,
    language: str = "en",
    narrow: bool = False,
) -> Svg:
    """One territory's score per block with its interval, against peer-group means and a frontrunner level.

    `narrow`: the phone layout, 400 px wide (legible at a 390 px screen's width): each block's name on its
    own lines above its scale, the legend in place of the subtitle.

    `block_scores`: rows `region, block, score, ci_low, ci_high, n, status` (one region, or
    pick it with `region=`); `benchmarks`: the run's benchmark rows (filtered to the region).
    `groups`: peer groups whose means are marked (default: every group except `all`, or `all`
    when it is the only one); `frontrunner_group`: whose frontrunner level is marked (default
    `all` when present, else the first of `groups`). Blocks keep the instrument order.
    """
    t = translator(language)
    title = title or t._("Block scores (0–100)")
    scores, region = one_region(block_scores, region, "block_scores")
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

    width, label_w = (400, 376) if narrow else (760, 250)
    x0, x1 = (12, 262) if narrow else (12 + label_w + 14, 12 + label_w + 14 + 330)
    value_x = x1 + 14
    # the word of an unpublished score is drawn right of the scale: a longer word (some languages) widens the chart
    words = [
        status_word(by_block[b].get("status") if b in by_block else "missing", language)
        for b in blocks
        if by_block.get(b) is None or published_score(by_block[b]) is None
    ]
    width = max(width, math.ceil(max([0.0] + [value_x + 19 + text_width(w, 11) + 4 for w in words])))
    who = region_label or region or t._("the territory")
    ci = _ci_text(ci_level, language)
    rows, alt_parts = [], []
    for b in blocks:
        name = labels.get(b, b)
        text_rows = wrap(name, label_w, 11.5, 3)
        rows.append((b, name, text_rows, 14 * len(text_rows) + 28 if narrow else max(34, 14 * len(text_rows) + 12)))

    subtitle = (
        t._(
            "{territory}: dot = block score with its {interval}; hollow markers = peer-group means; "
            "bar = frontrunner level ({group}).",
            territory=who,
            interval=ci,
            group=_group_name(frontrunner_group, language),
        )
        if frontrunner_group
        else t._(
            "{territory}: dot = block score with its {interval}; hollow markers = peer-group means; "
            "bar = frontrunner level.",
            territory=who,
            interval=ci,
        )
    )
    doc = Doc(width, 10, title, "")
    y = doc.heading(title, None if narrow else subtitle)  # narrow: the legend below says the same
    entries: list[tuple[str, str | None, str]] = [("whisker", None, f"{who} ({ci})")]
    entries += [
        ("marker", shapes[g], t._("mean of peer group '{group}'", group=_group_name(g, language))) for g in groups
    ]
    if frontrunner_group:
        entries.append(
            ("marker", "bar", t._("frontrunner level ('{group}')", group=_group_name(frontrunner_group, language)))
        )
    if any(by_block.get(b) is None or published_score(by_block[b]) is None for b in blocks):
        entries.append(("fill", doc.pattern("missing"), t._("no published score")))
    y = legend_row(doc, 12, y + 6, entries, width - 12) + 6
    top = y
    for _b, _name, text_rows, h in rows:
        if narrow:  # the name above its own scale, whose grid lines stop short of it
            doc.lines(12, y + 14, text_rows, size=11.5, leading=14)
            cy = _row_centre(y, h, text_rows, narrow)
            for v in range(0, 101, 20):
                doc.line(x0 + (x1 - x0) * v / 100, cy - 9, x0 + (x1 - x0) * v / 100, cy + 9, stroke=pal.GRID, sw=0.8)
            doc.line(12, y + h, width - 12, y + h, stroke=pal.GRID, sw=0.6)
        else:
            cy = y + h / 2
            doc.lines(12, cy - (len(text_rows) - 1) * 7 + 4, text_rows, size=11.5, leading=14)
            doc.line(x0, y + h, x1, y + h, stroke=pal.GRID, sw=0.6)
        y += h
    bottom = y
    axis(doc, x0, x1, bottom if narrow else top, bottom, label=t._("Score (0–100)"), language=language)
    y = top
    for b, name, text_rows, h in rows:
        cy = _row_centre(y, h, text_rows, narrow)
        row = by_block.get(b)
        score = published_score(row) if row is not None else None
        lo = hi = None
        if score is not None and row is not None:  # the interval first: markers are drawn over it
            lo, hi = finite(row.get("ci_low")), finite(row.get("ci_high"))
            if lo is not None and hi is not None:
                xl, xh = x0 + (x1 - x0) * lo / 100, x0 + (x1 - x0) * hi / 100
                doc.line(xl, cy, xh, cy, sw=1.6)
                doc.line(xl, cy - 5, xl, cy + 5, sw=1.6)
                doc.line(xh, cy - 5, xh, cy + 5, sw=1.6)
        peers_txt = []
        for g in groups:
            m = finite(peer.get((b, g), {}).get("peer_mean"))
            if m is not None:
                doc.marker(shapes[g], x0 + (x1 - x0) * m / 100, cy, r=4.5)
                peers_txt.append(
                    t._("mean of '{group}' {score}", group=_group_name(g, language), score=fmt_score(m, language))
                )
            else:
                peers_txt.append(t._("mean of '{group}' not available", group=_group_name(g, language)))
        if frontrunner_group:
            f = finite(peer.get((b, frontrunner_group), {}).get("frontrunner_level"))
            if f is not None:
                doc.marker("bar", x0 + (x1 - x0) * f / 100, cy, r=4.5)
                peers_txt.append(t._("frontrunner level {score}", score=fmt_score(f, language)))
        if score is not None:
            sc = fmt_score(score, language)
            if lo is not None and hi is not None:
                low, high = fmt_score(lo, language), fmt_score(hi, language)
                vt = f"{sc} [{low}–{high}]"  # as the tables and text write it (Translator.interval)
                at = t._("{score} ({interval} {low} to {high})", score=sc, interval=ci, low=low, high=high)
            else:
                vt, at = sc, sc
            doc.marker("dot", x0 + (x1 - x0) * score / 100, cy, r=5)
            doc.text(value_x, cy + 4, vt, size=11.5, weight="bold")
        else:
            word = status_word(row.get("status") if row is not None else "missing", language)
            doc.rect(value_x, cy - 7, 14, 12, fill=doc.pattern("missing"), stroke=pal.MUTED_INK, sw=0.6)
            doc.text(value_x + 19, cy + 3, word, size=11, italic=True, fill=pal.MUTED_INK)
            at = t._("no published score ({reason})", reason=word)
        alt_parts.append(f"{name}: {at}" + (f"; {', '.join(peers_txt)}" if peers_txt else ""))
        y += h
    doc.height = int(bottom + 40)
    lead = t.ngettext(
        "Dot chart of the block scores (0–100) of {territory} in {n} block, each with its {interval}, "
        "against peer-group means and the frontrunner level.",
        "Dot chart of the block scores (0–100) of {territory} in {n} blocks, each with its {interval}, "
        "against peer-group means and the frontrunner level.",
        len(blocks),
        territory=who,
        interval=ci,
    )
    doc.alt = f"{lead} " + ". ".join(alt_parts) + "."
    return doc.render(id_prefix)


def _row_centre(y: float, h: float, text_rows: list[str], narrow: bool) -> float:
    """The y of a block's marks: mid-row, or (narrow layout) below the block's name."""
    return y + 14 * len(text_rows) + 12 if narrow else y + h / 2


def block_vs_peers(
    region: str,
    block: str,
    benchmarks: pd.DataFrame,
    *,
    block_scores: pd.DataFrame | None = None,
    block_label: str | None = None,
    region_label: str | None = None,
    groups: Sequence[str] | None = None,
    ci_level: float | None = None,
    title: str | None = None,
    id_prefix: str | None = None,
    language: str = "en",
) -> Svg:
    """Small bar chart for one block: the territory's score, each peer group's mean and frontrunner level.

    The territory's score comes from `benchmarks` (NaN there when not published); with
    `block_scores`, its status and interval are taken from there.
    """
    t = translator(language)
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
            score = published_score(r)
            if score is not None:
                lo, hi = finite(r.get("ci_low")), finite(r.get("ci_high"))
    elif recs:
        score = finite(next(iter(recs.values())).get("score"))
        status = "ok" if score is not None else "suppressed"
    items: list[tuple[str, float | None, str]] = [(f"{who}", score, "own")]
    for g in groups:
        items.append(
            (t._("mean of '{group}'", group=_group_name(g, language)), finite(recs.get(g, {}).get("peer_mean")), "mean")
        )
        items.append(
            (
                t._("frontrunner level of '{group}'", group=_group_name(g, language)),
                finite(recs.get(g, {}).get("frontrunner_level")),
                "front",
            )
        )
    title = title or t._("Score against peer groups (0–100)")
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
            doc.text(
                12 + label_w,
                cy + 4 + 13 * (k - (len(rows) - 1) / 2),
                row,
                size=11,
                anchor="end",
                weight="bold" if kind == "own" else None,
            )
        if v is not None:
            doc.rect(x0, cy - 8, (x1 - x0) * v / 100, 16, fill=fills[kind], stroke=pal.INK, sw=0.6)
            txt = fmt_score(v, language)
            if kind == "own" and lo is not None and hi is not None:
                xl, xh = x0 + (x1 - x0) * lo / 100, x0 + (x1 - x0) * hi / 100
                doc.line(xl, cy, xh, cy, stroke="#ffffff", sw=3.5)
                doc.line(xl, cy, xh, cy, sw=1.5)
                doc.line(xl, cy - 5, xl, cy + 5, sw=1.5)
                doc.line(xh, cy - 5, xh, cy + 5, sw=1.5)
                low, high = fmt_score(lo, language), fmt_score(hi, language)
                txt += f" [{low}–{high}]"
                at = t._(
                    "{score} ({interval} {low} to {high})",
                    score=fmt_score(v, language),
                    interval=_ci_text(ci_level, language),
                    low=low,
                    high=high,
                )
                alt.append(f"{lab}: {at}")
            else:
                alt.append(f"{lab}: {fmt_score(v, language)}")
            reach = max(v, hi) if kind == "own" and hi is not None else v
            doc.text(x0 + (x1 - x0) * reach / 100 + 5, cy + 4, txt, size=11)
        else:
            word = status_word(status, language) if kind == "own" else t._("not available")
            doc.rect(x0, cy - 8, 60, 16, fill=doc.pattern("missing"), stroke=pal.MUTED_INK, sw=0.6)
            doc.text(x0 + 66, cy + 4, word, size=11, italic=True, fill=pal.MUTED_INK)
            alt.append(f"{lab}: {word}")
        y += row_h
    bottom = y + 4
    # grid behind the bars would need drawing first; ticks only, below the rows
    for v in range(0, 101, 20):
        x = x0 + (x1 - x0) * v / 100
        doc.line(x, bottom, x, bottom + 4, stroke=pal.MUTED_INK, sw=0.8)
        doc.text(x, bottom + 16, fmt_score(v, language), size=10, anchor="middle", fill=pal.MUTED_INK)
    doc.line(x0, top, x0, bottom, stroke=pal.INK, sw=0.8)
    doc.line(x0, bottom, x1, bottom, stroke=pal.MUTED_INK, sw=0.8)
    doc.text((x0 + x1) / 2, bottom + 30, t._("Score (0–100)"), size=11, anchor="middle", fill=pal.MUTED_INK)
    doc.height = int(bottom + 40)
    lead = t._(
        "Bar chart of {block}: score (0–100) of {territory} against peer groups.",
        block=block_label or block,
        territory=who,
    )
    doc.alt = f"{lead} " + "; ".join(alt) + "."
    return doc.render(id_prefix)


def heatmap(
    block_scores: pd.DataFrame,
    territories: Sequence[str] | None = None,
    blocks: Sequence[str] | None = None,
    labels: Mapping[str, str] | None = None,
    *,
    territory_labels: Mapping[str, str] | None = None,
    sort: str | None = "code",
    title: str | None = None,
    id_prefix: str | None = None,
    language: str = "en",
    narrow: bool = False,
    words: Mapping[str, str] | None = None,
) -> Svg:
    """Territories × blocks, score printed in each cell; unpublished cells hatched with the word.

    `words`: translated cell words for statuses beyond CELL_WORDS (the synthesis names a territory
    with no answers, or fewer than k respondents, so rather than by its blocks' status).

    Rows are sorted by territory code (`sort="code"`, the default: no league table) or kept in
    the order given (`sort=None`). Long block labels are replaced by the block code in the
    header and listed in a key below. `narrow`: the phone layout (legible at a 390 px screen's
    width): territories by code only, narrower cells, unpublished cells hatched without the word.
    """
    tr = translator(language)
    title = title or tr._("Block scores by territory (0–100)")
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
    cell_w, cell_h = (50, 26) if narrow else (84, 26)
    tl = {t: t if narrow else territory_labels.get(t, t) for t in territories}
    label_w = max([text_width(s, 11.5) for s in tl.values()] + [0 if narrow else 60]) + 8
    x0 = 12 + label_w
    width = max(int(x0 + cell_w * len(blocks) + 12), 0 if narrow else 460)
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
    y = doc.heading(
        title,
        tr._("Score printed in each cell; rows sorted by territory code")
        if sort == "code"
        else tr._("Score printed in each cell"),
    )
    classes = zip(pal.SEQUENTIAL, pal.class_bounds(), strict=True)
    entries = [("fill", c, f"{fmt_score(lo, language)}–{fmt_score(hi, language)}") for c, (lo, hi) in classes]
    entries.append(
        ("fill", doc.pattern("missing"), tr._("no published score") if narrow else tr._("not published (word in cell)"))
    )
    y = legend_row(doc, 12, y + 6, entries, width - 12) + 6
    for j, b in enumerate(blocks):
        cx = x0 + cell_w * j + cell_w / 2
        rows = head_rows[b]
        doc.lines(
            cx, y + head_h - 6 - 14 * (len(rows) - 1), rows, size=10.5, leading=14, anchor="middle", weight="bold"
        )
    y += head_h
    alt = []
    for t in territories:
        doc.text(x0 - 8, y + cell_h / 2 + 4, tl[t], size=11.5, anchor="end")
        cells = []
        for j, b in enumerate(blocks):
            x = x0 + cell_w * j
            r = recs.get((t, b))
            v = published_score(r) if r is not None else None
            if v is not None:
                fill = pal.sequential_colour(v)
                doc.rect(x, y, cell_w, cell_h, fill=fill, stroke="#ffffff", sw=1.5)
                doc.text(
                    x + cell_w / 2,
                    y + cell_h / 2 + 4,
                    fmt_score(v, language),
                    size=11.5,
                    anchor="middle",
                    fill=pal.text_colour_on(fill),
                    weight="bold",
                )
                cells.append(f"{labels.get(b, b) if b not in dict(key) else b} {fmt_score(v, language)}")
            else:
                status = "missing" if r is None else str(r.get("status") or "missing")
                if status == "ok":  # status ok but no number: nothing to publish
                    status = "missing"
                word = (words or {}).get(status) or (tr._(CELL_WORDS[status]) if status in CELL_WORDS else status)
                doc.rect(x, y, cell_w, cell_h, fill=doc.pattern("missing"), stroke="#ffffff", sw=1.5)
                if not narrow:  # (a narrow cell has no room for the word: its table gives it)
                    tw = text_width(word, 10) + 8
                    doc.rect(x + cell_w / 2 - tw / 2, y + cell_h / 2 - 7, tw, 14, fill="#ffffff")
                    doc.text(x + cell_w / 2, y + cell_h / 2 + 3.5, word, size=10, anchor="middle", italic=True)
                cells.append(f"{labels.get(b, b) if b not in dict(key) else b} {word}")
        alt.append(f"{tl[t]}: " + ", ".join(cells))
        y += cell_h
    y += 8
    if key:
        doc.text(12, y + 12, tr._("Blocks:"), size=11, weight="bold")
        y += 14
        for b, lab in key:
            rows = wrap(f"{b}: {lab}", width - 36, 10.5, 3)
            doc.lines(24, y + 12, rows, size=10.5, leading=13, fill=pal.MUTED_INK)
            y += 13 * len(rows) + 3
    doc.height = int(y + 12)
    keytxt = (" " + tr._("Blocks: {list}.", list="; ".join(f"{b} = {lab}" for b, lab in key))) if key else ""
    lead = tr.ngettext(
        "Table-like heat map of block scores (0–100) for {n} territory (rows, by code) "
        "and {blocks} blocks (columns); cells without a published score are hatched and named.",
        "Table-like heat map of block scores (0–100) for {n} territories (rows, by code) "
        "and {blocks} blocks (columns); cells without a published score are hatched and named.",
        len(territories),
        blocks=len(blocks),
    )
    doc.alt = f"{lead}{keytxt} " + "; ".join(alt) + "."
    return doc.render(id_prefix)


__all__ = [
    "CELL_WORDS",
    "STATUS_WORDS",
    "block_profile",
    "block_vs_peers",
    "heatmap",
    "one_region",
    "published_score",
    "status_word",
]
