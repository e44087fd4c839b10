"""Respondent pages: personal invitations under /s/{token}, open per-region links under /r/{token}.

Every page is saved on the server (`Store.save_page`) before the next one is shown
(Post/Redirect/Get). A refused value re-renders the page with a message next to its
question and everything the respondent typed; nothing of that page is saved.
Any token that does not lead to a live survey gets the one and only 404 page.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from ..campaign.model import STAKEHOLDER_GROUPS
from ..errors import InputError
from ..instrument import Instrument, pick_label
from ..store.api import Locked
from ..store.api import NotFound as StoreNotFound
from . import consent, i18n
from .core import CampaignClosed, NotFound, Web, token_fingerprint
from .deps import CsrfForm, web_of
from .security import LANG_COOKIE
from .survey import (
    INPUT_MODES,
    INPUT_TYPES,
    Page,
    choice_options,
    display_value,
    error_message,
    page_index,
    page_title,
    read_answers,
)

router = APIRouter(include_in_schema=False)

TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{16,128}$")
OPEN_COOKIE = "s3st_r"
OPEN_COOKIE_DAYS = 180
CONTACT_MAX = 500


@dataclass
class Ctx:
    """One request's view of a survey link."""

    kind: str  # 'invitation' | 'open'
    token: str
    base: str  # '/s/<token>' or '/r/<token>' (with the root path)
    info: dict
    campaign: dict
    instrument: Instrument
    pages: list[Page]
    lang: str
    respondent_id: str | None = None
    respondent: dict | None = None
    languages: list[str] = field(default_factory=list)

    @property
    def submitted(self) -> bool:
        return bool(self.respondent and self.respondent.get("submitted_at"))

    def page(self, n: int) -> Page:
        if not 1 <= n <= len(self.pages):
            raise NotFound()
        return self.pages[n - 1]

    def page_url(self, n: int) -> str:
        return f"{self.base}/page/{n}"

    @property
    def pages_done(self) -> int:
        return page_index(self.pages, (self.respondent or {}).get("last_page"))

    @property
    def resume_url(self) -> str:
        if not consent.consented(self):
            return consent.consent_url(self)
        done = self.pages_done
        return f"{self.base}/review" if done >= len(self.pages) else self.page_url(done + 1)


# -- context ----------------------------------------------------------------------------------
def _open_respondent(web: Web, request: Request, token: str, info: dict) -> tuple[str | None, dict | None]:
    payload = web.signer.unsign("open-respondent", request.cookies.get(OPEN_COOKIE), max_age=OPEN_COOKIE_DAYS * 86400)
    if not payload or payload.get("link") != token_fingerprint(token):
        return None, None
    return _open_respondent_by_id(web, payload.get("rid"), info)


def _open_respondent_by_id(web: Web, rid: object, info: dict) -> tuple[str | None, dict | None]:
    """The respondent `rid` when it belongs to this open link's campaign and region, else (None, None)."""
    if not isinstance(rid, str):
        return None, None
    try:
        resp = web.store.respondent(rid)
    except (InputError, LookupError):
        return None, None
    if resp is None or resp.get("campaign_id") != info["campaign_id"] or resp.get("region") != info["region"]:
        return None, None
    return rid, resp


def _pick_language(
    web: Web, request: Request, base: str, allowed: list[str], info: dict, respondent: dict | None
) -> str:
    wanted = request.query_params.get("lang")
    if wanted in allowed:
        web.queue_cookie(request, LANG_COOKIE, wanted, max_age=OPEN_COOKIE_DAYS * 86400, path=base)
        request.state.language_switched = wanted
        return wanted
    cookie = request.cookies.get(LANG_COOKIE)
    if cookie in allowed:
        return cookie
    for candidate in ((respondent or {}).get("language"), info.get("language")):
        if candidate in allowed:
            return candidate
    return allowed[0] if allowed else i18n.DEFAULT


#: how long a worker reuses the lookup of a personal link that is saving answers (`load_ctx(saving=True)`)
SAVING_LINK_SECONDS = 2.0
SAVING_LINKS_MAX = 20_000


def _link_context(web: Web, kind: str, token: str, *, privacy: bool, saving: bool):
    """`Store.token_context(token)`, or for a page save of a personal invitation whose respondent has
    agreed and not submitted, the same lookup made by this worker less than SAVING_LINK_SECONDS ago.

    Why it is safe: the save itself re-checks, in its write transaction, that the respondent exists
    and has not submitted and that the campaign is open (`Store.save_page`: Locked or NotFound
    otherwise), so closing, submitting and erasing take effect at once; only a revoked or expired
    link may still save for up to SAVING_LINK_SECONDS in a worker that has just looked it up.
    Why it is worth it: at saturation a respondent saves several times a second and the lookup was
    about a seventh of a save's server CPU."""
    now = time.monotonic()
    if saving and kind == "invitation":
        hit = web.saving_links.get(token)
        if hit is not None and hit[0] > now:
            return dict(hit[1]), dict(hit[2]), dict(hit[3])
    found = web.store.token_context(token, privacy=privacy)
    if saving and found is not None:
        info, campaign, invited = found
        if (
            info.get("kind") == "invitation"
            and campaign.get("status") == "open"
            and invited is not None
            and invited.get("consented_at") is not None
            and invited.get("submitted_at") is None
        ):
            if len(web.saving_links) >= SAVING_LINKS_MAX:
                web.saving_links.clear()
            web.saving_links[token] = (now + SAVING_LINK_SECONDS, dict(info), dict(campaign), dict(invited))
    return found


def load_ctx(request: Request, kind: str, token: str, *, privacy: bool = False, saving: bool = False) -> Ctx:
    """Resolve the link or raise NotFound (RateLimited past a limit). `privacy`: the campaign
    dict also holds its privacy settings (`Store.token_context`), for the pages showing the notice.
    `saving`: a page save, which may reuse this worker's lookup of the link of a moment ago
    (`_link_context`).

    Two separate counts: requests per link, and failed lookups per client address. An address
    past its failures gets 429 for every further *failed* lookup (malformed ones without touching
    the database), but a valid link is still served: failed guesses never block real respondents."""
    web = web_of(request)
    if not TOKEN_RE.match(token):
        raise web.bad_token(request) or NotFound()
    web.check_token_rate(request, token)
    # link, campaign and (personal invitation) respondent: one read transaction, one query
    hit = _link_context(web, kind, token, privacy=privacy, saving=saving)
    if hit is None or hit[0].get("kind") != kind:
        raise web.bad_token(request) or NotFound()
    info, campaign, invited = hit
    if campaign.get("status") != "open":  # the link was right: say the survey ended, in its language
        langs = campaign.get("languages") or []
        said = [x for x in ((invited or {}).get("language"), info.get("language")) if x in langs]
        raise CampaignClosed(str(said[0]) if said else i18n.DEFAULT)
    instrument, pages = web.instrument_pages(campaign["instrument_id"])
    root = request.scope.get("root_path", "")
    base = f"{root}/{'s' if kind == 'invitation' else 'r'}/{token}"
    if kind == "invitation":
        rid, resp = info.get("respondent_id"), invited
    else:
        rid, resp = _open_respondent(web, request, token, info)
    allowed = [code for code in campaign.get("languages") or [] if isinstance(code, str)] or [i18n.DEFAULT]
    lang = _pick_language(web, request, base, allowed, info, resp)
    ctx = Ctx(kind, token, base, info, campaign, instrument, pages, lang, rid, resp, allowed)
    if rid and getattr(request.state, "language_switched", None) and resp and resp.get("language") != lang:
        _store_language(web, ctx)
    return ctx


def _store_language(web: Web, ctx: Ctx) -> None:
    """Keep a language switch with the respondent (the cookie alone would forget it on another device)."""
    if ctx.submitted:
        return
    try:
        web.store.set_language(ctx.respondent_id, ctx.lang)
    except InputError:  # submitted or closed meanwhile: the cookie still shows the page in it
        pass


def _region_name(web: Web, ctx: Ctx) -> str:
    try:
        regions = web.store.regions(ctx.info["campaign_id"])
        hit = regions.loc[regions["region"] == ctx.info["region"], "name"]
        name = str(hit.iloc[0]) if len(hit) else ""
    except Exception:  # noqa: BLE001 - the name is decoration only
        name = ""
    return f"{name} ({ctx.info['region']})" if name and name != ctx.info["region"] else ctx.info["region"]


def _switcher(request: Request, ctx: Ctx, path: str | None = None) -> list[tuple]:
    target = path or request.url.path
    return [
        (code, i18n.LANGUAGE_NAMES.get(code, code), f"{target}?lang={code}", code == ctx.lang) for code in ctx.languages
    ]


def _common(request: Request, ctx: Ctx, path: str | None = None) -> dict:
    ins = ctx.instrument
    lang = ctx.lang

    def label_of(item):
        return pick_label(item.labels, lang)

    def hint_of(item):
        return pick_label(item.hints, lang) if item.hints else ""

    def label_for_name(name):
        return pick_label(ins.item(name).labels, lang) if ins.has_item(name) else name

    return {
        "resume_link": _resume_link(request, ctx),
        "survey_title": i18n.instrument_title(ins.title, lang),
        "title": i18n.instrument_title(ins.title, lang),
        "switcher": _switcher(request, ctx, path),
        "label_of": label_of,
        "hint_of": hint_of,
        "label_for_name": label_for_name,
        "options_of": lambda item: choice_options(ins, item, lang),
        "input_type": lambda item: INPUT_TYPES.get(item.type, "text"),
        "input_mode": lambda item: INPUT_MODES.get(item.type),
    }


def _resume_link(request: Request, ctx: Ctx) -> str | None:
    """An open-link respondent's personal link to go on on another device or browser.

    The shared open link cannot say who is answering, and the cookie stays in one browser; this
    signed link (the respondent id bound to the link, like the cookie) is shown on their own pages
    only, so "come back later" works anywhere. None for personal invitations (their link is personal)."""
    if ctx.kind != "open" or not ctx.respondent_id or ctx.submitted:
        return None
    web = web_of(request)
    code = web.signer.sign("open-resume", {"rid": ctx.respondent_id, "link": token_fingerprint(ctx.token)})
    return f"{web.base_url(request)}/r/{ctx.token}/resume/{code}"


def resume_open(request: Request, token: str, code: str) -> Response:
    """Take up an open-link questionnaire from its personal resume link: this browser gets the
    respondent's cookie and lands on the questionnaire's start page ('continue where you left off').
    A code that does not fit (another link, forged, submitted) leads to the link's fresh form."""
    web = web_of(request)
    ctx = load_ctx(request, "open", token)
    payload = web.signer.unsign("open-resume", code, max_age=OPEN_COOKIE_DAYS * 86400)
    if not payload or payload.get("link") != token_fingerprint(token):
        if (limited := web.bad_token(request)) is not None:
            raise limited
        return web.redirect(request, ctx.base)
    rid, resp = _open_respondent_by_id(web, payload.get("rid"), ctx.info)
    if rid is None or resp is None or resp.get("submitted_at"):
        return web.redirect(request, ctx.base)
    web.queue_cookie(
        request,
        OPEN_COOKIE,
        web.signer.sign("open-respondent", {"rid": rid, "link": token_fingerprint(token)}),
        max_age=OPEN_COOKIE_DAYS * 86400,
        path=ctx.base,
    )
    if resp.get("language") in ctx.languages:
        web.queue_cookie(request, LANG_COOKIE, resp["language"], max_age=OPEN_COOKIE_DAYS * 86400, path=ctx.base)
    return web.redirect(request, ctx.base)


# -- views (sync: they talk to the database; run in the thread pool) -----------------------------
def view_landing(request: Request, kind: str, token: str) -> Response:
    web = web_of(request)
    ctx = load_ctx(request, kind, token, privacy=kind == "open")  # an open link's form shows the notice
    # an open link is shared: once this browser's respondent has submitted, the next person
    # using it (a colleague at the same desk) gets a fresh questionnaire, not the thanks page
    if kind == "open" and (ctx.respondent is None or ctx.submitted):
        return view_open_form(request, ctx)
    if ctx.submitted:
        return web.redirect(request, f"{ctx.base}/thanks")
    done = ctx.pages_done
    # answers autosaved on a page not yet completed count as started: 'continue', not 'start'
    started = done > 0 or bool(ctx.respondent_id and web.store.answers(ctx.respondent_id))
    return web.render(
        request,
        "survey/landing.html",
        {
            **_common(request, ctx),
            "region_name": _region_name(web, ctx),
            "started": started,
            "pages_done": done,
            "page_count": len(ctx.pages),
            "resume_url": ctx.resume_url,
            "resume_is_review": done >= len(ctx.pages),
            "submitted": False,
        },
        lang=ctx.lang,
    )


def view_open_form(
    request: Request,
    ctx: Ctx,
    *,
    error: str | None = None,
    chosen: str | None = None,
    consent_error: str | None = None,
    status: int = 200,
) -> Response:
    web = web_of(request)
    return web.render(
        request,
        "survey/open.html",
        {
            **_common(request, ctx, ctx.base),
            "action": ctx.base,
            "region_name": _region_name(web, ctx),
            "groups": group_options(ctx.instrument, ctx.lang),
            "language_options": [(c, i18n.LANGUAGE_NAMES.get(c, c)) for c in ctx.languages],
            "error": error,
            "chosen": chosen,
            "consent_error": consent_error,
            **consent.open_form_context(request, ctx),
        },
        lang=ctx.lang,
        status=status,
    )


def group_options(instrument: Instrument, lang: str) -> list[tuple[str, str]]:
    """Stakeholder groups with the instrument's labels when it has a `stakeholder_group` list."""
    cl = instrument.lists.get("stakeholder_group")
    out = []
    for g in STAKEHOLDER_GROUPS:
        choice = cl.get(g) if cl else None
        text = pick_label(choice.labels, lang) if choice else ""
        if not text or (lang != i18n.DEFAULT and choice is not None and not _has_language(choice.labels, lang)):
            text = i18n.t(lang, f"group_{g}")
        out.append((g, text))
    return out


def _has_language(labels: dict[str, str], lang: str) -> bool:
    from ..instrument.model import language_code

    return any(language_code(k) == lang for k in labels)


def start_open(request: Request, token: str, form) -> Response:
    web = web_of(request)
    ctx = load_ctx(request, "open", token, privacy=True)
    if ctx.respondent is not None and not ctx.submitted:
        return web.redirect(request, ctx.resume_url)
    agreed = consent.agreed_notice(request, ctx, form)  # nobody is stored without consent
    if isinstance(agreed, Response):  # declined
        return agreed
    group = form.get("stakeholder_group")
    language = form.get("language")
    if language in ctx.languages:
        ctx.lang = language
    if group not in STAKEHOLDER_GROUPS or isinstance(agreed, str):
        return view_open_form(
            request,
            ctx,
            error=None if group in STAKEHOLDER_GROUPS else i18n.t(ctx.lang, "group_required"),
            chosen=group if isinstance(group, str) else None,
            consent_error=agreed if isinstance(agreed, str) else None,
            status=422,
        )
    try:
        rid = web.store.start_with_consent(
            token, agreed.text, language=ctx.lang, notice_language=agreed.language, stakeholder_group=group
        )
    except InputError:  # a closed campaign or a dead link: the visitor learns no more than "not found"
        raise NotFound() from None
    web.queue_cookie(
        request,
        OPEN_COOKIE,
        web.signer.sign("open-respondent", {"rid": rid, "link": token_fingerprint(token)}),
        max_age=OPEN_COOKIE_DAYS * 86400,
        path=ctx.base,
    )
    web.queue_cookie(request, LANG_COOKIE, ctx.lang, max_age=OPEN_COOKIE_DAYS * 86400, path=ctx.base)
    return web.redirect(request, ctx.page_url(1))


def _need_respondent(request: Request, ctx: Ctx) -> Response | None:
    """Where to send a visitor who may not see this page now (None: may)."""
    web = web_of(request)
    if ctx.kind == "open" and (ctx.respondent is None or ctx.submitted):
        return web.redirect(request, ctx.base)  # the landing: a new questionnaire on a shared link
    if ctx.submitted:
        return web.redirect(request, f"{ctx.base}/thanks")
    return consent.need_consent(request, ctx)


def view_page(request: Request, kind: str, token: str, n: int) -> Response:
    web = web_of(request)
    ctx = load_ctx(request, kind, token)
    page = ctx.page(n)
    if (away := _need_respondent(request, ctx)) is not None:
        return away
    values = web.store.answers(ctx.respondent_id) if ctx.respondent_id else {}
    return render_page(request, ctx, page, values, {}, [])


def render_page(
    request: Request, ctx: Ctx, page: Page, values: dict, errors: dict, general: list, status: int = 200
) -> Response:
    web = web_of(request)
    context = {
        **_common(request, ctx, ctx.page_url(page.number)),
        "page": page,
        "page_no": page.number,
        "page_count": len(ctx.pages),
        "page_title": page_title(page, ctx.lang),
        "action": ctx.page_url(page.number),
        "draft_url": ctx.page_url(page.number) + "/draft",
        "values": values,
        "errors": errors,
        "problems": general,
    }
    if not errors and not any(item.name in values for item in page.items):
        context["blank_questions"] = blank_questions(request, ctx, page, context)
    return web.render(request, "survey/page.html", context, lang=ctx.lang, status=status)


def blank_questions(request: Request, ctx: Ctx, page: Page, context: dict) -> dict:
    """The HTML of each question of `page` with no answer and no error, rendered once per
    (instrument, page, language): a stored instrument never changes, and most page views are
    first views. `context`: render_page's (labels, hints and options in the page's language)."""
    web = web_of(request)
    key = (int(ctx.campaign["instrument_id"]), page.number, ctx.lang)
    hit = web.blank_questions.get(key)
    if hit is None:
        blank = {**web.base_context(request, ctx.lang), **context, "values": {}, "errors": {}}
        module = web.env.get_template("survey/_item.html").make_module(blank)
        question = module.question  # type: ignore[attr-defined]  # the macro of _item.html
        hit = web.blank_questions.setdefault(key, {item.name: question(item) for item in page.items})
    return hit


def save_page(request: Request, kind: str, token: str, n: int, form) -> Response:
    web = web_of(request)
    ctx = load_ctx(request, kind, token, saving=True)
    page = ctx.page(n)
    if (away := _need_respondent(request, ctx)) is not None:
        return away
    answers = read_answers(page, form)
    try:
        if ctx.respondent_id is None:  # an invitation's first save starts its respondent (one transaction)
            ctx.respondent_id = web.store.start_and_save_page(token, page.key, answers, language=ctx.lang)
        else:
            web.store.save_page(ctx.respondent_id, page.key, answers)
    except Locked:  # submitted or closed meanwhile
        if web.saving_links.pop(token, None) is not None:  # answered as after a fresh lookup
            return save_page(request, kind, token, n, form)  # (which never reuses a submitted or closed one)
        return web.redirect(request, ctx.base)
    except StoreNotFound:  # the respondent was erased meanwhile: the link no longer works
        web.saving_links.pop(token, None)
        raise web.bad_token(request) or NotFound() from None
    except InputError as exc:
        if ctx.respondent_id is None:  # a dead link, or refused answers: start the respondent on its own
            try:
                ctx.respondent_id = web.store.start_respondent(token, language=ctx.lang)
            except InputError:
                raise NotFound() from None
        names = {i.name for i in page.answerable}
        errors: dict[str, str] = {}
        general: list[str] = []
        for p in exc.problems:
            if p.field is not None and p.field in names:
                errors.setdefault(p.field, error_message(ctx.instrument, p.field, ctx.lang))
            else:
                general.append(i18n.t(ctx.lang, "invalid_value"))
        if not errors and not general:
            general.append(i18n.t(ctx.lang, "invalid_value"))
        saved = web.store.answers(ctx.respondent_id)
        return render_page(request, ctx, page, {**saved, **answers}, errors, sorted(set(general)), status=422)
    if form.get("nav") == "back" and n > 1:
        return web.redirect(request, ctx.page_url(n - 1))
    if n < len(ctx.pages):
        return web.redirect(request, ctx.page_url(n + 1))
    return web.redirect(request, f"{ctx.base}/review")


def save_draft(request: Request, kind: str, token: str, n: int, form) -> Response:
    """Autosave of a page the respondent is still on (the page's script posts the form as it changes).

    The answers are kept, the last page is not moved (resuming opens this page again), and a value
    that is not valid is left out instead of refusing the rest: the full save when the respondent
    continues shows the message next to it. JSON: {"saved": bool, "invalid": [item, ...]}; 409 after
    submit or when the campaign has closed."""
    web = web_of(request)
    ctx = load_ctx(request, kind, token)
    page = ctx.page(n)
    if ctx.submitted or not consent.consented(ctx):  # an open link's or anyone's without consent
        return JSONResponse({"saved": False, "invalid": []}, status_code=409)
    answers = read_answers(page, form)
    invalid: list[str] = []
    while True:
        try:
            if ctx.respondent_id is None:
                ctx.respondent_id = web.store.start_and_save_page(
                    token, page.key, answers, language=ctx.lang, draft=True
                )
            else:
                web.store.save_page(ctx.respondent_id, page.key, answers, draft=True)
            return JSONResponse({"saved": True, "invalid": sorted(invalid)})
        except Locked:
            return JSONResponse({"saved": False, "invalid": []}, status_code=409)
        except InputError as exc:
            bad = {p.field for p in exc.problems if p.field is not None and p.field in answers}
            if not bad:  # not about a value on this page (a dead link, say): nothing to leave out
                return JSONResponse({"saved": False, "invalid": sorted(invalid)}, status_code=422)
            invalid += sorted(bad)
            answers = {k: v for k, v in answers.items() if k not in bad}


def view_review(request: Request, kind: str, token: str) -> Response:
    web = web_of(request)
    ctx = load_ctx(request, kind, token)
    if (away := _need_respondent(request, ctx)) is not None:
        return away
    values = web.store.answers(ctx.respondent_id) if ctx.respondent_id else {}
    sections = []
    for page in ctx.pages:
        rows = [
            (pick_label(i.labels, ctx.lang), display_value(ctx.instrument, i, values.get(i.name, ""), ctx.lang))
            for i in page.answerable
        ]
        if rows:
            sections.append(
                {
                    "number": page.number,
                    "title": page_title(page, ctx.lang),
                    "rows": rows,
                    "url": ctx.page_url(page.number),
                }
            )
    return web.render(
        request,
        "survey/review.html",
        {
            **_common(request, ctx, f"{ctx.base}/review"),
            "sections": sections,
            "submit_url": f"{ctx.base}/submit",
            "back_url": ctx.page_url(len(ctx.pages)),
        },
        lang=ctx.lang,
    )


def submit(request: Request, kind: str, token: str) -> Response:
    web = web_of(request)
    ctx = load_ctx(request, kind, token)
    if ctx.submitted:  # a second submit changes nothing
        return web.redirect(request, f"{ctx.base}/thanks")
    if ctx.respondent_id is None:
        return web.redirect(request, ctx.base)
    if (away := consent.need_consent(request, ctx)) is not None:
        return away
    web.saving_links.pop(token, None)  # this worker's next save looks the link up afresh
    try:
        web.store.submit(ctx.respondent_id)
    except Locked:  # the campaign closed meanwhile
        return web.redirect(request, ctx.base)
    return web.redirect(request, f"{ctx.base}/thanks")


def view_thanks(request: Request, kind: str, token: str) -> Response:
    web = web_of(request)
    ctx = load_ctx(request, kind, token)
    if not ctx.submitted:
        return web.redirect(request, ctx.base)
    return web.render(
        request,
        "survey/thanks.html",
        {
            **_common(request, ctx, f"{ctx.base}/thanks"),
            "already": False,
            "contact_url": f"{ctx.base}/contact",
            "contact_saved": request.query_params.get("contact") == "saved",
        },
        lang=ctx.lang,
    )


def save_contact(request: Request, kind: str, token: str, form) -> Response:
    web = web_of(request)
    ctx = load_ctx(request, kind, token)
    if ctx.respondent_id is None:
        return web.redirect(request, ctx.base)
    if (away := consent.need_consent(request, ctx)) is not None:
        return away
    raw = form.get("contact")
    contact = raw.strip()[:CONTACT_MAX] if isinstance(raw, str) else ""
    web.store.set_contact(ctx.respondent_id, contact or None)
    return web.redirect(request, f"{ctx.base}/thanks?contact=saved")


# -- routes ------------------------------------------------------------------------------
# POSTs take `CsrfForm`: the form is read and its CSRF token checked on the event loop, before the
# token's rate limit and lookup; the view then runs in the thread pool (sync routes).
def _register(prefix: str, kind: str) -> None:
    @router.get(f"/{prefix}/{{token}}")
    def landing(request: Request, token: str):
        return view_landing(request, kind, token)

    @router.get(f"/{prefix}/{{token}}/page/{{n}}")
    def page_get(request: Request, token: str, n: int):
        return view_page(request, kind, token, n)

    @router.post(f"/{prefix}/{{token}}/page/{{n}}")
    def page_post(request: Request, form: CsrfForm, token: str, n: int):
        return save_page(request, kind, token, n, form)

    @router.post(f"/{prefix}/{{token}}/page/{{n}}/draft")
    def page_draft(request: Request, form: CsrfForm, token: str, n: int):
        return save_draft(request, kind, token, n, form)

    @router.get(f"/{prefix}/{{token}}/review")
    def review(request: Request, token: str):
        return view_review(request, kind, token)

    @router.post(f"/{prefix}/{{token}}/submit")
    def submit_post(request: Request, form: CsrfForm, token: str):
        return submit(request, kind, token)

    @router.get(f"/{prefix}/{{token}}/thanks")
    def thanks(request: Request, token: str):
        return view_thanks(request, kind, token)

    @router.post(f"/{prefix}/{{token}}/contact")
    def contact_post(request: Request, form: CsrfForm, token: str):
        return save_contact(request, kind, token, form)


_register("s", "invitation")
_register("r", "open")


@router.post("/r/{token}")
def open_start(request: Request, form: CsrfForm, token: str):
    return start_open(request, token, form)


@router.get("/r/{token}/resume/{code}")
def open_resume(request: Request, token: str, code: str):
    return resume_open(request, token, code)
