"""notice acknowledgements and reminders

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 10:40:11.616587
"""

import sqlalchemy as sa
from alembic import op

import registry.db

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('customer_notice', schema=None) as batch_op:
        batch_op.add_column(sa.Column('acknowledged_at', registry.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('reminded_at', registry.db.UTCDateTime(timezone=True), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('customer_notice', schema=None) as batch_op:
        batch_op.drop_column('reminded_at')
        batch_op.drop_column('acknowledged_at')

