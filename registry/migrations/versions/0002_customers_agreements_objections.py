"""customers agreements objections

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 09:20:18.561804
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import registry.db

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('customer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('cvr', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True),
    sa.Column('created_at', registry.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('cvr')
    )
    op.create_table('agreement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('template_version', sa.Integer(), nullable=False),
    sa.Column('accepted_at', registry.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('services', sa.JSON(), nullable=False),
    sa.Column('notice_days', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('terminated_at', registry.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('termination_choice', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('deletion_documented_at', registry.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('deletion_documentation', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=True),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], ),
    sa.ForeignKeyConstraint(['template_version'], ['agreement_template.version'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('agreement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agreement_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agreement_status'), ['status'], unique=False)

    op.create_table('customer_notice',
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('version_number', sa.Integer(), nullable=False),
    sa.Column('sent_at', registry.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('message_id', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('recipient', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], ),
    sa.ForeignKeyConstraint(['version_number'], ['registry_version.number'], ),
    sa.PrimaryKeyConstraint('customer_id', 'version_number')
    )
    op.create_table('notice_contact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('customer_id', 'email')
    )
    with op.batch_alter_table('notice_contact', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notice_contact_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notice_contact_email'), ['email'], unique=False)

    op.create_table('objection',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('version_number', sa.Integer(), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('resolution_note', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=True),
    sa.Column('filed_at', registry.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('filed_by', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('acknowledged_at', registry.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('resolved_at', registry.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('resolved_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('withdrawn_at', registry.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], ),
    sa.ForeignKeyConstraint(['version_number'], ['registry_version.number'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('customer_id', 'version_number')
    )
    with op.batch_alter_table('objection', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_objection_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_objection_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_objection_version_number'), ['version_number'], unique=False)

    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.add_column(sa.Column('customer_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_api_token_customer_id', 'customer', ['customer_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_constraint('fk_api_token_customer_id', type_='foreignkey')
        batch_op.drop_column('customer_id')

    with op.batch_alter_table('objection', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_objection_version_number'))
        batch_op.drop_index(batch_op.f('ix_objection_status'))
        batch_op.drop_index(batch_op.f('ix_objection_customer_id'))

    op.drop_table('objection')
    with op.batch_alter_table('notice_contact', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notice_contact_email'))
        batch_op.drop_index(batch_op.f('ix_notice_contact_customer_id'))

    op.drop_table('notice_contact')
    op.drop_table('customer_notice')
    with op.batch_alter_table('agreement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agreement_status'))
        batch_op.drop_index(batch_op.f('ix_agreement_customer_id'))

    op.drop_table('agreement')
    op.drop_table('customer')
