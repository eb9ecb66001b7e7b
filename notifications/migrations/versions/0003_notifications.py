"""notifications

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 09:27:38.049676
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import registry.db

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('rate_counter',
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('expires_at', registry.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    with op.batch_alter_table('rate_counter', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rate_counter_expires_at'), ['expires_at'], unique=False)

    op.create_table('subscription',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('created_at', registry.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('confirmed_at', registry.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('unsubscribed_at', registry.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('consent_source', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('suppressed_at', registry.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('suppressed_reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('email')
    )
    with op.batch_alter_table('subscription', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_subscription_status'), ['status'], unique=False)

    op.create_table('notification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('version_number', sa.Integer(), nullable=True),
    sa.Column('subscription_id', sa.Integer(), nullable=False),
    sa.Column('to_address', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('created_at', registry.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('next_attempt_at', registry.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('lease_owner', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('lease_until', registry.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('sent_at', registry.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('message_id', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.Column('server_reply', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
    sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
    sa.ForeignKeyConstraint(['subscription_id'], ['subscription.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('version_number', 'subscription_id', 'kind', name='uq_notification_once')
    )
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.create_index('ix_notification_due', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_notification_subscription_id'), ['subscription_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notification_version_number'), ['version_number'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notification_version_number'))
        batch_op.drop_index(batch_op.f('ix_notification_subscription_id'))
        batch_op.drop_index('ix_notification_due')

    op.drop_table('notification')
    with op.batch_alter_table('subscription', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_subscription_status'))

    op.drop_table('subscription')
    with op.batch_alter_table('rate_counter', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rate_counter_expires_at'))

    op.drop_table('rate_counter')
