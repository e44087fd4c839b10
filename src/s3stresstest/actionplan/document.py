"""The action plan as a report document (HTML, PDF, DOCX through `report.render`), in five languages."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from ..calls.outcome import CallOutcome
from ..i18n import Translator, check_language, translator
from ..report.render import Bullets, Callout, Document, Figure, Paragraph, Table
from .gantt import gantt_svg
from .joint_calls import match_calls, scheduled
from .model import Action, ActionPlan, text_in


def _kpis(a: Action, t, language: str) -> str:
    if not a.kpis:
        return t._("not set")
    parts = []
    for k in a.kpis:
        indicator, unit = text_in(k.indicator, language), text_in(k.unit, language)
        if k.target is None:
            text = t._("{indicator}: target not set", indicator=indicator)
        else:
            target = t.number(k.target, 0 if float(k.target).is_integer() else 1)
            text = f"{indicator}: {target}" + (f" {unit}" if unit else "")
        if k.baseline is not None:
            text += " " + t._("(baseline {value})", value=t.number(k.baseline))
        parts.append(text)
    return "; ".join(parts)


def _topic(topic: str, language: str) -> str:
    """'ecosystem:health' as the reader reads it ('Gesundheit'): the title of a built-in EU list in the
    document's language; any other topic as written."""
    from ..report.topic_names import TITLES, topic_name

    axis, _, code = topic.partition(":")
    english = TITLES.get((axis, code))
    return topic_name(axis, code, english, language) if english else topic


def _budget(v: float | None, t) -> str:
    return t._("to be set") if v is None else t.integer(v)


def _call_facts(c: CallOutcome, t: Translator) -> list[str]:
    """A joint-call action's call: its dates, and which partners have a programme on the topic."""
    out = []
    if c.feasible and c.open and c.close and c.decision:
        out.append(
            t._(
                "Joint call {call}: opens on {open}, closes on {close}, funding decisions by {decision}.",
                call=c.call,
                open=t.date(c.open),
                close=t.date(c.close),
                decision=t.date(c.decision),
            )
        )
    if c.without:
        out.append(
            t.ngettext(
                "{n} of {total} partners has no programme on this topic: {codes}.",
                "{n} of {total} partners have no programme on this topic: {codes}.",
                len(c.without),
                total=len(c.partners),
                codes=", ".join(c.without),
            )
        )
    else:
        out.append(t._("Every partner has a programme on this topic."))
    if c.regions:
        out.append(t._("Programmes taking part: those of {codes}.", codes=", ".join(c.regions)))
    return out


def plan_document(plan: ActionPlan, language: str = "en", calls: Sequence[CallOutcome] | None = None) -> Document:
    """The action plan: overview, a Gantt chart, one section per action line, KPIs and budget.

    `calls`: the planned joint calls (`calls.CallPlan.outcomes()` or `calls.read_outcomes`); each
    joint-call action then runs on its call's dates, or is marked not feasible with the reason."""
    language = check_language(language)
    t = translator(language)
    planned = match_calls(plan, calls) if calls is not None else {}
    asked = {a.id: a.end for a in plan.actions}  # the partners' months, before a call moves an end
    plan = scheduled(plan, planned)
    if plan.synthetic:
        banner: str | None = t._("SYNTHETIC EXAMPLE: invented actions, not an agreed plan.")
    elif plan.status == "draft":
        banner = t._("DRAFT: not yet agreed by the partners; entries in brackets are still to be completed.")
    else:
        banner = None
    doc = Document(
        kind="actionplan",
        title=plan.title_in(language),
        subtitle=t._(
            "Joint cluster action plan {start} to {end}",
            start=t.date(plan.start, "MMMM y"),
            end=t.date(plan.end, "MMMM y"),
        ),
        stem="action_plan",
        synthetic=plan.synthetic,
        banner=banner,
        language=language,
    )
    overview = doc.section(t._("Overview"), "overview")
    if banner:
        overview.add(Callout(banner, kind_of="synthetic"))
    if plan.source:
        overview.add(Paragraph(t._("Agreed by: {source}", source=plan.source), style="note"))
    with_budget = [a.budget_eur for a in plan.actions if a.budget_eur is not None]
    without = len(plan.actions) - len(with_budget)
    # the partners are the territories that take part in an action; the plan may list more
    partners = {p for a in plan.actions for p in a.partners}
    overview.add(
        Paragraph(
            t.ngettext(
                "{n} action in {lines} action lines, with {territories} partner territories.",
                "{n} actions in {lines} action lines, with {territories} partner territories.",
                len(plan.actions),
                lines=len({a.line for a in plan.actions}),
                territories=len(partners),
            ),
            style="lead",
        )
    )
    idle = [c for c in plan.territories if c not in partners]
    if idle:
        overview.add(
            Paragraph(
                t.ngettext(
                    "{n} territory of the plan takes part in no action yet: {codes}.",
                    "{n} territories of the plan take part in no action yet: {codes}.",
                    len(idle),
                    codes=", ".join(idle),
                )
            )
        )
    if with_budget:
        budget_text = t._("Budget of the actions with a budget: EUR {total}.", total=t.integer(sum(with_budget)))
        if without:
            budget_text += " " + t.ngettext("{n} action has no budget yet.", "{n} actions have no budget yet.", without)
    else:
        budget_text = t.ngettext(
            "Budget: to be set (the action has no budget yet).",
            "Budget: to be set (none of the {n} actions has a budget yet).",
            len(plan.actions),
        )
    overview.add(Paragraph(budget_text))
    if planned:
        runs = sum(c.feasible for c in planned.values())
        if runs == len(planned):
            calls_text = t.ngettext(
                "The joint call can run on the partners' programmes as planned.",
                "All {n} joint calls can run on the partners' programmes as planned.",
                runs,
            )
        else:
            calls_text = t.ngettext(
                "{n} of the {total} joint calls can run on the partners' programmes as planned; "
                "the others are marked not feasible, with the reason.",
                "{n} of the {total} joint calls can run on the partners' programmes as planned; "
                "the others are marked not feasible, with the reason.",
                runs,
                total=len(planned),
            )
        overview.add(Paragraph(calls_text))
        if any(c.synthetic for c in planned.values()):
            overview.add(
                Callout(
                    t._("The joint calls are planned on SYNTHETIC example programmes, not real funding programmes."),
                    kind_of="synthetic",
                )
            )
    elif plan.joint_calls():
        overview.add(
            Paragraph(
                t._(
                    "The dates of the joint calls are not yet checked against the partners' programmes: plan "
                    "the calls first ({calls_command}) and build the plan with them ({build_option}).",
                    calls_command="s3stresstest calls plan --plan",
                    build_option="--calls",
                ),
                style="note",
            )
        )
    per_line: dict[str, list[float]] = defaultdict(list)
    for a in plan.actions:
        if a.budget_eur is not None:
            per_line[a.line].append(a.budget_eur)
    rows = []
    for line in plan.lines:
        acts = [a for a in plan.actions if a.line == line.id]
        if acts:
            money = per_line.get(line.id)
            rows.append(
                [line.title_in(language), t.integer(len(acts)), t.integer(sum(money)) if money else t._("to be set")]
            )
    overview.add(Table([t._("Action line"), t._("Actions"), t._("Budget (EUR)")], rows, numeric=(1, 2)))
    svg = gantt_svg(plan, language, planned)
    timeline = doc.section(t._("Timeline"), "timeline")

    def months(a: Action) -> list[str]:
        if a.id in planned and not planned[a.id].feasible:
            return [t._("not feasible")] * 2
        return [t.date(a.start, "MMM y"), t.date(a.end, "MMM y")]

    data = Table(
        [t._("Action"), t._("Start"), t._("End")],
        [[f"{a.id} {text_in(a.title, language)}", *months(a)] for a in plan.actions],
    )
    timeline.add(
        Figure(
            svg,
            t._("Timeline of the actions"),
            t._("Gantt chart: one bar per action from its start to its end month, grouped by action line."),
            data=data,
            wide=True,
        )
    )
    for line in plan.lines:
        acts = sorted((a for a in plan.actions if a.line == line.id), key=lambda a: (a.start, a.id))
        if not acts:
            continue
        sec = doc.section(line.title_in(language), f"line-{line.id}")
        for a in acts:
            sec.add(Paragraph(f"{a.id} — {text_in(a.title, language)}", style="strong"))
            call = planned.get(a.id)
            if call is not None and not call.feasible:
                sec.add(Callout(t._("This call is not feasible as planned.") + " " + call.reason(t), kind_of="missing"))
            description = text_in(a.description, language)
            if description:
                sec.add(Paragraph(description))
            if call is not None and not call.feasible:
                period = t._("Runs: not feasible as planned, no dates ({call})", call=call.call)
            else:
                period = t.ngettext(
                    "Runs from {start} to {end} ({months} month)",
                    "Runs from {start} to {end} ({months} months)",
                    a.months,
                    start=t.date(a.start, "MMMM y"),
                    end=t.date(a.end, "MMMM y"),
                    months=a.months,
                )
            moved = []
            if call is not None and call.decision is not None and a.end != asked[a.id]:
                moved.append(
                    t._(
                        "Moved: the call's funding decisions ({decision}) come after the planned end ({end}), "
                        "so the action now ends in {new_end}.",
                        decision=t.date(call.decision),
                        end=t.date(asked[a.id], "MMMM y"),
                        new_end=t.date(a.end, "MMMM y"),
                    )
                )
            sec.add(
                Bullets(
                    [
                        t._("Owner: {owner}", owner=text_in(a.owner, language)),
                        t._("Partners: {partners}", partners=", ".join(a.partners) or t._("not set")),
                        t._("Topic: {topic}", topic=_topic(a.topic, language) or t._("not set")),
                        period,
                        *moved,
                        *(_call_facts(call, t) if call is not None else []),
                        t._("Budget (EUR): {budget}", budget=_budget(a.budget_eur, t)),
                        t._("Key performance indicators: {kpis}", kpis=_kpis(a, t, language)),
                    ]
                )
            )
    kpi = doc.section(t._("Key performance indicators"), "kpis")
    kpi_rows = [
        [a.id, text_in(k.indicator, language), t.number(k.baseline) if k.baseline is not None else t._("not set"),
         t.number(k.target) if k.target is not None else t._("not set"), text_in(k.unit, language)]
        for a in plan.actions
        for k in a.kpis
    ]  # fmt: skip
    if kpi_rows:
        kpi.add(
            Table(
                [t._("Action"), t._("Indicator"), t._("Baseline"), t._("Target"), t._("Unit")], kpi_rows, numeric=(2, 3)
            )
        )
    missing = [a.id for a in plan.actions if not a.kpis]
    if missing:
        kpi.add(Paragraph(t._("Actions without indicators yet: {ids}.", ids=", ".join(missing)), style="note"))
    return doc
