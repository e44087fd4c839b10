"""The synthesis report across territories.

    doc = build_synthesis(inputs, block_for_map="b1")        # ranks=True adds rank intervals

Sections: about; territories x blocks (heatmap and table, territories by code - no league
table); peer groups compared; ranks with intervals (only with ``ranks=True``); key findings
(each with its rule and the figures behind it, see `findings`); a typology of approaches
(k-means of block profiles); a map of the Alpine Space coloured by one block; an overview of
the recommendations; provenance.
"""

from __future__ import annotations

import datetime as _dt

import pandas as pd

from ..findings import FindingParams, block_name, key_findings, rank_intervals, typology
from .common import ci_level_text, draw_chart, figure, load_charts, load_maps, peer_label, withheld_text
from .regional import provenance_section, recommendations
from .render import (
    Bullets,
    Callout,
    Document,
    Heading,
    Paragraph,
    Section,
    Table,
    interval,
    missing,
    num,
    pct,
)

FIGURE_FORMATS = {
    "score": num,
    "ci_low": num,
    "ci_high": num,
    "share": pct,
    "share_below": pct,
    "neighbours_mean": num,
    "neighbours_min": num,
    "neighbours_max": num,
    "perceived": num,
    "measured": num,
    "perceived_rank": num,
    "measured_rank": num,
    "gap": num,
    "min": num,
    "q1": num,
    "median": num,
    "q3": num,
    "max": num,
    "iqr": num,
    "difference": lambda v: f"{'+' if v > 0 else ''}{num(v)}",
}

# Column headings of the figures tables, as a reader says them (unlisted columns: '_' -> ' ').
FIGURE_HEADINGS = {
    "region": "Territory",
    "name": "Name",
    "score": "Score",
    "ci_low": "Interval low",
    "ci_high": "Interval high",
    "high": "Counted",
    "most": "Counted",
    "share": "Share",
    "n_neighbours": "Neighbours",
    "neighbours_mean": "Mean with neighbours",
    "neighbours_min": "Lowest",
    "neighbours_max": "Highest",
    "perceived": "Perceived (b2)",
    "measured": "Measured",
    "perceived_rank": "Perceived rank",
    "measured_rank": "Measured rank",
    "gap": "Gap",
    "flag": "Flag",
    "items_compared": "Items compared",
    "items_disagree": "Items with disagreement",
    "strong": "Counted",
    "block": "Block",
    "label": "Question block",
    "territories": "Territories",
    "min": "Min",
    "q1": "Lower quartile",
    "median": "Median",
    "q3": "Upper quartile",
    "max": "Max",
    "iqr": "Interquartile range",
    "difference": "Difference",
    "number": "No.",
    "question": "Question",
    "below": "Territories below threshold",
    "share_below": "Share below threshold",
    "counted": "Counted",
}


def finding_table(f: dict, inputs) -> Table:
    """The figures behind a finding as a table (every number formatted; booleans as yes/no)."""
    fig = f["figures"]
    if not isinstance(fig, pd.DataFrame):
        fig = pd.DataFrame([fig])
    cols = list(fig.columns)
    rows = []
    for rec in fig.to_dict("records"):
        cells = []
        for c in cols:
            v = rec[c]
            if isinstance(v, bool):
                cells.append("yes" if v else "no")
            elif c in FIGURE_FORMATS or c.endswith("_mean"):
                cells.append("–" if missing(v) else FIGURE_FORMATS.get(c, num)(v))
            elif isinstance(v, float):
                cells.append("–" if missing(v) else num(v, 1))
            else:
                cells.append("–" if missing(v) else str(v))
        rows.append(cells)
    header = [
        FIGURE_HEADINGS.get(c) or (f"Mean of '{c[:-5]}'" if c.endswith("_mean") else c.replace("_", " ")) for c in cols
    ]
    return Table(
        header,
        rows,
        caption=f"Figures behind: {f['title']}",
        compact=True,
        numeric=tuple(i for i, c in enumerate(cols) if fig[c].dtype.kind in "if"),
    )


def _intro(inputs, doc_kind: str = "synthesis") -> Section:
    s = Section("About this synthesis", "about")
    n = len(inputs.territories)
    groups = list(inputs.peer_groups)
    counts = inputs.record.get("counts") or {}
    s.add(
        Paragraph(
            f"{n} territories answered the {inputs.instrument.title} (version {inputs.instrument.version}); "
            f"{counts.get('respondents', '–')} respondents in all. Peer groups: "
            + ", ".join(f"{peer_label(g)} ({len(inputs.peer_groups[g])})" for g in groups)
            + ".",
            style="lead",
        )
    )
    s.add(
        Paragraph(
            f"Scores run from 0 to 100 with {ci_level_text(inputs)} intervals. A figure is shown only when "
            f"at least {inputs.min_respondents} respondents stand behind it. Territories are listed by code: "
            "the comparison is a learning tool, not a league table."
        )
    )
    return s


def scores_section(inputs) -> Section:
    ins = inputs.instrument
    s = Section("Territories and blocks", "heatmap", page_break=True)
    blocks = inputs.blocks
    codes = sorted(inputs.territories)
    ch = load_charts()
    if ch is not None:
        svg = draw_chart(
            ch.heatmap,
            inputs.block_scores,
            codes,
            blocks,
            {b: ins.block_label(b) for b in blocks},
            territory_labels={c: f"{c} {inputs.name(c)}" if inputs.name(c) != c else c for c in codes},
            sort="code",
            id_prefix="heatmap",
        )
        s.add(figure(svg, "Territories by code; the table below gives the intervals.", wide=True))
    s.add(Bullets([f"{b}: {ins.block_label(b)}" for b in blocks]))
    bs = inputs.block_scores.set_index(["region", "block"])
    rows, classes = [], []
    for c in codes:
        cells = [f"{inputs.name(c)} ({c})" if inputs.name(c) != c else c]
        any_withheld = False
        for b in blocks:
            if (c, b) in bs.index and bs.loc[(c, b), "status"] == "ok":
                r = bs.loc[(c, b)]
                cells.append(interval(r["score"], r["ci_low"], r["ci_high"]))
            else:
                status = bs.loc[(c, b), "status"] if (c, b) in bs.index else "suppressed"
                cells.append("insufficient" if status == "insufficient" else "suppressed")
                any_withheld = True
        rows.append(cells)
        classes.append("withheld" if any_withheld else "")
    s.add(
        Table(
            ["Territory"] + blocks,
            rows,
            caption=f"Block scores [{ci_level_text(inputs)} interval], by territory code",
            row_classes=classes,
            compact=True,
            note=f"suppressed: {withheld_text('suppressed', inputs.min_respondents)}; insufficient: "
            f"{withheld_text('insufficient', inputs.min_respondents)}.",
        )
    )
    return s


def peer_groups_section(inputs) -> Section:
    s = Section("Peer groups compared", "peer-groups")
    s.add(
        Paragraph(
            "For each block: the mean and median of the published scores of each peer group, the frontrunner "
            "level and the frontrunners (listed by code)."
        )
    )
    bm = inputs.benchmarks.drop_duplicates(["peer_group", "block"])
    bs = inputs.block_scores
    ok = bs[bs["status"] == "ok"]
    rows = []
    for b in inputs.blocks:
        for g, members in inputs.peer_groups.items():
            r = bm[(bm["peer_group"] == g) & (bm["block"] == b)]
            if r.empty:
                continue
            r = r.iloc[0]
            pub = ok[(ok["block"] == b) & ok["region"].isin(members)]
            rows.append(
                [
                    f"{b} · {peer_label(g)}",
                    f"{len(pub)} of {len(members)}",
                    num(r["peer_mean"]),
                    num(r["peer_median"]),
                    num(r["frontrunner_level"]),
                    " ".join(str(r["frontrunners"] or "").split()) or "–",
                ]
            )
    s.add(
        Table(
            ["Block · group", "Published", "Mean", "Median", "Frontrunner level", "Frontrunners"],
            rows,
            caption="Peer groups per block",
            numeric=(2, 3, 4),
            compact=True,
        )
    )
    return s


def ranks_section(inputs) -> Section:
    s = Section("Ranks with intervals (on request)", "ranks", page_break=True)
    s.add(
        Callout(
            "Ranks were asked for. A rank is shown as the range its interval allows: a territory is placed "
            "ahead of another only when its interval lies wholly above the other's. Overlapping ranges mean the "
            "order is not known.",
            kind_of="note",
        )
    )
    for b in inputs.blocks:
        ri = rank_intervals(inputs.block_scores, b)
        if ri.empty:
            continue
        rows = [
            [
                f"{inputs.name(r.region)} ({r.region})",
                interval(r.score, r.ci_low, r.ci_high),
                # pandas-stubs types itertuples fields as any scalar, NA included; ranks are integers here
                f"{r.rank_best}–{r.rank_worst}" if r.rank_best != r.rank_worst else str(r.rank_best),  # type: ignore[operator]
            ]
            for r in ri.sort_values("region").itertuples()
        ]
        s.add(
            Table(
                ["Territory", f"Score [{ci_level_text(inputs)}]", "Possible ranks"],
                rows,
                caption=f"{b}: {inputs.instrument.block_label(b)} (territories by code)",
                compact=True,
                numeric=(2,),
            )
        )
    return s


def findings_section(inputs, params: FindingParams) -> Section:
    s = Section("Key findings", "findings", page_break=True)
    found = key_findings(inputs, params)
    s.add(
        Paragraph(
            "Each finding follows a stated rule and is traceable to the figures below it. Only published "
            "figures count; withheld ones are counted apart."
        )
    )
    for i, f in enumerate(found, 1):
        s.add(Heading(f"{i}. {f['title']}", 3))
        s.add(Callout(f["statement"], kind_of="finding"))
        s.add(Paragraph(f"Rule: {f['rule']}", style="small"))
        s.add(finding_table(f, inputs))
    if not found:
        s.add(Paragraph("The data allow no finding under the stated rules.", style="note"))
    return s


def typology_section(inputs, params: FindingParams) -> Section:
    s = Section("A typology of approaches", "typology", page_break=True)
    t = typology(inputs, params)
    if t is None:
        return s.add(
            Callout(
                f"No typology: fewer than {params.typology_k + 1} territories have every block published.",
                kind_of="missing",
            )
        )
    s.add(Paragraph(f"Rule: {t['rule']}", style="small"))
    s.add(Bullets([d["summary"] + " Members: " + ", ".join(d["territories"]) + "." for d in t["descriptions"]]))
    prof = t["profiles"]
    blocks = inputs.blocks
    rows = [
        [f"Type {int(r['type'])}", str(int(r["territories"]))] + [num(r[b]) for b in blocks]
        for r in prof.to_dict("records")
    ]
    ch = load_charts()
    if ch is not None:
        frame = pd.DataFrame(
            [
                {
                    "region": f"Type {int(r['type'])}",
                    "block": b,
                    "score": r[b],
                    "ci_low": None,
                    "ci_high": None,
                    "n": r["territories"],
                    "status": "ok",
                }
                for r in prof.to_dict("records")
                for b in blocks
            ]
        )
        svg = draw_chart(
            ch.heatmap,
            frame,
            list(dict.fromkeys(frame["region"])),
            blocks,
            {b: inputs.instrument.block_label(b) for b in blocks},
            sort=None,
            title="Mean block profile per type (0–100)",
            id_prefix="typology",
        )
        s.add(figure(svg, "The data are in the table below."))
    names = [block_name(inputs.instrument, b) for b in blocks]
    shape_rows = []
    for r in prof.to_dict("records"):
        level = sum(float(r[b]) for b in blocks) / len(blocks)
        shape_rows.append([f"Type {int(r['type'])}", num(level)] + [f"{round(float(r[b]) - level):+d}" for b in blocks])
    s.add(
        Table(
            ["Type", "Mean score"] + names,
            shape_rows,
            caption="Profile shape per type: points above (+) or below the type's own mean score",
            compact=True,
            numeric=tuple(range(1, len(blocks) + 2)),
        )
    )
    s.add(
        Table(
            ["Type", "Territories"] + names,
            rows,
            caption="Mean profile per type",
            compact=True,
            numeric=tuple(range(1, len(blocks) + 2)),
        )
    )
    if t["excluded"]:
        s.add(Paragraph("Not typed (a block is not published): " + ", ".join(t["excluded"]) + ".", style="note"))
    return s


def map_section(inputs, block: str) -> Section:
    ins = inputs.instrument
    s = Section(f"The Alpine Space: {block}", "map", page_break=True)
    if block not in inputs.blocks:
        return s.add(
            Callout(
                f"No map: block '{block}' is not in these results (blocks: {', '.join(inputs.blocks)}).",
                kind_of="missing",
            )
        )
    bs = inputs.block_scores[inputs.block_scores["block"] == block]
    values = {r.region: (float(r.score) if r.status == "ok" else None) for r in bs.itertuples()}
    mp, reg = load_maps(), inputs.registry
    if mp is None or reg is None:
        return s.add(
            Callout(f"No map: {inputs.missing.get('maps', 'NUTS boundaries are not installed')}.", kind_of="missing")
        )
    known = {c: v for c, v in values.items() if c in reg}
    svg = draw_chart(
        mp.alpine_space_map, reg, known, f"{block}: {ins.block_label(block)}", "Score (0–100)", id_prefix="alpine-map"
    )
    if svg is None:
        return s.add(Callout("No map: the map could not be drawn for these territories.", kind_of="missing"))
    data = Table(
        ["Territory", "Score"],
        [[c, num(v) if v is not None else "suppressed"] for c, v in sorted(known.items())],
        compact=True,
    )
    s.add(
        figure(
            svg,
            "Territories outside the Alpine Space are left out of the map. © EuroGeographics for the "
            "administrative boundaries; source: Eurostat – GISCO.",
            data=data,
            wide=True,
        )
    )
    return s


def recommendations_overview_section(inputs) -> Section:
    s = Section("Recommendations: overview", "recommendations", page_break=True)
    recs, why = recommendations(inputs)
    if recs is None:
        return s.add(Callout(f"No recommendations: {why}.", kind_of="missing"))
    n_all = len(inputs.territories)
    per_rule: list[tuple[int, float, str, str]] = []  # territories, median priority, title, where
    for _rule, g in recs.groupby("rule_id", sort=False):
        fired = sorted({str(x) for x in g["region"]})
        per_rule.append((len(fired), float(g["priority"].median()), str(g["title"].iloc[0]), " ".join(fired)))
    per_rule.sort(key=lambda r: (-r[0], -r[1], r[2]))
    rows = [
        [title, num(median), str(n), pct(n / n_all) if n_all else "–", where or "–"]
        for n, median, title, where in per_rule
    ]
    s.add(
        Paragraph(
            f"How often each recommendation rule fired, across {n_all} territories (most frequent first), with "
            "the median of its priority scores (0 to 100: the size of the gap, weighted by how certain the "
            "figure is and by the rule's weight). The regional reports give each territory's evidence."
        )
    )
    s.add(
        Table(
            ["Recommendation", "Median priority", "Territories", "Share", "Where"],
            rows,
            caption="Recommendations across territories",
            numeric=(1, 2, 3),
            compact=True,
        )
    )
    return s


def build_synthesis(
    inputs, *, block_for_map: str = "b1", ranks: bool = False, findings_params: FindingParams | None = None
) -> Document:
    """The synthesis report across all territories of the results."""
    from .. import __version__

    params = findings_params or FindingParams()
    doc = Document(
        kind="synthesis",
        title="S3 StressTest: synthesis across territories",
        subtitle=f"{len(inputs.territories)} territories, {len(inputs.blocks)} blocks. "
        f"{inputs.instrument.title}, version {inputs.instrument.version}.",
        stem="synthesis",
        synthetic=inputs.synthetic,
        banner=inputs.banner,
        meta={"software": __version__, "generated": _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d")},
    )
    doc.sections += [_intro(inputs), scores_section(inputs), peer_groups_section(inputs)]
    if ranks:
        doc.sections.append(ranks_section(inputs))
    doc.sections += [
        findings_section(inputs, params),
        typology_section(inputs, params),
        map_section(inputs, block_for_map),
        recommendations_overview_section(inputs),
        provenance_section(
            inputs, {"Map block": block_for_map, "Ranks shown": "yes" if ranks else "no"}, findings_params=params
        ),
    ]
    return doc
