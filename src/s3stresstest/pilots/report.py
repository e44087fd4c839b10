"""Reports of a service validation: one per pilot cluster and an overview, in five languages."""

from __future__ import annotations

from ..disclosure import publishable_shares
from ..i18n import check_language, translator
from ..instrument.model import pick_label
from ..report.render import Document, Paragraph, Table
from .model import DIMENSIONS, PilotValidation


def _names(t) -> dict[str, str]:
    return {
        "s1": t._("Need"),
        "s2": t._("Quality"),
        "s3": t._("Usefulness"),
        "s4": t._("Willingness to pay"),
        "s5": t._("Recommendation"),
    }


def _verdict(t, verdict: str) -> str:
    return {
        "validated": t._("Validated"),
        "not validated": t._("Not validated"),
        "open": t._("Open: not enough answers"),
    }[verdict]


def _banner(t, v: PilotValidation) -> str | None:
    return t._("SYNTHETIC DATA: invented pilot clusters and invented answers.") if v.synthetic else None


def _ci_level(v: PilotValidation) -> float:
    """The interval level the scores were computed with (the scoring parameters; 90% by default)."""
    return float(v.result.record["parameters"].get("ci_level") or 0.9)


def _figure(t, row, k: int) -> str:
    if row is None or row["status"] != "ok":
        return t._("fewer than {k} answers", k=k)
    return t.interval(row["score"], row["ci_low"], row["ci_high"])


def region_label(region: str) -> str:
    """The region as readers know it, by name with the code in brackets ("Salzburg (AT32)"); the code
    alone when the NUTS reference data is not installed or the region is not a NUTS code."""
    from ..regions.territories import nuts_registry

    registry = nuts_registry()
    if registry is None or region not in registry:
        return region
    name = registry.name(region)
    return f"{name} ({region})" if name and name != region else region


def pilot_document(v: PilotValidation, code: str, language: str = "en") -> Document:
    """The validation report of one pilot cluster's service."""
    t = translator(check_language(language))
    pilot = {str(r["code"]): r for r in v.pilots.to_dict("records")}[code]
    k = int(v.result.record["parameters"]["min_respondents"])
    names = _names(t)
    doc = Document(
        kind="pilot",
        title=t._("Service validation: {service}", service=pilot["service"]),
        subtitle=t._(
            "{cluster} ({code}), region {region}",
            cluster=pilot["name"],
            code=code,
            region=region_label(str(pilot["region"])),
        ),
        stem=f"pilot_{code}",
        synthetic=v.synthetic,
        banner=_banner(t, v),
        language=language,
        toc=False,
    )
    sec = doc.section(t._("Verdict"), "verdict")  # the synthetic banner is the template's, at the top
    verdict = {str(r["code"]): str(r["verdict"]) for r in v.verdicts.to_dict("records")}[code]
    blocks = v.result.block_scores
    mine = {r["block"]: r for r in blocks[blocks["region"] == code].to_dict("records")}
    n = max((int(r["n"]) for r in mine.values()), default=0)
    answered = (
        t.ngettext("{n} company answered.", "{n} companies answered.", n)
        if n == 0 or n >= k
        else t._("Fewer than {k} companies answered.", k=k)  # a count below k is never printed
    )
    sec.add(Paragraph(answered, style="lead"))
    sec.add(Paragraph(_verdict(t, verdict), style="strong"))
    sec.add(
        Paragraph(
            t._(
                "A service counts as validated when the intervals of need, usefulness and recommendation all lie "
                "above 50, the neutral answer."
            ),
            style="note",
        )
    )
    others = blocks[(blocks["region"] != code) & (blocks["status"] == "ok")].groupby("block")["score"].mean()
    rows = []
    for b in DIMENSIONS:
        r = mine.get(b)
        shown = r is not None and r["status"] == "ok" and r["n"] >= k
        rows.append(
            [names[b], _figure(t, r, k), t.number(others.get(b)), t.integer(r["n"]) if shown and r is not None else "–"]
        )
    sec.add(
        Table(
            [t._("Dimension"), t._("Score [interval]"), t._("Mean of the other pilots"), t._("Answers")],
            rows,
            numeric=(1, 2, 3),
            caption=t._(
                "Scores from 0 (least favourable) to 100 (most favourable) with their {level} intervals.",
                level=t.percent(_ci_level(v)),
            ),
        )
    )
    dist = v.result.distributions
    fees = dist[(dist["region"] == code) & (dist["item"] == "fee_band")]
    sec2 = doc.section(t._("What companies would pay"), "fees")
    if fees.empty or int(fees["n"].max()) < k:
        sec2.add(Paragraph(t._("Fewer than {k} companies answered this question: no figures are shown.", k=k)))
    else:
        labels = {c.name: c for c in v.instrument.lists["fee_band"].choices}
        n = int(fees["n"].max())
        shares = {c: float(sh) for c, sh in zip(fees["choice"], fees["share"], strict=True)}
        # the reports' rule: small shares, and the next smallest while they could be worked out, are withheld
        _, hidden = publishable_shares(shares, n, k)
        small = {c for c, sh in shares.items() if 0 < round(sh * n) < k}
        fee_rows = [
            [
                pick_label(labels[c].labels, language) or c,
                t.percent(sh)
                if c not in hidden
                else t._("fewer than {k}", k=k)
                if c in small
                # TRANSLATORS: a share of k or more companies, hidden so that a smaller one cannot be worked out
                else t._("not shown (protects a smaller share)"),
            ]
            for c, sh in shares.items()
        ]
        sec2.add(
            Table(
                [t._("Yearly fee"), t._("Share of companies")],
                fee_rows,
                numeric=(1,),
                note=t._(
                    "A share standing for fewer than {k} companies is not shown; nor is the next smallest share "
                    "while the hidden ones could be worked out from the rest.",
                    k=k,
                ),
            )
        )
    return doc


def overview_document(v: PilotValidation, language: str = "en") -> Document:
    """All pilots side by side: verdict and the five dimensions."""
    t = translator(check_language(language))
    k = int(v.result.record["parameters"]["min_respondents"])
    names = _names(t)
    doc = Document(
        kind="pilot",
        title=t._("Validation of new cluster services"),
        subtitle=t.ngettext("{n} pilot cluster", "{n} pilot clusters", len(v.pilots)),
        stem="pilots_overview",
        synthetic=v.synthetic,
        banner=_banner(t, v),
        language=language,
        toc=False,
    )
    sec = doc.section(t._("Overview"), "overview")
    blocks = {(str(r["region"]), str(r["block"])): r for r in v.result.block_scores.to_dict("records")}
    verdict = {str(r["code"]): str(r["verdict"]) for r in v.verdicts.to_dict("records")}
    rows = []
    for p in v.pilots.to_dict("records"):
        code = str(p["code"])
        cells = [f"{p['name']} ({code})", str(p["service"]), _verdict(t, verdict[code])]
        for b in DIMENSIONS:
            r = blocks.get((code, b))
            cells.append(t.number(r["score"]) if r is not None and r["status"] == "ok" else t._("fewer than {k}", k=k))
        rows.append(cells)
    sec.add(Table([t._("Pilot cluster"), t._("Service"), t._("Verdict"), *[names[b] for b in DIMENSIONS]], rows,
                  numeric=(3, 4, 5, 6, 7), compact=True))  # fmt: skip
    return doc
