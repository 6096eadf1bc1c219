"""a member's colour theme: light, dark or the system's; NULL until they pick one

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-01 21:15:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None


def upgrade():
    # A plain ALTER TABLE on SQLite too: a nullable column needs no copy of the table.
    op.add_column('user_account', sa.Column('theme', sa.String(length=8), nullable=True))


def downgrade():
    with op.batch_alter_table('user_account') as batch_op:
        batch_op.drop_column('theme')
