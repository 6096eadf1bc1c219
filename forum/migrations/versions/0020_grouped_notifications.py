"""grouped notifications: the count and the actors of an entry

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-01 15:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.add_column(sa.Column('count', sa.Integer(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('actor_ids', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_column('actor_ids')
        batch_op.drop_column('count')
