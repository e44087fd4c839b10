"""A call-text skeleton per call and language: the facts the planner knows, gaps marked to fill in.

Officials of the participating regions draft the joint call text together; the skeleton puts
the synchronised dates, the programmes and their rules side by side and leaves every statement
the planner cannot know (objectives, evaluation criteria, contacts) as a marked gap.
"""

from __future__ import annotations

from ..i18n import translator
from .plan import Call, CallPlan


def call_text(call: Call, plan: CallPlan, language: str = "en") -> str:
    """Markdown skeleton of `call`'s text in `language`."""
    t = translator(language)
    gap = t._("[to be completed by the participating regions]")
    code = ":".join(call.topic)
    out: list[str] = []
    if plan.synthetic:
        out += [
            "> " + t._("SYNTHETIC EXAMPLE: the programmes behind this text are invented, not real funding programmes."),
            "",
        ]
    out += ["# " + t._("Joint call on {topic} ({call})", call=call.id, topic=call.topic_title), ""]
    if not call.feasible:
        if call.changes:
            reason = t._(
                "The programmes' dates leave no common window. The smallest change that makes the call "
                "feasible: {change}.",
                change=call.changes[0].describe(),
            )
        elif len(call.regions) < 2:
            reason = t._("Fewer than two regions have a programme on this topic.")
        else:
            reason = t._("The programmes' dates leave no common window, and no change of a single date does.")
        out += ["> " + t._("This call is not feasible as planned.") + " " + reason, ""]
    out += [
        "## " + t._("1. Purpose of the call"),
        "",
        t._(
            "This joint call supports transregional projects on {topic} ({code}). It is built on existing "
            "regional programmes: consortia apply once, and each region funds its own participants under "
            "its own programme.",
            topic=call.topic_title,
            code=code,
        ),
        "",
        gap,
        "",
        "## " + t._("2. Participating regions and programmes"),
        "",
        "| "
        + " | ".join(
            [t._("Region"), t._("Programme"), t._("Funding rate"), t._("Maximum grant (EUR)"), t._("Budget (EUR)")]
        )
        + " |",
        "|---|---|---|---:|---:|",
    ]
    for p in call.programmes:
        out.append(
            f"| {p.region} | {p.name} | {t.percent(p.funding_rate)} | {t.integer(p.max_grant_eur)} | "
            f"{t.integer(p.budget_eur)} |"
        )
    out += [
        "",
        t._(
            "Total budget of the participating programmes (virtual common pot): EUR {amount}.",
            amount=t.integer(call.budget_eur),
        ),
        "",
        "## " + t._("3. Timetable"),
        "",
    ]
    if call.feasible and call.window and call.decision:
        out += [
            "- " + t._("Call opens") + ": " + t.date(call.window.open),
            "- " + t._("Deadline for proposals") + ": " + t.date(call.window.close),
            "- " + t._("Funding decisions expected by") + ": " + t.date(call.decision),
        ]
    else:
        out.append(f"- {gap}")
    out += [
        "",
        "## " + t._("4. Who can apply"),
        "",
        t._("A consortium includes partners from at least two of the participating regions."),
        "",
    ]
    for p in call.programmes:
        who = ", ".join(p.eligible_beneficiaries) if p.eligible_beneficiaries else gap
        out.append(f"- {p.region} ({p.name}): {who}")
    out += [
        "",
        "## " + t._("5. Language of proposals"),
        "",
    ]
    for p in call.programmes:
        langs = ", ".join(p.languages) if p.languages else gap
        out.append(f"- {p.region}: {langs}")
    out += [
        "",
        "## " + t._("6. Evaluation and selection"),
        "",
        gap,
        "",
        "## " + t._("7. Contacts"),
        "",
        gap,
        "",
    ]
    return "\n".join(out)
