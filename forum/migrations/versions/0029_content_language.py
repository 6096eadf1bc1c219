"""the language of what members write: a `lang` column on challenges, solutions, comments,
status notes, prototype updates, releases and communities, filled in for what they already hold

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-01 21:15:00

"""
from alembic import op
import sqlalchemy as sa

from forum import languages


# revision identifiers, used by Alembic.
revision = '0029'
down_revision = '0028'
branch_labels = None
depends_on = None

# Rows read and written per round trip: a large forum's comments never sit in memory at once.
BATCH = 1000

# table: (its plain-text column or None, its Markdown column), read together as the services do.
TEXTS = {
    'challenge': ('title', 'body'),
    'solution': ('title', 'body'),
    'comment': (None, 'body'),
    'status_change': (None, 'note'),
    'prototype_update': (None, 'body'),
    'release': (None, 'body'),
    'community': ('name', 'description'),
}


def upgrade():
    # Plain ALTER TABLE ADD COLUMN, on SQLite too: a batch would copy every table.
    for name in TEXTS:
        op.add_column(name, sa.Column('lang', sa.String(length=16), nullable=True))
    connection = op.get_bind()
    for name, (plain, markdown) in TEXTS.items():
        _fill(connection, name, plain, markdown)


def _fill(connection, name, plain, markdown):
    columns = [sa.column('id', sa.Integer), sa.column(markdown, sa.Text), sa.column('lang', sa.String)]
    if plain:
        columns.append(sa.column(plain, sa.Text))
    table = sa.table(name, *columns)
    update = table.update().where(table.c.id == sa.bindparam('row_id')).values(lang=sa.bindparam('tag'))
    last = 0
    while True:
        rows = connection.execute(
            sa.select(*table.c).where(table.c.id > last).order_by(table.c.id).limit(BATCH)
        ).mappings().all()
        if not rows:
            return
        last = rows[-1]['id']
        tagged = [
            {'row_id': row['id'], 'tag': tag}
            for row in rows
            if (tag := languages.detect(row[plain] if plain else '', row[markdown] or ''))
        ]
        if tagged:
            connection.execute(update, tagged)


def downgrade():
    # Plain ALTER TABLE DROP COLUMN (SQLite 3.35 and later): a batch would drop and recreate the
    # tables, and with foreign keys on, dropping community or challenge deletes every row under them.
    for name in reversed(list(TEXTS)):
        op.drop_column(name, 'lang')
