"""Write a service validation: scores as CSV, the verdicts, and the reports (all or nothing)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from ..disclosure import publishable_distributions, publishable_scores
from ..files import staged_output_dir
from ..transfer.safe import to_safe_csv
from .model import PilotValidation
from .report import overview_document, pilot_document


def write_validation(
    v: PilotValidation,
    out: str | Path,
    *,
    formats: Iterable[str] = ("html",),
    languages: Iterable[str] | None = None,
    overwrite: bool = False,
) -> Path:
    """pilots.csv, verdicts.csv, block_scores.csv, item_scores.csv, distributions.csv, record.json and
    reports/<lang>/pilot_<CODE>.<ext> plus pilots_overview.<ext>. The CSVs follow k as the reports do
    (`disclosure`): a withheld figure is blank, with its status. Without `languages`, each pilot's
    report is in its region's language (`regions.languages`), read by the cluster and its companies,
    and the overview, read across the partnership, in English; with them, every report in each."""
    from ..report import parse_formats
    from ..report.render import write_document

    fmts = parse_formats(formats)
    with staged_output_dir(out, overwrite) as tmp:
        (tmp / "pilots.csv").write_text(to_safe_csv(v.pilots), encoding="utf-8")
        (tmp / "verdicts.csv").write_text(to_safe_csv(v.verdicts), encoding="utf-8")
        # published beside the reports, so under the reports' rule: nothing from fewer than k companies
        k = int(v.result.record["parameters"]["min_respondents"])
        multiple = [i.name for i in v.instrument.answerable_items if i.type == "select_multiple"]
        tables = {
            "block_scores": publishable_scores(v.result.block_scores, k),
            "item_scores": publishable_scores(v.result.item_scores, k),
            "distributions": publishable_distributions(v.result.distributions, k, multiple),
        }
        for name, table in tables.items():
            (tmp / f"{name}.csv").write_text(to_safe_csv(table), encoding="utf-8")
        record = {**v.result.record, "synthetic": v.synthetic, "instrument": v.instrument.form_id}
        (tmp / "record.json").write_text(json.dumps(record, indent=2, default=str) + "\n", encoding="utf-8")
        for lang, codes in report_languages(v, languages).items():
            folder = tmp / "reports" / lang
            folder.mkdir(parents=True)
            docs = [overview_document(v, lang) if c is None else pilot_document(v, c, lang) for c in codes]
            for doc in docs:
                write_document(doc, folder, doc.stem, fmts)
    return Path(out)


def report_languages(v: PilotValidation, languages: Iterable[str] | None = None) -> dict[str, list[str | None]]:
    """{language: the pilot codes whose report is written in it, None for the overview}."""
    from ..regions.languages import territory_language

    codes = [str(c) for c in v.pilots["code"]]
    if languages is not None:
        return {lang: [None, *codes] for lang in dict.fromkeys(languages)}
    out: dict[str, list[str | None]] = {"en": [None]}
    for code, region in zip(v.pilots["code"], v.pilots["region"], strict=True):
        out.setdefault(territory_language(str(region)), []).append(str(code))
    return out
