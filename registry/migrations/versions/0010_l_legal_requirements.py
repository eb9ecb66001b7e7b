"""legal requirements to process outside the agreement, and objections to them

Revision ID: 0010_l
Revises: 0009_h
Create Date: 2026-11-27 22:10:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import registry.db

revision = '0010_l'
down_revision = '0010_w'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'legal_requirement',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('legal_basis', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
        sa.Column('authority', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('processing', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
        sa.Column('starts_at', registry.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('recorded_at', registry.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('recorded_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('notified_at', registry.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('notified_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column('secrecy_reason', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=True),
        sa.Column('secrecy_recorded_at', registry.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('secrecy_recorded_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_table(
        'legal_requirement_customer',
        sa.Column('legal_requirement_id', sa.Integer(), nullable=False),
        sa.Column('customer_id', sa.Integer(), nullable=False),
        sa.Column('sent_at', registry.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('message_id', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
        sa.Column('recipient', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=True),
        sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], ),
        sa.ForeignKeyConstraint(['legal_requirement_id'], ['legal_requirement.id'], ),
        sa.PrimaryKeyConstraint('legal_requirement_id', 'customer_id'),
    )
    with op.batch_alter_table('legal_requirement_customer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_legal_requirement_customer_customer_id'), ['customer_id'], unique=False)
    # An objection concerns a version or a legal requirement: exactly one of the two.
    with op.batch_alter_table('objection', schema=None) as batch_op:
        batch_op.add_column(sa.Column('legal_requirement_id', sa.Integer(), nullable=True))
        batch_op.alter_column('version_number', existing_type=sa.Integer(), nullable=True)
        batch_op.create_index(batch_op.f('ix_objection_legal_requirement_id'), ['legal_requirement_id'], unique=False)
        batch_op.create_foreign_key('fk_objection_legal_requirement_id', 'legal_requirement',
                                    ['legal_requirement_id'], ['id'])
        batch_op.create_unique_constraint('uq_objection_customer_legal_requirement',
                                          ['customer_id', 'legal_requirement_id'])
        batch_op.create_check_constraint('ck_objection_one_subject',
                                         '(version_number IS NULL) <> (legal_requirement_id IS NULL)')


def downgrade() -> None:
    # Objections to legal requirements cannot be kept where only versions may be objected to.
    op.execute('DELETE FROM objection WHERE legal_requirement_id IS NOT NULL')
    with op.batch_alter_table('objection', schema=None) as batch_op:
        batch_op.drop_constraint('ck_objection_one_subject', type_='check')
        batch_op.drop_constraint('uq_objection_customer_legal_requirement', type_='unique')
        batch_op.drop_constraint('fk_objection_legal_requirement_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_objection_legal_requirement_id'))
        batch_op.alter_column('version_number', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('legal_requirement_id')
    with op.batch_alter_table('legal_requirement_customer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_legal_requirement_customer_customer_id'))
    op.drop_table('legal_requirement_customer')
    op.drop_table('legal_requirement')
