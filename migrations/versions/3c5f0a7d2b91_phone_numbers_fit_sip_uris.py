"""phone numbers fit SIP URIs and E.164

Revision ID: 3c5f0a7d2b91
Revises: c41a7e2d9b10
Create Date: 2026-12-03 08:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3c5f0a7d2b91'
down_revision = 'c41a7e2d9b10'
branch_labels = None
depends_on = None


def upgrade():
    # A SIP caller's From (sip:+15551234567@trunk.example.com) did not fit in 32.
    with op.batch_alter_table('caller', schema=None) as batch_op:
        batch_op.alter_column('phone_number', existing_type=sa.String(length=32),
                              type_=sa.String(length=255), existing_nullable=False)


def downgrade():
    # Numbers longer than the old column cannot be kept in it: those rows go.
    op.execute(sa.text("DELETE FROM caller WHERE length(phone_number) > 32"))
    with op.batch_alter_table('caller', schema=None) as batch_op:
        batch_op.alter_column('phone_number', existing_type=sa.String(length=255),
                              type_=sa.String(length=32), existing_nullable=False)
