"""time zones, event rosters and attendance

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-01 20:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('community') as batch:
        batch.add_column(sa.Column('time_zone', sa.String(length=64), server_default='UTC', nullable=False))
    with op.batch_alter_table('user_account') as batch:
        batch.add_column(sa.Column('time_zone', sa.String(length=64), nullable=True))
    with op.batch_alter_table('event_signup') as batch:
        batch.add_column(sa.Column('cancelled', sa.DateTime(), nullable=True))
        batch.add_column(sa.Column('attended', sa.Boolean(), nullable=True))


def downgrade():
    with op.batch_alter_table('event_signup') as batch:
        batch.drop_column('attended')
        batch.drop_column('cancelled')
    with op.batch_alter_table('user_account') as batch:
        batch.drop_column('time_zone')
    with op.batch_alter_table('community') as batch:
        batch.drop_column('time_zone')
