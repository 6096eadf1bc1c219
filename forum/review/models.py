"""Staff answers: status trail, rubric reviews, assignments, staff notes, prototypes and their
events, release notes."""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Column, ForeignKey, Index, String, Table, Text, UniqueConstraint
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
    # The language it is written in (forum/languages.py), for lang= on pages; None: undetermined.
    lang: Mapped[str | None] = mapped_column(String(16))
    # A note the forum writes itself ("The merge was undone.") is a key of SYSTEM_NOTES with its
    # parameters, put into words when read, in the reader's language; `note` then stays empty.
    note_key: Mapped[str | None] = mapped_column(String(40))
    note_params: Mapped[dict | None] = mapped_column(JSON)
    created: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    actor = relationship("User")

    def note_text(self):
        """The note as plain text in the current language: a system note put into words from its
        key, a staff member's note as typed."""
        words = SYSTEM_NOTES.get(self.note_key) if self.note_key else None
        if words is None:
            return self.note or ""
        try:
            return str(words(**(self.note_params or {})))
        except TypeError:  # parameters of an older wording: say it without them
            return str(words())


# The notes the forum writes into status trails, by key. A key stays once stored: rename the
# words freely, never the key.
SYSTEM_NOTES = {
    "merge_undone": lambda: _l("The merge was undone."),
    "shipped": lambda version="": _l("Shipped in %(version)s.", version=version),
}


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


prototype_member = Table(
    "prototype_member",
    db.metadata,
    Column("prototype_id", ForeignKey("prototype.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Prototype(db.Model):
    """A promoted solution going offline: its expert team, milestone updates and events."""

    id: Mapped[int] = mapped_column(primary_key=True)
    solution_id: Mapped[int] = mapped_column(ForeignKey("solution.id", ondelete="CASCADE"), unique=True)
    created: Mapped[datetime] = mapped_column(default=utcnow)

    solution = relationship("Solution")
    team = relationship("User", secondary=prototype_member, order_by="User.username")


class PrototypeUpdate(db.Model):
    """A public milestone: "workshop held", "sample machine built", "user test"."""

    id: Mapped[int] = mapped_column(primary_key=True)
    prototype_id: Mapped[int] = mapped_column(ForeignKey("prototype.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    # The language it is written in (forum/languages.py), for lang= on pages; None: undetermined.
    lang: Mapped[str | None] = mapped_column(String(16))
    created: Mapped[datetime] = mapped_column(default=utcnow)

    author = relationship("User")
    prototype = relationship("Prototype")
    images = relationship("Image", order_by="Image.id", primaryjoin="Image.update_id == PrototypeUpdate.id")


class Event(db.Model):
    """An offline event of a prototype that fans sign up for; beyond its seats they wait."""

    id: Mapped[int] = mapped_column(primary_key=True)
    prototype_id: Mapped[int] = mapped_column(ForeignKey("prototype.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    starts: Mapped[datetime]
    place: Mapped[str] = mapped_column(String(200))
    seats: Mapped[int]
    # Kept on the row, changed with the signups, so lists do not count.
    taken: Mapped[int] = mapped_column(default=0)
    created: Mapped[datetime] = mapped_column(default=utcnow)


class EventSignup(db.Model):
    """A fan's seat at an event, or place on its waiting list (first come, first served: by id)."""

    __table_args__ = (
        UniqueConstraint("event_id", "user_id"),
        Index("ix_event_signup_queue", "event_id", "waitlisted", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    waitlisted: Mapped[bool] = mapped_column(default=False)
    created: Mapped[datetime] = mapped_column(default=utcnow)
    # A cancelled signup stays for the roster; signing up again replaces it at the end of the queue.
    cancelled: Mapped[datetime | None]
    # Marked by staff on the roster: None until they do.
    attended: Mapped[bool | None]

    user = relationship("User")


class Release(db.Model):
    """A community's release note: a version, a date, a text and the fans' ideas it ships."""

    __table_args__ = (Index("ix_release_community_id", "community_id", "id"),)
    not_found_message = _l("No such release.")

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    version: Mapped[str] = mapped_column(String(60))
    released_on: Mapped[date]
    body: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    # The language it is written in (forum/languages.py), for lang= on pages; None: undetermined.
    lang: Mapped[str | None] = mapped_column(String(16))
    created: Mapped[datetime] = mapped_column(default=utcnow)

    community = relationship("Community")
    author = relationship("User")
    solutions = relationship("Solution", secondary="release_item", order_by="Solution.vote_count.desc()")


class ReleaseItem(db.Model):
    __tablename__ = "release_item"

    release_id: Mapped[int] = mapped_column(ForeignKey("release.id", ondelete="CASCADE"), primary_key=True)
    solution_id: Mapped[int] = mapped_column(
        ForeignKey("solution.id", ondelete="CASCADE"), primary_key=True, index=True
    )
