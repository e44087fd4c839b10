"""FastAPI dependencies of the admin pages and the JSON API: who is signed in, the campaign of a
`{campaign_id}` path, the CSRF-checked form.

The checks sit on the routers (`admin_router()`, `api_router()`), not in each route, so a new
route cannot forget them; a route asks for `AdminDep`/`ApiAdminDep` only when it needs the
admin's identity (FastAPI runs a dependency once per request, however often it is named).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Request
from fastapi.security import HTTPBasic, HTTPBasicCredentials
from starlette.datastructures import FormData

from . import operations as ops
from .core import LoginRequired, Web
from .security import CSRF_HEADER, same_token

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
basic = HTTPBasic(auto_error=False, description="An admin's user name and password.")


def web_of(request: Request) -> Web:
    return request.app.state.web


# -- who is signed in ---------------------------------------------------------------------------
async def admin_session(request: Request) -> dict:
    """The signed-in admin of an admin page; else `LoginRequired` (a redirect to the login page).

    Async: it only checks a signed cookie, which is not worth a trip through the thread pool."""
    session = web_of(request).admin_session(request)
    if not session:
        raise LoginRequired()
    return session


def api_admin(request: Request, credentials: HTTPBasicCredentials | None = Depends(basic)) -> dict:
    """The admin behind an API request: Basic credentials, or the session cookie + X-CSRF-Token on
    anything that changes something. 401 without either, never a Basic challenge (browsers would
    keep the credentials for any page to reuse). Sync: checking a password hits the database."""
    web = web_of(request)
    if credentials is not None:
        admin_id = web.verify_login(request, credentials.username, credentials.password, log_success=False)
        if admin_id is None:
            raise HTTPException(401, "wrong user name or password")
        return {"uid": admin_id, "user": credentials.username, "via": "basic"}
    session = web.admin_session(request)
    if not session:
        raise HTTPException(401, "authentication required (HTTP Basic, or the admin session cookie)")
    if request.method not in SAFE_METHODS and not same_token(request.headers.get(CSRF_HEADER), session["csrf"]):
        raise HTTPException(403, "missing or wrong X-CSRF-Token header")
    return dict(session, via="session")


AdminDep = Annotated[dict, Depends(admin_session)]
ApiAdminDep = Annotated[dict, Depends(api_admin)]


def admin_router() -> APIRouter:
    """A router for admin pages under /admin: every route needs a signed-in admin."""
    return APIRouter(prefix="/admin", include_in_schema=False, dependencies=[Depends(admin_session)])


def api_router() -> APIRouter:
    """A router for the JSON API under /api/v1: every route needs an admin (Basic or session)."""
    return APIRouter(prefix="/api/v1", tags=["admin"], dependencies=[Depends(api_admin)])


# -- the campaign of the path -------------------------------------------------------------------
def campaign_of(request: Request, campaign_id: Annotated[int, Path(description="The campaign's id.")]) -> dict:
    """The campaign of `{campaign_id}`, else 404: a JSON detail in the API, the 404 page elsewhere
    (the app's HTTPException handler decides). Runs after the router's admin check, so a visitor
    who is not signed in learns nothing about which campaigns exist."""
    campaign = ops.campaign_or_none(web_of(request).store, campaign_id)
    if campaign is None:
        raise HTTPException(404, f"no campaign {campaign_id}")
    return campaign


CampaignDep = Annotated[dict, Depends(campaign_of)]


# -- forms ----------------------------------------------------------------------------------------
async def csrf_form(request: Request) -> FormData:
    """The posted form, once its CSRF token matches the session's or the `s3st_csrf` cookie's
    (else `CsrfFailed`, a 403). Async: the body is read on the event loop, the route then runs in
    the thread pool."""
    form = await request.form()
    web_of(request).check_csrf(request, form)
    return form


CsrfForm = Annotated[FormData, Depends(csrf_form)]


def form_text(form: FormData, name: str) -> str:
    """The text of form field `name`; "" when it is missing or a file was posted under that name."""
    value = form.get(name)
    return value if isinstance(value, str) else ""
