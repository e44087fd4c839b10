"""Admin log: every admin action that belongs to no campaign (login, failed login, admin creation),
append-only like the audit log.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0002'
down_revision: Union[str, Sequence[str], None] = '0001'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('admin_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('event', sa.String(length=30), nullable=False),
    sa.Column('admin', sa.String(length=200), nullable=False),
    sa.Column('address', sa.String(length=100), nullable=True),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_admin_log'))
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""
            CREATE FUNCTION admin_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'admin_log is append-only: % refused', TG_OP
                    USING ERRCODE = 'insufficient_privilege';
            END
            $$""")
        op.execute("CREATE TRIGGER admin_log_append_only BEFORE UPDATE OR DELETE ON admin_log "
                   "FOR EACH ROW EXECUTE FUNCTION admin_log_append_only()")
        op.execute("CREATE TRIGGER admin_log_no_truncate BEFORE TRUNCATE ON admin_log "
                   "FOR EACH STATEMENT EXECUTE FUNCTION admin_log_append_only()")
    else:
        op.execute("CREATE TRIGGER admin_log_no_update BEFORE UPDATE ON admin_log "
                   "BEGIN SELECT RAISE(ABORT, 'admin_log is append-only: UPDATE refused'); END")
        op.execute("CREATE TRIGGER admin_log_no_delete BEFORE DELETE ON admin_log "
                   "BEGIN SELECT RAISE(ABORT, 'admin_log is append-only: DELETE refused'); END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS admin_log_append_only ON admin_log")
        op.execute("DROP TRIGGER IF EXISTS admin_log_no_truncate ON admin_log")
        op.execute("DROP FUNCTION IF EXISTS admin_log_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS admin_log_no_update")
        op.execute("DROP TRIGGER IF EXISTS admin_log_no_delete")
    op.drop_table('admin_log')
