"""Admin page of a campaign's privacy notice: controller, privacy contact, and the notice per offered
language, with a preview of what respondents read (the campaign's own text, else the built-in one).

Every change is audited with the admin's name (`Store.set_privacy`); the texts respondents agreed
to are kept apart (`notice_texts`), so editing the notice never rewrites a consent already given.
The JSON API gets the same: GET and PUT /api/v1/campaigns/{id}/privacy-notice (`api`).
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from ..errors import InputError
from ..store.base import MAX_NAME
from ..store.consent import NOTICE_MAX
from . import i18n
from .deps import AdminDep, ApiAdminDep, CampaignDep, CsrfForm, admin_router, api_router, form_text, web_of
from .i18n import N_
from .notice import notice_from
from .routes_admin import _render, _root, _t, _title
from .routes_api import PROBLEMS

router = admin_router()

# the store's refusals, by field, in the admin's language
REFUSED = {
    "controller": N_("The controller can be at most {n} characters long."),
    "contact": N_("The privacy contact must be an e-mail address or a web address of at most {n} characters."),
    "notice": N_("The notice in {language} can be at most {n} characters long."),
}


def _refused(request: Request, exc: InputError) -> list[str]:
    t = _t(request)
    out = []
    for p in exc.problems:
        if p.field in ("controller", "contact"):
            out.append(t._(REFUSED[p.field], n=t.integer(MAX_NAME)))
        elif p.field in i18n.LANGUAGE_NAMES:
            out.append(t._(REFUSED["notice"], language=i18n.LANGUAGE_NAMES[p.field], n=t.integer(NOTICE_MAX)))
        else:
            out.append(p.message)
    return out


def privacy_page(
    request: Request,
    campaign: dict,
    *,
    form: dict | None = None,
    problems: list | None = None,
    saved: bool = False,
    status: int = 200,
) -> Response:
    web = web_of(request)
    stored = web.store.privacy_settings(campaign["id"])
    shown = form or stored
    days = web.settings.retention_days
    languages = list(campaign.get("languages") or [])
    t = _t(request)
    return _render(
        request,
        "admin/privacy.html",
        {
            "title": _title(request, t._("Privacy notice")),
            "campaign": campaign,
            "base": f"{_root(request)}/admin/campaigns/{campaign['id']}",
            "controller": shown.get("controller") or "",
            "contact": shown.get("contact") or "",
            "languages": [
                {
                    "code": code,
                    "name": i18n.LANGUAGE_NAMES.get(code, code),
                    "text": (shown.get("notices") or {}).get(code, ""),
                    # the preview shows what is stored: the form's unsaved text is not yet what respondents see
                    "preview": notice_from(stored, campaign, code, days),
                }
                for code in languages
            ],
            "retention_days": days,
            "missing": [k for k in ("controller", "contact") if not stored.get(k)],
            "problems": problems or [],
            "notice": t._("Privacy notice saved.") if saved else None,
        },
        status=status,
    )


@router.get("/campaigns/{campaign_id}/privacy")
def privacy_view(request: Request, campaign: CampaignDep):
    return privacy_page(request, campaign, saved=request.query_params.get("notice") == "saved")


@router.post("/campaigns/{campaign_id}/privacy")
def privacy_save(request: Request, form: CsrfForm, campaign: CampaignDep, admin_: AdminDep):
    web = web_of(request)
    fields = {
        "controller": form_text(form, "controller"),
        "contact": form_text(form, "contact"),
        "notices": {code: form_text(form, f"notice_{code}") for code in campaign.get("languages") or []},
    }
    try:
        web.store.set_privacy(campaign["id"], admin=admin_["user"], **fields)
    except InputError as exc:
        return privacy_page(request, campaign, form=fields, problems=_refused(request, exc), status=422)
    return web.redirect(request, f"{_root(request)}/admin/campaigns/{campaign['id']}/privacy?notice=saved")


# -- the JSON API: GET and PUT of the notice ----------------------------------------------------
api = api_router()


class PrivacyNoticeIn(BaseModel):
    controller: str | None = Field(
        None, max_length=MAX_NAME, description="The organisation responsible for the data; null or '' unsets it."
    )
    contact: str | None = Field(
        None, max_length=MAX_NAME, description="E-mail or web address for access and erasure requests."
    )
    notices: dict[str, str] = Field(
        default_factory=dict,
        description="The campaign's own notice per language (an offered language code -> plain text; '' goes "
        "back to the built-in notice). Languages left out keep their text.",
    )


class NoticeShown(BaseModel):
    text: str = Field(..., description="What respondents read in this language.")
    own: bool = Field(..., description="The campaign's own text (false: the built-in notice).")
    checksum: str = Field(..., description="SHA-256 of the text, recorded with each consent to it.")


class PrivacyNoticeOut(BaseModel):
    controller: str | None = None
    contact: str | None = None
    notices: dict[str, NoticeShown]
    changed: list[str] = Field(default_factory=list, description="What a PUT changed (audited).")


def _notice_out(request: Request, campaign: dict, changed: list[str] | None = None) -> dict:
    web = web_of(request)
    stored = web.store.privacy_settings(campaign["id"])
    days = web.settings.retention_days
    notices = {}
    for code in campaign.get("languages") or []:
        shown = notice_from(stored, campaign, code, days)
        notices[code] = {"text": shown.text, "own": shown.own, "checksum": shown.checksum}
    return {
        "controller": stored["controller"],
        "contact": stored["contact"],
        "notices": notices,
        "changed": changed or [],
    }


@api.get(
    "/campaigns/{campaign_id}/privacy-notice",
    response_model=PrivacyNoticeOut,
    responses=PROBLEMS,
    summary="The privacy notice respondents read, per offered language, with controller and contact",
)
def api_privacy_notice(request: Request, campaign: CampaignDep):
    return _notice_out(request, campaign)


@api.put(
    "/campaigns/{campaign_id}/privacy-notice",
    response_model=PrivacyNoticeOut,
    responses=PROBLEMS,
    summary="Set controller, contact and the campaign's own notice per language (audited with the admin's name)",
)
def api_set_privacy_notice(request: Request, body: PrivacyNoticeIn, campaign: CampaignDep, admin: ApiAdminDep):
    changed = web_of(request).store.set_privacy(
        campaign["id"], admin=admin["user"], controller=body.controller, contact=body.contact, notices=body.notices
    )
    return _notice_out(request, campaign, changed)
