"""Reports of a StressTest run: one per territory, a synthesis across territories, a two-page policy memo.

    from s3stresstest.report import build_reports
    paths = build_reports("demo-output", "reports", formats=("html", "pdf", "docx"))

or piece by piece::

    inputs = ReportInputs.load("demo-output")             # tables, record, instrument, reference data
    doc = build_regional(inputs, "ITC1")                  # a neutral Document ...
    write_html(doc, "ITC1.html"); write_pdf(render_html(doc), "ITC1.pdf"); write_docx(doc, "ITC1.docx")

Layout of the output folder::

    index.html                   links to every report
    synthesis.html|pdf|docx
    memo.html|pdf|docx
    regional/<CODE>.html|pdf|docx
    regional/<CODE>.en.html|pdf|docx   with also_english, beside each report not in English
                                       (likewise synthesis.en.* and memo.en.*)

Languages (en, de, fr, it, sl): `language="de"` writes every report and the index in German. The
default, `language=None` (or "territory"), writes each regional report in its territory's language
(the `language` column of the regions file; English when none is given) and the synthesis, the memo
and the index in English. `also_english=True` adds the English version of every report not in English.

Every HTML file is self-contained (inline CSS and SVG, no external URL); PDFs come from the
same HTML (WeasyPrint); DOCX from the same document model (see `render`). When the results are
synthetic, every page of every format says so. The folder is written all or nothing.
"""

from __future__ import annotations

import functools
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from ..errors import InputError
from ..files import replace_dir
from ..findings import FindingParams, key_findings, rank_intervals, typology
from .inputs import ReportInputs
from .memo import build_memo
from .regional import build_regional
from .render import Document, render_html, write_docx, write_html, write_pdf
from .synthesis import build_synthesis

FORMATS = ("html", "pdf", "docx")

__all__ = [
    "FORMATS",
    "Document",
    "FindingParams",
    "ReportInputs",
    "build_memo",
    "build_regional",
    "build_reports",
    "build_synthesis",
    "key_findings",
    "parse_formats",
    "parse_language",
    "rank_intervals",
    "render_html",
    "typology",
    "write_docx",
    "write_html",
    "write_pdf",
]


def parse_formats(formats: str | Iterable[str]) -> tuple[str, ...]:
    """'html,pdf' or ['html', 'pdf'] -> ('html', 'pdf'); unknown formats refused."""
    items = formats.split(",") if isinstance(formats, str) else list(formats)
    out = []
    for f in items:
        f = str(f).strip().lower().lstrip(".")
        if not f:
            continue
        if f not in FORMATS:
            raise InputError(f"unknown report format '{f}' (choose from {', '.join(FORMATS)})")
        if f not in out:
            out.append(f)
    if not out:
        raise InputError(f"no report format given (choose from {', '.join(FORMATS)})")
    return tuple(out)


#: `language` value (and the CLI's default) for "each regional report in its territory's language"
TERRITORY = "territory"


def parse_language(language: str | None) -> str | None:
    """A report language code (en, de, fr, it, sl), or None for "each territory's own" (None or "territory");
    anything else refused with the allowed values."""
    from ..i18n import LANGUAGES, check_language

    if language is None or str(language).strip().lower() == TERRITORY:
        return None
    try:
        return check_language(str(language))
    except ValueError:
        raise InputError(
            f"unknown report language '{language}' (choose from {', '.join(LANGUAGES)}, or '{TERRITORY}' "
            "for each regional report in its territory's language)"
        ) from None


def _pdf_job(html: str, path: str) -> str:
    write_pdf(html, path)
    return path


def build_reports(
    results_dir: str | Path,
    out_dir: str | Path,
    formats: str | Iterable[str] = ("html",),
    territories: Iterable[str] | None = None,
    progress: Callable[[int, int, str], None] | None = None,
    *,
    overwrite: bool = False,
    ranks: bool = False,
    map_block: str = "b1",
    language: str | None = None,
    data_folder: str | Path | None = None,
    workers: int | None = None,
    inputs: ReportInputs | None = None,
    synthesis: bool = True,
    memo: bool = True,
    also_english: bool = False,
    shared_language: str | None = None,
) -> list[Path]:
    """Write every report of a results folder to `out_dir` (all or nothing); returns the files written.

    `territories`: regional reports only for these codes (default: every territory); the synthesis
    and the memo always cover all. `progress(done, total, what)` is called after each file.
    `workers`: processes rendering PDFs (default: up to 2, or the CPU count if lower).
    `language`: en, de, fr, it or sl for every report and the index; None or "territory": each
    regional report in its territory's language (English when the regions file gives none), the
    rest in English. `also_english`: the English version of every report not in English as well,
    as `<name>.en.<ext>` beside it, linked from the index. `shared_language`: with `language` None,
    the language of the synthesis, the memo and the index instead of English (the web admin's).
    """
    from ..files import prepare_out_dir

    fmts = parse_formats(formats)
    fixed = parse_language(language)
    out = prepare_out_dir(out_dir, overwrite)
    inputs = inputs or ReportInputs.load(results_dir, data_folder=data_folder)
    codes = inputs.check_territories(list(territories)) if territories else list(inputs.territories)
    if map_block not in inputs.blocks:
        raise InputError(
            f"--map-block '{map_block}' is not a block of these results (blocks: {', '.join(inputs.blocks)})"
        )
    inputs.prefetch()
    common = fixed or parse_language(shared_language) or "en"  # the language of the synthesis, the memo and the index
    # (file stem, language, builder); the English versions of reports in another language follow them
    jobs: list[tuple[str, str, Callable[[str], Document]]] = []
    if synthesis:  # first: the largest PDF starts first, so the workers finish together
        jobs.append(
            (
                "synthesis",
                common,
                lambda lang: build_synthesis(inputs, block_for_map=map_block, ranks=ranks, language=lang),
            )
        )
    if memo:
        jobs.append(("memo", common, lambda lang: build_memo(inputs, language=lang)))
    for c in codes:
        lang = fixed or inputs.territory_language(c) or "en"
        jobs.append((f"regional/{c}", lang, functools.partial(_regional, inputs, c)))
    if also_english:
        jobs += [(f"{stem}.en", "en", make) for stem, lang, make in list(jobs) if lang != "en"]
    total = len(jobs) * len(fmts)
    done = 0

    def tick(what: str) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total, what)

    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    written: list[str] = []
    pool = None
    try:
        (tmp / "regional").mkdir()
        pending = []
        if "pdf" in fmts:
            n = workers if workers is not None else min(2, os.cpu_count() or 1)
            if n > 1 and len(jobs) > 1:
                import multiprocessing
                import sys
                from concurrent.futures import ProcessPoolExecutor

                # fork on Linux: workers start at once and need no importable __main__; spawn elsewhere
                method = "fork" if sys.platform.startswith("linux") else "spawn"
                pool = ProcessPoolExecutor(n, mp_context=multiprocessing.get_context(method))
        titles: dict[str, tuple[str, str]] = {}
        for rel, lang, make in jobs:
            doc = make(lang)
            titles[rel] = (doc.title, lang)
            # only HTML and PDF need the rendered page; a DOCX-only run skips rendering
            html = render_html(doc) if ("html" in fmts or "pdf" in fmts) else ""
            if "html" in fmts:
                write_html(html, tmp / f"{rel}.html")
                written.append(f"{rel}.html")
                tick(f"{rel}.html")
            if "docx" in fmts:
                write_docx(doc, tmp / f"{rel}.docx")
                written.append(f"{rel}.docx")
                tick(f"{rel}.docx")
            if "pdf" in fmts:
                if pool is not None:
                    pending.append((rel, pool.submit(_pdf_job, html, str(tmp / f"{rel}.pdf"))))
                else:
                    write_pdf(html, tmp / f"{rel}.pdf")
                    written.append(f"{rel}.pdf")
                    tick(f"{rel}.pdf")
        if pending:
            from concurrent.futures import as_completed

            index = {fut: rel for rel, fut in pending}
            for fut in as_completed(index):
                fut.result()
                written.append(f"{index[fut]}.pdf")
                tick(f"{index[fut]}.pdf")
        _write_index(tmp, inputs, titles, fmts, common)
        written.append("index.html")
        replace_dir(tmp, out)
    except BaseException:
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
            pool = None
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        if pool is not None:
            pool.shutdown(wait=True)
    return [out / rel for rel in sorted(written)]


def _regional(inputs: ReportInputs, code: str, language: str) -> Document:
    return build_regional(inputs, code, language=language)


def run_name(results_dir: Path) -> str:
    """What a run is called: its folder's name, or the name of the folder around it when the run folder is
    just `results` (the web pages keep a run as `<run id>/results`)."""
    folder = Path(results_dir).resolve()
    return folder.parent.name if folder.name == "results" and folder.parent.name else folder.name


def _made(inputs: ReportInputs, t) -> str | None:
    """The day the run was made (its record's `created`), in the language; None when not recorded."""
    import datetime as dt

    try:
        return t.date(dt.datetime.fromisoformat(str(inputs.record.get("created") or "")))
    except ValueError:
        return None


def _write_index(
    folder: Path, inputs: ReportInputs, titles: dict[str, tuple[str, str]], fmts: tuple[str, ...], language: str
) -> None:
    """index.html in `language`: a row per report (its English version, if any, in a row of its own,
    the language's name beside the title or territory when it is not the index's language)."""
    from markupsafe import Markup

    from .. import __version__
    from ..i18n import LANGUAGE_NAMES, translator
    from .render import _environment, stylesheet

    t = translator(language)
    entries = []
    for rel, (title, lang) in titles.items():
        stem = rel[: -len(".en")] if rel.endswith(".en") else rel
        code = stem.split("/", 1)[1] if stem.startswith("regional/") else None
        other = f" ({LANGUAGE_NAMES[lang]})" if lang != language else ""
        entries.append(
            {
                "rel": rel,
                "title": title + other,
                "code": code,
                "name": (inputs.name(code) + other) if code else "",
                "language": lang,
                "language_name": LANGUAGE_NAMES[lang],
                "files": [f"{rel}.{f}" for f in fmts],
            }
        )
    # shared reports first, in the order written; then the regional ones by territory code (as the
    # synthesis lists them), each English version right after its report
    entries.sort(key=lambda e: (e["code"] is not None, e["code"] or "", str(e["rel"]).endswith(".en")))
    html = (
        _environment()
        .get_template("index.html.j2")
        .render(
            entries=entries,
            css=Markup(stylesheet()),
            synthetic=inputs.synthetic,
            # the run's synthetic-data notice is a message of the report catalogues (another notice stays as is)
            banner=t.gettext(inputs.banner) if inputs.banner else inputs.banner,
            version=__version__,
            run=run_name(inputs.results_dir),
            made=_made(inputs, t),
            language=language,
            _=t.gettext,
            ngettext=t.ngettext,
            pgettext=t.pgettext,
        )
    )
    write_html(html, folder / "index.html")
