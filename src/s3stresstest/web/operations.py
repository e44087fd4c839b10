"""The admin operations, shared by the HTML pages and the JSON API.

Each function takes the store (and plain values) and returns plain values, raising
`InputError` for refused input, so both front ends report problems the same way.
"""

from __future__ import annotations

import io
import math
import re
import shutil
import tempfile
import zipfile
from pathlib import Path

import pandas as pd

from ..campaign.model import STAKEHOLDER_GROUPS
from ..campaign.responses import read_groups, read_regions
from ..errors import InputError, Problem
from . import i18n

MAX_INVITATIONS = 5000
MAX_INVITATIONS_PER_ROW = 1000
SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def safe_filename(name: str | None, default: str) -> str:
    base = Path(name or "").name
    base = SAFE_NAME.sub("_", base).strip("._")[:80]
    return base or default


def _with_temp_file(data: bytes, filename: str, reader):
    folder = Path(tempfile.mkdtemp(prefix="s3st-upload-"))
    try:
        path = folder / filename
        path.write_bytes(data)
        return reader(path)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# -- campaigns & instruments --------------------------------------------------------------
def check_languages(languages) -> list[str]:
    langs = [code for code in dict.fromkeys(languages or []) if code]
    bad = [code for code in langs if code not in i18n.LANGUAGES]
    if bad:
        raise InputError([Problem(f"language '{code}' is not offered (one of: {', '.join(i18n.LANGUAGES)})",
                                  field="languages") for code in bad])
    return langs or list(i18n.LANGUAGES)


def instrument_from_upload(data: bytes, filename: str | None):
    """Validate an uploaded XLSForm (.xlsx) with the instrument loader; InputError lists its problems."""
    from ..instrument import load_instrument

    name = safe_filename(filename, "instrument.xlsx")
    if not name.lower().endswith((".xlsx", ".xlsm")):
        raise InputError(f"'{name}' is not an XLSForm workbook (.xlsx)", source=name)
    if not data:
        raise InputError("the uploaded file is empty", source=name)
    return _with_temp_file(data, name, load_instrument)


def builtin_instrument_id(store) -> int:
    from ..instrument import load_builtin

    return store.add_instrument(load_builtin())


def create_campaign(store, name: str, *, languages=None, instrument_id: int | None = None,
                    instrument=None) -> int:
    name = (name or "").strip()
    if not name:
        raise InputError(Problem("a campaign needs a name", field="name"))
    if len(name) > 200:
        raise InputError(Problem("the name is longer than 200 characters", field="name"))
    langs = check_languages(languages)
    if instrument is not None:
        instrument_id = store.add_instrument(instrument)
    elif instrument_id is None:
        instrument_id = builtin_instrument_id(store)
    else:
        store.get_instrument(instrument_id)  # InputError when unknown
    return store.create_campaign(name, instrument_id, languages=langs)


def campaign_or_none(store, campaign_id: int) -> dict | None:
    try:
        return store.get_campaign(campaign_id)
    except (InputError, LookupError):
        return None


# -- regions and peer groups --------------------------------------------------------------
def regions_from_csv(data: bytes, filename: str | None) -> pd.DataFrame:
    return _with_temp_file(data, safe_filename(filename, "regions.csv"), read_regions)


def groups_from_csv(data: bytes, filename: str | None, known: set[str]) -> pd.DataFrame:
    return _with_temp_file(data, safe_filename(filename, "groups.csv"), lambda p: read_groups(p, known))


def known_regions(store, campaign_id: int) -> set[str]:
    return set(store.regions(campaign_id)["region"])


# -- invitations --------------------------------------------------------------------------
def invitation_rows(store, campaign: dict, requests: list[tuple[str, str, str, int]]) -> list[tuple[str, str, str]]:
    """Expand (region, group, language, count) requests into one tuple per link, checking each."""
    known = known_regions(store, campaign["id"])
    problems: list[Problem] = []
    rows: list[tuple[str, str, str]] = []
    total = 0
    for n, (region, group, language, count) in enumerate(requests, start=1):
        if count == 0:
            continue
        where = f"row {n}"
        if region not in known:
            problems.append(Problem(f"{where}: unknown region '{region}' (add it to the campaign first)", field="region"))
        if group not in STAKEHOLDER_GROUPS:
            problems.append(Problem(f"{where}: unknown stakeholder group '{group}' (one of: "
                                    f"{', '.join(STAKEHOLDER_GROUPS)})", field="stakeholder_group"))
        if language not in campaign.get("languages", []):
            problems.append(Problem(f"{where}: language '{language}' is not one of the campaign's "
                                    f"({', '.join(campaign.get('languages', []))})", field="language"))
        if not 0 < count <= MAX_INVITATIONS_PER_ROW:
            problems.append(Problem(f"{where}: count must be between 1 and {MAX_INVITATIONS_PER_ROW}", field="count"))
        total += max(count, 0)
        rows.extend([(region, group, language)] * max(min(count, MAX_INVITATIONS_PER_ROW), 0))
    if total > MAX_INVITATIONS:
        problems.append(Problem(f"at most {MAX_INVITATIONS} invitations at once (asked for {total})", field="count"))
    if not rows and not problems:
        problems.append(Problem("no invitations asked for: give a count of at least 1", field="count"))
    if problems:
        raise InputError(problems)
    return rows


def invitation_link(base_url: str, token: str) -> str:
    return f"{base_url}/s/{token}"


def open_link(base_url: str, token: str) -> str:
    return f"{base_url}/r/{token}"


def create_invitations(store, campaign: dict, requests, base_url: str) -> list[dict]:
    if campaign.get("status") != "open":
        raise InputError("the campaign is closed: no new invitations")
    rows = invitation_rows(store, campaign, requests)
    made = store.create_invitations(campaign["id"], rows)
    return [dict(inv, link=invitation_link(base_url, inv["token"])) for inv in made]


def invitations_csv(invitations: list[dict]) -> str:
    columns = ["invitation_id", "region", "stakeholder_group", "language", "link"]  # the id: to match later status
    df = pd.DataFrame([{k: inv[k] for k in columns} for inv in invitations], columns=columns)
    return df.to_csv(index=False, lineterminator="\n")


def create_open_link(store, campaign: dict, region: str, language: str, base_url: str) -> dict:
    if campaign.get("status") != "open":
        raise InputError("the campaign is closed: no new links")
    problems = []
    if region not in known_regions(store, campaign["id"]):
        problems.append(Problem(f"unknown region '{region}' (add it to the campaign first)", field="region"))
    if language not in campaign.get("languages", []):
        problems.append(Problem(f"language '{language}' is not one of the campaign's", field="language"))
    if problems:
        raise InputError(problems)
    token = store.create_open_link(campaign["id"], region, language)
    return {"region": region, "language": language, "token": token, "link": open_link(base_url, token)}


# -- monitoring, export, scoring ----------------------------------------------------------
def _plain(v):
    if v is None or v is pd.NaT:
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    if hasattr(v, "item"):
        v = v.item()
        if isinstance(v, float) and math.isnan(v):
            return None
    if hasattr(v, "isoformat"):
        return v.isoformat()
    return v


def records(df: pd.DataFrame) -> list[dict]:
    return [{k: _plain(v) for k, v in row.items()} for row in df.to_dict(orient="records")]


def response_rates(store, campaign_id: int) -> list[dict]:
    return records(store.response_rates(campaign_id))


def invitation_status(store, campaign_id: int, pages: list) -> pd.DataFrame:
    """Store.invitation_status with pages_done (pages saved in full, of pages_total) beside the
    last page's key: who to remind, and how far each respondent got. `pages`: the campaign's
    questionnaire pages (Web.instrument_pages, parsed once per process)."""
    from .survey import page_index

    df = store.invitation_status(campaign_id)
    at = df.columns.get_loc("last_page") + 1
    df.insert(at, "pages_done", [page_index(pages, k) for k in df["last_page"]])
    df.insert(at + 1, "pages_total", len(pages))
    return df.astype({"pages_done": "int64", "pages_total": "int64"})


def invitation_status_csv(store, campaign_id: int, pages: list) -> str:
    return invitation_status(store, campaign_id, pages).to_csv(index=False, lineterminator="\n")


def responses_csv(store, campaign_id: int, *, submitted_only: bool = True, include_contact: bool = False) -> str:
    df = store.responses(campaign_id, submitted_only=submitted_only, include_contact=include_contact)
    return df.to_csv(index=False, lineterminator="\n")


def score_zip(store, campaign: dict) -> bytes:
    """Run the StressTest on the stored answers; the result files (block_scores.csv, run.json...) as a zip."""
    from ..pipeline import run_stresstest
    from ..results import write_results

    data = store.campaign_data(campaign["id"])
    if data.responses is None or len(data.responses) == 0:
        raise InputError("no submitted answers to score yet")
    instrument = store.get_instrument(campaign["instrument_id"])
    data.description = data.description or f"campaign {campaign['id']}: {campaign['name']}"
    result = run_stresstest(data, instrument)
    folder = Path(tempfile.mkdtemp(prefix="s3st-score-"))
    try:
        out = write_results(result, folder / "results", instrument=instrument)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in sorted(out.rglob("*")):
                if path.is_file():
                    zf.write(path, path.relative_to(out).as_posix())
        return buf.getvalue()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
