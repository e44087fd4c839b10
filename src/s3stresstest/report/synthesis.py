"""The synthesis report across territories.

    doc = build_synthesis(inputs, block_for_map="b1")        # ranks=True adds rank intervals
    doc = build_synthesis(inputs, language="de")             # every text in German

Sections: about; territories x blocks (heatmap and table, territories by code - no league
table); peer groups compared; ranks with intervals (only with ``ranks=True``); key findings
(each with its rule and the figures behind it, see `findings`); a typology of approaches
(k-means of block profiles); a map of the Alpine Space coloured by one block; an overview of
the recommendations; provenance.

The texts of the findings and the types are composed once, at run time, in every report
language (the run's `finding_texts` and `type_texts`); a report in another language than
English needs them and asks for `s3stresstest rerun` when the run is older than they are.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from typing import Any

import pandas as pd

from ..disclosure import RespondentTotal, publishable_total
from ..errors import InputError
from ..findings import FindingParams, block_name, key_findings, rank_intervals, typology, typology_rule
from ..i18n import Translator, check_language, translator
from ..recommend.compose import ITEM_BELOW_PEERS, ITEM_WEAKEST
from ..run.model import SYNTHETIC_BANNER
from .common import ci_level_text, draw_chart, figure, load_charts, load_maps, peer_label
from .regional import provenance_section, recommendations
from .render import (
    N_,
    Bullets,
    Callout,
    Document,
    Heading,
    Paragraph,
    Section,
    Table,
    missing,
)

#: The synthesis's title (also what the web admin's list of reports calls it: one text, one translation).
TITLE = N_("S3 StressTest: synthesis across territories")

# The built-in questionnaire's title (shown translated; another instrument's title as its form gives it).
INSTRUMENT_TITLES = (N_("S3 StressTest questionnaire"),)


def instrument_title(title: str, t: Translator) -> str:
    """The questionnaire's title in the report's language when it is the built-in one."""
    return t._(title) if title in INSTRUMENT_TITLES else title


def _signed(t: Translator, v: Any) -> str:
    return ("+" if v > 0 else "") + t.number(v)


# How each column of the figures tables is formatted: "score" as a score, "share" as a percentage.
FIGURE_FORMATS: dict[str, str] = {
    "score": "score",
    "ci_low": "score",
    "ci_high": "score",
    "share": "share",
    "share_below": "share",
    "neighbours_mean": "score",
    "neighbours_min": "score",
    "neighbours_max": "score",
    "perceived": "score",
    "measured": "score",
    "perceived_rank": "score",
    "measured_rank": "score",
    "perceived_position": "score",
    "evidence": "score",
    "evidence_position": "score",
    "gap": "score",
    "min": "score",
    "q1": "score",
    "median": "score",
    "q3": "score",
    "max": "score",
    "iqr": "score",
    "difference": "signed",
}

# Column headings of the figures tables, as a reader says them.
FIGURE_HEADINGS = {
    "region": N_("Territory"),
    "name": N_("Name"),
    "score": N_("Score"),
    "ci_low": N_("Interval low"),
    "ci_high": N_("Interval high"),
    "high": N_("Counted"),
    "most": N_("Counted"),
    "share": N_("Share"),
    "n": N_("Respondents"),
    "n_neighbours": N_("Neighbours"),
    # TRANSLATORS: the period of the S3 strategy compared (e.g. 2021–2027)
    "period": N_("S3 period"),
    "neighbours_mean": N_("Mean with neighbours"),
    "neighbours_min": N_("Lowest"),
    "neighbours_max": N_("Highest"),
    "perceived": N_("Perceived"),
    "measured": N_("Measured"),
    "perceived_rank": N_("Perceived rank"),
    "measured_rank": N_("Measured rank"),
    "perceived_position": N_("Perceived position"),
    # the scoreboard's index (a value 0-100) and the percentile position it gives among the territories compared
    "evidence": N_("Scoreboard index"),
    "evidence_position": N_("Scoreboard position"),
    "gap": N_("Gap"),
    "flag": N_("Comparison"),
    "items_compared": N_("Questions compared"),
    "items_disagree": N_("Questions with disagreement"),
    "strong": N_("Counted"),
    "block": N_("Area"),
    "label": N_("Question block"),
    "territories": N_("Territories"),
    "min": N_("Min"),
    "q1": N_("Lower quartile"),
    "median": N_("Median"),
    "q3": N_("Upper quartile"),
    "max": N_("Max"),
    "iqr": N_("Interquartile range"),
    "difference": N_("Difference"),
    "number": N_("No."),
    "question": N_("Question"),
    "below": N_("Territories below threshold"),
    "share_below": N_("Share below threshold"),
    "counted": N_("Counted"),
}

# The comparison of perceived and measured alignment, as the figures table words it.
FLAGS = {
    "perceived higher": N_("perceived higher"),
    "perceived lower": N_("perceived lower"),
    "consistent": N_("consistent"),
}


def _formatter(kind: str, t: Translator, digits: int = 0) -> Callable[[Any], str]:
    if kind == "share":
        return lambda v: t.percent(v, digits)
    if kind == "signed":
        return lambda v: _signed(t, v)
    return lambda v: t.number(v, digits)


# The column a finding compares with its threshold, by the flag column that says whether a row is counted.
# It prints whole, as scores do everywhere (64, as the regional report), except in a row where the whole
# number would land on the other side of the threshold: 59.6 under "at least 60" must not print as 60
# beside "Counted: no", so that row keeps one decimal.
COMPARED = {"high": "score", "most": "share", "strong": "neighbours_mean", "counted": "share"}


def finding_thresholds(params: FindingParams) -> dict[str, float]:
    """The threshold each flag column of a finding's figures compares with (`COMPARED`)."""
    return {
        "high": params.high_score,
        "most": params.majority_share,
        "strong": params.neighbour_alignment,
        "counted": params.disagreement_share,
    }


def _whole_misleads(v: Any, threshold: float | None, share: bool) -> bool:
    """Whether `v` printed whole (a share as a whole percentage) lands on the other side of `threshold`
    than `v` itself; True when the threshold is unknown (the decimal is then kept)."""
    if threshold is None:
        return True
    x = float(v)
    shown = round(x * 100) / 100 if share else float(round(x))
    return (shown >= threshold) != (x >= threshold)


def finding_table(
    f: dict, inputs, language: str = "en", title: str | None = None, thresholds: dict[str, float] | None = None
) -> Table:
    """The figures behind a finding as a table (every number formatted in the language; booleans as yes/no;
    blocks and questions named in the language). `thresholds`: by flag column, what its compared column
    is compared with (`finding_thresholds`), so that its figures print whole where that does not mislead."""
    t = translator(language)
    ins = inputs.instrument
    fig = f["figures"]
    if not isinstance(fig, pd.DataFrame):
        fig = pd.DataFrame([fig])
    # a figure with its range (x, x_low, x_high) is one cell: "72 [65–78]", as everywhere
    ranged = {c for c in fig.columns if f"{c}_low" in fig.columns and f"{c}_high" in fig.columns}
    cols = [c for c in fig.columns if not any(c in (f"{r}_low", f"{r}_high") for r in ranged)]
    numbers = {ins.item_number(it.name): it.name for it in ins.scored_items}
    exact = {COMPARED[c]: (thresholds or {}).get(c) for c in fig.columns if c in COMPARED}
    rows = []
    for rec in fig.to_dict("records"):
        cells = []
        for c in cols:
            v = rec[c]
            # one decimal only where the whole number would contradict the row's count
            d = 1 if c in exact and not missing(v) and _whole_misleads(v, exact[c], c == "share") else 0
            if c in ranged and not missing(v):
                cells.append(t.interval(v, rec[f"{c}_low"], rec[f"{c}_high"], d))
            elif isinstance(v, bool):
                cells.append(t._("yes") if v else t._("no"))
            elif missing(v):
                cells.append("–")
            elif c in FIGURE_FORMATS or c.endswith("_mean"):
                cells.append(_formatter(FIGURE_FORMATS.get(c, "score"), t, d)(v))
            elif c == "block":
                cells.append(block_name(ins, str(v), language))
            elif c == "label" and "block" in rec:
                cells.append(ins.block_label(str(rec["block"]), language))
            elif c == "question" and str(rec.get("number")) in numbers:
                cells.append(ins.item_label(numbers[str(rec["number"])], language))
            elif c == "flag" and str(v) in FLAGS:
                cells.append(t._(FLAGS[str(v)]))
            elif isinstance(v, float):
                cells.append(t.number(v, 1))
            elif isinstance(v, int):
                cells.append(t.integer(v))
            else:
                cells.append(str(v))
        rows.append(cells)
    header = []
    for c in cols:
        if c in FIGURE_HEADINGS:
            header.append(t._(FIGURE_HEADINGS[c]))
        elif c.endswith("_mean"):
            header.append(t._("Mean of {group}", group=peer_label(c[:-5], language=language)))
        else:
            header.append(c.replace("_", " "))
    return Table(
        header,
        rows,
        caption=t._("Figures behind: {title}", title=title or f["title"]),
        compact=True,
        numeric=tuple(i for i, c in enumerate(cols) if fig[c].dtype.kind in "if"),
    )


def _rerun_needed(what: str, language: str) -> InputError:
    return InputError(
        f"these results hold the {what} in English only, so a report in '{language}' cannot be written; "
        "run `s3stresstest rerun` on the results folder to compose them in every report language"
    )


def finding_texts_in(inputs, language: str, params: FindingParams) -> dict[str, dict[str, str]]:
    """id -> {title, statement, rule, evidence} in `language`: from the run's `finding_texts` when they were
    composed under these thresholds, else (thresholds other than the run's) composed now. A run without
    the table can give English only (InputError asking for a rerun)."""
    run_params = getattr(getattr(inputs, "params", None), "findings", None)
    if language == "en" or (run_params is not None and params != run_params):
        return {f["id"]: f for f in key_findings(inputs, params, language=language)}
    table = inputs.finding_texts
    if table is None or (len(inputs.findings) and not (table["language"] == language).any()):
        raise _rerun_needed("texts of the key findings", language)
    rows = table[table["language"] == language]
    return {
        str(r["id"]): {k: str(r[k]) for k in ("title", "statement", "rule", "evidence")} for _, r in rows.iterrows()
    }


def type_summaries_in(inputs, language: str, params: FindingParams, t: dict | None) -> dict[int, str]:
    """type -> summary in `language` (from the run's `type_texts`, like `finding_texts_in`)."""
    if t is None:
        return {}
    run_params = getattr(getattr(inputs, "params", None), "findings", None)
    if language == "en" or (run_params is not None and params != run_params):
        other = typology(inputs, params, language=language) or t
        return {int(d["type"]): d["summary"] for d in other["descriptions"]}
    table = inputs.type_texts
    if table is None or not (table["language"] == language).any():
        raise _rerun_needed("descriptions of the typology", language)
    rows = table[table["language"] == language]
    return {int(r["type"]): str(r["summary"]) for _, r in rows.iterrows()}


def run_total(inputs) -> RespondentTotal:
    """The run's respondent total as a publication may print it (`disclosure.publishable_total`)."""
    counts = inputs.respondent_counts()
    per = counts.groupby("region")["respondents"].sum()
    return publishable_total({c: int(per.get(c, 0)) for c in inputs.territories}, inputs.min_respondents)


def territory_states(inputs) -> dict[str, str]:
    """Territories whose every figure is withheld for want of respondents: code -> "no_answers" (nobody
    answered) or "below_k" (1 to k-1 respondents). They are named so instead of a block's status."""
    counts = inputs.respondent_counts()
    per = counts.groupby("region")["respondents"].sum()
    k = inputs.min_respondents
    out = {}
    for c in inputs.territories:
        n = int(per.get(c, 0))
        if n < k:
            out[c] = "no_answers" if n == 0 else "below_k"
    return out


def state_word(state: str, t: Translator, k: int, *, short: bool = False) -> str:
    """The word in place of a figure of a territory with no answers or fewer than k respondents."""
    if state == "no_answers":
        # TRANSLATORS: in place of a score: nobody answered in this territory
        return t._("no answers")
    # TRANSLATORS: in place of a score: the territory has fewer than k respondents (anonymity)
    return t._("fewer than {k}", k=t.integer(k)) if short else t._("fewer than {k} respondents", k=t.integer(k))


def answered_sentences(inputs, t: Translator) -> str:
    """How many territories answered and how many respondents, never a total that gives back a territory
    shown as "fewer than k" (the total counts the territories with at least k only, and says so)."""
    tot, k = run_total(inputs), t.integer(inputs.min_respondents)
    out = [
        t.ngettext(
            "{answered} of {n} territory answered the {instrument} (version {version}).",
            "{answered} of {n} territories answered the {instrument} (version {version}).",
            tot.territories,
            answered=t.integer(tot.answered),
            instrument=instrument_title(inputs.instrument.title, t),
            version=inputs.instrument.version,
        )
    ]
    if tot.complete:
        out.append(
            t.ngettext(
                "{respondents} respondent in all.",
                "{respondents} respondents in all.",
                tot.respondents,
                respondents=t.integer(tot.respondents),
            )
        )
        return " ".join(out)
    if tot.published:
        out.append(
            t._(
                "Respondents in the territories with at least {k} respondents each: {respondents}.",
                k=k,
                respondents=t.integer(tot.respondents),
            )
        )
    else:
        out.append(t._("No territory has {k} or more respondents, so no number of respondents is given.", k=k))
    out.append(
        t.ngettext(
            "{count} territory has fewer than {k} respondents: its number is given nowhere, nor counted in "
            "any total, so that it cannot be worked out by difference.",
            "{count} territories have fewer than {k} respondents: their numbers are given nowhere, nor counted in "
            "any total, so that none can be worked out by difference.",
            tot.below_k,
            count=t.integer(tot.below_k),
            k=k,
        )
    )
    return " ".join(out)


def _intro(inputs, language: str = "en") -> Section:
    t = translator(language)
    s = Section(t._("About this synthesis"), "about")
    groups = ", ".join(
        f"{peer_label(g, language=language)} ({t.integer(len(inputs.peer_groups[g]))})" for g in inputs.peer_groups
    )
    s.add(
        Paragraph(
            answered_sentences(inputs, t) + " " + t._("Peer groups: {groups}.", groups=groups or "–"),
            style="lead",
        )
    )
    s.add(
        Paragraph(
            t._(
                "Scores run from 0 to 100 with {level} intervals. A figure is shown only when at least {k} "
                "respondents stand behind it. Territories are listed by code: the comparison is a learning tool, "
                "not a league table.",
                level=ci_level_text(inputs, language=language),
                k=t.integer(inputs.min_respondents),
            )
        )
    )
    return s


def scores_section(inputs, language: str = "en") -> Section:
    t = translator(language)
    ins = inputs.instrument
    s = Section(t._("Territories and blocks"), "heatmap", page_break=True)
    blocks = inputs.blocks
    codes = sorted(inputs.territories)
    states, k = territory_states(inputs), inputs.min_respondents
    ch = load_charts()
    if ch is not None:
        # a territory without answers, or below k, is named so in its cells, not by its blocks' status
        scores = inputs.block_scores.copy()
        held = scores["region"].isin(states)
        scores.loc[held, "status"] = scores.loc[held, "region"].map(states)
        scores.loc[held, "score"] = float("nan")
        words = {st: state_word(st, t, k, short=True) for st in ("no_answers", "below_k")}
        args = (ch.heatmap, scores, codes, blocks, {b: ins.block_label(b, language) for b in blocks})
        svg = draw_chart(
            *args,
            # code first ('CH022 Freiburg'): the code already tells a shared name apart
            territory_labels={
                c: f"{c} {inputs.name(c).removesuffix(f' ({c})')}" if inputs.name(c) != c else c for c in codes
            },
            sort="code",
            id_prefix="heatmap",
            language=language,
            words=words,
        )
        # on a phone: codes only and narrower cells, legible at 390 px
        phone = draw_chart(*args, sort="code", id_prefix="heatmap-narrow", language=language, narrow=True, words=words)
        s.add(figure(svg, t._("Territories by code; the table below gives the intervals."), wide=True, narrow=phone))
    s.add(Bullets([f"{b}: {ins.block_label(b, language)}" for b in blocks]))
    bs = inputs.block_scores.set_index(["region", "block"])
    rows, classes = [], []
    for c in codes:
        cells = [inputs.label(c)]
        any_withheld = False
        for b in blocks:
            if c in states:
                cells.append(state_word(states[c], t, k))
                any_withheld = True
            elif (c, b) in bs.index and bs.loc[(c, b), "status"] == "ok":
                r = bs.loc[(c, b)]
                cells.append(t.interval(r["score"], r["ci_low"], r["ci_high"]))
            else:
                status = bs.loc[(c, b), "status"] if (c, b) in bs.index else "suppressed"
                # TRANSLATORS: a table cell standing for a score that is not published
                cells.append(t._("insufficient") if status == "insufficient" else t._("suppressed"))
                any_withheld = True
        rows.append(cells)
        classes.append("withheld" if any_withheld else "")
    s.add(
        Table(
            [t._("Territory")] + blocks,
            rows,
            caption=t._(
                "Block scores [{level} interval], by territory code", level=ci_level_text(inputs, language=language)
            ),
            row_classes=classes,
            compact=True,
            note=t._(
                # TRANSLATORS: {suppressed} and {insufficient} are the table's cell words, explained here
                "{suppressed}: fewer than {k} respondents; {insufficient}: fewer than half of the block's items "
                "published.",
                suppressed=t._("suppressed"),
                insufficient=t._("insufficient"),
                k=t.integer(inputs.min_respondents),
            ),
        )
    )
    return s


def peer_groups_section(inputs, language: str = "en") -> Section:
    t = translator(language)
    s = Section(t._("Peer groups compared"), "peer-groups")
    s.add(
        Paragraph(
            t._(
                "For each block: the mean and median of the published scores of each peer group, the frontrunner "
                "level and the frontrunners (listed by code)."
            )
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
                    f"{b} · {peer_label(g, language=language)}",
                    t._("{k} of {n}", k=t.integer(len(pub)), n=t.integer(len(members))),
                    t.number(r["peer_mean"]),
                    t.number(r["peer_median"]),
                    t.number(r["frontrunner_level"]),
                    " ".join(str(r["frontrunners"] or "").split()) or "–",
                ]
            )
    s.add(
        Table(
            [
                t._("Block · group"),
                t._("Published"),
                t._("Mean"),
                t._("Median"),
                t._("Frontrunner level"),
                t._("Frontrunners"),
            ],
            rows,
            caption=t._("Peer groups per block"),
            numeric=(2, 3, 4),
            compact=True,
        )
    )
    return s


def block_composite_section(inputs, language: str = "en", *, ranks: bool = False) -> Section:
    """The composite of block scores (built only when the run asked for it): each territory's score with its
    5-95 % range over block weights, by territory code; the possible ranks only when ranks were asked for."""
    t = translator(language)
    s = Section(t._("Composite of the block scores (on request)"), "block-composite")
    table = inputs.block_composite
    rec = (inputs.record or {}).get("block_composite") or {}
    weights = rec.get("weights") or {}
    equal = len(set(weights.values())) <= 1
    blocks = ", ".join(rec.get("blocks") or inputs.blocks)
    s.add(
        Callout(
            (
                t._(
                    "Asked for when the run was made: the mean of each territory's published block scores ({blocks}), "
                    "every block weighing the same.",
                    blocks=blocks,
                )
                if equal
                else t._(
                    "Asked for when the run was made: the weighted mean of each territory's published block scores "
                    "(weights: {weights}).",
                    weights=", ".join(f"{b} {t.number(w, 2)}" for b, w in weights.items()),
                )
            )
            + " "
            + t._(
                "The range shows where the composite lies in {share} of {n} variations of the weights (each by up "
                "to ±{noise}); it leaves out the block scores' own intervals. It sums up very different areas and "
                "is not a league table: read it with the block scores above.",
                share=t.percent(0.9),
                n=t.number(rec.get("replications", 1000)),
                noise=t.percent(rec.get("noise", 0.25)),
            ),
            kind_of="note",
        )
    )
    rows, classes = [], []
    for r in table.sort_values("region").itertuples():
        name = inputs.label(str(r.region))
        if pd.isna(r.score):
            figure_text = t.ngettext(
                "no composite: {published} of {n} block published",
                "no composite: {published} of {n} blocks published",
                int(r.blocks),
                published=int(r.published),
            )
            classes.append("withheld")
        else:
            figure_text = t._(
                "{score} (range {low}–{high})", score=t.number(r.score), low=t.number(r.low), high=t.number(r.high)
            )
            classes.append("")
        row = [name, figure_text]
        if ranks:
            best, worst = t.number(r.rank_best), t.number(r.rank_worst)
            row.append("–" if pd.isna(r.score) else (best if best == worst else f"{best}–{worst}"))
        rows.append(row)
    head = [t._("Territory"), t._("Composite (0–100)")] + ([t._("Possible ranks")] if ranks else [])
    s.add(
        Table(
            head,
            rows,
            caption=t._("Composite of the block scores, by territory code"),
            row_classes=classes,
            compact=True,
            numeric=(2,) if ranks else (),
            note=t.ngettext(
                "A territory needs {n} published block for a composite; a withheld block stays missing, never 0.",
                "A territory needs {n} published blocks for a composite; a withheld block stays missing, never 0.",
                int(rec.get("min_blocks", len(inputs.blocks))),
            ),
        )
    )
    return s


def ranks_section(inputs, language: str = "en") -> Section:
    t = translator(language)
    s = Section(t._("Ranks with intervals (on request)"), "ranks", page_break=True)
    s.add(
        Callout(
            t._(
                "Ranks were asked for. A rank is shown as the range its interval allows: a territory is placed "
                "ahead of another only when its interval lies wholly above the other's. Overlapping ranges mean "
                "the order is not known."
            ),
            kind_of="note",
        )
    )
    for b in inputs.blocks:
        ri = rank_intervals(inputs.block_scores, b)
        if ri.empty:
            continue
        rows = [
            [
                inputs.label(str(r.region)),
                t.interval(r.score, r.ci_low, r.ci_high),
                # pandas-stubs types itertuples fields as any scalar, NA included; ranks are integers here
                f"{r.rank_best}–{r.rank_worst}" if r.rank_best != r.rank_worst else str(r.rank_best),  # type: ignore[operator]
            ]
            for r in ri.sort_values("region").itertuples()
        ]
        s.add(
            Table(
                [
                    t._("Territory"),
                    t._("Score [{level}]", level=ci_level_text(inputs, language=language)),
                    t._("Possible ranks"),
                ],
                rows,
                caption=t._(
                    "{block}: {label} (territories by code)",
                    block=b,
                    label=inputs.instrument.block_label(b, language),
                ),
                compact=True,
                numeric=(2,),
            )
        )
    return s


def findings_section(inputs, params: FindingParams, language: str = "en") -> Section:
    t = translator(language)
    s = Section(t._("Key findings"), "findings", page_break=True)
    found = key_findings(inputs, params)
    texts = finding_texts_in(inputs, language, params)
    s.add(
        Paragraph(
            t._(
                "Each finding follows a stated rule and is traceable to the figures below it. Only published "
                "figures count; withheld ones are counted apart."
            )
        )
    )
    for i, f in enumerate(found, 1):
        text = texts.get(f["id"])
        if text is None:
            raise _rerun_needed("texts of the key findings", language)
        s.add(Heading(f"{i}. {text['title']}", 3))
        s.add(Callout(text["statement"], kind_of="finding"))
        s.add(Paragraph(t._("Rule: {rule}", rule=text["rule"]), style="small"))
        s.add(finding_table(f, inputs, language, title=text["title"], thresholds=finding_thresholds(params)))
    if not found:
        s.add(Paragraph(t._("The data allow no finding under the stated rules."), style="note"))
    return s


def typology_section(inputs, params: FindingParams, language: str = "en") -> Section:
    tr = translator(language)
    s = Section(tr._("A typology of approaches"), "typology", page_break=True)
    t = typology(inputs, params)
    if t is None:
        return s.add(
            Callout(
                tr._(
                    "No typology: fewer than {n} territories have every block published.",
                    n=tr.integer(params.typology_k + 1),
                ),
                kind_of="missing",
            )
        )
    summaries = type_summaries_in(inputs, language, params, t)
    s.add(Paragraph(tr._("Rule: {rule}", rule=typology_rule(t["k"], params.typology_seed, language)), style="small"))
    s.add(
        Bullets(
            [
                tr._(
                    "{summary} Members: {members}.",
                    summary=summaries.get(int(d["type"]), d["summary"]),
                    members=", ".join(d["territories"]),
                )
                for d in t["descriptions"]
            ]
        )
    )
    prof = t["profiles"]
    blocks = inputs.blocks

    def type_name(r: dict) -> str:
        return tr._("Type {type}", type=int(r["type"]))

    rows = [
        [type_name(r), tr.integer(int(r["territories"]))] + [tr.number(r[b]) for b in blocks]
        for r in prof.to_dict("records")
    ]
    ch = load_charts()
    if ch is not None:
        frame = pd.DataFrame(
            [
                {
                    "region": type_name(r),
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
            {b: inputs.instrument.block_label(b, language) for b in blocks},
            sort=None,
            title=tr._("Mean block profile per type (0–100)"),
            id_prefix="typology",
            language=language,
        )
        s.add(figure(svg, tr._("The data are in the table below.")))
    names = [block_name(inputs.instrument, b, language) for b in blocks]
    shape_rows = []
    for r in prof.to_dict("records"):
        level = sum(float(r[b]) for b in blocks) / len(blocks)
        shape_rows.append([type_name(r), tr.number(level)] + [_signed(tr, round(float(r[b]) - level)) for b in blocks])
    s.add(
        Table(
            [tr._("Type"), tr._("Mean score")] + names,
            shape_rows,
            caption=tr._("Profile shape per type: points above (+) or below the type's own mean score"),
            compact=True,
            numeric=tuple(range(1, len(blocks) + 2)),
        )
    )
    s.add(
        Table(
            [tr._("Type"), tr._("Territories")] + names,
            rows,
            caption=tr._("Mean profile per type"),
            compact=True,
            numeric=tuple(range(1, len(blocks) + 2)),
        )
    )
    if t["excluded"]:
        s.add(
            Paragraph(
                tr._("Not typed (a block is not published): {codes}.", codes=", ".join(t["excluded"])), style="note"
            )
        )
    return s


def map_section(inputs, block: str, language: str = "en") -> Section:
    t = translator(language)
    ins = inputs.instrument
    named = f"{block}: {ins.block_label(block, language)}" if block in inputs.blocks else block  # as regional headings
    s = Section(t._("The Alpine Space: {block}", block=named), "map", page_break=True)
    if block not in inputs.blocks:
        return s.add(
            Callout(
                t._(
                    "No map: block “{block}” is not in these results (blocks: {blocks}).",
                    block=block,
                    blocks=", ".join(inputs.blocks),
                ),
                kind_of="missing",
            )
        )
    bs = inputs.block_scores[inputs.block_scores["block"] == block]
    values = {r.region: (float(r.score) if r.status == "ok" else None) for r in bs.itertuples()}
    mp, reg = load_maps(), inputs.registry
    if mp is None or reg is None:
        why = inputs.missing_text("maps", language) or t._("NUTS boundaries are not installed")
        return s.add(Callout(t._("No map: {reason}.", reason=why), kind_of="missing"))
    known = {c: v for c, v in values.items() if c in reg}
    svg = draw_chart(
        mp.alpine_space_map,
        reg,
        known,
        f"{block}: {ins.block_label(block, language)}",
        t._("Score (0–100)"),
        id_prefix="alpine-map",
        language=language,
    )
    if svg is None:
        return s.add(Callout(t._("No map: the map could not be drawn for these territories."), kind_of="missing"))
    states = territory_states(inputs)

    def cell(c: str, v: float | None) -> str:
        if c in states:
            return state_word(states[c], t, inputs.min_respondents)
        return t.number(v) if v is not None else t._("suppressed")

    data = Table([t._("Territory"), t._("Score")], [[c, cell(c, v)] for c, v in sorted(known.items())], compact=True)
    s.add(
        figure(
            svg,
            t._(
                "Territories outside the Alpine Space are left out of the map. © EuroGeographics for the "
                "administrative boundaries; source: Eurostat – GISCO."
            ),
            data=data,
            wide=True,
        )
    )
    return s


def _recommendation_titles(inputs, language: str) -> dict[tuple[str, int], str] | None:
    """(region, rank) -> title in `language` from the run's `recommendation_texts` (None when absent)."""
    table = getattr(inputs, "recommendation_texts", None)
    if table is None or "language" not in table.columns:
        return None
    rows = table[table["language"] == language]
    if rows.empty:
        return None
    return {(str(r["region"]), int(r["rank"])): str(r["title"]) for _, r in rows.iterrows()}


def recommendations_overview_section(inputs, language: str = "en") -> Section:
    t = translator(language)
    s = Section(t._("Recommendations: overview"), "recommendations", page_break=True)
    recs, why = recommendations(inputs)
    if recs is None:
        return s.add(Callout(t._("No recommendations: {reason}.", reason=why), kind_of="missing"))
    titles = _recommendation_titles(inputs, language) if language != "en" else None
    if language != "en" and titles is None and len(recs):
        raise _rerun_needed("texts of the recommendations", language)
    n_all = len(inputs.territories)
    per_rule: list[tuple[int, float, str, str]] = []  # territories, median priority, title, where
    # the item-level rules (a weak point of the profile, behind peers) are about a different question in each
    # territory: one line per title, never one line under the first territory's question
    rule = recs["rule_id"].astype(str)
    key = rule.where(~rule.isin([ITEM_WEAKEST, ITEM_BELOW_PEERS]), rule + "\x1f" + recs["title"].astype(str))
    for _rule, g in recs.groupby(key, sort=False):
        fired = sorted({str(x) for x in g["region"]})
        first = g.iloc[0]
        title = str(first["title"])
        if titles is not None and "rank" in g.columns:
            title = titles.get((str(first["region"]), int(first["rank"])), title)
        per_rule.append((len(fired), float(g["priority"].median()), title, " ".join(fired)))
    per_rule.sort(key=lambda r: (-r[0], -r[1], r[2]))
    rows = [
        [title, t.number(median), t.integer(n), t.percent(n / n_all) if n_all else "–", where or "–"]
        for n, median, title, where in per_rule
    ]
    s.add(
        Paragraph(
            t._(
                "How often each recommendation rule fired, across {n} territories (most frequent first), with the "
                "median of its priority scores (0 to 100: the size of the gap, weighted by how certain the figure is "
                "and by the rule's weight). The regional reports give each territory's evidence.",
                n=t.integer(n_all),
            )
        )
    )
    s.add(
        Table(
            [
                t.pgettext("recommendations table", "Recommendation"),
                t._("Median priority"),
                t._("Territories"),
                t._("Share"),
                t._("Where"),
            ],
            rows,
            caption=t._("Recommendations across territories"),
            numeric=(1, 2, 3),
            compact=True,
        )
    )
    return s


def build_synthesis(
    inputs,
    *,
    block_for_map: str = "b1",
    ranks: bool = False,
    findings_params: FindingParams | None = None,
    language: str = "en",
) -> Document:
    """The synthesis report across all territories of the results, in `language` (en, de, fr, it, sl)."""
    from .. import __version__

    language = check_language(language)
    t = translator(language)
    params = findings_params or FindingParams()
    doc = Document(
        kind="synthesis",
        title=t._(TITLE),
        subtitle=t._(
            "{territories} territories, {blocks} blocks. {instrument}, version {version}.",
            territories=t.integer(len(inputs.territories)),
            blocks=t.integer(len(inputs.blocks)),
            instrument=instrument_title(inputs.instrument.title, t),
            version=inputs.instrument.version,
        ),
        stem="synthesis",
        synthetic=inputs.synthetic,
        banner=synthetic_banner(inputs, t),
        language=language,
        meta={"software": __version__, "generated": _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d")},
    )
    doc.sections += [_intro(inputs, language), scores_section(inputs, language), peer_groups_section(inputs, language)]
    if getattr(inputs, "block_composite", None) is not None:
        doc.sections.append(block_composite_section(inputs, language, ranks=ranks))
    if ranks:
        doc.sections.append(ranks_section(inputs, language))
    doc.sections += [
        findings_section(inputs, params, language),
        typology_section(inputs, params, language),
        map_section(inputs, block_for_map, language),
        recommendations_overview_section(inputs, language),
        provenance_section(
            inputs,
            {t._("Map block"): block_for_map, t._("Ranks shown"): t._("yes") if ranks else t._("no")},
            findings_params=params,
            language=language,
        ),
    ]
    return doc


# The synthetic-data notice of the report body, in the report's language.
SYNTHETIC_NOTICE = N_(
    "SYNTHETIC DATA: every answer behind these results was generated by the S3 StressTest demo generator. "
    "They describe no real region, person or strategy."
)


def synthetic_banner(inputs, t: Translator) -> str | None:
    """The run's synthetic-data notice in the report's language (a notice of the run's own words stays as it is)."""
    if not inputs.synthetic:
        return None
    if inputs.banner == SYNTHETIC_BANNER:
        return t._(SYNTHETIC_NOTICE)
    return inputs.banner
