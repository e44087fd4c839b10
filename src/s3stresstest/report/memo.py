"""The memo for decision makers: at most two A4 pages, three key messages, one chart, three asks.

    doc = build_memo(inputs)

Written for a minister's office, not for an analyst: each message is one sentence with the
figure behind it, the chart shows the questions that are weak almost everywhere, and the asks
say who should do what. No file names, rule ids, column names or block codes: questions and
areas are named by their text (`findings.block_name`). The rules and figure tables behind each
message are in the synthesis report. The synthetic-data notice, when it applies, is carried by
every page's header (and the screen banner), not repeated in the body.

The messages come from the same rules as the synthesis findings (`findings`), so the memo
and the synthesis never disagree: (1) the question weak in most territories; (2) the weakest
area and where territories differ most; (3) stakeholder disagreement, or when it sets no
territory apart, the typology of profile shapes.
"""

from __future__ import annotations

import datetime as _dt

import pandas as pd

from ..findings import FindingParams, block_name, item_spread, key_findings, typology
from . import palette as pal
from .common import figure
from .render import Bullets, Callout, Document, Paragraph, Section, Table, num, pct
from .svg import Doc, axis, wrap

CHART_ITEMS = 6  # questions in the memo's chart
STAND_OUT = (
    "No message stands out.",
    "One message stands out.",
    "Two messages stand out.",
    "Three messages stand out.",
)


def _q(text: str) -> str:
    return f"“{str(text).rstrip('.?').strip()}”"


def _names(inputs, codes: list[str], limit: int = 4) -> str:
    shown = [inputs.name(c) for c in codes[:limit]]
    more = len(codes) - limit
    if more > 0:
        return ", ".join(shown) + f" and {more} more"
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1] if shown else ""


def _block_medians(inputs) -> pd.DataFrame:
    bs = inputs.block_scores
    ok = bs[(bs["status"] == "ok") & bs["score"].notna()]
    rows = []
    for b in inputs.blocks:
        s = ok.loc[ok["block"] == b]
        if len(s) >= 4:
            q1, q3 = s["score"].quantile([0.25, 0.75])
            top = s.loc[s["score"] >= q3].sort_values("score", ascending=False)["region"].tolist()
            rows.append({"block": b, "median": s["score"].median(), "q1": q1, "q3": q3, "top": top})
    return pd.DataFrame(rows, columns=["block", "median", "q1", "q3", "top"])


def _messages(inputs, p: FindingParams) -> tuple[list[tuple[str, str]], list[str]]:
    """Three (title, figure) messages and the three asks that follow from them."""
    ins = inputs.instrument
    msgs: list[tuple[str, str]] = []
    asks: list[str] = []
    items = item_spread(inputs, p).sort_values(["share_below", "median", "item"], ascending=[False, True, True])
    if len(items):
        head = items.iloc[0]
        common = items[items["share_below"] >= p.most_territories]
        lowest = items.sort_values(["median", "item"]).iloc[0]
        more = (
            f" {len(common)} questions in all score below {p.low_score:.0f} in at least {p.most_territories:.0%} "
            "of the territories"
            + (
                f"; the lowest median is on {_q(lowest['question'])} ({num(lowest['median'])})."
                if lowest["item"] != head["item"]
                else "."
            )
            if len(common) > 1
            else ""
        )
        msgs.append(
            (
                f"Weak almost everywhere: {_q(head['question'])}",
                f"Median score {num(head['median'])} of 100; below {p.low_score:.0f} in {int(head['below'])} of "
                f"{int(head['territories'])} territories.{more}",
            )
        )
        asks.append(
            f"Put {_q(head['question'])} on the agenda of the next S3 review in each of the {int(head['below'])} "
            "territories scoring below "
            f"{p.low_score:.0f}, with a named owner in the managing authority and a date to report back."
        )
    blocks = _block_medians(inputs)
    if len(blocks):
        low = blocks.sort_values(["median", "block"]).iloc[0]
        high = blocks.sort_values(["median", "block"], ascending=[False, True]).iloc[0]
        wide = (
            blocks.assign(iqr=blocks["q3"] - blocks["q1"])
            .sort_values(["iqr", "block"], ascending=[False, True])
            .iloc[0]
        )
        msgs.append(
            (
                f"The weakest area is {block_name(ins, low['block'])}",
                f"Median {num(low['median'])} of 100 across territories, against {num(high['median'])} on "
                f"{block_name(ins, high['block'])}. Territories differ most on {block_name(ins, wide['block'])}: "
                f"the middle half score between {num(wide['q1'])} and {num(wide['q3'])}.",
            )
        )
        asks.append(
            f"Organise peer visits on {block_name(ins, wide['block'])}: territories in the top quarter (score "
            f"{num(wide['q3'])} or more, such as {_names(inputs, list(wide['top']))}) host those in the bottom "
            f"quarter (below {num(wide['q1'])}) within the coming year."
        )
    found = {f["id"]: f for f in key_findings(inputs, p)}
    dis = found.get("group_disagreement")
    if dis is not None:
        fig = dis["figures"]
        disp = inputs.item_dispersion
        comp = disp[(disp["status"] == "ok") & (disp["groups_published"].fillna(0) >= 2)]
        by_item = comp.groupby("item").agg(territories=("region", "size"), disagree=("groups_disagree", "sum"))
        by_item = by_item[by_item["territories"] >= p.min_territories]
        by_item = (by_item["disagree"] / by_item["territories"]).sort_values(ascending=False)
        top_item = str(by_item.index[0]) if len(by_item) else None
        threshold = num(inputs.parameters.get("disagreement_threshold", 25))
        where = (
            f" Most often on {_q(ins.item_label(top_item))} ({pct(by_item.iloc[0])} of the territories compared)."
            if top_item
            else ""
        )
        most = fig[fig["counted"].eq(True)].sort_values(["share", "region"], ascending=[False, True])
        most = [str(c) for c in most["region"]]
        msgs.append(
            (
                "Stakeholders often see the S3 differently",
                f"In {dis['k']} of {dis['n']} territories the stakeholder groups differ by {threshold} points or more "
                f"on at least {p.disagreement_share:.0%} of the questions they can be compared on (median share "
                f"{pct(fig['share'].median())}).{where}",
            )
        )
        asks.append(
            "Bring policy makers, cluster managers and companies to one table in the "
            f"{dis['k']} territories where they disagree most (such as {_names(inputs, most)})"
            + (f", starting with {_q(ins.item_label(top_item))}" if top_item else "")
            + ", and agree on one shared reading before the strategy is revised."
        )
    else:
        t = typology(inputs, p)
        if t is not None and t["descriptions"]:
            d = t["descriptions"][0]
            msgs.append(
                (
                    f"{len(t['descriptions'])} kinds of profile, not one ladder",
                    f"Grouped by what they do relatively well or badly, the largest group ({len(d['territories'])} "
                    f"territories) is {d['summary'].split(': ', 1)[-1].split('. Figures')[0]}.",
                )
            )
            asks.append(
                "Choose partners for peer learning among territories of the same profile, not by overall score."
            )
    return msgs[:3], asks[:3]


def weakest_questions_chart(inputs, p: FindingParams, limit: int = CHART_ITEMS):
    """Dot-and-range chart: median and middle half of the territory scores of the weakest questions."""
    items = item_spread(inputs, p).sort_values(["share_below", "median", "item"], ascending=[False, True, True])
    items = items.head(limit)
    if items.empty:
        return None
    width, label_w = 760, 330
    x0 = 12 + label_w + 12
    x1 = x0 + 250
    value_x = x1 + 12
    title = "The questions weakest across territories"
    doc = Doc(width, 10, title, "")
    y = doc.heading(
        title, f"Dot: median territory score; bar: middle half of the territories; line: {p.low_score:.0f}."
    )
    y += 10
    rows = []
    for r in items.to_dict("records"):
        lines = wrap(_q(str(r["question"])), label_w, 11, 3)
        rows.append((r, lines, max(30, 14 * len(lines) + 10)))
    top = y
    bottom = top + sum(h for _, _, h in rows)
    axis(doc, x0, x1, top, bottom, label="Score (0–100)")
    xl = x0 + (x1 - x0) * p.low_score / 100
    doc.line(xl, top, xl, bottom, stroke=pal.MUTED_INK, sw=1.0, extra=' stroke-dasharray="4 3"')
    alt = []
    for r, lines, h in rows:
        cy = y + h / 2
        doc.lines(12, cy - (len(lines) - 1) * 7 + 4, lines, size=11, leading=14)
        a, b = x0 + (x1 - x0) * float(r["q1"]) / 100, x0 + (x1 - x0) * float(r["q3"]) / 100
        doc.rect(a, cy - 4, max(b - a, 1), 8, fill=pal.GRID, stroke=pal.MUTED_INK, sw=0.6)
        doc.marker("dot", x0 + (x1 - x0) * float(r["median"]) / 100, cy, r=5)
        doc.text(
            value_x,
            cy + 4,
            f"{num(r['median'])} · {r['below']} of {r['territories']} below {p.low_score:.0f}",
            size=10.5,
        )
        alt.append(
            f"{str(r['question']).rstrip('.?')}: median {num(r['median'])}, "
            f"middle half {num(r['q1'])} to {num(r['q3'])}, "
            f"{r['below']} of {r['territories']} territories below {p.low_score:.0f}"
        )
        y += h
    doc.height = int(bottom + 40)
    doc.alt = "Dot chart of the weakest questions across territories. " + "; ".join(alt) + "."
    svg = doc.render("memo-weakest")
    data = Table(
        ["Question", "Median", "Middle half", f"Below {p.low_score:.0f}"],
        [
            [
                _q(str(r["question"])),
                num(r["median"]),
                f"{num(r['q1'])}–{num(r['q3'])}",
                f"{r['below']} of {r['territories']}",
            ]
            for r in items.to_dict("records")
        ],
        caption=title,
        compact=True,
        numeric=(1,),
    )
    return figure(svg, "Each dot is the median of the territories' published scores.", data=data, wide=True)


def build_memo(inputs, *, findings_params: FindingParams | None = None) -> Document:
    """At most two pages: three key messages with their figures, one chart, three asks, a note on the data."""
    from .. import __version__

    p = findings_params or FindingParams()
    n = len(inputs.territories)
    counts = inputs.record.get("counts") or {}
    respondents = counts.get("respondents", "–")
    doc = Document(
        kind="memo",
        title="Clusters in Smart Specialisation: what the S3 StressTest shows",
        subtitle=f"Memo for decision makers. {n} territories, {respondents} respondents.",
        stem="memo",
        synthetic=inputs.synthetic,
        banner=inputs.banner,
        toc=False,
        meta={"software": __version__, "generated": _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d")},
    )
    msgs, asks = _messages(inputs, p)
    short = Section("In short", "short", in_toc=False)
    short.add(
        Paragraph(
            f"The S3 StressTest asked {respondents} people in {n} territories how well cluster organisations take "
            "part in their region's Smart Specialisation Strategy (S3): in its design, its alignment with national "
            "and neighbouring strategies, its implementation, monitoring and impact. Scores run from 0 (weakest) "
            f"to 100. {STAND_OUT[len(msgs)]}",
            style="lead",
        )
    )
    doc.sections.append(short)
    sec = Section("Key messages", "messages", in_toc=False)
    for i, (title, text) in enumerate(msgs, 1):
        sec.add(Callout(text, title=f"{i}. {title}.", kind_of="finding"))
    if not msgs:
        sec.add(Paragraph("These results hold too few published figures for a message.", style="note"))
    doc.sections.append(sec)
    chart = weakest_questions_chart(inputs, p)
    if chart is not None:
        doc.sections.append(Section("Where territories are weakest", "chart", in_toc=False).add(chart))
    act = Section("What we ask", "asks", in_toc=False)
    act.add(Bullets(asks, ordered=True) if asks else Paragraph("No ask: too few published figures.", style="note"))
    doc.sections.append(act)
    about = Section("About the figures", "data", in_toc=False)
    about.add(
        Paragraph(
            f"Each score is the mean answer of a territory's respondents on a 0–100 scale, with a "
            f"{int(100 * float(inputs.parameters.get('ci_level', 0.9)))}% interval; a figure is published only when "
            f"at least {inputs.min_respondents} respondents stand behind it, and only published figures count. "
            "The synthesis report gives the rule and the full table behind each message; the regional reports "
            "give each territory's own results.",
            style="small",
        )
    )
    doc.sections.append(about)
    return doc
