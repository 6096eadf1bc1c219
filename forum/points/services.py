"""Points from records: each solution's awards are rewritten from its votes, comments and status
trail whenever they change, and `flask points rebuild` rewrites them all, so they never drift.

Shortlisted, promoted and prototyped ideas earn the most; votes and comments received earn a
little; posting alone earns nothing.
"""

from collections import Counter
from datetime import date, timedelta
from typing import NamedTuple

from flask_babel import lazy_gettext as _l
from sqlalchemy import func

from forum.accounts.models import User
from forum.clock import utcnow
from forum.extensions import db
from forum.points.models import PointAward
from forum.review.models import StatusChange
from forum.solutions.models import Comment, Solution, Vote
from forum.transaction import unit_of_work

POINTS = {"vote": 1, "comment": 1, "shortlisted": 50, "prototyping": 100, "prototyped": 150}
COMMENTS_COUNTED = 10  # per solution, so a chatty thread cannot farm points
STAGES = {"shortlisted": ("shortlisted", "prototyping", "prototyped"), "prototyping": ("prototyping", "prototyped"),
          "prototyped": ("prototyped",)}  # fmt: skip
LEVELS = [
    (0, _l("Newcomer")),
    (10, _l("Contributor")),
    (60, _l("Maker")),
    (200, _l("Senior maker")),
    (500, _l("Opinion leader")),
]
PERIODS = ("all", "month")
BOARD_SIZE = 50


def resync(solution):
    """Rewrite the awards of one solution from its records (in the caller's transaction)."""
    db.session.execute(db.delete(PointAward).where(PointAward.solution_id == solution.id))
    author_id = solution.author_id
    if author_id is None or solution.status == "merged":
        return
    rows = []
    base = {"user_id": author_id, "community_id": solution.community_id, "solution_id": solution.id}
    votes_by_day = db.session.execute(
        db.select(func.date(Vote.created), func.count())
        .where(Vote.solution_id == solution.id, Vote.user_id != author_id)
        .group_by(func.date(Vote.created))
    ).all()
    rows += [{**base, "reason": "vote", "points": n * POINTS["vote"], "day": _day(d)} for d, n in votes_by_day]
    commented = db.session.execute(
        db.select(Comment.created)
        .where(Comment.solution_id == solution.id, Comment.author_id != author_id, Comment.deleted.is_(False))
        .where(Comment.visibility == "public")
        .order_by(Comment.id)
        .limit(COMMENTS_COUNTED)
    ).scalars()
    by_day = Counter(created.date() for created in commented)
    rows += [{**base, "reason": "comment", "points": n * POINTS["comment"], "day": d} for d, n in by_day.items()]
    reached = {}
    for to_status, created in db.session.execute(
        db.select(StatusChange.to_status, StatusChange.created).where(StatusChange.solution_id == solution.id)
    ):
        reached[to_status] = created
    for stage, statuses in STAGES.items():
        if solution.status in statuses and stage in reached:
            rows.append({**base, "reason": stage, "points": POINTS[stage], "day": reached[stage].date()})
    if rows:
        db.session.execute(db.insert(PointAward), rows)


def add_vote(solution, day):
    """Award the author one vote received on `day`: the row resync() would write, changed in
    place rather than rewriting the solution's awards on every vote (in the caller's transaction).

    Call it after the solution's vote count has changed: that update locks the solution's row
    until commit, so two votes on one day never both insert the day's row."""
    if solution.author_id is None or solution.status == "merged":
        return
    if not db.session.execute(_ADD_VOTE_POINT, {"award_solution": solution.id, "award_day": day}).rowcount:
        award = {"solution_id": solution.id, "day": day, "user_id": solution.author_id}
        db.session.execute(_NEW_VOTE_AWARD, {**award, "community_id": solution.community_id})


# Plain statements on the table, built once: votes are the busiest write.
_AWARDS = PointAward.__table__
_ADD_VOTE_POINT = (
    db.update(_AWARDS)
    .where(_AWARDS.c.solution_id == db.bindparam("award_solution"), _AWARDS.c.reason == "vote")
    .where(_AWARDS.c.day == db.bindparam("award_day"))
    .values(points=_AWARDS.c.points + POINTS["vote"])
)
REBUILD_BATCH = 1000
_NEW_VOTE_AWARD = db.insert(_AWARDS).values(reason="vote", points=POINTS["vote"])


def rebuild_all():
    """Rewrite every award from the records, a unit of work per 1,000 solutions (a maintenance
    command: the forum's writers wait for one batch at a time, not for the whole forum).
    Returns the number of solutions done."""
    with unit_of_work():
        db.session.execute(db.delete(PointAward))
    ids = db.session.execute(db.select(Solution.id).order_by(Solution.id)).scalars().all()
    db.session.rollback()  # the read ends before the batches write
    for start in range(0, len(ids), REBUILD_BATCH):
        with unit_of_work():
            batch = db.select(Solution).where(Solution.id.in_(ids[start : start + REBUILD_BATCH]))
            for solution in db.session.execute(batch).scalars():
                resync(solution)
    return len(ids)


def total(user, community=None):
    stmt = db.select(func.coalesce(func.sum(PointAward.points), 0)).where(PointAward.user_id == user.id)
    if community is not None:
        stmt = stmt.where(PointAward.community_id == community.id)
    return db.session.execute(stmt).scalar()


class Level(NamedTuple):
    """A member's level: its number from 1 and its name (translated when shown)."""

    number: int
    name: object


def level(points):
    """The Level reached with a number of points."""
    current = Level(1, LEVELS[0][1])
    for number, (threshold, name) in enumerate(LEVELS, start=1):
        if points >= threshold:
            current = Level(number, name)
    return current


def badges(user):
    """Opinion-leader badge for members whose ideas reached prototyping."""
    prototyped = db.session.execute(
        db.select(func.count())
        .select_from(Solution)
        .where(Solution.author_id == user.id, Solution.status.in_(("prototyping", "prototyped")))
    ).scalar()
    # Prototyping counts: the words must hold for an idea still being built, not only a finished one.
    return [_l("Opinion leader: an idea went into prototyping")] if prototyped else []


def leaderboard(community=None, period="all"):
    """[(user, points)] best first, for a community or the whole site, all time or this month."""
    stmt = db.select(PointAward.user_id, func.sum(PointAward.points).label("points")).group_by(PointAward.user_id)
    if community is not None:
        stmt = stmt.where(PointAward.community_id == community.id)
    if period == "month":
        stmt = stmt.where(PointAward.day >= (utcnow() - timedelta(days=30)).date())
    rows = db.session.execute(stmt.order_by(func.sum(PointAward.points).desc()).limit(BOARD_SIZE)).all()
    users = {
        u.id: u for u in db.session.execute(db.select(User).where(User.id.in_([r.user_id for r in rows]))).scalars()
    }
    return [(users[r.user_id], r.points) for r in rows if r.user_id in users]


def _day(value):
    """SQLite gives dates as text, PostgreSQL as dates."""
    return value if isinstance(value, date) else date.fromisoformat(value)
