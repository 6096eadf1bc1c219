"""counts on rows leave out what fans cannot see: hidden comments and hidden solutions are no
longer counted in a solution's comments or a challenge's solutions, recounted for what exists

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-02 07:25:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0032'
down_revision = '0031'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
