"""releases: a community's release notes and the ideas they ship

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-01 15:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'release',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('community_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('version', sa.String(length=60), nullable=False),
        sa.Column('released_on', sa.Date(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('body_html', sa.Text(), nullable=False),
        sa.Column('created', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], name=op.f('fk_release_author_id_user_account'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_release_community_id_community'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_release')),
    )
    op.create_index('ix_release_community_id', 'release', ['community_id', 'id'], unique=False)
    op.create_table(
        'release_item',
        sa.Column('release_id', sa.Integer(), nullable=False),
        sa.Column('solution_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['release_id'], ['release.id'], name=op.f('fk_release_item_release_id_release'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['solution_id'], ['solution.id'], name=op.f('fk_release_item_solution_id_solution'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('release_id', 'solution_id', name=op.f('pk_release_item')),
    )
    with op.batch_alter_table('release_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_release_item_solution_id'), ['solution_id'], unique=False)
    for table in ('notification', 'notification_outbox'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('release_id', sa.Integer(), nullable=True))
            batch_op.create_foreign_key(
                batch_op.f(f'fk_{table}_release_id_release'), 'release', ['release_id'], ['id'], ondelete='CASCADE'
            )
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notification_release_id'), ['release_id'], unique=False)


def downgrade():
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notification_release_id'))
    for table in ('notification_outbox', 'notification'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'fk_{table}_release_id_release'), type_='foreignkey')
            batch_op.drop_column('release_id')
    with op.batch_alter_table('release_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_release_item_solution_id'))
    op.drop_table('release_item')
    op.drop_index('ix_release_community_id', table_name='release')
    op.drop_table('release')
