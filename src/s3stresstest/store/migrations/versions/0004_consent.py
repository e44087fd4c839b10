"""Consent to a privacy notice: each campaign's own notice per language, its controller and
contact, the notice texts respondents agreed to, and when each respondent agreed.

Respondents stored before this revision get consented_at NULL: the survey pages ask them once,
before anything more is stored (see docs/privacy.md).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0004'
down_revision: Union[str, Sequence[str], None] = '0003'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('notice_texts',
    sa.Column('checksum', sa.String(length=64), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('checksum', name=op.f('pk_notice_texts'))
    )
    op.create_table('privacy_notices',
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=20), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('updated', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_privacy_notices_campaign_id_campaigns')),
    sa.PrimaryKeyConstraint('campaign_id', 'language', name=op.f('pk_privacy_notices'))
    )
    # plain ALTER TABLE ADD/DROP COLUMN (SQLite 3.35+), never a batch copy: copying `respondents`
    # would drop the old table, and with foreign keys on that cascades to every answer
    op.add_column('campaigns', sa.Column('privacy_controller', sa.String(length=200), nullable=True))
    op.add_column('campaigns', sa.Column('privacy_contact', sa.String(length=200), nullable=True))
    op.add_column('respondents', sa.Column('consented_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('respondents', sa.Column('consent_notice', sa.String(length=64), nullable=True))


def downgrade() -> None:
    op.drop_column('respondents', 'consent_notice')
    op.drop_column('respondents', 'consented_at')
    op.drop_column('campaigns', 'privacy_contact')
    op.drop_column('campaigns', 'privacy_controller')
    op.drop_table('privacy_notices')
    op.drop_table('notice_texts')
