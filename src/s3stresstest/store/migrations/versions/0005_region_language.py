"""Each territory's report language, chosen in the admin pages (default: the territory's own).

Regions stored before this revision get NULL, read as the territory's default language
(`regions.languages.territory_language`).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0005'
down_revision: Union[str, Sequence[str], None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # plain ADD COLUMN (no batch copy of the table, see 0004)
    op.add_column('regions', sa.Column('language', sa.String(length=10), nullable=True))


def downgrade() -> None:
    op.drop_column('regions', 'language')
