"""Initial schema: every table of the survey database, and the append-only audit log triggers.

Revision ID: 0001
Revises:
Create Date: 2026-11-25

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0001'
down_revision: Union[str, Sequence[str], None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('admins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=200), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('created', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_admins')),
    sa.UniqueConstraint('username', name=op.f('uq_admins_username'))
    )
    op.create_table('instruments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('form_id', sa.String(length=200), nullable=False),
    sa.Column('version', sa.String(length=100), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('checksum', sa.String(length=64), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_instruments')),
    sa.UniqueConstraint('checksum', name=op.f('uq_instruments_checksum'))
    )
    op.create_table('campaigns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('instrument_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('languages', sa.String(length=200), nullable=False),
    sa.Column('created', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('open', 'closed')", name=op.f('ck_campaigns_status')),
    sa.ForeignKeyConstraint(['instrument_id'], ['instruments.id'], name=op.f('fk_campaigns_instrument_id_instruments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaigns'))
    )
    op.create_index(op.f('ix_campaigns_instrument_id'), 'campaigns', ['instrument_id'], unique=False)
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('event', sa.String(length=20), nullable=False),
    sa.Column('respondent_id', sa.String(length=40), nullable=True),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_audit_log_campaign_id_campaigns')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    op.create_index('ix_audit_log_campaign_id_id', 'audit_log', ['campaign_id', 'id'], unique=False)
    op.create_table('invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('region', sa.String(length=10), nullable=False),
    sa.Column('stakeholder_group', sa.String(length=50), nullable=True),
    sa.Column('language', sa.String(length=20), nullable=False),
    sa.Column('created', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("kind IN ('invitation', 'open')", name=op.f('ck_invitations_kind')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_invitations_campaign_id_campaigns')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitations')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_invitations_token_hash'))
    )
    op.create_index(op.f('ix_invitations_campaign_id'), 'invitations', ['campaign_id'], unique=False)
    op.create_table('regions',
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('region', sa.String(length=10), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_regions_campaign_id_campaigns')),
    sa.PrimaryKeyConstraint('campaign_id', 'region', name=op.f('pk_regions'))
    )
    op.create_table('peer_groups',
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('group_name', sa.String(length=200), nullable=False),
    sa.Column('region', sa.String(length=10), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id', 'region'], ['regions.campaign_id', 'regions.region'], name='fk_peer_groups_region_regions'),
    sa.PrimaryKeyConstraint('campaign_id', 'group_name', 'region', name=op.f('pk_peer_groups'))
    )
    op.create_table('respondents',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('invitation_id', sa.Integer(), nullable=True),
    sa.Column('personal_invitation_id', sa.Integer(), nullable=True),
    sa.Column('region', sa.String(length=10), nullable=False),
    sa.Column('stakeholder_group', sa.String(length=50), nullable=False),
    sa.Column('language', sa.String(length=20), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('created', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_page', sa.String(length=200), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_respondents_campaign_id_campaigns')),
    sa.ForeignKeyConstraint(['invitation_id'], ['invitations.id'], name=op.f('fk_respondents_invitation_id_invitations')),
    sa.ForeignKeyConstraint(['personal_invitation_id'], ['invitations.id'], name=op.f('fk_respondents_personal_invitation_id_invitations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_respondents')),
    sa.UniqueConstraint('personal_invitation_id', name=op.f('uq_respondents_personal_invitation_id'))
    )
    op.create_index(op.f('ix_respondents_campaign_id'), 'respondents', ['campaign_id'], unique=False)
    op.create_index(op.f('ix_respondents_invitation_id'), 'respondents', ['invitation_id'], unique=False)
    op.create_table('answers',
    sa.Column('respondent_id', sa.String(length=40), nullable=False),
    sa.Column('item', sa.String(length=200), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('updated', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['respondent_id'], ['respondents.id'], name=op.f('fk_answers_respondent_id_respondents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('respondent_id', 'item', name=op.f('pk_answers'))
    )
    op.create_table('comments',
    sa.Column('respondent_id', sa.String(length=40), nullable=False),
    sa.Column('item', sa.String(length=200), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('updated', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['respondent_id'], ['respondents.id'], name=op.f('fk_comments_respondent_id_respondents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('respondent_id', 'item', name=op.f('pk_comments'))
    )
    op.create_table('contacts',
    sa.Column('respondent_id', sa.String(length=40), nullable=False),
    sa.Column('contact', sa.Text(), nullable=False),
    sa.Column('updated', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['respondent_id'], ['respondents.id'], name=op.f('fk_contacts_respondent_id_respondents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('respondent_id', name=op.f('pk_contacts'))
    )
    _append_only_audit_log()


def downgrade() -> None:
    """Downgrade schema."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
    op.drop_table('contacts')
    op.drop_table('comments')
    op.drop_table('answers')
    op.drop_index(op.f('ix_respondents_invitation_id'), table_name='respondents')
    op.drop_index(op.f('ix_respondents_campaign_id'), table_name='respondents')
    op.drop_table('respondents')
    op.drop_table('peer_groups')
    op.drop_table('regions')
    op.drop_index(op.f('ix_invitations_campaign_id'), table_name='invitations')
    op.drop_table('invitations')
    op.drop_index('ix_audit_log_campaign_id_id', table_name='audit_log')
    op.drop_table('audit_log')
    op.drop_index(op.f('ix_campaigns_instrument_id'), table_name='campaigns')
    op.drop_table('campaigns')
    op.drop_table('instruments')
    op.drop_table('admins')


def _append_only_audit_log() -> None:
    """The database itself refuses UPDATE and DELETE (and on PostgreSQL TRUNCATE) of audit entries."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""
            CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP
                    USING ERRCODE = 'insufficient_privilege';
            END
            $$""")
        op.execute("CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
                   "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()")
        op.execute("CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
                   "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()")
    else:
        op.execute("CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
                   "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: UPDATE refused'); END")
        op.execute("CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
                   "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: DELETE refused'); END")
