"""A first draft of an action plan from ranked cooperation topics, every unknown left as a marked gap.

The draft proposes one action per top topic and per action line that the topic's evidence
supports; owners, budgets and KPI targets are left for the partners to agree ("[...]" entries),
and the dates only spread the actions over the plan's period. Its texts are for the partners'
document, not for a terminal: the matched S3 priorities by title and territory name, and
indicators that fit the partnership (cross-border only when the partners are in more than one
country; regions of one country cooperate interregionally). Every text the draft writes is
written in the five report languages (`{en: ..., de: ..., ...}`), so that `plan build --language`
reads the partners' document in its language; the partners may keep, edit or drop each one.
"""

from __future__ import annotations

import datetime as dt

import yaml

from ..cooperation import CooperationTopics
from ..i18n import LANGUAGES, translator
from ..report.topic_names import topic_name
from .model import DEFAULT_TITLE, GAP


def _texts(topics: CooperationTopics, row, cross: bool, lang: str) -> dict[str, str]:
    """The draft's texts of one topic in one language."""
    t = translator(lang)
    axis, _, code = str(row.topic).partition(":")
    topic = topic_name(axis, code, str(row.title), lang)
    parts = topics.match_parts.get(str(row.topic))
    if parts:
        matches = "; ".join(
            t._("“{a}” ({region_a}) and “{b}” ({region_b}): {score} of 100", a=a, region_a=ra, b=b, region_b=rb,
                score=t.integer(round(score)))
            for a, ra, b, rb, score in parts
        )  # fmt: skip
    else:  # as the run wrote them
        matches = "; ".join(topics.match_texts.get(str(row.topic)) or [str(row.best_matches)])
    return {
        "gap": t._(GAP),
        "match": t._("Matchmaking of the clusters on {topic}", topic=topic),
        "ideas": t._("Cross-border project ideas") if cross else t._("Interregional project ideas"),
        "ideas_unit": t._("ideas"),
        "match_text": t._("Best-matching S3 priorities of the partners: {matches}.", matches=matches),
        "call": t._("Joint call on {topic} built on the partners' programmes", topic=topic),
        "funded": t._("Transregional projects funded"),
        "funded_unit": t._("projects"),
        "call_text": t._(
            "One call on {topic}: a consortium of the partners applies once, each region funds its own "
            "participants from an existing programme. The joint calls plan names the programmes, the "
            "common window and the decision date.",
            topic=topic,
        ),
    }


def _add_months(d: dt.date, n: int) -> dt.date:
    k = d.year * 12 + d.month - 1 + n
    return dt.date(k // 12, k % 12 + 1, 1)


def starter_plan(topics: CooperationTopics, *, top: int = 3, start: dt.date, years: int = 3) -> str:
    """YAML text of a draft plan for the first `top` topics of `topics` (status: draft), its texts in
    the five languages."""
    start = start.replace(day=1)
    end = _add_months(start, 12 * years - 1)
    actions = []
    for k, row in enumerate(topics.topics.head(top).itertuples(index=False), start=1):
        partners = str(row.partners).split()
        per_lang = {lang: _texts(topics, row, spans_countries(partners), lang) for lang in LANGUAGES}
        texts = {key: {lang: per_lang[lang][key] for lang in LANGUAGES} for key in per_lang["en"]}
        first = _add_months(start, 2 * (k - 1))
        actions += [
            {
                "id": f"T{k}.1",
                "line": "cooperation",
                "title": texts["match"],
                "topic": str(row.topic),
                "owner": texts["gap"],
                "partners": partners,
                "start": f"{first:%Y-%m}",
                "end": f"{_add_months(first, 11):%Y-%m}",
                "kpis": [{"indicator": texts["ideas"], "unit": texts["ideas_unit"]}],
                "description": texts["match_text"],
            },
            {
                "id": f"T{k}.2",
                "line": "funding",
                "title": texts["call"],
                "topic": str(row.topic),
                "owner": texts["gap"],
                "partners": partners,
                "start": f"{_add_months(first, 9):%Y-%m}",
                "end": f"{_add_months(first, 26):%Y-%m}",
                "kpis": [{"indicator": texts["funded"], "unit": texts["funded_unit"]}],
                "description": texts["call_text"],
            },
        ]
    plan = {
        "format": "s3stresstest-action-plan/1",
        "title": {lang: translator(lang)._(DEFAULT_TITLE) for lang in LANGUAGES},
        "status": "draft",
        "synthetic": bool(topics.synthetic),
        "territories": list(topics.territories),
        "start": f"{start:%Y-%m}",
        "end": f"{end:%Y-%m}",
        "actions": actions,
    }
    head = (
        "# DRAFT action plan written by `s3stresstest plan new` from the cooperation topics.\n"
        "# Owners, budgets (budget_eur) and KPI targets are for the partners to agree; dates only\n"
        "# spread the actions over the period. Set status: agreed and source: once agreed.\n"
        "# Texts are given per language (en, de, fr, it, sl; English required); one text stands for all.\n"
    )
    if topics.synthetic:
        head += "# SYNTHETIC: the topics come from invented survey answers.\n"
    return head + yaml.dump(plan, Dumper=_NoAliases, sort_keys=False, allow_unicode=True, width=100)


def spans_countries(partners: list[str]) -> bool:
    """Whether the partners (NUTS codes) are in more than one country: only then is a project cross-border."""
    return len({str(p)[:2].upper() for p in partners}) > 1


class _NoAliases(yaml.SafeDumper):
    """Writes shared lists in full (no &id001 anchors that confuse people editing the file)."""

    def ignore_aliases(self, data: object) -> bool:
        return True
