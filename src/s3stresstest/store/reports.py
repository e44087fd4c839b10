"""What an admin reads out of a campaign: response rates, invitation status, the answers."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import pandas as pd
from sqlalchemy import case, func, select

from ..campaign.model import RESPONSE_COLUMNS
from . import models as m
from .base import _utc
from .campaigns import CampaignsMixin
from .regions import RegionsMixin

if TYPE_CHECKING:
    from ..campaign import Campaign


class ReportsMixin(CampaignsMixin, RegionsMixin):
    """response_rates, invitation_status, responses, campaign_data."""

    def response_rates(self, campaign_id: int) -> pd.DataFrame:
        """region, stakeholder_group, invited, started, submitted, rate. `started` and `submitted`
        count every respondent (personal invitations, open links, imports); `rate` is the share of
        personal invitations whose respondent submitted (NaN when nobody was invited), so answers
        that came another way never push it above 100 %. Sorted by region, group."""
        r, i = m.Respondent, m.Invitation
        with self._read() as s:
            self._campaign(s, campaign_id)
            invited = s.execute(
                select(i.region, i.stakeholder_group, func.count())
                .where(i.campaign_id == campaign_id, i.kind == "invitation")
                .group_by(i.region, i.stakeholder_group)
            ).all()
            invited_done = case((r.personal_invitation_id.is_not(None) & r.submitted_at.is_not(None), 1))
            started = s.execute(
                select(
                    r.region, r.stakeholder_group, func.count(), func.count(r.submitted_at), func.count(invited_done)
                )
                .where(r.campaign_id == campaign_id)
                .group_by(r.region, r.stakeholder_group)
            ).all()
        table: dict[tuple[str, str | None], list[int]] = {}
        for region, group, n in invited:
            table.setdefault((region, group), [0, 0, 0, 0])[0] = n
        for region, group, n, done, done_invited in started:
            t = table.setdefault((region, group), [0, 0, 0, 0])
            t[1], t[2], t[3] = n, done, done_invited
        rows = [(k[0], k[1], v[0], v[1], v[2], (v[3] / v[0]) if v[0] else math.nan) for k, v in sorted(table.items())]
        df = pd.DataFrame(rows, columns=["region", "stakeholder_group", "invited", "started", "submitted", "rate"])
        return df.astype({"invited": "int64", "started": "int64", "submitted": "int64", "rate": "float64"})

    def invitation_status(self, campaign_id: int) -> pd.DataFrame:
        """One row per personal invitation, for reminders: invitation_id, region, stakeholder_group,
        language, created, expires_at, revoked (bool), status ('not started' | 'started' |
        'submitted'), last_page (key of the last page saved in full, '' if none), last_activity.
        The links themselves are not stored (only their hashes): match invitation_id with the
        mail-merge list made when they were generated."""
        i, r = m.Invitation, m.Respondent
        with self._read() as s:
            self._campaign(s, campaign_id)
            rows = s.execute(
                select(
                    i.id,
                    i.region,
                    i.stakeholder_group,
                    i.language,
                    i.created,
                    i.expires_at,
                    i.revoked_at,
                    r.id,
                    r.last_page,
                    r.updated,
                    r.submitted_at,
                )
                .outerjoin(r, r.personal_invitation_id == i.id)
                .where(i.campaign_id == campaign_id, i.kind == "invitation")
                .order_by(i.id)
            ).all()
        out = []
        for iid, region, group, lang, created, expires, revoked, rid, last_page, updated, submitted in rows:
            status = "not started" if rid is None else ("submitted" if submitted is not None else "started")
            out.append(
                {
                    "invitation_id": int(iid),
                    "region": region,
                    "stakeholder_group": group,
                    "language": lang,
                    "created": _utc(created),
                    "expires_at": _utc(expires),
                    "revoked": revoked is not None,
                    "status": status,
                    "last_page": last_page or "",
                    "last_activity": _utc(updated) if rid is not None else None,
                }
            )
        columns = [
            "invitation_id",
            "region",
            "stakeholder_group",
            "language",
            "created",
            "expires_at",
            "revoked",
            "status",
            "last_page",
            "last_activity",
        ]
        return pd.DataFrame(out, columns=columns).astype({"invitation_id": "int64", "revoked": "bool"})

    def responses(
        self,
        campaign_id: int,
        *,
        submitted_only: bool = True,
        include_language: bool = True,
    ) -> pd.DataFrame:
        """Long format RESPONSE_COLUMNS (+ language), all text, one row per saved answer, sorted by
        region, stakeholder_group, respondent_id, item. Never contact details: those travel only in
        `contacts_export`, the thanks page promises they are never shown with the answers."""
        r = m.Respondent
        cols = list(RESPONSE_COLUMNS) + (["language"] if include_language else [])
        with self._read() as s:
            self._campaign(s, campaign_id)
            who = select(r.id).where(r.campaign_id == campaign_id)
            if submitted_only:
                who = who.where(r.submitted_at.is_not(None))
            frames: list[tuple[Any, ...]] = []
            for table, col in ((m.Answer, m.Answer.value), (m.Comment, m.Comment.text)):
                q = (
                    select(r.id, r.region, r.stakeholder_group, table.item, col, r.language)
                    .join(table, table.respondent_id == r.id)
                    .where(r.id.in_(who))
                )
                frames += [tuple(x) for x in s.execute(q)]
        df = pd.DataFrame(frames, columns=[*RESPONSE_COLUMNS, "language"], dtype=object)
        df = df[cols].astype(str)
        return df.sort_values(["region", "stakeholder_group", "respondent_id", "item"]).reset_index(drop=True)

    def contacts_export(self, campaign_id: int, *, admin: str) -> pd.DataFrame:
        """respondent_id, contact of every respondent of the campaign who left contact details, and
        nothing else; an explicit admin action, so the audit log gets an `export_contacts` entry
        with the admin's name and the row count, in the same transaction as the read."""
        r, c = m.Respondent, m.Contact
        with self._write() as s:
            self._campaign(s, campaign_id)
            rows = s.execute(
                select(c.respondent_id, c.contact)
                .join(r, r.id == c.respondent_id)
                .where(r.campaign_id == campaign_id)
                .order_by(c.respondent_id)
            ).all()
            self._audit(s, campaign_id, "export_contacts", None, {"admin": admin, "rows": len(rows)})
        return pd.DataFrame([tuple(x) for x in rows], columns=["respondent_id", "contact"], dtype=object).astype(str)

    def campaign_data(self, campaign_id: int, *, submitted_only: bool = True) -> Campaign:
        """A `Campaign` (responses, regions, groups, description) ready for `run_stresstest`;
        with the instrument: `store.get_instrument(store.get_campaign(id)['instrument_id'])`."""
        from ..campaign import Campaign

        info = self.get_campaign(campaign_id)
        return Campaign(
            responses=self.responses(campaign_id, submitted_only=submitted_only),
            regions=self.regions(campaign_id),
            groups=self.groups(campaign_id),
            description=info["name"],
        )
