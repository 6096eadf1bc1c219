"""Rubric reviews: staff score solutions in the review phase, leads assign them, the board ranks."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func
from sqlalchemy.orm import joinedload

from forum import text
from forum.audit import record_action
from forum.errors import RuleBroken
from forum.extensions import db
from forum.permissions import can_read_reviews, is_staff, require, review_refusal
from forum.review.models import (
    REVIEW_SHARE,
    RUBRIC,
    RUBRIC_WEIGHTS,
    VOTE_SHARE,
    Review,
    ReviewAssignment,
    StaffNote,
)
from forum.solutions.models import Solution
from forum.validation import checked_markdown

NOTE_MAX = 2000


def score(actor, solution, scores, note=""):
    """Save the actor's scores (1-5 for each criterion) for the solution; scoring again replaces
    them. Raises Forbidden or RuleBroken naming the criterion at fault."""
    require(is_staff(actor, solution.challenge.community), _l("Only staff review solutions."))
    refusal = review_refusal(actor, solution)
    if refusal:
        raise RuleBroken(refusal)
    values = {}
    for criterion in RUBRIC:
        value = scores.get(criterion)
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5:
            raise RuleBroken(_l("Score from 1 to 5."), field=criterion)
        values[criterion] = value
    note = checked_markdown(note, "note", NOTE_MAX)
    review = db.session.execute(
        db.select(Review).filter_by(solution_id=solution.id, reviewer_id=actor.id)
    ).scalar_one_or_none()
    if review is None:
        review = Review(solution_id=solution.id, reviewer_id=actor.id, **values, note=note)
        db.session.add(review)
    else:
        for criterion, value in values.items():
            setattr(review, criterion, value)
        review.note = note
    record_action(actor, "review.score", solution, community=solution.challenge.community, after=values)
    return review


def assign(actor, solution, reviewer):
    """Ask a staff member of the community to review the solution. Raises Forbidden or RuleBroken."""
    community = solution.challenge.community
    require(is_staff(actor, community))
    if not is_staff(reviewer, community):
        raise RuleBroken(_l("Reviewers are staff of this community."), field="reviewer")
    exists = db.session.execute(
        db.select(ReviewAssignment.id).filter_by(solution_id=solution.id, reviewer_id=reviewer.id)
    ).first()
    if not exists:
        db.session.add(ReviewAssignment(solution_id=solution.id, reviewer_id=reviewer.id, assigned_by_id=actor.id))
        record_action(actor, "review.assign", solution, community=community, after={"reviewer": reviewer.username})


def my_queue(reviewer):
    """Solutions assigned to the reviewer and not yet scored by them, oldest assignment first."""
    scored = db.select(Review.solution_id).where(Review.reviewer_id == reviewer.id)
    stmt = (
        db.select(ReviewAssignment)
        .where(ReviewAssignment.reviewer_id == reviewer.id, ReviewAssignment.solution_id.not_in(scored))
        .options(joinedload(ReviewAssignment.solution).joinedload(Solution.challenge))
        .order_by(ReviewAssignment.id)
    )
    return db.session.execute(stmt).scalars().all()


def reviews_of(viewer, solution):
    require(can_read_reviews(viewer, solution.challenge.community))
    stmt = db.select(Review).filter_by(solution_id=solution.id).options(joinedload(Review.reviewer))
    return db.session.execute(stmt.order_by(Review.id)).scalars().all()


def assigned_reviewers(viewer, solution):
    """The staff asked to review the solution, in the order they were asked. Raises Forbidden."""
    require(can_read_reviews(viewer, solution.challenge.community))
    stmt = (
        db.select(ReviewAssignment)
        .filter_by(solution_id=solution.id)
        .options(joinedload(ReviewAssignment.reviewer))
        .order_by(ReviewAssignment.id)
    )
    return [assignment.reviewer for assignment in db.session.execute(stmt).scalars()]


def add_staff_note(actor, solution, body):
    require(is_staff(actor, solution.challenge.community))
    body = checked_markdown(body, "body", NOTE_MAX, _l("Write something first."))
    db.session.add(StaffNote(solution_id=solution.id, author_id=actor.id, body=body, body_html=text.render(body)))


def staff_notes(viewer, solution):
    require(can_read_reviews(viewer, solution.challenge.community))
    stmt = db.select(StaffNote).filter_by(solution_id=solution.id).options(joinedload(StaffNote.author))
    return db.session.execute(stmt.order_by(StaffNote.id)).scalars().all()


@dataclass
class BoardRow:
    solution: Solution
    averages: dict
    reviewers: int
    weighted: float | None
    rank_score: float


def board(viewer, challenge):
    """Every solution of the challenge with votes, average scores, reviewer count and the combined
    rank, best first. One grouped query, whatever the number of solutions."""
    require(can_read_reviews(viewer, challenge.community))
    averages = [func.avg(getattr(Review, c)).label(c) for c in RUBRIC]
    stmt = (
        db.select(Solution, func.count(Review.id).label("reviewers"), *averages)
        .outerjoin(Review, Review.solution_id == Solution.id)
        .where(Solution.challenge_id == challenge.id, Solution.status != "merged")
        .group_by(Solution.id)
        .options(joinedload(Solution.author))
    )
    rows = db.session.execute(stmt).all()
    most_votes = max((row.Solution.vote_count for row in rows), default=0) or 1
    board_rows = []
    for row in rows:
        means = {c: (float(getattr(row, c)) if getattr(row, c) is not None else None) for c in RUBRIC}
        weighted = sum(means[c] * w for c, w in RUBRIC_WEIGHTS.items()) if row.reviewers else None
        rank = REVIEW_SHARE * ((weighted or 0) / 5) + VOTE_SHARE * (row.Solution.vote_count / most_votes)
        board_rows.append(BoardRow(row.Solution, means, row.reviewers, weighted, round(rank, 4)))
    return sorted(board_rows, key=lambda r: (-r.rank_score, -r.solution.vote_count, r.solution.id))
