"""urgent notices are claimed first; queueing a fan-out writes each row into fewer indexes and no FK check

Revision ID: 0010_o
Revises: 0009_h
Create Date: 2026-11-27 22:15:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0010_o'
down_revision = '0010_s'
branch_labels = None
depends_on = None

PENDING = "status IN ('QUEUED', 'RETRYING')"
PLAIN = "customer_id IS NULL"
WITH_CUSTOMER = "customer_id IS NOT NULL"
# SQLite names no foreign key; batch mode finds the unnamed one through this convention.
SQLITE_NAMES = {"fk": "fk_%(table_name)s_%(column_0_name)s"}


def _subscription_foreign_key(create: bool) -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    name = 'fk_notification_subscription_id' if sqlite else 'notification_subscription_id_fkey'
    with op.batch_alter_table('notification', naming_convention=SQLITE_NAMES if sqlite else None) as batch_op:
        if create:
            batch_op.create_foreign_key(name, 'subscription', ['subscription_id'], ['id'])
        else:
            batch_op.drop_constraint(name, type_='foreignkey')


def upgrade() -> None:
    # Indexes first: SQLite's batch mode copies the table, and with it only the indexes it can reflect.
    op.drop_index('ix_notification_pending', table_name='notification')
    op.drop_index('ix_notification_version_number', table_name='notification')
    op.drop_index('ix_notification_customer_id', table_name='notification')
    op.drop_index('uq_notification_once_plain', table_name='notification')
    op.drop_index('uq_notification_once', table_name='notification')
    _subscription_foreign_key(create=False)
    op.add_column('notification', sa.Column('priority', sa.Integer(), server_default='1', nullable=False))
    op.create_index('uq_notification_once', 'notification',
                    ['version_number', 'subscription_id', 'kind', sa.text('coalesce(customer_id, 0)')], unique=True)
    op.create_index('ix_notification_pending', 'notification', ['priority', 'id'], unique=False,
                    postgresql_where=sa.text(PENDING), sqlite_where=sa.text(PENDING))
    op.create_index('ix_notification_customer_id', 'notification', ['customer_id'], unique=False,
                    postgresql_where=sa.text(WITH_CUSTOMER), sqlite_where=sa.text(WITH_CUSTOMER))


def downgrade() -> None:
    op.drop_index('ix_notification_customer_id', table_name='notification')
    op.drop_index('ix_notification_pending', table_name='notification')
    op.drop_index('uq_notification_once', table_name='notification')
    with op.batch_alter_table('notification') as batch_op:
        batch_op.drop_column('priority')
    _subscription_foreign_key(create=True)
    op.create_index('uq_notification_once', 'notification', ['version_number', 'subscription_id', 'kind', 'customer_id'],
                    unique=True)
    op.create_index('uq_notification_once_plain', 'notification', ['version_number', 'subscription_id', 'kind'],
                    unique=True, postgresql_where=sa.text(PLAIN), sqlite_where=sa.text(PLAIN))
    op.create_index('ix_notification_customer_id', 'notification', ['customer_id'], unique=False)
    op.create_index('ix_notification_version_number', 'notification', ['version_number'], unique=False)
    op.create_index('ix_notification_pending', 'notification', ['id'], unique=False,
                    postgresql_where=sa.text(PENDING), sqlite_where=sa.text(PENDING))
