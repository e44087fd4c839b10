"""The regional StressTest report: one territory, every block, against its peer groups.

    doc = build_regional(inputs, "ITC1")          # a render.Document
    write_html(doc, "ITC1.html")

Sections: executive summary; response profile; one section per block (score against the
peer groups and frontrunners, answer distributions of its items, stakeholder-group
breakdown, open-answer excerpts); alignment (national, neighbours, map, synergy topics);
context statistics against structural peers; recommendations; annex of every item;
provenance.

Suppression: a figure whose status is not `ok` (or a distribution without shares) is never
written; its place says "suppressed (fewer than k respondents)" or "insufficient". Neither
its value nor its n appears.

Open-answer excerpts in a block's section follow a stated rule: answers to the open
questions that mention one of the block's keywords in EN, DE, FR, IT or SL (`EXCERPT_KEYWORDS`),
each in its language and marked with it, only from questions
that at least k respondents of the territory answered, cleaned of e-mail addresses, links and
phone numbers, at most three, chosen with a fixed seed, never with the respondent or the
stakeholder group.
"""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pandas as pd

from ..recommend.keywords import BLOCK_KEYWORDS, quoted
from ..recommend.keywords import describe as describe_keywords
from .common import (
    ci_level_text,
    draw_chart,
    figure,
    group_label,
    load_charts,
    load_maps,
    peer_label,
    withheld_text,
)
from .render import (
    Bullets,
    Callout,
    Document,
    Heading,
    Paragraph,
    Section,
    Table,
    big,
    interval,
    missing,
    num,
    pct,
    table_from_frame,
)

#: Keyword stems per block and language (EN, DE, FR, IT, SL); see `recommend.keywords`.
EXCERPT_KEYWORDS: dict[str, dict[str, tuple[str, ...]]] = BLOCK_KEYWORDS
MAX_EXCERPTS = 3
GROUP_ORDER = (
    "cluster_manager",
    "policy_maker",
    "development_agency",
    "research_institution",
    "industry_association",
    "company",
    "other",
)


# --------------------------------------------------------------------------------------------------
# Sections
# --------------------------------------------------------------------------------------------------


def _position(row) -> str:
    """Where a territory stands against one peer group's mean, from a benchmark row."""
    if missing(row.get("peer_mean")):
        return "no group mean (too few published members)"
    if missing(row.get("score")):
        return f"group mean {num(row['peer_mean'])}"
    if row.get("indistinguishable") is True:
        return f"in line with the mean {num(row['peer_mean'])}"
    gap = float(row["gap_to_mean"])
    return (
        f"{'above' if gap > 0 else 'below'} the mean {num(row['peer_mean'])} ({'+' if gap > 0 else '−'}{num(abs(gap))})"
    )


# Stakeholder groups whose absence the summary warns about: the administration, the cluster
# organisations and the firms, the three sides of an S3's entrepreneurial discovery.
CORE_GROUPS = ("policy_maker", "cluster_manager", "company")
FEW_RESPONDENTS = 15  # below this many respondents the summary cautions against reading positions as findings


def _quote(inputs, item: str, language: str | None) -> str:
    return f"“{inputs.instrument.item_label(item, language).rstrip('.?').strip()}”"


def _item_figure(inputs, r, language: str | None) -> str:
    return f"{_quote(inputs, r.item, language)} ({interval(r.score, r.ci_low, r.ci_high)}, n = {int(r.n)})"


def _and(parts: list[str]) -> str:
    """'a, b and c'; with a serial comma when a part has its own 'and' ('monitoring and evaluation')."""
    if len(parts) == 1:
        return parts[0]
    serial = "," if len(parts) > 2 and any(" and " in x for x in parts) else ""
    return ", ".join(parts[:-1]) + f"{serial} and " + parts[-1]


def _summary_sentences(inputs, region: str, language: str | None, groups: list[str], own: list[str]) -> list[str]:
    """The summary in prose: strengths, weaknesses, peer position, disagreement and cautions, with figures.

    Questions and blocks are named by their text, never by code, so that a reader who opens only
    this page knows what the territory does well and badly and how far to trust it.
    """
    from ..findings import block_name

    ins = inputs.instrument
    out: list[str] = []
    counts = inputs.respondent_counts()
    counts = counts[(counts["region"] == region) & (counts["respondents"] > 0)]
    total = int(counts["respondents"].sum())
    present = set(counts["stakeholder_group"])
    out.append(
        f"{inputs.label(region)}: {total} respondents from {len(present)} stakeholder group"
        f"{'s' if len(present) != 1 else ''} answered the StressTest."
    )
    items = inputs.rows("item_scores", region)
    items = items[(items["status"] == "ok") & items["score"].notna()].sort_values(["score", "item"])
    if len(items):
        take = 3 if len(items) >= 8 else max(1, min(2, len(items) // 2))
        best = list(items.iloc[::-1].head(take).itertuples())
        worst = [r for r in items.head(take).itertuples() if r.item not in {b.item for b in best}]
        out.append("Its highest-scoring questions are " + _and([_item_figure(inputs, r, language) for r in best]) + ".")
        if worst:
            out.append("Its lowest are " + _and([_item_figure(inputs, r, language) for r in worst]) + ".")
    else:
        out.append("No question has enough answers to be published.")
    bm = inputs.rows("benchmarks", region)
    positions: dict[str, list[str]] = {}
    for g in sorted([g for g in groups if g in own] or groups, key=lambda g: g == "all"):
        rows = bm[(bm["peer_group"] == g) & bm["score"].notna() & bm["peer_mean"].notna()]
        if rows.empty:
            continue
        apart = rows[rows["indistinguishable"].eq(False)]
        above = [block_name(ins, b) for b in apart.loc[apart["gap_to_mean"] > 0, "block"]]
        below = [block_name(ins, b) for b in apart.loc[apart["gap_to_mean"] < 0, "block"]]
        level = len(rows) - len(above) - len(below)
        parts = []
        for word, blocks in (("above", above), ("below", below)):
            if blocks:
                parts.append(f"{word} on " + ("every block" if len(blocks) == len(rows) else _and(blocks)))
        if level:
            rest = "every block" if level == len(rows) else f"the other {level} block{'s' if level != 1 else ''}"
            parts.append(f"in line on {rest}")
        whom = "all territories" if g == "all" else f"the {peer_label(g)} group"
        positions.setdefault(", ".join(parts), []).append(whom)
    if positions:
        said = [f"against the mean{'s' if len(w) > 1 else ''} of {_and(w)} it stands {p}" for p, w in positions.items()]
        joined = "; ".join(said)
        out.append(joined[0].upper() + joined[1:] + ".")
    disp = inputs.rows("item_dispersion", region)
    comparable = disp[(disp["status"] == "ok") & (disp["groups_published"].fillna(0) >= 2)]
    threshold = num(inputs.parameters.get("disagreement_threshold", 25))
    if len(comparable):
        split = comparable[comparable["groups_disagree"].eq(True)]
        split = split.sort_values(["group_spread", "item"], ascending=[False, True])
        if len(split):
            top = split.iloc[0]
            out.append(
                f"Stakeholder groups differ by {threshold} points or more on {len(split)} of the {len(comparable)} "
                f"questions where they can be compared, most on {_quote(inputs, top['item'], language)} "
                f"({num(top['group_spread'])} points apart)."
            )
        else:
            out.append(f"Stakeholder groups agree within {threshold} points on every question they can be compared on.")
    else:
        out.append("Too few answers per stakeholder group to compare their views.")
    cautions = []
    if total < FEW_RESPONDENTS:
        cautions.append(
            f"the figures rest on {total} respondents (fewer than {FEW_RESPONDENTS}), so intervals are wide and a "
            "position above or below a peer mean is an indication, not a finding"
        )
    absent = [group_label(g).lower() for g in CORE_GROUPS if g not in present]
    if absent:
        cautions.append(
            f"no {_and(absent)} answered, so {'that view is' if len(absent) == 1 else 'those views are'} "
            "missing from every figure"
        )
    withheld = inputs.rows("block_scores", region)
    withheld = [block_name(ins, b) for b in withheld.loc[withheld["status"] != "ok", "block"]]
    if withheld:
        cautions.append(f"{_and(withheld)} {'is' if len(withheld) == 1 else 'are'} not published (too few answers)")
    if cautions:
        out.append("Caution: " + "; ".join(cautions) + ".")
    return out


def executive_summary(inputs, region: str, language: str | None) -> Section:
    ins, k = inputs.instrument, inputs.min_respondents
    s = Section("Executive summary", "summary")
    bs = inputs.rows("block_scores", region).set_index("block")
    bm = inputs.rows("benchmarks", region)
    groups = list(dict.fromkeys(bm["peer_group"])) if len(bm) else []
    own = inputs.groups_of(region)
    s.add(Paragraph(" ".join(_summary_sentences(inputs, region, language, groups, own)), style="lead"))
    s.add(
        Paragraph(
            f"{inputs.label(region)} is compared with {len(groups)} peer group"
            f"{'s' if len(groups) != 1 else ''} ({', '.join(peer_label(g) for g in groups) or 'none'}); "
            f"it belongs to {', '.join(peer_label(g) for g in own) or 'none of them'}. Scores run from 0 to 100; "
            f"brackets give the {ci_level_text(inputs)} interval. 'In line' means the interval contains the "
            "group's mean: the difference is then not worth a story. This is a learning tool, not a league "
            "table.",
            style="small",
        )
    )
    rows: list[list[str]] = []
    classes: list[str] = []
    for b in inputs.blocks:
        r = bs.loc[b] if b in bs.index else None
        status = r["status"] if r is not None else "missing"
        cells = [f"{b} {ins.block_label(b, language)}"]
        if r is not None and status == "ok":
            cells += [interval(r["score"], r["ci_low"], r["ci_high"]), num(r["n"])]
        else:
            cells += [withheld_text(status, k) if status != "missing" else "no answers", "–"]
        brow = bm[bm["block"] == b].set_index("peer_group")
        for g in groups:
            if g in brow.index and status == "ok":
                rec = brow.loc[g].to_dict()
                cells.append(_position(rec))
            else:
                cells.append("–")
        fr = brow.loc["all"] if "all" in brow.index else (brow.iloc[0] if len(brow) else None)
        cells.append(num(fr["frontrunner_level"]) if fr is not None else "–")
        rows.append(cells)
        classes.append("" if status == "ok" else "withheld")
    cols = (
        ["Block", f"Score [{ci_level_text(inputs)} interval]", "n"]
        + [f"vs {peer_label(g)}" for g in groups]
        + ["Frontrunner level" + (" (all)" if "all" in groups else "")]
    )
    table = Table(
        cols,
        rows,
        caption=f"State of play per block: {inputs.label(region)}",
        row_classes=classes,
        numeric=(2,),
        compact=True,
        note="n: respondents with at least one answer in the block. Frontrunner level: the "
        f"{inputs.parameters.get('frontrunner_quantile', 0.75):.0%} quantile of the group's published "
        "scores.",
    )
    ch = load_charts()
    if ch is not None:
        svg = draw_chart(
            ch.block_profile,
            inputs.rows("block_scores", region),
            bm,
            inputs.blocks,
            {b: ins.block_label(b, language) for b in inputs.blocks},
            region=region,
            ci_level=inputs.parameters.get("ci_level"),
            region_label=inputs.label(region),
            id_prefix=f"prof-{region}",
        )
        s.add(figure(svg, "Peer-group means and the frontrunner level for comparison.", data=None, wide=True))
    s.add(table)
    return s


def response_profile(inputs, region: str) -> Section:
    s = Section("Response profile", "respondents")
    counts = inputs.respondent_counts()
    c = counts[(counts["region"] == region) & (counts["respondents"] > 0)].set_index("stakeholder_group")["respondents"]
    total = int(c.sum())
    order = [g for g in GROUP_ORDER if g in c.index] + sorted(g for g in c.index if g not in GROUP_ORDER)
    k = inputs.min_respondents
    # a group below k is named but never counted (nor its share, which would give the count back)
    hidden = {g for g in order if c[g] < k}
    # secondary: the total minus the printed groups must not give back fewer than k people
    while hidden and sum(c[g] for g in hidden) < k and len(hidden) < len(order):
        hidden.add(min((g for g in order if g not in hidden), key=lambda g: (c[g], g)))
    rows = [
        [group_label(g), str(int(c[g])), pct(c[g] / total) if total else "–"]
        if g not in hidden
        else [group_label(g), f"fewer than {k}" if c[g] < k else "withheld (protects a smaller group)", "–"]
        for g in order
    ]
    rows.append(["Total", str(total) if total >= k else f"fewer than {k}", "100%" if total else "–"])
    invited = inputs.invited(region)
    rate = (
        f"{pct(total / invited)} ({total} of {invited} invited)"
        if invited
        else "not known: the campaign sent no personal invitations for this territory"
    )
    s.add(
        Paragraph(
            f"{total if total >= k else f'Fewer than {k}'} respondents from {len(order)} stakeholder groups "
            "answered for "
            f"{inputs.label(region)}. Response rate: {rate}."
        )
    )
    s.add(
        Table(
            ["Stakeholder group", "Respondents", "Share"],
            rows,
            caption="Respondents per stakeholder group",
            numeric=(1, 2),
            compact=True,
            note=f"A group with fewer than {k} respondents is named without its count or share. Figures built "
            f"on fewer than {k} respondents are never shown in this report; stakeholder-group scores of small "
            "groups are suppressed.",
        )
    )
    return s


def _choice_label(choice, language) -> str:
    from ..instrument import pick_label

    return pick_label(choice.labels, language) or choice.name


def _scale_text(ins, item, language) -> str:
    cl = ins.choices_of(item)
    if cl is None:
        return {"integer": "whole number", "decimal": "number", "text": "free text"}.get(item.type, item.type)
    parts = [
        f"{_choice_label(c, language)} ({num(c.score) if c.score is not None else 'no score'})" for c in cl.choices
    ]
    return " / ".join(parts)


def _excerpts(inputs, region: str, block: str, seed: int = 0) -> tuple[list[str], str]:
    """Up to MAX_EXCERPTS quoted answers that mention the block in any of the five languages.

    Each stays in its language and is marked with it: the respondent's recorded language when
    the responses carry a `language` column, else the detected one (`recommend.keywords`).
    """
    from ..recommend.keywords import language_of, mark, mentions

    if not EXCERPT_KEYWORDS.get(block):
        return [], "no keywords are defined for this block"
    answers = inputs.open_answers()
    if answers.empty:
        return [], "no open answers"
    mine = answers[answers["region"] == region]
    if mine.empty:
        return [], "no open answers from this territory"
    k = inputs.min_respondents
    enough = mine.groupby("item")["respondent_id"].nunique()
    eligible = mine[mine["item"].isin(enough[enough >= k].index)]
    recorded: dict[str, str] = {}
    responses = getattr(inputs, "responses", None)
    if isinstance(responses, pd.DataFrame) and "language" in responses.columns:
        langs = responses[["respondent_id", "language"]].dropna().drop_duplicates("respondent_id")
        recorded = dict(zip(langs["respondent_id"].astype(str), langs["language"].astype(str), strict=True))
    from ..recommend import clean_excerpt
    from ..recommend.engine import EXCERPT_CHARS, NON_ANSWER

    found: set[str] = set()
    for rid, text in zip(eligible["respondent_id"].astype(str), eligible["value"].astype(str), strict=True):
        if mentions(text, block):
            lang = language_of(clean_excerpt(text, len(text) + 1), recorded.get(rid))
            t = clean_excerpt(text, EXCERPT_CHARS - len(mark("", lang)))
            if t and not NON_ANSWER.match(t):
                found.add(mark(t, lang))
    pool = sorted(found)
    if not pool:
        return [], "no open answer mentions this block's keywords"
    h = int.from_bytes(hashlib.sha256(f"{seed}\x1f{region}\x1f{block}".encode()).digest()[:8], "big")
    rng = np.random.default_rng(h)
    chosen = rng.choice(len(pool), size=min(MAX_EXCERPTS, len(pool)), replace=False)
    return [quoted(pool[i]) for i in sorted(chosen)], ""


def block_section(inputs, region: str, block: str, language: str | None) -> Section:
    ins, k = inputs.instrument, inputs.min_respondents
    label = ins.block_label(block, language)
    s = Section(f"{block}: {label}", f"block-{block}")
    bs = inputs.rows("block_scores", region)
    row = bs[bs["block"] == block]
    r = row.iloc[0] if len(row) else None
    ch = load_charts()
    from .charts_answers import distribution_text

    if r is not None and r["status"] == "ok":
        s.add(
            Paragraph(
                f"Score {interval(r['score'], r['ci_low'], r['ci_high'])} ({ci_level_text(inputs)} interval), "
                f"from {num(r['n'])} respondents.",
                style="lead",
            )
        )
    else:
        s.add(
            Callout(
                f"The score of this block is {withheld_text(r['status'] if r is not None else 'suppressed', k)}"
                ": no figure is shown.",
                kind_of="missing",
            )
        )
    # against the peer groups
    bm = inputs.rows("benchmarks", region)
    bm = bm[bm["block"] == block]
    prow = []
    for rec in bm.to_dict("records"):
        prow.append(
            [
                peer_label(rec["peer_group"]),
                num(rec["peer_mean"]),
                num(rec["peer_median"]),
                num(rec["frontrunner_level"]),
                (_position(rec) if r is not None and r["status"] == "ok" else "–"),
                " ".join(str(rec.get("frontrunners") or "").split()) or "–",
            ]
        )
    if ch is not None:
        svg = draw_chart(
            ch.block_vs_peers,
            region,
            block,
            inputs.benchmarks,
            block_scores=bs,
            block_label=label,
            region_label=inputs.label(region),
            ci_level=inputs.parameters.get("ci_level"),
            id_prefix=f"peer-{region}-{block}",
        )
        s.add(figure(svg, "The data are in the table below."))
    s.add(
        Table(
            ["Peer group", "Mean", "Median", "Frontrunner level", "This territory", "Frontrunners"],
            prow,
            caption="Against the peer groups",
            numeric=(1, 2, 3),
            compact=True,
            note="Frontrunners: members of the group at or above the frontrunner level, listed by code.",
        )
    )
    # items: scores and answer distributions
    items = ins.block_items(block)
    tag = {it.name: f"{block}.{i + 1}" for i, it in enumerate(items)}
    isc = inputs.rows("item_scores", region).set_index("item")
    dist = inputs.rows("distributions", region)
    disp = inputs.rows("item_dispersion", region).set_index("item")
    rows, classes, drows = [], [], {}
    for it in items:
        q = f"{tag[it.name]} {ins.item_label(it.name, language)}"
        ir = isc.loc[it.name] if it.name in isc.index else None
        if ir is not None and ir["status"] == "ok":
            flag = disp.loc[it.name, "groups_disagree"] if it.name in disp.index else None
            rows.append(
                [
                    q,
                    interval(ir["score"], ir["ci_low"], ir["ci_high"]),
                    num(ir["n"]),
                    "–" if flag is None or missing(flag) else ("yes" if bool(flag) else "no"),
                ]
            )
            classes.append("")
        else:
            rows.append([q, withheld_text("suppressed", k), "–", "–"])
            classes.append("withheld")
        d = dist[dist["item"] == it.name]
        cl = ins.choices_of(it)
        if d.empty or cl is None or d["share"].isna().any() or (d["n"] < k).any():
            txt = f"suppressed (fewer than {k} respondents)"
        else:  # shares standing for fewer than k respondents are pooled or withheld, never printed
            by = d.set_index("choice")["share"]
            txt = distribution_text(
                {c.name: float(by[c.name]) for c in cl.choices if c.name in by.index},
                {c.name: _choice_label(c, language) for c in cl.choices},
                int(d["n"].max()),
                k,
                multiple=it.type == "select_multiple",
            )
        drows[it.name] = [q, txt]
    s.add(Heading("Items", 3))
    s.add(
        Table(
            ["Question", f"Score [{ci_level_text(inputs)} interval]", "n", "Groups disagree"],
            rows,
            caption="Item scores",
            row_classes=classes,
            numeric=(2,),
            compact=True,
            note=f"Groups disagree: published stakeholder-group scores differ by at least "
            f"{num(inputs.parameters.get('disagreement_threshold', 25))} points.",
        )
    )
    s.add(Heading("Answer distributions", 3))
    figures = []
    if ch is not None:
        # one chart per answer scale: a bar per item (labelled b1.1, b1.2 ... as in the table above)
        scales: dict[tuple, list] = {}
        for it in items:
            scales.setdefault((it.list_name, it.type), []).append(it)
        for (list_name, typ), its in scales.items():
            cl = ins.choices_of(its[0])
            d = dist[dist["item"].isin([i.name for i in its])].assign(region=lambda x: x["item"].map(tag))
            if d.empty or cl is None:
                continue
            svg = draw_chart(
                ch.item_distribution,
                d,
                [c.name for c in cl.choices],
                {c.name: _choice_label(c, language) for c in cl.choices},
                item_label=f"{inputs.label(region)}: " + ", ".join(tag[i.name] for i in its),
                min_respondents=k,
                regions=[tag[i.name] for i in its],
                region_labels={tag[i.name]: tag[i.name] for i in its},
                multiple=typ == "select_multiple",
                scores={c.name: c.score for c in cl.choices},  # colours follow the score, not the listing order
                id_prefix=f"dist-{region}-{block}-{list_name}",
            )
            fig = figure(
                svg,
                "Questions as numbered in the table of item scores.",
                data=Table(
                    ["Question", "Answers (share of respondents who answered)"],
                    [drows[i.name] for i in its],
                    compact=True,
                ),
            )
            if fig is not None:
                figures.append((fig, its))
    charted = {i.name for _, its in figures for i in its}
    s.add(*[f for f, _ in figures])
    rest = [drows[it.name] for it in items if it.name not in charted]
    if rest:
        s.add(
            Table(
                ["Question", "Answers (share of respondents who answered)"],
                rest,
                caption="Answer distributions",
                compact=True,
                note="Don't-know answers count as answers here; blanks do not.",
            )
        )
    # stakeholder groups
    s.add(Heading("Stakeholder groups", 3))
    g = inputs.rows("group_block_scores", region)
    g = g[g["block"] == block]
    order = {x: i for i, x in enumerate(GROUP_ORDER)}
    grows, gclasses = [], []
    for rec in sorted(
        g.to_dict("records"), key=lambda x: (order.get(x["stakeholder_group"], 99), x["stakeholder_group"])
    ):
        if rec["status"] == "ok" and not missing(rec["score"]):
            grows.append([group_label(rec["stakeholder_group"]), num(rec["score"]), num(rec["n"])])
            gclasses.append("")
        else:
            grows.append([group_label(rec["stakeholder_group"]), withheld_text(rec["status"], k, group=True), "–"])
            gclasses.append("withheld")
    if ch is not None and len(g):
        ref = r["score"] if r is not None and r["status"] == "ok" else None
        svg = draw_chart(
            ch.group_breakdown,
            g,
            block,
            region=region,
            block_label=label,
            reference=ref,
            id_prefix=f"grp-{region}-{block}",
        )
        s.add(figure(svg, "The data are in the table below."))
    if grows:
        s.add(
            Table(
                ["Stakeholder group", "Score", "n"],
                grows,
                caption="Block score by stakeholder group",
                row_classes=gclasses,
                numeric=(1, 2),
                compact=True,
            )
        )
    else:
        s.add(Paragraph("No stakeholder-group figures for this block.", style="note"))
    # open answers
    s.add(Heading("Open answers", 3))
    ex, why = _excerpts(inputs, region, block)
    if ex:
        s.add(Bullets(ex))
    else:
        s.add(Paragraph(f"No excerpt: {why}.", style="note"))
    s.add(
        Paragraph(
            f"Excerpts: up to {MAX_EXCERPTS} answers to the open questions that mention "
            f"{', '.join(repr(x) for x in EXCERPT_KEYWORDS.get(block, {}).get('en', ()))} or the German, "
            "French, Italian or Slovenian keywords listed under provenance, each in its language and marked "
            f"with it; only from questions answered "
            f"by at least {k} respondents here; cleaned of contact details; shown without the respondent "
            "or their group.",
            style="small",
        )
    )
    return s


def alignment_section(inputs, region: str) -> Section:
    s = Section("Alignment with national and neighbouring strategies", "alignment", page_break=True)
    al = inputs.alignment
    if not al:
        return s.add(
            Callout(
                f"Alignment is not reported: {inputs.missing.get('alignment', 'no alignment results')}.",
                kind_of="missing",
            )
        )
    terr = al.get("alignment_territories")
    row = terr[terr["territory"] == region] if terr is not None else pd.DataFrame()
    if row.empty:
        return s.add(
            Callout(
                "No sourced S3 strategy of this territory is in the alignment data, so its alignment is not reported.",
                kind_of="missing",
            )
        )
    t = row.iloc[0]
    s.add(
        Paragraph(
            "Alignment compares the priorities of the published S3 strategies (sourced, not survey answers) "
            "on a 0–100 scale: vertical with the national strategy, horizontal with the neighbours'."
        )
    )
    facts = [
        [
            "National (vertical) alignment",
            num(t.get("vertical"))
            if not missing(t.get("vertical"))
            else (str(t.get("note") or "no national strategy in the input")),
        ],
        ["Neighbours with a strategy", num(t.get("n_neighbours"))],
        ["Alignment with neighbours: mean", num(t.get("neighbours_mean"))],
        ["… lowest / highest", f"{num(t.get('neighbours_min'))} / {num(t.get('neighbours_max'))}"],
        ["Mean alignment with other territories", num(t.get("others_mean"))],
        ["Priorities in the strategy", num(t.get("n_priorities"))],
    ]
    s.add(Table(["Measure", "Value"], facts, caption="Alignment of the strategy", compact=True))
    pairs = al.get("alignment_pairs")
    scores, neigh = {}, []
    if pairs is not None and len(pairs):
        mine = pairs[
            ((pairs["territory_a"] == region) | (pairs["territory_b"] == region))
            & pairs["kind"].isin(["vertical", "neighbour"])
        ]
        prow = []
        for p in mine.sort_values(["kind", "score"], ascending=[False, False]).to_dict("records"):
            other = p["territory_b"] if p["territory_a"] == region else p["territory_a"]
            if p["kind"] == "neighbour":
                neigh.append(other)
                scores[other] = p["score"]
            codes = str(p.get("shared_codes") or "").split()
            prow.append(
                [
                    inputs.label(other) if other in inputs.names else other,
                    p["kind"],
                    num(p["score"]),
                    f"{num(p.get('n_matched'))} of "
                    f"{num(p.get('n_priorities_a' if p['territory_a'] == region else 'n_priorities_b'))}",
                    str(len(codes)),
                ]
            )
        if prow:
            s.add(
                Table(
                    ["Other strategy", "Kind", "Alignment", "Own priorities matched", "Shared codes"],
                    prow,
                    caption="Pairs: national and neighbours",
                    numeric=(2, 4),
                    compact=True,
                )
            )
    mp = load_maps()
    reg = inputs.registry
    if mp is not None and reg is not None and region in reg:
        geo = _geographic_neighbours(inputs, region, neigh)
        svg = draw_chart(mp.territory_map, reg, region, list(neigh) + geo, scores, id_prefix=f"map-{region}")
        s.add(
            figure(
                svg,
                "Neighbours without a sourced strategy are hatched. © EuroGeographics for the "
                "administrative boundaries; source: Eurostat – GISCO.",
                wide=True,
                data=Table(
                    ["Neighbour", "Alignment"],
                    [[c, num(v)] for c, v in sorted(scores.items())] + [[c, "no score"] for c in geo],
                    compact=True,
                ),
            )
        )
    elif "maps" in inputs.missing or reg is None:
        s.add(Callout(f"No map: {inputs.missing.get('maps', 'NUTS boundaries are not installed')}.", kind_of="missing"))
    syn = al.get("synergies")
    if syn is not None and len(syn):
        mine = syn[syn["territories"].astype(str).str.split().apply(lambda xs: region in xs)]
        if len(mine):
            srow = [
                [
                    str(x.topic_title),
                    str(x.topic_axis),
                    " ".join(str(x.territories).split()),
                    num(x.mean_pair_score),
                    num(x.strength, 1),
                ]
                for x in mine.sort_values(["strength", "topic_code"], ascending=[False, True]).head(10).itertuples()
            ]
            s.add(
                Table(
                    ["Topic", "Axis", "Territories sharing it", "Mean match", "Strength"],
                    srow,
                    caption="Synergy topics shared with neighbours",
                    numeric=(3, 4),
                    compact=True,
                    note="Topics in the priorities of at least two neighbouring territories (up to ten, strongest "
                    "first).",
                )
            )
        else:
            s.add(Paragraph("No synergy topic is shared with neighbours.", style="note"))
    pe = al.get("perception_vs_evidence")
    if pe is not None and len(pe):
        me = pe[pe["territory"] == region]
        if len(me):
            m = me.iloc[0]
            if m.get("perceived_status") == "ok" and not missing(m.get("measured")):
                s.add(
                    Paragraph(
                        f"Perception and evidence: respondents' perceived alignment (block "
                        f"{(inputs.alignment_record.get('parameters') or {}).get('perception_block', 'b2')}) is "
                        f"{num(m['perceived'])}; the measured alignment is {num(m['measured'])}. Compared as "
                        f"percentile ranks ({num(m['perceived_rank'])} and {num(m['measured_rank'])}): "
                        f"{m['flag']}."
                    )
                )
            elif m.get("perceived_status") not in ("ok", None):
                s.add(
                    Paragraph(
                        "Perception and evidence: the perceived score is "
                        f"{withheld_text(str(m.get('perceived_status')), inputs.min_respondents)}.",
                        style="note",
                    )
                )
    return s


def _geographic_neighbours(inputs, region: str, aligned: list[str]) -> list[str]:
    """Touching regions of the territory's own level that overlap no aligned neighbour (drawn as 'no score')."""
    reg = inputs.registry
    key = ("geo_neighbours", region)
    if key in inputs.cache:
        return inputs.cache[key]
    out: list[str] = []
    try:
        from ..regions.adjacency import neighbours

        codes = list(neighbours(reg, region)["code"])
        for c in codes:
            if any(c == a or reg.contains(a, c) or reg.contains(c, a) for a in aligned if a in reg):
                continue
            out.append(c)
    except Exception:  # noqa: BLE001 - grey neighbours only decorate the map: without them it is still drawn
        out = []
    inputs.cache[key] = out
    return out


def _nuts_names(inputs) -> dict[str, str] | None:
    reg = inputs.registry
    if reg is None:
        return None
    if "nuts_names" not in inputs.cache:
        inputs.cache["nuts_names"] = dict(zip(reg.table["code"], reg.table["name_latn"], strict=True))
    return inputs.cache["nuts_names"]


def context_section(inputs, region: str) -> Section:
    s = Section("Context statistics and structural peers", "context", page_break=True)
    s.add(
        Callout(
            "Context only: these Eurostat statistics help read the scores; they never enter them. Structural "
            "peers are the regions most similar on size, density, GDP per head and R&D - a different notion from "
            "the campaign's peer groups.",
            kind_of="note",
        )
    )
    ctx = inputs.context
    if ctx is None:
        s.add(Callout(f"No context statistics: {inputs.missing.get('context', 'not available')}.", kind_of="missing"))
    else:
        mine = ctx[ctx["region"] == region]
        rows = [
            [
                str(r.name),
                big(r.value),
                str(r.unit),
                num(r.year) if not missing(r.year) else "–",
                str(r.flag or ""),
                str(r.attribution or ""),
            ]
            for r in mine.itertuples()
        ]
        if rows:
            s.add(
                Table(
                    ["Indicator", "Value", "Unit", "Year", "Flag", "Source"],
                    rows,
                    caption=f"Context statistics: {inputs.label(region)}",
                    numeric=(1, 3),
                    compact=True,
                )
            )
        else:
            s.add(Paragraph("No context statistics for this territory.", style="note"))
    peers = inputs.structural_peers
    if peers is None:
        why = inputs.missing.get("structural_peers", "Eurostat statistics were not installed when the run was made")
        s.add(
            Callout(
                f"No structural peers: {why}.",
                kind_of="missing",
            )
        )
        return s
    mine = peers[peers["region"] == region].sort_values("rank")
    if mine.empty:
        note = ((inputs.record.get("structural_peers") or {}).get("not_found") or {}).get(
            region, "no statistics for it"
        )
        s.add(Callout(f"No structural peers for {inputs.label(region)}: {note}.", kind_of="missing"))
        return s
    from ..regions.peers import indicator_label

    vals = inputs.structural_peer_values
    vals = vals[vals["region"] == region] if vals is not None else pd.DataFrame(columns=["peer", "variable", "value"])
    variables = list(dict.fromkeys(vals["variable"]))
    value = {(r.peer, r.variable): r.value for r in vals.itertuples()}
    level = int(mine["level"].iloc[0])
    head = ["Region", "Distance"] + [indicator_label(v) for v in variables]
    rows = [[f"{inputs.label(region)} (this territory)", "0"] + [big(value.get((region, v))) for v in variables]]
    for p in mine.itertuples():
        rows.append(
            [f"{p.peer_name} ({p.peer})" if p.peer_name else p.peer, num(p.distance, 2)]
            + [big(value.get((p.peer, v))) for v in variables]
        )
    pools = (inputs.record.get("structural_peers") or {}).get("pool_by_level") or {}
    s.add(
        Table(
            head,
            rows,
            caption=f"The {len(mine)} nearest structural peers at NUTS level {level}",
            numeric=tuple(range(1, len(head))),
            compact=True,
            row_classes=["self"] + [""] * len(mine),
            note="Distance: weighted Euclidean distance of standardised indicators (log for size-like ones); "
            f"pool: {pools.get(str(level), '–')} regions with every value. Source: Eurostat.",
        )
    )
    return s


def evidence_lines(evidence: str, inputs=None, limit: int = 4, language: str | None = None) -> list[str]:
    """The figures that fired a recommendation, one sentence per trigger (from the engine's JSON
    evidence); with `inputs`, questions are named by their number in this report (b1.3) and text."""
    from .evidence import evidence_sentences

    labels = {}
    if inputs is not None:
        ins = inputs.instrument

        def item(name: str) -> str:
            if not ins.has_item(name):
                return f"question {name}"
            text = ins.item_label(name, language)
            return f"question {ins.item_number(name)} (\u201c{text}\u201d)" if text else f"question {name}"

        def choice(item_name: str, name: str) -> str:
            cl = ins.choices_of(ins.item(item_name)) if ins.has_item(item_name) else None
            hit = next((c for c in cl.choices if c.name == name), None) if cl is not None else None
            return _choice_label(hit, language) if hit is not None else name

        labels = {"block": lambda code: f"Block {code}", "item": item, "territory": inputs.label, "choice": choice}
    return evidence_sentences(evidence, limit=limit, **labels)


def _learn_names(inputs, codes) -> str:
    return ", ".join(inputs.label(c) for c in str(codes or "").split()) or "–"


def recommendations_section(inputs, region: str, language: str | None = None) -> Section:
    s = Section("Recommendations", "recommendations", page_break=True)
    recs, why = recommendations(inputs)
    if recs is None:
        return s.add(Callout(f"No recommendations: {why}.", kind_of="missing"))
    mine = recs[recs["region"] == region].sort_values("rank")
    written = mine[mine["written"] == True]  # noqa: E712 - the run marks them

    if mine.empty:
        s.add(Paragraph("No recommendation rule fired for this territory.", style="note"))
    else:
        rest = len(mine) - len(written)
        s.add(
            Paragraph(
                f"{len(mine)} recommendation{'s' if len(mine) != 1 else ''} for {inputs.label(region)}, ranked by "
                "a priority score of 0 to 100 (the size of the gap, weighted by how certain the figure is and by "
                f"the weight of the rule). The first {len(written)} are written out below"
                + (f"; the other {rest} are listed in the annex 'Annex: further recommendations'" if rest else "")
                + ". 'Learn from' names only territories with a clearly higher published figure on the same question."
            )
        )
        s.add(
            Table(
                ["Rank", "Recommendation", "Priority (0–100)", "Learn from"],
                [
                    [
                        str(int(r["rank"])),
                        str(r["title"]),
                        str(int(r["priority"])),
                        _learn_names(inputs, r["frontrunners"]),
                    ]
                    for r in written.to_dict("records")
                ],
                caption="Recommendations",
                numeric=(0, 2),
                compact=True,
            )
        )
    for r in written.to_dict("records"):
        s.add(Heading(f"{int(r['rank'])}. {r['title']}", 3))
        s.add(Paragraph(str(r["recommendation"]), style="strong"))
        s.add(Paragraph(f"Why: {r['rationale']}"))
        lines = [f"Priority score {int(r['priority'])} of 100."]
        lines += ["Evidence: " + x for x in evidence_lines(r.get("evidence"), inputs, language=language)]
        if r.get("frontrunners") and '"learn_from"' not in str(r.get("evidence") or ""):  # else in the evidence
            lines.append(f"Learn from: {_learn_names(inputs, r['frontrunners'])}.")
        s.add(Bullets(lines))
        try:
            ex = json.loads(r.get("excerpts") or "[]")
        except ValueError:
            ex = []
        if ex:
            s.add(Callout("", title="In respondents' words", kind_of="note", lines=[quoted(t) for t in ex]))
    rec = recs.attrs.get("record") or {}
    rules = rec.get("rules") or {}
    digest = rules.get("rules_sha256") or rules.get("sha256")
    s.add(
        Paragraph(
            f"Rules: {rules.get('count', '–')} rules ({rules.get('format', 'built-in')})"
            f"{', sha256 ' + str(digest)[:16] + '…' if digest else ''}. Ranking: "
            f"{rec.get('ranking', 'by priority, then gap')}. Excerpts only from open questions answered by at "
            f"least {inputs.min_respondents} respondents, without respondent or group.",
            style="small",
        )
    )
    return s


def further_recommendations_section(inputs, region: str) -> Section | None:
    """The territory's recommendations beyond those written out, listed only: the body keeps the few a
    government can act on, the annex keeps every fired rule traceable. None when there are none."""
    recs, _ = recommendations(inputs)
    if recs is None:
        return None
    rest = recs[(recs["region"] == region) & (recs["written"] != True)].sort_values("rank")  # noqa: E712
    if rest.empty:
        return None
    s = Section("Annex: further recommendations", "annex-recommendations", page_break=True)
    s.add(
        Paragraph(
            f"{len(rest)} further recommendation{'s' if len(rest) != 1 else ''} for {inputs.label(region)}, ranked "
            "below those written out in the section 'Recommendations' (same priority score); their figures are in "
            "the run folder's recommendations table."
        )
    )
    s.add(
        Table(
            ["Rank", "Recommendation", "Priority (0–100)", "Learn from"],
            [
                [str(int(r["rank"])), str(r["title"]), str(int(r["priority"])), _learn_names(inputs, r["frontrunners"])]
                for r in rest.to_dict("records")
            ],
            caption="Further recommendations",
            numeric=(0, 2),
            compact=True,
        )
    )
    return s


def recommendations(inputs):
    """All territories' recommendations as the run holds them, in the engine's column names (for the
    overview helpers of `recommend`), or (None, why) when the run has none."""
    recs = inputs.recommendations
    if recs is None:
        return None, "the run holds no recommendations"
    view = recs.rename(
        columns={"rule": "rule_id", "topic": "topics", "action": "recommendation", "learn_from": "frontrunners"}
    )
    record = dict((inputs.record or {}).get("recommendations") or {})
    record.setdefault("territories", list(inputs.territories))
    view.attrs["record"] = record
    return view, ""


def annex_section(inputs, region: str, language: str | None) -> Section:
    ins, k = inputs.instrument, inputs.min_respondents
    s = Section("Annex: every item", "annex", page_break=True)
    isc = inputs.rows("item_scores", region).set_index("item")
    rows: list[list[str]] = []
    classes: list[str] = []
    scales: dict[str, str] = {}
    for it in ins.answerable_items:
        scored = ins.is_scored(it)
        if it.list_name and ins.choices_of(it) is not None:
            scales.setdefault(it.list_name, _scale_text(ins, it, language))
            scale = it.list_name
        else:
            scale = _scale_text(ins, it, language)
        base = [f"{it.name}: {ins.item_label(it.name, language)}", it.block or "–", it.type.replace("_", " "), scale]
        if not scored:
            rows.append(base + ["not scored", "–"])
            classes.append("")
            continue
        ir = isc.loc[it.name] if it.name in isc.index else None
        if ir is not None and ir["status"] == "ok":
            rows.append(base + [interval(ir["score"], ir["ci_low"], ir["ci_high"]), num(ir["n"])])
            classes.append("")
        else:
            rows.append(base + [withheld_text("suppressed", k), "–"])
            classes.append("withheld")
    s.add(
        Paragraph(
            f"Every question of {ins.title} ({ins.form_id} version {ins.version}) in questionnaire order, with "
            f"its answer scale and this territory's score."
        )
    )
    s.add(
        Table(
            ["Item and question", "Block", "Type", "Scale", f"Score [{ci_level_text(inputs)} interval]", "n"],
            rows,
            caption="All items",
            row_classes=classes,
            numeric=(5,),
            compact=True,
        )
    )
    s.add(
        Table(
            ["Scale", "Choices (score; no score: counts as answered, carries no value)"],
            [[name, text] for name, text in scales.items()],
            caption="Answer scales",
            compact=True,
        )
    )
    return s


def provenance_section(inputs, extra: dict | None = None, findings_params=None) -> Section:
    """How the report was made: instrument, data sets and versions, parameters, seed, software."""
    from .. import __version__

    rec = inputs.record
    s = Section("Provenance", "provenance", page_break=True)
    ins = rec.get("instrument") or {}
    soft = rec.get("software") or {}
    rows = [
        [
            "Instrument",
            f"{ins.get('title', inputs.instrument.title)} ({ins.get('form_id', inputs.instrument.form_id)} "
            f"version {ins.get('version', inputs.instrument.version)})",
        ],
        ["Instrument checksum (sha256)", str(ins.get("checksum_sha256", inputs.instrument.checksum))],
        ["Instrument read from", inputs.instrument_source],
        ["Results folder", inputs.results_dir.name],
        ["Results made", str(rec.get("created", "–"))],
        ["Synthetic data", "yes: " + (inputs.banner or "") if inputs.synthetic else "no"],
        ["Campaign", str(rec.get("campaign") or "–")[:400]],
        ["Scoring parameters", ", ".join(f"{k}={v}" for k, v in inputs.parameters.items())],
        ["Seed (bootstrap)", str(rec.get("seed", "–"))],
        [
            "Software of the run",
            f"{soft.get('name', 's3stresstest')} {soft.get('version', '–')}, Python "
            f"{soft.get('python', '–')}, numpy {soft.get('numpy', '–')}, pandas "
            f"{soft.get('pandas', '–')}",
        ],
        ["Software of this report", f"s3stresstest {__version__}; {_library_versions()}"],
    ]
    demo = rec.get("demo")
    if demo:
        rows.append(["Demo generator", f"{demo.get('generator', '–')}, seed {demo.get('generator_seed', '–')}"])
    for key, text in (rec.get("rules") or {}).items():
        rows.append([f"Rule: {key.replace('_', ' ')}", str(text)])
    if findings_params is not None:
        rows.append(["Key-finding thresholds", ", ".join(f"{k}={v}" for k, v in findings_params.record().items())])
    rr = inputs.record.get("recommendations") or {}
    if rr:
        rules = rr.get("rules") or {}
        rows.append(
            [
                "Recommendation rules",
                ", ".join(f"{k}={v}" for k, v in rules.items() if not isinstance(v, (list, dict)))[:400] or "built-in",
            ]
        )
        rows.append(
            ["Recommendation parameters", ", ".join(f"{k}={v}" for k, v in (rr.get("parameters") or {}).items())]
        )
    rows.append(
        [
            "Open-answer excerpts (block sections)",
            "keyword stems per block and language (case and accents ignored): " + describe_keywords(),
        ]
    )
    for key, value in (extra or {}).items():
        rows.append([key, str(value)])
    s.add(Table(["Item", "Value"], rows, caption="The run and this report", compact=True))
    files = inputs.input_files()
    if len(files):
        s.add(
            table_from_frame(
                files, "Input files of the run (sha256)", columns=["Role", "File", "sha256", "Check"], compact=True
            )
        )
    al = inputs.alignment_record
    if al:
        arows = [
            ["Alignment software", str((al.get("software") or {}).get("version", "–"))],
            [
                "Alignment parameters",
                ", ".join(f"{k}={v}" for k, v in (al.get("parameters") or {}).items() if not isinstance(v, dict))[:500],
            ],
        ]
        for name, entry in (al.get("inputs") or {}).items():
            if isinstance(entry, dict):
                arows.append(
                    [
                        f"Alignment input: {name}",
                        f"{Path_name(entry.get('path', ''))} (sha256 {str(entry.get('sha256', ''))[:16]}…)",
                    ]
                )
        s.add(Table(["Item", "Value"], arows, caption="Alignment of the strategies", compact=True))
    st = inputs.data_status
    if st is not None and len(st):
        drows = [
            [
                str(r.path),
                str(r.dataset),
                str(r.publisher),
                str(r.retrieved or r.how or "seeded copy"),
                str(r.sha256)[:16] + "…",
            ]
            for r in st.itertuples()
        ]
        s.add(
            Table(
                ["File", "Data set", "Publisher", "Retrieved / installed", "sha256"],
                drows,
                caption="Reference data used (context, peers, maps)",
                compact=True,
                note="Eurostat statistics: Source: Eurostat. Boundaries: © EuroGeographics for the administrative "
                "boundaries; source: Eurostat – GISCO.",
            )
        )
    elif inputs.data_folder is None or "maps" in inputs.missing:
        s.add(Paragraph("No reference data was used for this report.", style="note"))
    left_out = dict(inputs.missing)
    if left_out:
        s.add(Bullets([f"{k.replace('_', ' ')}: {v}" for k, v in left_out.items()]))
    return s


def Path_name(p: str) -> str:
    from pathlib import Path

    return Path(str(p)).name


def _library_versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    out = []
    for lib in ("jinja2", "weasyprint", "python-docx", "pandas", "numpy", "scikit-learn"):
        try:
            out.append(f"{lib} {version(lib)}")
        except PackageNotFoundError:
            pass
    return ", ".join(out)


# --------------------------------------------------------------------------------------------------
# The report
# --------------------------------------------------------------------------------------------------


def build_regional(inputs, region: str, *, language: str | None = None) -> Document:
    """The regional report of one territory as a Document (write it with render.write_html/pdf/docx).

    `language`: the instrument language of question and block labels (code or name, e.g. 'de');
    the report's own text is English.
    """
    import datetime as _dt

    from .. import __version__

    region = inputs.check_territories([region])[0]
    lang = language if language not in (None, "en") else None
    doc = Document(
        kind="regional",
        title=f"S3 StressTest: {inputs.label(region)}",
        subtitle=f"Regional report. {inputs.instrument.title}, version {inputs.instrument.version}. "
        f"Peer groups: {', '.join(peer_label(g) for g in inputs.groups_of(region)) or 'none'}.",
        stem=region,
        synthetic=inputs.synthetic,
        banner=inputs.banner,
        language="en",
        meta={"software": __version__, "region": region, "generated": _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d")},
    )
    doc.sections.append(executive_summary(inputs, region, lang))
    doc.sections.append(response_profile(inputs, region))
    for b in inputs.blocks:
        doc.sections.append(block_section(inputs, region, b, lang))
    doc.sections.append(alignment_section(inputs, region))
    doc.sections.append(context_section(inputs, region))
    doc.sections.append(recommendations_section(inputs, region, language))
    further = further_recommendations_section(inputs, region)
    if further is not None:
        doc.sections.append(further)
    doc.sections.append(annex_section(inputs, region, lang))
    doc.sections.append(provenance_section(inputs))
    return doc
