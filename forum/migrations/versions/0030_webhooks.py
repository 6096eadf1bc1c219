"""webhooks, their event outbox and delivery log

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-02 06:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0030'
down_revision = '0029'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'webhook',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('community_id', sa.Integer(), nullable=False),
        sa.Column('creator_id', sa.Integer(), nullable=True),
        sa.Column('url', sa.String(length=2000), nullable=False),
        sa.Column('events', sa.String(length=500), nullable=False),
        sa.Column('secret', sa.String(length=80), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('disabled', sa.DateTime(), nullable=True),
        sa.Column('created', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_webhook_community_id_community'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['creator_id'], ['user_account.id'], name=op.f('fk_webhook_creator_id_user_account'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook')),
    )
    op.create_index('ix_webhook_community_id_active', 'webhook', ['community_id', 'active'])
    op.create_table(
        'webhook_event',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('community_id', sa.Integer(), nullable=False),
        sa.Column('type', sa.String(length=40), nullable=False),
        sa.Column('webhook_id', sa.Integer(), nullable=True),
        sa.Column('subject', sa.JSON(), nullable=False),
        sa.Column('payload', sa.Text(), nullable=True),
        sa.Column('done', sa.Boolean(), nullable=False),
        sa.Column('created', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_webhook_event_community_id_community'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['webhook_id'], ['webhook.id'], name=op.f('fk_webhook_event_webhook_id_webhook'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_event')),
    )
    op.create_index('ix_webhook_event_done_id', 'webhook_event', ['done', 'id'])
    op.create_table(
        'webhook_delivery',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('webhook_id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('message_id', sa.String(length=40), nullable=False),
        sa.Column('state', sa.String(length=10), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(), nullable=True),
        sa.Column('created', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['event_id'], ['webhook_event.id'], name=op.f('fk_webhook_delivery_event_id_webhook_event'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['webhook_id'], ['webhook.id'], name=op.f('fk_webhook_delivery_webhook_id_webhook'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_delivery')),
        sa.UniqueConstraint('message_id', name=op.f('uq_webhook_delivery_message_id')),
    )
    op.create_index('ix_webhook_delivery_event_id', 'webhook_delivery', ['event_id'])
    op.create_index('ix_webhook_delivery_state_next', 'webhook_delivery', ['state', 'next_attempt_at'])
    op.create_index('ix_webhook_delivery_webhook_id_id', 'webhook_delivery', ['webhook_id', 'id'])
    op.create_table(
        'webhook_attempt',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('webhook_id', sa.Integer(), nullable=False),
        sa.Column('delivery_id', sa.Integer(), nullable=False),
        sa.Column('event_type', sa.String(length=40), nullable=False),
        sa.Column('created', sa.DateTime(), nullable=False),
        sa.Column('status', sa.Integer(), nullable=True),
        sa.Column('ok', sa.Boolean(), nullable=False),
        sa.Column('milliseconds', sa.Integer(), nullable=False),
        sa.Column('response', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['delivery_id'], ['webhook_delivery.id'], name=op.f('fk_webhook_attempt_delivery_id_webhook_delivery'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['webhook_id'], ['webhook.id'], name=op.f('fk_webhook_attempt_webhook_id_webhook'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_attempt')),
    )
    op.create_index('ix_webhook_attempt_delivery_id', 'webhook_attempt', ['delivery_id'])
    op.create_index('ix_webhook_attempt_webhook_id_id', 'webhook_attempt', ['webhook_id', 'id'])


def downgrade():
    op.drop_table('webhook_attempt')
    op.drop_table('webhook_delivery')
    op.drop_table('webhook_event')
    op.drop_table('webhook')
