"""four-eyes publishing: publish requests with their notice preview and approvals

Revision ID: 0010_y
Revises: 0009_h
Create Date: 2026-11-27 22:10:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import registry.db

revision = '0010_y'
down_revision = '0009_h'
branch_labels = None
depends_on = None

OPEN = sa.text("status = 'OPEN'")


def upgrade() -> None:
    op.create_table(
        'publish_request',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column('requested_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('requested_at', registry.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column('notice_days', sa.Integer(), nullable=True),
        sa.Column('effective_at', registry.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('draft_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('preview', sa.JSON(), nullable=False),
        sa.Column('approvals', sa.JSON(), nullable=False),
        sa.Column('closed_at', registry.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('closed_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column('close_reason', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column('version_number', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['version_number'], ['registry_version.number']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_publish_request_one_open', 'publish_request', ['status'], unique=True,
                    sqlite_where=OPEN, postgresql_where=OPEN)


def downgrade() -> None:
    op.drop_index('ix_publish_request_one_open', table_name='publish_request')
    op.drop_table('publish_request')
