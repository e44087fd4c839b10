"""Write an action plan as HTML, PDF and DOCX (all or nothing)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from ..calls.outcome import CallOutcome
from ..files import staged_output_dir
from .document import plan_document
from .joint_calls import match_calls
from .model import ActionPlan

FORMATS = ("html", "pdf", "docx")


def write_plan_documents(
    plan: ActionPlan,
    out: str | Path,
    *,
    formats: Iterable[str] = FORMATS,
    languages: Iterable[str] = ("en",),
    overwrite: bool = False,
    calls: Sequence[CallOutcome] | None = None,
) -> list[Path]:
    """`action_plan.<lang>.<ext>` for each language and format; returns the files (under `out`).
    `calls`: the plan's planned joint calls (see `plan_document`); planned first, so they agree."""
    from ..report import parse_formats
    from ..report.render import write_document

    fmts = parse_formats(formats)
    if calls is not None:
        match_calls(plan, calls)  # refused before anything is written
    names = []
    with staged_output_dir(out, overwrite) as tmp:
        for lang in languages:
            for path in write_document(plan_document(plan, lang, calls), tmp, f"action_plan.{lang}", fmts):
                names.append(path.name)
    return [Path(out) / n for n in names]
