"""The consent step of the respondent pages: the privacy notice, agreeing, declining.

Before the first question page a respondent reads the campaign's privacy notice in their
language and agrees (or declines: a polite page, nothing stored). Nothing is stored before
consent: a personal invitation's respondent is created by agreeing (`Store.start_with_consent`),
an open link's by agreeing on its start form together with the group. Page saves, drafts,
submit and contact details of a respondent without consent are refused with a redirect to this
step; the check reads the respondent already loaded with the link (`load_ctx`), so the save
path makes no extra query. Respondents from before the consent step (consented_at NULL) are
asked once (`Store.record_consent`).

The form carries the checksum of the notice shown; when the notice was edited meanwhile the
respondent reads it again instead of agreeing to a text they never saw.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ..errors import InputError
from ..store.api import Locked
from . import i18n
from .core import NotFound
from .deps import CsrfForm, web_of
from .i18n import N_
from .notice import Notice, campaign_notice, notice_from

router = APIRouter(include_in_schema=False)

CONSENT_REQUIRED = N_("Please agree to the privacy notice to start, or choose “I do not agree”.")
NOTICE_CHANGED = N_("The privacy notice was changed while you were reading it. Please read it again.")


# -- helpers used by routes_survey.py -----------------------------------------------------------
def consented(ctx) -> bool:
    """Whether the respondent of this request has agreed (from the row `load_ctx` read: no query)."""
    return bool(ctx.respondent and ctx.respondent.get("consented_at"))


def consent_url(ctx) -> str:
    return f"{ctx.base}/consent"


def need_consent(request: Request, ctx) -> Response | None:
    """A redirect to the consent step when the respondent has not agreed yet (None: has)."""
    if consented(ctx):
        return None
    web = web_of(request)
    if ctx.kind == "open" and ctx.respondent is None:
        return web.redirect(request, ctx.base)  # an open link's start form asks for consent
    return web.redirect(request, consent_url(ctx))


def notice_for(request: Request, ctx, language: str | None = None) -> Notice:
    """The campaign's notice in `language` (default: the page's), from the privacy settings read
    with the link when the page asked for them (`load_ctx(privacy=True)`), else read now."""
    web = web_of(request)
    settings = ctx.campaign.get("privacy")
    if settings is None:
        return campaign_notice(web.store, ctx.campaign, language or ctx.lang, web.settings.retention_days)
    return notice_from(settings, ctx.campaign, language or ctx.lang, web.settings.retention_days)


def open_form_context(request: Request, ctx) -> dict:
    """What the open link's start form adds: the notice to agree to."""
    return {"notice": notice_for(request, ctx)}


def agreed_notice(request: Request, ctx, form) -> Notice | Response | str:
    """The notice a posted form agreed to; a Response when the respondent declined; else the
    message to show (not agreed, or the notice changed since the form was shown)."""
    decision = form.get("consent")
    if decision == "decline":
        return web_of(request).redirect(request, f"{ctx.base}/declined")
    if decision != "agree":
        return i18n.t(ctx.lang, CONSENT_REQUIRED)
    shown_in = form.get("notice_language")
    notice = notice_for(request, ctx, shown_in if shown_in in ctx.languages else ctx.lang)
    if form.get("notice") != notice.checksum:
        return i18n.t(ctx.lang, NOTICE_CHANGED)
    return notice


# -- views ------------------------------------------------------------------------------------------
def _ctx(request: Request, kind: str, token: str):
    """The link's context with its campaign's privacy settings (one connection for both)."""
    from .routes_survey import load_ctx  # routes_survey imports this module

    return load_ctx(request, kind, token, privacy=True)


def _common(request: Request, ctx, path: str) -> dict:
    from .routes_survey import _common as survey_common

    return survey_common(request, ctx, path)


def view_consent(request: Request, kind: str, token: str, *, message: str | None = None, status: int = 200):
    web = web_of(request)
    ctx = _ctx(request, kind, token)
    if ctx.kind == "open" and (ctx.respondent is None or ctx.submitted):
        return web.redirect(request, ctx.base)  # the start form asks a new respondent
    if consented(ctx):
        return web.redirect(request, f"{ctx.base}/thanks" if ctx.submitted else ctx.resume_url)
    return render_consent(request, ctx, message=message, status=status)


def render_consent(request: Request, ctx, *, message: str | None = None, status: int = 200) -> Response:
    notice = notice_for(request, ctx)
    return web_of(request).render(
        request,
        "survey/consent.html",
        {
            **_common(request, ctx, consent_url(ctx)),
            "notice": notice,
            "action": consent_url(ctx),
            "message": message,
            "earlier": ctx.respondent_id is not None,
        },
        lang=ctx.lang,
        status=status,
    )


def post_consent(request: Request, kind: str, token: str, form) -> Response:
    web = web_of(request)
    ctx = _ctx(request, kind, token)
    if ctx.kind == "open" and (ctx.respondent is None or ctx.submitted):
        return web.redirect(request, ctx.base)
    if consented(ctx):
        return web.redirect(request, f"{ctx.base}/thanks" if ctx.submitted else ctx.resume_url)
    agreed = agreed_notice(request, ctx, form)
    if isinstance(agreed, Response):
        return agreed
    if isinstance(agreed, str):
        return render_consent(request, ctx, message=agreed, status=422)
    try:
        if ctx.respondent_id is None:  # a personal invitation: agreeing starts its respondent
            web.store.start_with_consent(token, agreed.text, language=ctx.lang, notice_language=agreed.language)
            return web.redirect(request, ctx.page_url(1))
        done = web.store.record_consent(ctx.respondent_id, agreed.text, language=agreed.language)
    except Locked:  # closed meanwhile
        return web.redirect(request, ctx.base)
    except InputError:  # a dead link: the visitor learns no more than "not found"
        raise NotFound() from None
    ctx.respondent = dict(ctx.respondent or {}, consented_at=done["consented_at"])
    return web.redirect(request, f"{ctx.base}/thanks" if ctx.submitted else ctx.resume_url)


def view_declined(request: Request, kind: str, token: str) -> Response:
    """The polite page after 'I do not agree': nothing was stored (or, for a respondent from
    before the consent step, that earlier answers stay until they ask for erasure)."""
    web = web_of(request)
    ctx = _ctx(request, kind, token)
    earlier = ctx.respondent_id is not None and not consented(ctx)
    if ctx.kind == "open" and ctx.submitted:
        earlier = False  # a colleague on a shared browser: the submitted questionnaire is not theirs
    again = ctx.base if ctx.kind == "open" and (ctx.respondent is None or ctx.submitted) else consent_url(ctx)
    return web.render(
        request,
        "survey/declined.html",
        {
            **_common(request, ctx, f"{ctx.base}/declined"),
            "earlier": earlier,
            "again_url": again,
            "contact": (ctx.campaign.get("privacy") or {}).get("contact") if earlier else None,
        },
        lang=ctx.lang,
    )


# -- routes -------------------------------------------------------------------------------------
def _register(prefix: str, kind: str) -> None:
    @router.get(f"/{prefix}/{{token}}/consent")
    def consent_get(request: Request, token: str):
        return view_consent(request, kind, token)

    @router.post(f"/{prefix}/{{token}}/consent")
    def consent_post(request: Request, form: CsrfForm, token: str):
        return post_consent(request, kind, token, form)

    @router.get(f"/{prefix}/{{token}}/declined")
    def declined(request: Request, token: str):
        return view_declined(request, kind, token)


_register("s", "invitation")
_register("r", "open")
