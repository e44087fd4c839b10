"""Reports in the admin pages: score a campaign into a run kept on the server and write its regional
reports, synthesis and memo in HTML (each regional report in its territory's language, the synthesis,
the memo and their index in the admin's), then read them in the browser, one by one or as a zip. An
admin reading another language writes the synthesis and the memo of the run again in theirs. The work
is `web.reports`; this is the thin page shell.

Writing reports is audited with the admin's name and the run's id (`reports`); the run folder
stays on the server (`WebSettings.runs_dir`) so the reports can be written again from it.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from ..errors import InputError
from . import i18n
from . import reports as rep
from .core import NotFound, attachment
from .deps import AdminDep, CampaignDep, CsrfForm, admin_router, web_of
from .routes_admin import _render, _root, _t, _title, _when, admin_lang, refused_page

router = admin_router()

# a report file shown in the browser: its inline styles and embedded images, nothing else
REPORT_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


def _root_dir(request: Request):
    return web_of(request).settings.resolved_runs_dir()


def runs_context(request: Request, campaign: dict) -> list[dict]:
    """The campaign's kept runs for its page, newest first, with when they were made in the admin's words."""
    return [
        dict(r, when_text=_when(request, r["when"])) for r in rep.kept_runs(_root_dir(request), int(campaign["id"]))
    ]


@router.post("/campaigns/{campaign_id}/reports")
def make_reports(request: Request, form: CsrfForm, campaign: CampaignDep, admin_: AdminDep):
    """Score now and write the reports (HTML) from that run; then the page of the run's reports."""
    web = web_of(request)
    root = _root_dir(request)
    try:
        run_id = rep.keep_run(web.store, campaign["id"], root)
    except InputError as exc:
        return refused_page(request, campaign, exc)
    web.store.log_admin_action(campaign["id"], "score", admin_["user"], run=run_id)
    _write(request, campaign, admin_, run_id)
    return web.redirect(request, f"{_root(request)}/admin/campaigns/{campaign['id']}/runs/{run_id}")


def _write(request: Request, campaign: dict, admin_: dict, run_id: str) -> None:
    """The run's HTML reports, the synthesis, the memo and the index in the admin's language; audited."""
    web = web_of(request)
    language = admin_lang(request)
    paths = rep.write_reports(_root_dir(request), campaign["id"], run_id, language)
    regional = sum(1 for p in paths if p.parent.name == "regional")
    web.store.log_admin_action(
        campaign["id"], "reports", admin_["user"], run=run_id, regional=regional, format="html", language=language
    )


@router.post("/campaigns/{campaign_id}/runs/{run_id}/rewrite")
def rewrite_reports(request: Request, form: CsrfForm, campaign: CampaignDep, admin_: AdminDep, run_id: str):
    """Write a run's HTML reports again, the synthesis, the memo and the index in this admin's language
    (PDF and DOCX written before are dropped with the old files); not while PDF and DOCX are being written."""
    root = _root_dir(request)
    if rep.run_dir(root, campaign["id"], run_id) is None:
        raise NotFound()
    status = rep.print_status(root, campaign["id"], run_id)
    if not (status and status.get("state") == "running"):
        _write(request, campaign, admin_, run_id)
    return web_of(request).redirect(request, f"{_root(request)}/admin/campaigns/{campaign['id']}/runs/{run_id}")


@router.get("/campaigns/{campaign_id}/runs/{run_id}")
def run_reports(request: Request, campaign: CampaignDep, run_id: str):
    """The reports of one kept run: a link per report (with its territory and language) and the zip."""
    root = _root_dir(request)
    runs = {r["id"]: r for r in runs_context(request, campaign)}
    if run_id not in runs:
        raise NotFound()
    t = _t(request)
    names = i18n.LANGUAGE_NAMES
    # the reports' own titles (the report catalogues translate them once); imported here: the report
    # package is large and only these pages need it
    from ..report import memo, synthesis

    kinds = {"synthesis": t._(synthesis.TITLE), "memo": t._(memo.TITLE)}
    files = [
        dict(
            f,
            title=kinds.get(f["kind"]) or t._("{name} ({code})", name=f["name"], code=f["region"]),
            language_name=names.get(f["language"], f["language"]),
        )
        for f in rep.report_files(root, campaign["id"], run_id)
    ]
    status = rep.print_status(root, campaign["id"], run_id)
    shared = rep.shared_language(root, campaign["id"], run_id)
    job = None
    if status:
        job = dict(status)
        if status.get("state") == "running" and status.get("total"):
            job["text"] = t._(
                "{done} of {total} files written.", done=t.integer(status["done"]), total=t.integer(status["total"])
            )
    return _render(
        request,
        "admin/reports.html",
        {
            "title": _title(request, t._("Reports")),
            "campaign": campaign,
            "run": runs[run_id],
            "files": files,
            "job": job,
            "printed": bool(files) and all(f["formats"] for f in files),
            "lang": admin_lang(request),
            "shared_name": names.get(shared or "", ""),
            "other_language": bool(files) and shared != admin_lang(request),
        },
    )


@router.post("/campaigns/{campaign_id}/runs/{run_id}/print")
def print_reports(request: Request, form: CsrfForm, campaign: CampaignDep, admin_: AdminDep, run_id: str):
    """Write the run's reports as PDF and DOCX too, in the background; the run's page shows the progress."""
    web = web_of(request)
    root = _root_dir(request)
    if rep.run_dir(root, campaign["id"], run_id) is None:
        raise NotFound()
    if rep.start_print(root, campaign["id"], run_id, language=admin_lang(request)):
        web.store.log_admin_action(campaign["id"], "reports", admin_["user"], run=run_id, format="pdf, docx")
    return web.redirect(request, f"{_root(request)}/admin/campaigns/{campaign['id']}/runs/{run_id}")


@router.get("/campaigns/{campaign_id}/runs/{run_id}/reports.zip")
def reports_zip(request: Request, campaign: CampaignDep, run_id: str):
    data = rep.reports_zip(_root_dir(request), campaign["id"], run_id)
    if data is None:
        raise NotFound()
    name = f"reports-campaign{campaign['id']}-{run_id}.zip"
    return web_of(request).finish(request, attachment(data, "application/zip", name))


@router.get("/campaigns/{campaign_id}/runs/{run_id}/reports/{name:path}")
def report_file(request: Request, campaign: CampaignDep, run_id: str, name: str):
    """One report as written: HTML (charts embedded) and PDF shown in the browser, DOCX downloaded."""
    path = rep.report_path(_root_dir(request), campaign["id"], run_id, name)
    if path is None:
        raise NotFound()
    ext = path.suffix.lstrip(".")
    response = Response(path.read_bytes(), media_type=rep.MEDIA_TYPES[ext])
    if ext == "html":
        response.headers["content-security-policy"] = REPORT_CSP
    disposition = "attachment" if ext == "docx" else "inline"
    response.headers["content-disposition"] = f'{disposition}; filename="{path.name}"'
    return web_of(request).finish(request, response)
