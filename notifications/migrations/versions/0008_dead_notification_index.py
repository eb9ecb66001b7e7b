"""the metrics count dead-lettered notifications through a partial index, not the whole outbox

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25 13:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

DEAD = "status = 'DEAD'"


def upgrade() -> None:
    op.create_index('ix_notification_dead', 'notification', ['id'], unique=False,
                    postgresql_where=sa.text(DEAD), sqlite_where=sa.text(DEAD))


def downgrade() -> None:
    op.drop_index('ix_notification_dead', table_name='notification')
