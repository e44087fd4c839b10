"""The plan's joint-call actions on the planned calls' dates, so the plan and the calls plan agree.

The joint calls are planned first (`calls plan --plan`), each opening no earlier than its action
starts; the action keeps the partners' months and shows its call's dates, unless the funding
decisions fall after its end: then its end moves to the decision month and the plan says so. A call
that cannot run is shown as such with the reason instead of as an ordinary action. Calls planned
from another plan (other actions, topics, partners or starts) are refused rather than shown beside
the wrong actions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..calls.outcome import CallOutcome
from ..errors import InputError, Problem
from .model import ActionPlan


def _same_topic(planned: str, asked: str) -> bool:
    if planned == asked:
        return True
    from ..alignment.taxonomy import builtin_taxonomies
    from ..calls.topics import resolve

    try:
        taxonomies = builtin_taxonomies()
        return resolve(planned, taxonomies) == resolve(asked, taxonomies)
    except InputError:
        return False


def match_calls(plan: ActionPlan, calls: Sequence[CallOutcome], source: str = "") -> dict[str, CallOutcome]:
    """{action id: its planned call} for every joint-call action of `plan`; an InputError names each
    action without its call, or whose call was planned on another topic or with other partners."""
    wanted = {aid: (topic, partners, start) for aid, topic, partners, start in plan.joint_calls()}
    got = {c.action: c for c in calls if c.action}
    again = "plan the calls of this plan again (calls plan --plan)"
    problems = []
    for aid, (topic, partners, start) in wanted.items():
        c = got.get(aid)
        if c is None:
            problems.append(Problem(f"action {aid}: no planned call; {again}", source=source or None))
        elif not _same_topic(c.topic, topic) or c.partners != frozenset(partners):
            problems.append(
                Problem(
                    f"action {aid}: call {c.call} was planned on {c.topic} with {', '.join(sorted(c.partners))}, "
                    f"the plan asks for {topic} with {', '.join(partners)}; {again}",
                    source=source or None,
                )
            )
        elif c.not_before != start:
            planned = f"from {c.not_before:%Y-%m}" if c.not_before else "without the action's start"
            problems.append(
                Problem(
                    f"action {aid}: call {c.call} was planned {planned}, the action starts in {start:%Y-%m}; {again}",
                    source=source or None,
                )
            )
    extra = sorted(set(got) - set(wanted))
    if extra:
        problems.append(
            Problem(f"calls of actions the plan has not: {', '.join(extra)}; {again}", source=source or None)
        )
    if problems:
        raise InputError(problems)
    return {aid: got[aid] for aid in wanted}


def scheduled(plan: ActionPlan, calls: Mapping[str, CallOutcome]) -> ActionPlan:
    """`plan` with each joint-call action lasting at least until its call's decision month (the call
    opens no earlier than the action starts, so the start stays); other actions as planned."""
    actions = []
    for a in plan.actions:
        c = calls.get(a.id)
        if c is not None and c.decision is not None and c.decision.replace(day=1) > a.end:
            a = a.model_copy(update={"end": c.decision.replace(day=1)})
        actions.append(a)
    return plan.model_copy(update={"actions": tuple(actions)})
