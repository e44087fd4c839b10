"""Links into a campaign: personal invitations and open per-region links, and their tokens.

Tokens are `secrets.token_urlsafe(24)` (192 bits) and only their sha256 is stored. Unknown,
wrong, expired or revoked tokens are indistinguishable: `resolve_token` gives None.
"""

from __future__ import annotations

import datetime as _dt
import secrets
from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from ..campaign.model import STAKEHOLDER_GROUPS, TERRITORY_CODE
from ..errors import InputError, Problem
from . import models as m
from .base import Locked, StoreBase, _expired, _hash_token, _now, _usable, _utc
from .statements import PRIVACY_SETTINGS, TOKEN_CONTEXT


class InvitationsMixin(StoreBase):
    """create_invitations, create_open_link, revoke_token, resolve_token, token_context."""

    def _check_link(
        self, s: Session, campaign: m.Campaign, region: str | None, group: str | None, language: str, line: int | None
    ) -> list[Problem]:
        problems = []
        known = self._region_set(s, campaign.id) if region is not None else set()
        if region is None:  # not checked (a link's own region stands)
            pass
        elif known and region not in known:
            problems.append(Problem(f"unknown region '{region}' (not one of the campaign's regions)", line, "region"))
        elif not known and not TERRITORY_CODE.fullmatch(region or ""):
            problems.append(
                Problem(
                    f"'{region}' is not a territory code (a NUTS code such as DE2, ITH2, SI or CH022)", line, "region"
                )
            )
        return problems + group_language_problems(group, language, campaign.languages, line)

    def create_invitations(
        self, campaign_id: int, rows: list[tuple[str, str, str]], *, expires: _dt.datetime | None = None
    ) -> list[dict[str, Any]]:
        """One personal link per (region, stakeholder_group, language), in the order given.

        Returns [{invitation_id, region, stakeholder_group, language, token}]; the token
        (secrets.token_urlsafe(24), 192 bits) is shown only here, the database keeps sha256(token).
        All rows or none: InputError names each bad row (line = position, from 1).
        """
        expires = _utc(expires)
        out: list[dict[str, Any]] = []
        with self._write() as s:
            c = self._campaign(s, campaign_id)
            if c.status != "open":
                raise Locked(f"campaign {campaign_id} is closed")
            problems = []
            for line, row in enumerate(rows, start=1):
                try:
                    region, group, language = (str(x).strip() for x in row)
                except (TypeError, ValueError):
                    problems.append(Problem("expected (region, stakeholder_group, language)", line))
                    continue
                problems += self._check_link(s, c, region, group, language, line)
                out.append(
                    {
                        "region": region,
                        "stakeholder_group": group,
                        "language": language,
                        "token": secrets.token_urlsafe(24),
                    }
                )
            if problems:
                raise InputError(problems)
            now = _now()
            for inv in out:
                inv["invitation_id"] = s.scalar(
                    insert(m.Invitation)
                    .values(
                        campaign_id=campaign_id,
                        kind="invitation",
                        token_hash=_hash_token(inv["token"]),
                        region=inv["region"],
                        stakeholder_group=inv["stakeholder_group"],
                        language=inv["language"],
                        created=now,
                        expires_at=expires,
                    )
                    .returning(m.Invitation.id)
                )
        return [
            {k: inv[k] for k in ("invitation_id", "region", "stakeholder_group", "language", "token")} for inv in out
        ]

    def create_open_link(
        self, campaign_id: int, region: str, language: str = "en", *, expires: _dt.datetime | None = None
    ) -> str:
        """Token of an open per-region link; each start makes a new respondent who declares a group."""
        region, language = str(region).strip(), str(language).strip()
        token = secrets.token_urlsafe(24)
        with self._write() as s:
            c = self._campaign(s, campaign_id)
            if c.status != "open":
                raise Locked(f"campaign {campaign_id} is closed")
            problems = self._check_link(s, c, region, None, language, None)
            if problems:
                raise InputError(problems)
            s.execute(
                insert(m.Invitation).values(
                    campaign_id=campaign_id,
                    kind="open",
                    token_hash=_hash_token(token),
                    region=region,
                    stakeholder_group=None,
                    language=language,
                    created=_now(),
                    expires_at=_utc(expires),
                )
            )
        return token

    def revoke_token(self, token: str) -> bool:
        """Make a link dead (as if it never existed); True when it was live."""
        if not isinstance(token, str) or not token:
            return False
        with self._write() as s:
            res: CursorResult[Any] = s.execute(  # type: ignore[assignment]  # an UPDATE gives a CursorResult
                update(m.Invitation)
                .where(m.Invitation.token_hash == _hash_token(token), m.Invitation.revoked_at.is_(None))
                .values(revoked_at=_now())
            )
            return res.rowcount > 0

    def _live_link(self, s: Session, token: str) -> tuple[m.Invitation, m.Campaign] | None:
        if not _usable(token) or len(token) > 200:
            return None
        row = s.execute(
            select(m.Invitation, m.Campaign)
            .join(m.Campaign, m.Campaign.id == m.Invitation.campaign_id)
            .where(m.Invitation.token_hash == _hash_token(token))
        ).first()
        if row is None:
            return None
        inv, c = row
        if inv.revoked_at is not None or _expired(inv.expires_at) or c.status != "open":
            return None
        return inv, c

    def resolve_token(self, token: str) -> dict[str, Any] | None:
        """{kind: 'invitation'|'open', campaign_id, region, stakeholder_group|None, language,
        respondent_id|None}; None for an unknown, wrong, expired or revoked token or a closed campaign."""
        with self._read() as s:
            hit = self._live_link(s, token)
            if hit is None:
                return None
            inv, _c = hit
            rid = None
            if inv.kind == "invitation":
                rid = s.scalar(select(m.Respondent.id).where(m.Respondent.personal_invitation_id == inv.id))
            return {
                "kind": inv.kind,
                "campaign_id": inv.campaign_id,
                "region": inv.region,
                "stakeholder_group": inv.stakeholder_group,
                "language": inv.language,
                "respondent_id": rid,
            }

    def token_context(
        self, token: str, *, privacy: bool = False
    ) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any] | None] | None:
        """(resolve_token(token), get_campaign(...), respondent(...) of a personal invitation or None)
        in one read transaction and one query; None for an unknown, wrong, expired or revoked token.
        A live link of a closed campaign does come back (campaign status 'closed'), so that its page
        can say the survey has ended, in the invitation's language: callers check the status.
        `privacy`: the campaign dict also holds its `privacy_settings` (the consent pages show the
        notice), read on the same connection by a second query."""
        if not _usable(token) or len(token) > 200:
            return None
        settings = None
        with self._readonly_conn() as conn:
            row = conn.execute(TOKEN_CONTEXT, {"h": _hash_token(token)}).first()
            if privacy and row is not None:
                settings = privacy_from_rows(conn.execute(PRIVACY_SETTINGS, {"cid": row.campaign_id}).all())
        if row is None:
            return None
        if row.revoked_at is not None or _expired(row.expires_at):
            return None
        rid = row.r_id if row.kind == "invitation" else None
        info = {
            "kind": row.kind,
            "campaign_id": row.campaign_id,
            "region": row.region,
            "stakeholder_group": row.stakeholder_group,
            "language": row.language,
            "respondent_id": rid,
        }
        campaign = {
            "id": row.campaign_id,
            "name": row.name,
            "status": row.status,
            "instrument_id": row.instrument_id,
            "languages": row.languages.split(),
            "created": _utc(row.c_created),
            "closed_at": _utc(row.closed_at),
        }
        if settings is not None:
            campaign["privacy"] = settings
        resp = None
        if rid is not None:
            resp = {
                "id": rid,
                "campaign_id": row.r_campaign_id,
                "region": row.r_region,
                "stakeholder_group": row.r_group,
                "language": row.r_language,
                "last_page": row.last_page,
                "created": _utc(row.r_created),
                "updated": _utc(row.r_updated),
                "submitted_at": _utc(row.submitted_at),
                "source": row.source,
                "consented_at": _utc(row.consented_at),
            }
        return info, campaign, resp


def group_language_problems(group: str | None, language: str, languages: str, line: int | None) -> list[Problem]:
    """A link's stakeholder group (None: not checked) and language against the campaign's
    `languages` (space-separated codes)."""
    problems = []
    if group is not None and group not in STAKEHOLDER_GROUPS:
        problems.append(
            Problem(
                f"unknown stakeholder group '{group}' (one of: {', '.join(STAKEHOLDER_GROUPS)})",
                line,
                "stakeholder_group",
            )
        )
    if language not in languages.split():
        problems.append(Problem(f"language '{language}' is not one of the campaign's ({languages})", line, "language"))
    return problems


def privacy_from_rows(rows: Sequence[Any]) -> dict[str, Any] | None:
    """`Store.privacy_settings` from the rows of PRIVACY_SETTINGS (None: no such campaign)."""
    if not rows:
        return None
    offered = rows[0].languages.split()
    return {
        "controller": rows[0].privacy_controller,
        "contact": rows[0].privacy_contact,
        "notices": {r.language: r.text for r in rows if r.text is not None and r.language in offered},
    }
