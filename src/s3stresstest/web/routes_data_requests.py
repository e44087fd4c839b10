"""Admin pages of a person's data requests: find them, see what is held, download it, erase it.

Every step posts (with the CSRF token): a link to continue grants access to a questionnaire and
must not end up in URLs or server logs, and every look-up is logged. Once found, the person is
carried between the steps by invitation id or respondent id, never by their link. The erasure
asks first, on a page that names what will be deleted.
"""

from __future__ import annotations

from dataclasses import replace

from fastapi import Request
from fastapi.responses import Response

from ..errors import InputError
from . import data_requests as dr
from .deps import AdminDep, CampaignDep, CsrfForm, admin_router, form_text, web_of
from .i18n import N_
from .routes_admin import _problem_texts, _render, _root, _t, _title, send

router = admin_router()

ERASE_UNCONFIRMED = N_("nothing was erased: tick the box to confirm the erasure")


def _who(request: Request, form) -> tuple[str, str, dr.Person]:
    kind, text = form_text(form, "kind") or "link", form_text(form, "who")
    return kind, text, dr.person(kind, text, dr.resume_reader(web_of(request).signer))


def _carried(data: dict) -> tuple[str, str]:
    """The found person as the next step's hidden fields: invitation id, else respondent id."""
    if data.get("invitation_id") is not None:
        return "invitation", str(data["invitation_id"])
    return "respondent", str(data["respondents"][0]["respondent_id"])


def _page(request: Request, campaign: dict, *, kind="link", who="", data=None, problems=None, status=200) -> Response:
    t = _t(request)
    notice = None
    q = request.query_params
    if q.get("notice") == "erased":
        try:
            people, deleted = max(0, int(q.get("people", "0"))), max(0, int(q.get("rows", "0")))
        except ValueError:
            people, deleted = 0, 0
        notice = t.ngettext(
            "Erased: {n} respondent and {rows} stored rows are deleted; the audit log records the erasure.",
            "Erased: {n} respondents and {rows} stored rows are deleted; the audit log records the erasure.",
            people,
            rows=t.integer(deleted),
        )
    ctx = {
        "title": _title(request, t._("Respondent data requests")),
        "campaign": campaign,
        "kind": kind,
        "who": who,
        "data": data,
        "erased": notice,
        "problems": problems or [],
    }
    if data is not None:
        ctx["carried_kind"], ctx["carried_who"] = _carried(data)
        ctx["counts"] = dr.summary(data)
    return _render(request, "admin/data_requests.html", ctx, status=status)


def _refused(request: Request, campaign: dict, form, exc: InputError) -> Response:
    return _page(
        request,
        campaign,
        kind=form_text(form, "kind") or "link",
        who=form_text(form, "who")[:500],
        problems=_problem_texts(request, [replace(p, field=None) for p in exc.problems]),  # one field: no place
        status=422,
    )


@router.get("/campaigns/{campaign_id}/data-requests")
def data_requests(request: Request, campaign: CampaignDep):
    """The look-up form (and the notice after an erasure)."""
    return _page(request, campaign)


@router.post("/campaigns/{campaign_id}/data-requests")
def look_up(request: Request, form: CsrfForm, campaign: CampaignDep, admin_: AdminDep):
    """What is held about the person, shown; logged as a view with the admin's name."""
    try:
        kind, text, who = _who(request, form)
        data = dr.person_data(web_of(request).store, campaign["id"], who, admin=admin_["user"], purpose="view")
    except InputError as exc:
        return _refused(request, campaign, form, exc)
    return _page(request, campaign, kind=kind, who="" if kind == "link" else text, data=data)  # a link: not again


@router.post("/campaigns/{campaign_id}/data-requests/download")
def download(request: Request, form: CsrfForm, campaign: CampaignDep, admin_: AdminDep):
    """The person's data as JSON or spreadsheet-safe CSV; logged as an export with its format."""
    fmt = form_text(form, "format")
    try:
        _kind, _text, who = _who(request, form)
        fmt = fmt if fmt in dr.FORMATS else "json"
        data = dr.person_data(web_of(request).store, campaign["id"], who, admin=admin_["user"], format=fmt)
    except InputError as exc:
        return _refused(request, campaign, form, exc)
    return send(request, dr.download(data, fmt))


@router.post("/campaigns/{campaign_id}/data-requests/erase")
def erase(request: Request, form: CsrfForm, campaign: CampaignDep, admin_: AdminDep):
    """Without the ticked box: the confirmation page naming what goes. With it: erased, back to the form."""
    web = web_of(request)
    try:
        who = _who(request, form)[2]
        if form_text(form, "confirm") != "yes":
            data = dr.person_data(web.store, campaign["id"], who, admin=admin_["user"], purpose="view", step="erase")
            problems = [_t(request)._(ERASE_UNCONFIRMED)] if form_text(form, "asked") == "yes" else []
            carried_kind, carried_who = _carried(data)
            return _render(
                request,
                "admin/data_erase.html",
                {
                    "title": _title(request, _t(request)._("Erase a respondent's data")),
                    "campaign": campaign,
                    "data": data,
                    "counts": dr.summary(data),
                    "carried_kind": carried_kind,
                    "carried_who": carried_who,
                    "problems": problems,
                },
                status=422 if problems else 200,
            )
        runs = web.settings.resolved_runs_dir()
        done = dr.erase(web.store, campaign["id"], who, admin=admin_["user"], runs_root=runs)
    except InputError as exc:
        return _refused(request, campaign, form, exc)
    url = f"{_root(request)}/admin/campaigns/{campaign['id']}/data-requests"
    query = f"notice=erased&people={len(done['respondents'])}&rows={done['rows']}"
    return web.redirect(request, f"{url}?{query}")
