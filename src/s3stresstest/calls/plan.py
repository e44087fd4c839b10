"""Plan synchronised joint calls: which programmes join, when the call runs, what differs.

    plan = plan_calls(load_programmes("programmes.yaml"), ["ecosystem:digital"], regions=["AT32", "ITC1"])
    plan.calls            # one row per call: call,topic,programmes,regions,open,close,decision,...
    plan.harmonisation("call-1")  # one row per field, one column per programme, `differs`

Each region funds its own participants from its own programme, so the call's budget is the sum
of the programmes' budgets (the "virtual common pot"), and a joint call needs programmes of at
least two regions. Pure: no files read or written here (see `write.write_plan`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from ..alignment.taxonomy import Taxonomy, builtin_taxonomies
from ..errors import InputError
from . import topics as tp
from .programmes import Programme, Programmes
from .window import Change, Window, blocking_changes, earliest_window

if TYPE_CHECKING:
    from .outcome import CallOutcome

CALL_COLUMNS = [
    "call",
    "topic",
    "programmes",
    "regions",
    "open",
    "close",
    "decision",
    "budget_eur",
    "status",
    "blocking",
]
MIN_REGIONS = 2


@dataclass(frozen=True)
class Call:
    """One planned call and why it is (not) feasible."""

    id: str
    topic: tuple[str, str]
    topic_title: str
    programmes: tuple[Programme, ...]
    window: Window | None
    decision: dt.date | None
    changes: tuple[Change, ...]
    blocking: str
    regions_without_programme: tuple[str, ...] = ()
    action: str = ""  # the action plan's joint-call action this call plans (`plan_partner_calls`)
    not_before: dt.date | None = None  # the call opens no earlier: its action's start
    earlier: Window | None = None  # when only a window before `not_before` exists: the earliest such

    @property
    def regions(self) -> list[str]:
        return sorted({p.region for p in self.programmes})

    @property
    def feasible(self) -> bool:
        return self.window is not None and not self.blocking

    @property
    def budget_eur(self) -> float | None:
        """The virtual common pot; None (missing, not 0) when no programme takes part."""
        return float(sum(p.budget_eur for p in self.programmes)) if self.programmes else None


@dataclass
class CallPlan:
    calls: list[Call]
    source: Programmes

    def harmonisation(self, call: str) -> pd.DataFrame:
        """What differs between the programmes of one call (see `harmonisation`)."""
        return harmonisation([p for c in self.calls if c.id == call for p in c.programmes])

    @property
    def synthetic(self) -> bool:
        return self.source.synthetic

    def outcomes(self) -> list[CallOutcome]:
        """The calls as an action plan shows them (`outcome.CallOutcome`): dates, or why not."""
        from .outcome import CallOutcome

        return [CallOutcome.of(c, self.synthetic) for c in self.calls]

    def table(self) -> pd.DataFrame:
        rows = [
            {
                "call": c.id,
                "topic": tp.label(c.topic, {}),
                "programmes": " ".join(p.id for p in c.programmes),
                "regions": " ".join(c.regions),
                "open": c.window.open.isoformat() if c.feasible and c.window else "",
                "close": c.window.close.isoformat() if c.feasible and c.window else "",
                "decision": c.decision.isoformat() if c.feasible and c.decision else "",
                "budget_eur": c.budget_eur,
                "status": "feasible" if c.feasible else "infeasible",
                "blocking": c.blocking,
            }
            for c in self.calls
        ]
        return pd.DataFrame(rows, columns=CALL_COLUMNS)


def _conflicts(programmes: Sequence[Programme], not_before: dt.date | None = None) -> list[str]:
    """The binding constraints of an infeasible window, as programme.field (value)."""
    first = max(p.earliest_open for p in programmes)
    binding = [f"action start ({not_before})"] if not_before is not None and not_before >= first else []
    first = max(first, not_before) if not_before is not None else first
    last = min(p.latest_close for p in programmes)
    need = max(p.min_open_days for p in programmes)
    out = binding + [f"{p.id}.earliest_open ({p.earliest_open})" for p in programmes if p.earliest_open == first]
    out += [f"{p.id}.latest_close ({p.latest_close})" for p in programmes if p.latest_close == last]
    out += [f"{p.id}.min_open_days ({p.min_open_days})" for p in programmes if p.min_open_days == need and need]
    for p in programmes:
        for start, end in p.blackout:
            if start <= last and end >= first:
                out.append(f"{p.id}.blackout ([{start}, {end}])")
    return out


def _explain(programmes: Sequence[Programme], changes: Sequence[Change], not_before: dt.date | None = None) -> str:
    conflict = "; ".join(_conflicts(programmes, not_before))
    if not changes:
        return f"no common window: {conflict}; no change of a single field makes the call feasible"
    best = changes[0]
    return f"no common window: {conflict}; smallest change: {best.describe()}"


def plan_call(
    call_id: str,
    topic: str,
    programmes: Iterable[Programme],
    taxonomies: dict[str, Taxonomy],
    regions: Sequence[str] | None = None,
    not_before: dt.date | None = None,
) -> Call:
    """Plan one call on `topic` from the programmes that cover it (only `regions`' when given), opening
    on or after `not_before` (the start of the action it belongs to: a call must not run before the
    work that prepares it)."""
    t = tp.resolve(topic, taxonomies)
    pool = [p for p in programmes if regions is None or p.region in regions]
    chosen = tuple(p for p in pool if any(tp.covers(tp.resolve(x, taxonomies), t, taxonomies) for x in p.topics))
    covered = {p.region for p in chosen}
    without = tuple(r for r in (regions or []) if r not in covered)
    title = tp.title(t, taxonomies)
    if len(covered) < MIN_REGIONS:
        who = ", ".join(sorted(covered)) or "no region"
        blocking = (
            f"programmes of {who} cover {tp.label(t, taxonomies)}: a joint call needs at least {MIN_REGIONS} regions"
        )
        return Call(call_id, t, title, chosen, None, None, (), blocking, without, not_before=not_before)
    window = earliest_window(chosen, not_before)
    if window is None:
        changes = tuple(blocking_changes(chosen, not_before))
        earlier = earliest_window(chosen) if not_before is not None else None
        why = _explain(chosen, changes, not_before)
        return Call(
            call_id, t, title, chosen, None, None, changes, why, without, not_before=not_before, earlier=earlier
        )
    decision = window.close + dt.timedelta(days=max(p.evaluation_days for p in chosen))
    return Call(call_id, t, title, chosen, window, decision, (), "", without, not_before=not_before)


def harmonisation(programmes: Sequence[Programme]) -> pd.DataFrame:
    """What differs between the programmes of a call: one row per field, one column per programme."""
    fields = {
        "region": lambda p: p.region,
        "name": lambda p: p.name,
        "funding_rate": lambda p: f"{p.funding_rate:.0%}",
        "max_grant_eur": lambda p: f"{p.max_grant_eur:,.0f}",
        "budget_eur": lambda p: f"{p.budget_eur:,.0f}",
        "eligible_beneficiaries": lambda p: ", ".join(p.eligible_beneficiaries) or "not stated",
        "languages": lambda p: ", ".join(p.languages) or "not stated",
        "earliest_open": lambda p: str(p.earliest_open),
        "latest_close": lambda p: str(p.latest_close),
        "min_open_days": lambda p: str(p.min_open_days),
        "evaluation_days": lambda p: str(p.evaluation_days),
    }
    rows = []
    for name, get in fields.items():
        values = {p.id: get(p) for p in programmes}
        rows.append({"field": name, **values, "differs": len(set(values.values())) > 1})
    return pd.DataFrame(rows, columns=["field", *[p.id for p in programmes], "differs"])


def plan_calls(
    programmes: Programmes,
    topics: Sequence[str],
    regions: Sequence[str] | None = None,
    taxonomies: dict[str, Taxonomy] | None = None,
) -> CallPlan:
    """One call per topic: ids call-1, call-2, ... (synthetic-call-1, ... from a synthetic file)."""
    if not topics:
        raise InputError("give at least one topic (--topic axis:code)")
    taxonomies = taxonomies or builtin_taxonomies()
    tp.check_programme_topics(programmes, taxonomies, source=programmes.path)
    unknown = [r for r in (regions or []) if r not in {p.region for p in programmes}]
    if unknown:
        raise InputError(f"--regions: no programme of {', '.join(unknown)} in {programmes.path or 'the file'}")
    prefix = "synthetic-call" if programmes.synthetic else "call"  # so that calls.csv itself says so
    calls = [plan_call(f"{prefix}-{i}", t, programmes, taxonomies, regions) for i, t in enumerate(topics, start=1)]
    return CallPlan(calls, programmes)


def plan_partner_calls(
    programmes: Programmes,
    wanted: Sequence[tuple],
    taxonomies: dict[str, Taxonomy] | None = None,
) -> CallPlan:
    """One call per (name, topic, partners), e.g. the joint-call actions of an action plan
    (`ActionPlan.joint_calls`): only the partners' programmes join; a partner without a programme on
    the topic is listed (`regions_without_programme`), and a call that no two partners' programmes can
    carry stays in the plan with the reason, so the calls follow the plan or say why they cannot.
    An optional fourth item, the action's start (`ActionPlan.joint_calls` gives it), is the earliest
    opening day: the call follows the work its action plans before it.
    Ids are call-<name> (synthetic-call-<name> from a synthetic file)."""
    if not wanted:
        raise InputError("the action plan has no joint-call action with a topic (line 'funding', field topic)")
    taxonomies = taxonomies or builtin_taxonomies()
    tp.check_programme_topics(programmes, taxonomies, source=programmes.path)
    prefix = "synthetic-call" if programmes.synthetic else "call"
    calls = []
    for name, topic, partners, *rest in wanted:
        call = plan_call(f"{prefix}-{name}", topic, programmes, taxonomies, list(partners), rest[0] if rest else None)
        calls.append(dataclasses.replace(call, action=name))
    return CallPlan(calls, programmes)
