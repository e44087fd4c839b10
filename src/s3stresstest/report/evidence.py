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

from ..formatting import printed_gap
from ..i18n import translator
from ..recommend.compose import apart_digits
from .common import peer_label
from .render import N_
from .topic_names import topic_title

Label = Callable[[str], str]
AXES = {
    "nace": "NACE",
    "nabs": "NABS",
    "ecosystem": N_("industrial ecosystem"),
    "policy": N_("policy objective"),
    "horizon_cluster": N_("Horizon Europe cluster"),
    "mission": N_("EU mission"),
    "priorities": N_("matched priorities"),
}
# how a territory to learn from relates to the one advised (the engine's `relation`)
RELATIONS = {"structural peer": N_("structural peer"), "neighbour": N_("neighbour")}
# the alignment module's comparison of perceived and measured alignment
FLAGS = {
    "perceived higher": N_("perceived higher"),
    "perceived lower": N_("perceived lower"),
    "consistent": N_("consistent"),
    "no data": N_("no data"),
}


def _word(table: Mapping[str, str], key: object, language: str) -> str:
    """A code's word from `table`, translated; unknown codes as they are."""
    word = table.get(str(key))
    return translator(language)._(word) if word is not None else str(key)


# axes whose codes are public classification codes a reader can look up (NACE C21, NABS 07, CL1); the
# others' codes are ids of ours or of the run (ecosystem 'agri_food', priority group 'G1')
CODED_AXES = frozenset({"nace", "nabs", "horizon_cluster"})


def classification(axis: object, code: object, language: str = "en") -> str:
    """A topic's classification as a reader says it: 'NACE C21', 'Horizon Europe cluster CL1',
    'industrial ecosystem' (no raw id)."""
    word = _word(AXES, axis, language)
    return f"{word} {code}" if str(axis) in CODED_AXES and code not in (None, "") else word


def _n(v, language: str = "en", digits: int = 0) -> str:
    """A figure on the 0-100 scale: whole points, as the report's tables print them."""
    if v is None:
        return "–"
    # whole points everywhere (not '8,9 (2,1–16)' beside tables that say '9 [2–16]'); `_score` adds a
    # decimal only where whole points would hide that a score fell below its bound, `sentence` where they
    # would make an interval touch the mean it excludes (`apart_digits`)
    return translator(language).number(float(v), digits)


def _float(v) -> float:
    return float(v) if isinstance(v, (int, float)) else float("nan")


def _pct(v, language: str = "en") -> str:
    return "–" if v is None else translator(language).percent(float(v), 0)


def _score(fig: Mapping, bound=None, language: str = "en", digits: int = 0) -> str:
    """'45 (interval 38–52, n = 9)' from the score figures of a trigger; one decimal where whole
    points would print the score equal to the `bound` it fell below."""
    t = translator(language)
    inner = []
    if fig.get("ci_low") is not None and fig.get("ci_high") is not None:
        low, high = _n(fig["ci_low"], language, digits), _n(fig["ci_high"], language, digits)
        inner.append(t._("interval {low}–{high}", low=low, high=high))
    if fig.get("n") is not None:
        n = fig["n"]
        inner.append(f"n = {t.integer(n) if isinstance(n, (int, float)) else n}")
    score = _n(fig.get("score"), language, digits)
    if bound is not None and fig.get("score") is not None and score == _n(bound, language):
        score = t.number(float(fig["score"]), 1)
    return score + (f" ({', '.join(inner)})" if inner else "")


def _period(period: object) -> str:
    """2014–2020, as the reports write an S3 period (the run records 2014-2020)."""
    return str(period).replace("-", "\u2013")


def _list(words: list[str], last: str = "and", language: str = "en") -> str:
    """'a, b and c' ('a, b or c' with `last="or"`) by the language's list pattern (`Translator.join`)."""
    return translator(language).join(words, "or" if last == "or" else "and")


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
    give readable names for codes (in `language`, as the sentence)."""
    t = translator(language)
    # a decimal where whole points would make the interval touch the peer mean it lies beyond
    digits = apart_digits(*(_float(fig.get(k)) for k in ("ci_low", "ci_high", "peer_mean")))

    def n(v) -> str:
        return _n(v, language)

    def score(f: Mapping, bound=None) -> str:
        return _score(f, bound, language, digits)

    def pmean(v) -> str:
        return _n(v, language, digits)

    kind = str(fig.get("trigger", ""))
    b = block(str(fig["block"])) if fig.get("block") else t._("the block")
    it = item(str(fig["item"])) if fig.get("item") else t._("the question")
    group = fig.get("peer_group")
    if group is not None:  # named as the report's tables name it
        group = peer_label(str(group), language=language)
    if kind == "block_below_peers":
        gap = abs(float(fig["gap_to_mean"])) if fig.get("gap_to_mean") is not None else None
        shown = printed_gap(fig.get("peer_mean"), fig.get("score"), digits)  # the difference of the printed figures
        if shown == shown:
            gap = shown
        values = {
            "block": b,
            "score": score(fig),
            "gap": _n(gap, language, digits),
            "group": group,
            "mean": pmean(fig.get("peer_mean")),
        }
        if fig.get("interval_excludes_mean"):
            return t._(
                "{block} scores {score}, {gap} points below the mean of peer group '{group}' ({mean}); "
                "the interval excludes that mean.",
                **values,
            )
        lo, hi, mean = (fig.get(k) for k in ("ci_low", "ci_high", "peer_mean"))
        if (
            isinstance(lo, (int, float))
            and isinstance(hi, (int, float))
            and isinstance(mean, (int, float))
            and (lo <= mean <= hi)
        ):
            return t._(
                "{block} scores {score}, in line with the mean of peer group '{group}' ({mean}): the interval "
                "contains it.",
                **values,
            )
        return t._("{block} scores {score}, {gap} points below the mean of peer group '{group}' ({mean}).", **values)
    if kind == "block_below":
        return t._(
            "{block} scores {score}, below the rule's threshold of {threshold}.",
            block=b,
            score=score(fig, fig.get("threshold")),
            threshold=n(fig.get("threshold")),
        )
    if kind == "block_gap_to_frontrunner":
        gap = abs(float(fig["gap_to_frontrunner"])) if fig.get("gap_to_frontrunner") is not None else None
        return t._(
            "{block} scores {score}, {gap} points below the frontrunner level of peer group '{group}' ({level}).",
            block=b,
            score=score(fig),
            gap=n(gap),
            group=group,
            level=n(fig.get("frontrunner_level")),
        )
    if kind == "item_below_peers":
        return t._(
            "{question} scores {score}, below the mean of peer group '{group}' ({mean}); "
            "the interval excludes that mean.",
            question=it,
            score=score(fig),
            group=group,
            mean=pmean(fig.get("peer_mean")),
        )
    if kind == "item_weakest":
        values = {"question": it, "score": score(fig), "own": n(fig.get("own_mean")), "group": group}
        if fig.get("peer_mean") is None:
            return t._(
                "{question} scores {score}, one of the territory's weakest questions "
                "(its average over all questions: {own}).",
                **values,
            )
        if fig.get("stretch"):
            return t._(
                "{question} scores {score}, one of the territory's weakest questions "
                "(its average over all questions: {own}); clearly above the mean of peer group '{group}' ({mean}).",
                mean=pmean(fig.get("peer_mean")),
                **values,
            )
        return t._(
            "{question} scores {score}, one of the territory's weakest questions "
            "(its average over all questions: {own}); compared with the mean of peer group '{group}' ({mean}).",
            mean=pmean(fig.get("peer_mean")),
            **values,
        )
    if kind == "item_below":
        return t._(
            "{question} scores {score}, below the rule's threshold of {threshold}.",
            question=it,
            score=score(fig, fig.get("threshold")),
            threshold=n(fig.get("threshold")),
        )
    if kind == "item_share":
        # TRANSLATORS: an answer quoted in a sentence (the language's quotation marks)
        choices = _list(
            [
                t._("\u2018{answer}\u2019", answer=choice(str(fig.get("item")), str(c)))
                for c in fig.get("choices") or []
            ],
            "or",
            language,
        )
        bound = (
            t._("at least {share}", share=_pct(fig["min_share"], language))
            if fig.get("min_share") is not None
            else t._("at most {share}", share=_pct(fig.get("max_share"), language))
        )
        values = {"share": _pct(fig.get("share"), language), "choices": choices, "question": it, "bound": bound}
        if fig.get("n") is not None:
            return t._(
                "{share} of {n} respondents who answered chose {choices} at {question} (the rule looks for {bound}).",
                n=t.integer(fig["n"]),
                **values,
            )
        return t._("{share} chose {choices} at {question} (the rule looks for {bound}).", **values)
    if kind == "groups_disagree":
        values = {"question": it, "spread": n(fig.get("group_spread"))}
        if fig.get("groups_published"):
            return t.ngettext(
                "Stakeholder groups disagree at {question}: their published scores are {spread} points apart "
                "({n} group published).",
                "Stakeholder groups disagree at {question}: their published scores are {spread} points apart "
                "({n} groups published).",
                int(fig["groups_published"]),
                **values,
            )
        return t._(
            "Stakeholder groups disagree at {question}: their published scores are {spread} points apart.", **values
        )
    if kind == "stakeholder_groups_below":
        k = int(fig.get("groups_published", 0) or 0)
        return t.ngettext(
            "{block}: {n} stakeholder group with a published score (the rule wants at least {minimum}).",
            "{block}: {n} stakeholder groups with a published score (the rule wants at least {minimum}).",
            k,
            block=b,
            minimum=fig.get("min_groups"),
        )
    if kind == "insufficient_data":
        status = str(fig.get("status", "missing"))
        reason = _word(STATUS_REASONS, status, language) if status in STATUS_REASONS else status.replace("_", " ")
        return t._("{block} has no published score ({reason}).", block=b, reason=reason)
    if kind == "alignment_below":
        pairs = _list(
            [f"{territory(str(p['territory']))} {n(p.get('score'))}" for p in fig.get("pairs") or []],
            language=language,
        )
        values = {"score": n(fig.get("score")), "threshold": n(fig.get("threshold"))}
        if fig.get("kind") == "vertical" and fig.get("national_period"):
            text = t._(
                "Alignment with the national S3 {period} is {score} of 100, below the rule's threshold of {threshold}",
                period=_period(fig["national_period"]),
                **values,
            )
        elif fig.get("kind") == "vertical":
            text = t._(
                "Alignment with the national strategy is {score} of 100, below the rule's threshold of {threshold}",
                **values,
            )
        elif str(fig.get("statistic", "")).endswith("min"):
            text = t._(
                "Lowest alignment with a neighbour is {score} of 100, below the rule's threshold of {threshold}",
                **values,
            )
        else:
            text = t._(
                "Mean alignment with the neighbours is {score} of 100, below the rule's threshold of {threshold}",
                **values,
            )
        return text + (f" ({pairs})." if pairs else ".")
    if kind == "perception_flag":
        ci = (
            " ("
            + t._(
                "interval {low}–{high}",
                low=n(fig["perceived_ci_low"]),
                high=n(fig["perceived_ci_high"]),
            )
            + ")"
            if fig.get("perceived_ci_low") is not None and fig.get("perceived_ci_high") is not None
            else ""
        )
        national = ""
        if fig.get("vertical") is not None:
            national = (
                # TRANSLATORS: part of "the written strategies measure 30 (national S3 2014–2020: 32 and neighbours 28)"
                t._("national S3 {period}: {score}", period=_period(fig["national_period"]), score=n(fig["vertical"]))
                if fig.get("national_period")
                else t._("national {score}", score=n(fig["vertical"]))
            )
        parts = [
            national,
            t._("neighbours {score}", score=n(fig["neighbours"])) if fig.get("neighbours") is not None else "",
        ]
        measured = f" ({_list(parts, language=language)})" if any(parts) else ""
        return t._(
            "Respondents rate alignment (block b2) at {perceived}{interval}; the written strategies "
            "measure {measured}{parts}. Compared as percentile ranks: {flag}.",
            perceived=n(fig.get("perceived")),
            interval=ci,
            measured=n(fig.get("measured")),
            parts=measured,
            flag=_word(FLAGS, fig.get("flag", ""), language),
        )
    if kind == "synergy_shared":
        topics = []
        for tp in (fig.get("topics") or [])[:3]:
            axis = _word(AXES, tp.get("axis"), language)
            partners = _list([territory(str(p)) for p in tp.get("partners") or []], language=language)
            same = list(
                dict.fromkeys(
                    classification(x.get("axis"), x.get("code"), language)
                    for x in tp.get("same_as") or []
                    if isinstance(x, Mapping)
                )
            )
            name = topic_title(tp, language) or tp.get("code")
            strength = tp.get("strength")  # over the territory's own pairs, as its synergy table rounds it
            if isinstance(strength, (int, float)) and strength == strength:
                values = {"topic": name, "axis": axis, "partners": partners, "strength": t.number(strength, 1)}
                topics.append(
                    # TRANSLATORS: strength = the sum of the territory's own pairs' matches (0–1 each)
                    t._(
                        "{topic} ({axis}; also as {same}; strength {strength} with {partners})",
                        same=_list(same, language=language),
                        **values,
                    )
                    if same
                    else t._("{topic} ({axis}; strength {strength} with {partners})", **values)
                )
                continue
            topics.append(
                t._(
                    "{topic} ({axis}; also as {same}; with {partners})",
                    topic=name,
                    axis=axis,
                    same=_list(same, language=language),
                    partners=partners,
                )
                if same
                else t._("{topic} ({axis}; with {partners})", topic=name, axis=axis, partners=partners)
            )
        count = int(fig.get("n_topics", len(topics)))
        if topics:
            return t.ngettext(
                "{n} topic shared with its own neighbours, the strongest: {topics}.",
                "{n} topics shared with its own neighbours, the strongest: {topics}.",
                count,
                topics="; ".join(topics),
            )
        return t.ngettext(
            "{n} topic shared with its own neighbours.", "{n} topics shared with its own neighbours.", count
        )
    parts = [f"{k.replace('_', ' ')} {v}" for k, v in fig.items() if k != "trigger"]
    # TRANSLATORS: names a rule of the user's own engine whose trigger has no name
    name = kind.replace("_", " ") or t._("rule")
    return f"{name}: " + "; ".join(parts)


# why a block has no published score (the engine's `status`), as the sentence names it
STATUS_REASONS = {
    "insufficient_items": N_("insufficient items"),
    "insufficient": N_("insufficient answers"),
    "suppressed": N_("suppressed"),
    "missing": N_("missing"),
}


def evidence_sentences(evidence: str | Mapping | None, *, limit: int = 4, language: str = "en", **labels) -> list[str]:
    """The sentences of a recommendation's evidence (the engine's JSON), the first `limit` of them; `number`
    among the labels names a question by its number in whom to learn from."""
    if isinstance(evidence, str):
        try:
            evidence = json.loads(evidence) if evidence else {}
        except ValueError:
            return []
    number = labels.pop("number", str)
    out = _figure_sentences(evidence or {}, limit, labels, language)
    for m in (evidence or {}).get("merged") or []:  # rows on the same subject merged into this one
        if isinstance(m, Mapping):
            out += _figure_sentences(m, limit, labels, language)
    learn = (evidence or {}).get("learn_from")
    if learn and isinstance(learn, list):
        out.append(learn_sentence(learn, territory=labels.get("territory", str), number=number, language=language))
    return out


def _figure_sentences(evidence: Mapping, limit: int, labels: dict, language: str = "en") -> list[str]:
    t = translator(language)
    trig = evidence.get("triggered_by")
    trig = [trig] if isinstance(trig, dict) else (trig or [])
    out = [
        _capital(sentence(x, language=language, **labels) if isinstance(x, Mapping) else str(x)) for x in trig[:limit]
    ]
    if len(trig) > limit:
        out.append(
            t.ngettext(
                "… and {n} more figure of the same kind.", "… and {n} more figures of the same kind.", len(trig) - limit
            )
        )
    behind = evidence.get("questions_behind_peers") or []
    out += [_capital(sentence(x, language=language, **labels)) for x in behind[:2] if isinstance(x, Mapping)]
    also = evidence.get("also") or []
    out += [_capital(sentence(x, language=language, **labels)) for x in also[:1] if isinstance(x, Mapping)]
    return out


def learn_sentence(learn: list, *, territory: Label = str, number: Label = str, language: str = "en") -> str:
    """Whom to learn from, with the figures that make each clearly higher (the engine's `learn_from`); several
    figures of one territory each labelled with their question's `number` ('b1.2: 87 (interval …)')."""
    t = translator(language)
    parts = []
    for e in learn:
        if not isinstance(e, Mapping):
            continue
        shown = [f for f in e.get("figures") or [] if isinstance(f, Mapping)]
        figs = ", ".join(
            # TRANSLATORS: a figure of a territory to learn from, labelled with its question's number: "b1.2: 87
            # (interval 82–92, n = 20)"
            t._("{number}: {figure}", number=number(str(code)), figure=_score(f, language=language))
            if len(shown) > 1 and (code := f.get("item") or f.get("block"))
            else _score(f, language=language)
            for f in shown
        )
        rel = f", {_word(RELATIONS, e['relation'], language)}" if e.get("relation") else ""
        parts.append(f"{territory(str(e.get('territory')))} {figs}{rel}".strip())
    return translator(language)._("Territories clearly higher on the same figure: {list}.", list="; ".join(parts))


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
