"""Staff answers: the public status trail, rubric reviews, assignments and private staff notes."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.clock import utcnow
from forum.extensions import db


class StatusChange(db.Model):
    """One step of a solution's status, with the staff member and the note fans read."""

    __table_args__ = (Index("ix_status_change_solution_id", "solution_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    solution_id: Mapped[int] = mapped_column(ForeignKey("solution.id", ondelete="CASCADE"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    from_status: Mapped[str] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    note_html: Mapped[str] = mapped_column(Text, default="")
    created: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    actor = relationship("User")


# The rubric staff score on, 1 to 5 each, with the weights of the combined rank (published on
# every campaign page). A high cost score means cheap to build.
RUBRIC = ("feasibility", "impact", "novelty", "cost")
RUBRIC_WEIGHTS = {"feasibility": 0.3, "impact": 0.35, "novelty": 0.2, "cost": 0.15}
# The combined rank mixes the weighted review score with the fans' votes.
REVIEW_SHARE = 0.7
VOTE_SHARE = 0.3


class Review(db.Model):
    """One staff member's scores for one solution."""

    __table_args__ = (UniqueConstraint("solution_id", "reviewer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    solution_id: Mapped[int] = mapped_column(ForeignKey("solution.id", ondelete="CASCADE"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    feasibility: Mapped[int]
    impact: Mapped[int]
    novelty: Mapped[int]
    cost: Mapped[int]
    note: Mapped[str] = mapped_column(Text, default="")
    created: Mapped[datetime] = mapped_column(default=utcnow)
    updated: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    reviewer = relationship("User")

    @property
    def weighted(self):
        return sum(getattr(self, c) * w for c, w in RUBRIC_WEIGHTS.items())


class ReviewAssignment(db.Model):
    """A lead asking one staff member to review one solution."""

    __table_args__ = (UniqueConstraint("solution_id", "reviewer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    solution_id: Mapped[int] = mapped_column(ForeignKey("solution.id", ondelete="CASCADE"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created: Mapped[datetime] = mapped_column(default=utcnow)

    solution = relationship("Solution")
    reviewer = relationship("User", foreign_keys=[reviewer_id])


class StaffNote(db.Model):
    """A private note among staff about a solution; never shown to fans."""

    id: Mapped[int] = mapped_column(primary_key=True)
    solution_id: Mapped[int] = mapped_column(ForeignKey("solution.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    created: Mapped[datetime] = mapped_column(default=utcnow)

    author = relationship("User")
