"""Admin pages under /admin: login, campaigns, regions, peer groups, invitations, rates, scoring.

Every form posts with a CSRF token and answers with a redirect (Post/Redirect/Get),
except where the answer is a one-time secret (a new open link) or a download.
"""

from __future__ import annotations

import datetime as _dt
import math

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from ..campaign.model import STAKEHOLDER_GROUPS
from ..errors import InputError
from . import i18n, operations as ops
from .core import LoginRequired, NotFound, RateLimited, Web
from .security import client_key

router = APIRouter(prefix="/admin", include_in_schema=False)

INVITE_ROWS = 6
NOTICES = {
    "created": "Campaign created.",
    "regions": "Regions added.",
    "groups": "Peer groups added.",
    "closed": "Campaign closed: its links no longer open and no answers are accepted.",
    "signed-out": "You are signed out.",
}


def web_of(request: Request) -> Web:
    return request.app.state.web


def require_admin(request: Request) -> dict:
    session = web_of(request).admin_session(request)
    if not session:
        raise LoginRequired()
    return session


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


async def _form(request: Request):
    form = await request.form()
    web_of(request).check_csrf(request, form)
    return form


async def _file_bytes(form, name: str) -> tuple[bytes, str | None]:
    value = form.get(name)
    if isinstance(value, UploadFile):
        data = await value.read()
        return data, value.filename
    return b"", None


# -- login ----------------------------------------------------------------------------------
@router.get("/login")
def login_form(request: Request):
    if web_of(request).admin_session(request):
        return web_of(request).redirect(request, f"{request.scope.get('root_path', '')}/admin")
    return _render(request, "admin/login.html", {"title": "Sign in – S3 StressTest"})


def _login(request: Request, form) -> Response:
    web = web_of(request)
    key = client_key(request)
    if web.login_limiter.blocked(key):
        raise RateLimited()
    username = form.get("username") if isinstance(form.get("username"), str) else ""
    password = form.get("password") if isinstance(form.get("password"), str) else ""
    admin_id = web.store.verify_admin(username, password) if username and password else None
    if admin_id is None:
        web.login_limiter.hit(key)
        return _render(request, "admin/login.html", {
            "title": "Sign in – S3 StressTest", "username": username[:200],
            "problems": ["Wrong user name or password."], "problems_heading": "Not signed in"}, status=401)
    web.start_admin_session(request, admin_id, username)
    return web.redirect(request, f"{request.scope.get('root_path', '')}/admin")


@router.post("/login")
async def login(request: Request):
    form = await _form(request)
    return await run_in_threadpool(_login, request, form)


@router.post("/logout")
async def logout(request: Request):
    await _form(request)
    web = web_of(request)
    web.end_admin_session(request)
    return web.redirect(request, f"{request.scope.get('root_path', '')}/admin/login?notice=signed-out")


# -- campaigns ------------------------------------------------------------------------------
def _campaign_rows(web: Web) -> list[dict]:
    return [dict(c, created_text=_when(c.get("created"))) for c in web.store.list_campaigns()]


def _index(request: Request, *, form: dict | None = None, problems: list | None = None, status: int = 200):
    web = web_of(request)
    return _render(request, "admin/index.html", {
        "title": "Campaigns – S3 StressTest",
        "campaigns": _campaign_rows(web),
        "all_languages": list(i18n.LANGUAGE_NAMES.items()),
        "form": form or {"name": "", "instrument_source": "builtin", "languages": list(i18n.LANGUAGES)},
        "problems": problems or [],
    }, status=status)


@router.get("")
def index(request: Request):
    require_admin(request)
    return _index(request)


def _create(request: Request, form, data: bytes, filename: str | None) -> Response:
    web = web_of(request)
    fields = {"name": form.get("name") or "", "instrument_source": form.get("instrument_source") or "builtin",
              "languages": [v for v in form.getlist("languages") if isinstance(v, str)]}
    try:
        instrument = None
        if fields["instrument_source"] == "upload":
            instrument = ops.instrument_from_upload(data, filename)
        cid = ops.create_campaign(web.store, fields["name"], languages=fields["languages"], instrument=instrument)
    except InputError as exc:
        return _index(request, form=fields, problems=[str(p) for p in exc.problems], status=422)
    return web.redirect(request, f"{request.scope.get('root_path', '')}/admin/campaigns/{cid}?notice=created")


@router.post("/campaigns")
async def create(request: Request):
    require_admin(request)
    form = await _form(request)
    data, filename = await _file_bytes(form, "xlsform")
    return await run_in_threadpool(_create, request, form, data, filename)


def _campaign(web: Web, campaign_id: int) -> dict:
    campaign = ops.campaign_or_none(web.store, campaign_id)
    if campaign is None:
        raise NotFound()
    return campaign


def _rate_text(rate) -> str:
    if rate is None or (isinstance(rate, float) and math.isnan(rate)):
        return "–"
    return f"{rate:.0%}"


def _rates_context(web, campaign: dict) -> dict:
    rates = [dict(r, rate_text=_rate_text(r.get("rate"))) for r in ops.response_rates(web.store, campaign["id"])]
    return {"rates": rates, "campaign": campaign, "refresh_seconds": web.settings.rates_refresh_seconds,
            "rates_at": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")}


def campaign_page(request: Request, campaign_id: int, *, problems: list | None = None, new_link: dict | None = None,
                  status: int = 200) -> Response:
    web = web_of(request)
    campaign = _campaign(web, campaign_id)
    instrument, _pages = web.instrument_pages(campaign["instrument_id"])
    try:
        audit = ops.records(web.store.audit_log(campaign_id).tail(20).iloc[::-1])
    except Exception:  # noqa: BLE001 - the audit list is informative only
        audit = []
    return _render(request, "admin/campaign.html", {
        **_rates_context(web, campaign),
        "title": f"{campaign['name']} – S3 StressTest",
        "campaign": dict(campaign, closed_text=_when(campaign.get("closed_at"))),
        "instrument": instrument,
        "regions": ops.records(web.store.regions(campaign_id)),
        "groups": ops.records(web.store.groups(campaign_id)),
        "audit": audit,
        "stakeholder_groups": STAKEHOLDER_GROUPS,
        "invite_rows": INVITE_ROWS,
        "max_invitations": ops.MAX_INVITATIONS_PER_ROW,
        "problems": problems or [],
        "new_link": new_link,
    }, status=status)


@router.get("/campaigns/{campaign_id}")
def campaign_view(request: Request, campaign_id: int):
    require_admin(request)
    return campaign_page(request, campaign_id)


def _table_upload(request: Request, campaign_id: int, data: bytes, filename: str | None, text: str, kind: str):
    web = web_of(request)
    _campaign(web, campaign_id)
    if not data and text.strip():
        data, filename = text.strip().encode("utf-8") + b"\n", f"{kind}.csv"
    try:
        if not data:
            raise InputError(f"choose a CSV file or paste its text ({'region,name' if kind == 'regions' else 'region,group'})")
        if kind == "regions":
            web.store.add_regions(campaign_id, ops.regions_from_csv(data, filename))
        else:
            known = ops.known_regions(web.store, campaign_id)
            web.store.add_groups(campaign_id, ops.groups_from_csv(data, filename, known))
    except InputError as exc:
        return campaign_page(request, campaign_id, problems=[str(p) for p in exc.problems], status=422)
    root = request.scope.get("root_path", "")
    return web.redirect(request, f"{root}/admin/campaigns/{campaign_id}?notice={kind}")


@router.post("/campaigns/{campaign_id}/regions")
async def upload_regions(request: Request, campaign_id: int):
    require_admin(request)
    form = await _form(request)
    data, filename = await _file_bytes(form, "file")
    text = form.get("text") if isinstance(form.get("text"), str) else ""
    return await run_in_threadpool(_table_upload, request, campaign_id, data, filename, text, "regions")


@router.post("/campaigns/{campaign_id}/groups")
async def upload_groups(request: Request, campaign_id: int):
    require_admin(request)
    form = await _form(request)
    data, filename = await _file_bytes(form, "file")
    text = form.get("text") if isinstance(form.get("text"), str) else ""
    return await run_in_threadpool(_table_upload, request, campaign_id, data, filename, text, "groups")


def _count(raw) -> int:
    try:
        return int(str(raw).strip() or 0)
    except ValueError:
        return -1


def _invite(request: Request, campaign_id: int, form) -> Response:
    web = web_of(request)
    campaign = _campaign(web, campaign_id)
    asked = []
    for i in range(50):
        if f"count_{i}" not in form:
            continue
        asked.append((form.get(f"region_{i}") or "", form.get(f"group_{i}") or "",
                      form.get(f"language_{i}") or "", _count(form.get(f"count_{i}"))))
    try:
        made = ops.create_invitations(web.store, campaign, asked, web.base_url(request))
    except InputError as exc:
        return campaign_page(request, campaign_id, problems=[str(p) for p in exc.problems], status=422)
    stamp = _dt.datetime.now(_dt.timezone.utc).strftime("%Y%m%d-%H%M%S")
    response = Response(ops.invitations_csv(made), media_type="text/csv; charset=utf-8", headers={
        "content-disposition": f'attachment; filename="invitations-campaign{campaign_id}-{stamp}.csv"'})
    return web.finish(request, response)


@router.post("/campaigns/{campaign_id}/invitations")
async def invitations(request: Request, campaign_id: int):
    require_admin(request)
    form = await _form(request)
    return await run_in_threadpool(_invite, request, campaign_id, form)


def _open_link(request: Request, campaign_id: int, form) -> Response:
    web = web_of(request)
    campaign = _campaign(web, campaign_id)
    try:
        link = ops.create_open_link(web.store, campaign, form.get("region") or "", form.get("language") or "",
                                    web.base_url(request))
    except InputError as exc:
        return campaign_page(request, campaign_id, problems=[str(p) for p in exc.problems], status=422)
    return campaign_page(request, campaign_id, new_link=link)


@router.post("/campaigns/{campaign_id}/open-links")
async def open_links(request: Request, campaign_id: int):
    require_admin(request)
    form = await _form(request)
    return await run_in_threadpool(_open_link, request, campaign_id, form)


def _close(request: Request, campaign_id: int) -> Response:
    web = web_of(request)
    _campaign(web, campaign_id)
    web.store.close_campaign(campaign_id)
    return web.redirect(request, f"{request.scope.get('root_path', '')}/admin/campaigns/{campaign_id}?notice=closed")


@router.post("/campaigns/{campaign_id}/close")
async def close(request: Request, campaign_id: int):
    require_admin(request)
    await _form(request)
    return await run_in_threadpool(_close, request, campaign_id)


def _score(request: Request, campaign_id: int) -> Response:
    web = web_of(request)
    campaign = _campaign(web, campaign_id)
    try:
        data = ops.score_zip(web.store, campaign)
    except InputError as exc:
        return campaign_page(request, campaign_id, problems=[str(p) for p in exc.problems], status=422)
    stamp = _dt.datetime.now(_dt.timezone.utc).strftime("%Y%m%d-%H%M%S")
    return web.finish(request, Response(data, media_type="application/zip", headers={
        "content-disposition": f'attachment; filename="results-campaign{campaign_id}-{stamp}.zip"'}))


@router.post("/campaigns/{campaign_id}/score")
async def score(request: Request, campaign_id: int):
    require_admin(request)
    await _form(request)
    return await run_in_threadpool(_score, request, campaign_id)


@router.get("/campaigns/{campaign_id}/responses.csv")
def export(request: Request, campaign_id: int, all: bool = False, contact: bool = False):
    require_admin(request)
    web = web_of(request)
    _campaign(web, campaign_id)
    text = ops.responses_csv(web.store, campaign_id, submitted_only=not all, include_contact=contact)
    return Response(text, media_type="text/csv; charset=utf-8", headers={
        "content-disposition": f'attachment; filename="responses-campaign{campaign_id}.csv"'})


@router.get("/campaigns/{campaign_id}/invitations.csv")
def invitation_status(request: Request, campaign_id: int):
    """Who to remind: every personal invitation with its status (no links: only their hashes are kept)."""
    require_admin(request)
    web = web_of(request)
    _instrument, pages = web.instrument_pages(_campaign(web, campaign_id)["instrument_id"])
    text = ops.invitation_status_csv(web.store, campaign_id, pages)
    return Response(text, media_type="text/csv; charset=utf-8", headers={
        "content-disposition": f'attachment; filename="invitation-status-campaign{campaign_id}.csv"'})


@router.get("/campaigns/{campaign_id}/rates")
def rates_fragment(request: Request, campaign_id: int):
    """The response-rate table alone: the campaign page refreshes it while open (admin-rates.js)."""
    require_admin(request)
    web = web_of(request)
    return _render(request, "admin/_rates.html", _rates_context(web, _campaign(web, campaign_id)))
