"""Import and export of answers on the admin pages and in the JSON API.

- `POST /admin/campaigns/{id}/import`: the "Import answers" form of the campaign page
  (KoboToolbox/ODK, LimeSurvey, wide CSV/XLSX or the long responses CSV, optional mapping
  file); refused input shows every problem (file, line, column) with status 422 and nothing
  is imported; success redirects to the campaign page with the counts.
- `GET /admin/campaigns/{id}/responses.csv` (long), `responses-wide.csv` and `.xlsx`: one row
  per respondent, one column per item; never contact details.
- `POST /admin/campaigns/{id}/contacts.csv` and `POST /api/v1/campaigns/{id}/contacts`: the
  contact details alone (respondent_id, contact), an explicit action logged with the admin's name.
- `POST /api/v1/campaigns/{id}/import` (multipart) and
  `GET /api/v1/campaigns/{id}/responses?format=long|wide|xlsx`.

Imports go through `transfer.into_store.import_into_campaign`, the same function as
`s3stresstest import ... --campaign`: one transaction, all rows or none.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from ..errors import InputError
from ..transfer.into_store import KIND_LABELS, KINDS, import_into_campaign
from . import operations as ops
from . import routes_admin as admin
from .core import attachment
from .deps import AdminDep, ApiAdminDep, CampaignDep, CsrfForm, admin_router, api_router, form_text, web_of
from .operations import XLSX_TYPE
from .routes_api import PROBLEMS

FORM_OPTIONS = (
    "region",
    "region_column",
    "stakeholder_group",
    "group_column",
    "id_column",
    "id_prefix",
    "language",
    "language_column",
    "sheet",
    "ignore_unknown",
    "include_incomplete",
)


# -- admin pages ---------------------------------------------------------------------------------
admin_routes = admin_router()


@admin_routes.post("/campaigns/{campaign_id}/import")
def import_answers(request: Request, form: CsrfForm, campaign: CampaignDep):
    data, filename = admin._file_bytes(form, "file")
    mapping, _ = admin._file_bytes(form, "mapping")
    kind = form_text(form, "kind")
    options = {k: form.get(k) for k in FORM_OPTIONS if isinstance(form.get(k), str)}
    try:
        summary = import_into_campaign(
            web_of(request).store, campaign["id"], kind, data, filename, mapping=mapping or None, options=options
        )
    except InputError as exc:
        return admin.refused_page(request, campaign, exc)
    return admin.back_to_campaign(
        request,
        campaign,
        f"notice=imported&answers={summary['answers']}"
        f"&respondents={summary['respondents']}"
        f"&skipped={len(summary['skipped'])}",
    )


def _admin_export(request: Request, campaign: dict, admin_: dict, fmt: str, all_: bool) -> Response:
    store = web_of(request).store
    return admin.send(request, ops.answers_export(store, campaign, fmt, submitted_only=not all_, admin=admin_["user"]))


@admin_routes.get("/campaigns/{campaign_id}/responses.csv")
def export_long_csv(request: Request, campaign: CampaignDep, admin_: AdminDep, all: bool = False):
    return _admin_export(request, campaign, admin_, "long", all)


@admin_routes.get("/campaigns/{campaign_id}/responses-wide.csv")
def export_wide_csv(request: Request, campaign: CampaignDep, admin_: AdminDep, all: bool = False):
    return _admin_export(request, campaign, admin_, "wide", all)


@admin_routes.get("/campaigns/{campaign_id}/responses-wide.xlsx")
def export_wide_xlsx(request: Request, campaign: CampaignDep, admin_: AdminDep, all: bool = False):
    return _admin_export(request, campaign, admin_, "xlsx", all)


@admin_routes.post("/campaigns/{campaign_id}/contacts.csv")
def export_contacts(request: Request, campaign: CampaignDep, admin_: AdminDep, form: CsrfForm):
    """The contact details alone: a POST (a button with the CSRF token), never a link to share or
    prefetch, and logged with the admin's name."""
    return admin.send(request, ops.contacts_download(web_of(request).store, campaign, admin_["user"]))


# -- JSON API ------------------------------------------------------------------------------------
api_routes = api_router()


class SkippedRecord(BaseModel):
    line: int | None = None
    reason: str


class ImportSummary(BaseModel):
    campaign_id: int
    kind: str
    source: str
    respondents: int
    rows: int
    answers: int
    skipped: list[SkippedRecord]
    report: list[str]


@api_routes.post(
    "/campaigns/{campaign_id}/import",
    response_model=ImportSummary,
    status_code=201,
    responses=PROBLEMS,
    summary="Import answers into a campaign (all rows or none)",
    description="Kinds: "
    + "; ".join(f"`{k}`: {v}" for k, v in KIND_LABELS.items())
    + ". The answers are checked against the campaign's questionnaire and regions and "
    "stored in one transaction; refused input (422) lists every problem with its file, "
    "line and column, and nothing is imported.",
)
def api_import(
    request: Request,
    campaign: CampaignDep,
    file: UploadFile = File(..., description="The answers: CSV, or XLSX for kobo and wide."),
    kind: Literal["kobo", "limesurvey", "wide", "long"] = Form(...),
    mapping: UploadFile | None = File(None, description="CSV source,item[,value_map] (kobo, limesurvey)."),
    region: str | None = Form(None),
    region_column: str | None = Form(None),
    stakeholder_group: str | None = Form(None),
    group_column: str | None = Form(None),
    id_column: str | None = Form(None),
    id_prefix: str | None = Form(None),
    language: str | None = Form(None),
    language_column: str | None = Form(None),
    sheet: str | None = Form(None),
    ignore_unknown: bool = Form(False),
    include_incomplete: bool = Form(False),
):
    options = {
        "region": region,
        "region_column": region_column,
        "stakeholder_group": stakeholder_group,
        "group_column": group_column,
        "id_column": id_column,
        "id_prefix": id_prefix,
        "language": language,
        "language_column": language_column,
        "sheet": sheet,
        "ignore_unknown": ignore_unknown,
        "include_incomplete": include_incomplete,
    }
    summary = import_into_campaign(
        web_of(request).store,
        campaign["id"],
        kind,
        file.file.read(),
        file.filename,
        mapping=mapping.file.read() if mapping is not None else None,
        options=options,
    )
    return JSONResponse(summary, status_code=201)


@api_routes.get(
    "/campaigns/{campaign_id}/responses",
    response_class=Response,
    responses={
        **PROBLEMS,
        200: {
            "content": {"text/csv": {}, XLSX_TYPE: {}},
            "description": (
                "long: CSV respondent_id,region,stakeholder_group,item,value,language; wide: CSV with "
                "one row per respondent and one column per item; xlsx: the wide table as XLSX"
            ),
        },
    },
    summary="Export the answers: long CSV (default), wide CSV or XLSX",
)
def api_export(
    request: Request,
    campaign: CampaignDep,
    admin_: ApiAdminDep,
    submitted_only: bool = True,
    format: Literal["long", "wide", "xlsx"] = Query("long", description="long, wide or xlsx"),
):
    store = web_of(request).store
    return attachment(*ops.answers_export(store, campaign, format, submitted_only=submitted_only, admin=admin_["user"]))


@api_routes.post(
    "/campaigns/{campaign_id}/contacts",
    response_class=Response,
    responses={
        **PROBLEMS,
        200: {"content": {"text/csv": {}}, "description": "CSV respondent_id,contact: contact details only"},
    },
    summary="Export the contact details (apart from the answers; logged with the admin's name)",
)
def api_export_contacts(request: Request, campaign: CampaignDep, admin_: ApiAdminDep):
    return attachment(*ops.contacts_download(web_of(request).store, campaign, admin_["user"]))


router = APIRouter()
router.include_router(admin_routes)
router.include_router(api_routes)

__all__ = ["KINDS", "router"]
