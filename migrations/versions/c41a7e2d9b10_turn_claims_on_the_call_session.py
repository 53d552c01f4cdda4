"""turn claims on the call session

Revision ID: c41a7e2d9b10
Revises: e9cbaaf6f692
Create Date: 2026-12-03 08:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c41a7e2d9b10'
down_revision = 'e9cbaaf6f692'
branch_labels = None
depends_on = None


def upgrade():
    # Nullable columns: existing calls keep their rows and simply have no claim.
    with op.batch_alter_table('call_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_turn', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('claimed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('claimed_key', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('call_session', schema=None) as batch_op:
        batch_op.drop_column('claimed_key')
        batch_op.drop_column('claimed_at')
        batch_op.drop_column('claimed_turn')
