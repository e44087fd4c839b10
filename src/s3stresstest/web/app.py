"""The survey web service: `create_app(store)` gives a FastAPI app (respondent pages, admin pages, JSON API).

Server-rendered HTML (Jinja2, autoescaped), every form a plain POST that works without
JavaScript; static files served by the app itself, no CDN. Security: CSRF tokens on every
form, a strict Content-Security-Policy, request size limit (413), rate limits on survey
links and logins, HttpOnly SameSite cookies, one 404 for every dead link.
"""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..errors import InputError
from .core import STATIC, CampaignClosed, CsrfFailed, LoginRequired, NotFound, RateLimited, Web, is_api
from .security import BodyLimitMiddleware, SecurityHeadersMiddleware
from .settings import WebSettings

log = logging.getLogger("s3stresstest.web")

API_DESCRIPTION = """Admin operations of the S3 StressTest survey service.

**Authentication**: HTTP Basic with an admin's user name and password, or the session cookie of the
admin pages plus the header `X-CSRF-Token` (value from `GET /api/v1/me`) on every request that
changes something. Failed logins are rate-limited per client address (429).

Refused input gives 422 with every problem listed (`problems`: message, line, field, source).
"""


def create_app(store=None, *, settings: WebSettings | None = None) -> FastAPI:
    """The app over `store` (a `s3stresstest.store.Store`); without one, `Store.open()` is used
    and closed again when the app shuts down."""
    settings = settings or WebSettings.from_env()
    owns_store = store is None
    if store is None:
        from ..store import Store

        store = Store.open()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        try:
            limit_request_threads()
            web.warm_up()
            _purge_expired(store, settings)
            yield
        finally:
            if owns_store:
                store.close()

    app = FastAPI(
        title="S3 StressTest survey service",
        version=__version__,
        description=API_DESCRIPTION,
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
        lifespan=lifespan,
        # FastAPI's built-in OpenTelemetry hooks: this service exports no traces, metrics or logs,
        # so none of them is looked up per request (each request asked OpenTelemetry's providers).
        telemetry={"tracing": False, "metrics": False, "logs": False, "operation_spans": False},
    )
    web = Web(store, settings)
    app.state.web = web
    app.state.store = store
    app.state.settings = settings

    from . import (
        consent,
        routes_admin,
        routes_api,
        routes_data_requests,
        routes_import,
        routes_privacy,
        routes_reports,
        routes_survey,
    )

    # Open to all: the survey pages, sign-in and sign-out, "/", /healthz, /openapi.json and /static.
    # Every other route is on a router of `deps.admin_router()` or `deps.api_router()`, which
    # need a signed-in admin (tests/test_web_routes.py walks the routes to keep it so).
    app.include_router(routes_survey.router)
    app.include_router(consent.router)
    app.include_router(routes_admin.login_router)
    app.include_router(routes_import.router)
    app.include_router(routes_admin.router)
    app.include_router(routes_reports.router)
    app.include_router(routes_data_requests.router)
    app.include_router(routes_privacy.router)
    app.include_router(routes_privacy.api)
    app.include_router(routes_api.router)
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")

    @app.get("/", include_in_schema=False)
    def home(request: Request):
        return RedirectResponse(f"{request.scope.get('root_path', '')}/admin", status_code=303)

    @app.get("/healthz", include_in_schema=False)
    def healthz():
        return {"status": "ok"}

    _exception_handlers(app, web)
    # Outermost last: the security headers also go on the 413 answers of the body limit.
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes, render=web.too_large)
    app.add_middleware(SecurityHeadersMiddleware)
    return app


def limit_request_threads(n: int | None = None) -> None:
    """Run at most `n` (default: the database pool size) requests' blocking work at once.

    Every sync route and save runs on anyio's thread pool (40 threads by default). With more
    threads than pooled connections the extra requests took overflow connections, which the pool
    closes on return: on PostgreSQL a fresh server process and login for many saves, which under
    load cost more than the saves. A request beyond the limit waits for a thread instead, and two
    cores gain nothing from more threads than that anyway."""
    import anyio.to_thread

    from ..store.db import POOL_SIZE

    anyio.to_thread.current_default_thread_limiter().total_tokens = n or POOL_SIZE


def _purge_expired(store, settings: WebSettings) -> None:
    """The scheduled data-protection check: purge what the retention period allows (logged by the store)."""
    if settings.retention_days is None:
        return
    try:
        for done in store.purge_expired(settings.retention_days, admin="server start"):
            log.info("purged contacts and links of campaign %s (retention %s days)", done["campaign_id"],
                     settings.retention_days)  # fmt: skip
    except Exception:
        log.exception("the retention purge failed; it runs again on the next start")


def create_app_from_env() -> FastAPI:
    """The app of one worker process of `serve(workers=N)`: database from $S3ST_DATABASE_URL, settings
    (the shared secret key included) from the environment the parent process prepared."""
    from .logging_filter import install
    from .server import tune_gil

    install()
    tune_gil()
    return create_app(None, settings=WebSettings.from_env())


def _exception_handlers(app: FastAPI, web: Web) -> None:
    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound):
        if isinstance(exc, CampaignClosed):
            return web.closed_page(request, exc.language)
        return web.not_found(request)

    @app.exception_handler(RateLimited)
    async def rate_limited(request: Request, exc: RateLimited):
        response = web.error_page(request, 429, "rate_heading", "rate_text")
        response.headers["retry-after"] = "60"
        return response

    @app.exception_handler(CsrfFailed)
    async def csrf_failed(request: Request, exc: CsrfFailed):
        return web.error_page(request, 403, "forbidden_heading", "forbidden_text")

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired):
        if is_api(request.scope):
            return JSONResponse({"detail": "authentication required"}, status_code=401)
        return RedirectResponse(f"{request.scope.get('root_path', '')}/admin/login", status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        if exc.status_code == 413:
            return web.too_large(request.scope)
        if is_api(request.scope):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
        if exc.status_code == 404:
            return web.not_found(request)
        if exc.status_code == 429:
            return web.error_page(request, 429, "rate_heading", "rate_text")
        if exc.status_code == 405:
            return web.error_page(request, 405, "error_heading", "error_text")
        return web.error_page(request, exc.status_code, "error_heading", "error_text")

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError):
        if is_api(request.scope):  # the documented ProblemReport, as for every other refused input
            from ..errors import Problem
            from .routes_api import refused

            problems = []
            for e in exc.errors():
                loc = [str(x) for x in e.get("loc", ())]
                where, field = (loc[0], ".".join(loc[1:]) or None) if loc else (None, None)
                problems.append(Problem(str(e.get("msg", "invalid")), field=field, source=where))
            return refused(InputError(problems or [Problem("invalid request")]))
        return web.not_found(request)  # e.g. /s/<token>/page/abc

    @app.exception_handler(InputError)
    async def input_error(request: Request, exc: InputError):
        if is_api(request.scope):
            from .routes_api import refused

            return refused(exc)
        return web.error_page(request, 422, "error_heading", "error_text")

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception) -> Response:
        log.error("unhandled error on %s %s", request.method, _redact(request.url.path), exc_info=exc)
        return web.error_page(request, 500, "error_heading", "error_text")


def _jsonable(errors):
    from fastapi.encoders import jsonable_encoder

    return jsonable_encoder(errors, custom_encoder={Exception: str})


def _redact(path: str) -> str:
    from .logging_filter import redact_path

    return redact_path(path)
