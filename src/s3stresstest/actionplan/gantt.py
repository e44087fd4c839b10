"""The action plan's timeline as a Gantt chart (SVG): one bar per action, grouped by action line."""

from __future__ import annotations

import datetime as dt
from html import escape

from ..i18n import translator
from .model import Action, ActionPlan, Line, text_in

# Okabe-Ito, one colour per line (colour-blind safe; the line is also written as a heading row)
COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000")


def _index(d: dt.date, start: dt.date) -> int:
    return (d.year - start.year) * 12 + d.month - start.month


def gantt_svg(plan: ActionPlan, language: str = "en") -> str:
    t = translator(language)
    months = _index(plan.end, plan.start) + 1
    label_w, col = 300, max(8.0, min(28.0, 620 / months))
    width = label_w + col * months + 20
    row_h, top = 20, 58
    rows: list[Line | Action] = []
    for line in plan.lines:
        acts: list[Action] = sorted((a for a in plan.actions if a.line == line.id), key=lambda a: (a.start, a.id))
        if acts:
            rows.append(line)
            rows.extend(acts)
    height = top + row_h * len(rows) + 30
    title = t._("Timeline of the actions")
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height}" width="{width:.0f}" '
        f'height="{height}" role="img" aria-label="{escape(title)}" font-family="sans-serif" font-size="11">',
        f"<title>{escape(title)}</title>",
        f'<text x="4" y="16" font-size="14" font-weight="bold">{escape(title)}</text>',
    ]
    for m in range(months):  # year labels and month grid
        day = dt.date(plan.start.year + (plan.start.month - 1 + m) // 12, (plan.start.month - 1 + m) % 12 + 1, 1)
        x = label_w + col * m
        if day.month == 1 or m == 0:
            out.append(f'<text x="{x + 2:.1f}" y="{top - 22}" font-weight="bold">{day.year}</text>')
            out.append(f'<line x1="{x:.1f}" y1="{top - 30}" x2="{x:.1f}" y2="{height - 30}" stroke="#999"/>')
        elif day.month in (4, 7, 10):
            # TRANSLATORS: quarter of a year on the timeline
            quarter = escape(t._("Q{q}", q=(day.month + 2) // 3))
            out.append(f'<text x="{x + 2:.1f}" y="{top - 8}" fill="#555" font-size="9">{quarter}</text>')
            out.append(f'<line x1="{x:.1f}" y1="{top - 16}" x2="{x:.1f}" y2="{height - 30}" stroke="#ddd"/>')
    colour = {line.id: COLOURS[i % len(COLOURS)] for i, line in enumerate(plan.lines)}
    for i, item in enumerate(rows):
        y = top + row_h * i
        if isinstance(item, Line):
            out.append(f'<rect x="0" y="{y}" width="{width:.0f}" height="{row_h}" fill="#f2f2f2"/>')
            out.append(f'<text x="4" y="{y + 14}" font-weight="bold">{escape(item.title_in(language))}</text>')
            continue
        a = item
        x0 = label_w + col * _index(a.start, plan.start)
        w = col * a.months
        name = f"{a.id}  {text_in(a.title, language)}"
        if len(name) > 48:
            name = name[:47] + "…"
        out.append(f'<text x="14" y="{y + 14}">{escape(name)}</text>')
        fill = colour[a.line]
        out.append(f'<rect x="{x0:.1f}" y="{y + 4}" width="{w:.1f}" height="{row_h - 8}" rx="2" fill="{fill}"/>')
    out.append("</svg>")
    return "\n".join(out)
