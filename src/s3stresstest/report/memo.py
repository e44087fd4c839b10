"""The policy memo: two pages, four to six key findings, each with its evidence.

    doc = build_memo(inputs)

In the spirit of a policy brief: what was asked, what was found (each finding with the figures
behind it and the rule that produced it), what it suggests (the recommendations that fire
most often), and what the data are. The findings are those of `findings.key_findings`, in
their stated order, at most `max_findings` (4 to 6). The memo is laid out to fit two A4 pages
in PDF (a test checks it).
"""

from __future__ import annotations

import datetime as _dt

from ..errors import InputError
from ..findings import FindingParams, key_findings
from .common import peer_label
from .regional import recommendations
from .render import Callout, Document, Paragraph, Section, pct

MIN_FINDINGS, MAX_FINDINGS = 4, 6


def build_memo(inputs, *, max_findings: int = 6, findings_params: FindingParams | None = None) -> Document:
    """Two pages: the key findings with their evidence, the most frequent recommendations, the data."""
    from .. import __version__

    if not MIN_FINDINGS <= max_findings <= MAX_FINDINGS:
        raise InputError(f"a memo has {MIN_FINDINGS} to {MAX_FINDINGS} findings, not {max_findings}")
    params = findings_params or FindingParams()
    found = key_findings(inputs, params)[:max_findings]
    n = len(inputs.territories)
    counts = inputs.record.get("counts") or {}
    doc = Document(
        kind="memo",
        title="Clusters in Smart Specialisation: what the S3 StressTest shows",
        subtitle=f"Policy memo. {n} territories, {counts.get('respondents', '–')} respondents, "
        f"{inputs.instrument.title} version {inputs.instrument.version}.",
        stem="memo",
        synthetic=inputs.synthetic,
        banner=inputs.banner,
        toc=False,
        meta={"software": __version__, "generated": _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d")},
    )
    why = Section("Why this matters", "why", in_toc=False)
    why.add(
        Paragraph(
            "Smart Specialisation Strategies (S3) rely on cluster organisations to bring companies into the "
            "entrepreneurial discovery process and to carry the strategy into practice. The StressTest asks the "
            "people involved how far that works: in design, alignment, implementation, monitoring, impact and the "
            f"cluster portfolio. Peer groups: {', '.join(peer_label(g) for g in inputs.peer_groups)}."
        )
    )
    doc.sections.append(why)
    sec = Section("Key findings", "findings", in_toc=False)
    if len(found) < MIN_FINDINGS:
        sec.add(
            Paragraph(
                f"Only {len(found)} finding(s) could be derived from these results (a memo needs "
                f"{MIN_FINDINGS}); the missing data are listed in the synthesis report.",
                style="note",
            )
        )
    for i, f in enumerate(found, 1):
        sec.add(
            Callout(
                f"Evidence: {f['evidence']} Rule: {f['rule']} Figures: synthesis report, key finding {i}.",
                title=f"{i}. {f['statement']}",
                kind_of="finding",
            )
        )
    doc.sections.append(sec)
    act = Section("What it suggests", "actions", in_toc=False)
    recs, reason = recommendations(inputs)
    if recs is not None and len(recs):
        from ..recommend import recommendation_overview

        ov = recommendation_overview(recs)
        ov = (
            ov[ov["n_territories"] > 0]
            .sort_values(["n_territories", "priority", "rule_id"], ascending=[False, True, True])
            .head(3)
        )
        for r in ov.to_dict("records"):
            text = recs.loc[recs["rule_id"] == r["rule_id"], "recommendation"].iloc[0]
            act.add(
                Paragraph(
                    f"{r['title']} ({r['n_territories']} of {n} territories, {pct(r['share_territories'])}): "
                    f"{_first_sentence(text)}"
                )
            )
    else:
        act.add(Paragraph(f"No recommendations: {reason or 'no rule fired'}.", style="note"))
    doc.sections.append(act)
    about = Section("About the data", "data", in_toc=False)
    about.add(
        Paragraph(
            f"Scores 0–100 with {int(100 * float(inputs.parameters.get('ci_level', 0.9)))}% bootstrap intervals; "
            f"a figure is published only when at least {inputs.min_respondents} respondents stand behind it. "
            "Findings use "
            "published figures only and follow the rules stated with them; thresholds: "
            f"high score {params.high_score:.0f}, majority {params.majority_share:.0%}, strong alignment "
            f"{params.neighbour_alignment:.0f}. Alignment compares the published strategies, not survey answers. "
            "Details, figures and provenance: the synthesis and regional reports.",
            style="small",
        )
    )
    if inputs.synthetic:
        about.add(Callout(inputs.banner or "", kind_of="synthetic"))
    doc.sections.append(about)
    return doc


def _first_sentence(text: str) -> str:
    text = " ".join(str(text).split())
    cut = text.find(". ")
    return text if cut < 0 else text[: cut + 1]
