"""The action plan's timeline as a Gantt chart (SVG): one bar per action, grouped by action line.

An action's label is wrapped over as many lines as it needs (never cut), and a joint call that
cannot run (`calls`) gets no bar but the words "not feasible".
"""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Mapping
from html import escape

from ..calls.outcome import CallOutcome
from ..i18n import translator
from .model import Action, ActionPlan, Line, text_in

LABEL_CHARS = 46  # characters per label line in the 300 px label column (11 px sans-serif)
LINE_H = 13  # px per label line

# Okabe-Ito, one colour per line (colour-blind safe; the line is also written as a heading row)
COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000")


def _index(d: dt.date, start: dt.date) -> int:
    return (d.year - start.year) * 12 + d.month - start.month


def _label(a: Action, language: str) -> list[str]:
    return textwrap.wrap(f"{a.id}  {text_in(a.title, language)}", LABEL_CHARS, break_on_hyphens=False) or [a.id]


def gantt_svg(plan: ActionPlan, language: str = "en", calls: Mapping[str, CallOutcome] | None = None) -> str:
    """`calls`: the planned call of each joint-call action (`joint_calls.match_calls`), if known."""
    t = translator(language)
    calls = calls or {}
    months = _index(plan.end, plan.start) + 1
    label_w, col = 300, max(8.0, min(28.0, 620 / months))
    width = label_w + col * months + 20
    row_h, top = 20, 58
    rows: list[tuple[Line | Action, list[str], int]] = []  # item, label lines, row height
    for line in plan.lines:
        acts: list[Action] = sorted((a for a in plan.actions if a.line == line.id), key=lambda a: (a.start, a.id))
        if acts:
            rows.append((line, [line.title_in(language)], row_h))
            for a in acts:
                label = _label(a, language)
                rows.append((a, label, max(row_h, LINE_H * len(label) + 7)))
    height = top + sum(h for _, _, h in rows) + 30
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
    y = top
    for item, label, h in rows:
        if isinstance(item, Line):
            out.append(f'<rect x="0" y="{y}" width="{width:.0f}" height="{h}" fill="#f2f2f2"/>')
            out.append(f'<text x="4" y="{y + 14}" font-weight="bold">{escape(label[0])}</text>')
            y += h
            continue
        a = item
        lines = "".join(
            f'<tspan x="14" dy="{0 if k == 0 else LINE_H}">{escape(x)}</tspan>' for k, x in enumerate(label)
        )
        out.append(f'<text x="14" y="{y + 14}">{lines}</text>')
        middle = y + h / 2
        call = calls.get(a.id)
        if call is not None and not call.feasible:
            # TRANSLATORS: in the timeline, in place of the bar of a joint call that cannot run
            words = escape(t._("not feasible"))
            out.append(
                f'<text x="{label_w + 4}" y="{middle + 4:.1f}" fill="#B00020" font-style="italic">{words}</text>'
            )
        else:
            first = max(0, _index(a.start, plan.start))  # a call's dates may reach outside the plan's period
            last = min(months, _index(a.end, plan.start) + 1)
            x0, w = label_w + col * first, col * max(last - first, 0)
            fill = colour[a.line]
            out.append(f'<rect x="{x0:.1f}" y="{middle - 6:g}" width="{w:.1f}" height="12" rx="2" fill="{fill}"/>')
        y += h
    out.append("</svg>")
    return "\n".join(out)
