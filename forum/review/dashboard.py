"""The staff dashboard, which the product team may read: ideas nobody has answered, how fast
staff answer, the funnel, flags waiting."""

import statistics
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import and_, exists, func

from forum.accounts.models import User
from forum.challenges.models import Challenge
from forum.clock import utcnow
from forum.communities.models import CommunityRole
from forum.extensions import db
from forum.moderation.services import flags_waiting
from forum.permissions import can_read_dashboard, require
from forum.review.models import StatusChange
from forum.solutions.models import Comment, Solution

WINDOW = timedelta(days=30)
UNANSWERED_SHOWN = 50
# A solution has reached a stage when its status is that stage or a later one.
REACHED = {
    "shortlisted": ("shortlisted", "prototyping", "prototyped"),
    "prototyping": ("prototyping", "prototyped"),
    "prototyped": ("prototyped",),
}


@dataclass
class Dashboard:
    unanswered: list
    unanswered_count: int
    median_response: timedelta | None
    responses_counted: int
    funnels: list
    flags_waiting: int


def dashboard(actor, community):
    """Raises Forbidden for anyone but the community's staff and product team."""
    require(can_read_dashboard(actor, community))
    staff_ids = _staff_ids(community)
    unanswered = _unanswered(community, staff_ids)
    median, counted = _median_first_response(community, staff_ids)
    return Dashboard(
        unanswered=db.session.execute(unanswered.limit(UNANSWERED_SHOWN)).scalars().all(),
        unanswered_count=db.session.execute(
            db.select(func.count()).select_from(unanswered.order_by(None).subquery())
        ).scalar(),
        median_response=median,
        responses_counted=counted,
        funnels=_funnels(community),
        flags_waiting=flags_waiting(community),
    )


def _staff_ids(community):
    grants = db.select(CommunityRole.user_id).filter_by(community_id=community.id, role="staff")
    admins = db.select(User.id).filter_by(site_role="admin")
    return set(db.session.execute(grants.union(admins)).scalars())


def _unanswered(community, staff_ids):
    """Open, visible solutions with no status change and no staff comment, oldest first."""
    answered_by_status = exists().where(StatusChange.solution_id == Solution.id)
    answered_by_comment = exists().where(
        and_(Comment.solution_id == Solution.id, Comment.author_id.in_(staff_ids or {0}))
    )
    return (
        db.select(Solution)
        .where(Solution.community_id == community.id, Solution.status == "open", Solution.visibility == "public")
        .where(~answered_by_status, ~answered_by_comment)
        .options(db.joinedload(Solution.challenge))
        .order_by(Solution.id)
    )


def _median_first_response(community, staff_ids):
    """Median time from posting to the first staff answer (status change or comment), over the
    answers given in the last 30 days."""
    since = utcnow() - WINDOW
    first_status = db.select(
        StatusChange.solution_id.label("solution_id"), func.min(StatusChange.created).label("at")
    ).group_by(StatusChange.solution_id)
    first_comment = (
        db.select(Comment.solution_id.label("solution_id"), func.min(Comment.created).label("at"))
        .where(Comment.solution_id.is_not(None), Comment.author_id.in_(staff_ids or {0}))
        .group_by(Comment.solution_id)
    )
    firsts = {}
    for query in (first_status, first_comment):
        for solution_id, at in db.session.execute(query):
            firsts[solution_id] = min(at, firsts.get(solution_id, at))
    created = dict(
        db.session.execute(
            db.select(Solution.id, Solution.created).where(
                Solution.community_id == community.id, Solution.id.in_(list(firsts) or [0])
            )
        ).all()
    )
    waits = [(firsts[i] - created[i]).total_seconds() for i in created if firsts[i] >= since]
    if not waits:
        return None, 0
    return timedelta(seconds=statistics.median(waits)), len(waits)


def _funnels(community):
    """Per challenge: how many solutions were submitted and reached each later stage."""
    counts = [func.count(Solution.id).label("submitted")] + [
        func.count(Solution.id).filter(Solution.status.in_(statuses)).label(stage)
        for stage, statuses in REACHED.items()
    ]
    stmt = (
        db.select(Challenge.id, Challenge.title, *counts)
        .join(Solution, Solution.challenge_id == Challenge.id)
        .where(Challenge.community_id == community.id, Solution.status != "merged")
        .group_by(Challenge.id, Challenge.title)
        .order_by(Challenge.id.desc())
    )
    return [row._asdict() for row in db.session.execute(stmt)]
