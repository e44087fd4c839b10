"""Admin pages under /admin: login, campaigns, regions, peer groups, invitations, rates, scoring.

Every form posts with a CSRF token and answers with a redirect (Post/Redirect/Get),
except where the answer is a one-time secret (a new open link) or a download.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from urllib.parse import quote, urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from ..errors import InputError, Problem
from . import audit_text, i18n
from . import operations as ops
from . import reports as runs_kept
from .core import ADMIN_LANG_COOKIE, Web, attachment
from .deps import AdminDep, CampaignDep, CsrfForm, admin_router, form_text, web_of
from .i18n import N_
from .survey import missing_languages

# Sign-in and sign-out stay open; every other page is on `router`, which needs a signed-in admin.
login_router = APIRouter(prefix="/admin", include_in_schema=False)
router = admin_router()

CLOSE_UNCONFIRMED = N_("the campaign is still open: tick 'I understand that closing cannot be undone' to close it")
# TRANSLATORS: {columns} is the CSV header the file must have, e.g. "region,name"
CHOOSE_CSV = N_("choose a CSV file or paste its text ({columns})")

INVITE_ROWS = 6
NOTICES = {
    "created": N_("Campaign created."),
    "regions": N_("Regions added."),
    "region-removed": N_("Region removed, with its peer-group rows and links."),
    "region-language": N_("Report language saved."),
    "groups": N_("Peer groups added."),
    "closed": N_("Campaign closed: its links no longer open and no answers are accepted."),
    "signed-out": N_("You are signed out."),
}

# What the audit log's events (stored in a stable English machine form) mean, for its display.
EVENTS = {
    "submit": N_("answers submitted"),
    "import": N_("answers imported"),
    "delete": N_("answers deleted"),
    "close": N_("campaign closed"),
    "create": N_("campaign created"),
    "regions_add": N_("regions added"),
    "remove_region": N_("region removed"),
    "region_language": N_("report language of a region set"),
    "groups_add": N_("peer groups added"),
    "invitations": N_("invitations generated"),
    "open_link": N_("open link made"),
    "export": N_("answers exported"),
    "export_contacts": N_("contact details exported"),
    "score": N_("scored"),
    "reports": N_("reports written"),
    "purge": N_("old data purged"),
    "gdpr_view": N_("a respondent's data looked up (data protection request)"),
    "gdpr_export": N_("a respondent's data exported (data protection request)"),
    "gdpr_erase": N_("a respondent's data erased (data protection request)"),
    "runs_deleted": N_("kept runs and their reports deleted"),
    "consent": N_("privacy notice agreed to"),
    "privacy_edit": N_("privacy notice changed"),
}

STATUSES = {"open": N_("open"), "closed": N_("closed")}

# what the campaign page says is still missing from the privacy notice (`ops.privacy_gaps`)
PRIVACY_MISSING = {
    ("controller", "contact"): N_("the controller and a privacy contact"),
    ("controller",): N_("the controller"),
    ("contact",): N_("a privacy contact"),
}


def admin_lang(request: Request) -> str:
    return web_of(request).admin_language(request)


def _t(request: Request):
    return i18n.translator(admin_lang(request))


def _when(request: Request, v) -> str:
    """A moment in the admin's language: '6. Dezember 2026, 14:05 UTC'."""
    if isinstance(v, _dt.datetime):
        t = _t(request)
        return t._("{date}, {time} UTC", date=t.date(v, "medium"), time=v.strftime("%H:%M"))
    return str(v or "")


def _notice(request: Request) -> str | None:
    text = NOTICES.get(request.query_params.get("notice", ""))
    return _t(request)._(text) if text else None


def _switcher(request: Request, lang: str) -> list[tuple]:
    """The language switch of every admin page: links through /admin/language back to this page."""
    root = _root(request)
    here = request.url.path
    if request.method != "GET":  # a form's answer: come back to the page the form is on
        on_campaign = re.match(r"(.*/admin/campaigns/\d+)/", here)
        if on_campaign:
            here = on_campaign.group(1)
        elif here.endswith(("/campaigns", "/logout")):
            here = f"{root}/admin"
    target = quote(here, safe="/")
    return [
        (code, name, f"{root}/admin/language?lang={code}&next={target}", code == lang)
        for code, name in i18n.LANGUAGE_NAMES.items()
    ]


def _render(request: Request, template: str, context: dict, status: int = 200) -> Response:
    web = web_of(request)
    lang = admin_lang(request)
    ctx = {
        "admin": web.admin_session(request),
        "notice": _notice(request),
        "switcher": _switcher(request, lang),
        **context,
    }
    return web.render(request, template, ctx, lang=lang, status=status)


def _title(request: Request, heading: str) -> str:
    return _t(request)._("{page} – S3 StressTest", page=heading)


def _safe_next(request: Request, target: str | None) -> str:
    """Where the language switch goes back to: an admin page of this site, else the admin index."""
    root = _root(request)
    home = f"{root}/admin"
    if not target or "\\" in target or "//" in target or ".." in target:
        return home
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not (parts.path == home or parts.path.startswith(home + "/")):
        return home
    return parts.path


def _file_bytes(form, name: str) -> tuple[bytes, str | None]:
    """The bytes and name of an uploaded file (b"", None when none was chosen); called in the thread pool."""
    value = form.get(name)
    if isinstance(value, UploadFile):
        return value.file.read(), value.filename
    return b"", None


def _root(request: Request) -> str:
    return request.scope.get("root_path", "")


# -- language ---------------------------------------------------------------------------------
@login_router.get("/language")
def switch_language(request: Request):
    """The admin pages' language switch: remember the choice in a cookie (a year), back to the page."""
    web = web_of(request)
    code = request.query_params.get("lang", "")
    if code in i18n.LANGUAGES:
        web.queue_cookie(request, ADMIN_LANG_COOKIE, code, max_age=365 * 86400, path=f"{_root(request)}/admin")
    return web.redirect(request, _safe_next(request, request.query_params.get("next")))


# -- login ----------------------------------------------------------------------------------
@login_router.get("/login")
def login_form(request: Request):
    if web_of(request).admin_session(request):
        return web_of(request).redirect(request, f"{_root(request)}/admin")
    return _render(request, "admin/login.html", {"title": _title(request, _t(request)._("Sign in"))})


@login_router.post("/login")
def login(request: Request, form: CsrfForm):
    web = web_of(request)
    username = form_text(form, "username")
    password = form_text(form, "password")
    admin_id = web.verify_login(request, username, password)
    if admin_id is None:
        t = _t(request)
        return _render(
            request,
            "admin/login.html",
            {
                "title": _title(request, t._("Sign in")),
                "username": username[:200],
                "problems": [t._("Wrong user name or password.")],
                "problems_heading": t._("Not signed in"),
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
def _status(request: Request, status) -> str:
    text = STATUSES.get(str(status))
    return _t(request)._(text) if text else str(status)


def _campaign_rows(request: Request, web: Web) -> list[dict]:
    return [
        dict(c, created_text=_when(request, c.get("created")), status_text=_status(request, c.get("status")))
        for c in web.store.list_campaigns()
    ]


def _problem_texts(request: Request, problems) -> list[str]:
    """Refused input in the admin's language: messages this package knows are translated (with their
    place: file, line, column), others (from the importers and checks shared with the API) stay as said."""
    t = _t(request)
    out = []
    for p in problems:
        if isinstance(p, Problem):
            if isinstance(p, ops.Said):
                message = t._(p.template, **dict(p.values))
            else:
                message = t._(p.message) if p.message in _KNOWN_PROBLEMS else p.message
            where = []
            if p.source:
                where.append(p.source)
            if p.line is not None:
                where.append(t._("line {line}", line=p.line))
            if p.field and p.field not in ops.PRIVACY_NEEDED:  # a privacy field is a form's, not a column
                where.append(t._("column '{column}'", column=p.field))
            out.append(t._("{place}: {problem}", place=", ".join(where), problem=message) if where else message)
        else:
            out.append(str(p))
    return out


def _index(request: Request, *, form: dict | None = None, problems: list | None = None, status: int = 200):
    web = web_of(request)
    return _render(
        request,
        "admin/index.html",
        {
            "title": _title(request, _t(request)._("Campaigns")),
            "campaigns": _campaign_rows(request, web),
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
        return _index(request, form=fields, problems=_problem_texts(request, exc.problems), status=422)
    return web.redirect(request, f"{_root(request)}/admin/campaigns/{cid}?notice=created")


def _rate_text(request: Request, rate) -> str:
    if rate is None or (isinstance(rate, float) and math.isnan(rate)):
        return "–"
    return _t(request).percent(rate, 0)


def _group_names(request: Request, campaign: dict) -> dict[str, str]:
    """The stakeholder groups' names in the admin's language, from the campaign's questionnaire as the
    survey shows them (`routes_survey.group_options`), so admin, survey and reports say the same."""
    from .routes_survey import group_options

    instrument, _pages = web_of(request).instrument_pages(campaign["instrument_id"])
    return dict(group_options(instrument, admin_lang(request)))


def _rates_context(request: Request, web, campaign: dict) -> dict:
    names = _group_names(request, campaign)
    rates = [
        dict(
            r,
            rate_text=_rate_text(request, r.get("rate")),
            group_text=names.get(str(r.get("stakeholder_group")), str(r.get("stakeholder_group") or "")),
        )
        for r in ops.response_rates(web.store, campaign["id"])
    ]
    now = _dt.datetime.now(_dt.UTC)
    return {
        "rates": rates,
        "campaign": campaign,
        "refresh_seconds": web.settings.rates_refresh_seconds,
        "rates_at": f"{_t(request).date(now, 'medium')} {now:%H:%M:%S}",
    }


def _audit_rows(request: Request, audit: list[dict]) -> list[dict]:
    """The audit entries as shown: the stored (English, machine) event and details in the admin's language."""
    t = _t(request)
    rows = []
    for a in audit:
        event = str(a.get("event", ""))
        at = a.get("at")
        at_text = _when(request, at) if isinstance(at, _dt.datetime) else str(at)[:19].replace("T", " ") + " UTC"
        event_text = t._(EVENTS[event]) if event in EVENTS else event
        detail_text = audit_text.describe(t, a.get("detail"))
        rows.append(dict(a, event_text=event_text, at_text=at_text, detail_text=detail_text))
    return rows


def _imported(request: Request) -> str | None:
    """The notice after an import (its counts come back in the redirect's query)."""
    q = request.query_params
    if q.get("notice") != "imported":
        return None

    def count(name: str) -> int:
        try:
            return max(0, int(q.get(name, "0")))
        except ValueError:
            return 0

    t = _t(request)
    answers, respondents, skipped = count("answers"), count("respondents"), count("skipped")
    text = t._(
        "Answers imported: {answers} answers of {respondents} respondents.",
        answers=t.integer(answers),
        respondents=t.integer(respondents),
    )
    if skipped:
        text += " " + t.ngettext("{n} incomplete record skipped.", "{n} incomplete records skipped.", skipped)
    return text


def _privacy_missing(request: Request, gaps: list[str]) -> str:
    """What the privacy notice still has to name, in the admin's language ('' when nothing)."""
    text = PRIVACY_MISSING.get(tuple(gaps))
    return _t(request)._(text) if text else ""


def campaign_page(
    request: Request, campaign: dict, *, problems: list | None = None, new_link: dict | None = None, status: int = 200
) -> Response:
    web = web_of(request)
    campaign_id = campaign["id"]
    instrument, _pages = web.instrument_pages(campaign["instrument_id"])
    try:
        audit = _audit_rows(request, ops.records(web.store.audit_log(campaign_id).tail(20).iloc[::-1]))
    except Exception:  # noqa: BLE001 - the audit list is informative only
        audit = []
    lang = admin_lang(request)
    return _render(
        request,
        "admin/campaign.html",
        {
            **_rates_context(request, web, campaign),
            "title": _title(request, campaign["name"]),
            "campaign": dict(
                campaign,
                closed_text=_when(request, campaign.get("closed_at")),
                languages_text=", ".join(i18n.LANGUAGE_NAMES.get(c, c) for c in campaign.get("languages") or []),
                status_text=_status(request, campaign.get("status")),
            ),
            "imported": _imported(request),
            "instrument": instrument,
            "instrument_title": i18n.instrument_title(instrument.title, lang),
            "missing_languages": missing_languages(instrument, list(campaign.get("languages") or [])),
            "regions": ops.records(web.store.regions(campaign_id)),
            "answered_regions": web.store.answered_regions(campaign_id),
            "privacy_missing": _privacy_missing(request, ops.privacy_gaps(web.store, campaign_id)),
            "all_languages": list(i18n.LANGUAGE_NAMES.items()),
            "language_names": i18n.LANGUAGE_NAMES,
            "groups": ops.records(web.store.groups(campaign_id)),
            "audit": audit,
            "runs": [
                dict(r, when_text=_when(request, r["when"]))
                for r in runs_kept.kept_runs(web.settings.resolved_runs_dir(), campaign_id)
            ],
            "stakeholder_groups": list(_group_names(request, campaign).items()),
            "invite_rows": INVITE_ROWS,
            "max_invitations": ops.MAX_INVITATIONS_PER_ROW,
            "problems": problems or [],
            "new_link": new_link,
        },
        status=status,
    )


def refused_page(request: Request, campaign: dict, exc: InputError) -> Response:
    """Refused input on the campaign page: the page again, every problem listed, status 422."""
    return campaign_page(request, campaign, problems=_problem_texts(request, exc.problems), status=422)


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
            raise InputError(Problem(_t(request)._(CHOOSE_CSV, columns=columns)))
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


@router.post("/campaigns/{campaign_id}/regions/{region}/language")
def region_language(request: Request, form: CsrfForm, campaign: CampaignDep, admin: AdminDep, region: str):
    """A territory's report language (its reports are written in it; its invitations default to it)."""
    try:
        ops.set_region_language(
            web_of(request).store, campaign["id"], region, form_text(form, "language"), admin.get("user")
        )
    except InputError as exc:  # NotFound included: the page lists the regions that exist
        return refused_page(request, campaign, exc)
    return back_to_campaign(request, campaign, "notice=region-language")


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


def close_page(request: Request, campaign: dict, *, problems: list | None = None, status: int = 200) -> Response:
    """The confirmation page of closing: what it means and who it cuts off, with the form that closes."""
    return _render(
        request,
        "admin/close.html",
        {
            "title": _title(request, campaign["name"]),
            "campaign": campaign,
            "counts": ops.close_summary(web_of(request).store, campaign["id"]),
            "problems": problems or [],
        },
        status=status,
    )


@router.get("/campaigns/{campaign_id}/close")
def close_confirm(request: Request, campaign: CampaignDep):
    """Closing cannot be undone, so the campaign page's button leads here first (a closed campaign: back)."""
    if campaign.get("status") != "open":
        return back_to_campaign(request, campaign)
    return close_page(request, campaign)


@router.post("/campaigns/{campaign_id}/close")
def close(request: Request, form: CsrfForm, campaign: CampaignDep, admin_: AdminDep):
    """Closing cannot be undone: without the ticked confirmation box (checked here too, not only by
    the browser's `required`) the confirmation page comes back with the reason and nothing changes."""
    if form_text(form, "confirm") != "yes":
        problems = _problem_texts(request, [Problem(CLOSE_UNCONFIRMED)])
        return close_page(request, campaign, problems=problems, status=422)
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


@router.get("/campaigns/{campaign_id}/audit.csv")
def audit_csv(request: Request, campaign: CampaignDep):
    """The campaign's whole audit log: who did what, when (never answers)."""
    return send(request, ops.audit_download(web_of(request).store, campaign["id"]))


@router.get("/admin-log.csv")
def admin_log_csv(request: Request, admin_: AdminDep):
    """The admin log: logins, failed logins (with the name given and the address), admin creation."""
    return send(request, ops.admin_log_download(web_of(request).store))


@router.get("/campaigns/{campaign_id}/rates")
def rates_fragment(request: Request, campaign: CampaignDep):
    """The response-rate table alone: the campaign page refreshes it while open (admin-rates.js)."""
    return _render(request, "admin/_rates.html", _rates_context(request, web_of(request), campaign))


# texts of problems raised here and in `operations` that the admin pages show translated
_KNOWN_PROBLEMS = frozenset({CLOSE_UNCONFIRMED})
