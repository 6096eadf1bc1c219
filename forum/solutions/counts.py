"""The counts kept on rows are the counts fans see: hidden and held posts leave them as they go
out of sight and come back when staff restore or approve them.

What is counted: a solution's (or a challenge's own) comments that are public and not removed,
a reply only while the comment it answers is public too (a visitor's page shows replies under the
comments it shows, forum.solutions.comments.thread, so a hidden comment's replies go out of sight
with it); a challenge's public solutions, and the votes on them.
"""

from sqlalchemy import case, func

from forum.database import increment, store
from forum.extensions import db
from forum.solutions.models import Comment, Solution
from forum.solutions.ranking import hot_score


def set_visibility(target, visibility):
    """Show or hide a challenge, solution or comment and move the counts it is part of; returns
    the visibility it had. The row is read again under its lock (PostgreSQL; SQLite's unit of
    work holds the write lock already), so two staff hiding it at once take it out of the counts
    once, and a vote or a reply that commits first is counted in what leaves."""
    model = type(target)
    before = db.session.execute(db.select(model.visibility).where(model.id == target.id).with_for_update()).scalar_one()
    target.visibility = visibility
    if (before == "public") == (visibility == "public"):
        return before
    db.session.flush()
    delta = 1 if visibility == "public" else -1
    if model is Comment:
        weight = _weight(target)
        if weight:
            increment(_holder(target), "comment_count", delta * weight)
    elif model is Solution:
        _move_solution(target, delta)
    return before


def comment_counted(comment):
    """Whether the comment is in its discussion's count now. For a reply this reads (and on
    PostgreSQL share-locks) its parent, so a hide of the parent waits or is seen."""
    if comment.visibility != "public" or comment.deleted:
        return False
    return comment.parent_id is None or _parent_public(comment.parent_id)


def count_comment(comment, delta):
    """Add (or with -1 take out) one counted comment of the discussion it belongs to."""
    increment(_holder(comment), "comment_count", delta)


def _holder(comment):
    return comment.solution if comment.solution_id is not None else comment.challenge


def _parent_public(parent_id):
    stmt = db.select(Comment.visibility).where(Comment.id == parent_id).with_for_update(read=True)
    return db.session.execute(stmt).scalar_one() == "public"


def _weight(comment):
    """How many counted comments show or hide with this one: itself unless removed, and under a
    top-level comment its public replies; a reply under a hidden comment counts for nothing."""
    if comment.parent_id is not None:
        return int(not comment.deleted and _parent_public(comment.parent_id))
    replies = (
        db.select(func.count())
        .where(Comment.parent_id == comment.id, Comment.visibility == "public", Comment.deleted.is_(False))
        .scalar_subquery()
    )
    own = case((Comment.deleted.is_(True), 0), else_=1)
    return db.session.execute(db.select(own + replies).where(Comment.id == comment.id)).scalar_one()


def _move_solution(solution, delta):
    """The challenge's solutions and votes (the cards' "12 solutions · 21 votes"), and its hot
    score, which follows its votes. The solution's votes were read under its row lock, which a
    vote's count update takes too."""
    challenge = solution.challenge
    votes = db.session.execute(db.select(Solution.vote_count).where(Solution.id == solution.id)).scalar_one()
    increment(challenge, "solution_count", delta)
    if votes:
        total = increment(challenge, "vote_count", delta * votes)
        store(challenge, "hot", hot_score(total, challenge.created))
