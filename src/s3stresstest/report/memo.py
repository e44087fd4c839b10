"""The memo for decision makers: at most two A4 pages, three key messages, one chart, three asks.

    doc = build_memo(inputs)

Written for a minister's office, not for an analyst: each message is one sentence with the
figure behind it, the chart shows the questions that are weak almost everywhere, and the asks
say who should do what. No file names, rule ids, column names or block codes: questions and
areas are named by their text (`findings.block_name`). The rules and figure tables behind each
message are in the synthesis report. The synthetic-data notice, when it applies, is carried by
every page's header (and the screen banner), not repeated in the body.

The messages come from the same rules as the synthesis findings (`findings`), so the memo
and the synthesis never disagree: (1) the question below the low-score threshold in the largest
share of territories, then the next by that same rule (one ranking, named in the headline);
(2) the weakest area and where territories differ most; (3) stakeholder disagreement, or when it
sets no territory apart, the typology of profile shapes.
"""

from __future__ import annotations

import datetime as _dt

import pandas as pd

from ..findings import FindingParams, block_name, item_spread, key_findings, threshold_text, typology
from ..i18n import Translator, check_language, translator
from . import palette as pal
from .common import figure
from .render import N_, Bullets, Callout, Document, Paragraph, Section, Table, tidy_stops
from .svg import Doc, axis, wrap
from .synthesis import answered_sentences, run_total, synthetic_banner, type_summaries_in

#: The memo's title (also what the web admin's list of reports calls it: one text, one translation).
TITLE = N_("Clusters in Smart Specialisation: what the S3 StressTest shows")
CHART_ITEMS = 6  # questions in the memo's chart
STAND_OUT = (
    N_("No message stands out."),
    N_("One message stands out."),
    N_("Two messages stand out."),
    N_("Three messages stand out."),
)


def _q(inputs, item: str, t: Translator) -> str:
    """A question by its text in the language, in the language's quotation marks."""
    ins = inputs.instrument
    text = ins.item_label(item, t.language) if ins.has_item(item) else item
    # TRANSLATORS: a question quoted in a sentence; use your language's quotation marks
    return t._("“{question}”", question=str(text).rstrip(".?").strip())


def _names(inputs, codes: list[str], t: Translator, limit: int = 4) -> str:
    shown = [inputs.name(c) for c in codes[:limit]]
    more = len(codes) - limit
    if more > 0:
        return t._("{listed} and {more} more", listed=", ".join(shown), more=more)
    if len(shown) <= 1:
        return "".join(shown)
    return t._("{first} and {second}", first=", ".join(shown[:-1]), second=shown[-1])


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


def _messages(inputs, p: FindingParams, language: str = "en") -> tuple[list[tuple[str, str]], list[str]]:
    """Three (title, figure) messages and the three asks that follow from them."""
    t = translator(language)
    ins = inputs.instrument
    msgs: list[tuple[str, str]] = []
    asks: list[str] = []
    threshold = threshold_text(t, p.low_score)
    items = item_spread(inputs, p).sort_values(["share_below", "median", "item"], ascending=[False, True, True])
    if len(items):
        head = items.iloc[0]
        common = items[items["share_below"] >= p.most_territories]
        text = t.ngettext(
            "Median score {median} of 100; below {threshold} in {below} of {n} territory.",
            "Median score {median} of 100; below {threshold} in {below} of {n} territories.",
            int(head["territories"]),
            median=t.number(head["median"]),
            threshold=threshold,
            below=int(head["below"]),
        )
        if len(common) > 1:
            fields = {"count": len(common), "threshold": threshold, "share": t.percent(p.most_territories)}
            # the next by the headline's rule (share below the threshold), never the first by another
            nxt = items.iloc[1]
            text += " " + t._(
                "{count} questions in all score below {threshold} in at least {share} of the territories; next by "
                "that share comes {question} (below {threshold} in {below} of {n}).",
                question=_q(inputs, str(nxt["item"]), t),
                below=int(nxt["below"]),
                n=int(nxt["territories"]),
                **fields,
            )
        question = _q(inputs, str(head["item"]), t)
        msgs.append(
            (
                t._(
                    "Below {threshold} in the largest share of territories: {question}",
                    threshold=threshold,
                    question=question,
                ),
                text,
            )
        )
        asks.append(
            t.ngettext(
                "Put {question} on the agenda of the next S3 review in the {n} territory scoring below {threshold}, "
                "with a named owner in the managing authority and a date to report back.",
                "Put {question} on the agenda of the next S3 review in each of the {n} territories scoring below "
                "{threshold}, with a named owner in the managing authority and a date to report back.",
                int(head["below"]),
                question=question,
                threshold=threshold,
            )
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
        wide_area = block_name(ins, str(wide["block"]), language)
        msgs.append(
            (
                t._("The weakest area is {area}", area=block_name(ins, str(low["block"]), language)),
                t._(
                    "Median {median} of 100 across territories, against {high} on {high_area}. Territories differ "
                    "most on {wide_area}: the middle half score between {q1} and {q3}.",
                    median=t.number(low["median"]),
                    high=t.number(high["median"]),
                    high_area=block_name(ins, str(high["block"]), language),
                    wide_area=wide_area,
                    q1=t.number(wide["q1"]),
                    q3=t.number(wide["q3"]),
                ),
            )
        )
        asks.append(
            t._(
                "Organise peer visits on {area}: territories in the top quarter (score {q3} or more, such as "
                "{names}) host those in the bottom quarter (below {q1}) within the coming year.",
                area=wide_area,
                q3=t.number(wide["q3"]),
                names=_names(inputs, list(wide["top"]), t),
                q1=t.number(wide["q1"]),
            )
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
        text = t.ngettext(
            "In {k} of {n} territory the stakeholder groups differ by {threshold} points or more on at least "
            "{share} of the questions they can be compared on (median share {median}).",
            "In {k} of {n} territories the stakeholder groups differ by {threshold} points or more on at least "
            "{share} of the questions they can be compared on (median share {median}).",
            int(dis["n"]),
            k=dis["k"],
            threshold=t.number(inputs.parameters.get("disagreement_threshold", 25)),
            share=t.percent(p.disagreement_share),
            median=t.percent(fig["share"].median()),
        )
        if top_item:
            text += " " + t._(
                "Most often on {question} ({share} of the territories compared).",
                question=_q(inputs, top_item, t),
                share=t.percent(by_item.iloc[0]),
            )
        most = fig[fig["counted"].eq(True)].sort_values(["share", "region"], ascending=[False, True])
        names = _names(inputs, [str(c) for c in most["region"]], t)
        msgs.append((t._("Stakeholders often see the S3 differently"), text))
        if top_item:
            ask = t.ngettext(
                "Bring policy makers, cluster managers and companies to one table in the {n} territory where they "
                "disagree most ({names}), starting with {question}, and agree on one shared reading before the "
                "strategy is revised.",
                "Bring policy makers, cluster managers and companies to one table in the {n} territories where they "
                "disagree most (such as {names}), starting with {question}, and agree on one shared reading before "
                "the strategy is revised.",
                int(dis["k"]),
                names=names,
                question=_q(inputs, top_item, t),
            )
        else:
            ask = t.ngettext(
                "Bring policy makers, cluster managers and companies to one table in the {n} territory where they "
                "disagree most ({names}), and agree on one shared reading before the strategy is revised.",
                "Bring policy makers, cluster managers and companies to one table in the {n} territories where they "
                "disagree most (such as {names}), and agree on one shared reading before the strategy is revised.",
                int(dis["k"]),
                names=names,
            )
        asks.append(ask)
    else:
        ty = typology(inputs, p)
        if ty is not None and ty["descriptions"]:
            d = ty["descriptions"][0]
            summary = type_summaries_in(inputs, language, p, ty).get(int(d["type"]), d["summary"])
            msgs.append(
                (
                    t._("{n} kinds of profile, not one ladder", n=len(ty["descriptions"])),
                    t._(
                        "Grouped by what they do relatively well or badly, the largest group is this: {summary}",
                        summary=summary,
                    ),
                )
            )
            asks.append(
                t._("Choose partners for peer learning among territories of the same profile, not by overall score.")
            )
    return msgs[:3], asks[:3]


def weakest_questions_chart(inputs, p: FindingParams, limit: int = CHART_ITEMS, language: str = "en"):
    """Dot-and-range chart: median and middle half of the territory scores of the weakest questions."""
    t = translator(language)
    items = item_spread(inputs, p).sort_values(["share_below", "median", "item"], ascending=[False, True, True])
    items = items.head(limit)
    if items.empty:
        return None
    width, label_w = 760, 330
    x0 = 12 + label_w + 12
    x1 = x0 + 250
    value_x = x1 + 12
    threshold = threshold_text(t, p.low_score)
    title = t._("The questions weakest across territories")
    doc = Doc(width, 10, title, "")
    y = doc.heading(
        title,
        t._(
            "Dot: median territory score; bar: middle half of the territories; line: {threshold}.",
            threshold=threshold,
        ),
    )
    y += 10
    rows = []
    for r in items.to_dict("records"):
        question = _q(inputs, str(r["item"]), t)
        lines = wrap(question, label_w, 11, 3)
        rows.append((r, question, lines, max(30, 14 * len(lines) + 10)))
    top = y
    bottom = top + sum(h for _, _, _, h in rows)
    axis(doc, x0, x1, top, bottom, label=t._("Score (0–100)"), language=language)
    xl = x0 + (x1 - x0) * p.low_score / 100
    doc.line(xl, top, xl, bottom, stroke=pal.MUTED_INK, sw=1.0, extra=' stroke-dasharray="4 3"')
    alt = []
    for r, question, lines, h in rows:
        cy = y + h / 2
        doc.lines(12, cy - (len(lines) - 1) * 7 + 4, lines, size=11, leading=14)
        a, b = x0 + (x1 - x0) * float(r["q1"]) / 100, x0 + (x1 - x0) * float(r["q3"]) / 100
        doc.rect(a, cy - 4, max(b - a, 1), 8, fill=pal.GRID, stroke=pal.MUTED_INK, sw=0.6)
        doc.marker("dot", x0 + (x1 - x0) * float(r["median"]) / 100, cy, r=5)
        doc.text(
            value_x,
            cy + 4,
            t._(
                "{median} · {below} of {n} below {threshold}",
                median=t.number(r["median"]),
                below=r["below"],
                n=r["territories"],
                threshold=threshold,
            ),
            size=10.5,
        )
        alt.append(
            t._(
                "{question}: median {median}, middle half {q1} to {q3}, {below} of {n} territories below {threshold}",
                question=question,
                median=t.number(r["median"]),
                q1=t.number(r["q1"]),
                q3=t.number(r["q3"]),
                below=r["below"],
                n=r["territories"],
                threshold=threshold,
            )
        )
        y += h
    doc.height = int(bottom + 40)
    doc.alt = t._("Dot chart of the weakest questions across territories. {details}.", details="; ".join(alt))
    svg = doc.render("memo-weakest")
    data = Table(
        [t._("Question"), t._("Median"), t._("Middle half"), t._("Below {threshold}", threshold=threshold)],
        [
            [
                question,
                t.number(r["median"]),
                f"{t.number(r['q1'])}–{t.number(r['q3'])}",
                t._("{k} of {n}", k=r["below"], n=r["territories"]),
            ]
            for r, question, _, _ in rows
        ],
        caption=title,
        compact=True,
        numeric=(1,),
    )
    return figure(svg, t._("Each dot is the median of the territories' published scores."), data=data, wide=True)


def _run_date(record) -> _dt.date | None:
    """The day the results were made (the run record's `created`), so a printed memo says how current it is."""
    try:
        return _dt.datetime.fromisoformat(str((record or {}).get("created") or "")).date()
    except ValueError:
        return None


def respondents_phrase(inputs, t: Translator) -> str:
    """The subtitle's count of respondents: never a total giving back a territory below k by difference
    (`disclosure.publishable_total`: with one below k, only the territories with at least k are counted)."""
    tot, k = run_total(inputs), t.integer(inputs.min_respondents)
    if tot.complete:
        return t.ngettext(
            "{count} respondent", "{count} respondents", tot.respondents, count=t.integer(tot.respondents)
        )
    if tot.published:
        return t.ngettext(
            "{count} respondent in the territories with at least {k} each",
            "{count} respondents in the territories with at least {k} each",
            tot.respondents,
            count=t.integer(tot.respondents),
            k=k,
        )
    return t._("no territory with {k} or more respondents", k=k)


def build_memo(inputs, *, findings_params: FindingParams | None = None, language: str = "en") -> Document:
    """At most two pages: three key messages with their figures, one chart, three asks, a note on the data;
    every text in `language` (en, de, fr, it, sl)."""
    from .. import __version__

    language = check_language(language)
    t = translator(language)
    p = findings_params or FindingParams()
    n = len(inputs.territories)
    people = respondents_phrase(inputs, t)
    run_date = _run_date(inputs.record)
    if run_date is not None:
        subtitle = t._(
            "Memo for decision makers, from the results of {date}. {n} territories, {respondents}.",
            date=t.date(run_date),
            n=t.integer(n),
            respondents=people,
        )
    else:
        subtitle = t._("Memo for decision makers. {n} territories, {respondents}.", n=t.integer(n), respondents=people)
    doc = Document(
        kind="memo",
        title=t._(TITLE),
        subtitle=subtitle,
        stem="memo",
        synthetic=inputs.synthetic,
        banner=synthetic_banner(inputs, t),
        toc=False,
        language=language,
        meta={"software": __version__, "generated": _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d")},
    )
    msgs, asks = _messages(inputs, p, language)
    short = Section(t._("In short"), "short", in_toc=False)
    short.add(
        Paragraph(
            t._(
                "The S3 StressTest asks how well cluster organisations take part in their region's Smart "
                "Specialisation Strategy (S3): in its design, its alignment with national and neighbouring "
                "strategies, its implementation, monitoring and impact. Scores run from 0 (weakest) to 100."
            )
            + " "
            + answered_sentences(inputs, t)
            + " "
            + t._(STAND_OUT[len(msgs)]),
            style="lead",
        )
    )
    doc.sections.append(short)
    sec = Section(t._("Key messages"), "messages", in_toc=False)
    for i, (title, text) in enumerate(msgs, 1):
        sec.add(Callout(text, title=tidy_stops(t._("{i}. {title}.", i=i, title=title)), kind_of="finding"))
    if not msgs:
        sec.add(Paragraph(t._("These results hold too few published figures for a message."), style="note"))
    doc.sections.append(sec)
    chart = weakest_questions_chart(inputs, p, language=language)
    if chart is not None:
        doc.sections.append(Section(t._("Where territories are weakest"), "chart", in_toc=False).add(chart))
    act = Section(t._("What we ask"), "asks", in_toc=False)
    act.add(Bullets(asks, ordered=True) if asks else Paragraph(t._("No ask: too few published figures."), style="note"))
    doc.sections.append(act)
    about = Section(t._("About the figures"), "data", in_toc=False)
    about.add(
        Paragraph(
            t._(
                "Each score is the mean answer of a territory's respondents on a 0–100 scale, with a {level} "
                "interval; a figure is published only when at least {k} respondents stand behind it, and only "
                "published figures count. The synthesis report gives the rule and the full table behind each "
                "message; the regional reports give each territory's own results.",
                level=t.percent(float(inputs.parameters.get("ci_level", 0.9))),
                k=t.integer(inputs.min_respondents),
            ),
            style="small",
        )
    )
    doc.sections.append(about)
    return doc
