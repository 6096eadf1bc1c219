"""accounts signed in through OpenID Connect providers, keyed on (provider, key claim)

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-02 06:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0031'
down_revision = '0030'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
