"""SQLAlchemy 2 models of the survey database.

The initial Alembic revision (`migrations/versions/0001_initial.py`) creates exactly this
schema; `tests/test_store_migrations.py` checks that autogenerate finds no difference.

Privacy by layout: invitations keep only sha256(token); respondents carry a random
pseudonymous id and no name; optional contact details live in `contacts`, apart from
the answers; the audit log holds events, never answers.
"""

from __future__ import annotations

import datetime as _dt

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Timestamp = DateTime(timezone=True)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Admin(Base):
    __tablename__ = "admins"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(200), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    created: Mapped[_dt.datetime] = mapped_column(Timestamp)


class InstrumentVersion(Base):
    """One version of a questionnaire, kept in its lossless text form."""

    __tablename__ = "instruments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    form_id: Mapped[str] = mapped_column(String(200))
    version: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(Text)
    checksum: Mapped[str] = mapped_column(String(64), unique=True)
    text: Mapped[str] = mapped_column(Text)
    created: Mapped[_dt.datetime] = mapped_column(Timestamp)


class Campaign(Base):
    __tablename__ = "campaigns"
    __table_args__ = (CheckConstraint("status IN ('open', 'closed')", name="status"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    instrument_id: Mapped[int] = mapped_column(ForeignKey("instruments.id"), index=True)
    status: Mapped[str] = mapped_column(String(10))
    languages: Mapped[str] = mapped_column(String(200))  # space-separated codes
    created: Mapped[_dt.datetime] = mapped_column(Timestamp)
    closed_at: Mapped[_dt.datetime | None] = mapped_column(Timestamp, nullable=True)
    # who is responsible for the survey's data (GDPR controller) and whom respondents write to;
    # the default privacy notice names them (migration 0004)
    privacy_controller: Mapped[str | None] = mapped_column(String(200), nullable=True)
    privacy_contact: Mapped[str | None] = mapped_column(String(200), nullable=True)


class Region(Base):
    __tablename__ = "regions"
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), primary_key=True)
    region: Mapped[str] = mapped_column(String(10), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    # the report language (en, de, fr, it, sl); NULL (regions from before 0005): the territory's default
    language: Mapped[str | None] = mapped_column(String(10), nullable=True)


class PeerGroup(Base):
    __tablename__ = "peer_groups"
    __table_args__ = (
        ForeignKeyConstraint(
            ["campaign_id", "region"], ["regions.campaign_id", "regions.region"], name="fk_peer_groups_region_regions"
        ),
    )
    campaign_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_name: Mapped[str] = mapped_column(String(200), primary_key=True)
    region: Mapped[str] = mapped_column(String(10), primary_key=True)


class Invitation(Base):
    """A personal invitation (kind 'invitation') or an open per-region link (kind 'open')."""

    __tablename__ = "invitations"
    __table_args__ = (CheckConstraint("kind IN ('invitation', 'open')", name="kind"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 hex; the token itself is never stored
    region: Mapped[str] = mapped_column(String(10))
    stakeholder_group: Mapped[str | None] = mapped_column(String(50), nullable=True)
    language: Mapped[str] = mapped_column(String(20))
    created: Mapped[_dt.datetime] = mapped_column(Timestamp)
    expires_at: Mapped[_dt.datetime | None] = mapped_column(Timestamp, nullable=True)
    revoked_at: Mapped[_dt.datetime | None] = mapped_column(Timestamp, nullable=True)


class Respondent(Base):
    __tablename__ = "respondents"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # random, pseudonymous
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    # a personal invitation has at most one respondent (unique); open links have many
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("invitations.id"), nullable=True, index=True)
    personal_invitation_id: Mapped[int | None] = mapped_column(ForeignKey("invitations.id"), nullable=True, unique=True)
    region: Mapped[str] = mapped_column(String(10))
    stakeholder_group: Mapped[str] = mapped_column(String(50))
    language: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(200))  # 'web' or 'import:<source>'
    created: Mapped[_dt.datetime] = mapped_column(Timestamp)
    updated: Mapped[_dt.datetime] = mapped_column(Timestamp)
    last_page: Mapped[str | None] = mapped_column(String(200), nullable=True)
    submitted_at: Mapped[_dt.datetime | None] = mapped_column(Timestamp, nullable=True)
    # consent to the privacy notice (migration 0004): when, and the sha256 of the exact text agreed
    # to (its text is in `notice_texts`); NULL = not asked yet (respondents from before the consent
    # step, imports): the web pages ask once before anything more is stored
    consented_at: Mapped[_dt.datetime | None] = mapped_column(Timestamp, nullable=True)
    consent_notice: Mapped[str | None] = mapped_column(String(64), nullable=True)


class Answer(Base):
    """A closed answer (choice, number, date...)."""

    __tablename__ = "answers"
    respondent_id: Mapped[str] = mapped_column(ForeignKey("respondents.id", ondelete="CASCADE"), primary_key=True)
    item: Mapped[str] = mapped_column(String(200), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated: Mapped[_dt.datetime] = mapped_column(Timestamp)


class Comment(Base):
    """An open answer (free-text item)."""

    __tablename__ = "comments"
    respondent_id: Mapped[str] = mapped_column(ForeignKey("respondents.id", ondelete="CASCADE"), primary_key=True)
    item: Mapped[str] = mapped_column(String(200), primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    updated: Mapped[_dt.datetime] = mapped_column(Timestamp)


class Contact(Base):
    """Optional contact details, apart from the answers and left out of exports unless asked."""

    __tablename__ = "contacts"
    respondent_id: Mapped[str] = mapped_column(ForeignKey("respondents.id", ondelete="CASCADE"), primary_key=True)
    contact: Mapped[str] = mapped_column(Text)
    updated: Mapped[_dt.datetime] = mapped_column(Timestamp)


class PrivacyNotice(Base):
    """A campaign's own privacy notice in one language; without a row the built-in notice is shown."""

    __tablename__ = "privacy_notices"
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), primary_key=True)
    language: Mapped[str] = mapped_column(String(20), primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    updated: Mapped[_dt.datetime] = mapped_column(Timestamp)


class NoticeText(Base):
    """Every notice text a respondent agreed to, verbatim, by its sha256: the proof of what a
    consent covered, kept when the campaign's notice is edited later (no personal data)."""

    __tablename__ = "notice_texts"
    checksum: Mapped[str] = mapped_column(String(64), primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    created: Mapped[_dt.datetime] = mapped_column(Timestamp)


class AuditEntry(Base):
    """Append-only: database triggers refuse UPDATE and DELETE (see the initial migration).

    `respondent_id` has no foreign key on purpose: the respondent may be deleted, the entry stays.
    """

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_campaign_id_id", "campaign_id", "id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    at: Mapped[_dt.datetime] = mapped_column(Timestamp)
    event: Mapped[str] = mapped_column(String(20))
    respondent_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    detail: Mapped[str] = mapped_column(Text)  # JSON: counts and sources, never answers


class AdminLogEntry(Base):
    """Admin actions outside any campaign (login, failed login, admin creation); append-only
    (database triggers, migration 0002). `admin` is the name given, also for a failed login."""

    __tablename__ = "admin_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[_dt.datetime] = mapped_column(Timestamp)
    event: Mapped[str] = mapped_column(String(30))
    admin: Mapped[str] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(100), nullable=True)
    detail: Mapped[str] = mapped_column(Text)


class RateCounter(Base):
    """Hits per key in one time bucket (fixed window), shared by every server process."""

    __tablename__ = "rate_counters"
    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    bucket: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    hits: Mapped[int] = mapped_column(Integer)


class AppSecret(Base):
    """A secret every server process must share (the key that signs cookies and CSRF tokens)."""

    __tablename__ = "app_secrets"
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    created: Mapped[_dt.datetime] = mapped_column(Timestamp)


__all__ = [
    "Admin",
    "AdminLogEntry",
    "Answer",
    "AppSecret",
    "AuditEntry",
    "Base",
    "Campaign",
    "Comment",
    "Contact",
    "InstrumentVersion",
    "Invitation",
    "NoticeText",
    "PeerGroup",
    "PrivacyNotice",
    "RateCounter",
    "Region",
    "Respondent",
]
