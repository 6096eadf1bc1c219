"""notification mail: each member's frequency, what has been mailed, refused addresses

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-01 14:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mail_frequency', sa.String(length=8), server_default='daily', nullable=False))
        batch_op.add_column(sa.Column('mailed_until', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('mailed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('mail_refused', sa.String(length=300), nullable=True))
        batch_op.create_index('ix_user_account_mail_frequency', ['mail_frequency', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_index('ix_user_account_mail_frequency')
        batch_op.drop_column('mail_refused')
        batch_op.drop_column('mailed_at')
        batch_op.drop_column('mailed_until')
        batch_op.drop_column('mail_frequency')
