"""The action plan as a report document (HTML, PDF, DOCX through `report.render`), in five languages."""

from __future__ import annotations

from collections import defaultdict

from ..i18n import check_language, translator
from ..report.render import Bullets, Callout, Document, Figure, Paragraph, Table
from .gantt import gantt_svg
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


def plan_document(plan: ActionPlan, language: str = "en") -> Document:
    """The action plan: overview, a Gantt chart, one section per action line, KPIs and budget."""
    language = check_language(language)
    t = translator(language)
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
    svg = gantt_svg(plan, language)
    timeline = doc.section(t._("Timeline"), "timeline")
    data = Table(
        [t._("Action"), t._("Start"), t._("End")],
        [
            [f"{a.id} {text_in(a.title, language)}", t.date(a.start, "MMM y"), t.date(a.end, "MMM y")]
            for a in plan.actions
        ],
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
            description = text_in(a.description, language)
            if description:
                sec.add(Paragraph(description))
            sec.add(
                Bullets(
                    [
                        t._("Owner: {owner}", owner=text_in(a.owner, language)),
                        t._("Partners: {partners}", partners=", ".join(a.partners) or t._("not set")),
                        t._("Topic: {topic}", topic=_topic(a.topic, language) or t._("not set")),
                        t._(
                            "Runs from {start} to {end} ({months} months)",
                            start=t.date(a.start, "MMMM y"),
                            end=t.date(a.end, "MMMM y"),
                            months=a.months,
                        ),
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
