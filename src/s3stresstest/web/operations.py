"""The admin operations, shared by the HTML pages and the JSON API.

Each function takes the store (and plain values) and returns plain values, raising
`InputError` for refused input, so both front ends report problems the same way; the
routes differ only in the shape of the answer (page or redirect, JSON or file). A file
to save is a `Download`, sent by both front ends with `core.attachment(*download)`.
"""

from __future__ import annotations

import datetime as _dt
import io
import math
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd

from ..campaign.model import STAKEHOLDER_GROUPS
from ..campaign.responses import read_groups, read_regions
from ..errors import InputError, Problem
from ..transfer.safe import to_safe_csv
from . import i18n
from .i18n import N_

MAX_INVITATIONS = 5000
MAX_INVITATIONS_PER_ROW = 1000
SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP_TYPE = "application/zip"


@dataclass(frozen=True)
class Said(Problem):
    """A problem whose message is a translatable text (`template`) filled with `values`: the API and
    the command line read `message` (English), the admin pages translate `template`."""

    template: str = ""
    values: tuple[tuple[str, Any], ...] = ()

    def __eq__(self, other: object) -> bool:  # compares like the plain Problem it stands for
        return isinstance(other, Problem) and (self.message, self.line, self.field, self.source) == (
            other.message,
            other.line,
            other.field,
            other.source,
        )

    __hash__ = Problem.__hash__


def said(template: str, *, field: str | None = None, source: str | None = None, **values: Any) -> Said:
    """A `Said` problem: `said(N_("unknown region '{region}'"), field="region", region=code)`."""
    message = template.format(**values) if values else template
    return Said(message, field=field, source=source, template=template, values=tuple(values.items()))


class Download(NamedTuple):
    """A file to save: what the admin page's button and the API endpoint both send."""

    body: bytes | str
    media_type: str
    filename: str


def stamp() -> str:
    """UTC time for the name of a download made on demand (a second one does not overwrite the first)."""
    return _dt.datetime.now(_dt.UTC).strftime("%Y%m%d-%H%M%S")


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
        raise InputError(
            [
                said(
                    N_("language '{code}' is not offered (one of: {languages})"),
                    field="languages",
                    code=code,
                    languages=", ".join(i18n.LANGUAGES),
                )
                for code in bad
            ]
        )
    return langs or list(i18n.LANGUAGES)


def instrument_from_upload(data: bytes, filename: str | None):
    """Validate an uploaded XLSForm (.xlsx) with the instrument loader; InputError lists its problems."""
    from ..instrument import load_instrument

    name = safe_filename(filename, "instrument.xlsx")
    if not name.lower().endswith((".xlsx", ".xlsm")):
        raise InputError(said(N_("'{name}' is not an XLSForm workbook (.xlsx)"), source=name, name=name))
    if not data:
        raise InputError(said(N_("the uploaded file is empty"), source=name))
    return _with_temp_file(data, name, load_instrument)


def builtin_instrument_id(store) -> int:
    from ..instrument import load_builtin

    return store.add_instrument(load_builtin())


def create_campaign(
    store, name: str, *, languages=None, instrument_id: int | None = None, instrument=None, admin: str = ""
) -> int:
    """A new campaign (id); with `admin`, the audit log says who created it."""
    name = (name or "").strip()
    if not name:
        raise InputError(said(N_("a campaign needs a name"), field="name"))
    if len(name) > 200:
        raise InputError(said(N_("the name is longer than 200 characters"), field="name"))
    langs = check_languages(languages)
    if instrument is not None:
        instrument_id = store.add_instrument(instrument)
    elif instrument_id is None:
        instrument_id = builtin_instrument_id(store)
    else:
        store.get_instrument(instrument_id)  # InputError when unknown
    cid = store.create_campaign(name, instrument_id, languages=langs)
    if admin:
        store.log_admin_action(cid, "create", admin, name=name, languages=langs, instrument_id=instrument_id)
    return cid


def campaign_or_none(store, campaign_id: int) -> dict | None:
    try:
        return store.get_campaign(campaign_id)
    except (InputError, LookupError):
        return None


def close_campaign(store, campaign_id: int, admin: str = "") -> dict:
    """Close (idempotent): links stop working, no answers are accepted. The campaign as it is now.
    The audit entry names `admin`."""
    store.close_campaign(campaign_id, admin=admin or None)
    return store.get_campaign(campaign_id)


def close_summary(store, campaign_id: int) -> dict[str, int]:
    """What closing cuts off, for the confirmation page: respondents who submitted, respondents who
    started but have not submitted (their answers stay, unfinished), personal invitations never opened."""
    rates = store.response_rates(campaign_id)
    started, submitted = int(rates["started"].sum()), int(rates["submitted"].sum())
    status = store.invitation_status(campaign_id)
    return {
        "submitted": submitted,
        "unfinished": started - submitted,
        "not_started": int((status["status"] == "not started").sum()),
    }


# -- regions and peer groups --------------------------------------------------------------
def regions_from_csv(data: bytes, filename: str | None) -> pd.DataFrame:
    return _with_temp_file(data, safe_filename(filename, "regions.csv"), read_regions)


def groups_from_csv(data: bytes, filename: str | None, known: set[str]) -> pd.DataFrame:
    return _with_temp_file(data, safe_filename(filename, "groups.csv"), lambda p: read_groups(p, known))


def known_regions(store, campaign_id: int) -> set[str]:
    return set(store.regions(campaign_id)["region"])


def add_regions(store, campaign_id: int, data: bytes, filename: str | None, admin: str = "") -> list[dict]:
    """Add the regions of a CSV `region,name` (checked as a file: problems name its lines); all regions after.
    With `admin`, the audit log says who added which regions."""
    regions = regions_from_csv(data, filename)
    store.add_regions(campaign_id, regions)
    if admin:
        store.log_admin_action(campaign_id, "regions_add", admin, regions=sorted(map(str, regions["region"])))
    return records(store.regions(campaign_id))


def remove_region(store, campaign_id: int, region: str, admin: str | None) -> list[dict]:
    """Remove a region nobody from it has answered yet (see `Store.remove_region`); all regions after.
    An unknown region is the web's NotFound (404), not a refused input."""
    from .core import NotFound

    if region not in known_regions(store, campaign_id):
        raise NotFound()
    store.remove_region(campaign_id, region, admin=admin)
    return records(store.regions(campaign_id))


def set_region_language(store, campaign_id: int, region: str, language: str, admin: str | None) -> list[dict]:
    """Set a territory's report language (its reports and, by default, its invitations); all regions after.
    An unknown region is the web's NotFound (404); a language outside en, de, fr, it, sl is refused."""
    from .core import NotFound

    if region not in known_regions(store, campaign_id):
        raise NotFound()
    if language not in i18n.LANGUAGES:
        raise InputError(
            said(
                N_("language '{code}' is not offered (one of: {languages})"),
                field="language",
                code=language,
                languages=", ".join(i18n.LANGUAGES),
            )
        )
    store.set_region_language(campaign_id, region, language, admin=admin)
    return records(store.regions(campaign_id))


def add_groups(store, campaign_id: int, data: bytes, filename: str | None, admin: str = "") -> list[dict]:
    """Add the peer groups of a CSV `region,group` (regions must be the campaign's); all groups after.
    With `admin`, the audit log says who added how many rows."""
    groups = groups_from_csv(data, filename, known_regions(store, campaign_id))
    store.add_groups(campaign_id, groups)
    if admin:
        store.log_admin_action(campaign_id, "groups_add", admin, rows=len(groups))
    return records(store.groups(campaign_id))


# -- invitations --------------------------------------------------------------------------
def invitation_rows(store, campaign: dict, requests: list[tuple[str, str, str, int]]) -> list[tuple[str, str, str]]:
    """Expand (region, group, language, count) requests into one tuple per link, checking each.
    An empty language is the region's report language (`default_language`)."""
    languages = region_languages(store, campaign["id"])
    known = set(languages)
    problems: list[Problem] = []
    rows: list[tuple[str, str, str]] = []
    total = 0
    for n, (region, group, language, count) in enumerate(requests, start=1):
        if count == 0:
            continue
        language = language or default_language(campaign, languages.get(region, ""))
        if region not in known:
            problems.append(
                said(
                    N_("row {row}: unknown region '{region}' (add it to the campaign first)"),
                    field="region",
                    row=n,
                    region=region,
                )
            )
        if group not in STAKEHOLDER_GROUPS:
            problems.append(
                said(
                    N_("row {row}: unknown stakeholder group '{group}' (one of: {groups})"),
                    field="stakeholder_group",
                    row=n,
                    group=group,
                    groups=", ".join(STAKEHOLDER_GROUPS),
                )
            )
        if language not in campaign.get("languages", []):
            problems.append(
                said(
                    N_("row {row}: language '{language}' is not one of the campaign's ({languages})"),
                    field="language",
                    row=n,
                    language=language,
                    languages=", ".join(campaign.get("languages", [])),
                )
            )
        if not 0 < count <= MAX_INVITATIONS_PER_ROW:
            problems.append(
                said(
                    N_("row {row}: count must be between 1 and {most}"),
                    field="count",
                    row=n,
                    most=MAX_INVITATIONS_PER_ROW,
                )
            )
        total += max(count, 0)
        rows.extend([(region, group, language)] * max(min(count, MAX_INVITATIONS_PER_ROW), 0))
    if total > MAX_INVITATIONS:
        problems.append(
            said(
                N_("at most {most} invitations at once (asked for {total})"),
                field="count",
                most=MAX_INVITATIONS,
                total=total,
            )
        )
    if not rows and not problems:
        problems.append(said(N_("no invitations asked for: give a count of at least 1"), field="count"))
    if problems:
        raise InputError(problems)
    return rows


def region_languages(store, campaign_id: int) -> dict[str, str]:
    """Each region's report language: {region: language}."""
    df = store.regions(campaign_id)
    return dict(zip(df["region"], df["language"], strict=True))


def default_language(campaign: dict, language: str) -> str:
    """The language of a link made without one: the region's report language when the campaign offers it,
    else the campaign's first language."""
    offered = list(campaign.get("languages") or [])
    return language if language in offered or not offered else offered[0]


def invitation_link(base_url: str, token: str) -> str:
    return f"{base_url}/s/{token}"


def open_link(base_url: str, token: str) -> str:
    return f"{base_url}/r/{token}"


# What a link's privacy notice must name before any link is issued, and what a refusal says of each.
PRIVACY_NEEDED = {
    "controller": N_(
        "no links before the privacy notice names the controller: fill in the organisation responsible "
        "for the survey's data on the campaign's privacy notice page"
    ),
    "contact": N_(
        "no links before the privacy notice names a privacy contact: fill in an e-mail or web address for "
        "access and erasure requests on the campaign's privacy notice page"
    ),
}


def privacy_gaps(store, campaign_id: int) -> list[str]:
    """What the campaign's privacy notice does not name yet ('controller', 'contact'): respondents
    agree to that notice, so it must say who is responsible and whom to write to."""
    settings = store.privacy_settings(campaign_id)
    return [k for k in PRIVACY_NEEDED if not settings.get(k)]


def require_privacy(store, campaign_id: int) -> None:
    """Refuse (InputError, one problem per missing field) to issue links while `privacy_gaps` is not empty."""
    gaps = privacy_gaps(store, campaign_id)
    if gaps:
        raise InputError([said(PRIVACY_NEEDED[k], field=k) for k in gaps])


def create_invitations(store, campaign: dict, requests, base_url: str, admin: str = "") -> list[dict]:
    """New personal links (shown once); with `admin`, logged with the count (never the tokens).
    Refused while the privacy notice names no controller or contact (`require_privacy`)."""
    if campaign.get("status") != "open":
        raise InputError(said(N_("the campaign is closed: no new invitations")))
    require_privacy(store, campaign["id"])
    rows = invitation_rows(store, campaign, requests)
    made = store.create_invitations(campaign["id"], rows)
    if admin:
        store.log_admin_action(campaign["id"], "invitations", admin, count=len(made))
    return [dict(inv, link=invitation_link(base_url, inv["token"])) for inv in made]


def invitations_csv(invitations: list[dict]) -> str:
    columns = ["invitation_id", "region", "stakeholder_group", "language", "link"]  # the id: to match later status
    df = pd.DataFrame([{k: inv[k] for k in columns} for inv in invitations], columns=columns)
    return to_safe_csv(df)


def invitations_download(invitations: list[dict], campaign_id: int) -> Download:
    """The new links as the mail-merge CSV: the only time they are shown (only their hashes are kept)."""
    return Download(invitations_csv(invitations), CSV_TYPE, f"invitations-campaign{campaign_id}-{stamp()}.csv")


def create_open_link(store, campaign: dict, region: str, language: str, base_url: str, admin: str = "") -> dict:
    """A region's open link (shown once); refused like invitations while the notice is incomplete."""
    if campaign.get("status") != "open":
        raise InputError(said(N_("the campaign is closed: no new links")))
    require_privacy(store, campaign["id"])
    problems: list[Problem] = []
    languages = region_languages(store, campaign["id"])
    language = language or default_language(campaign, languages.get(region, ""))
    if region not in languages:
        problems.append(
            said(N_("unknown region '{region}' (add it to the campaign first)"), field="region", region=region)
        )
    if language not in campaign.get("languages", []):
        problems.append(
            said(N_("language '{language}' is not one of the campaign's"), field="language", language=language)
        )
    if problems:
        raise InputError(problems)
    token = store.create_open_link(campaign["id"], region, language)
    if admin:
        store.log_admin_action(campaign["id"], "open_link", admin, region=region, language=language)
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


def invitation_status_download(store, campaign_id: int, pages: list) -> Download:
    """Who to remind, as CSV: every personal invitation with its status (no links: only their hashes are kept)."""
    text = to_safe_csv(invitation_status(store, campaign_id, pages))
    return Download(text, CSV_TYPE, f"invitation-status-campaign{campaign_id}.csv")


def audit_download(store, campaign_id: int) -> Download:
    """The campaign's whole audit log as spreadsheet-safe CSV (append-only; events in their stored form)."""
    return Download(to_safe_csv(store.audit_log(campaign_id)), CSV_TYPE, f"audit-log-campaign{campaign_id}.csv")


def admin_log_download(store) -> Download:
    """The admin log (logins, failed logins, admin creation) as spreadsheet-safe CSV."""
    return Download(to_safe_csv(store.admin_log()), CSV_TYPE, "admin-log.csv")


def answers_export(store, campaign: dict, fmt: str, *, submitted_only: bool = True, admin: str = "") -> Download:
    """The campaign's answers as long CSV (`long`), wide CSV (`wide`) or wide XLSX (`xlsx`); never
    contact details (`contacts_download` is their own export). With `admin`, the audit log says who
    exported what."""
    cid = campaign["id"]
    df = store.responses(cid, submitted_only=submitted_only)
    if admin:
        respondents = int(df["respondent_id"].nunique())
        store.log_admin_action(cid, "export", admin, format=fmt, respondents=respondents, all=not submitted_only)
    if fmt == "long":
        return Download(to_safe_csv(df).encode("utf-8"), CSV_TYPE, f"responses-campaign{cid}.csv")
    from ..transfer.export import to_wide, write_wide_xlsx

    instrument = store.get_instrument(campaign["instrument_id"])
    if "language" in df.columns and not df["language"].astype(str).str.strip().any():
        df = df.drop(columns=["language"])  # no language known (imported answers): no blank column
    if fmt == "wide":
        return Download(
            to_safe_csv(to_wide(df, instrument)).encode("utf-8"), CSV_TYPE, f"responses-wide-campaign{cid}.csv"
        )
    buf = io.BytesIO()
    write_wide_xlsx(df, instrument, buf)
    return Download(buf.getvalue(), XLSX_TYPE, f"responses-wide-campaign{cid}.xlsx")


def contacts_download(store, campaign: dict, admin: str) -> Download:
    """Contact details alone (respondent_id, contact), an explicit admin action logged with the
    admin's name (`Store.contacts_export`): they never travel with the answers."""
    df = store.contacts_export(campaign["id"], admin=admin)
    return Download(to_safe_csv(df).encode("utf-8"), CSV_TYPE, f"contacts-campaign{campaign['id']}-{stamp()}.csv")


def score_download(store, campaign: dict, admin: str = "") -> Download:
    """Scoring as both the admin button and `POST /api/v1/campaigns/{id}/score` answer it: the zip of
    the result files; InputError (422 in both) when there is nothing to score."""
    data = score_zip(store, campaign)
    if admin:
        store.log_admin_action(campaign["id"], "score", admin)
    return Download(data, ZIP_TYPE, f"results-campaign{campaign['id']}-{stamp()}.zip")


def score_zip(store, campaign: dict) -> bytes:
    """Run the whole StressTest on the stored answers (`run.run_from_store`); the run folder as a zip,
    the same folder `s3stresstest campaign score` writes and `s3stresstest report` reads."""
    from ..run import run_from_store, write_run

    run = run_from_store(store, int(campaign["id"]))
    folder = Path(tempfile.mkdtemp(prefix="s3st-score-"))
    try:
        out = write_run(run, folder / "results")
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in sorted(out.rglob("*")):
                if path.is_file():
                    zf.write(path, path.relative_to(out).as_posix())
        return buf.getvalue()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
