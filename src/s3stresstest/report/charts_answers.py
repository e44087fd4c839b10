"""Charts of what respondents said: one item's answer shares, one block's score by stakeholder group.

    item_distribution(distributions, ["yes", "no", "dk"], labels)
    group_breakdown(group_block_scores, "b1")

A territory's answer bar is drawn only when its `n` reaches the threshold and every share is
present; a stakeholder group's bar only when its score is published. Otherwise the place is
hatched with the word, and none of its figures (not even n). Import these from `report.charts`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import pandas as pd

from ..disclosure import publishable_shares
from ..i18n import translator
from . import palette as pal
from .charts_scores import one_region, published_score, status_word
from .common import group_label
from .svg import Doc, Svg, axis, finite, fmt_pct, fmt_score, legend_row, text_width

DONT_KNOW = ("dont_know", "dk", "don_t_know", "do_not_know")


def item_distribution(
    distribution: pd.DataFrame,
    choices_order: Sequence[str] | None = None,
    labels: Mapping[str, str] | None = None,
    *,
    item_label: str | None = None,
    min_respondents: int = 3,
    dont_know: Iterable[str] = DONT_KNOW,
    regions: Sequence[str] | None = None,
    region_labels: Mapping[str, str] | None = None,
    multiple: bool | None = None,
    scores: Mapping[str, float | None] | None = None,
    title: str | None = None,
    id_prefix: str | None = None,
    language: str = "en",
) -> Svg:
    """Answer shares of one item as a 100% stacked horizontal bar per territory (sorted by code).

    `distribution`: rows `region, item, choice, share, n` of one item. A territory is
    suppressed when its `n` is below `min_respondents` or any share is missing: it gets a
    hatched bar "suppressed (fewer than k answers)" and none of its figures (not even n).
    "Don't know" (choices in `dont_know`) is drawn dotted grey, apart from the scored answers. Answer
    colours diverge from brown (low) over a neutral midpoint to blue-green (high) along
    `choices_order`, or by `scores` (choice -> score) when given (`palette.likert_colours`).
    Multiple-response items (shares summing above 100%; or `multiple=True`) get one bar per
    choice, each the share of answering respondents who ticked it.
    """
    t = translator(language)
    k_text = t.integer(min_respondents)
    labels = dict(labels or {})
    region_labels = dict(region_labels or {})
    dk = set(dont_know)
    frame = distribution
    if choices_order is None:
        choices_order = list(dict.fromkeys(frame["choice"]))
    choices = list(choices_order)
    # None: a frame without a region column, drawn as one unlabelled bar
    bars: Sequence[str | None]
    if regions is None:
        bars = sorted(frame["region"].dropna().unique()) if "region" in frame.columns else [None]
    else:
        bars = regions
    scored = [c for c in choices if c not in dk]
    if scores:  # brown = lower score, blue-green = higher
        scored_by_value = sorted(scored, key=lambda c: (finite(scores.get(c)) is None, finite(scores.get(c)) or 0))
    else:  # brown = earlier in the answer scale
        scored_by_value = scored
    colours = dict(zip(scored_by_value, pal.likert_colours(len(scored)), strict=True))

    data: dict[str | None, tuple[int, dict[str, float] | None]] = {}
    for reg in bars:
        part = frame[frame["region"] == reg] if reg is not None else frame
        n_values = pd.to_numeric(part["n"], errors="coerce") if "n" in part.columns else pd.Series(dtype=float)
        n = int(n_values.max()) if len(n_values.dropna()) else 0
        found: dict[str, float | None] = {}
        for r in part.to_dict("records"):
            if r["choice"] in choices:
                found[r["choice"]] = finite(r.get("share"))
        suppressed = n < min_respondents or any(found.get(c) is None for c in choices if c in found) or not found
        data[reg] = (n, None if suppressed else {c: found.get(c) or 0.0 for c in choices})
    if multiple is None:
        multiple = any(s is not None and sum(s.values()) > 1.0 + 1e-6 for _, s in data.values())

    item_name = item_label or (
        str(frame["item"].iloc[0]) if "item" in frame.columns and len(frame) else t._("question")
    )
    title = title or (
        t._("Answers (% of respondents who answered)")
        if not multiple
        else t._("Answers ticked (% of respondents who answered; several answers possible)")
    )
    width, label_w = 720, 130
    x0 = 12 + label_w + 10
    x1 = x0 + 470
    doc = Doc(width, 10, title, "")
    y = doc.heading(title, item_name)
    dk_fill = doc.pattern("dontknow")
    miss_fill = doc.pattern("missing")
    entries = [("fill", colours.get(c, dk_fill) if c not in dk else dk_fill, labels.get(c, c)) for c in choices]
    # the legend names only what the chart holds: pooled small answers, withheld bars
    pooled_any = any(
        s is not None and publishable_shares(s, n, min_respondents, multiple=multiple)[1] for n, s in data.values()
    )
    if pooled_any:
        entries.append(
            (
                "fill",
                miss_fill if multiple else doc.pattern("merged"),  # pooled options: unlike "Don't know" beside them
                t._("answers given by fewer than {k} respondents: not shown", k=k_text)
                if multiple
                else t._(
                    # TRANSLATORS: legend of the hatched segment; it can stand for many respondents (small answer
                    # options merged with larger ones), so it must not read as "fewer than k respondents"
                    "merged, no figure: options chosen by fewer than {k} respondents each, plus the next smallest",
                    k=k_text,
                ),
            )
        )
    if any(s is None for _, s in data.values()):
        entries.append(("fill", miss_fill, t._("whole bar suppressed (fewer than {k} answers)", k=k_text)))
    y = legend_row(doc, 12, y + 6, entries, width - 12) + 8
    bar_h = 20
    alt = []
    for reg in bars:
        n, shares = data[reg]
        rl = region_labels.get(reg, reg) if reg is not None else ""
        if shares is None:
            cy = y + bar_h / 2 + 3
            doc.text(12 + label_w, cy + 4, rl, size=11.5, anchor="end", weight="bold")
            word = (
                t._("suppressed (fewer than {k} answers)", k=k_text)
                if n > 0 or min_respondents <= 0
                else t._("no answers")
            )
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
            x: float = x0
            parts = []
            _, withheld = publishable_shares(shares, n, min_respondents)
            for c in choices:
                if c in withheld:
                    if c != withheld[0]:
                        continue
                    w = (x1 - x0) * sum(shares[w_] for w_ in withheld)
                    doc.rect(x, cy - bar_h / 2, w, bar_h, fill=doc.pattern("merged"), stroke=pal.INK, sw=0.6)
                    parts.append(
                        t._(
                            "{answers} pooled (fewer than {k} respondents behind one of them)",
                            answers=", ".join(labels.get(w_, w_) for w_ in withheld),
                            k=k_text,
                        )
                    )
                    x += w
                    continue
                s = shares[c]
                w = (x1 - x0) * s
                fill = dk_fill if c in dk else colours[c]
                if w > 0:
                    doc.rect(x, cy - bar_h / 2, w, bar_h, fill=fill, stroke=pal.INK, sw=0.6)
                    if w >= 30:
                        tc = pal.INK if c in dk else pal.text_colour_on(fill)
                        if c in dk:
                            doc.rect(x + w / 2 - 15, cy - 6.5, 30, 13, fill="#ffffff")
                        doc.text(x + w / 2, cy + 4, fmt_pct(s, language), size=10.5, anchor="middle", fill=tc)
                parts.append(f"{labels.get(c, c)} {fmt_pct(s, language)}")
                x += w
            doc.text(x1 + 8, cy + 4, f"n = {t.integer(n)}", size=10.5, fill=pal.MUTED_INK)
            alt.append(f"{rl + ': ' if rl else ''}{', '.join(parts)} (n = {t.integer(n)})")
            y += bar_h + 10
        else:
            if rl:
                doc.text(12, y + 14, f"{rl} (n = {t.integer(n)})", size=11.5, weight="bold")
                y += 20
            parts = []
            _, withheld = publishable_shares(shares, n, min_respondents, multiple=True)
            for c in choices:
                s = shares[c]
                cy = y + 9
                doc.text(12 + label_w, cy + 4, labels.get(c, c), size=11, anchor="end")
                if c in withheld:
                    word = t._("fewer than {k} respondents", k=k_text)
                    doc.rect(x0, cy - 7, text_width(word, 10.5) + 12, 14, fill=miss_fill, stroke=pal.MUTED_INK, sw=0.6)
                    doc.text(x0 + 6, cy + 4, word, size=10.5, italic=True)
                    parts.append(f"{labels.get(c, c)} {word}")
                    y += 20
                    continue
                fill = dk_fill if c in dk else colours[c]
                doc.rect(x0, cy - 7, (x1 - x0) * s, 14, fill=fill, stroke=pal.INK, sw=0.6)
                doc.text(x0 + (x1 - x0) * s + 5, cy + 4, fmt_pct(s, language), size=10.5)
                parts.append(f"{labels.get(c, c)} {fmt_pct(s, language)}")
                y += 20
            alt.append(f"{rl + ' ' if rl else ''}(n = {t.integer(n)}): {', '.join(parts)}")
            y += 6
    bottom = y
    for v in range(0, 101, 25):
        x = x0 + (x1 - x0) * v / 100
        doc.line(x, bottom, x, bottom + 4, stroke=pal.MUTED_INK, sw=0.8)
        doc.text(x, bottom + 16, fmt_pct(v / 100, language), size=10, anchor="middle", fill=pal.MUTED_INK)
    doc.line(x0, bottom, x1, bottom, stroke=pal.MUTED_INK, sw=0.8)
    doc.text(
        (x0 + x1) / 2,
        bottom + 30,
        t._("Share of respondents who answered (%)"),
        size=11,
        anchor="middle",
        fill=pal.MUTED_INK,
    )
    doc.height = int(bottom + 40)
    lead = (
        t._("Stacked bar chart (100%) of the answers to '{item}'.", item=item_name)
        if not multiple
        else t._("Bar chart (several answers possible) of the answers to '{item}'.", item=item_name)
    )
    doc.alt = f"{lead} " + "; ".join(alt) + "."
    return doc.render(id_prefix)


def distribution_text(
    shares: Mapping[str, float],
    labels: Mapping[str, str],
    n: int,
    k: int,
    *,
    multiple: bool = False,
    language: str = "en",
) -> str:
    """'Agree 35% · Neutral 20% · Yes, No: fewer than k each' - the text twin of a published bar."""
    t = translator(language)
    shown, withheld = publishable_shares(shares, n, k, multiple=multiple)
    parts = [f"{labels.get(c, c)} {fmt_pct(s, language)}" for c, s in shares.items() if c in shown]
    if withheld:
        names = ", ".join(labels.get(c, c) for c in withheld)
        parts.append(
            t._("{answers}: withheld (fewer than {k} respondents each)", answers=names, k=t.integer(k))
            if multiple
            else t._(
                "{answers}: {share} together (not shown apart: fewer than {k} respondents behind at least one of them)",
                answers=names,
                share=fmt_pct(sum(shares[c] for c in withheld), language),
                k=t.integer(k),
            )
        )
    return " · ".join(parts)


def group_breakdown(
    group_block_scores: pd.DataFrame,
    block: str,
    *,
    region: str | None = None,
    labels: Mapping[str, str] | None = None,
    block_label: str | None = None,
    reference: float | None = None,
    reference_label: str | None = None,
    title: str | None = None,
    id_prefix: str | None = None,
    language: str = "en",
) -> Svg:
    """Bars per stakeholder group for one block; suppressed and insufficient cells are labelled, empty.

    `group_block_scores`: rows `region, block, stakeholder_group, score, n, status`. Groups
    follow the questionnaire order. `reference`: the territory's own block score, drawn as a
    dashed line when given (pass only a published score).
    """
    from ..campaign.model import STAKEHOLDER_GROUPS

    t = translator(language)
    title = title or t._("Block score by stakeholder group (0–100)")
    # TRANSLATORS: label of the dashed line marking the territory's own block score in a chart
    reference_label = reference_label or t._("territory score")
    frame, region = one_region(group_block_scores, region, "group_block_scores")
    frame = frame[frame["block"] == block]
    labels = dict(labels or {})
    order = {g: i for i, g in enumerate(STAKEHOLDER_GROUPS)}
    recs = sorted(
        frame.to_dict("records"), key=lambda r: (order.get(r["stakeholder_group"], 99), str(r["stakeholder_group"]))
    )
    names = [labels.get(r["stakeholder_group"], group_label(r["stakeholder_group"], language=language)) for r in recs]
    # group names longer in some languages ('Politische/r Entscheidungsträger/in') widen the label column
    label_w = max([170.0] + [text_width(name, 11.5) + 4 for name in names])
    width = int(600 + label_w - 170)
    x0, x1 = 12 + label_w + 10, 12 + label_w + 10 + 300
    sub = (f"{region}: " if region else "") + (block_label or block)
    doc = Doc(width, 10, title, "")
    y = doc.heading(title, sub)
    entries = [("fill", pal.SEQUENTIAL[3], t._("published score"))]
    if any(published_score(r) is None for r in recs):  # the legend names only what the chart holds
        entries.append(("fill", doc.pattern("missing"), t._("not shown (suppressed or insufficient answers)")))
    y = legend_row(doc, 12, y + 6, entries, width - 12) + 8
    top = y
    h = 24
    alt = []
    rows = []
    for name, r in zip(names, recs, strict=True):
        rows.append((name, r))
    # grid first, bars over it
    bottom = top + h * max(len(rows), 1) + 4
    axis(doc, x0, x1, top, bottom, label=t._("Score (0–100)"), language=language)
    if not rows:
        doc.text(x0, top + 16, t._("no stakeholder-group figures"), italic=True, fill=pal.MUTED_INK, size=11)
        alt.append(t._("no stakeholder-group figures"))
    for lab, r in rows:
        cy = y + h / 2 + 2
        doc.text(12 + label_w, cy + 4, lab, size=11.5, anchor="end")
        v = published_score(r)
        if v is not None:
            n = finite(r.get("n"))
            doc.rect(x0, cy - 8, (x1 - x0) * v / 100, 16, fill=pal.SEQUENTIAL[3], stroke=pal.INK, sw=0.6)
            extra = f" (n = {t.integer(int(n))})" if n is not None else ""
            doc.text(x1 + 10, cy + 4, fmt_score(v, language) + extra, size=11)
            alt.append(f"{lab}: {fmt_score(v, language)}{extra}")
        else:
            word = status_word(r.get("status", "missing"), language)
            doc.rect(x0, cy - 8, x1 - x0, 16, fill=doc.pattern("missing"), stroke=pal.MUTED_INK, sw=0.6)
            tw = text_width(word, 11) * 1.08 + 12
            doc.rect(x0 + 6, cy - 7, tw, 14, fill="#ffffff")
            doc.text(x0 + 11, cy + 4, word, size=11, italic=True)
            alt.append(t._("{group}: not shown ({reason})", group=lab, reason=word))
        y += h
    ref = finite(reference)
    if ref is not None and rows:
        x = x0 + (x1 - x0) * ref / 100
        doc.line(x, top - 2, x, bottom, stroke=pal.INK, sw=1.4, extra=' stroke-dasharray="5 3"')
        doc.text(x, top - 5, f"{reference_label} {fmt_score(ref, language)}", size=10.5, anchor="middle")
        alt.append(f"{reference_label}: {fmt_score(ref, language)}")
    doc.height = int(bottom + 40)
    lead = t._(
        "Bar chart of the score (0–100) of {subject} by stakeholder group; groups below the anonymity "
        "threshold are shown as such, without figures.",
        subject=sub,
    )
    doc.alt = f"{lead} " + "; ".join(alt) + "."
    return doc.render(id_prefix)


__all__ = ["DONT_KNOW", "distribution_text", "group_breakdown", "item_distribution", "publishable_shares"]
