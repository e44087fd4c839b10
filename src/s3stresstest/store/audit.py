"""The audit log of a campaign: events and counts (submit, import, delete, close), never answers.

Entries are written by the methods that cause them (`StoreBase._audit`, inside their own
transaction); here they are only read. There is no API to change or remove entries, and the
database refuses UPDATE and DELETE on the table.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import select

from . import models as m
from .base import StoreBase, _utc


class AuditMixin(StoreBase):
    """audit_log, log_admin_action."""

    def log_admin_action(self, campaign_id: int, event: str, admin: str, **detail: Any) -> None:
        """Append an admin action (an export, invitations, scoring...) with the admin's name: the
        log must say who acted, not only what happened. `detail` holds counts and names, never answers."""
        if not admin:
            raise ValueError("an admin action needs the admin's name")
        with self._write() as s:
            self._campaign(s, campaign_id)
            self._audit(s, campaign_id, event[:20], None, {**detail, "admin": admin})

    def audit_log(self, campaign_id: int) -> pd.DataFrame:
        """id, at, event ('submit'|'import'|'delete'|'close'|admin actions), respondent_id ('' if none), detail
        (JSON text) — oldest first. There is no API to change or remove entries, and the database
        refuses UPDATE and DELETE on the table."""
        a = m.AuditEntry
        with self._read() as s:
            self._campaign(s, campaign_id)
            rows = s.execute(
                select(a.id, a.at, a.event, a.respondent_id, a.detail)
                .where(a.campaign_id == campaign_id)
                .order_by(a.id)
            ).all()
        df = pd.DataFrame(
            [(r.id, _utc(r.at), r.event, r.respondent_id or "", r.detail) for r in rows],
            columns=["id", "at", "event", "respondent_id", "detail"],
        )
        return df.astype({"id": "int64"})
