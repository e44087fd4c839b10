"""Shared machinery of the web app: templates, cookies, CSRF, rate limits and error pages.

`Web` is created once per app (`app.state.web`) and holds the store, the settings, the
cookie signer, the rate limiters and a cache of instruments and their pages.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import threading
from pathlib import Path
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.templating import Jinja2Templates

from . import i18n
from .operations import CSV_TYPE
from .security import (
    ADMIN_COOKIE,
    CSRF_COOKIE,
    CSRF_FIELD,
    RateLimiter,
    SharedRateLimiter,
    Signer,
    client_key,
    new_token,
    same_token,
)
from .settings import WebSettings
from .survey import build_pages

log = logging.getLogger("s3stresstest.web")

# the language chosen with the admin pages' switch (not a secret: a plain cookie)
ADMIN_LANG_COOKIE = "s3st_admin_lang"

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"


class NotFound(Exception):
    """Anything a visitor may not see: one page, one status, whatever the reason."""


class CampaignClosed(NotFound):
    """A live link of a closed campaign: still 404, but the page says the survey has ended, in the
    invitation's `language` (the visitor already holds the link, so this reveals nothing new)."""

    def __init__(self, language: str):
        super().__init__(language)
        self.language = language


class RateLimited(Exception):
    pass


class CsrfFailed(Exception):
    pass


class LoginRequired(Exception):
    pass


def human_size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.0f} MB"
    return f"{n / 1024:.0f} kB"


class Web:
    def __init__(self, store, settings: WebSettings):
        self.store = store
        self.settings = settings
        self.signer = Signer(settings.resolved_secret(store))
        # failures count in the database, so the limits hold across server processes and hosts
        self.login_limiter = SharedRateLimiter(store, "login", settings.login_rate)
        self.token_limiter = RateLimiter(settings.token_rate)
        self.bad_token_limiter = SharedRateLimiter(store, "bad-token", settings.bad_token_rate)
        env = Environment(
            loader=FileSystemLoader(str(TEMPLATES)),
            autoescape=select_autoescape(default=True),
            trim_blocks=False,
            lstrip_blocks=False,
            auto_reload=False,  # the templates ship with the package: no stat() of each file per page
        )
        self.env = env
        self.templates = Jinja2Templates(env=env)
        self._instruments: dict[int, tuple] = {}
        self._lock = threading.Lock()
        # (instrument id, page number, language) -> {item name: its HTML with no answer and no
        # error}: what a page shows on its first view (`routes_survey.render_page`)
        self.blank_questions: dict[tuple[int, int, str], dict[str, str]] = {}
        # personal link -> (monotonic expiry, link, campaign, respondent): see `routes_survey.load_ctx`
        self.saving_links: dict[str, tuple[float, dict, dict, dict]] = {}

    # -- instruments ---------------------------------------------------------
    def instrument_pages(self, instrument_id: int) -> tuple:
        """(Instrument, [Page]) of a stored instrument; cached, since a stored version never changes."""
        hit = self._instruments.get(instrument_id)
        if hit is None:
            # Load under the lock: the first burst of requests after a start would otherwise parse
            # the same instrument once per worker thread (~0.5 s of CPU each, all holding the GIL).
            with self._lock:
                hit = self._instruments.get(instrument_id)
                if hit is None:
                    instrument = self.store.get_instrument(instrument_id)
                    hit = (instrument, build_pages(instrument))
                    self._instruments[instrument_id] = hit
        return hit

    def warm_up(self) -> None:
        """Before the first request: parse the instruments of the open campaigns and compile the
        survey templates, so the first burst of respondents does not queue behind that work
        (a parse takes ~0.5 s of CPU and holds the lock every request of that campaign waits on)."""
        try:
            warm = getattr(self.store, "warm_pool", None)
            if warm is not None:
                warm()
            for campaign in self.store.list_campaigns():
                if campaign.get("status") == "open":
                    self.instrument_pages(campaign["instrument_id"])
            # every template of the respondents' pages, the ones they import, include and extend too:
            # compiling a page loads only itself, the rest was compiled during the first burst
            for name in self.env.list_templates(filter_func=_respondent_template):
                self.env.get_template(name)
        except Exception:  # an optimisation only: the requests load what they need
            log.warning("warm-up skipped", exc_info=True)
        # The modules, templates and instruments loaded so far live as long as the process: move
        # them out of the garbage collector's sight. Otherwise a full collection walks all of them
        # (~100 ms with the GIL held) at some point of the first burst of requests, and every
        # request of this worker waits for it.
        gc.collect()
        gc.freeze()

    # -- cookies ----------------------------------------------------------------
    def secure(self, request: Request) -> bool:
        if self.settings.secure_cookies is not None:
            return self.settings.secure_cookies
        return request.url.scheme == "https"

    def queue_cookie(
        self, request: Request, name: str, value: str | None, *, max_age: int | None = None, path: str = "/"
    ) -> None:
        """Set (or with value None, delete) a cookie on whatever response this request ends with."""
        pending = getattr(request.state, "cookies", None)
        if pending is None:
            pending = request.state.cookies = []
        pending.append((name, value, max_age, path))

    def finish(self, request: Request, response: Response) -> Response:
        for name, value, max_age, path in getattr(request.state, "cookies", []):
            if value is None:
                response.delete_cookie(name, path=path, secure=self.secure(request), httponly=True, samesite="lax")
            else:
                response.set_cookie(
                    name, value, max_age=max_age, path=path, secure=self.secure(request), httponly=True, samesite="lax"
                )
        request.state.cookies = []
        return response

    # -- admin session & CSRF -------------------------------------------------
    def admin_session(self, request: Request) -> dict | None:
        if hasattr(request.state, "admin"):
            return request.state.admin
        max_age = self.settings.session_hours * 3600
        session = self.signer.unsign("admin", request.cookies.get(ADMIN_COOKIE), max_age=max_age)
        if session and not (session.get("uid") is not None and session.get("csrf")):
            session = None
        request.state.admin = session
        return session

    def start_admin_session(self, request: Request, admin_id: int, username: str) -> None:
        session = {"uid": admin_id, "user": username, "csrf": new_token()}
        value = self.signer.sign("admin", session)
        self.queue_cookie(request, ADMIN_COOKIE, value, max_age=int(self.settings.session_hours * 3600))
        request.state.admin = self.signer.unsign("admin", value)
        request.state.csrf = session["csrf"]

    def end_admin_session(self, request: Request) -> None:
        self.queue_cookie(request, ADMIN_COOKIE, None)
        request.state.admin = None
        request.state.csrf = None
        # a fresh anonymous token, so the login form after a logout works
        self.csrf_token(request)

    def csrf_token(self, request: Request) -> str:
        """The token forms must carry: the admin session's, else the signed `s3st_csrf` cookie's."""
        token = getattr(request.state, "csrf", None)
        if token:
            return token
        session = self.admin_session(request)
        if session:
            token = session["csrf"]
        else:
            payload = self.signer.unsign("csrf", request.cookies.get(CSRF_COOKIE))
            token = payload.get("v") if payload else None
            if not isinstance(token, str) or len(token) < 32:
                token = new_token()
                self.queue_cookie(request, CSRF_COOKIE, self.signer.sign("csrf", {"v": token}))
        request.state.csrf = token
        return token

    def expected_csrf(self, request: Request) -> str | None:
        session = self.admin_session(request)
        if session:
            return session["csrf"]
        payload = self.signer.unsign("csrf", request.cookies.get(CSRF_COOKIE))
        return payload.get("v") if payload else None

    def check_csrf(self, request: Request, form) -> None:
        sent = form.get(CSRF_FIELD) if form is not None else None
        if not isinstance(sent, str) or not same_token(sent, self.expected_csrf(request)):
            raise CsrfFailed()

    # -- rate limits ---------------------------------------------------------------
    def verify_login(self, request: Request, username: str, password: str, *, log_success: bool = True) -> int | None:
        """The admin id of a user name and password (login form and API Basic auth alike), else None.
        Failures count against the client address; past the limit, `RateLimited` before any check."""
        key = client_key(request)
        if self.login_limiter.blocked(key):
            raise RateLimited()
        if username and password:
            admin_id = self.store.verify_admin(username, password, address=key, log_success=log_success)
        else:
            admin_id = None
        if admin_id is None:
            self.login_limiter.hit(key)
        return admin_id

    def check_token_rate(self, request: Request, token: str) -> None:
        """Requests to one link from one address: an office behind one address is many respondents
        with their own links, and one open link is shared by many addresses."""
        if not self.token_limiter.hit(f"{client_key(request)} {token[:128]}"):
            raise RateLimited()

    def bad_token(self, request: Request) -> RateLimited | None:
        """Count a failed lookup against the client address; past the limit, the error to raise is 429.

        Only failures are limited per address, and only failed lookups are refused: a valid link from
        the same address (many respondents of one agency share one) is always served."""
        return None if self.bad_token_limiter.hit(client_key(request)) else RateLimited()

    # -- rendering --------------------------------------------------------------------
    def static_url(self, request: Request | None):
        root = request.scope.get("root_path", "") if request is not None else ""
        return lambda name: f"{root}/static/{quote(name)}"

    def admin_language(self, request: Request) -> str:
        """Language of the admin pages: the switch's cookie, else Accept-Language, else English."""
        chosen = request.cookies.get(ADMIN_LANG_COOKIE)
        if chosen in i18n.LANGUAGES:
            return chosen
        return i18n.from_accept_language(request.headers.get("accept-language"))

    def base_context(self, request: Request, lang: str) -> dict:
        t = i18n.translator(lang)
        return {
            "lang": lang,
            "t": t,
            "_": t._,
            "ngettext": t.ngettext,
            "static": self.static_url(request),
            "root": request.scope.get("root_path", ""),
            "title": "S3 StressTest",
            "survey_title": None,
            "switcher": None,
            "errors": {},
            "values": {},
            "problems": [],
            "notice": None,
            "admin": None,
        }

    def render(
        self, request: Request, template: str, context: dict, *, lang: str = "en", status: int = 200, form: bool = True
    ) -> Response:
        ctx = self.base_context(request, lang)
        if form:
            ctx["csrf_token"] = self.csrf_token(request)
        ctx.update(context)
        response = self.templates.TemplateResponse(request, template, ctx, status_code=status)
        return self.finish(request, response)

    def redirect(self, request: Request, url: str) -> Response:
        return self.finish(request, RedirectResponse(url, status_code=303))

    def error_language(self, request_or_scope) -> str:
        """Language of an error page: ?lang=, else Accept-Language. Never anything the token decides."""
        if isinstance(request_or_scope, Request):
            request = request_or_scope
        else:
            request = Request(request_or_scope)
        q = request.query_params.get("lang")
        if q in i18n.LANGUAGES:
            return q
        return i18n.from_accept_language(request.headers.get("accept-language"))

    def error_body(self, lang: str, heading: str, text: str, root: str = "", **fmt) -> str:
        t = i18n.translator(lang)
        ctx = {
            "lang": lang,
            "t": t,
            "_": t._,
            "ngettext": t.ngettext,
            "static": lambda name: f"{root}/static/{quote(name)}",
            "root": root,
            "title": i18n.t(lang, heading),
            "survey_title": None,
            "switcher": None,
            "heading": i18n.t(lang, heading),
            "message": i18n.t(lang, text, **fmt),
        }
        return self.env.get_template("error.html").render(ctx)

    def error_page(self, request_or_scope, status: int, heading: str, text: str, **fmt) -> Response:
        scope = request_or_scope.scope if isinstance(request_or_scope, Request) else request_or_scope
        if is_api(scope):
            return JSONResponse({"detail": i18n.t("en", text, **fmt)}, status_code=status)
        lang = self.error_language(request_or_scope)
        path, root = scope.get("path", ""), scope.get("root_path", "")
        if path.removeprefix(root).startswith("/admin"):  # the admin's language, and admin wording
            request = request_or_scope if isinstance(request_or_scope, Request) else Request(scope)
            lang = self.admin_language(request)
            if text in i18n.ADMIN_ERRORS:
                heading, text = i18n.ADMIN_ERRORS[heading], i18n.ADMIN_ERRORS[text]
        body = self.error_body(lang, heading, text, scope.get("root_path", ""), **fmt)
        return HTMLResponse(body, status_code=status)

    def not_found(self, request) -> Response:
        return self.error_page(request, 404, "not_found_heading", "not_found_text")

    def closed_page(self, request: Request, language: str) -> Response:
        """The 404 page of a closed campaign's link, in the invitation's language."""
        body = self.error_body(language, "closed_heading", "closed_text", request.scope.get("root_path", ""))
        return HTMLResponse(body, status_code=404)

    def too_large(self, scope) -> Response:
        return self.error_page(
            scope, 413, "too_large_heading", "too_large_text", limit=human_size(self.settings.max_body_bytes)
        )

    # -- links ------------------------------------------------------------------------
    def base_url(self, request: Request) -> str:
        if self.settings.base_url:
            return self.settings.base_url
        return str(request.base_url).rstrip("/")


def _respondent_template(name: str) -> bool:
    return name.startswith("survey/") or name in ("base.html", "error.html")


def attachment(body: bytes | str, media_type: str, filename: str, *, status_code: int = 200) -> Response:
    """A download: `body` with Content-Disposition: attachment, so the browser saves it as `filename`."""
    return Response(
        body,
        status_code=status_code,
        media_type=media_type,
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )


def csv_attachment(text: str | bytes, filename: str, *, status_code: int = 200) -> Response:
    return attachment(text, CSV_TYPE, filename, status_code=status_code)


def is_api(scope) -> bool:
    path = scope.get("path", "")
    return path.startswith("/api/") or path == "/api" or path == "/openapi.json"


def token_fingerprint(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()[:24]
