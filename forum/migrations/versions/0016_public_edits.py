"""public edits: solution.edited, the votes and note of each revision

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 14:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('solution', schema=None) as batch_op:
        batch_op.add_column(sa.Column('edited', sa.DateTime(), nullable=True))
    with op.batch_alter_table('solution_revision', schema=None) as batch_op:
        batch_op.add_column(sa.Column('votes', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('note', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('solution_revision', schema=None) as batch_op:
        batch_op.drop_column('note')
        batch_op.drop_column('votes')
    with op.batch_alter_table('solution', schema=None) as batch_op:
        batch_op.drop_column('edited')
