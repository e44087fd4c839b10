"""Import answers into a stored campaign: the code behind `s3stresstest import ... --campaign`,
the admin page's "Import answers" form and `POST /api/v1/campaigns/{id}/import`.

The file is read with the same importers as the CLI (`import_kobo`,
`import_limesurvey_csv`, `import_wide`, or the project's long responses CSV),
checked against the campaign's instrument and regions, then stored by
`Store.import_responses` in ONE transaction: all rows or none. Refused input raises
`InputError` whose problems name the file, line and column; the database is then
unchanged.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

import pandas as pd

from ..campaign.model import RESPONSE_COLUMNS
from ..errors import InputError, Problem
from .wide import ImportReport, ImportResult

KINDS = ("kobo", "limesurvey", "wide", "long")
KIND_LABELS = {
    "kobo": "KoboToolbox/ODK export (CSV or XLSX)",
    "limesurvey": "LimeSurvey response export (CSV, question and answer codes)",
    "wide": "Wide CSV/XLSX (as exported here)",
    "long": "Long responses CSV (respondent_id,region,stakeholder_group,item,value)",
}
SUFFIXES = {
    "kobo": (".csv", ".xlsx", ".xls"),
    "limesurvey": (".csv",),
    "wide": (".csv", ".xlsx"),
    "long": (".csv",),
}
_WHO = (
    "region",
    "region_column",
    "stakeholder_group",
    "group_column",
    "id_column",
    "id_prefix",
    "language",
    "language_column",
    "ignore_unknown",
)
OPTIONS = {
    "kobo": frozenset(_WHO + ("sheet",)),
    "limesurvey": frozenset(_WHO + ("include_incomplete",)),
    "wide": frozenset(),
    "long": frozenset(),
}
FLAGS = frozenset({"ignore_unknown", "include_incomplete"})
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _safe_name(name: str | None, default: str) -> str:
    base = _SAFE.sub("_", Path(name or "").name).strip("._")[:80]
    return base or default


def _flag(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


def clean_options(kind: str, options: dict | None) -> dict:
    """Drop empty values, turn flags into booleans, refuse options that do not apply to `kind`."""
    out: dict = {}
    problems: list[Problem] = []
    for key, value in (options or {}).items():
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if key in FLAGS:
            if not _flag(value):
                continue
            value = True
        elif isinstance(value, str):
            value = value.strip()
        if key not in OPTIONS[kind]:
            problems.append(Problem(f"option '{key}' does not apply to a {kind} import", field=key))
            continue
        out[key] = value
    for a, b in (("region", "region_column"), ("stakeholder_group", "group_column"), ("language", "language_column")):
        if a in out and b in out:
            problems.append(Problem(f"give either {a} or {b}, not both", field=b))
    if problems:
        raise InputError(problems)
    return out


def _check_kind(kind: str, filename: str | None = None) -> str:
    """A known kind; with `filename` (an upload), a file type that kind of import reads."""
    kind = (kind or "").strip().lower()
    if kind not in KINDS:
        raise InputError(Problem(f"unknown kind of file '{kind}' (one of: {', '.join(KINDS)})", field="kind"))
    if filename is None:
        return kind
    suffix = Path(filename).suffix.lower()
    if suffix not in SUFFIXES[kind]:
        raise InputError(
            Problem(
                f"a {kind} import takes {' or '.join(SUFFIXES[kind])} files, not '{suffix or filename}'",
                field="file",
                source=filename,
            )
        )
    return kind


def _mapping(mapping, kind: str):
    """None, a path, or the bytes of an uploaded mapping CSV (source,item[,value_map])."""
    if mapping is None or (isinstance(mapping, (bytes, str)) and not mapping):
        return None
    if kind not in ("kobo", "limesurvey"):
        raise InputError(
            Problem(f"a mapping file applies to kobo and limesurvey imports, not to {kind}", field="mapping")
        )
    if isinstance(mapping, bytes):
        from ..campaign.csvfile import decode_utf8
        from .mapping import parse_mapping

        return parse_mapping(decode_utf8(mapping, "mapping.csv"), "mapping.csv")
    from .mapping import as_mapping

    return as_mapping(mapping)


def _read_long(path: Path) -> ImportResult:
    """The project's long responses CSV, kept with its `_line` numbers for the store's checks; the
    formula guard of its own exports comes off (`unguard_frame`), so an export imports as it was."""
    from ..campaign.csvfile import read_csv_table
    from .safe import unguard_frame

    df = unguard_frame(read_csv_table(path, RESPONSE_COLUMNS))
    if "language" in df.columns and not df["language"].astype(str).str.strip().any():
        df = df.drop(columns=["language"])  # as exported for respondents without a known language
    report = ImportReport(source=path.name, format="long responses CSV")
    report.respondents = int(df["respondent_id"].nunique())
    report.rows = len(df)
    return ImportResult(responses=df, report=report)


def read_for_campaign(
    store, campaign_id: int, kind: str, path: Path, *, mapping=None, options: dict | None = None
) -> ImportResult:
    """Run the importer of `kind` on `path` against the campaign's instrument and regions."""
    info = store.get_campaign(campaign_id)
    instrument = store.get_instrument(info["instrument_id"])
    regions = store.regions(campaign_id)
    known = set(regions["region"]) or None
    kind = _check_kind(kind)
    opts = clean_options(kind, options)
    mapping = _mapping(mapping, kind)
    if kind == "kobo":
        from .kobo import import_kobo

        return import_kobo(path, instrument, mapping=mapping, known_regions=known, **opts)
    if kind == "limesurvey":
        from .limesurvey import import_limesurvey_csv

        return import_limesurvey_csv(path, instrument, mapping=mapping, known_regions=known, **opts)
    if kind == "wide":
        from .export import import_wide

        return import_wide(path, instrument, known_regions=known)
    return _read_long(path)


def _summary(campaign_id: int, kind: str, result: ImportResult, stored: int) -> dict:
    df = result.responses
    report = result.report
    return {
        "campaign_id": campaign_id,
        "kind": kind,
        "source": report.source,
        "respondents": int(df["respondent_id"].nunique()) if len(df) else 0,
        "rows": len(df),
        "answers": int(stored),
        "skipped": [{"line": line, "reason": why} for line, why in report.skipped],
        "report": report.lines(),
    }


def import_into_campaign(
    store,
    campaign_id: int,
    kind: str,
    data: bytes | str | Path,
    filename: str | None = None,
    *,
    mapping: bytes | str | Path | None = None,
    options: dict | None = None,
    with_responses: bool = False,
) -> dict:
    """Import one file of answers into campaign `campaign_id`, all rows or none.

    `data` is a path or the bytes of an upload (then `filename` gives its name and type).
    `options` (kobo, limesurvey): region | region_column, stakeholder_group | group_column,
    id_column, id_prefix, language | language_column, ignore_unknown, sheet (kobo),
    include_incomplete (limesurvey). Returns {campaign_id, kind, source, respondents, rows
    (long rows read), answers (rows stored: non-empty values), skipped [{line, reason}],
    report [lines]} (+ `responses`, the long DataFrame, with `with_responses`). Raises
    `InputError` (problems with file, line, column) and leaves the database unchanged."""
    kind = (kind or "").strip().lower()
    if isinstance(data, (bytes, bytearray)):
        if not data:
            raise InputError(Problem("choose a file to import (it is empty or missing)", field="file"))
        name = _safe_name(filename, "answers.csv")
        _check_kind(kind, name)
        folder = Path(tempfile.mkdtemp(prefix="s3st-import-"))
        try:
            path = folder / name
            path.write_bytes(bytes(data))
            return _run(store, campaign_id, kind, path, mapping, options, with_responses)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    return _run(store, campaign_id, kind, Path(data), mapping, options, with_responses)


def _run(store, campaign_id: int, kind: str, path: Path, mapping, options, with_responses: bool) -> dict:
    result = read_for_campaign(store, campaign_id, kind, path, mapping=mapping, options=options)
    responses = result.responses
    if len(responses) == 0:
        raise InputError(Problem("no answers to import", source=path.name))
    stored = store.import_responses(campaign_id, responses, source=path.name)
    if kind == "long":  # the plain long format, as the store keeps it
        keep = list(RESPONSE_COLUMNS) + (["language"] if "language" in responses.columns else [])
        result = ImportResult(responses=pd.DataFrame(responses[keep]).reset_index(drop=True), report=result.report)
    summary = _summary(campaign_id, kind, result, stored)
    if with_responses:
        summary["responses"] = result.responses
    return summary
