"""A call-text skeleton per call and language: the facts the planner knows, gaps marked to fill in.

Officials of the participating regions draft the joint call text together; the skeleton puts
the synchronised dates, the programmes and their rules side by side and leaves every statement
the planner cannot know (objectives, evaluation criteria, contacts) as a marked gap.
"""

from __future__ import annotations

from ..i18n import N_, Translator, translator
from .outcome import why_not
from .plan import Call, CallPlan

# The kinds of beneficiary the programmes files name (docs/action.md); another kind stays as written.
BENEFICIARIES = {
    "sme": N_("SME"),
    "large enterprise": N_("large enterprise"),
    "research organisation": N_("research organisation"),
    "cluster organisation": N_("cluster organisation"),
    "university": N_("university"),
}


def _beneficiary(kind: str, t: Translator) -> str:
    word = BENEFICIARIES.get(" ".join(str(kind).casefold().split()))
    return t._(word) if word else str(kind)


def _language_name(code: str, t: Translator) -> str:
    """'de' -> 'German' ('Deutsch', 'allemand'...): CLDR's name in t's language; another text as written."""
    from babel import Locale

    return Locale.parse(t.language).languages.get(str(code).strip().lower(), str(code))


def topic_name(axis: str, code: str, title: str, language: str) -> str:
    """The call topic's title in `language` when it is a built-in EU list's (`report.topic_names`)."""
    from ..report.topic_names import topic_name as name

    return name(axis, code, title, language)


def _programmes(call: Call, t: Translator) -> list[str]:
    """The participating programmes' table and their virtual common pot."""
    out = [
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
    pot = sum(p.budget_eur for p in call.programmes)
    return [
        *out,
        "",
        t._("Total budget of the participating programmes (virtual common pot): EUR {amount}.", amount=t.integer(pot)),
        "",
    ]


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
    topic = topic_name(call.topic[0], call.topic[1], call.topic_title, t.language)
    out += ["# " + t._("Joint call on {topic} ({call})", call=call.id, topic=topic), ""]
    if not call.feasible:
        reason = why_not(call.regions, call.changes, t, call.not_before, call.earlier)
        out += ["> " + t._("This call is not feasible as planned.") + " " + reason, ""]
    out += [
        "## " + t._("1. Purpose of the call"),
        "",
        t._(
            "This joint call supports transregional projects on {topic} ({code}). It is built on existing "
            "regional programmes: consortia apply once, and each region funds its own participants under "
            "its own programme.",
            topic=topic,
            code=code,
        ),
        "",
        gap,
        "",
        "## " + t._("2. Participating regions and programmes"),
        "",
    ]
    if not call.programmes:  # no table of nothing, no pot of "EUR 0": the budget is missing
        out += [t._("No programme contributes to this call: no region has a programme on this topic."), ""]
    else:
        out += _programmes(call, t)
    out += [
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
        who = ", ".join(_beneficiary(b, t) for b in p.eligible_beneficiaries) if p.eligible_beneficiaries else gap
        out.append(f"- {p.region} ({p.name}): {who}")
    out += [
        "",
        "## " + t._("5. Language of proposals"),
        "",
    ]
    for p in call.programmes:
        langs = ", ".join(_language_name(x, t) for x in p.languages) if p.languages else gap
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
