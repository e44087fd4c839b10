"""Write an action plan as HTML, PDF and DOCX (all or nothing)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..results import staged_output_dir
from .document import plan_document
from .model import ActionPlan

FORMATS = ("html", "pdf", "docx")


def write_plan_documents(
    plan: ActionPlan,
    out: str | Path,
    *,
    formats: Iterable[str] = FORMATS,
    languages: Iterable[str] = ("en",),
    overwrite: bool = False,
) -> list[Path]:
    """`action_plan.<lang>.<ext>` for each language and format; returns the files (under `out`)."""
    from ..report.render import render_html, write_docx, write_pdf

    fmts = [f.strip().lower() for f in formats]
    bad = [f for f in fmts if f not in FORMATS]
    if bad:
        raise ValueError(f"unknown format {', '.join(bad)}; use {', '.join(FORMATS)}")
    names = []
    with staged_output_dir(out, overwrite) as tmp:
        for lang in languages:
            doc = plan_document(plan, lang)
            html = render_html(doc)
            for f in fmts:
                name = f"action_plan.{lang}.{f}"
                if f == "html":
                    (tmp / name).write_text(html, encoding="utf-8")
                elif f == "pdf":
                    write_pdf(html, tmp / name)
                else:
                    write_docx(doc, tmp / name)
                names.append(name)
    return [Path(out) / n for n in names]
