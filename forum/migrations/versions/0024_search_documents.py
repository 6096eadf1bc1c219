"""search documents: what the PostgreSQL search backend reads (one row per indexed item)

On SQLite the table is made too, with its words as plain text, so both schemas match; only the
PostgreSQL backend fills it.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-01 17:05:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'search_document',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('obj_id', sa.Integer(), nullable=False),
        sa.Column('community_id', sa.Integer(), nullable=False),
        sa.Column('challenge_id', sa.Integer(), nullable=False),
        sa.Column('solution_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=False),
        sa.Column('visibility', sa.String(length=16), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('title', sa.Text(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('created', sa.DateTime(), nullable=False),
        sa.Column('words', postgresql.TSVECTOR().with_variant(sa.Text(), 'sqlite'), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_search_document')),
        sa.UniqueConstraint('kind', 'obj_id', name=op.f('uq_search_document_kind')),
    )
    with op.batch_alter_table('search_document', schema=None) as batch_op:
        batch_op.create_index('ix_search_document_community', ['community_id', 'kind'], unique=False)
        batch_op.create_index('ix_search_document_words', ['words'], unique=False, postgresql_using='gin')


def downgrade():
    op.drop_table('search_document')
