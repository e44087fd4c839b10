"""One respondent: their record, saved answers, optional contact details, and deletion.

Respondent ids are random (`secrets.token_hex(16)`, 128 bits, also usable as a session
secret); no names or e-mails are asked; contact details sit in their own table and only
reach an export when asked for.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from ..errors import InputError, Problem
from . import models as m
from .base import RESPONDENT_ID_MAX, NotFound, StoreBase, _now, _upsert, _usable, _utc
from .statements import RESPONDENT_ANSWERS


class RespondentsMixin(StoreBase):
    """answers, respondent, delete_respondent, set_contact, contact."""

    def answers(self, respondent_id: str) -> dict[str, str]:
        """All saved answers of a respondent (free-text comments included), item -> value.
        One Core statement (every page view of a respondent reads them): NotFound when unknown."""
        if not _usable(respondent_id) or len(respondent_id) > RESPONDENT_ID_MAX:
            raise NotFound("unknown respondent")
        with self._readonly_conn() as conn:
            rows = conn.execute(RESPONDENT_ANSWERS, {"rid": respondent_id}).all()
        if not any(row.kind == 0 for row in rows):
            raise NotFound("unknown respondent")
        out = {row.item: row.value for row in sorted(rows, key=lambda row: row.kind) if row.kind}
        return dict(sorted(out.items()))

    def respondent(self, respondent_id: str) -> dict[str, Any]:
        """{id, campaign_id, region, stakeholder_group, language, last_page, created, updated,
        submitted_at, source, consented_at}."""
        with self._read() as s:
            r = self._respondent_row(s, respondent_id)
            return {
                "id": r.id,
                "campaign_id": r.campaign_id,
                "region": r.region,
                "stakeholder_group": r.stakeholder_group,
                "language": r.language,
                "last_page": r.last_page,
                "created": _utc(r.created),
                "updated": _utc(r.updated),
                "submitted_at": _utc(r.submitted_at),
                "source": r.source,
                "consented_at": _utc(r.consented_at),
            }

    def delete_respondent(self, respondent_id: str) -> int:
        """Remove a respondent, their answers, comments and contact details and revoke their
        invitation. Returns rows deleted (respondent included); NotFound when unknown.
        The audit log gets a deletion event without answers."""
        with self._write() as s:
            r = self._respondent_row(s, respondent_id, lock=True)
            campaign_id, rid = r.campaign_id, r.id
            n = remove_respondent(s, r)
            self._audit(s, campaign_id, "delete", rid, {"rows": n})
        return n

    def set_contact(self, respondent_id: str, contact: str | None) -> None:
        """Optional contact details, kept in their own table; None or '' removes them."""
        contact = (contact or "").strip()
        if len(contact) > 1000 or "\x00" in contact:
            raise InputError(Problem("contact details longer than 1000 characters", field="contact"))
        with self._write() as s:
            r = self._respondent_row(s, respondent_id, lock=True)
            if not contact:
                s.execute(delete(m.Contact).where(m.Contact.respondent_id == r.id))
            else:
                _upsert(
                    s,
                    m.Contact,
                    [{"respondent_id": r.id, "contact": contact, "updated": _now()}],
                    ["respondent_id"],
                    ["contact", "updated"],
                )

    def contact(self, respondent_id: str) -> str | None:
        """The contact details of a respondent, if any."""
        with self._read() as s:
            r = self._respondent_row(s, respondent_id)
            return s.scalar(select(m.Contact.contact).where(m.Contact.respondent_id == r.id))


def remove_respondent(s: Session, r: m.Respondent) -> int:
    """Inside a transaction: delete a respondent with answers, comments and contact, revoke their
    personal link; the rows deleted (respondent included)."""
    n = 0
    for table in (m.Answer, m.Comment, m.Contact):
        done: CursorResult[Any] = s.execute(  # type: ignore[assignment]  # a DELETE gives a CursorResult
            delete(table).where(table.respondent_id == r.id)
        )
        n += done.rowcount
    if r.personal_invitation_id is not None:
        s.execute(update(m.Invitation).where(m.Invitation.id == r.personal_invitation_id).values(revoked_at=_now()))
    rid = r.id
    gone: CursorResult[Any] = s.execute(  # type: ignore[assignment]
        delete(m.Respondent).where(m.Respondent.id == rid)
    )
    return n + gone.rowcount
