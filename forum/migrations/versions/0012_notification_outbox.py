"""notification outbox

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'notification_outbox',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('challenge_id', sa.Integer(), nullable=True),
        sa.Column('solution_id', sa.Integer(), nullable=True),
        sa.Column('comment_id', sa.Integer(), nullable=True),
        sa.Column('detail', sa.String(length=40), nullable=True),
        sa.Column('recipients', sa.Text(), nullable=False),
        sa.Column('delivered', sa.Integer(), nullable=False),
        sa.Column('done', sa.Boolean(), nullable=False),
        sa.Column('created', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_notification_outbox_actor_id_user_account'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['challenge_id'], ['challenge.id'], name=op.f('fk_notification_outbox_challenge_id_challenge'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['comment_id'], ['comment.id'], name=op.f('fk_notification_outbox_comment_id_comment'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['solution_id'], ['solution.id'], name=op.f('fk_notification_outbox_solution_id_solution'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_outbox')),
    )
    with op.batch_alter_table('notification_outbox', schema=None) as batch_op:
        batch_op.create_index('ix_notification_outbox_done', ['done', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('notification_outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_notification_outbox_done')
    op.drop_table('notification_outbox')
