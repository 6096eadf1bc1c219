"""What a member has written, as their profile lists it: the problems they posted, their solutions
and their comments, newest first, a page at a time, each as far as the viewer may see it.

A member and the admins see everything of the member's; anyone else sees what is public, under a
challenge (and solution) that is public, and no removed comment. One query per list, whatever
the page holds."""

from dataclasses import dataclass

from sqlalchemy.orm import aliased, joinedload

from forum.challenges.models import Challenge
from forum.extensions import db
from forum.permissions import is_admin, is_member
from forum.solutions.models import Comment, Solution

PAGE_SIZE = 10


@dataclass
class Page:
    """A page of one list, and the id to ask for the next (older) page from, if any."""

    items: list
    next_before: int | None


def problems_by(viewer, author, before=None):
    stmt = db.select(Challenge).where(Challenge.author_id == author.id)
    if not _sees_all(viewer, author):
        stmt = stmt.where(Challenge.visibility == "public")
    return _page(stmt, Challenge, before)


def solutions_by(viewer, author, before=None):
    stmt = (
        db.select(Solution)
        .join(Solution.challenge)
        .where(Solution.author_id == author.id)
        .options(joinedload(Solution.challenge))
    )
    if not _sees_all(viewer, author):
        stmt = stmt.where(Solution.visibility == "public", Challenge.visibility == "public")
    return _page(stmt, Solution, before)


def comments_by(viewer, author, before=None):
    on = aliased(Solution)
    stmt = (
        db.select(Comment)
        .join(Comment.challenge)
        .outerjoin(on, Comment.solution_id == on.id)
        .where(Comment.author_id == author.id, Comment.deleted.is_(False))
        .options(joinedload(Comment.challenge), joinedload(Comment.solution))
    )
    if not _sees_all(viewer, author):
        stmt = stmt.where(
            Comment.visibility == "public",
            Challenge.visibility == "public",
            (Comment.solution_id.is_(None)) | (on.visibility == "public"),
        )
    return _page(stmt, Comment, before)


def _sees_all(viewer, author):
    return is_admin(viewer) or (is_member(viewer) and viewer.id == author.id)


def _page(stmt, model, before):
    if before is not None:
        stmt = stmt.where(model.id < before)
    rows = db.session.execute(stmt.order_by(model.id.desc()).limit(PAGE_SIZE + 1)).unique().scalars().all()
    if len(rows) > PAGE_SIZE:
        return Page(rows[:PAGE_SIZE], rows[PAGE_SIZE - 1].id)
    return Page(rows, None)
