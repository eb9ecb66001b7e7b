"""a contact shared by two customers is told once on behalf of each

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 13:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

PLAIN = "customer_id IS NULL"


def upgrade() -> None:
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_constraint('uq_notification_once', type_='unique')
    op.create_index('uq_notification_once', 'notification', ['version_number', 'subscription_id', 'kind', 'customer_id'],
                    unique=True)
    op.create_index('uq_notification_once_plain', 'notification', ['version_number', 'subscription_id', 'kind'],
                    unique=True, postgresql_where=sa.text(PLAIN), sqlite_where=sa.text(PLAIN))


def downgrade() -> None:
    # Fails while a shared contact holds two notices of one version: those rows must go first.
    op.drop_index('uq_notification_once_plain', table_name='notification')
    op.drop_index('uq_notification_once', table_name='notification')
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_notification_once', ['version_number', 'subscription_id', 'kind'])
