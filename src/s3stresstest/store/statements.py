"""The SQL of the hot paths (opening a link, saving a page), built once.

Constant statements with bind parameters: SQLAlchemy compiles each once and the drivers can
reuse their prepared statements, which matters when hundreds of respondents save at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Select, TextClause, Update, bindparam, func, insert, literal_column, select, text, update

from . import models as m

__all__ = [
    "AUDIT_INSERT",
    "CAMPAIGN_LOCK",
    "PRIVACY_SETTINGS",
    "RESPONDENT_ANSWERS",
    "RESPONDENT_INSERT",
    "START_LINK",
    "TOKEN_CONTEXT",
    "SaveStatements",
    "dialect_insert",
]

# PostgreSQL advisory lock space of campaigns (first key of the two-int4 form; the second is the
# campaign id). Saves and submits hold it shared, closing a campaign exclusive: a close waits for
# the saves in flight and later saves wait for the close, then see the campaign closed. A row lock
# (FOR SHARE on the campaign row) did the same, but every shared row lock rewrites the row's header
# and, with many concurrent holders, creates a MultiXact: under 200 concurrent savers that was
# most of the database's work.
CAMPAIGN_LOCK = 0x53335343  # "S3SC"


def dialect_insert(dialect: str) -> Callable[[Any], Any]:
    """The INSERT of the dialect ('postgresql' or 'sqlite'): both offer ON CONFLICT DO UPDATE."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert


def _by_link(*columns: Any) -> Select[*tuple[Any, ...]]:
    """`columns` of a link (by its token's hash `h`), its campaign and, for a personal invitation,
    the respondent it has (NULLs when none): one statement, one round trip."""
    i, c, r = m.Invitation, m.Campaign, m.Respondent
    return (
        select(*columns)
        .select_from(i)
        .join(c, c.id == i.campaign_id)
        .outerjoin(r, r.personal_invitation_id == i.id)
        .where(i.token_hash == bindparam("h"))
    )


def _token_context_query() -> Select[*tuple[Any, ...]]:
    i, c, r = m.Invitation, m.Campaign, m.Respondent
    return _by_link(
        i.kind,
        i.campaign_id,
        i.region,
        i.stakeholder_group,
        i.language,
        i.expires_at,
        i.revoked_at,
        c.name,
        c.status,
        c.instrument_id,
        c.languages,
        c.created.label("c_created"),
        c.closed_at,
        r.id.label("r_id"),
        r.campaign_id.label("r_campaign_id"),
        r.region.label("r_region"),
        r.stakeholder_group.label("r_group"),
        r.language.label("r_language"),
        r.last_page,
        r.created.label("r_created"),
        r.updated.label("r_updated"),
        r.submitted_at,
        r.source,
        r.consented_at,
    )


# A link, its campaign and (personal invitations) its respondent, by the token's hash `h`.
TOKEN_CONTEXT = _token_context_query()


def _start_link_query() -> Select[*tuple[Any, ...]]:
    i, c, r = m.Invitation, m.Campaign, m.Respondent
    return _by_link(
        i.id,
        i.kind,
        i.campaign_id,
        i.region,
        i.stakeholder_group,
        i.language,
        i.expires_at,
        i.revoked_at,
        c.status,
        c.languages,
        r.id.label("r_id"),
        r.language.label("r_language"),
    )


# Inserts executed with a dict of values (Core: the statement is built once, not per row).
AUDIT_INSERT = insert(m.AuditEntry)
RESPONDENT_INSERT = insert(m.Respondent)

# Starting a respondent with their consent (`Store.start_with_consent`): the link, its campaign's
# status and languages and (personal invitations) the respondent it already has, in one statement.
START_LINK = _start_link_query()

# A campaign's privacy settings: controller, contact, languages and its own notice texts (one row
# per text; one row with NULL text when it has none). No row: no such campaign.
PRIVACY_SETTINGS = (
    select(
        m.Campaign.privacy_controller,
        m.Campaign.privacy_contact,
        m.Campaign.languages,
        m.PrivacyNotice.language,
        m.PrivacyNotice.text,
    )
    .select_from(m.Campaign)
    .outerjoin(m.PrivacyNotice, m.PrivacyNotice.campaign_id == m.Campaign.id)
    .where(m.Campaign.id == bindparam("cid"))
)

# A respondent's saved answers and comments (kind 1: comments, applied after the answers), and one
# row of kind 0 when the respondent exists at all: one statement, one snapshot.
RESPONDENT_ANSWERS = text(
    """
SELECT 0 AS kind, NULL AS item, NULL AS value FROM respondents WHERE id = :rid
UNION ALL SELECT 1, item, value FROM answers WHERE respondent_id = :rid
UNION ALL SELECT 2, item, text FROM comments WHERE respondent_id = :rid
"""
)


# PostgreSQL: the rest of a save after the touch, in one statement (one round trip, one plan the
# server keeps prepared): the campaign's status, read in a snapshot taken after the touch took the
# campaign's lock, and the writes, done only while it is open. It returns the status; the caller
# raises Locked (rolling the touch back) unless it is 'open'. The writes replaced a SELECT of the
# status, an executemany of one upsert per answer in pipeline mode (the largest part of a save's
# CPU in the server) and a DELETE per table with cleared answers.
PG_WRITE = text(
    """
WITH c AS (SELECT status FROM campaigns WHERE id = :cid),
open_ AS (SELECT 1 FROM c WHERE status = 'open'),
cleared_answers AS (
    DELETE FROM answers
    WHERE respondent_id = :rid AND item = ANY(CAST(:answers_cleared AS text[])) AND EXISTS (SELECT FROM open_)
),
kept_answers AS (
    INSERT INTO answers (respondent_id, item, value, updated)
    SELECT :rid, kept.item, kept.v, :now
    FROM unnest(CAST(:answers_items AS text[]), CAST(:answers_values AS text[])) AS kept (item, v)
    WHERE EXISTS (SELECT FROM open_)
    ON CONFLICT (respondent_id, item) DO UPDATE SET value = excluded.value, updated = excluded.updated
),
cleared_comments AS (
    DELETE FROM comments
    WHERE respondent_id = :rid AND item = ANY(CAST(:comments_cleared AS text[])) AND EXISTS (SELECT FROM open_)
),
kept_comments AS (
    INSERT INTO comments (respondent_id, item, text, updated)
    SELECT :rid, kept.item, kept.v, :now
    FROM unnest(CAST(:comments_items AS text[]), CAST(:comments_values AS text[])) AS kept (item, v)
    WHERE EXISTS (SELECT FROM open_)
    ON CONFLICT (respondent_id, item) DO UPDATE SET text = excluded.text, updated = excluded.updated
)
SELECT status FROM c
"""
)


class SaveStatements:
    """The statements of a save, built once per dialect: constant SQL, so SQLAlchemy compiles each
    once and the drivers can reuse their prepared statements."""

    def __init__(self, dialect: str):
        r, c = m.Respondent, m.Campaign
        # the campaign's instrument (fixed when the campaign is made) comes back with the touch, so the
        # answers can be checked before the statement that reads the status and writes them
        instrument = select(c.instrument_id).where(c.id == r.campaign_id).scalar_subquery()
        returned: list[Any] = [r.campaign_id, instrument]
        if dialect == "postgresql":  # evaluated once, for the one updated row: no extra round trip
            returned.append(func.pg_advisory_xact_lock_shared(literal_column(str(CAMPAIGN_LOCK)), r.campaign_id))
        self.touch: Update = (
            update(r)
            .where(r.id == bindparam("rid"), r.submitted_at.is_(None))
            .values(last_page=bindparam("page"), updated=bindparam("now"))
            .returning(*returned)
        )
        self.touch_draft: Update = (
            update(r)
            .where(r.id == bindparam("rid"), r.submitted_at.is_(None))
            .values(updated=bindparam("now"))
            .returning(*returned)
        )
        self.submitted = select(r.submitted_at).where(r.id == bindparam("rid"))
        self.campaign = select(c.status, c.instrument_id).where(c.id == bindparam("cid"))
        self.upsert_answer: Any = self._upsert(dialect_insert(dialect), m.Answer, "value")
        self.upsert_comment: Any = self._upsert(dialect_insert(dialect), m.Comment, "text")
        self.write: TextClause | None = PG_WRITE if dialect == "postgresql" else None

    @staticmethod
    def _upsert(insert_fn: Callable[[Any], Any], table: type[m.Base], col: str) -> Any:
        stmt = insert_fn(table).values(
            {
                "respondent_id": bindparam("rid"),
                "item": bindparam("item"),
                col: bindparam("v"),
                "updated": bindparam("now"),
            }
        )
        return stmt.on_conflict_do_update(
            index_elements=["respondent_id", "item"], set_={col: stmt.excluded[col], "updated": stmt.excluded.updated}
        )
