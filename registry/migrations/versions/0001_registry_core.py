"""registry core

Revision ID: 0001
Revises: 
Create Date: 2026-11-25 09:06:31.397740
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import registry.db

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('agreement_template',
    sa.Column('version', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('published_at', registry.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('title_da', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('title_en', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('sections', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('version')
    )
    op.create_table('api_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', registry.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', registry.db.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    op.create_table('audit_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', registry.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('target', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_entry_at'), ['at'], unique=False)

    op.create_table('draft_entry',
    sa.Column('slug', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('updated_at', registry.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.PrimaryKeyConstraint('slug')
    )
    op.create_table('registry_state',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('registry_version',
    sa.Column('number', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('published_at', registry.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('effective_at', registry.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('published_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('entries', sa.JSON(), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('material', sa.Boolean(), nullable=False),
    sa.Column('content_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('previous_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('withdrawn_at', registry.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('withdrawn_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('withdrawn_reason', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
    sa.PrimaryKeyConstraint('number'),
    sa.UniqueConstraint('content_hash')
    )
    with op.batch_alter_table('registry_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_registry_version_effective_at'), ['effective_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('registry_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_registry_version_effective_at'))

    op.drop_table('registry_version')
    op.drop_table('registry_state')
    op.drop_table('draft_entry')
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_entry_at'))

    op.drop_table('audit_entry')
    op.drop_table('api_token')
    op.drop_table('agreement_template')
