"""notification outbox: an audience the consumer resolves

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-01 14:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('notification_outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('audience', sa.String(length=60), nullable=True))


def downgrade():
    with op.batch_alter_table('notification_outbox', schema=None) as batch_op:
        batch_op.drop_column('audience')
