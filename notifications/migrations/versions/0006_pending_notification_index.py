"""claims read a partial index of pending notifications, so they stay flat as sent ones pile up

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 12:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

PENDING = "status IN ('QUEUED', 'RETRYING')"


def upgrade() -> None:
    op.drop_index('ix_notification_due', table_name='notification')
    op.create_index('ix_notification_pending', 'notification', ['id'], unique=False,
                    postgresql_where=sa.text(PENDING), sqlite_where=sa.text(PENDING))


def downgrade() -> None:
    op.drop_index('ix_notification_pending', table_name='notification')
    op.create_index('ix_notification_due', 'notification', ['status', 'next_attempt_at'], unique=False)
