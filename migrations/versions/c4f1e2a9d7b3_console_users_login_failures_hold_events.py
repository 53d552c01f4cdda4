"""console users, login failures, hold events

Revision ID: c4f1e2a9d7b3
Revises: 3c5f0a7d2b91
Create Date: 2026-12-03 08:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4f1e2a9d7b3'
down_revision = '3c5f0a7d2b91'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('console_user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=80), nullable=False),
    sa.Column('password_hash', sa.String(length=256), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('username')
    )
    op.create_table('console_login_failure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=80), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('console_login_failure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_console_login_failure_address'), ['address'], unique=False)
        batch_op.create_index(batch_op.f('ix_console_login_failure_username'), ['username'], unique=False)

    op.create_table('hold_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('turn_index', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['call_session.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('hold_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hold_event_session_id'), ['session_id'], unique=False)


def downgrade():
    with op.batch_alter_table('hold_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hold_event_session_id'))
    op.drop_table('hold_event')
    with op.batch_alter_table('console_login_failure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_console_login_failure_username'))
        batch_op.drop_index(batch_op.f('ix_console_login_failure_address'))
    op.drop_table('console_login_failure')
    op.drop_table('console_user')
