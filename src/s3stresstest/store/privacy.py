"""Data protection (GDPR): retention purge, a respondent's data export (Art. 15) and erasure (Art. 17).

Contact details and invitation tokens are the personal data a campaign keeps beyond the
pseudonymous answers. After a campaign has been closed for the retention period, `purge_expired`
deletes its contact details and makes its invitation links unusable for good (the stored token
hash is replaced by the hash of a random value, so no one can resolve a link any more), and logs
the purge; run it from the command line or let the server run it on start. A respondent who asks
for their data or its erasure is found by their invitation (or pseudonymous respondent id); both
actions are logged with the admin's name, never with the data.
"""

from __future__ import annotations

import datetime as _dt
import secrets
from typing import Any

from sqlalchemy import delete, select, update

from ..errors import InputError
from . import models as m
from .base import MAX_ID, NotFound, StoreBase, _hash_token, _now, _utc
from .respondents import remove_respondent

DEFAULT_RETENTION_DAYS = 365


class PrivacyMixin(StoreBase):
    """purge_expired, respondent_data, erase_respondent_data."""

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
        self, s: Any, campaign_id: int, invitation_id: int | None, respondent_id: str | None
    ) -> list[m.Respondent]:
        self._campaign(s, campaign_id)
        if (invitation_id is None) == (respondent_id is None):
            raise InputError("give either the invitation id or the respondent id")
        q = select(m.Respondent).where(m.Respondent.campaign_id == campaign_id)
        if respondent_id is not None:
            rows = s.scalars(q.where(m.Respondent.id == respondent_id)).all()
        else:
            inv = s.get(m.Invitation, invitation_id) if invitation_id and 0 < invitation_id <= MAX_ID else None
            if inv is None or inv.campaign_id != campaign_id:
                raise NotFound(f"no invitation {invitation_id} in campaign {campaign_id}")
            if inv.kind == "open":
                raise InputError(
                    f"invitation {invitation_id} is an open link shared by many respondents: "
                    "ask the person for their respondent id (shown on their resume link page)"
                )
            rows = s.scalars(q.where(m.Respondent.personal_invitation_id == invitation_id)).all()
        if not rows:
            raise NotFound("no answers stored for this person")
        return list(rows)

    def respondent_data(
        self, campaign_id: int, *, invitation_id: int | None = None, respondent_id: str | None = None, admin: str
    ) -> dict[str, Any]:
        """Everything stored about one person (Art. 15): their respondent record, answers, open
        answers and contact details, as JSON-ready data. The export is logged (not its content)."""
        if not admin:
            raise ValueError("a data export needs the admin's name")
        with self._write() as s:
            rows = self._respondents_of(s, campaign_id, invitation_id, respondent_id)
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
            self._audit(s, campaign_id, "gdpr_export", rows[0].id if len(rows) == 1 else None,
                        {"admin": admin, "respondents": len(rows), "invitation_id": invitation_id})  # fmt: skip
        return {"campaign_id": campaign_id, "exported": str(_now()), "respondents": out}

    def erase_respondent_data(
        self, campaign_id: int, *, invitation_id: int | None = None, respondent_id: str | None = None, admin: str
    ) -> int:
        """Erase one person's data (Art. 17): respondent, answers, open answers, contact; their
        personal link is revoked. Returns the rows deleted; logged with the admin's name."""
        if not admin:
            raise ValueError("an erasure needs the admin's name")
        with self._write() as s:
            rows = self._respondents_of(s, campaign_id, invitation_id, respondent_id)
            n = 0
            for r in rows:
                rid = r.id
                n += remove_respondent(s, r)
                self._audit(s, campaign_id, "gdpr_erase", rid, {"admin": admin, "invitation_id": invitation_id})
        return n
