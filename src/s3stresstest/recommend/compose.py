"""Second-generation recommendations: item-level triggers, whom to learn from, one priority score, texts.

    recs = compose(recommend(result, ...), result, rules=..., structural_peers=..., names=...)

The rule engine (`engine.recommend`) fires the rules of the rules file. This step adds what a
territory needs beyond them and turns every row into a deliverable:

Item-level triggers (rule ids ``item-below-peers`` and ``item-weakest``):
  - weak against peers: a published question score whose interval lies wholly below the mean of
    the published scores of the territory's most specific peer group (at least 3 others); one row
    per block, naming its questions from the one furthest behind, or joined to the block's own
    below-peers row when that fired;
  - weak within the territory's own profile: its ``WEAKEST`` lowest published questions, even when
    they are above its peers (a stretch target, for frontrunners, when the interval lies wholly
    above the peer mean).
  A question already behind a fired rule of the rules file is not repeated.

Learn from: only territories with a published figure clearly higher on every question (the first
``COMPARED_ITEMS`` of a row; else its block or measured alignment) that fired the row: their
interval lies wholly above the territory's, or, without intervals, they are at least ``MARGIN``
points higher. Structural peers come first, then
neighbours, then the others by figure; at most ``LEARN_FROM`` of them; none when none qualifies.

Priority score, points on 0-100 (one unit for every row)::

    priority = round(100 * weight * certainty * (0.4 + 0.6 * min(|gap|, 40) / 40))

``gap`` is the row's gap in points (0.5 of the range when the trigger has none); ``weight`` is the
rule's weight (rules-file priority 1: 1.0, 2: 0.8, 3: 0.6; weak against peers 0.8; weakest in the
own profile 0.6, a stretch target 0.5); ``certainty`` is 1.0 when the figure's interval excludes
what it was compared with, 0.8 without an interval, 0.65 when the interval includes it, times
0.85 when fewer than 15 respondents stand behind the figure. Rows are ranked by this score (then
larger gap, then rule id); the first ``WRITTEN`` of a territory are written out, the rest listed.

One recommendation per subject: rows of a territory about the same question (``item:<id>``), the
same alignment axis (national or neighbours: low measured alignment, a perception flag on the
lower axis, the questions in ``ALIGNMENT_ITEMS``) or shared synergy topics are merged into the one
ranked first; it keeps its score and carries the others' figures (evidence ``merged``) and advice.

Texts: each action names the territory, the question by its text, the figure with interval and n
and what it was compared with, the rule's advice, and whom to learn from, composed from phrase
variants chosen by a stable hash of territory and rule, so no two territories share a paragraph,
and the territory's context where it bears on the row (`Composer.context`: the themes respondents
raise in open answers, its S3 priority areas by name).
Figures come only from published scores (status ok, at least k respondents).

Languages: every row is composed in each of `i18n.LANGUAGES` from the same figures and the same
variant index (`variant`): the sentences are messages of the `recommend` catalogue, the rules' texts
come from their `translations` (`Rule.text`, English where a user's rule lacks a language, listed
in the record under `untranslated`). The column `texts` holds, per language, the row's title, action
and rationale; the English ones equal the columns `title`, `recommendation` and `rationale`.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from ..i18n import LANGUAGES, Translator, translator
from ..instrument.scope import applicable
from .engine import _Comments, select_excerpts
from .rules import Rule, RuleSet, as_ruleset

WRITTEN = 7
MIN_WRITTEN = 3
WEAKEST = 3
MARGIN = 10.0
LEARN_FROM = 3
COMPARED_ITEMS = 2  # learn-from compares the first (main) questions of a row
MIN_PEERS = 3
COMMON_WEAKNESS = 0.5  # a weak point of more than half the territories is said to be common to them
RULE_WEIGHT = {1: 1.0, 2: 0.8, 3: 0.6}
ITEM_BELOW_PEERS, ITEM_WEAKEST = "item-below-peers", "item-weakest"
WEIGHT_BELOW_PEERS, WEIGHT_WEAKEST, WEIGHT_STRETCH = 0.8, 0.6, 0.5
FEW_RESPONDENTS = 15
STRIP = " ?.:\u00a0\u202f"  # trailing punctuation of a question or option label quoted in a sentence

Figure = tuple[float, float, float, int]  # score, ci_low, ci_high, n (NaN where unknown)


def priority_score(gap: float, weight: float, certainty: float) -> int:
    """The documented priority score (module notes), points on 0-100."""
    m = 0.5 if gap != gap else min(abs(gap), 40.0) / 40.0
    return round(100 * weight * certainty * (0.4 + 0.6 * m))


def _f(x: Any) -> float:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return math.nan
    return v if math.isfinite(v) else math.nan


def _published(df: pd.DataFrame | None, key: str, k: int) -> dict[tuple[str, str], Figure]:
    out: dict[tuple[str, str], Figure] = {}
    if df is None or not len(df):
        return out
    for r in df.to_dict("records"):
        score, n = _f(r.get("score")), _f(r.get("n"))
        if str(r.get("status")) != "ok" or score != score or (n == n and n < k):
            continue
        out[(str(r["region"]), str(r[key]))] = (
            score,
            _f(r.get("ci_low")),
            _f(r.get("ci_high")),
            int(n) if n == n else 0,
        )
    return out


def N_(message: str) -> str:
    """Marks a text for the catalogue; it is translated where it is used (`Translator._`)."""
    return message


def variant(count: int, *parts: str) -> int:
    """The index of the phrase variant for a territory and rule: a stable hash, the same in every
    language (each language's variants are translations of the English ones, in the same order)."""
    h = hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest()
    return h[0] % count


def _pick(t: Translator, options: tuple[str, ...], parts: tuple[str, ...], **values: Any) -> str:
    """The chosen variant (English message ids in `options`) in the translator's language, filled in."""
    return t._(options[variant(len(options), *parts)], **values)


def _shown_gap(level: float, score: float, gap: float) -> float:
    """The gap as the difference of the whole numbers printed beside it (`formatting.printed_gap`);
    the computed gap when a figure is missing."""
    from ..formatting import printed_gap

    shown = printed_gap(level, score)
    return shown if shown == shown else abs(gap)


def _n(v: float, t: Translator | None = None, digits: int = 0) -> str:
    return (t or translator("en")).number(v, digits)


def _g(v: float, t: Translator) -> str:
    """A figure with the decimals it has (at most two): 0.5 -> '0,5' in German."""
    if v != v:
        return t.number(v)
    for digits in (0, 1):
        if round(v, digits) == round(v, 2):
            return t.number(v, digits)
    return t.number(v, 2)


def _fig_text(f: Figure, t: Translator | None = None, digits: int = 0) -> str:
    t = t or translator("en")
    score = _n(f[0], t, digits)
    low, high = _n(f[1], t, digits), _n(f[2], t, digits)
    interval = f[1] == f[1] and f[2] == f[2]
    if interval and f[3]:
        return t._("{score} (interval {low}–{high}, n = {n})", score=score, low=low, high=high, n=f[3])
    if interval:
        return t._("{score} (interval {low}–{high})", score=score, low=low, high=high)
    if f[3]:
        return t._("{score} (n = {n})", score=score, n=f[3])
    return score


def _and(parts: list[str], t: Translator) -> str:
    """'a, b and c' by the language's list pattern (`Translator.join`)."""
    return t.join(parts)


def _or(parts: list[str], t: Translator) -> str:
    return t.join(parts, "or")


def _semicolon(t: Translator) -> str:
    # TRANSLATORS: separates listed questions with their figures; French puts a no-break space before it.
    return t.pgettext("separator", "; ")


def _quote(text: str, t: Translator) -> str:
    # TRANSLATORS: quotation marks around a question, block or peer-group name; use your language's marks.
    return t.pgettext("quotation", "\u2018{text}\u2019", text=text)


#: How composed recommendations are ordered, as the run record states it (reports word it in their
#: language from this exact text).
RANKING = "per territory: priority score (0-100) first, then larger |gap|, then rule id"


def _peer_name(group: object, t: Translator) -> str:
    """A peer group as the report's tables name it ('european' -> 'European reference set'), in t's language."""
    from ..report.common import peer_label  # the report package imports this module

    return peer_label(str(group), language=t.language)


def _topic_name(topic: Mapping, t: Translator) -> str:
    """A synergy topic's title in t's language when it or a topic merged into it has a built-in EU list's
    title (`report.topic_names`)."""
    from ..report.topic_names import topic_title  # the report package imports this module

    return topic_title(topic, t.language)


ITEM_TITLES = {
    "below": N_("Behind peers: {question}"),
    "stretch": N_("Stretch target: {question}"),
    "weakest": N_("Weak point of the profile: {question}"),
}
ITEM_RATIONALES = {
    "below": N_(
        "The question's interval lies wholly below the mean of the published scores of the territory's peer "
        "group, so the difference is unlikely to come from sampling alone."
    ),
    "stretch": N_(
        "Among the territory's own published questions this is one of the weakest, although it is not behind "
        "its peers: a stretch target where the territory already does comparatively well."
    ),
    "weakest": N_(
        "Among the territory's own published questions this is one of the weakest, well below its average over "
        "all questions."
    ),
    # the interval reaches (or lies above) the territory's average: weak by rank, not clearly below that average
    "weakest_near": N_(
        "Among the territory's own published questions this is one of the weakest, although not clearly below its "
        "average over all questions."
    ),
}
WEAKEST_OPENERS = (
    N_("{who} scores {fig} on {what}, one of its weakest questions (its own average: {own})."),
    N_(
        "Of all questions asked in {who}, {what} is among the lowest at {fig}, against an average of {own} "
        "over its questions."
    ),
    N_("A weak point of the profile of {who} is {what}: {fig}, while its questions average {own}."),
)
BELOW_PEERS_OPENERS = (
    N_("{who} scores {fig} on {what}, below the mean of its peer group {group} ({mean}), beyond the interval."),
    N_("On {what}, {who} reaches {fig}; the peers of {group} average {mean}, above its whole interval."),
    N_("With {fig} on {what}, {who} is clearly behind the mean of its {group} peers ({mean})."),
)
SHARE_OPENERS = (
    N_("In {who}, {pct} of {n} respondents answered {choices} to {what}."),
    N_("{pct} of {n} respondents in {who} answer {choices} when asked {what}."),
)
SHARE_OPENERS_NO_N = (
    N_("In {who}, {pct} of respondents answered {choices} to {what}."),
    N_("{pct} of respondents in {who} answer {choices} when asked {what}."),
)
BELOW_OPENERS = (
    N_("{who} scores {fig} on {what}, below {bound} on the 0–100 scale."),
    N_("On {what}, {who} reaches only {fig} of 100."),
)
# what respondents speak about when their open answers match a block's keywords (`keywords.BLOCK_KEYWORDS`)
THEMES = {
    "b1": N_("the involvement of clusters in the design of the S3"),
    "b2": N_("the alignment with national and neighbouring strategies"),
    "b3": N_("support schemes and funding"),
    "b4": N_("monitoring and evaluation"),
    "b5": N_("the impact on cluster members"),
    "b6": N_("the cluster portfolio and cooperation among clusters"),
}
LEARN_QUESTION = (
    N_("Learn from {names}, with clearly higher figures on the same question."),
    N_("Clearly higher figures on the same question come from {names}: ask how they do it."),
    N_("Peer learning: look at {names}, clearly ahead on this question."),
)
LEARN_MEASURE = (
    N_("Learn from {names}, with clearly higher figures on the same measure."),
    N_("Clearly higher figures on the same measure come from {names}: ask how they do it."),
    N_("Peer learning: look at {names}, clearly ahead on this measure."),
)


def versus(low: float, high: float, reference: float) -> str | None:
    """Where a figure's interval stands against a reference (a peer mean, a frontrunner level): 'below'
    only when the whole interval lies under it, 'above' only when it lies over it, else 'in line' (the
    difference may be sampling alone); None without an interval or a reference, so nothing is claimed."""
    if not all(v == v for v in (low, high, reference)):
        return None
    return "below" if high < reference else "above" if low > reference else "in line"


def apart_digits(low: float, high: float, reference: float) -> int:
    """Decimals to print an interval and a reference with (0, else 1, else 2) so that the printed numbers
    stand as the exact ones do (`versus`): an interval up to 64.6 below a mean of 65.4 is not printed
    '48–65' against '65'."""
    side = versus(low, high, reference)
    if side is None:
        return 0
    for digits in (0, 1):
        if versus(round(low, digits), round(high, digits), round(reference, digits)) == side:
            return digits
    return 2


def clearly_higher(other: Figure, own: Figure) -> bool:
    """Beyond the intervals when both have one, else by at least MARGIN points."""
    if all(v == v for v in (other[1], own[2])):
        return other[1] > own[2]
    return other[0] >= own[0] + MARGIN


class Composer:
    """The run's published figures, peers, neighbours and labels, read once for every row."""

    def __init__(
        self,
        result: Any,
        rules: RuleSet,
        *,
        alignment: Mapping[str, pd.DataFrame] | None = None,
        structural_peers: pd.DataFrame | None = None,
        names: Mapping[str, str] | None = None,
        peer_groups: Mapping[str, list[str]] | None = None,
        min_respondents: int = 3,
        open_comments: pd.DataFrame | None = None,
        max_excerpts: int = 3,
    ):
        self.k = int(min_respondents)
        self.items = _published(applicable(result.item_scores), "item", self.k)  # see instrument.scope
        self.blocks = _published(result.block_scores, "block", self.k)
        self.instrument = getattr(result, "instrument", None)
        self.names = dict(names or {})
        self.rules = rules
        self.item_block: dict[str, str] = {}
        if result.item_scores is not None and len(result.item_scores):
            for it, b in zip(result.item_scores["item"], result.item_scores["block"], strict=True):
                self.item_block[str(it)] = str(b)
        self.regions = sorted({r for r, _ in self.items} | {r for r, _ in self.blocks})
        groups = peer_groups if peer_groups is not None else (result.record or {}).get("peer_groups") or {}
        self.groups = {str(g): [str(m) for m in ms] for g, ms in groups.items()}
        self.peers: dict[str, list[str]] = {}
        if structural_peers is not None and len(structural_peers):
            for r in structural_peers.sort_values(["region", "rank"]).to_dict("records"):
                self.peers.setdefault(str(r["region"]), []).append(str(r["peer"]))
        self.neighbours: dict[str, list[str]] = {}
        self.measured: dict[str, dict[str, float]] = {}
        self.n_priorities: dict[str, float] = {}
        al = alignment or {}
        pairs = al.get("alignment_pairs")
        if pairs is not None and len(pairs):
            for r in pairs.to_dict("records"):
                if str(r.get("kind")) == "neighbour":
                    a, b = str(r["territory_a"]), str(r["territory_b"])
                    self.neighbours.setdefault(a, []).append(b)
                    self.neighbours.setdefault(b, []).append(a)
        terr = al.get("alignment_territories")
        if terr is not None and len(terr):
            for r in terr.to_dict("records"):
                self.n_priorities[str(r["territory"])] = _f(r.get("n_priorities"))
                self.measured[str(r["territory"])] = {
                    "vertical": _f(r.get("vertical")),
                    "neighbours_mean": _f(r.get("neighbours_mean")),
                    "neighbours_min": _f(r.get("neighbours_min")),
                }
        self.advice_by_item: dict[str, Rule] = {}
        self.advice_by_block: dict[str, Rule] = {}
        self.rule_by_block: dict[str, Any] = {}  # whose open questions give an item row its excerpts
        self.comments = _Comments(open_comments)
        self.max_excerpts = max_excerpts
        self.priorities: dict[str, list[str]] = {}
        matches = al.get("priority_matches")
        if matches is not None and len(matches):
            found: dict[str, dict[str, str]] = {}
            for r in matches.to_dict("records"):
                for side in ("a", "b"):
                    # the title as the strategy writes it; the English working title only where none is given
                    code, title = r.get(f"priority_{side}"), r.get(f"title_original_{side}")
                    if not (isinstance(title, str) and title.strip()):
                        title = r.get(f"title_{side}")
                    if isinstance(title, str) and title.strip():
                        found.setdefault(str(r[f"territory_{side}"]), {}).setdefault(str(code), title.strip())
            self.priorities = {
                terr: list(dict.fromkeys(titles[c] for c in sorted(titles))) for terr, titles in found.items()
            }
        for rule in rules:
            for it in sorted(rule.trigger.items()):
                self.advice_by_item.setdefault(it, rule)
            if rule.id.endswith("-below-peers") and rule.blocks:
                self.advice_by_block.setdefault(rule.blocks[0], rule)
                self.rule_by_block.setdefault(rule.blocks[0], rule)

    # labels
    def name(self, code: str) -> str:
        return self.names.get(code) or code

    def question(self, item: str, t: Translator | None = None) -> str:
        """The question's text in the translator's language, quoted."""
        t = t or translator("en")
        if self.instrument is not None and self.instrument.has_item(item):
            return _quote(self.instrument.item_label(item, t.language).rstrip(STRIP), t)
        return item

    def choice_text(self, item: str, choice: str, t: Translator) -> str:
        """An answer option as the questionnaire words it in the translator's language, quoted."""
        label = choice.replace("_", " ")
        if self.instrument is not None and self.instrument.has_item(item):
            options = self.instrument.choices_of(self.instrument.item(item))
            found = options.get(choice) if options is not None else None
            if found is not None and found.labels:
                from ..instrument.model import pick_label

                label = pick_label(found.labels, t.language).rstrip(STRIP)
        return _quote(label, t)

    def block_text(self, block: str, t: Translator | None = None) -> str:
        t = t or translator("en")
        if self.instrument is not None and any(b.name == block for b in self.instrument.blocks):
            return _quote(self.instrument.block_label(block, t.language).rstrip(STRIP), t)
        return block

    # peers
    def peer_group(self, region: str) -> tuple[str, list[str]]:
        """The territory's most specific peer group (fewest members), else every territory."""
        own = [(len(ms), g) for g, ms in self.groups.items() if region in ms]
        if own:
            g = min(own)[1]
            return g, [m for m in self.groups[g] if m != region]
        return "all", [r for r in self.regions if r != region]

    def figure(self, region: str, unit: tuple[str, str]) -> Figure | None:
        kind, code = unit
        if kind == "item":
            return self.items.get((region, code))
        if kind == "block":
            return self.blocks.get((region, code))
        v = self.measured.get(region, {}).get(code, math.nan)
        return None if v != v else (v, math.nan, math.nan, 0)

    def learn_from(self, region: str, units: list[tuple[str, str]]) -> list[dict]:
        """Territories clearly higher on every unit, structural peers and neighbours first."""
        own = {u: self.figure(region, u) for u in units}
        if not units or any(v is None for v in own.values()):
            return []
        structural = self.peers.get(region, [])
        neighbours = self.neighbours.get(region, [])
        found = []
        for other in self.regions:
            if other == region:
                continue
            figs = {u: self.figure(other, u) for u in units}
            if any(f is None or not clearly_higher(f, own[u]) for u, f in figs.items()):  # type: ignore[arg-type]
                continue
            relation = "structural peer" if other in structural else "neighbour" if other in neighbours else ""
            mean = sum(f[0] for f in figs.values() if f is not None) / len(figs)
            found.append((relation, other, mean, figs))
        order = {"structural peer": 0, "neighbour": 1, "": 2}
        found.sort(key=lambda t: (order[t[0]], -t[2], t[1]))
        return [
            {
                "territory": other,
                "relation": relation,
                "figures": [
                    {
                        unit[0]: unit[1],
                        "score": round(f[0], 2),
                        "ci_low": None if f[1] != f[1] else round(f[1], 2),
                        "ci_high": None if f[2] != f[2] else round(f[2], 2),
                        "n": f[3] or None,
                    }
                    for unit, f in figs.items()
                    if f is not None
                ],
            }
            for relation, other, _, figs in found[:LEARN_FROM]
        ]

    # item-level triggers
    def item_rows(self, region: str, covered: set[str]) -> list[dict]:
        mine = {it: f for (r, it), f in self.items.items() if r == region}
        if not mine:
            return []
        group, members = self.peer_group(region)
        rows: list[dict] = []
        means: dict[str, float] = {}
        for it in mine:
            others = [self.items[(m, it)][0] for m in members if (m, it) in self.items]
            if len(others) >= MIN_PEERS:
                means[it] = sum(others) / len(others)
        behind: dict[str, list[tuple[float, str, Figure, float]]] = {}
        for it, f in sorted(mine.items()):
            mean = means.get(it, math.nan)
            if it in covered or mean != mean or not (f[2] == f[2] and f[2] < mean):
                continue
            covered.add(it)
            behind.setdefault(self.item_block.get(it, ""), []).append((f[0] - mean, it, f, mean))
        for block, found in sorted(behind.items()):
            found.sort()
            parts = [
                self._item_row(region, ITEM_BELOW_PEERS, it, f, group, mean, gap, WEIGHT_BELOW_PEERS)
                for gap, it, f, mean in found
            ]
            row = parts[0]  # the question furthest behind gives the advice; one row per block
            if len(parts) > 1:
                figures = [json.loads(p["evidence"])["triggered_by"][0] for p in parts]
                row["evidence"] = json.dumps({"triggered_by": figures}, ensure_ascii=False)
                row["_item_text"] = ("many", block, len(parts))
                row["title"] = self.item_title(row["_item_text"], translator("en"))
            rows.append(row)
        own_mean = sum(f[0] for f in mine.values()) / len(mine)
        weakest = [t for t in sorted(mine.items(), key=lambda t: (t[1][0], t[0])) if t[0] not in covered][:WEAKEST]
        for it, f in weakest:
            covered.add(it)
            mean = means.get(it, math.nan)
            stretch = mean == mean and f[1] == f[1] and f[1] > mean  # clearly above its peers
            rows.append(
                self._item_row(
                    region,
                    ITEM_WEAKEST,
                    it,
                    f,
                    group,
                    mean,
                    f[0] - own_mean,
                    WEIGHT_STRETCH if stretch else WEIGHT_WEAKEST,
                    own_mean=own_mean,
                    stretch=stretch,
                )
            )
        return rows

    def _item_row(self, region, rule_id, it, f, group, mean, gap, weight, own_mean=None, stretch=False) -> dict:
        block = self.item_block.get(it, "")
        fig: dict[str, Any] = {
            "trigger": "item_below_peers" if rule_id == ITEM_BELOW_PEERS else "item_weakest",
            "item": it,
            "block": block or None,
            "score": round(f[0], 2),
            "ci_low": None if f[1] != f[1] else round(f[1], 2),
            "ci_high": None if f[2] != f[2] else round(f[2], 2),
            "n": f[3] or None,
            "peer_group": group,
            "peer_mean": None if mean != mean else round(mean, 2),
        }
        if own_mean is not None:
            fig["own_mean"] = round(own_mean, 2)
            fig["stretch"] = bool(stretch)
        kind = "below" if rule_id == ITEM_BELOW_PEERS else "stretch" if stretch else "weakest"
        why = kind  # "well below its average" only when the interval lies wholly below that average
        if kind == "weakest" and own_mean is not None and versus(f[1], f[2], own_mean) in ("in line", "above"):
            why = "weakest_near"
        en = translator("en")
        advice = self.advice_by_item.get(it) or self.advice_by_block.get(block)
        return {
            "region": region,
            "rule_id": rule_id,
            "title": self.item_title((kind, it, 1), en),
            "priority": 0,
            "_weight": weight,
            "_item_text": (kind, it, 1),
            "_why": why,
            "_advice_rule": advice,
            "blocks": block,
            "topics": "",
            "recommendation": advice.recommendation if advice is not None else "",
            "rationale": en._(ITEM_RATIONALES[why]),
            "gap": round(gap, 4),
            "evidence": json.dumps({"triggered_by": [fig]}, ensure_ascii=False),
            "frontrunners": "",
            "excerpts": json.dumps(self.excerpts(region, block), ensure_ascii=False),
        }

    def behind_text(self, behind: list[dict], t: Translator) -> str:
        """The questions furthest behind peers that a block's below-peers row starts with."""
        listed = _semicolon(t).join(self._question_against(x, t) for x in behind[:2])
        group = _quote(_peer_name(behind[0].get("peer_group"), t), t)  # each question's peers, named
        if len(behind) > 2:
            return t.ngettext(
                "Start with the questions furthest behind the mean of its {group} peers: {listed}, and {n} more.",
                "Start with the questions furthest behind the mean of its {group} peers: {listed}, and {n} more.",
                len(behind) - 2,
                listed=listed,
                group=group,
            )
        return t._(
            "Start with the questions furthest behind the mean of its {group} peers: {listed}.",
            listed=listed,
            group=group,
        )

    def item_title(self, spec: tuple[str, str, int], t: Translator) -> str:
        """The title of an item-level row: (kind, item or block, number of questions)."""
        kind, code, count = spec
        if kind == "many":
            return t.ngettext(
                "Behind peers on {n} question of {block}",
                "Behind peers on {n} questions of {block}",
                count,
                block=self.block_text(code, t),
            )
        return t._(ITEM_TITLES[kind], question=self.question(code, t))

    def row_texts(self, row: Mapping, t: Translator) -> tuple[str, str, str]:
        """(title, the rule's advice, rationale) of a row in the translator's language: the rule's own texts
        (`Rule.text`), for an item-level row its titles and rationales and the advice of the rule it borrows."""
        spec = row.get("_item_text")
        if spec is not None:
            rule = row.get("_advice_rule")
            advice = rule.text("recommendation", t.language) if rule is not None else ""
            kind = spec[0] if spec[0] != "many" else "below"
            return self.item_title(spec, t), advice, t._(ITEM_RATIONALES[row.get("_why") or kind])
        try:
            rule = self.rules[str(row["rule_id"])]
        except KeyError:
            return str(row["title"]), str(row["recommendation"]), str(row["rationale"])
        return (
            rule.text("title", t.language),
            rule.text("recommendation", t.language),
            rule.text("rationale", t.language),
        )

    def excerpts(self, region: str, block: str) -> list[str]:
        """Open answers for an item row: those of the block's below-peers rule's questions that mention the
        block (`engine.select_excerpts`), with the engine's anonymity (only questions answered by at least k
        respondents, only when k respondents raise the block, cleaned, no respondent shown)."""
        rule = self.rule_by_block.get(block)
        if rule is None:
            return []
        return select_excerpts(self.comments, region, rule, self.k, self.max_excerpts, 0, block)

    # units, certainty and text of any row
    def units(self, region: str, figures: list[dict]) -> list[tuple[str, str]]:
        items = [("item", str(f["item"])) for f in figures if f.get("item") and (region, str(f["item"])) in self.items]
        if items:
            return list(dict.fromkeys(items))[:COMPARED_ITEMS]
        blocks = [
            ("block", str(f["block"]))
            for f in figures
            if f.get("block") and f.get("trigger") != "insufficient_data" and (region, str(f["block"])) in self.blocks
        ]
        if blocks:
            return list(dict.fromkeys(blocks))
        stats = [("measured", str(f["statistic"])) for f in figures if f.get("trigger") == "alignment_below"]
        return list(dict.fromkeys(stats))

    @staticmethod
    def certainty(figures: list[dict]) -> float:
        if not figures:
            return 0.8
        f = figures[0]
        lo, hi = _f(f.get("ci_low")), _f(f.get("ci_high"))
        ref = next(
            (_f(f.get(k)) for k in ("own_mean", "peer_mean", "threshold", "frontrunner_level") if f.get(k) is not None),
            math.nan,
        )
        if f.get("interval_excludes_mean") is True:
            c = 1.0
        elif lo == lo and hi == hi and ref == ref:
            c = 1.0 if not lo <= ref <= hi else 0.65
        else:
            c = 0.8
        n = _f(f.get("n"))
        return c * (0.85 if n == n and n < FEW_RESPONDENTS else 1.0)

    @classmethod
    def _against(cls, f: Mapping, t: Translator) -> tuple[str, str]:
        """(figure, peer mean) as printed, with a decimal where whole points would make the interval touch
        the mean it lies wholly above or below (`apart_digits`)."""
        score = cls._score(f)
        mean = _f(f.get("peer_mean"))
        digits = apart_digits(score[1], score[2], mean)
        return _fig_text(score, t, digits), _n(mean, t, digits)

    def _question_against(self, x: Mapping, t: Translator) -> str:
        figure, mean = self._against(x, t)
        return t._(
            "{question} {figure} against {mean}", question=self.question(str(x["item"]), t), figure=figure, mean=mean
        )

    @staticmethod
    def _score(f: Mapping) -> Figure:
        n = _f(f.get("n"))
        return (_f(f.get("score")), _f(f.get("ci_low")), _f(f.get("ci_high")), int(n) if n == n else 0)

    def opener(self, region: str, rule_id: str, figures: list[dict], t: Translator | None = None) -> str:
        """The row's first sentence(s): territory, question or block by text, figure and comparison."""
        t = t or translator("en")
        who = self.name(region)
        f = figures[0] if figures else {}
        kind = str(f.get("trigger", ""))
        fig, mean = self._against(f, t)
        if f.get("item"):
            what = self.question(str(f["item"]), t)
        else:
            what = self.block_text(str(f["block"]), t) if f.get("block") else ""
        group = _quote(_peer_name(f.get("peer_group"), t), t)
        if kind == "item_weakest":
            own = _n(_f(f.get("own_mean")), t)
            text = _pick(
                t, WEAKEST_OPENERS, (region, rule_id, str(f.get("item"))), who=who, fig=fig, what=what, own=own
            )
            if f.get("peer_mean") is not None:
                side = versus(_f(f.get("ci_low")), _f(f.get("ci_high")), _f(f.get("peer_mean")))
                if side == "above":
                    peer = t._(
                        "It is still clearly above the mean of its {group} peers, {mean}.", group=group, mean=mean
                    )
                elif side == "below":
                    peer = t._("It is also below the mean of its {group} peers, {mean}.", group=group, mean=mean)
                elif side == "in line":
                    peer = t._(
                        "It is in line with the mean of its {group} peers, {mean}: the interval contains it.",
                        group=group,
                        mean=mean,
                    )
                else:
                    peer = t._("The mean of its {group} peers is {mean}.", group=group, mean=mean)
                text = f"{text} {peer}"
            common = f.get("common_weakness")
            if isinstance(common, Mapping) and common.get("of"):
                shared = t._(
                    "As in most territories: the question is a weak point of the profile in {n} of {total} "
                    "territories, a weakness shared across the campaign rather than one of {who} alone.",
                    n=common.get("territories"),
                    total=common.get("of"),
                    who=who,
                )
                text = f"{text} {shared}"
            return text
        if kind == "item_below_peers" and len(figures) > 1:
            listed = _semicolon(t).join(self._question_against(x, t) for x in figures[:2])
            block = self.block_text(str(f.get("block")), t)
            values = {"who": who, "group": group, "block": block, "listed": listed, "count": len(figures)}
            choice = variant(2, region, rule_id, str(f.get("block")))
            more = len(figures) - 2
            if more > 0 and choice == 0:
                return t.ngettext(
                    "{who} is behind the mean of its {group} peers, beyond the interval, on {count} questions of "
                    "{block}: {listed}, and {n} more.",
                    "{who} is behind the mean of its {group} peers, beyond the interval, on {count} questions of "
                    "{block}: {listed}, and {n} more.",
                    more,
                    **values,
                )
            if more > 0:
                return t.ngettext(
                    "On {count} questions of {block}, {who} scores clearly below its {group} peers: {listed}, "
                    "and {n} more.",
                    "On {count} questions of {block}, {who} scores clearly below its {group} peers: {listed}, "
                    "and {n} more.",
                    more,
                    **values,
                )
            if choice == 0:
                return t._(
                    "{who} is behind the mean of its {group} peers, beyond the interval, on {count} questions of "
                    "{block}: {listed}.",
                    **values,
                )
            return t._(
                "On {count} questions of {block}, {who} scores clearly below its {group} peers: {listed}.", **values
            )
        side = versus(_f(f.get("ci_low")), _f(f.get("ci_high")), _f(f.get("peer_mean")))
        if f.get("interval_excludes_mean") is True and _f(f.get("score")) < _f(f.get("peer_mean")):
            side = "below"  # the benchmarks' own test (`indistinguishable`) of this very interval and mean
        if kind in ("item_below_peers", "block_below_peers") and side != "below":  # a rule without ci_excludes_mean
            if side == "in line":
                return t._(
                    "{who} scores {fig} on {what}, in line with the mean of its peer group {group} ({mean}): the "
                    "interval contains it.",
                    who=who,
                    fig=fig,
                    what=what,
                    group=group,
                    mean=mean,
                )
            return t._(
                "{who} scores {fig} on {what}; the mean of its peer group {group} is {mean}.",
                who=who,
                fig=fig,
                what=what,
                group=group,
                mean=mean,
            )
        if kind in ("item_below_peers", "block_below_peers"):
            return _pick(
                t,
                BELOW_PEERS_OPENERS,
                (region, rule_id, str(f.get("item") or f.get("block"))),
                who=who,
                fig=fig,
                what=what,
                group=group,
                mean=mean,
            )
        if kind == "item_share":
            share = _f(f.get("share"))
            choices = _or([self.choice_text(str(f.get("item")), str(c), t) for c in f.get("choices") or []], t)
            options = SHARE_OPENERS if f.get("n") else SHARE_OPENERS_NO_N
            return _pick(
                t,
                options,
                (region, rule_id),
                who=who,
                pct=t.percent(share, 0),
                n=f.get("n"),
                choices=choices,
                what=what,
            )
        if kind in ("item_below", "block_below"):
            bound = _n(_f(f.get("threshold")), t)
            return _pick(t, BELOW_OPENERS, (region, rule_id), who=who, fig=fig, what=what, bound=bound)
        if kind == "block_gap_to_frontrunner":
            level = _f(f.get("frontrunner_level"))
            if versus(_f(f.get("ci_low")), _f(f.get("ci_high")), level) == "in line":  # without ci_excludes_level
                return t._(
                    "{who} scores {fig} on {what}; the frontrunners of {group} reach {level}, within its interval.",
                    who=who,
                    fig=fig,
                    what=what,
                    group=group,
                    level=_n(level, t),
                )
            return t._(
                "{who} scores {fig} on {what}, {gap} points below the frontrunners of {group} ({level}).",
                who=who,
                fig=fig,
                what=what,
                gap=_n(_shown_gap(level, _f(f.get("score")), _f(f.get("gap_to_frontrunner"))), t),
                group=group,
                level=_n(_f(f.get("frontrunner_level")), t),
            )
        if kind == "groups_disagree":
            items = _and([self.question(str(x["item"]), t) for x in figures if x.get("item")][:2], t)
            spread = _n(max(_f(x.get("group_spread")) for x in figures), t)
            text = t.ngettext(
                "In {who}, stakeholder groups disagree on {n} question, for example {items} "
                "(scores up to {spread} points apart).",
                "In {who}, stakeholder groups disagree on {n} questions, for example {items} "
                "(scores up to {spread} points apart).",
                len(figures),
                who=who,
                items=items,
                spread=spread,
            )
            widest = self.widest_gap(figures, t)
            return f"{text} {widest}" if widest else text
        if kind == "alignment_below":
            score = _n(_f(f.get("score")), t)
            k = self.n_priorities.get(region, math.nan)
            period = str(f.get("national_period") or "").replace("-", "\u2013")  # 2014–2020, as the reports
            if f.get("kind") == "vertical" and period:
                if k == k and k > 0:
                    text = t.ngettext(
                        "The written S3 of {who} (its {n} priority area compared) matches the national S3 {period} "
                        "at {score} of 100.",
                        "The written S3 of {who} (its {n} priority areas compared) matches the national S3 {period} "
                        "at {score} of 100.",
                        int(k),
                        who=who,
                        period=period,
                        score=score,
                    )
                else:
                    text = t._(
                        "The written S3 of {who} matches the national S3 {period} at {score} of 100.",
                        who=who,
                        period=period,
                        score=score,
                    )
            elif f.get("kind") == "vertical":
                if k == k and k > 0:
                    text = t.ngettext(
                        "The written S3 of {who} (its {n} priority area compared) matches the national strategy "
                        "at {score} of 100.",
                        "The written S3 of {who} (its {n} priority areas compared) matches the national strategy "
                        "at {score} of 100.",
                        int(k),
                        who=who,
                        score=score,
                    )
                else:
                    text = t._(
                        "The written S3 of {who} matches the national strategy at {score} of 100.", who=who, score=score
                    )
            elif k == k and k > 0:
                text = t.ngettext(
                    "The written S3 of {who} (its {n} priority area compared) matches its neighbours' strategies "
                    "at {score} of 100.",
                    "The written S3 of {who} (its {n} priority areas compared) matches its neighbours' strategies "
                    "at {score} of 100.",
                    int(k),
                    who=who,
                    score=score,
                )
            else:
                text = t._(
                    "The written S3 of {who} matches its neighbours' strategies at {score} of 100.",
                    who=who,
                    score=score,
                )
            pairs = [p for p in f.get("pairs") or [] if isinstance(p, dict) and p.get("territory")]
            if pairs and f.get("kind") != "vertical":
                low, high = pairs[0], pairs[-1]
                if high is not low:
                    span = t._(
                        "The match ranges from {low} with {low_name} to {high} with {high_name}.",
                        low=_n(_f(low.get("score")), t),
                        low_name=self.name(str(low["territory"])),
                        high=_n(_f(high.get("score")), t),
                        high_name=self.name(str(high["territory"])),
                    )
                else:
                    span = t._(
                        "The match with {name} is {score}.",
                        name=self.name(str(low["territory"])),
                        score=_n(_f(low.get("score")), t),
                    )
                text = f"{text} {span}"
            return text
        if kind == "perception_flag":
            return t._(
                "Respondents in {who} rate the alignment of the S3 at {perceived}, while the written strategies "
                "measure {measured}.",
                who=who,
                perceived=_n(_f(f.get("perceived")), t),
                measured=_n(_f(f.get("measured")), t),
            )
        if kind == "synergy_shared":
            titles: dict[str, set[str]] = {}
            for tp in f.get("topics") or []:
                if isinstance(tp, dict) and tp.get("title"):
                    title = _topic_name(tp, t)
                    titles.setdefault(title, set()).update(str(x) for x in tp.get("partners") or [])
            n_topics = int(_f(f.get("n_topics"))) if _f(f.get("n_topics")) == _f(f.get("n_topics")) else 0
            text = t.ngettext(  # strength over its own pairs only, as its report's synergy table counts it
                "{who} shares {n} priority topic with its own neighbours at a synergy strength of {strength} or "
                "more (the sum of its own pairs' matches, each 0–1).",
                "{who} shares {n} priority topics with its own neighbours at a synergy strength of {strength} or "
                "more each (the sum of its own pairs' matches, each 0–1).",
                n_topics,
                who=who,
                strength=_g(_f(f.get("min_strength")), t),
            )
            if titles:
                named = list(titles)[:3]
                partners = sorted({x for n in named for x in titles[n]})
                topics = _and([_quote(x, t) for x in named], t)
                if partners:
                    among = t._(
                        "Among them: {topics} (with {partners}).",
                        topics=topics,
                        partners=_and([self.name(x) for x in partners[:3]], t),
                    )
                else:
                    among = t._("Among them: {topics}.", topics=topics)
                text = f"{text} {among}"
            return text
        if kind == "stakeholder_groups_below":
            return t.ngettext(
                "In {who}, {n} block rests on fewer than {groups} stakeholder groups with a published score.",
                "In {who}, {n} blocks rest on fewer than {groups} stakeholder groups with a published score.",
                len(figures),
                who=who,
                groups=f.get("min_groups"),
            )
        if kind == "insufficient_data":
            return t.ngettext(
                "In {who}, {n} block could not be published for too few answers.",
                "In {who}, {n} blocks could not be published for too few answers.",
                len(figures),
                who=who,
            )
        return t._("For {who}:", who=who)

    def widest_gap(self, figures: list[dict], t: Translator) -> str:
        """Which published stakeholder groups lie furthest apart, with their scores, on the question of
        widest disagreement (the trigger's `highest_group` and `lowest_group`): the groups the data show,
        never assumed ones."""
        from ..report.common import group_label  # the report package imports this module

        named = [x for x in figures if x.get("highest_group") and x.get("lowest_group")]
        if not named:
            return ""
        x = max(named, key=lambda x: _f(x.get("highest_score")) - _f(x.get("lowest_score")))
        instrument = self.instrument
        return t._(
            "The widest gap is on {question}: {high_group} {high}, {low_group} {low}.",
            question=self.question(str(x["item"]), t),
            high_group=_quote(group_label(str(x["highest_group"]), language=t.language, instrument=instrument), t),
            high=_n(_f(x.get("highest_score")), t),
            low_group=_quote(group_label(str(x["lowest_group"]), language=t.language, instrument=instrument), t),
            low=_n(_f(x.get("lowest_score")), t),
        )

    def openers(
        self, region: str, rule_id: str, figures: list[dict], t: Translator | None = None
    ) -> list[tuple[str, str]]:
        """(what it says, sentence): the row's opener, then one per further kind of figure, for a merged
        row (`_merge_same_subject`) to add what its host does not say yet."""
        out = [(_figure_key(figures[0]) if figures else "", self.opener(region, rule_id, figures, t))]
        kinds = [str(f.get("trigger", "")) for f in figures]
        for kind in dict.fromkeys(kinds[1:]):
            if kind != kinds[0]:
                same = [f for f in figures if f.get("trigger") == kind]
                out.append((_figure_key(same[0]), self.opener(region, rule_id, same, t)))
        return out

    def learn_text(
        self, region: str, rule_id: str, learn: list[dict], units: list[tuple[str, str]], t: Translator | None = None
    ) -> str:
        if not learn:
            return ""
        t = t or translator("en")
        parts = []
        for entry in learn:
            figs = ", ".join(self._learn_figure(x, len(entry["figures"]), t) for x in entry["figures"])
            name = self.name(entry["territory"])
            if entry["relation"] == "structural peer":
                parts.append(t._("{name} ({figures}, a structural peer)", name=name, figures=figs))
            elif entry["relation"] == "neighbour":
                parts.append(t._("{name} ({figures}, a neighbour)", name=name, figures=figs))
            else:
                parts.append(t._("{name} ({figures})", name=name, figures=figs))
        options = LEARN_QUESTION if units and units[0][0] == "item" else LEARN_MEASURE
        return _pick(t, options, (region, rule_id, "learn"), names=_and(parts, t))

    def _learn_figure(self, x: Mapping, count: int, t: Translator) -> str:
        """A learn-from figure; with several, each labelled with its question's number ('b1.2: 87')."""
        score = _n(_f(x["score"]), t)
        if count < 2:
            return score
        code = str(x.get("item") or x.get("block") or x.get("measured") or "")
        if x.get("item") and self.instrument is not None and self.instrument.has_item(code):
            code = self.instrument.item_number(code)
        # TRANSLATORS: a figure of a territory to learn from, labelled with its question's number: "b1.2: 87"
        return t._("{number}: {score}", number=code, score=score) if code else score

    def context(self, region: str, row: Mapping, figures: list[dict], t: Translator) -> list[str]:
        """The territory's own context where the row concerns it: the themes its respondents raise in their
        open answers (the row's block, found by the keywords of `keywords`), and its S3 priority areas by
        name when the row is about alignment, synergies or the portfolio of priorities."""
        out = []
        block = str(row.get("blocks") or "").split(" ")[0]  # the block `engine.select_excerpts` quotes on
        n = self.comments.raising(region, block)
        if block and n >= self.k:
            out.append(
                t.ngettext(
                    "In their open answers, {n} respondent in {who} raises {theme} as well.",
                    "In their open answers, {n} respondents in {who} raise {theme} as well.",
                    n,
                    who=self.name(region),
                    theme=t._(THEMES[block]) if block in THEMES else self.block_text(block, t),
                )
            )
        kinds = {str(f.get("trigger", "")) for f in figures}
        topics = set(str(row.get("topics") or "").split())
        about_priorities = bool(kinds & {"alignment_below", "perception_flag", "synergy_shared"}) or bool(
            topics & {"alignment", "portfolio"}
        )
        titles = self.priorities.get(region, [])
        k = self.n_priorities.get(region, math.nan)
        count = max(len(titles), int(k) if k == k else 0)
        if about_priorities and titles:
            names = _and([_quote(x, t) for x in titles[:3]], t)
            if count > 3:
                out.append(
                    t.ngettext(
                        "Its S3 names {n} priority area, among them {names}.",
                        "Its S3 names {n} priority areas, among them {names}.",
                        count,
                        names=names,
                    )
                )
            else:
                out.append(
                    t.ngettext(
                        "Its S3 names {n} priority area: {names}.",
                        "Its S3 names {n} priority areas: {names}.",
                        count,
                        names=names,
                    )
                )
        return out


# (criticism, praise of the same thing): when both fire, the praise joins the criticism as its way out
CONTRADICTIONS = (("b2-low-neighbour-alignment", "b2-synergy-topics"),)


def _join_contradictions(rows: list[dict]) -> list[dict]:
    """Never both praise and criticise a territory for the same thing: the praising row is dropped and
    its figures go to the criticising row's evidence (`also`), whose text then builds on them."""
    ids = {str(r["rule_id"]): r for r in rows}
    drop = set()
    for bad, good in CONTRADICTIONS:
        if bad in ids and good in ids:
            host, other = ids[bad], ids[good]
            ev = json.loads(host["evidence"])
            ev["also"] = json.loads(other["evidence"]).get("triggered_by") or []
            host["evidence"] = json.dumps(ev, ensure_ascii=False)
            host["_also"] = ev["also"]
            drop.add(good)
    return [r for r in rows if str(r["rule_id"]) not in drop]


def _figure_key(f: Mapping) -> str:
    return f"{f.get('trigger', '')}:{f.get('item') or f.get('block') or f.get('kind') or ''}"


# questions whose answers are the perceived alignment on one axis of the measured one
ALIGNMENT_ITEMS = {
    "b2_national_ri_alignment": "vertical",
    "b2_national_ind_alignment": "vertical",
    "b2_neighbour_alignment": "neighbour",
}


def subjects(figures: list[dict], behind: list[dict] | None = None) -> set[str]:
    """What a row is about: its questions (``item:<id>``), the alignment axis it concerns
    (``alignment:vertical`` or ``alignment:neighbour``) and shared synergy topics (``synergy``).

    A perception flag concerns the axis whose measured alignment is lower (the one that makes the
    written strategies fall short of what respondents perceive)."""
    out: set[str] = set()
    for f in [*figures, *(behind or [])]:
        if not isinstance(f, Mapping):
            continue
        if f.get("item"):
            out.add(f"item:{f['item']}")
            if str(f["item"]) in ALIGNMENT_ITEMS:
                out.add(f"alignment:{ALIGNMENT_ITEMS[str(f['item'])]}")
        kind = f.get("trigger")
        if kind == "alignment_below":
            out.add("alignment:vertical" if f.get("kind") == "vertical" else "alignment:neighbour")
        elif kind == "perception_flag":
            v, nb = _f(f.get("vertical")), _f(f.get("neighbours"))
            if v != v and nb != nb:
                out.add("alignment:perception")
            else:
                out.add("alignment:neighbour" if v != v or (nb == nb and nb < v) else "alignment:vertical")
        elif kind == "synergy_shared":
            out.add("synergy")
    return out


def _merge_same_subject(rows: list[dict]) -> list[dict]:
    """One territory's rows with those about the same thing (a shared subject, see `subjects`, also
    through a third row) merged into the one of highest priority: its text gains the others' figures
    and advice, its evidence their figures (`merged`), and, when it has none, their territories to
    learn from. A government gets one recommendation per subject, carrying all the evidence.
    The texts of every language are merged alike (`texts`)."""

    def rank_key(i: int) -> tuple[int, float, str]:  # the ranking of `compose`: priority, |gap|, rule id
        gap = abs(_f(rows[i].get("gap")))
        return (-int(rows[i]["priority"]), -(gap if gap == gap else -1.0), str(rows[i]["rule_id"]))

    order = sorted(range(len(rows)), key=rank_key)
    groups: list[tuple[set[str], list[int]]] = []
    for i in order:
        keys = set(rows[i].pop("_subjects"))
        hits = [g for g in groups if keys and g[0] & keys]
        if not hits:
            groups.append((keys, [i]))
            continue
        first = hits[0]
        for g in hits[1:]:  # a row about two subjects joins their groups
            first[0].update(g[0])
            first[1].extend(g[1])
            groups.remove(g)
        first[0].update(keys)
        first[1].append(i)
    out = []
    for _, members in groups:
        members.sort(key=order.index)
        host, others = rows[members[0]], [rows[i] for i in members[1:]]
        parts = host.pop("_parts")
        if others:
            ev = json.loads(host["evidence"])
            learn_from = {lang: p[3] for lang, p in parts.items()}
            other_parts = []
            for o in others:
                o_parts = o.pop("_parts")
                other_parts.append(o_parts)
                o_ev = json.loads(o["evidence"])
                ev.setdefault("merged", []).append(
                    {
                        "rule_id": o["rule_id"],
                        "title": o["title"],
                        "priority": int(o["priority"]),
                        "triggered_by": o_ev.get("triggered_by") or [],
                        **{k: o_ev[k] for k in ("questions_behind_peers", "also") if o_ev.get(k)},
                    }
                )
                if not ev.get("learn_from") and o_ev.get("learn_from"):
                    ev["learn_from"], ev["compared_on"] = o_ev["learn_from"], o_ev.get("compared_on", [])
                    host["frontrunners"] = o["frontrunners"]
                    learn_from = {lang: p[3] for lang, p in o_parts.items()}
            host["evidence"] = json.dumps(ev, ensure_ascii=False)
            for lang, (openers, advice, context, _, core) in parts.items():
                used = {openers[0][0]} if openers else set()
                extra_openers: list[str] = []
                extra_advice: list[str] = []
                contexts = list(context)
                for o_parts in other_parts:
                    o_openers, o_adv, o_context, _, _ = o_parts[lang]
                    for key, sentence in o_openers:  # each figure said once (two synergy rows: one synergy sentence)
                        if key not in used:
                            used.add(key)
                            extra_openers.append(sentence)
                    if o_adv and o_adv != advice and o_adv not in extra_advice:
                        extra_advice.append(o_adv)
                    contexts += [x for x in o_context if x not in contexts]
                host["texts"][lang]["action"] = " ".join(
                    x
                    for x in (
                        openers[0][1] if openers else "",
                        *extra_openers,
                        advice,
                        *extra_advice,
                        *contexts,
                        learn_from[lang],
                    )
                    if x
                )
                # the host's advice and the others' after it: one run of the action text
                host["texts"][lang]["advice"] = " ".join(x for x in (core, *extra_advice) if x)
            host["recommendation"] = host["texts"]["en"]["action"]
        out.append(host)
    return out


def _mark_common_weakness(prepared: Mapping[str, list[dict]], comp: Composer) -> None:
    """A weak point of the profile (`item-weakest`) that more than `COMMON_WEAKNESS` of the territories
    with a published score on the question share gets `common_weakness` (territories, of) in its figure:
    its text then says it is shared across the campaign, not particular to the territory."""
    weak: dict[str, set[str]] = {}
    for region, rows in prepared.items():
        for r in rows:
            if r["rule_id"] == ITEM_WEAKEST:
                weak.setdefault(json.loads(r["evidence"])["triggered_by"][0]["item"], set()).add(region)
    published: dict[str, int] = {}
    for _, it in comp.items:
        published[it] = published.get(it, 0) + 1
    for rows in prepared.values():
        for r in rows:
            if r["rule_id"] != ITEM_WEAKEST:
                continue
            ev = json.loads(r["evidence"])
            fig = ev["triggered_by"][0]
            n, of = len(weak.get(fig["item"], ())), published.get(fig["item"], 0)
            if of > MIN_PEERS and n > COMMON_WEAKNESS * of:
                fig["common_weakness"] = {"territories": n, "of": of}
                r["evidence"] = json.dumps(ev, ensure_ascii=False)


def _stretch_advice(advice: str, t: Translator) -> str:
    return t._("Set a stretch target for the next S3 review. {advice}", advice=advice) if advice else ""


def compose(
    recs: pd.DataFrame,
    result: Any,
    *,
    rules: Any = None,
    alignment: Mapping[str, pd.DataFrame] | None = None,
    structural_peers: pd.DataFrame | None = None,
    names: Mapping[str, str] | None = None,
    peer_groups: Mapping[str, list[str]] | None = None,
    min_respondents: int = 3,
    open_comments: pd.DataFrame | None = None,
    max_excerpts: int = 3,
) -> pd.DataFrame:
    """The engine's rows plus item-level rows, each with learn-from, priority score, rank and text.

    Columns: those of `engine.COLUMNS` with `priority` the 0-100 score, plus `written`. The
    evidence JSON gains `learn_from` (territory, relation, figures) in place of `frontrunners`.
    """
    rs = as_ruleset(rules)
    comp = Composer(
        result,
        rs,
        alignment=alignment,
        structural_peers=structural_peers,
        names=names,
        peer_groups=peer_groups,
        min_respondents=min_respondents,
        open_comments=open_comments,
        max_excerpts=max_excerpts,
    )
    weights = {r.id: RULE_WEIGHT.get(r.priority, 0.6) for r in rs}
    rows: list[dict] = []
    by_region: dict[str, list[dict]] = {}
    for r in recs.to_dict("records"):
        r = dict(r)
        r["_weight"] = weights.get(str(r["rule_id"]), 0.6)
        by_region.setdefault(str(r["region"]), []).append(r)
    prepared: dict[str, list[dict]] = {}  # every territory's rows first: a weak point is counted across them
    for region in sorted(set(by_region) | set(comp.regions)):
        mine = list(by_region.get(region, []))
        covered: set[str] = set()
        for r in mine:
            ev = json.loads(r["evidence"]) if r.get("evidence") else {}
            covered |= {str(f["item"]) for f in ev.get("triggered_by") or [] if f.get("item")}
        mine = _join_contradictions(mine)
        block_rows = {
            str(r["blocks"]): r for r in mine if str(r["rule_id"]) == f"{r['blocks']}-below-peers"
        }  # the rules file's block-below-peers rows
        for extra in comp.item_rows(region, covered):
            host = block_rows.get(str(extra["blocks"])) if extra["rule_id"] == ITEM_BELOW_PEERS else None
            if host is None:
                mine.append(extra)
                continue
            host_ev = json.loads(host["evidence"])
            items = json.loads(extra["evidence"])["triggered_by"]
            host_ev["questions_behind_peers"] = items
            host["evidence"] = json.dumps(host_ev, ensure_ascii=False)
            host["_behind"] = items
        prepared[region] = mine
    _mark_common_weakness(prepared, comp)
    for region, mine in prepared.items():
        composed: list[dict] = []
        for r in mine:
            ev = json.loads(r["evidence"]) if r.get("evidence") else {}
            figures = [f for f in ev.get("triggered_by") or [] if isinstance(f, dict)]
            units = comp.units(region, figures)
            learn = comp.learn_from(region, units)
            ev.pop("frontrunners", None)
            ev["compared_on"] = [f"{k}:{c}" for k, c in units]
            ev["learn_from"] = learn
            stretch = bool(figures and figures[0].get("stretch"))
            also = r.pop("_also", None)
            behind = r.pop("_behind", None)
            rule_id = str(r["rule_id"])
            parts: dict[str, tuple] = {}
            texts: dict[str, dict[str, str]] = {}
            for lang in LANGUAGES:  # every language from the same figures, variants and order
                t = translator(lang)
                title, advice, rationale = comp.row_texts(r, t)
                if stretch:
                    advice = _stretch_advice(advice, t)
                if also:
                    shared = t._(
                        "Build on what is shared already: {shared}", shared=comp.opener(region, "also", also, t)
                    )
                    advice = f"{advice} {shared}" if advice else shared
                core = advice  # what to do; the report sets it apart from the figures around it
                if behind:
                    advice = " ".join(x for x in (comp.behind_text(behind, t), advice) if x)
                openers = comp.openers(region, rule_id, figures, t)
                context = comp.context(region, r, figures, t)
                learn_text = comp.learn_text(region, rule_id, learn, units, t)
                parts[lang] = (openers, advice, context, learn_text, core)
                action = " ".join(x for x in (openers[0][1], advice, *context, learn_text) if x)
                texts[lang] = {"title": title, "action": action, "rationale": rationale, "advice": core}
            gap = _f(r.get("gap"))
            r.pop("_item_text", None)
            r.pop("_why", None)
            r.pop("_advice_rule", None)
            r.update(
                title=texts["en"]["title"],
                rationale=texts["en"]["rationale"],
                evidence=json.dumps(ev, ensure_ascii=False),
                frontrunners=" ".join(e["territory"] for e in learn),
                recommendation=texts["en"]["action"],
                priority=priority_score(gap, float(r.pop("_weight")), comp.certainty(figures)),
                texts=texts,
                _parts=parts,
                _subjects=subjects(figures, ev.get("questions_behind_peers") or []),
            )
            composed.append(r)
        rows += _merge_same_subject(composed)
    out = pd.DataFrame(rows, columns=[*recs.columns, "texts"] if len(recs.columns) else None)
    if not len(out):
        out["written"] = pd.Series(dtype=bool)
        out["texts"] = pd.Series(dtype=object)
        return out
    out["_abs"] = out["gap"].astype(float).abs().fillna(-1.0)
    out = out.sort_values(
        ["region", "priority", "_abs", "rule_id"], ascending=[True, False, False, True], kind="stable"
    )
    out = out.drop(columns="_abs").reset_index(drop=True)
    out["rank"] = (out.groupby("region").cumcount() + 1).astype("int64")
    out["priority"] = out["priority"].astype("int64")
    out["gap"] = out["gap"].astype(float)
    out["written"] = out["rank"] <= WRITTEN
    record = dict(recs.attrs.get("record") or {})
    record.update(
        ranking=RANKING,
        priority_score="round(100 * weight * certainty * (0.4 + 0.6 * min(|gap|, 40) / 40))",
        rule_weights={"1": 1.0, "2": 0.8, "3": 0.6, ITEM_BELOW_PEERS: WEIGHT_BELOW_PEERS, ITEM_WEAKEST: WEIGHT_WEAKEST},
        stretch_weight=WEIGHT_STRETCH,
        written=WRITTEN,
        weakest=WEAKEST,
        learn_from={"max": LEARN_FROM, "margin_without_intervals": MARGIN},
        languages=list(LANGUAGES),
        # rules without texts in a language: their recommendations show the English texts there
        untranslated={r.id: r.untranslated() for r in rs if r.untranslated()},
    )
    out.attrs = {**recs.attrs, "record": record}
    return out
