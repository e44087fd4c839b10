"""`summary.md`: a short readable account of a run, opening and closing with the synthetic notice when due."""

from __future__ import annotations

from ..formatting import num
from .model import SYNTHETIC_BANNER, StressTestRun


def summary_markdown(run: StressTestRun) -> str:
    """Blocks per territory with intervals, frontrunners, disagreements, and what each file holds."""
    rec, p = run.record, run.params.scoring
    lines: list[str] = []
    if run.synthetic:
        lines += [f"> **{SYNTHETIC_BANNER}**", ""]
    c = rec.get("counts", {})
    ins = run.instrument
    lines += [
        "# S3 StressTest results",
        "",
        f"Instrument: {ins.title} (`{ins.form_id}` version {ins.version}). "
        f"Territories: {c.get('territories')}; respondents: {c.get('respondents')}.",
        "",
        f"Scores are on 0–100 with {p.ci_level:.0%} bootstrap intervals ({p.bootstrap} resamples, seed "
        f"{p.seed}). A score is published only when at least {p.min_respondents} respondents with a value stand "
        "behind it; 'suppressed' and 'insufficient' mark figures that are withheld. The comparison is a "
        "learning tool, not a league table.",
        "",
        f"**Not for publication.** This folder is the analyst's working record: it holds the answers "
        f"(inputs/responses.csv) and tables with figures from fewer than {p.min_respondents} respondents "
        "(answer shares, counts, n), which the reports need to pool and withhold. Publish the reports and "
        "action outputs made from it, never the folder (README.txt).",
        "",
    ]
    blocks = run.blocks
    lines += ["## Blocks", ""] + [f"- **{b}**: {ins.block_label(b)}" for b in blocks] + [""]
    lines += [
        "## Block scores per territory",
        "",
        "| Territory | " + " | ".join(blocks) + " |",
        "|---|" + "---|" * len(blocks),
    ]
    cell = {
        (r.region, r.block): (
            f"{num(r.score)} [{num(r.ci_low)}–{num(r.ci_high)}]" if r.status == "ok" else str(r.status)
        )
        for r in run.block_scores.itertuples()
    }
    for region in run.territories:
        cells = [cell.get((region, b), "–") for b in blocks]
        lines.append(f"| {run.label(region)} | " + " | ".join(cells) + " |")
    lines += ["", "## Frontrunners per peer group", ""]
    fr = run.benchmarks.drop_duplicates(["peer_group", "block"])
    for row in fr.itertuples():
        lines.append(
            f"- {row.peer_group}, {row.block}: level {num(row.frontrunner_level)}; "
            f"frontrunners: {str(row.frontrunners) or '–'}"
        )
    flagged = int((run.item_dispersion["groups_disagree"] == True).sum())  # noqa: E712 - missing flags are not True
    lines += [
        "",
        "## Where stakeholder groups disagree",
        "",
        f"{flagged} (territory, item) pairs where published stakeholder-group scores differ by at least "
        f"{p.disagreement_threshold:g} points (see `item_dispersion.csv`).",
        "",
    ]
    lines += ["## Key findings", ""] + [f"- **{f['title']}**: {f['statement']}" for f in run.findings] + [""]
    lines += [
        "## Files",
        "",
        "- `item_scores.csv`, `block_scores.csv`, `distributions.csv`, `benchmarks.csv`: the main results",
        "- `group_item_scores.csv`, `group_block_scores.csv`: stakeholder-group breakdown",
        "- `item_dispersion.csv`: spread across respondents and groups",
        "- `response_counts.csv`: respondents per territory and stakeholder group, with invitations when known",
        f"- `recommendations.csv`: {len(run.recommendations)} recommendations, ranked per territory",
        "- `findings.csv` (figures in `findings/`), `typology*.csv`: findings across territories",
    ]
    if run.finding_texts is not None or run.type_texts is not None:
        lines += [
            "- `finding_texts.csv`, `type_texts.csv`: the texts of the findings and of the types in every report "
            "language (en, de, fr, it, sl), composed with the run",
        ]
    lines += [
        "- `run.json`: every parameter, seed, input checksum, reference-data and software version",
        "- `schema.json`: the columns and their kinds of every table",
        "- `inputs/`: the answers, territories, peer groups, invitations and questionnaire, to repeat the run",
    ]
    if run.context is not None:
        lines += [
            "- `context.csv`: Eurostat context statistics of each territory (year, unit, flag, source); "
            "shown beside the scores, never part of them",
            "- `structural_peers.csv`, `structural_peer_values.csv`: the most similar regions on those "
            "statistics (not the campaign's peer groups)",
        ]
    if run.alignment:
        lines += ["- `alignment/`: alignment of the S3 priorities (vertical, neighbours, matrix, synergies)"]
    if run.missing:
        lines += ["", "## Left out", ""] + [f"- {k.replace('_', ' ')}: {v}" for k, v in run.missing.items()]
    lines += [""]
    if run.synthetic:
        lines += [f"> **{SYNTHETIC_BANNER}**", ""]
    return "\n".join(lines)
