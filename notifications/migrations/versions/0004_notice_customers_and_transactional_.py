"""notice customers and transactional emails

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 10:19:31.185480
"""

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.add_column(sa.Column('customer_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('payload', sa.JSON(), nullable=True))
        batch_op.alter_column('subscription_id',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.create_index(batch_op.f('ix_notification_customer_id'), ['customer_id'], unique=False)
        batch_op.create_foreign_key('fk_notification_customer_id', 'customer', ['customer_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_constraint('fk_notification_customer_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_notification_customer_id'))
        batch_op.alter_column('subscription_id',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.drop_column('payload')
        batch_op.drop_column('customer_id')

