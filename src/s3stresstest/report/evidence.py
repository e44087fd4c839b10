"""Why a recommendation fired, in sentences a policy officer reads without the rule book.

The engine records each fired trigger as a mapping of figures (`recommend.triggers`); this module
turns one such mapping into one sentence, naming the block or question, the figure with its
interval and number of respondents, and the bound or peer value it was compared with. A trigger
type it does not know (a user's own engine) falls back to 'name: key value; ...'. The questions
behind peers joined to a block's row (`questions_behind_peers`, the first two) and a joined praise
(`also`) get their sentences too, and so do the rows merged into this one for being about the
same subject (`merged`); a synergy topic names the classifications it was collapsed from
(`same_as`); the territories to learn from (`learn_from`) one closing
sentence with their figures.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping

Label = Callable[[str], str]
AXES = {
    "nace": "NACE",
    "nabs": "NABS",
    "ecosystem": "industrial ecosystem",
    "policy": "policy objective",
    "priorities": "matched priorities",
}


def _n(v) -> str:
    """A figure on the 0-100 scale: whole points, as the report's tables print them."""
    if v is None:
        return "–"
    f = float(v)
    return str(round(f)) if abs(f - round(f)) < 0.05 or abs(f) >= 10 else f"{f:.1f}"


def _pct(v) -> str:
    return "–" if v is None else f"{float(v) * 100:.0f}%"


def _score(fig: Mapping, bound=None) -> str:
    """'45 (interval 38–52, n = 9)' from the score figures of a trigger; one decimal where whole
    points would print the score equal to the `bound` it fell below."""
    inner = []
    if fig.get("ci_low") is not None and fig.get("ci_high") is not None:
        inner.append(f"interval {_n(fig['ci_low'])}–{_n(fig['ci_high'])}")
    if fig.get("n") is not None:
        inner.append(f"n = {fig['n']}")
    score = _n(fig.get("score"))
    if bound is not None and fig.get("score") is not None and score == _n(bound):
        score = f"{float(fig['score']):.1f}"
    return score + (f" ({', '.join(inner)})" if inner else "")


def _list(words: list[str], last: str = "and") -> str:
    words = [w for w in words if w]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + f" {last} " + words[-1]


def sentence(
    fig: Mapping,
    *,
    block: Label = str,
    item: Label = str,
    territory: Label = str,
    choice: Callable[[str, str], str] = lambda _item, name: name,
    language: str = "en",
) -> str:
    """One fired trigger as a sentence; `block`, `item`, `territory` and `choice` (item, choice name)
    give readable names for codes."""
    kind = str(fig.get("trigger", ""))
    b = block(str(fig["block"])) if fig.get("block") else "the block"
    it = item(str(fig["item"])) if fig.get("item") else "the question"
    if kind == "block_below_peers":
        gap = abs(float(fig["gap_to_mean"])) if fig.get("gap_to_mean") is not None else None
        tail = "; the interval excludes that mean" if fig.get("interval_excludes_mean") else ""
        return (
            f"{b} scores {_score(fig)}, {_n(gap)} points below the mean of peer group "
            f"'{fig.get('peer_group')}' ({_n(fig.get('peer_mean'))}){tail}."
        )
    if kind == "block_below":
        return (
            f"{b} scores {_score(fig, fig.get('threshold'))}, below the rule's threshold of {_n(fig.get('threshold'))}."
        )
    if kind == "block_gap_to_frontrunner":
        gap = abs(float(fig["gap_to_frontrunner"])) if fig.get("gap_to_frontrunner") is not None else None
        return (
            f"{b} scores {_score(fig)}, {_n(gap)} points below the frontrunner level of peer group "
            f"'{fig.get('peer_group')}' ({_n(fig.get('frontrunner_level'))})."
        )
    if kind == "item_below_peers":
        return (
            f"{it} scores {_score(fig)}, below the mean of peer group '{fig.get('peer_group')}' "
            f"({_n(fig.get('peer_mean'))}); the interval excludes that mean."
        )
    if kind == "item_weakest":
        peers = ""
        if fig.get("peer_mean") is not None:
            side = "clearly above" if fig.get("stretch") else "compared with"
            peers = f"; {side} the mean of peer group '{fig.get('peer_group')}' ({_n(fig.get('peer_mean'))})"
        return (
            f"{it} scores {_score(fig)}, one of the territory's weakest questions "
            f"(its average over all questions: {_n(fig.get('own_mean'))}){peers}."
        )
    if kind == "item_below":
        return (
            f"{it} scores {_score(fig, fig.get('threshold'))}, "
            f"below the rule's threshold of {_n(fig.get('threshold'))}."
        )
    if kind == "item_share":
        choices = _list([f"\u2018{choice(str(fig.get('item')), str(c))}\u2019" for c in fig.get("choices") or []], "or")
        bound = (
            f"at least {_pct(fig['min_share'])}"
            if fig.get("min_share") is not None
            else f"at most {_pct(fig.get('max_share'))}"
        )
        n = f" of {fig['n']} respondents who answered" if fig.get("n") is not None else ""
        return f"{_pct(fig.get('share'))}{n} chose {choices} at {it} (the rule looks for {bound})."
    if kind == "groups_disagree":
        groups = f" ({fig['groups_published']} groups published)" if fig.get("groups_published") else ""
        return (
            f"Stakeholder groups disagree at {it}: their published scores are "
            f"{_n(fig.get('group_spread'))} points apart{groups}."
        )
    if kind == "stakeholder_groups_below":
        k = fig.get("groups_published", 0)
        return (
            f"{b}: {k} stakeholder group{'s' if k != 1 else ''} with a published score "
            f"(the rule wants at least {fig.get('min_groups')})."
        )
    if kind == "insufficient_data":
        return f"{b} has no published score ({str(fig.get('status', 'missing')).replace('_', ' ')})."
    if kind == "alignment_below":
        pairs = _list([f"{territory(str(p['territory']))} {_n(p.get('score'))}" for p in fig.get("pairs") or []])
        what = (
            "Alignment with the national strategy"
            if fig.get("kind") == "vertical"
            else "Lowest alignment with a neighbour"
            if str(fig.get("statistic", "")).endswith("min")
            else "Mean alignment with the neighbours"
        )
        return f"{what} is {_n(fig.get('score'))} of 100, below the rule's threshold of {_n(fig.get('threshold'))}" + (
            f" ({pairs})." if pairs else "."
        )
    if kind == "perception_flag":
        ci = (
            f" (interval {_n(fig['perceived_ci_low'])}–{_n(fig['perceived_ci_high'])})"
            if fig.get("perceived_ci_low") is not None and fig.get("perceived_ci_high") is not None
            else ""
        )
        parts = [
            f"national {_n(fig['vertical'])}" if fig.get("vertical") is not None else "",
            f"neighbours {_n(fig['neighbours'])}" if fig.get("neighbours") is not None else "",
        ]
        measured = f" ({_list(parts)})" if any(parts) else ""
        return (
            f"Respondents rate alignment (block b2) at {_n(fig.get('perceived'))}{ci}; the written strategies "
            f"measure {_n(fig.get('measured'))}{measured}. Compared as percentile ranks: "
            f"{fig.get('flag', '')!s}."
        )
    if kind == "synergy_shared":
        topics = []
        for t in (fig.get("topics") or [])[:3]:
            axis = AXES.get(str(t.get("axis")), str(t.get("axis")))
            partners = _list([territory(str(p)) for p in t.get("partners") or []])
            same = [
                f"{AXES.get(str(x.get('axis')), str(x.get('axis')))} {x.get('code')}"
                for x in t.get("same_as") or []
                if isinstance(x, Mapping)
            ]
            also = f"; also as {_list(same)}" if same else ""
            topics.append(f"{t.get('title') or t.get('code')} ({axis}{also}; with {partners})")
        n = fig.get("n_topics", len(topics))
        return f"{n} topic{'s' if n != 1 else ''} shared with neighbouring territories" + (
            f", the strongest: {'; '.join(topics)}." if topics else "."
        )
    parts = [f"{k.replace('_', ' ')} {v}" for k, v in fig.items() if k != "trigger"]
    return f"{kind.replace('_', ' ') or 'rule'}: " + "; ".join(parts)


def evidence_sentences(evidence: str | Mapping | None, *, limit: int = 4, language: str = "en", **labels) -> list[str]:
    """The sentences of a recommendation's evidence (the engine's JSON), the first `limit` of them."""
    if isinstance(evidence, str):
        try:
            evidence = json.loads(evidence) if evidence else {}
        except ValueError:
            return []
    out = _figure_sentences(evidence or {}, limit, labels)
    for m in (evidence or {}).get("merged") or []:  # rows on the same subject merged into this one
        if isinstance(m, Mapping):
            out += _figure_sentences(m, limit, labels)
    learn = (evidence or {}).get("learn_from")
    if learn and isinstance(learn, list):
        out.append(learn_sentence(learn, territory=labels.get("territory", str)))
    return out


def _figure_sentences(evidence: Mapping, limit: int, labels: dict) -> list[str]:
    trig = evidence.get("triggered_by")
    trig = [trig] if isinstance(trig, dict) else (trig or [])
    out = [_capital(sentence(t, **labels) if isinstance(t, Mapping) else str(t)) for t in trig[:limit]]
    if len(trig) > limit:
        out.append(f"… and {len(trig) - limit} more figures of the same kind.")
    behind = evidence.get("questions_behind_peers") or []
    out += [_capital(sentence(t, **labels)) for t in behind[:2] if isinstance(t, Mapping)]
    also = evidence.get("also") or []
    out += [_capital(sentence(t, **labels)) for t in also[:1] if isinstance(t, Mapping)]
    return out


def learn_sentence(learn: list, *, territory: Label = str, language: str = "en") -> str:
    """Whom to learn from, with the figures that make each clearly higher (the engine's `learn_from`)."""
    parts = []
    for e in learn:
        if not isinstance(e, Mapping):
            continue
        figs = ", ".join(_score(f) for f in e.get("figures") or [] if isinstance(f, Mapping))
        rel = f", {e['relation']}" if e.get("relation") else ""
        parts.append(f"{territory(str(e.get('territory')))} {figs}{rel}".strip())
    return "Territories clearly higher on the same figure: " + "; ".join(parts) + "."


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
