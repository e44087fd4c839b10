"""Import and export of answers on the admin pages and in the JSON API.

- `POST /admin/campaigns/{id}/import`: the "Import answers" form of the campaign page
  (KoboToolbox/ODK, LimeSurvey, wide CSV/XLSX or the long responses CSV, optional mapping
  file); refused input shows every problem (file, line, column) with status 422 and nothing
  is imported; success redirects to the campaign page with the counts.
- `GET /admin/campaigns/{id}/responses-wide.csv` and `.xlsx`: one row per respondent, one
  column per item (contact details only when asked, as for the long CSV).
- `POST /api/v1/campaigns/{id}/import` (multipart) and
  `GET /api/v1/campaigns/{id}/responses?format=long|wide|xlsx`.

Imports go through `transfer.into_store.import_into_campaign`, the same function as
`s3stresstest import ... --campaign`: one transaction, all rows or none.
"""

from __future__ import annotations

import io
from typing import Literal

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from ..errors import InputError
from ..transfer.into_store import KIND_LABELS, KINDS, import_into_campaign
from . import routes_admin as admin
from . import routes_api as api

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORM_OPTIONS = ("region", "region_column", "stakeholder_group", "group_column", "id_column", "id_prefix",
                "language", "language_column", "sheet", "ignore_unknown", "include_incomplete")


# -- shared --------------------------------------------------------------------------------------
def answers_export(store, campaign: dict, fmt: str, *, submitted_only: bool = True,
                   include_contact: bool = False) -> tuple[bytes, str, str]:
    """(body, media type, file name) of the campaign's answers as long CSV, wide CSV or XLSX."""
    cid = campaign["id"]
    df = store.responses(cid, submitted_only=submitted_only, include_contact=include_contact)
    if fmt == "long":
        return (df.to_csv(index=False, lineterminator="\n").encode("utf-8"), "text/csv; charset=utf-8",
                f"responses-campaign{cid}.csv")
    from ..transfer.export import to_wide, write_wide_xlsx

    instrument = store.get_instrument(campaign["instrument_id"])
    contacts = dict(zip(df["respondent_id"], df["contact"])) if include_contact else None
    answers = df.drop(columns=["contact"]) if include_contact else df
    if "language" in answers.columns and not answers["language"].astype(str).str.strip().any():
        answers = answers.drop(columns=["language"])  # no language known (imported answers): no blank column
    if fmt == "wide":
        wide = to_wide(answers, instrument)
        if contacts is not None:
            wide.insert(_fixed_count(wide), "contact", [contacts.get(r, "") for r in wide["respondent_id"]])
        return (wide.to_csv(index=False, lineterminator="\n").encode("utf-8"), "text/csv; charset=utf-8",
                f"responses-wide-campaign{cid}.csv")
    buf = io.BytesIO()
    write_wide_xlsx(answers, instrument, buf)
    data = buf.getvalue()
    if contacts is not None:
        data = _xlsx_with_contacts(data, contacts)
    return data, XLSX_TYPE, f"responses-wide-campaign{cid}.xlsx"


def _fixed_count(wide) -> int:
    return 4 if "language" in list(wide.columns)[:4] else 3


def _xlsx_with_contacts(data: bytes, contacts: dict) -> bytes:
    """Insert a `contact` column after the respondent columns of the `responses` sheet."""
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data))
    ws = wb["responses"]
    header = [c.value for c in ws[1]]
    pos = (4 if "language" in header[:4] else 3) + 1
    ws.insert_cols(pos)
    ws.cell(row=1, column=pos, value="contact")
    for row in range(2, ws.max_row + 1):
        rid = ws.cell(row=row, column=1).value
        ws.cell(row=row, column=pos, value=contacts.get(str(rid), "") or None)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _download(body: bytes, media_type: str, filename: str) -> Response:
    return Response(body, media_type=media_type,
                    headers={"content-disposition": f'attachment; filename="{filename}"'})


# -- admin pages ---------------------------------------------------------------------------------
admin_router = APIRouter(prefix="/admin", include_in_schema=False)


def _import(request: Request, campaign_id: int, form, data: bytes, filename: str | None, mapping: bytes) -> Response:
    web = admin.web_of(request)
    admin._campaign(web, campaign_id)
    kind = form.get("kind") if isinstance(form.get("kind"), str) else ""
    options = {k: form.get(k) for k in FORM_OPTIONS if isinstance(form.get(k), str)}
    try:
        summary = import_into_campaign(web.store, campaign_id, kind, data, filename, mapping=mapping or None,
                                       options=options)
    except InputError as exc:
        return admin.campaign_page(request, campaign_id, problems=[str(p) for p in exc.problems], status=422)
    root = request.scope.get("root_path", "")
    return web.redirect(request, f"{root}/admin/campaigns/{campaign_id}?notice=imported"
                                 f"&answers={summary['answers']}&respondents={summary['respondents']}"
                                 f"&skipped={len(summary['skipped'])}")


@admin_router.post("/campaigns/{campaign_id}/import")
async def import_answers(request: Request, campaign_id: int):
    admin.require_admin(request)
    form = await admin._form(request)
    data, filename = await admin._file_bytes(form, "file")
    mapping, _ = await admin._file_bytes(form, "mapping")
    return await run_in_threadpool(_import, request, campaign_id, form, data, filename, mapping)


def _admin_export(request: Request, campaign_id: int, fmt: str, all_: bool, contact: bool) -> Response:
    admin.require_admin(request)
    web = admin.web_of(request)
    campaign = admin._campaign(web, campaign_id)
    return _download(*answers_export(web.store, campaign, fmt, submitted_only=not all_, include_contact=contact))


@admin_router.get("/campaigns/{campaign_id}/responses-wide.csv")
def export_wide_csv(request: Request, campaign_id: int, all: bool = False, contact: bool = False):
    return _admin_export(request, campaign_id, "wide", all, contact)


@admin_router.get("/campaigns/{campaign_id}/responses-wide.xlsx")
def export_wide_xlsx(request: Request, campaign_id: int, all: bool = False, contact: bool = False):
    return _admin_export(request, campaign_id, "xlsx", all, contact)


# -- JSON API ------------------------------------------------------------------------------------
api_router = APIRouter(prefix="/api/v1", tags=["admin"], dependencies=[Depends(api.api_admin)])


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


@api_router.post("/campaigns/{campaign_id}/import", response_model=ImportSummary, status_code=201,
                 responses=api.PROBLEMS, summary="Import answers into a campaign (all rows or none)",
                 description="Kinds: " + "; ".join(f"`{k}`: {v}" for k, v in KIND_LABELS.items())
                             + ". The answers are checked against the campaign's questionnaire and regions and "
                               "stored in one transaction; refused input (422) lists every problem with its file, "
                               "line and column, and nothing is imported.")
def api_import(request: Request, campaign_id: int,
               file: UploadFile = File(..., description="The answers: CSV, or XLSX for kobo and wide."),
               kind: Literal["kobo", "limesurvey", "wide", "long"] = Form(...),
               mapping: UploadFile | None = File(None, description="CSV source,item[,value_map] (kobo, limesurvey)."),
               region: str | None = Form(None), region_column: str | None = Form(None),
               stakeholder_group: str | None = Form(None), group_column: str | None = Form(None),
               id_column: str | None = Form(None), id_prefix: str | None = Form(None),
               language: str | None = Form(None), language_column: str | None = Form(None),
               sheet: str | None = Form(None), ignore_unknown: bool = Form(False),
               include_incomplete: bool = Form(False)):
    web = api.web_of(request)
    api._campaign(web, campaign_id)
    options = {"region": region, "region_column": region_column, "stakeholder_group": stakeholder_group,
               "group_column": group_column, "id_column": id_column, "id_prefix": id_prefix, "language": language,
               "language_column": language_column, "sheet": sheet, "ignore_unknown": ignore_unknown,
               "include_incomplete": include_incomplete}
    try:
        summary = import_into_campaign(web.store, campaign_id, kind, file.file.read(), file.filename,
                                       mapping=mapping.file.read() if mapping is not None else None,
                                       options=options)
    except InputError as exc:
        return api.refused(exc)
    return JSONResponse(summary, status_code=201)


@api_router.get("/campaigns/{campaign_id}/responses", response_class=Response,
                responses={**api.PROBLEMS, 200: {"content": {"text/csv": {}, XLSX_TYPE: {}}, "description":
                           "long: CSV respondent_id,region,stakeholder_group,item,value,language; wide: CSV with "
                           "one row per respondent and one column per item; xlsx: the wide table as XLSX"}},
                summary="Export the answers: long CSV (default), wide CSV or XLSX")
def api_export(request: Request, campaign_id: int, submitted_only: bool = True,
               include_contact: bool = Query(False, description="Add the optional contact details column."),
               format: Literal["long", "wide", "xlsx"] = Query("long", description="long, wide or xlsx")):
    web = api.web_of(request)
    campaign = api._campaign(web, campaign_id)
    return _download(*answers_export(web.store, campaign, format, submitted_only=submitted_only,
                                     include_contact=include_contact))


router = APIRouter()
router.include_router(admin_router)
router.include_router(api_router)

__all__ = ["KINDS", "answers_export", "router"]
