"""A first draft of an action plan from ranked cooperation topics, every unknown left as a marked gap.

The draft proposes one action per top topic and per action line that the topic's evidence
supports; owners, budgets and KPI targets are left for the partners to agree ("[...]" entries),
and the dates only spread the actions over the plan's period. Its texts are for the partners'
document, not for a terminal: the matched S3 priorities by title and territory name, and
indicators that fit the partnership (cross-border only when the partners are in more than one
country; regions of one country cooperate interregionally).
"""

from __future__ import annotations

import datetime as dt

import yaml

from ..cooperation import CooperationTopics

GAP = "[to be agreed by the partners]"


def _add_months(d: dt.date, n: int) -> dt.date:
    k = d.year * 12 + d.month - 1 + n
    return dt.date(k // 12, k % 12 + 1, 1)


def starter_plan(topics: CooperationTopics, *, top: int = 3, start: dt.date, years: int = 3) -> str:
    """YAML text of a draft plan for the first `top` topics of `topics` (status: draft)."""
    start = start.replace(day=1)
    end = _add_months(start, 12 * years - 1)
    actions = []
    for k, row in enumerate(topics.topics.head(top).itertuples(index=False), start=1):
        partners = str(row.partners).split()
        topic, title = str(row.topic), str(row.title)
        first = _add_months(start, 2 * (k - 1))
        matches = topics.match_texts.get(topic) or [str(row.best_matches)]
        ideas = "Cross-border project ideas" if spans_countries(partners) else "Interregional project ideas"
        actions += [
            {
                "id": f"T{k}.1",
                "line": "cooperation",
                "title": f"Matchmaking of the clusters on {title}",
                "topic": topic,
                "owner": GAP,
                "partners": partners,
                "start": f"{first:%Y-%m}",
                "end": f"{_add_months(first, 11):%Y-%m}",
                "kpis": [{"indicator": ideas, "unit": "ideas"}],
                "description": "Best-matching S3 priorities of the partners: " + "; ".join(matches) + ".",
            },
            {
                "id": f"T{k}.2",
                "line": "funding",
                "title": f"Joint call on {title} built on the partners' programmes",
                "topic": topic,
                "owner": GAP,
                "partners": partners,
                "start": f"{_add_months(first, 9):%Y-%m}",
                "end": f"{_add_months(first, 26):%Y-%m}",
                "kpis": [{"indicator": "Transregional projects funded", "unit": "projects"}],
                "description": (
                    f"One call on {title}: a consortium of the partners applies once, each region funds its own "
                    "participants from an existing programme. The joint calls plan names the programmes, the "
                    "common window and the decision date."
                ),
            },
        ]
    plan = {
        "format": "s3stresstest-action-plan/1",
        "title": "Joint cluster action plan",
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
