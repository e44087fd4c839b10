"""The recommendation engine: which rules fire for which territory, ranked, with their evidence.

    recs = recommend(result, alignment=alignment_result, open_comments=campaign.open_comments(instrument))

One row per (territory, fired rule): the recommendation and rationale, the figures that
fired it (JSON), the frontrunner territories to learn from on the rule's blocks, and
anonymised excerpts of open answers. Ranked per territory by priority (1 first), then
by the size of the gap, then by rule id; a run re-ranks them, with item-level rows added, by
the 0-100 score of `compose`.

Anonymity: excerpts come only from the open questions a rule names in its evidence,
and only when at least `min_respondents` respondents of that territory answered that
question. They are about the rule's subject: an answer is quoted only when it mentions a keyword
of the rule's first block (`keywords.mentions`), and only when at least `min_respondents`
respondents of the territory raise that block in their open answers (the count the composed
text states). E-mail addresses, links and phone numbers are removed and each excerpt is cut
to 200 characters; neither the respondent nor the stakeholder group is shown. Figures
that are not published (status suppressed or insufficient) never appear in evidence.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections import Counter
from typing import Any

import numpy as np
import pandas as pd

from ..alignment.own_synergies import own_topics
from .keywords import BLOCK_KEYWORDS, language_of, mark, mentions, unmark
from .rules import RuleSet, as_ruleset, rules_record
from .triggers import Context, _int, _isnum, national_figures, num, perception_figures, rounded

COLUMNS = [
    "region",
    "rule_id",
    "title",
    "priority",
    "rank",
    "blocks",
    "topics",
    "recommendation",
    "rationale",
    "gap",
    "evidence",
    "frontrunners",
    "excerpts",
]
OVERVIEW_COLUMNS = [
    "rule_id",
    "title",
    "priority",
    "blocks",
    "topics",
    "n_territories",
    "share_territories",
    "territories",
]
EXCERPT_CHARS = 200
BENCH_FIGURES = ("score", "peer_mean", "peer_median", "frontrunner_level", "gap_to_mean", "gap_to_frontrunner")
DEFAULT_MIN_RESPONDENTS = 3

EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
URL = re.compile(
    r"(?:\b(?:https?|ftp)://|\bwww\.)[^\s<>\"']+|"
    r"\b(?:[a-z0-9\-]+\.)+(?:com|org|net|eu|info|io|de|at|it|fr|ch|si|li|be|es|pl|nl|uk)(?:/[^\s<>\"']*)?",
    re.IGNORECASE,
)
NON_ANSWER = re.compile(  # "no further comment" and the like, in the five survey languages
    r"^(?:\[synthetic\]\s*)?(?:no(?:thing)?(?: further| more| other)?(?: comments?| remarks?)?"
    r"|none|n\.?/?a\.?|-+|\.+|\?+"
    r"|keine?(?: weiteren?| sonstigen?)?(?: anmerkungen?| kommentare?| bemerkungen?)?|nichts|entfällt"
    r"|(?:pas|aucun)(?: d'autres?| de)?(?: commentaires?| remarques?)?|rien|sans objet"
    r"|nessun(?:a|o)?(?: altro| altra| ulteriore)?(?: commento| osservazione)?|niente|nulla"
    r"|brez(?: dodatnih)? pripomb|ni(?: dodatnih)? pripomb|nič|nimam pripomb)[.!]?$",
    re.IGNORECASE,
)
PHONE = re.compile(r"(?<![\w+])\+?\(?\d[\d\s().\-/]{5,}\d")


# -- alignment tables ---------------------------------------------------------------------------


class AlignmentView:
    """The alignment tables the triggers read, from an AlignmentResult or a dict of its tables."""

    def __init__(self, alignment, block_scores: pd.DataFrame | None = None):
        if isinstance(alignment, dict):
            get = alignment.get
            territories, pairs = get("alignment_territories"), get("alignment_pairs")
            synergies, perception = get("synergies"), get("perception_vs_evidence")
            record: dict[str, Any] = {}
        else:
            territories, pairs = getattr(alignment, "territories", None), getattr(alignment, "pairs", None)
            synergies = getattr(alignment, "synergies", None)
            perception = getattr(alignment, "perception", None)
            record = getattr(alignment, "record", None) or {}
        if perception is None and territories is not None and block_scores is not None and len(block_scores):
            perception = _perception(block_scores, territories, record.get("parameters") or {})
        self._territories = {_code(r["territory"]): r for r in _rows(territories)}
        self._pairs = _rows(pairs)
        self._synergies = _rows(synergies)
        self._perception = {_code(r["territory"]): r for r in _rows(perception)}
        self._own: dict[str, list[dict]] = {}  # region -> its own synergy topics, read once

    def territory(self, region: str) -> dict | None:
        return self._territories.get(_code(region))

    def pairs_of(self, region: str, kind: str) -> list[dict]:
        region = _code(region)
        out = []
        for r in self._pairs:
            a, b = _code(r.get("territory_a")), _code(r.get("territory_b"))
            if str(r.get("kind")) == kind and region in (a, b) and _isnum(r.get("score")):
                out.append({"territory": b if a == region else a, "score": num(r["score"])})
        return sorted(out, key=lambda p: (p["score"], p["territory"]))

    def perception_of(self, region: str) -> dict | None:
        row = self._perception.get(_code(region))
        if row is None:
            return None
        status = row.get("perceived_status")
        if (status is not None and str(status) != "ok") or not _isnum(row.get("perceived")):
            return None  # the perceived side is an unpublished block score
        return row

    def synergies_of(self, region: str) -> list[dict]:
        """The synergy topics the territory shares with its own neighbours, judged on its own pairs
        (`alignment.own_synergies`, as its report's synergy table): `partners` its neighbours in the topic's
        pairs, `strength` the sum of its own pair scores (0-1 each), `mean` their mean (0-100); both None
        for results written before ``pair_scores`` (never the chain's figures). Strongest first."""
        got = self._own.get(region)
        if got is not None:
            return list(got)
        out = []
        for tp in own_topics(self._synergies, region):
            out.append(
                {
                    "axis": tp["axis"],
                    "code": tp["code"],
                    "title": tp["title"],
                    "partners": tp["partners"],
                    "strength": num(tp["strength"], 4),
                    "mean": num(tp["mean"]),
                }
            )
        self._own[region] = out
        return list(out)


#: How the engine orders a territory's recommendations, as the run record states it (reports word it
#: in their language from this exact text).
RANKING = "per territory: priority (1 first), then larger |gap| first (no gap last), then rule id"


def _perception(block_scores, territories, params) -> pd.DataFrame | None:
    from ..alignment.analysis import perception_vs_evidence
    from ..errors import InputError

    try:
        return perception_vs_evidence(
            block_scores,
            territories,
            block=params.get("perception_block", "b2"),
            threshold=params.get("perception_threshold", 25.0),
            scale=params.get("perception_scale", "rank"),
        )
    except (InputError, KeyError):
        return None


def _rows(df) -> list[dict]:
    return [] if df is None or not len(df) else df.to_dict("records")


def _code(x) -> str:
    return str(x).strip().upper()


# -- excerpts -----------------------------------------------------------------------------------


def _phone(m: re.Match) -> str:
    s = m.group(0)
    digits = sum(c.isdigit() for c in s)
    starts = s.lstrip("(").startswith(("+", "0"))
    return "[phone]" if digits >= 9 or (starts and digits >= 7) else s


def clean_excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """An open answer without e-mail addresses, links and phone numbers, cut to `limit` characters."""
    s = EMAIL.sub("[e-mail]", str(text))
    s = URL.sub("[link]", s)
    s = PHONE.sub(_phone, s)
    s = " ".join(s.split())
    if len(s) > limit:
        cut = s[: limit - 1]
        space = cut.rfind(" ")
        s = (cut[:space] if space > limit // 2 else cut).rstrip(" ,;:.-") + "…"
    return s


def _stable_seed(seed: int, *parts: str) -> int:
    h = hashlib.sha256("\x1f".join([str(seed), *parts]).encode("utf-8")).digest()
    return int.from_bytes(h[:8], "big")


def topic_block(rule) -> str:
    """The block a rule's open-answer count and quotes are about: its first block ("" when it has none)."""
    blocks = getattr(rule, "blocks", ()) or ()
    return str(blocks[0]) if blocks else ""


def select_excerpts(
    comments: _Comments, region: str, rule, k: int, max_excerpts: int, seed: int, block: str | None = None
) -> list[str]:
    """Up to `max_excerpts` cleaned answers to the rule's open questions, from items with >= k respondents,
    that mention the keywords of `block` (default: the rule's first block), and none unless at least k
    respondents of the territory raise that block in their open answers: a recommendation quotes only
    answers about its own subject, the ones its "n respondents raise ..." sentence counts."""
    block = topic_block(rule) if block is None else block
    if max_excerpts <= 0 or comments.raising(region, block) < k:
        return []
    pool: set[str] = set()
    for item in rule.open_items:
        pool |= {x for x in comments.usable((region, item), k) if mentions(unmark(x), block)}
    distinct = sorted(pool)
    if len(distinct) <= max_excerpts:
        return distinct  # the draw below would take them all
    rng = np.random.default_rng(_stable_seed(seed, region, rule.id))
    chosen = rng.choice(len(distinct), size=max_excerpts, replace=False)
    return [distinct[i] for i in sorted(chosen)]


class _Comments:
    """The open answers per (region, item): how many respondents gave one, and the texts.

    Each answer is cleaned once per call, however many rules quote its question.
    """

    def __init__(self, open_comments: pd.DataFrame | None):
        self._answers: dict[tuple[str, str], tuple[int, list[tuple[str, str]]]] = {}
        self._usable: dict[tuple[str, str, int], set[str]] = {}
        self._clean: dict[tuple[str, str], tuple[str, str]] = {}
        self._raising: dict[tuple[str, str], set[str]] = {}  # (region, block) -> who mentions the block
        if open_comments is None or not len(open_comments):
            return
        need = {"respondent_id", "region", "item", "text"}
        missing = need - set(open_comments.columns)
        if missing:
            from ..errors import InputError

            raise InputError(f"open comments lack the column(s) {', '.join(sorted(missing))}")
        oc = open_comments[open_comments["text"].notna()].copy()
        oc["text"] = oc["text"].astype(str)
        oc = oc[oc["text"].str.strip() != ""]
        if not len(oc):
            return
        # The respondent's recorded language when the comments carry one; else detected per answer.
        recorded = oc["language"].fillna("").astype(str) if "language" in oc.columns else ""
        oc["_answer"] = list(zip(oc["text"], oc.assign(_l=recorded)["_l"], strict=True))
        groups = oc.groupby(["region", "item"], sort=False)
        respondents = groups["respondent_id"].nunique()
        texts = groups["_answer"].agg(list)
        for (r, i), n, t in zip(respondents.index, respondents.tolist(), texts.tolist(), strict=True):
            self._answers[(str(r), str(i))] = (int(n), t)
        for rid, region, text in zip(oc["respondent_id"], oc["region"], oc["text"], strict=True):
            for block in BLOCK_KEYWORDS:
                if mentions(text, block):
                    self._raising.setdefault((str(region), block), set()).add(str(rid))

    def raising(self, region: str, block: str) -> int:
        """How many respondents of the territory mention the block's keywords in any of their open answers."""
        return len(self._raising.get((region, block), ()))

    def usable(self, key: tuple[str, str], k: int) -> set[str]:
        """The distinct cleaned answers that say something, when at least `k` respondents answered; else none.

        Each keeps its language, marked " (de)" at its end (`keywords.mark`), when it is known. An
        answer in a language fewer than `k` of the question's respondents wrote in is left out: its
        language alone (the mark, or the text itself) could point to the person who wrote it.
        """
        answers = self._answers.get(key)
        if answers is None or answers[0] < k:
            return set()
        got = self._usable.get((*key, k))
        if got is None:
            done = [self._cleaned(t, rec) for t, rec in answers[1]]
            per_language = Counter(language for _, language in done)  # every answer, non-answers too
            got = self._usable[(*key, k)] = {c for c, language in done if c and per_language[language] >= k}
        return got

    def _cleaned(self, text: str, recorded: str) -> tuple[str, str]:
        """The cleaned answer marked with its language ("" for a non-answer such as "No further
        comment"), and the language: the recorded one, else detected on the text without contact details."""
        got = self._clean.get((text, recorded))
        if got is None:
            language = language_of(clean_excerpt(text, len(text) + 1), recorded)
            marker = len(mark("", language))
            plain = clean_excerpt(text, EXCERPT_CHARS - marker)
            got = ("" if not plain or NON_ANSWER.match(plain) else mark(plain, language), language)
            self._clean[(text, recorded)] = got
        return got


# -- evidence -----------------------------------------------------------------------------------


def _groups_for(ctx: Context, rule, hit, region: str, block: str) -> list[str]:
    fired = hit.groups.get(block)
    if fired:
        return sorted(fired)
    return ctx.resolve_groups(region, rule.peer_group)


def _with_frontrunners(ctx: Context, region: str, block: str) -> list[int]:
    """Benchmark row positions of the territory's rows on a block that name frontrunners."""
    key = ("with_frontrunners", region, block)
    got = ctx.figures.get(key)
    if got is None:
        names = ctx.bench_table.column("frontrunners")
        got = ctx.figures[key] = [
            p for p in ctx.bench.positions((region, block)) if isinstance(names[p], str) and names[p].strip()
        ]
    return got


def _frontrunner_rows(ctx: Context, rule, hit, region: str) -> dict[str, dict]:
    """Per block of the rule: the frontrunners of the most specific candidate peer group (fewest members)."""
    out = {}
    for block in rule.blocks:
        candidates = _with_frontrunners(ctx, region, block)
        if not candidates:
            continue
        groups = set(_groups_for(ctx, rule, hit, region, block))
        rows = {ctx.bench_group[p]: p for p in candidates if ctx.bench_group[p] in groups}  # a group's last row
        if not rows:
            continue
        group = min(rows, key=lambda g: (ctx.group_size.get(g, math.inf), g))
        key = ("frontrunners", region, rows[group])
        entry = ctx.figures.get(key)
        if entry is None:
            t, p = ctx.bench_table, rows[group]
            codes = [c for c in t.column("frontrunners")[p].split() if c != region]
            entry = ctx.figures[key] = (
                {
                    "peer_group": group,
                    "frontrunner_level": rounded(t.floats("frontrunner_level")[p]),
                    "territories": sorted(codes),
                }
                if codes
                else {}
            )
        if entry:
            out[block] = entry
    return out


def _bench_figures(ctx: Context, block: str, pos: int) -> dict:
    """A benchmark row as the evidence shows it; several rules quote the same rows."""
    key = ("benchmarks", block, pos)
    got = ctx.figures.get(key)
    if got is None:
        t = ctx.bench_table
        figures: dict[str, Any] = {"block": block, "peer_group": ctx.bench_group[pos]}
        for name in BENCH_FIGURES:
            f = t.floats(name)[pos]
            figures[name] = None if f != f else round(f, 2)  # `num`: floats are NaN for what is not a number
        figures["indistinguishable"] = t.flags("indistinguishable")[pos]
        got = ctx.figures[key] = figures
    return got


def _evidence(ctx: Context, rule, hit, region: str, frontrunners: dict) -> dict:
    ev: dict = {"triggered_by": hit.figures}
    if frontrunners:
        ev["frontrunners"] = frontrunners
    for entry in rule.evidence:
        kind, _, item = entry.partition(":")
        if kind == "block_scores":
            ev["block_scores"] = [
                {"block": b, **ctx.block_figures(region, b)} for b in rule.blocks if ctx.block_ok(region, b) is not None
            ]
        elif kind == "benchmarks":
            rows: list[dict] = []
            for b in rule.blocks:
                wanted = set(_groups_for(ctx, rule, hit, region, b))
                rows.extend(
                    _bench_figures(ctx, b, p) for p in ctx.bench_scored(region, b) if ctx.bench_group[p] in wanted
                )
            ev["benchmarks"] = rows
        elif kind == "item_distribution":
            dist = ctx.dist_ok(region, item)
            if dist is not None:
                ev.setdefault("item_distribution", {})[item] = {
                    "n": dist["n"],
                    "shares": {c: num(s, 4) for c, s in dist["shares"].items()},
                }
        elif kind == "group_breakdown":
            rows = []
            for b in rule.blocks:
                if ctx.block_ok(region, b) is None:
                    continue
                for r in ctx.groups_published(region, b):
                    rows.append(
                        {
                            "block": b,
                            "stakeholder_group": str(r["stakeholder_group"]),
                            "score": num(r["score"]),
                            "n": _int(r.get("n")),
                        }
                    )
            ev["group_breakdown"] = rows
        elif kind == "alignment" and ctx.alignment is not None:
            al = ctx.alignment
            row = al.territory(region) or {}
            out = {
                "vertical": num(row.get("vertical")),
                "neighbours_mean": num(row.get("neighbours_mean")),
                "neighbours_min": num(row.get("neighbours_min")),
                "vertical_pairs": al.pairs_of(region, "vertical"),
                "neighbour_pairs": al.pairs_of(region, "neighbour"),
                **national_figures(row),
            }
            per = al.perception_of(region)
            if per is not None:
                out["perception"] = perception_figures(per)
            ev["alignment"] = out
        elif kind == "synergies" and ctx.alignment is not None:
            ev["synergies"] = ctx.alignment.synergies_of(region)[:5]
    return ev


# -- the engine ---------------------------------------------------------------------------------


def _regions(result) -> list[str]:
    found = set()
    for df in (result.block_scores, result.item_scores):
        if df is not None and len(df):
            found |= set(df["region"].astype(str))
    return sorted(found)


def _skipped(rules: RuleSet, instrument) -> dict[str, str]:
    """Rules naming items or blocks the result's instrument lacks (e.g. built-in rules on another questionnaire)."""
    if instrument is None:
        return {}
    blocks = {b.name for b in instrument.blocks}
    out = {}
    for r in rules:
        missing = sorted(i for i in r.referenced_items() if not instrument.has_item(i))
        missing += sorted(r.referenced_blocks() - blocks)
        if missing:
            out[r.id] = "the instrument lacks " + ", ".join(missing)
    return out


def recommend(
    result,
    *,
    alignment=None,
    open_comments: pd.DataFrame | None = None,
    rules=None,
    min_respondents: int | None = None,
    max_excerpts: int = 3,
    seed: int = 0,
) -> pd.DataFrame:
    """Every territory's fired recommendations, ranked; see the module notes.

    `result`: a StressTestResult. `alignment`: an AlignmentResult (or a dict of its tables) for
    the alignment, perception and synergy triggers; without it those rules stay quiet and are
    listed in the record. `open_comments`: `Campaign.open_comments(instrument)`. `rules`: a
    RuleSet (`load_rules`), a rules file path or None for the built-in rules.
    `min_respondents` defaults to the run's anonymity threshold.

    The returned DataFrame's `attrs["record"]` holds the rules record and the parameters.
    """
    rs = as_ruleset(rules)
    if min_respondents is None:
        min_respondents = ((result.record or {}).get("parameters") or {}).get(
            "min_respondents", DEFAULT_MIN_RESPONDENTS
        )
    min_respondents = int(min_respondents)
    if min_respondents < 1:
        from ..errors import InputError

        raise InputError(f"min_respondents must be at least 1, not {min_respondents}")
    view = AlignmentView(alignment, result.block_scores) if alignment is not None else None
    ctx = Context(result, view, min_respondents)
    comments = _Comments(open_comments)
    skipped = _skipped(rs, getattr(result, "instrument", None))
    active = [r for r in rs if r.id not in skipped]
    not_evaluated = [r.id for r in active if view is None and r.trigger.alignment_needed()]
    regions = _regions(result)
    rows = []
    for region in regions:
        for rule in active:
            hit = rule.trigger.evaluate(ctx, region)
            if hit is None:
                continue
            front = _frontrunner_rows(ctx, rule, hit, region)
            rows.append(
                {
                    "region": region,
                    "rule_id": rule.id,
                    "title": rule.title,
                    "priority": rule.priority,
                    "blocks": " ".join(rule.blocks),
                    "topics": " ".join(rule.topics),
                    "recommendation": rule.recommendation,
                    "rationale": rule.rationale,
                    "gap": float(num(hit.gap, 4)) if _isnum(hit.gap) else np.nan,
                    "evidence": json.dumps(_evidence(ctx, rule, hit, region, front), ensure_ascii=False),
                    "frontrunners": " ".join(sorted({c for f in front.values() for c in f["territories"]})),
                    "excerpts": json.dumps(
                        select_excerpts(comments, region, rule, min_respondents, max_excerpts, seed), ensure_ascii=False
                    ),
                }
            )
    out = pd.DataFrame(rows, columns=[c for c in COLUMNS if c != "rank"])
    if len(out):
        out["_abs"] = out["gap"].abs().fillna(-1.0)
        out = out.sort_values(
            ["region", "priority", "_abs", "rule_id"], ascending=[True, True, False, True], kind="stable"
        ).drop(columns="_abs")
        out["rank"] = out.groupby("region").cumcount() + 1
    else:
        out["rank"] = pd.Series(dtype="int64")
    out = out[COLUMNS].reset_index(drop=True)
    out["priority"] = out["priority"].astype("int64")
    out["rank"] = out["rank"].astype("int64")
    out["gap"] = out["gap"].astype(float)
    out.attrs["record"] = {
        "rules": rules_record(rs),
        "parameters": {
            "min_respondents": min_respondents,
            "max_excerpts": max_excerpts,
            "seed": seed,
            "excerpt_chars": EXCERPT_CHARS,
        },
        "territories": regions,
        "alignment": view is not None,
        "open_comments": open_comments is not None,
        "not_evaluated": dict.fromkeys(not_evaluated, "needs alignment results"),
        "skipped": skipped,
        "ranking": RANKING,
    }
    return out


def recommendation_overview(recs: pd.DataFrame, rules=None) -> pd.DataFrame:
    """Rule x number of territories where it fired (also when merged into another row, evidence
    `merged`), for a synthesis report.

    With `rules` (a RuleSet or list of rules), rules that fired nowhere are listed with 0.
    `share_territories` needs the territory list of `recs.attrs["record"]` (else NaN).
    """
    record = recs.attrs.get("record") or {}
    n_total = len(record.get("territories") or [])
    meta: dict[str, dict] = {}
    if rules is not None:
        for r in as_ruleset(rules):
            meta[r.id] = {
                "title": r.title,
                "priority": r.priority,
                "blocks": " ".join(r.blocks),
                "topics": " ".join(r.topics),
            }
    rows = []
    for rid, g in recs.groupby("rule_id", sort=False):
        first = g.iloc[0]
        meta.setdefault(
            str(rid),
            {
                "title": first["title"],
                "priority": int(first["priority"]),
                "blocks": first["blocks"],
                "topics": first["topics"],
            },
        )
    fired_in: dict[str, set[str]] = {}  # a rule merged into another row of the territory fired there too
    for row in recs.to_dict("records") if len(recs) else []:
        fired_in.setdefault(str(row["rule_id"]), set()).add(str(row["region"]))
        try:
            merged = json.loads(row.get("evidence") or "{}").get("merged") or []
        except (ValueError, AttributeError):
            merged = []
        for e in merged:
            if isinstance(e, dict) and e.get("rule_id"):
                fired_in.setdefault(str(e["rule_id"]), set()).add(str(row["region"]))
                meta.setdefault(
                    str(e["rule_id"]),
                    {"title": e.get("title", ""), "priority": int(e.get("priority") or 0), "blocks": "", "topics": ""},
                )
    for rid, m in meta.items():
        fired = sorted(fired_in.get(rid, set()))
        rows.append(
            {
                "rule_id": rid,
                **m,
                "n_territories": len(fired),
                "share_territories": len(fired) / n_total if n_total else math.nan,
                "territories": " ".join(fired),
            }
        )
    out = pd.DataFrame(rows, columns=OVERVIEW_COLUMNS)
    if len(out):
        out = out.sort_values(
            ["priority", "n_territories", "rule_id"], ascending=[True, False, True], kind="stable"
        ).reset_index(drop=True)
    return out
