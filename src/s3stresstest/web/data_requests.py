"""A person's data requests (GDPR Art. 15 access, Art. 17 erasure), shared by the admin pages and the API.

The person is named by what they can know: the link they received (a personal invitation), the
link to continue that the questionnaire pages of an open link show (it carries their respondent
id, signed by this server), an invitation id from the mail-merge file, or a respondent id from an
export. `Store.respondent_data` / `erase_respondent_data` do the work and log every view, export
and erasure with the admin's name; here the reference is resolved and refusals get texts the
admin pages translate.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..errors import InputError
from ..store import privacy
from ..transfer.safe import to_safe_csv
from .i18n import N_
from .operations import CSV_TYPE, Download, said, stamp

KINDS = ("link", "invitation", "respondent")
FORMATS = ("json", "csv")
_RESUME = re.compile(r"/r/[A-Za-z0-9_-]+/resume/([A-Za-z0-9_=-]+\.[A-Za-z0-9_=-]+)/?$")

# The store's refusals (`store.privacy`), the same English texts marked here for the web catalogue.
STORE_TEXTS = {
    privacy.GIVE_ONE: N_("give exactly one of: the invitation id, the respondent id, the person's link"),
    privacy.NO_RESPONDENT: N_("no respondent '{respondent}' in this campaign"),
    privacy.NO_LINK: N_(
        "this link belongs to no invitation of this campaign (or it was made unusable by an erasure or purge)"
    ),
    privacy.NO_INVITATION: N_("no invitation {invitation} in campaign {campaign}"),
    privacy.OPEN_LINK: N_(
        "invitation {invitation} is an open link shared by many respondents: ask the person for the "
        "personal link to continue that their questionnaire pages show"
    ),
    privacy.NO_ANSWERS: N_(
        "nothing is stored for invitation {invitation}: its link was not used to answer, or the data were erased"
    ),
}
NOT_A_LINK = N_("'{text}' is not a survey link: paste the whole link the person received, or the link to continue")
NOT_AN_ID = N_("'{text}' is not an invitation id (a whole number, as in the mail-merge file)")
EMPTY = N_("enter the person's link, invitation id or respondent id")
BAD_KIND = N_("choose what you entered: a link, an invitation id or a respondent id")
CONFIRM_ERASURE = N_("nothing was erased: set confirm to true (an erasure cannot be undone)")
OPEN_LINK_GIVEN = N_(
    "this is the open link shared by many respondents: ask the person for the personal link to continue "
    "that their questionnaire pages show"
)


@dataclass(frozen=True)
class Person:
    """Who a request is about: exactly one of invitation_id, respondent_id, token (never logged)."""

    invitation_id: int | None = None
    respondent_id: str | None = None
    token: str | None = None

    def query(self) -> dict[str, Any]:
        return {"invitation_id": self.invitation_id, "respondent_id": self.respondent_id, "token": self.token}


def resume_reader(signer):
    """`unsign` for `person`: the respondent id in the code of a link to continue this server signed
    (no age limit: the signature proves the id), else None."""

    def unsign(code: str) -> str | None:
        rid = (signer.unsign("open-resume", code) or {}).get("rid")
        return rid if isinstance(rid, str) else None

    return unsign


def person(kind: str, text: str, unsign) -> Person:
    """The person named by `text` of `kind` ('link' | 'invitation' | 'respondent'). `unsign(code)`
    gives the respondent id of a signed link to continue (None when the code is not this server's)."""
    text = (text or "").strip()
    if not text:
        raise InputError(said(EMPTY, field="who"))
    if kind not in KINDS:
        raise InputError(said(BAD_KIND, field="kind"))
    shown = text[:80]
    if kind == "invitation":
        if not text.isdigit() or len(text) > 10:
            raise InputError(said(NOT_AN_ID, field="who", text=shown))
        return Person(invitation_id=int(text))
    if kind == "respondent":
        return Person(respondent_id=text)
    path = text.split("?", 1)[0].split("#", 1)[0]
    resume = _RESUME.search(path)
    if resume:
        rid = unsign(resume.group(1))
        if not rid:
            raise InputError(said(NOT_A_LINK, field="who", text=shown))
        return Person(respondent_id=rid)
    token = privacy.link_token(path)
    if token is None:
        raise InputError(said(NOT_A_LINK, field="who", text=shown))
    if path.rstrip("/").endswith(f"/r/{token}"):
        raise InputError(said(OPEN_LINK_GIVEN, field="who"))
    return Person(token=token)


def _said(exc: InputError) -> InputError:
    """The store's refusal as a problem the admin pages translate (same English message)."""
    template = getattr(exc, "template", None)
    if template in STORE_TEXTS:
        values = getattr(exc, "values", {})
        field = exc.problems[0].field if exc.problems else None
        return type(exc)(said(STORE_TEXTS[template], field=field, **values))
    return exc


def person_data(store, campaign_id: int, who: Person, *, admin: str, purpose: str = "export", **detail) -> dict:
    """Everything stored about `who` (`Store.respondent_data`), logged as a view or an export."""
    try:
        return store.respondent_data(campaign_id, **who.query(), admin=admin, purpose=purpose, **detail)
    except InputError as exc:
        raise _said(exc) from exc


def erase(store, campaign_id: int, who: Person, *, admin: str, runs_root=None) -> dict:
    """Erase `who`'s data; {campaign_id, invitation_id, respondents (ids erased), rows (deleted),
    runs_deleted}. The runs kept on the server under `runs_root` that hold their answers go too
    (`reports.drop_runs_holding`), logged as `runs_deleted`."""
    from .reports import drop_runs_holding

    try:
        done = store.erase_person(campaign_id, **who.query(), admin=admin)
    except InputError as exc:
        raise _said(exc) from exc
    gone = drop_runs_holding(runs_root, campaign_id, done["respondents"]) if runs_root is not None else []
    if gone:
        store.log_admin_action(campaign_id, "runs_deleted", admin, runs=", ".join(gone), reason="erasure")
    return {"campaign_id": campaign_id, **done, "runs_deleted": gone}


def summary(data: dict) -> dict[str, int]:
    """What an erasure deletes, counted: respondents, answers, open answers, contact details."""
    people = data["respondents"]
    return {
        "respondents": len(people),
        "answers": sum(len(p["answers"]) for p in people),
        "open_answers": sum(len(p["open_answers"]) for p in people),
        "contacts": sum(1 for p in people if p.get("contact")),
    }


def rows(data: dict) -> pd.DataFrame:
    """The data as one table: respondent_id, part (record | answer | open_answer | contact), name, value."""
    out = []
    for p in data["respondents"]:
        rid = p["respondent_id"]
        for key, value in p.items():
            if key not in ("respondent_id", "answers", "open_answers", "contact"):
                out.append((rid, "record", key, "" if value is None else str(value)))
        out += [(rid, "answer", k, v) for k, v in p["answers"].items()]
        out += [(rid, "open_answer", k, v) for k, v in p["open_answers"].items()]
        if p.get("contact"):
            out.append((rid, "contact", "contact", p["contact"]))
    return pd.DataFrame(out, columns=["respondent_id", "part", "name", "value"], dtype=object)


def download(data: dict, fmt: str) -> Download:
    """The data as JSON, or as spreadsheet-safe CSV (`to_safe_csv`: no cell runs as a formula)."""
    cid = data["campaign_id"]
    name = f"data-request-campaign{cid}-{stamp()}"
    if fmt == "csv":
        return Download(to_safe_csv(rows(data)).encode("utf-8"), CSV_TYPE, f"{name}.csv")
    body = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)
    return Download(body.encode("utf-8"), "application/json", f"{name}.json")
