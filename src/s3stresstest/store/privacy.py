"""Data protection (GDPR): retention purge, a respondent's data export (Art. 15) and erasure (Art. 17).

Contact details and invitation tokens are the personal data a campaign keeps beyond the
pseudonymous answers. After a campaign has been closed for the retention period, `purge_expired`
deletes its contact details and makes its invitation links unusable for good (the stored token
hash is replaced by the hash of a random value, so no one can resolve a link any more), and logs
the purge; run it from the command line or let the server run it on start. A respondent who asks
for their data or its erasure is found by their personal link (its token), its invitation id, or
their pseudonymous respondent id (an open link is shared: the web pages find that id from the
person's link to continue); every view, export and erasure is logged with the admin's name, never
with the data (nor the link).
"""

from __future__ import annotations

import datetime as _dt
import re
import secrets
from typing import Any

from sqlalchemy import delete, select, update

from ..errors import InputError, Problem
from . import models as m
from .base import MAX_ID, RESPONDENT_ID_MAX, NotFound, StoreBase, _hash_token, _now, _usable, _utc
from .respondents import remove_respondent

DEFAULT_RETENTION_DAYS = 365

# Why a person was not found, as stable English templates: the web pages translate them by these
# texts (`web.data_requests`), the command line and the API show them filled in.
GIVE_ONE = "give exactly one of: the invitation id, the respondent id, the person's link"
NO_RESPONDENT = "no respondent '{respondent}' in this campaign"
NO_LINK = "this link belongs to no invitation of this campaign (or it was made unusable by an erasure or purge)"
NO_INVITATION = "no invitation {invitation} in campaign {campaign}"
OPEN_LINK = (
    "invitation {invitation} is an open link shared by many respondents: ask the person for the "
    "personal link to continue that their questionnaire pages show"
)
NO_ANSWERS = "nothing is stored for invitation {invitation}: its link was not used to answer, or the data were erased"


_LINK_TOKEN = re.compile(r"/[sr]/([A-Za-z0-9_-]{1,200})/?$")


def link_token(link: str) -> str | None:
    """The token of a survey link (`…/s/TOKEN` personal, `…/r/TOKEN` open; query and fragment
    ignored), else None. A link to continue (`…/resume/CODE`) names the person by a respondent id
    signed by the web server: only the server reads it (`web.data_requests`)."""
    path = (link or "").strip().split("?", 1)[0].split("#", 1)[0]
    found = _LINK_TOKEN.search(path)
    return found.group(1) if found else None


def refusal(kind: type[InputError], template: str, field: str | None, **values: Any) -> InputError:
    """`kind` (InputError or NotFound) with `template` filled in; `template` and `values` stay on it."""
    exc = kind(Problem(template.format(**values), field=field))
    exc.template, exc.values = template, values  # type: ignore[attr-defined]
    return exc


class PrivacyMixin(StoreBase):
    """purge_expired, respondent_data, erase_respondent_data, erase_person."""

    def purge_expired(
        self, retention_days: int = DEFAULT_RETENTION_DAYS, *, now: _dt.datetime | None = None, admin: str = "system"
    ) -> list[dict[str, Any]]:
        """Purge the contact details and invitation tokens of every campaign closed at least
        `retention_days` ago (each campaign once). Returns one summary per campaign purged."""
        if retention_days < 0:
            raise InputError("the retention period cannot be negative")
        now = now or _now()
        limit = now - _dt.timedelta(days=retention_days)
        done = []
        with self._write() as s:
            purged = set(s.scalars(select(m.AuditEntry.campaign_id).where(m.AuditEntry.event == "purge")))
            campaigns = s.scalars(select(m.Campaign).where(m.Campaign.status == "closed")).all()
            for c in campaigns:
                closed = _utc(c.closed_at)
                if c.id in purged or closed is None or closed > limit:
                    continue
                respondents = select(m.Respondent.id).where(m.Respondent.campaign_id == c.id)
                contacts = s.execute(delete(m.Contact).where(m.Contact.respondent_id.in_(respondents))).rowcount  # type: ignore[attr-defined]
                invitations = s.scalars(select(m.Invitation.id).where(m.Invitation.campaign_id == c.id)).all()
                for inv in invitations:  # a fresh random hash each: the unique index holds, no link resolves
                    s.execute(
                        update(m.Invitation)
                        .where(m.Invitation.id == inv)
                        .values(token_hash=_hash_token(secrets.token_urlsafe(32)), revoked_at=now)
                    )
                detail = {
                    "admin": admin,
                    "contacts": contacts,
                    "tokens": len(invitations),
                    "retention_days": retention_days,
                }
                self._audit(s, c.id, "purge", None, detail)
                done.append({"campaign_id": c.id, **detail})
        return done

    def _respondents_of(
        self, s: Any, campaign_id: int, invitation_id: int | None, respondent_id: str | None, token: str | None = None
    ) -> tuple[list[m.Respondent], int | None]:
        """The person's respondent rows and their personal invitation's id (None when found by respondent id)."""
        self._campaign(s, campaign_id)
        if sum(x is not None for x in (invitation_id, respondent_id, token)) != 1:
            raise refusal(InputError, GIVE_ONE, None)
        q = select(m.Respondent).where(m.Respondent.campaign_id == campaign_id)
        if respondent_id is not None:
            found = _usable(respondent_id) and len(respondent_id) <= RESPONDENT_ID_MAX
            rows = s.scalars(q.where(m.Respondent.id == respondent_id)).all() if found else []
            if not rows:
                raise refusal(NotFound, NO_RESPONDENT, "respondent_id", respondent=respondent_id[:RESPONDENT_ID_MAX])
            return list(rows), None
        if token is not None:
            inv = None
            if _usable(token) and len(token) <= 200:
                inv = s.scalar(
                    select(m.Invitation).where(
                        m.Invitation.token_hash == _hash_token(token), m.Invitation.campaign_id == campaign_id
                    )
                )
            if inv is None:
                raise refusal(NotFound, NO_LINK, "link")
        else:
            inv = (
                s.get(m.Invitation, invitation_id)
                if isinstance(invitation_id, int) and 0 < invitation_id <= MAX_ID
                else None
            )
            if inv is None or inv.campaign_id != campaign_id:
                raise refusal(NotFound, NO_INVITATION, "invitation_id", invitation=invitation_id, campaign=campaign_id)
        if inv.kind == "open":
            raise refusal(InputError, OPEN_LINK, "invitation_id", invitation=inv.id)
        rows = s.scalars(q.where(m.Respondent.personal_invitation_id == inv.id)).all()
        if not rows:
            raise refusal(NotFound, NO_ANSWERS, "invitation_id", invitation=inv.id)
        return list(rows), inv.id

    def respondent_data(
        self,
        campaign_id: int,
        *,
        invitation_id: int | None = None,
        respondent_id: str | None = None,
        token: str | None = None,
        admin: str,
        purpose: str = "export",
        **detail: Any,
    ) -> dict[str, Any]:
        """Everything stored about one person (Art. 15): their respondent record, answers, open
        answers and contact details, as JSON-ready data, found by exactly one of `invitation_id`,
        `respondent_id` or `token` (of their personal link). Logged as `gdpr_export` or, with
        `purpose="view"` (an admin page showing it), `gdpr_view`, with `detail` (never the content)."""
        if not admin:
            raise ValueError("a data export needs the admin's name")
        if purpose not in ("export", "view"):
            raise ValueError("purpose is 'export' or 'view'")
        with self._write() as s:
            rows, invitation_id = self._respondents_of(s, campaign_id, invitation_id, respondent_id, token)
            out = []
            for r in rows:
                answers = dict(
                    s.execute(select(m.Answer.item, m.Answer.value).where(m.Answer.respondent_id == r.id)).all()
                )
                comments = dict(
                    s.execute(select(m.Comment.item, m.Comment.text).where(m.Comment.respondent_id == r.id)).all()
                )
                contact = s.scalar(select(m.Contact.contact).where(m.Contact.respondent_id == r.id))
                out.append(
                    {
                        "respondent_id": r.id,
                        "region": r.region,
                        "stakeholder_group": r.stakeholder_group,
                        "language": r.language,
                        "created": str(_utc(r.created)),
                        "updated": str(_utc(r.updated)),
                        "submitted_at": str(_utc(r.submitted_at)) if r.submitted_at else None,
                        "answers": dict(sorted(answers.items())),
                        "open_answers": dict(sorted(comments.items())),
                        "contact": contact,
                        "consented_at": str(_utc(r.consented_at)) if r.consented_at else None,
                        "consent_notice": r.consent_notice,
                    }
                )
            logged = {**detail, "admin": admin, "respondents": len(rows), "invitation_id": invitation_id}
            self._audit(s, campaign_id, f"gdpr_{purpose}", rows[0].id if len(rows) == 1 else None, logged)
        return {"campaign_id": campaign_id, "invitation_id": invitation_id, "exported": str(_now()), "respondents": out}

    def erase_respondent_data(
        self,
        campaign_id: int,
        *,
        invitation_id: int | None = None,
        respondent_id: str | None = None,
        token: str | None = None,
        admin: str,
    ) -> int:
        """Erase one person's data (Art. 17): respondent, answers, open answers, contact; their
        personal link is revoked. Returns the rows deleted; logged with the admin's name."""
        return self.erase_person(
            campaign_id, invitation_id=invitation_id, respondent_id=respondent_id, token=token, admin=admin
        )["rows"]

    def erase_person(
        self,
        campaign_id: int,
        *,
        invitation_id: int | None = None,
        respondent_id: str | None = None,
        token: str | None = None,
        admin: str,
    ) -> dict[str, Any]:
        """`erase_respondent_data` saying what went: {invitation_id, respondents (the ids erased), rows}."""
        if not admin:
            raise ValueError("an erasure needs the admin's name")
        with self._write() as s:
            rows, invitation_id = self._respondents_of(s, campaign_id, invitation_id, respondent_id, token)
            n, erased = 0, []
            for r in rows:
                rid = r.id
                n += remove_respondent(s, r)
                erased.append(rid)
                self._audit(s, campaign_id, "gdpr_erase", rid, {"admin": admin, "invitation_id": invitation_id})
        return {"invitation_id": invitation_id, "respondents": erased, "rows": n}
