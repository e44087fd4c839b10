"""The audit log of a campaign: events and counts (submit, import, delete, close), never answers.

Entries are written by the methods that cause them (`StoreBase._audit`, inside their own
transaction); here they are only read. There is no API to change or remove entries, and the
database refuses UPDATE and DELETE on the table.
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
from sqlalchemy import insert, select

from . import models as m
from .base import StoreBase, _now, _utc


class AuditMixin(StoreBase):
    """audit_log, log_admin_action, admin_log, log_admin_event."""

    def log_admin_action(self, campaign_id: int, event: str, admin: str, **detail: Any) -> None:
        """Append an admin action (an export, invitations, scoring...) with the admin's name: the
        log must say who acted, not only what happened. `detail` holds counts and names, never answers."""
        if not admin:
            raise ValueError("an admin action needs the admin's name")
        with self._write() as s:
            self._campaign(s, campaign_id)
            self._audit(s, campaign_id, event[:20], None, {**detail, "admin": admin})

    def log_admin_event(self, event: str, admin: str, *, address: str | None = None, **detail: Any) -> None:
        """Append an admin action that belongs to no campaign (login, failed login, admin creation).
        Names are stored as given, NUL characters replaced (a failed login may send anything)."""

        def clean(text: str | None, size: int) -> str:
            return (text or "").replace("\x00", "\ufffd")[:size]

        with self._write() as s:
            s.execute(
                insert(m.AdminLogEntry).values(
                    at=_now(),
                    event=clean(event, 30),
                    admin=clean(admin, 200),
                    address=clean(address, 100) or None,
                    detail=json.dumps(detail, sort_keys=True, ensure_ascii=True),
                )
            )

    def admin_log(self) -> pd.DataFrame:
        """id, at, event, admin, address, detail (JSON) — oldest first; append-only like the audit log."""
        a = m.AdminLogEntry
        with self._read() as s:
            rows = s.execute(select(a.id, a.at, a.event, a.admin, a.address, a.detail).order_by(a.id)).all()
        df = pd.DataFrame(
            [(r.id, _utc(r.at), r.event, r.admin, r.address or "", r.detail) for r in rows],
            columns=["id", "at", "event", "admin", "address", "detail"],
        )
        return df.astype({"id": "int64"})

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
