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
    # Plain ALTER TABLE and CREATE INDEX, on SQLite too: the log is large, and a batch would copy it.
    op.add_column('audit_entry', sa.Column('cause', sa.String(length=16), nullable=True))
    op.add_column('audit_entry', sa.Column('cause_count', sa.Integer(), nullable=True))
    op.drop_index('ix_audit_entry_action', table_name='audit_entry')
    op.drop_index('ix_audit_entry_actor_id', table_name='audit_entry')
    op.drop_index('ix_audit_entry_community_id', table_name='audit_entry')
    op.create_index('ix_audit_entry_actor_id_id', 'audit_entry', ['actor_id', 'id'], unique=False)
    op.create_index('ix_audit_entry_action_id', 'audit_entry', ['action', 'id'], unique=False)
    op.create_index('ix_audit_entry_community_id_id', 'audit_entry', ['community_id', 'id'], unique=False)
    op.create_index('ix_audit_entry_cause_id', 'audit_entry', ['cause', 'id'], unique=False)
    op.create_index('ix_audit_entry_created', 'audit_entry', ['created'], unique=False)
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
    op.drop_index('ix_audit_entry_created', table_name='audit_entry')
    op.drop_index('ix_audit_entry_cause_id', table_name='audit_entry')
    op.drop_index('ix_audit_entry_community_id_id', table_name='audit_entry')
    op.drop_index('ix_audit_entry_action_id', table_name='audit_entry')
    op.drop_index('ix_audit_entry_actor_id_id', table_name='audit_entry')
    op.create_index('ix_audit_entry_community_id', 'audit_entry', ['community_id'], unique=False)
    op.create_index('ix_audit_entry_actor_id', 'audit_entry', ['actor_id'], unique=False)
    op.create_index('ix_audit_entry_action', 'audit_entry', ['action'], unique=False)
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_column('cause_count')
        batch_op.drop_column('cause')
