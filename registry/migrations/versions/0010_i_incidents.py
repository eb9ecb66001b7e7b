"""personal data breach incidents: facts, affected customers with their notice proof, phased updates

Revision ID: 0010_i
Revises: 0009_h
Create Date: 2026-11-27 22:10:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import registry.db

revision = '0010_i'
down_revision = '0010_y'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('incident',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('nature', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('subject_categories', sa.JSON(), nullable=False),
    sa.Column('subjects_approx', sa.Integer(), nullable=True),
    sa.Column('record_categories', sa.JSON(), nullable=False),
    sa.Column('records_approx', sa.Integer(), nullable=True),
    sa.Column('consequences', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('measures', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('contact_point', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('became_aware_at', registry.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('services', sa.JSON(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('created_at', registry.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('notified_at', registry.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('notified_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_incident_status'), ['status'], unique=False)

    op.create_table('incident_customer',
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('sent_at', registry.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('message_id', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.Column('server_reply', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
    sa.Column('recipient', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=True),
    sa.Column('acknowledged_at', registry.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('acknowledged_by', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=True),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], ),
    sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], ),
    sa.PrimaryKeyConstraint('incident_id', 'customer_id')
    )
    with op.batch_alter_table('incident_customer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_incident_customer_customer_id'), ['customer_id'], unique=False)

    op.create_table('incident_update',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('created_at', registry.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('author', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('incident_update', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_incident_update_incident_id'), ['incident_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('incident_update', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_incident_update_incident_id'))
    op.drop_table('incident_update')
    with op.batch_alter_table('incident_customer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_incident_customer_customer_id'))
    op.drop_table('incident_customer')
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_incident_status'))
    op.drop_table('incident')
