"""Admin pages under /admin: login, campaigns, regions, peer groups, invitations, rates, scoring.

Every form posts with a CSRF token and answers with a redirect (Post/Redirect/Get),
except where the answer is a one-time secret (a new open link) or a download.
"""

from __future__ import annotations

import datetime as _dt
import math

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from ..campaign.model import STAKEHOLDER_GROUPS
from ..errors import InputError, Problem
from . import i18n
from . import operations as ops
from .core import Web, attachment
from .deps import AdminDep, CampaignDep, CsrfForm, admin_router, form_text, web_of
from .survey import missing_languages

# Sign-in and sign-out stay open; every other page is on `router`, which needs a signed-in admin.
login_router = APIRouter(prefix="/admin", include_in_schema=False)
router = admin_router()

CLOSE_UNCONFIRMED = "the campaign is still open: tick 'I understand that closing cannot be undone' to close it"

INVITE_ROWS = 6
NOTICES = {
    "created": "Campaign created.",
    "regions": "Regions added.",
    "region-removed": "Region removed, with its peer-group rows and links.",
    "groups": "Peer groups added.",
    "closed": "Campaign closed: its links no longer open and no answers are accepted.",
    "signed-out": "You are signed out.",
}


def _when(v) -> str:
    if isinstance(v, _dt.datetime):
        return v.strftime("%Y-%m-%d %H:%M UTC")
    return str(v or "")


def _notice(request: Request) -> str | None:
    return NOTICES.get(request.query_params.get("notice", ""))


def _render(request: Request, template: str, context: dict, status: int = 200) -> Response:
    web = web_of(request)
    ctx = {"admin": web.admin_session(request), "notice": _notice(request), **context}
    return web.render(request, template, ctx, lang="en", status=status)


def _file_bytes(form, name: str) -> tuple[bytes, str | None]:
    """The bytes and name of an uploaded file (b"", None when none was chosen); called in the thread pool."""
    value = form.get(name)
    if isinstance(value, UploadFile):
        return value.file.read(), value.filename
    return b"", None


def _root(request: Request) -> str:
    return request.scope.get("root_path", "")


# -- login ----------------------------------------------------------------------------------
@login_router.get("/login")
def login_form(request: Request):
    if web_of(request).admin_session(request):
        return web_of(request).redirect(request, f"{_root(request)}/admin")
    return _render(request, "admin/login.html", {"title": "Sign in – S3 StressTest"})


@login_router.post("/login")
def login(request: Request, form: CsrfForm):
    web = web_of(request)
    username = form_text(form, "username")
    password = form_text(form, "password")
    admin_id = web.verify_login(request, username, password)
    if admin_id is None:
        return _render(
            request,
            "admin/login.html",
            {
                "title": "Sign in – S3 StressTest",
                "username": username[:200],
                "problems": ["Wrong user name or password."],
                "problems_heading": "Not signed in",
            },
            status=401,
        )
    web.start_admin_session(request, admin_id, username)
    return web.redirect(request, f"{_root(request)}/admin")


@login_router.post("/logout")
async def logout(request: Request, form: CsrfForm):
    web = web_of(request)
    web.end_admin_session(request)
    return web.redirect(request, f"{_root(request)}/admin/login?notice=signed-out")


# -- campaigns ------------------------------------------------------------------------------
def _campaign_rows(web: Web) -> list[dict]:
    return [dict(c, created_text=_when(c.get("created"))) for c in web.store.list_campaigns()]


def _index(request: Request, *, form: dict | None = None, problems: list | None = None, status: int = 200):
    web = web_of(request)
    return _render(
        request,
        "admin/index.html",
        {
            "title": "Campaigns – S3 StressTest",
            "campaigns": _campaign_rows(web),
            "all_languages": list(i18n.LANGUAGE_NAMES.items()),
            "form": form or {"name": "", "instrument_source": "builtin", "languages": list(i18n.LANGUAGES)},
            "problems": problems or [],
        },
        status=status,
    )


@router.get("")
def index(request: Request):
    return _index(request)


@router.post("/campaigns")
def create(request: Request, form: CsrfForm, admin_: AdminDep):
    web = web_of(request)
    name = form_text(form, "name")
    languages = [v for v in form.getlist("languages") if isinstance(v, str)]
    fields = {
        "name": name,
        "instrument_source": form_text(form, "instrument_source") or "builtin",
        "languages": languages,
    }
    try:
        instrument = None
        if fields["instrument_source"] == "upload":
            instrument = ops.instrument_from_upload(*_file_bytes(form, "xlsform"))
        cid = ops.create_campaign(web.store, name, languages=languages, instrument=instrument, admin=admin_["user"])
    except InputError as exc:
        return _index(request, form=fields, problems=[str(p) for p in exc.problems], status=422)
    return web.redirect(request, f"{_root(request)}/admin/campaigns/{cid}?notice=created")


def _rate_text(rate) -> str:
    if rate is None or (isinstance(rate, float) and math.isnan(rate)):
        return "–"
    return f"{rate:.0%}"


def _rates_context(web, campaign: dict) -> dict:
    rates = [dict(r, rate_text=_rate_text(r.get("rate"))) for r in ops.response_rates(web.store, campaign["id"])]
    return {
        "rates": rates,
        "campaign": campaign,
        "refresh_seconds": web.settings.rates_refresh_seconds,
        "rates_at": _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M:%S"),
    }


def campaign_page(
    request: Request, campaign: dict, *, problems: list | None = None, new_link: dict | None = None, status: int = 200
) -> Response:
    web = web_of(request)
    campaign_id = campaign["id"]
    instrument, _pages = web.instrument_pages(campaign["instrument_id"])
    try:
        audit = ops.records(web.store.audit_log(campaign_id).tail(20).iloc[::-1])
    except Exception:  # noqa: BLE001 - the audit list is informative only
        audit = []
    return _render(
        request,
        "admin/campaign.html",
        {
            **_rates_context(web, campaign),
            "title": f"{campaign['name']} – S3 StressTest",
            "campaign": dict(campaign, closed_text=_when(campaign.get("closed_at"))),
            "instrument": instrument,
            "missing_languages": missing_languages(instrument, list(campaign.get("languages") or [])),
            "regions": ops.records(web.store.regions(campaign_id)),
            "groups": ops.records(web.store.groups(campaign_id)),
            "audit": audit,
            "stakeholder_groups": STAKEHOLDER_GROUPS,
            "invite_rows": INVITE_ROWS,
            "max_invitations": ops.MAX_INVITATIONS_PER_ROW,
            "problems": problems or [],
            "new_link": new_link,
        },
        status=status,
    )


def refused_page(request: Request, campaign: dict, exc: InputError) -> Response:
    """Refused input on the campaign page: the page again, every problem listed, status 422."""
    return campaign_page(request, campaign, problems=[str(p) for p in exc.problems], status=422)


def back_to_campaign(request: Request, campaign: dict, query: str = "") -> Response:
    """Post/Redirect/Get: back to the campaign page (with `?notice=...` when `query` says)."""
    url = f"{_root(request)}/admin/campaigns/{campaign['id']}"
    return web_of(request).redirect(request, f"{url}?{query}" if query else url)


def send(request: Request, download: ops.Download) -> Response:
    """A download, with the cookies this request queued (a fresh CSRF cookie, say)."""
    return web_of(request).finish(request, attachment(*download))


@router.get("/campaigns/{campaign_id}")
def campaign_view(request: Request, campaign: CampaignDep):
    return campaign_page(request, campaign)


def _table_upload(request: Request, campaign: dict, form, kind: str, admin_: dict) -> Response:
    """Regions or peer groups from an uploaded CSV file, or from CSV text pasted into the form."""
    data, filename = _file_bytes(form, "file")
    text = form_text(form, "text")
    if not data and text.strip():
        data, filename = text.strip().encode("utf-8") + b"\n", f"{kind}.csv"
    add, columns = (ops.add_regions, "region,name") if kind == "regions" else (ops.add_groups, "region,group")
    try:
        if not data:
            raise InputError(f"choose a CSV file or paste its text ({columns})")
        add(web_of(request).store, campaign["id"], data, filename, admin=admin_["user"])
    except InputError as exc:
        return refused_page(request, campaign, exc)
    return back_to_campaign(request, campaign, f"notice={kind}")


@router.post("/campaigns/{campaign_id}/regions")
def upload_regions(request: Request, form: CsrfForm, campaign: CampaignDep, admin_: AdminDep):
    return _table_upload(request, campaign, form, "regions", admin_)


@router.post("/campaigns/{campaign_id}/regions/{region}/remove")
def remove_region(request: Request, form: CsrfForm, campaign: CampaignDep, admin: AdminDep, region: str):
    try:
        ops.remove_region(web_of(request).store, campaign["id"], region, admin.get("user"))
    except InputError as exc:  # NotFound included: the page lists the regions that exist
        return refused_page(request, campaign, exc)
    return back_to_campaign(request, campaign, "notice=region-removed")


@router.post("/campaigns/{campaign_id}/groups")
def upload_groups(request: Request, form: CsrfForm, campaign: CampaignDep, admin_: AdminDep):
    return _table_upload(request, campaign, form, "groups", admin_)


def _count(raw) -> int:
    try:
        return int(str(raw).strip() or 0)
    except ValueError:
        return -1


@router.post("/campaigns/{campaign_id}/invitations")
def invitations(request: Request, form: CsrfForm, campaign: CampaignDep, admin_: AdminDep):
    web = web_of(request)
    asked = []
    for i in range(50):
        if f"count_{i}" not in form:
            continue
        asked.append(
            (
                form.get(f"region_{i}") or "",
                form.get(f"group_{i}") or "",
                form.get(f"language_{i}") or "",
                _count(form.get(f"count_{i}")),
            )
        )
    try:
        made = ops.create_invitations(web.store, campaign, asked, web.base_url(request), admin=admin_["user"])
    except InputError as exc:
        return refused_page(request, campaign, exc)
    return send(request, ops.invitations_download(made, campaign["id"]))


@router.post("/campaigns/{campaign_id}/open-links")
def open_links(request: Request, form: CsrfForm, campaign: CampaignDep, admin_: AdminDep):
    web = web_of(request)
    region, language = form_text(form, "region"), form_text(form, "language")
    try:
        link = ops.create_open_link(web.store, campaign, region, language, web.base_url(request), admin=admin_["user"])
    except InputError as exc:
        return refused_page(request, campaign, exc)
    return campaign_page(request, campaign, new_link=link)


@router.post("/campaigns/{campaign_id}/close")
def close(request: Request, form: CsrfForm, campaign: CampaignDep, admin_: AdminDep):
    """Closing cannot be undone: without the ticked confirmation box (checked here too, not only by
    the browser's `required`) the page comes back with the reason and nothing changes."""
    if form_text(form, "confirm") != "yes":
        return refused_page(request, campaign, InputError(Problem(CLOSE_UNCONFIRMED, field="confirm")))
    ops.close_campaign(web_of(request).store, campaign["id"], admin=admin_["user"])
    return back_to_campaign(request, campaign, "notice=closed")


@router.post("/campaigns/{campaign_id}/score")
def score(request: Request, form: CsrfForm, campaign: CampaignDep, admin_: AdminDep):
    try:
        download = ops.score_download(web_of(request).store, campaign, admin=admin_["user"])
    except InputError as exc:
        return refused_page(request, campaign, exc)
    return send(request, download)


@router.get("/campaigns/{campaign_id}/invitations.csv")
def invitation_status(request: Request, campaign: CampaignDep):
    """Who to remind: every personal invitation with its status (no links: only their hashes are kept)."""
    web = web_of(request)
    _instrument, pages = web.instrument_pages(campaign["instrument_id"])
    return send(request, ops.invitation_status_download(web.store, campaign["id"], pages))


@router.get("/campaigns/{campaign_id}/rates")
def rates_fragment(request: Request, campaign: CampaignDep):
    """The response-rate table alone: the campaign page refreshes it while open (admin-rates.js)."""
    return _render(request, "admin/_rates.html", _rates_context(web_of(request), campaign))
