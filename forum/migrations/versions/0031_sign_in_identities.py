"""accounts signed in through OpenID Connect providers, keyed on (provider, key claim)

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-02 06:30:00

An account made by signing in with a provider may have no password and, until an address is
confirmed, no email: both columns of user_account lose NOT NULL.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0031'
down_revision = '0030'
branch_labels = None
depends_on = None

NULLABLE = ('email VARCHAR(254)', 'password_hash VARCHAR(255)')


def upgrade():
    op.create_table(
        'sign_in_identity',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('provider', sa.String(length=40), nullable=False),
        sa.Column('subject', sa.String(length=255), nullable=False),
        sa.Column('created', sa.DateTime(), nullable=False),
        sa.Column('last_used', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ['user_id'], ['user_account.id'],
            name=op.f('fk_sign_in_identity_user_id_user_account'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_identity')),
        sa.UniqueConstraint('provider', 'subject', name=op.f('uq_sign_in_identity_provider')),
    )
    op.create_index(op.f('ix_sign_in_identity_user_id'), 'sign_in_identity', ['user_id'], unique=False)
    _set_nullable(True)


def downgrade():
    connection = op.get_bind()
    user = sa.table('user_account', sa.column('email'), sa.column('password_hash'))
    missing = connection.execute(
        sa.select(sa.func.count()).select_from(user).where(
            sa.or_(user.c.email.is_(None), user.c.password_hash.is_(None))
        )
    ).scalar()
    if missing:
        raise RuntimeError(
            f'{missing} accounts have no email or no password (made by signing in with a provider): '
            'give them one before downgrading'
        )
    op.drop_index(op.f('ix_sign_in_identity_user_id'), table_name='sign_in_identity')
    op.drop_table('sign_in_identity')
    _set_nullable(False)


def _set_nullable(nullable):
    if op.get_bind().dialect.name != 'sqlite':
        for column in ('email', 'password_hash'):
            op.alter_column('user_account', column, existing_type=sa.String(), nullable=nullable)
        return
    # SQLite cannot drop NOT NULL in place, and a batch copy of user_account would DROP it: with
    # foreign keys on (forum/database.py), and no way to turn them off inside the migration's
    # transaction, that DROP would cascade into every table that refers to an account. Dropping
    # or adding NOT NULL does not change how rows are stored, so SQLite documents editing the
    # table's schema text instead (sqlite.org/lang_altertable.html, "other kinds of changes").
    connection = op.get_bind()
    sql = connection.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'user_account'"
    ).scalar()
    for column in NULLABLE:
        before, after = (f'{column} NOT NULL', column) if nullable else (column, f'{column} NOT NULL')
        if before not in sql or (not nullable and f'{column} NOT NULL' in sql):
            raise RuntimeError(f'user_account is not as this migration expects: {column}')
        sql = sql.replace(before + ',', after + ',', 1)
    version = connection.exec_driver_sql('PRAGMA schema_version').scalar()
    connection.exec_driver_sql('PRAGMA writable_schema = ON')
    connection.execute(
        sa.text("UPDATE sqlite_master SET sql = :sql WHERE type = 'table' AND name = 'user_account'"),
        {'sql': sql},
    )
    connection.exec_driver_sql(f'PRAGMA schema_version = {version + 1}')
    connection.exec_driver_sql('PRAGMA writable_schema = OFF')
    problems = connection.exec_driver_sql('PRAGMA integrity_check').scalars().all()
    if problems != ['ok']:
        raise RuntimeError(f'user_account after the change: {problems}')
