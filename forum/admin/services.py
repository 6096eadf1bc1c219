"""Admin queries: users and audit entries, paged by id so deep pages cost what page one does."""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy.orm import joinedload, selectinload

from forum.accounts.models import User
from forum.accounts.services import username_key
from forum.audit import AuditEntry
from forum.communities.models import CommunityRole
from forum.extensions import db
from forum.paging import keyset_page

AUDIT_PAGE = 50


def find_users(query=None, before_id=None, limit=50):
    """Users newest first, optionally those whose name or email holds the query anywhere (any
    case: 小王 finds 米粉小王), with their community roles; returns (rows, next_before_id)."""
    stmt = (
        db.select(User)
        .order_by(User.id.desc())
        .options(selectinload(User.community_roles).joinedload(CommunityRole.community))
    )
    query = (query or "").strip()
    if query:
        stmt = stmt.where(
            db.or_(
                User.username_key.like(_contains(username_key(query)), escape="\\"),
                db.func.lower(User.email).like(_contains(query.casefold()), escape="\\"),
            )
        )
    return _page(stmt, User.id, before_id, limit)


def _contains(text):
    """A LIKE pattern (bound as a parameter) for text anywhere, its own % and _ matched as themselves."""
    return "%" + re.sub(r"([\\%_])", r"\\\1", text) + "%"


@dataclass
class AuditFilters:
    """What the audit log is narrowed to; each filter has an index ending with the id."""

    action: str | None = None
    community_id: int | None = None
    actor: str | None = None  # a username
    cause: str | None = None  # what started an automatic action (audit.CAUSES)
    since: date | None = None  # the first day shown, UTC
    until: date | None = None  # the last day shown, UTC


def audit_entries(filters, cursor=None, limit=AUDIT_PAGE):
    """Audit entries newest first, narrowed by `filters`, a page from `cursor`: a paging.Page.
    Raises RuleBroken (field `cursor`) for a cursor the log did not make."""
    stmt = db.select(AuditEntry).options(joinedload(AuditEntry.actor), joinedload(AuditEntry.community))
    if filters.action:
        stmt = stmt.where(AuditEntry.action == filters.action)
    if filters.community_id:
        stmt = stmt.where(AuditEntry.community_id == filters.community_id)
    if filters.actor:
        # The id first (a unique index), so the log is read through its (actor_id, id) index.
        actor_id = db.session.execute(
            db.select(User.id).where(User.username_key == username_key(filters.actor.strip()))
        ).scalar()
        stmt = stmt.where(AuditEntry.actor_id == (actor_id or 0))
    if filters.cause:
        stmt = stmt.where(AuditEntry.cause == filters.cause)
    if filters.since:
        stmt = stmt.where(AuditEntry.created >= datetime.combine(filters.since, time.min))
    if filters.until and filters.until < date.max:
        stmt = stmt.where(AuditEntry.created < datetime.combine(filters.until + timedelta(days=1), time.min))
    return keyset_page(stmt, (AuditEntry.id,), cursor, limit)


def _page(stmt, id_column, before_id, limit):
    if before_id:
        stmt = stmt.where(id_column < before_id)
    rows = db.session.execute(stmt.limit(limit + 1)).scalars().all()
    has_more = len(rows) > limit
    rows = rows[:limit]
    return rows, (rows[-1].id if has_more else None)
