"""The hidden and held list: every hidden or held post of a community, why, by whom and since when,
newest first, a page at a time, for the staff who may restore or approve it."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, literal, tuple_
from sqlalchemy.orm import aliased, joinedload

from forum.accounts.models import User
from forum.audit import AuditEntry
from forum.challenges.models import Challenge
from forum.errors import RuleBroken
from forum.extensions import db
from forum.moderation.models import FLAG_REASONS, Flag
from forum.paging import Page, decode_cursor, encode_cursor
from forum.permissions import can_moderate, require
from forum.solutions.models import Comment, Solution

PAGE_SIZE = 25
KINDS = {"challenge": Challenge, "solution": Solution, "comment": Comment}
KIND_LABELS = {"challenge": _l("Challenge"), "solution": _l("Solution"), "comment": _l("Comment")}
# Why a post is out of sight: what the last hide of it in the audit log says, or that it waits.
WHY_LABELS = {
    "reports": _l("Hidden after fans' reports"),
    "staff": _l("Hidden by staff"),
    "held": _l("Held for approval"),
}
HIDES = ("content.hide", "content.auto_hide")


@dataclass
class Filters:
    """What the list keeps to; None everywhere means everything. `since` and `until` are days,
    both included, in UTC."""

    kind: str | None = None
    why: str | None = None
    reported: str | None = None  # a flag reason fans gave (forum.moderation.models.FLAG_REASONS)
    actor_id: int | None = None
    since: date | None = None
    until: date | None = None


@dataclass
class HeldItem:
    kind: str
    target: object
    why: str
    since: datetime
    actor: User | None = None
    reasons: Counter = field(default_factory=Counter)


def hidden_and_held(actor, community, filters=None, cursor=None, limit=PAGE_SIZE):
    """One page of the community's hidden and held posts, the most recently hidden or held first,
    as HeldItems. Raises Forbidden for anyone but its staff (and admins), RuleBroken (field
    `cursor`) for a page link we did not make."""
    require(can_moderate(actor, community))
    filters = filters or Filters()
    listed = _listed(community).subquery()
    keys = (listed.c.since, listed.c.kind, listed.c.id)
    stmt = db.select(listed).where(*_conditions(listed, filters))
    after = _after(cursor)
    if after is not None:
        stmt = stmt.where(tuple_(*keys) < tuple_(*after))
    rows = db.session.execute(stmt.order_by(*(key.desc() for key in keys)).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    items = _items(rows)
    next_cursor = encode_cursor([rows[-1].since.isoformat(), rows[-1].kind, rows[-1].id]) if more else None
    return Page(items, next_cursor)


def hiders(actor, community):
    """The members who have hidden posts of this community, by name: the list's "who" choices."""
    require(can_moderate(actor, community))
    hid = db.select(AuditEntry.actor_id).where(
        AuditEntry.community_id == community.id, AuditEntry.action == "content.hide"
    )
    return db.session.execute(db.select(User).where(User.id.in_(hid)).order_by(User.username)).scalars().all()


def _listed(community):
    """A UNION of the community's hidden and pending challenges, solutions and comments:
    kind, id, why, since and who hid them, from the last hide the audit log holds of each."""
    last_hide = (
        db.select(AuditEntry.target_type, AuditEntry.target_id, func.max(AuditEntry.id).label("entry_id"))
        .where(AuditEntry.community_id == community.id, AuditEntry.action.in_(HIDES))
        .group_by(AuditEntry.target_type, AuditEntry.target_id)
        .subquery()
    )
    selects = []
    for kind, model in KINDS.items():
        entry = aliased(AuditEntry)
        held = model.visibility == "pending"
        stmt = (
            db.select(
                literal(kind).label("kind"),
                model.id.label("id"),
                case((held, "held"), (entry.action == "content.auto_hide", "reports"), else_="staff").label("why"),
                # A held post waits since it was written; a hidden one since its last hide (or
                # since it was written, for one hidden before the audit log knew of it).
                case((held, model.created), else_=func.coalesce(entry.created, model.created)).label("since"),
                case((held, None), else_=entry.actor_id).label("actor_id"),
            )
            .select_from(model)
            .outerjoin(last_hide, and_(last_hide.c.target_type == kind, last_hide.c.target_id == model.id))
            .outerjoin(entry, entry.id == last_hide.c.entry_id)
            .where(model.visibility.in_(("hidden", "pending")))
        )
        if model is Comment:
            stmt = stmt.join(Challenge, Comment.challenge_id == Challenge.id).where(
                Challenge.community_id == community.id, Comment.deleted.is_(False)
            )
        else:
            stmt = stmt.where(model.community_id == community.id)
        selects.append(stmt)
    return db.union_all(*selects)


def _conditions(listed, filters):
    if filters.kind in KINDS:
        yield listed.c.kind == filters.kind
    if filters.why in WHY_LABELS:
        yield listed.c.why == filters.why
    if filters.reported in FLAG_REASONS:
        yield (
            db.select(Flag.id)
            .where(Flag.target_type == listed.c.kind, Flag.target_id == listed.c.id, Flag.reason == filters.reported)
            .where(Flag.resolution.is_(None) | (Flag.resolution == "hidden"))
            .exists()
        )
    if filters.actor_id is not None:
        yield listed.c.actor_id == filters.actor_id
    if filters.since is not None:
        yield listed.c.since >= datetime.combine(filters.since, time.min)
    if filters.until is not None:
        yield listed.c.since < datetime.combine(filters.until + timedelta(days=1), time.min)


def _after(cursor):
    """The (since, kind, id) a page link carries, or None for the first page."""
    values = decode_cursor(cursor, 3)
    if values is None:
        return None
    since, kind, row_id = values
    try:
        since = datetime.fromisoformat(since)
    except (TypeError, ValueError):
        since = None
    if since is None or kind not in KINDS or not isinstance(row_id, int):
        raise RuleBroken(_l("That page link is not valid."), field="cursor")
    return since, kind, row_id


def _items(rows):
    """The page's rows with their posts, authors, hiders and report reasons: a query per kind."""
    wanted = {kind: [row.id for row in rows if row.kind == kind] for kind in KINDS}
    loaded = {}
    for kind, ids in wanted.items():
        if ids:
            model = KINDS[kind]
            stmt = db.select(model).where(model.id.in_(ids)).options(joinedload(model.author))
            loaded.update({(kind, row.id): row for row in db.session.execute(stmt).scalars()})
    actor_ids = {row.actor_id for row in rows if row.actor_id is not None}
    actors = {}
    if actor_ids:
        actors = {user.id: user for user in db.session.execute(db.select(User).where(User.id.in_(actor_ids))).scalars()}
    reasons = _reasons(rows)
    return [
        HeldItem(
            row.kind,
            loaded[(row.kind, row.id)],
            row.why,
            row.since,
            actors.get(row.actor_id),
            reasons.get((row.kind, row.id), Counter()),
        )
        for row in rows
        if (row.kind, row.id) in loaded
    ]


def _reasons(rows):
    """What fans reported each post for, open reports and those that hid it (not the dismissed)."""
    if not rows:
        return {}
    stmt = db.select(Flag.target_type, Flag.target_id, Flag.reason, func.count()).where(
        tuple_(Flag.target_type, Flag.target_id).in_([(row.kind, row.id) for row in rows]),
        (Flag.resolution.is_(None)) | (Flag.resolution == "hidden"),
    )
    found = {}
    for kind, target_id, reason, count in db.session.execute(
        stmt.group_by(Flag.target_type, Flag.target_id, Flag.reason)
    ):
        found.setdefault((kind, target_id), Counter())[reason] = count
    return found
