"""JSON API under /api/v1 for the admin operations, described by the OpenAPI schema at /openapi.json.

Authentication: HTTP Basic with an admin's user name and password (failed attempts are
rate-limited per client address), or the session cookie of the admin pages together with
the header `X-CSRF-Token` (its value from `GET /api/v1/me`) on every request that changes
something. The server never sends a Basic challenge, so browsers never keep credentials
that a foreign page could reuse.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any, Literal

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from ..campaign.model import STAKEHOLDER_GROUPS
from ..errors import InputError
from . import i18n
from . import operations as ops
from .core import attachment
from .deps import ApiAdminDep, CampaignDep, api_admin, api_router, web_of

__all__ = ["api_admin", "refused", "router"]

# Every endpoint needs an admin (`deps.api_admin`). Refused input (InputError) needs no handling
# here: the app's handler answers it with `refused()`, 422 and every problem listed.
router: APIRouter = api_router()


# -- models -----------------------------------------------------------------------------------
class Problem(BaseModel):
    message: str
    line: int | None = None
    field: str | None = None
    source: str | None = None


class ProblemReport(BaseModel):
    detail: str
    problems: list[Problem]


class Me(BaseModel):
    username: str
    csrf_token: str | None = Field(None, description="Send as X-CSRF-Token when using the session cookie.")


class InstrumentInfo(BaseModel):
    id: int
    form_id: str
    version: str
    title: str
    checksum: str
    created: str | None = None


class CampaignIn(BaseModel):
    name: str = Field(..., min_length=1, max_length=200)
    languages: list[str] = Field(
        default_factory=lambda: list(i18n.LANGUAGES),
        description="Languages offered to respondents (en, de, fr, it, sl).",
    )
    instrument_id: int | None = Field(None, description="A stored instrument; default: the built-in StressTest.")


class CampaignOut(BaseModel):
    id: int
    name: str
    status: Literal["open", "closed"]
    instrument_id: int
    languages: list[str]
    created: str | None = None
    closed_at: str | None = None


class RegionRow(BaseModel):
    region: str
    name: str = ""
    custom: bool = False  # a territory outside NUTS 2021 (then a name is needed); not stored
    language: str = Field("", description="Report language (en, de, fr, it, sl); empty: the territory's own")


class GroupRow(BaseModel):
    region: str
    group: str


class InvitationRequest(BaseModel):
    region: str
    stakeholder_group: str = Field(..., description=f"One of: {', '.join(STAKEHOLDER_GROUPS)}")
    language: str = "en"
    count: int = Field(1, ge=1, le=ops.MAX_INVITATIONS_PER_ROW)


class InvitationsIn(BaseModel):
    rows: list[InvitationRequest] = Field(..., min_length=1)


class InvitationOut(BaseModel):
    invitation_id: int
    region: str
    stakeholder_group: str
    language: str
    token: str
    link: str


class OpenLinkIn(BaseModel):
    region: str
    language: str = "en"


class OpenLinkOut(BaseModel):
    region: str
    language: str
    token: str
    link: str


class InvitationStatusRow(BaseModel):
    invitation_id: int
    region: str
    stakeholder_group: str
    language: str
    created: str
    expires_at: str | None = None
    revoked: bool
    status: Literal["not started", "started", "submitted"]
    last_page: str
    pages_done: int
    pages_total: int
    last_activity: str | None = None


class RateRow(BaseModel):
    region: str
    stakeholder_group: str
    invited: int
    started: int
    submitted: int
    rate: float | None = None


PROBLEMS: dict[int | str, dict[str, Any]] = {
    422: {"model": ProblemReport, "description": "Input refused; every problem is listed."},
    404: {"description": "No such campaign."},
}


def refused(exc: InputError) -> JSONResponse:
    return JSONResponse(
        {
            "detail": exc.report(),
            "problems": [
                {"message": p.message, "line": p.line, "field": p.field, "source": p.source} for p in exc.problems
            ],
        },
        status_code=422,
    )


def _iso(v):
    return v.isoformat() if isinstance(v, (_dt.datetime, _dt.date)) else v


def _campaign_out(c: dict) -> dict:
    return {k: _iso(c.get(k)) for k in CampaignOut.model_fields}


# -- endpoints (sync: FastAPI runs them in its thread pool) -------------------------------------
@router.get("/me", response_model=Me, summary="Who is signed in")
def me(admin: ApiAdminDep):
    return {"username": admin["user"], "csrf_token": admin.get("csrf")}


def _instrument_out(row: dict) -> dict:
    return {k: _iso(v) for k, v in row.items() if k in InstrumentInfo.model_fields}


@router.get("/instruments", response_model=list[InstrumentInfo], summary="Stored questionnaires")
def list_instruments(request: Request):
    return [_instrument_out(row) for row in web_of(request).store.list_instruments()]


@router.post(
    "/instruments",
    response_model=InstrumentInfo,
    status_code=201,
    responses=PROBLEMS,
    summary="Upload an XLSForm questionnaire (.xlsx)",
)
def upload_instrument(request: Request, file: UploadFile = File(..., description="XLSForm workbook (.xlsx)")):
    web = web_of(request)
    instrument = ops.instrument_from_upload(file.file.read(), file.filename)
    iid = web.store.add_instrument(instrument)
    row = next((r for r in web.store.list_instruments() if r["id"] == iid), None) or {
        "id": iid,
        "form_id": instrument.form_id,
        "version": instrument.version,
        "title": instrument.title,
        "checksum": instrument.checksum,
    }
    return _instrument_out(row)


@router.get("/campaigns", response_model=list[CampaignOut], summary="All campaigns")
def list_campaigns(request: Request):
    return [_campaign_out(c) for c in web_of(request).store.list_campaigns()]


@router.post(
    "/campaigns",
    response_model=CampaignOut,
    status_code=201,
    responses=PROBLEMS,
    summary="Create a campaign (built-in questionnaire unless instrument_id is given)",
)
def create_campaign(request: Request, body: CampaignIn, admin: ApiAdminDep):
    web = web_of(request)
    cid = ops.create_campaign(
        web.store, body.name, languages=body.languages, instrument_id=body.instrument_id, admin=admin["user"]
    )
    return _campaign_out(web.store.get_campaign(cid))


@router.post(
    "/campaigns/xlsform",
    response_model=CampaignOut,
    status_code=201,
    responses=PROBLEMS,
    summary="Create a campaign from an uploaded XLSForm (.xlsx)",
)
def create_campaign_xlsform(
    request: Request,
    admin: ApiAdminDep,
    name: str = Form(..., max_length=200),
    languages: list[str] = Form(default_factory=lambda: list(i18n.LANGUAGES)),
    file: UploadFile = File(..., description="XLSForm workbook (.xlsx)"),
):
    web = web_of(request)
    instrument = ops.instrument_from_upload(file.file.read(), file.filename)
    cid = ops.create_campaign(web.store, name, languages=languages, instrument=instrument, admin=admin["user"])
    return _campaign_out(web.store.get_campaign(cid))


@router.get("/campaigns/{campaign_id}", response_model=CampaignOut, responses=PROBLEMS, summary="One campaign")
def get_campaign(campaign: CampaignDep):
    return _campaign_out(campaign)


@router.post(
    "/campaigns/{campaign_id}/close",
    response_model=CampaignOut,
    responses=PROBLEMS,
    summary="Close a campaign: links stop working, no answers are accepted (idempotent)",
)
def close_campaign(request: Request, campaign: CampaignDep, admin: ApiAdminDep):
    return _campaign_out(ops.close_campaign(web_of(request).store, campaign["id"], admin=admin["user"]))


@router.get(
    "/campaigns/{campaign_id}/regions",
    response_model=list[RegionRow],
    responses=PROBLEMS,
    summary="The campaign's regions",
)
def get_regions(request: Request, campaign: CampaignDep):
    return ops.records(web_of(request).store.regions(campaign["id"]))


@router.post(
    "/campaigns/{campaign_id}/regions",
    response_model=list[RegionRow],
    responses=PROBLEMS,
    summary="Add regions (territory codes such as DE2, ITH2, SI, CH022)",
)
def add_regions(request: Request, campaign: CampaignDep, admin: ApiAdminDep, rows: list[RegionRow]):
    # as the CSV the admin page uploads, so problems name the same lines (line 2: the first row)
    text = _csv(
        [
            {"region": r.region, "name": r.name, "custom": "true" if r.custom else "", "language": r.language}
            for r in rows
        ],
        ["region", "name", "custom", "language"],
    )
    return ops.add_regions(web_of(request).store, campaign["id"], text, "regions.json", admin=admin["user"])


@router.delete(
    "/campaigns/{campaign_id}/regions/{region}",
    response_model=list[RegionRow],
    responses=PROBLEMS,
    summary="Remove a region nobody from it has answered yet (with its peer-group rows and links)",
)
def remove_region(request: Request, campaign: CampaignDep, admin: ApiAdminDep, region: str):
    return ops.remove_region(web_of(request).store, campaign["id"], region, admin.get("user"))


@router.get(
    "/campaigns/{campaign_id}/groups",
    response_model=list[GroupRow],
    responses=PROBLEMS,
    summary="The campaign's peer groups",
)
def get_groups(request: Request, campaign: CampaignDep):
    return ops.records(web_of(request).store.groups(campaign["id"]))


@router.post(
    "/campaigns/{campaign_id}/groups",
    response_model=list[GroupRow],
    responses=PROBLEMS,
    summary="Add peer groups (region, group); regions must be the campaign's",
)
def add_groups(request: Request, campaign: CampaignDep, admin: ApiAdminDep, rows: list[GroupRow]):
    text = _csv([{"region": r.region, "group": r.group} for r in rows], ["region", "group"])
    return ops.add_groups(web_of(request).store, campaign["id"], text, "groups.json", admin=admin["user"])


def _csv(rows: list[dict], columns: list[str]) -> bytes:
    import pandas as pd

    # input to the CSV readers, not a download: no formula guard (it would change the names)
    return pd.DataFrame(rows, columns=columns).to_csv(index=False, lineterminator="\n").encode("utf-8")


@router.post(
    "/campaigns/{campaign_id}/invitations",
    response_model=list[InvitationOut],
    status_code=201,
    responses={
        **PROBLEMS,
        201: {
            "content": {"text/csv": {}},
            "description": (
                "The new links; with ?format=csv the mail-merge CSV "
                "invitation_id,region,stakeholder_group,language,link"
            ),
        },
    },
    summary="Generate personal invitation links (shown only in this answer)",
)
def create_invitations(
    request: Request,
    campaign: CampaignDep,
    body: InvitationsIn,
    admin: ApiAdminDep,
    format: Literal["json", "csv"] = Query("json"),
):
    web = web_of(request)
    asked = [(r.region, r.stakeholder_group, r.language, r.count) for r in body.rows]
    made = ops.create_invitations(web.store, campaign, asked, web.base_url(request), admin=admin["user"])
    if format == "csv":
        return attachment(*ops.invitations_download(made, campaign["id"]), status_code=201)
    return made


@router.post(
    "/campaigns/{campaign_id}/open-links",
    response_model=OpenLinkOut,
    status_code=201,
    responses=PROBLEMS,
    summary="Make an open link for a region (respondents declare their group)",
)
def create_open_link(request: Request, campaign: CampaignDep, body: OpenLinkIn, admin: ApiAdminDep):
    web = web_of(request)
    return ops.create_open_link(
        web.store, campaign, body.region, body.language, web.base_url(request), admin=admin["user"]
    )


@router.get(
    "/campaigns/{campaign_id}/response-rates",
    response_model=list[RateRow],
    responses=PROBLEMS,
    summary="Invited, started and submitted respondents per region and stakeholder group",
)
def response_rates(request: Request, campaign: CampaignDep):
    return ops.response_rates(web_of(request).store, campaign["id"])


@router.get(
    "/campaigns/{campaign_id}/invitations",
    response_model=list[InvitationStatusRow],
    responses={**PROBLEMS, 200: {"content": {"text/csv": {}}, "description": "with ?format=csv the same rows as CSV"}},
    summary="Every personal invitation with its status, for reminders (links are not stored)",
)
def invitation_status(request: Request, campaign: CampaignDep, format: Literal["json", "csv"] = Query("json")):
    web = web_of(request)
    _instrument, pages = web.instrument_pages(campaign["instrument_id"])
    if format == "csv":
        return attachment(*ops.invitation_status_download(web.store, campaign["id"], pages))
    return ops.records(ops.invitation_status(web.store, campaign["id"], pages))


@router.post(
    "/campaigns/{campaign_id}/score",
    response_class=Response,
    responses={
        **PROBLEMS,
        200: {
            "content": {"application/zip": {}},
            "description": "Zip of the result files (block_scores.csv, item_scores.csv, run.json...)",
        },
    },
    summary="Score the stored answers and download the results",
)
def score(request: Request, campaign: CampaignDep, admin: ApiAdminDep):
    return attachment(*ops.score_download(web_of(request).store, campaign, admin=admin["user"]))


@router.get("/campaigns/{campaign_id}/audit", responses=PROBLEMS, summary="The campaign's audit log")
def audit(request: Request, campaign: CampaignDep) -> list[dict]:
    return ops.records(web_of(request).store.audit_log(campaign["id"]))


# -- a person's data requests (GDPR Art. 15 and 17) ---------------------------------------------
class PersonRef(BaseModel):
    """Exactly one of these names the person."""

    link: str | None = Field(
        None,
        max_length=2000,
        description="The personal invitation link the person received, or for an open link the personal "
        "link to continue that their questionnaire pages show.",
    )
    invitation_id: int | None = Field(None, description="The invitation id of the mail-merge file.")
    respondent_id: str | None = Field(None, max_length=200, description="A respondent id, e.g. from an export.")


class ErasureIn(PersonRef):
    confirm: bool = Field(False, description="Must be true: the erasure cannot be undone.")


class RespondentRecord(BaseModel):
    respondent_id: str
    region: str
    stakeholder_group: str | None = None
    language: str | None = None
    created: str
    updated: str
    submitted_at: str | None = None
    answers: dict[str, str]
    open_answers: dict[str, str]
    contact: str | None = None
    consented_at: str | None = None
    consent_notice: str | None = None


class PersonData(BaseModel):
    campaign_id: int
    invitation_id: int | None = Field(None, description="The person's personal invitation, when they have one.")
    exported: str
    respondents: list[RespondentRecord]


class ErasureOut(BaseModel):
    campaign_id: int
    invitation_id: int | None = None
    respondents: list[str] = Field(..., description="The respondent ids erased.")
    rows: int = Field(..., description="Rows deleted: respondents, answers, open answers, contact details.")
    runs_deleted: list[str] = Field(
        default_factory=list, description="Runs kept on the server (with their reports) that held the answers, deleted."
    )


def _person(request: Request, body: PersonRef):
    from . import data_requests as dr

    unsign = dr.resume_reader(web_of(request).signer)
    given = [v for v in (body.link, body.invitation_id, body.respondent_id) if v is not None]
    if len(given) != 1:
        raise InputError(ops.said(dr.STORE_TEXTS[dr.privacy.GIVE_ONE]))
    if body.link is not None:
        return dr.person("link", body.link, unsign)
    if body.invitation_id is not None:
        return dr.Person(invitation_id=body.invitation_id)
    return dr.person("respondent", str(body.respondent_id), unsign)


@router.post(
    "/campaigns/{campaign_id}/data-requests/access",
    response_model=PersonData,
    responses={
        **PROBLEMS,
        200: {"content": {"text/csv": {}}, "description": "with ?format=csv one row per stored value"},
    },
    summary="Everything stored about one person (GDPR Art. 15); logged with the admin's name",
)
def data_access(
    request: Request,
    campaign: CampaignDep,
    body: PersonRef,
    admin: ApiAdminDep,
    format: Literal["json", "csv"] = Query("json"),
):
    from . import data_requests as dr

    who = _person(request, body)
    data = dr.person_data(web_of(request).store, campaign["id"], who, admin=admin["user"], format=format, via="api")
    if format == "csv":
        return attachment(*dr.download(data, "csv"))
    return data


@router.post(
    "/campaigns/{campaign_id}/data-requests/erase",
    response_model=ErasureOut,
    responses=PROBLEMS,
    summary="Erase one person's data (GDPR Art. 17); cannot be undone; logged with the admin's name",
)
def data_erase(request: Request, campaign: CampaignDep, body: ErasureIn, admin: ApiAdminDep):
    from . import data_requests as dr

    who = _person(request, body)
    if not body.confirm:
        raise InputError(ops.said(dr.CONFIRM_ERASURE, field="confirm"))
    web = web_of(request)
    return dr.erase(web.store, campaign["id"], who, admin=admin["user"], runs_root=web.settings.resolved_runs_dir())
