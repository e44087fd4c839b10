"""Reports from the admin pages: a campaign is scored into a run kept on the server, and its regional
reports, synthesis and memo are written from that run by the library the `report` command uses
(`s3stresstest.report.build_reports`), each regional report in its territory's language, the synthesis,
the memo and the index in the language of the admin who writes them (`shared_language`).

Nothing is recomputed for a report: it reads the kept run folder. A campaign's runs live in
`<runs_dir>/campaign<id>/<run id>/` with the run folder in `results/` and the HTML reports in
`reports/`. Run ids are UTC times (`run-20261206-181500`); every path a request names is checked
against them, so no request reads outside that folder.

PDF and DOCX take longer (a few seconds a report): `start_print` writes them with the HTML again in
a background thread, keeping its progress in `print.json` beside the run (read by every server
process), and swaps the finished folder in at once; until then the HTML reports stay readable.
"""

from __future__ import annotations

import datetime as _dt
import io
import json
import logging
import os
import re
import shutil
import threading
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

log = logging.getLogger(__name__)

RUN_ID = re.compile(r"run-\d{8}-\d{6}(?:-\d{1,3})?")
REPORT_FILE = re.compile(r"(?:regional/)?[A-Za-z0-9_.-]{1,80}\.(?:html|pdf|docx)")
MEDIA_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
#: a print job whose status was not updated for this long died with its server process
STALE_SECONDS = 3600


def campaign_runs(root: Path, campaign_id: int) -> Path:
    return Path(root) / f"campaign{int(campaign_id)}"


def run_dir(root: Path, campaign_id: int, run_id: str) -> Path | None:
    """The folder of a kept run, None when `run_id` is no run of this campaign."""
    if not RUN_ID.fullmatch(str(run_id)):
        return None
    folder = campaign_runs(root, campaign_id) / run_id
    return folder if (folder / "results" / "run.json").is_file() else None


def _new_run_id(folder: Path) -> str:
    base = "run-" + _dt.datetime.now(_dt.UTC).strftime("%Y%m%d-%H%M%S")
    run_id, n = base, 1
    while (folder / run_id).exists():
        run_id, n = f"{base}-{n}", n + 1
    return run_id


def keep_run(store, campaign_id: int, root: Path) -> str:
    """Score the campaign's submitted answers (`run.run_from_store`) into a run folder kept on the
    server; its id. InputError when there is nothing to score."""
    from ..run import run_from_store, write_run
    from ..run.reasons import NO_STRATEGIES_WEB

    run = run_from_store(store, int(campaign_id), no_strategies=NO_STRATEGIES_WEB)
    folder = campaign_runs(root, campaign_id)
    folder.mkdir(parents=True, exist_ok=True)
    run_id = _new_run_id(folder)
    try:
        write_run(run, folder / run_id / "results")
    except BaseException:
        shutil.rmtree(folder / run_id, ignore_errors=True)
        raise
    return run_id


def write_reports(root: Path, campaign_id: int, run_id: str, language: str = "en") -> list[Path]:
    """The HTML reports of a kept run: every regional report in its territory's language, the synthesis,
    the memo and an index in `language` (replacing earlier ones of the same run)."""
    from ..report import build_reports

    folder = run_dir(root, campaign_id, run_id)
    if folder is None:
        raise FileNotFoundError(run_id)
    return build_reports(folder / "results", folder / "reports", ["html"], overwrite=True, shared_language=language)


HTML_LANG = re.compile(rb'<html lang="([a-z]{2})"')


def shared_language(root: Path, campaign_id: int, run_id: str) -> str | None:
    """The language the run's synthesis, memo and index are written in (read from the index itself),
    None before they are written."""
    folder = run_dir(root, campaign_id, run_id)
    if folder is None:
        return None
    try:
        with (folder / "reports" / "index.html").open("rb") as f:
            m = HTML_LANG.search(f.read(512))
    except OSError:
        return None
    return m.group(1).decode() if m else "en"


def print_status(root: Path, campaign_id: int, run_id: str) -> dict | None:
    """The PDF/DOCX job of a run: {state: running|done|failed, done, total, ...}; None when never started.
    A running job not heard of for an hour counts as failed (its server process stopped)."""
    folder = run_dir(root, campaign_id, run_id)
    if folder is None:
        return None
    try:
        status = json.loads((folder / "print.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if status.get("state") == "running":
        age = _dt.datetime.now(_dt.UTC).timestamp() - (folder / "print.json").stat().st_mtime
        if age > STALE_SECONDS:
            status = dict(status, state="failed")
    return status


def _set_status(folder: Path, **status) -> None:
    tmp = folder / f"print.json.{os.getpid()}.{threading.get_ident()}"
    tmp.write_text(json.dumps(status), encoding="utf-8")
    os.replace(tmp, folder / "print.json")


def start_print(
    root: Path, campaign_id: int, run_id: str, *, done: Callable[[], None] | None = None, language: str | None = None
) -> bool:
    """Start writing the run's reports as HTML, PDF and DOCX in a background thread; False when a job of
    this run is already running. `done()` is called after a job that succeeded. The synthesis, the memo
    and the index keep the language they were written in (`language` when none is written yet)."""
    folder = run_dir(root, campaign_id, run_id)
    if folder is None:
        raise FileNotFoundError(run_id)
    with _JOBS_LOCK:
        status = print_status(root, campaign_id, run_id)
        if status and status.get("state") == "running":
            return False
        _set_status(folder, state="running", done=0, total=0)
    shared = shared_language(root, campaign_id, run_id) or language or "en"
    threading.Thread(target=_print, args=(folder, done, shared), name=f"reports-{run_id}", daemon=True).start()
    return True


_JOBS_LOCK = threading.Lock()


def _print(folder: Path, done: Callable[[], None] | None, language: str = "en") -> None:
    from ..report import build_reports

    def progress(n: int, total: int, what: str) -> None:
        _set_status(folder, state="running", done=n, total=total)

    try:
        build_reports(
            folder / "results",
            folder / "reports",
            ["html", "pdf", "docx"],
            overwrite=True,
            workers=1,
            progress=progress,
            shared_language=language,
        )
    except Exception as exc:  # the page says it failed; the HTML reports stay
        log.exception("writing PDF and DOCX reports in %s failed", folder)
        _set_status(folder, state="failed", error=type(exc).__name__)
        return
    _set_status(folder, state="done")
    if done is not None:
        done()


def _regions(folder: Path) -> pd.DataFrame:
    try:
        df = pd.read_csv(folder / "results" / "inputs" / "regions.csv", dtype=str, keep_default_na=False)
    except (OSError, ValueError):
        return pd.DataFrame(columns=["region", "name", "language"])
    return df if "language" in df.columns else df.assign(language="")


def report_files(root: Path, campaign_id: int, run_id: str) -> list[dict]:
    """The reports of a kept run, for a list of links: kind (index, synthesis, memo, regional), file
    (relative to the reports folder), territory code and name, language; empty before they are written."""
    folder = run_dir(root, campaign_id, run_id)
    if folder is None or not (folder / "reports" / "index.html").is_file():
        return []
    shared = shared_language(root, campaign_id, run_id) or "en"
    out: list[dict[str, Any]] = [
        {"kind": k, "file": f"{k}.html", "region": "", "name": "", "language": shared} for k in ("synthesis", "memo")
    ]
    regions = _regions(folder)
    for rec in regions.to_dict("records"):
        if (folder / "reports" / "regional" / f"{rec['region']}.html").is_file():
            out.append(
                {
                    "kind": "regional",
                    "file": f"regional/{rec['region']}.html",
                    "region": rec["region"],
                    "name": rec["name"],
                    "language": rec["language"] or "en",
                }
            )
    shown = [r for r in out if (folder / "reports" / r["file"]).is_file()]
    for r in shown:
        stem = r["file"][: -len(".html")]
        r["formats"] = [ext for ext in ("pdf", "docx") if (folder / "reports" / f"{stem}.{ext}").is_file()]
    return shown


def drop_runs_holding(root: Path, campaign_id: int, respondent_ids: list[str]) -> list[str]:
    """Delete the kept runs of a campaign whose answers include any of `respondent_ids`, with their
    reports; the ids of the runs deleted. After an erasure (GDPR Art. 17) no copy of the person's
    answers may stay on the server; a run whose answers cannot be read is deleted too, to be safe.
    Scoring again gives reports without them."""
    ids = {str(i) for i in respondent_ids}
    folder = campaign_runs(root, campaign_id)
    if not ids or not folder.is_dir():
        return []
    gone = []
    for run in sorted(p for p in folder.iterdir() if p.is_dir() and RUN_ID.fullmatch(p.name)):
        try:
            held = pd.read_csv(run / "results" / "inputs" / "responses.csv", usecols=["respondent_id"], dtype=str)
            holds = not ids.isdisjoint(held["respondent_id"])
        except (OSError, ValueError):
            holds = True
        if holds:
            shutil.rmtree(run, ignore_errors=True)
            gone.append(run.name)
    return gone


def kept_runs(root: Path, campaign_id: int) -> list[dict]:
    """A campaign's kept runs, newest first: id, when (UTC), whether its reports are written."""
    folder = campaign_runs(root, campaign_id)
    if not folder.is_dir():
        return []
    runs = []
    for path in folder.iterdir():
        if run_dir(root, campaign_id, path.name) is None:
            continue
        when = _dt.datetime.strptime(path.name[4:19], "%Y%m%d-%H%M%S").replace(tzinfo=_dt.UTC)
        runs.append({"id": path.name, "when": when, "reports": (path / "reports" / "index.html").is_file()})
    return sorted(runs, key=lambda r: r["id"], reverse=True)


def report_path(root: Path, campaign_id: int, run_id: str, name: str) -> Path | None:
    """The file of one report (`synthesis.html`, `regional/AT32.html`), None when there is no such report."""
    folder = run_dir(root, campaign_id, run_id)
    if folder is None or not REPORT_FILE.fullmatch(name) or ".." in name:
        return None
    path = folder / "reports" / name
    return path if path.is_file() else None


def reports_zip(root: Path, campaign_id: int, run_id: str) -> bytes | None:
    """Every report of a kept run as one zip (the reports folder as written: index, synthesis, memo,
    regional/), None before they are written. The run's answers are not part of it."""
    folder = run_dir(root, campaign_id, run_id)
    if folder is None or not (folder / "reports" / "index.html").is_file():
        return None
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted((folder / "reports").rglob("*")):
            if path.is_file():
                zf.write(path, f"reports-{run_id}/" + path.relative_to(folder / "reports").as_posix())
    return buf.getvalue()
