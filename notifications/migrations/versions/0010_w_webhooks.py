"""customers' webhook endpoints, and the outbox and log of deliveries to them

Revision ID: 0010_w
Revises: 0009_h
Create Date: 2026-11-27 21:55:33.292610
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import registry.db


revision = '0010_w'
down_revision = '0010_i'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('webhook_endpoint',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('url', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('event_types', sa.JSON(), nullable=False),
    sa.Column('body_format', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
    sa.Column('secret', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('previous_secret', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('previous_secret_until', registry.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('challenge', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('verified_at', registry.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('paused_until', registry.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', registry.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('removed_at', registry.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('webhook_endpoint', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_webhook_endpoint_customer_id'), ['customer_id'], unique=False)

    op.create_table('webhook_delivery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('endpoint_id', sa.Integer(), nullable=False),
    sa.Column('webhook_id', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('event_type', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('version_number', sa.Integer(), nullable=True),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('created_at', registry.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('next_attempt_at', registry.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('lease_owner', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('lease_until', registry.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('delivered_at', registry.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('response_code', sa.Integer(), nullable=True),
    sa.Column('latency_ms', sa.Integer(), nullable=True),
    sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
    sa.ForeignKeyConstraint(['endpoint_id'], ['webhook_endpoint.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('webhook_id')
    )
    with op.batch_alter_table('webhook_delivery', schema=None) as batch_op:
        batch_op.create_index('ix_webhook_delivery_endpoint', ['endpoint_id', 'id'], unique=False)
        batch_op.create_index('ix_webhook_delivery_pending', ['next_attempt_at'], unique=False, postgresql_where=sa.text("status IN ('QUEUED', 'RETRYING')"), sqlite_where=sa.text("status IN ('QUEUED', 'RETRYING')"))
        batch_op.create_index(batch_op.f('ix_webhook_delivery_version_number'), ['version_number'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('webhook_delivery', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_webhook_delivery_version_number'))
        batch_op.drop_index('ix_webhook_delivery_pending', postgresql_where=sa.text("status IN ('QUEUED', 'RETRYING')"), sqlite_where=sa.text("status IN ('QUEUED', 'RETRYING')"))
        batch_op.drop_index('ix_webhook_delivery_endpoint')

    op.drop_table('webhook_delivery')
    with op.batch_alter_table('webhook_endpoint', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_webhook_endpoint_customer_id'))

    op.drop_table('webhook_endpoint')
