"""system notes stored as keys: the notes the forum writes into status trails ("The merge was
undone.", "Shipped in 2.1.5.") become a key and parameters, put into words in each reader's
language; staff notes stay as typed

The notes already stored were written in the language of the staff member's request, English or
Chinese: both are recognised. A staff note that happens to read exactly like one of them on the
same kind of step is converted too, which says the same thing.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-01 20:30:00

"""
import re

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None

status_change = sa.table(
    'status_change',
    sa.column('id', sa.Integer()),
    sa.column('from_status', sa.String()),
    sa.column('to_status', sa.String()),
    sa.column('note', sa.Text()),
    sa.column('note_html', sa.Text()),
    sa.column('note_key', sa.String()),
    sa.column('note_params', sa.JSON()),
)
UNDONE = ('The merge was undone.', '合并已撤销。')
SHIPPED = (re.compile(r'^Shipped in (.+)\.$', re.S), re.compile(r'^已在 (.+) 中发布。$', re.S))


def upgrade():
    op.add_column('status_change', sa.Column('note_key', sa.String(length=40), nullable=True))
    op.add_column('status_change', sa.Column('note_params', sa.JSON(), nullable=True))
    bind = op.get_bind()
    undone = sa.and_(status_change.c.from_status == 'merged', status_change.c.note.in_(UNDONE))
    bind.execute(status_change.update().where(undone).values(note_key='merge_undone', note='', note_html=''))
    rows = bind.execute(
        sa.select(status_change.c.id, status_change.c.note).where(
            status_change.c.to_status == 'prototyped',
            sa.or_(status_change.c.note.like('Shipped in %'), status_change.c.note.like('已在 %')),
        )
    ).all()
    for row_id, note in rows:
        found = next((m for m in (p.match(note.strip()) for p in SHIPPED) if m), None)
        if found:
            bind.execute(
                status_change.update()
                .where(status_change.c.id == row_id)
                .values(note_key='shipped', note_params={'version': found.group(1)}, note='', note_html='')
            )


def downgrade():
    bind = op.get_bind()
    bind.execute(
        status_change.update()
        .where(status_change.c.note_key == 'merge_undone')
        .values(note=UNDONE[0], note_html='<p>The merge was undone.</p>')
    )
    rows = bind.execute(
        sa.select(status_change.c.id, status_change.c.note_params).where(status_change.c.note_key == 'shipped')
    ).all()
    for row_id, params in rows:
        words = f"Shipped in {(params or {}).get('version', '')}."
        html = '<p>' + words.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;') + '</p>'
        bind.execute(status_change.update().where(status_change.c.id == row_id).values(note=words, note_html=html))
    with op.batch_alter_table('status_change', schema=None) as batch_op:
        batch_op.drop_column('note_params')
        batch_op.drop_column('note_key')
