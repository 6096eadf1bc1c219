"""audit log: what started an automatic action (fans' reports, a deadline, the command line), and
indexes that end with the id for each filter of the log

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-01 20:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None

entries = sa.table(
    'audit_entry',
    sa.column('id', sa.Integer),
    sa.column('actor_id', sa.Integer),
    sa.column('action', sa.String),
    sa.column('after', sa.JSON),
    sa.column('cause', sa.String),
    sa.column('cause_count', sa.Integer),
)


def upgrade():
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cause', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('cause_count', sa.Integer(), nullable=True))
        batch_op.drop_index('ix_audit_entry_action')
        batch_op.drop_index('ix_audit_entry_actor_id')
        batch_op.drop_index('ix_audit_entry_community_id')
        batch_op.create_index('ix_audit_entry_actor_id_id', ['actor_id', 'id'], unique=False)
        batch_op.create_index('ix_audit_entry_action_id', ['action', 'id'], unique=False)
        batch_op.create_index('ix_audit_entry_community_id_id', ['community_id', 'id'], unique=False)
        batch_op.create_index('ix_audit_entry_cause_id', ['cause', 'id'], unique=False)
        batch_op.create_index('ix_audit_entry_created', ['created'], unique=False)
    # Until now an entry without an actor was either an auto-hide (its `after` held the
    # threshold that was reached) or a command: no account could be deleted yet.
    connection = op.get_bind()
    hidden = connection.execute(
        sa.select(entries.c.id, entries.c.after).where(
            entries.c.actor_id.is_(None), entries.c.action == 'content.auto_hide'
        )
    ).all()
    for entry_id, after in hidden:
        count = after.get('flags') if isinstance(after, dict) else None
        connection.execute(
            entries.update()
            .where(entries.c.id == entry_id)
            .values(cause='reports', cause_count=count if isinstance(count, int) else None)
        )
    connection.execute(
        entries.update().where(entries.c.actor_id.is_(None), entries.c.cause.is_(None)).values(cause='command_line')
    )


def downgrade():
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_entry_created')
        batch_op.drop_index('ix_audit_entry_cause_id')
        batch_op.drop_index('ix_audit_entry_community_id_id')
        batch_op.drop_index('ix_audit_entry_action_id')
        batch_op.drop_index('ix_audit_entry_actor_id_id')
        batch_op.create_index('ix_audit_entry_community_id', ['community_id'], unique=False)
        batch_op.create_index('ix_audit_entry_actor_id', ['actor_id'], unique=False)
        batch_op.create_index('ix_audit_entry_action', ['action'], unique=False)
        batch_op.drop_column('cause_count')
        batch_op.drop_column('cause')
