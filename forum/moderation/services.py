"""Moderation: flags, the queue, hiding and restoring, locks, approvals, suspensions, the audit log."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from forum.audit import REPORTS, AuditEntry, record_action
from forum.challenges.models import Challenge
from forum.clock import utcnow
from forum.database import get_or_raise
from forum.errors import NotFound, RuleBroken
from forum.extensions import db
from forum.moderation.models import FLAG_REASONS, Flag, Suspension
from forum.notifications.services import notify
from forum.permissions import can_administer, can_moderate, community_of, flag_refusal, is_admin, is_staff, require
from forum.solutions.counts import set_visibility
from forum.solutions.models import Comment, Solution

TARGET_TYPES = ("challenge", "solution", "comment")
DETAIL_MAX = 500


def load_target(target_type, target_id):
    """The challenge, solution or comment a flag or action names. Raises NotFound."""
    model = {"challenge": Challenge, "solution": Solution, "comment": Comment}.get(target_type)
    if model is None:
        raise NotFound()
    return get_or_raise(model, id=target_id)


def target_type(target):
    return type(target).__name__.lower()


def raise_flag(actor, target, reason, detail=""):
    """Report content. Once fans numbering the community's threshold have reported it, it is
    hidden at once pending review and its author is told why. Raises RuleBroken."""
    refusal = flag_refusal(actor, target)
    if refusal:
        raise RuleBroken(refusal)
    if reason not in FLAG_REASONS:
        raise RuleBroken(_l("Choose a reason."), field="reason")
    detail = (detail or "").strip()[:DETAIL_MAX]
    community = community_of(target)
    try:
        with db.session.begin_nested():
            db.session.add(
                Flag(
                    reporter_id=actor.id,
                    community_id=community.id,
                    target_type=target_type(target),
                    target_id=target.id,
                    reason=reason,
                    detail=detail,
                )
            )
    except IntegrityError:
        raise RuleBroken(_l("You have already reported this. Staff will look at it.")) from None
    reporters = _open_reporters(target) if target.visibility == "public" else 0
    if reporters and reporters >= community.flag_threshold:
        set_visibility(target, "hidden")
        record_action(
            None,
            "content.auto_hide",
            target,
            community=community,
            before={"visibility": "public"},
            after={"visibility": "hidden"},
            cause=REPORTS,
            count=reporters,
        )
        notify({target.author_id}, "hidden", **_notice_target(target), detail="flags")


@dataclass
class QueueItem:
    target_type: str
    target_id: int
    target: object = None
    reasons: Counter = field(default_factory=Counter)
    details: list = field(default_factory=list)
    reporters: int = 0
    oldest: datetime | None = None


def queue(community):
    """Flagged and pending content of a community, oldest report first."""
    flags = db.session.execute(
        db.select(Flag).where(Flag.community_id == community.id, Flag.resolved.is_(None)).order_by(Flag.id)
    ).scalars()
    items = {}
    for flag in flags:
        item = items.setdefault((flag.target_type, flag.target_id), QueueItem(flag.target_type, flag.target_id))
        item.reasons[flag.reason] += 1
        item.reporters += 1
        item.oldest = item.oldest or flag.created
        if flag.detail:
            item.details.append(flag.detail)
    for model, kind in ((Challenge, "challenge"), (Solution, "solution")):
        for row in db.session.execute(
            db.select(model).where(model.community_id == community.id, model.visibility == "pending")
        ).scalars():
            items.setdefault((kind, row.id), QueueItem(kind, row.id, oldest=row.created))
    pending_comments = db.session.execute(
        db.select(Comment)
        .join(Challenge, Comment.challenge_id == Challenge.id)
        .where(Challenge.community_id == community.id, Comment.visibility == "pending")
    ).scalars()
    for row in pending_comments:
        items.setdefault(("comment", row.id), QueueItem("comment", row.id, oldest=row.created))
    for item in items.values():
        item.target = load_target(item.target_type, item.target_id)
    return sorted(items.values(), key=lambda item: item.oldest)


def flags_waiting(community):
    stmt = db.select(db.func.count(db.distinct(Flag.target_type + ":" + db.cast(Flag.target_id, db.String))))
    return db.session.execute(stmt.where(Flag.community_id == community.id, Flag.resolved.is_(None))).scalar()


def dismiss(actor, target):
    """The reports are unfounded: close them, and bring back content the flags hid."""
    _require_moderator(actor, target)
    was_hidden_by_flags = target.visibility == "hidden" and _hidden_by_flags(target)
    _resolve_flags(target, "dismissed")
    if was_hidden_by_flags:
        set_visibility(target, "public")
    record_action(actor, "content.dismiss_flags", target, community=_community(target))


def hide(actor, target):
    """Hide content from everyone but staff and its author; close its reports; tell the author."""
    _require_moderator(actor, target)
    before = set_visibility(target, "hidden")
    _resolve_flags(target, "hidden")
    record_action(
        actor,
        "content.hide",
        target,
        community=_community(target),
        before={"visibility": before},
        after={"visibility": "hidden"},
    )
    notify({target.author_id}, "hidden", actor=actor, **_notice_target(target), detail="staff")


def restore(actor, target):
    """Show hidden or pending content again; approving a pending post trusts its author."""
    _require_moderator(actor, target)
    before = set_visibility(target, "public")
    _resolve_flags(target, "dismissed")
    if before == "pending" and target.author is not None:
        target.author.trusted = True
    record_action(
        actor,
        "content.restore",
        target,
        community=_community(target),
        before={"visibility": before},
        after={"visibility": "public"},
    )


def set_locked(actor, target, locked):
    """Lock or unlock a challenge or solution for comments. Raises RuleBroken for a comment
    (it has no thread of its own to lock)."""
    _require_moderator(actor, target)
    if not hasattr(target, "locked"):
        raise RuleBroken(_l("Only a challenge or a solution can be locked."))
    if target.locked != locked:
        target.locked = locked
        record_action(actor, "content.lock" if locked else "content.unlock", target, community=_community(target))


def check_suspend(actor, community, user, everywhere=False):
    """May `actor` suspend `user` here (with `everywhere`, in every community, which only admins
    may do)? Raises Forbidden or RuleBroken."""
    require(can_administer(actor) if everywhere else can_moderate(actor, community))
    if user.id == actor.id or is_admin(user):
        raise RuleBroken(_l("You cannot suspend this account."), field="user")


def suspend(actor, community, user, until, everywhere=False):
    """Keep a member from writing in `community` until `until` (None lifts the suspension); with
    `everywhere`, in every community, which only admins may do. Raises Forbidden or RuleBroken."""
    check_suspend(actor, community, user, everywhere)
    if until is not None and until <= utcnow():
        raise RuleBroken(_l("Choose a time in the future."), field="until")
    if everywhere:
        before, user.suspended_until = user.suspended_until, until
    else:
        before = _set_community_suspension(community, user, until)
    record_action(
        actor,
        ("user.suspend" if until else "user.unsuspend") + ("_everywhere" if everywhere else ""),
        user,
        community=None if everywhere else community,
        before={"until": before.isoformat() if before else None},
        after={"until": until.isoformat() if until else None},
    )


def _set_community_suspension(community, user, until):
    """Returns when the suspension in the community ended before."""
    row = db.session.execute(db.select(Suspension).filter_by(community_id=community.id, user_id=user.id)).scalar()
    before = row.until if row is not None else None
    if until is None:
        if row is not None:
            user.suspensions.remove(row)
    elif row is None:
        user.suspensions.append(Suspension(community_id=community.id, until=until))
    else:
        row.until = until
    return before


def initial_visibility(actor, community):
    """A new account's first posts wait for approval where the community asks for it."""
    if community.hold_first_posts and not actor.trusted and not is_staff(actor, community):
        return "pending"
    return "public"


def update_settings(actor, community, flag_threshold, hold_first_posts):
    require(can_moderate(actor, community))
    if not 1 <= int(flag_threshold) <= 100:
        raise RuleBroken(_l("Use a number from 1 to 100."), field="flag_threshold")
    before = {"flag_threshold": community.flag_threshold, "hold_first_posts": community.hold_first_posts}
    community.flag_threshold = int(flag_threshold)
    community.hold_first_posts = bool(hold_first_posts)
    after = {"flag_threshold": community.flag_threshold, "hold_first_posts": community.hold_first_posts}
    record_action(actor, "community.moderation", community, community=community, before=before, after=after)


def _require_moderator(actor, target):
    require(can_moderate(actor, _community(target)))


def _community(target):
    return community_of(target)


def _open_reporters(target):
    stmt = db.select(db.func.count(db.distinct(Flag.reporter_id))).where(
        Flag.target_type == target_type(target), Flag.target_id == target.id, Flag.resolved.is_(None)
    )
    return db.session.execute(stmt).scalar()


def _hidden_by_flags(target):
    last = db.session.execute(
        db.select(AuditEntry.action)
        .where(AuditEntry.target_type == target_type(target), AuditEntry.target_id == target.id)
        .where(AuditEntry.action.in_(("content.auto_hide", "content.hide")))
        .order_by(AuditEntry.id.desc())
        .limit(1)
    ).scalar()
    return last == "content.auto_hide"


def _resolve_flags(target, resolution):
    db.session.execute(
        db.update(Flag)
        .where(Flag.target_type == target_type(target), Flag.target_id == target.id, Flag.resolved.is_(None))
        .values(resolved=utcnow(), resolution=resolution)
    )


def _notice_target(target):
    kind = target_type(target)
    if kind == "challenge":
        return {"challenge": target}
    if kind == "solution":
        return {"challenge": target.challenge, "solution": target}
    return {"challenge": target.challenge, "solution": target.solution, "comment": target}
