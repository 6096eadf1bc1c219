"""mail outbox and sign-ups by mail

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01 14:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'mail_outbox',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('to_address', sa.String(length=254), nullable=False),
        sa.Column('subject', sa.String(length=300), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('html', sa.Text(), nullable=False),
        sa.Column('headers', sa.JSON(), nullable=True),
        sa.Column('created', sa.DateTime(), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt', sa.DateTime(), nullable=False),
        sa.Column('claimed_until', sa.DateTime(), nullable=True),
        sa.Column('sent', sa.DateTime(), nullable=True),
        sa.Column('refused', sa.String(length=300), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_outbox')),
    )
    op.create_index('ix_mail_outbox_due', 'mail_outbox', ['sent', 'next_attempt'], unique=False)
    op.create_table(
        'pending_sign_up',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('username', sa.String(length=30), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('password_hash', sa.String(length=255), nullable=False),
        sa.Column('locale', sa.String(length=16), nullable=True),
        sa.Column('created', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_pending_sign_up')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_pending_sign_up_token_hash')),
    )
    with op.batch_alter_table('pending_sign_up', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pending_sign_up_created'), ['created'], unique=False)
        batch_op.create_index(batch_op.f('ix_pending_sign_up_email'), ['email'], unique=False)


def downgrade():
    with op.batch_alter_table('pending_sign_up', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pending_sign_up_email'))
        batch_op.drop_index(batch_op.f('ix_pending_sign_up_created'))
    op.drop_table('pending_sign_up')
    op.drop_index('ix_mail_outbox_due', table_name='mail_outbox')
    op.drop_table('mail_outbox')
