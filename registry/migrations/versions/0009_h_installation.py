"""each installation gets a random key at migrate time, so its Message-IDs are its own

Revision ID: 0009_h
Revises: 0008
Create Date: 2026-11-27 15:30:00
"""

import secrets

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0009_h'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    installation = op.create_table(
        'installation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.bulk_insert(installation, [{'id': 1, 'key': secrets.token_hex(8)}])


def downgrade() -> None:
    op.drop_table('installation')
