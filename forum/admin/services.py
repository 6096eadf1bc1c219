"""Admin queries: users and audit entries, paged by id so deep pages cost what page one does."""

from sqlalchemy.orm import joinedload

from forum.accounts.models import User
from forum.audit import AuditEntry
from forum.extensions import db


def find_users(query=None, before_id=None, limit=50):
    """Users newest first, optionally by name or email prefix; returns (rows, next_before_id)."""
    stmt = db.select(User).order_by(User.id.desc())
    if query:
        prefix = query.strip().casefold().replace("\\", "").replace("%", "").replace("_", "\\_")
        stmt = stmt.where(
            db.or_(User.username_key.like(f"{prefix}%", escape="\\"), User.email.like(f"{prefix}%", escape="\\"))
        )
    return _page(stmt, User.id, before_id, limit)


def audit_entries(action=None, before_id=None, limit=50, community_id=None, actor=None):
    """Audit entries newest first, optionally of one action, community or actor (a username);
    returns (rows, next_before_id)."""
    stmt = (
        db.select(AuditEntry)
        .options(joinedload(AuditEntry.actor), joinedload(AuditEntry.community))
        .order_by(AuditEntry.id.desc())
    )
    if action:
        stmt = stmt.filter_by(action=action)
    if community_id:
        stmt = stmt.filter_by(community_id=community_id)
    if actor:
        stmt = stmt.join(User, AuditEntry.actor_id == User.id).where(User.username_key == actor.strip().casefold())
    return _page(stmt, AuditEntry.id, before_id, limit)


def audit_actions():
    return db.session.execute(db.select(AuditEntry.action).distinct().order_by(AuditEntry.action)).scalars().all()


def _page(stmt, id_column, before_id, limit):
    if before_id:
        stmt = stmt.where(id_column < before_id)
    rows = db.session.execute(stmt.limit(limit + 1)).scalars().all()
    has_more = len(rows) > limit
    rows = rows[:limit]
    return rows, (rows[-1].id if has_more else None)
