"""Solutions, their edit history and tags; votes, comments and follows."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Column, ForeignKey, Index, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.clock import utcnow
from forum.extensions import db

STATUSES = ("open", "shortlisted", "prototyping", "prototyped", "declined", "merged")
STATUS_LABELS = {
    "open": _l("Open"),
    "shortlisted": _l("Shortlisted"),
    "prototyping": _l("Prototyping"),
    "prototyped": _l("Prototyped"),
    "declined": _l("Declined"),
    "merged": _l("Merged"),
}

solution_tag = Table(
    "solution_tag",
    db.metadata,
    Column("solution_id", ForeignKey("solution.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Tag(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(30), unique=True)


class Solution(db.Model):
    __table_args__ = (
        # One index per sort of a challenge's list; the id breaks ties for keyset paging.
        Index("ix_solution_challenge_hot", "challenge_id", "hot", "id"),
        Index("ix_solution_challenge_votes", "challenge_id", "vote_count", "id"),
        Index("ix_solution_challenge_id", "challenge_id", "id"),
    )
    not_found_message = _l("No such solution.")

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenge.id", ondelete="CASCADE"))
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    # The language it is written in (forum/languages.py), for lang= on pages; None: undetermined.
    lang: Mapped[str | None] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    vote_count: Mapped[int] = mapped_column(default=0)
    comment_count: Mapped[int] = mapped_column(default=0)
    follower_count: Mapped[int] = mapped_column(default=0)
    hot: Mapped[float] = mapped_column(default=0.0)
    # public, hidden (by staff or by flags) or pending (a new account's post awaiting approval).
    visibility: Mapped[str] = mapped_column(String(8), default="public", server_default="public")
    # Locked: no new comments.
    locked: Mapped[bool] = mapped_column(default=False, server_default="0")
    # Set when the votes first reach the challenge's review threshold.
    review_requested: Mapped[datetime | None]
    created: Mapped[datetime] = mapped_column(default=utcnow)
    updated: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # The last edit of its text once people had voted for it, or by staff from the voting phase
    # on: shown as "edited", with the history everyone can read. Edits before any vote are free.
    edited: Mapped[datetime | None]

    challenge = relationship("Challenge")
    author = relationship("User")
    tags = relationship("Tag", secondary=solution_tag, order_by="Tag.name")
    images = relationship("Image", order_by="Image.id", primaryjoin="Image.solution_id == Solution.id")

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]


class SolutionRevision(db.Model):
    """The text of a solution before an edit: its public history."""

    id: Mapped[int] = mapped_column(primary_key=True)
    solution_id: Mapped[int] = mapped_column(ForeignKey("solution.id", ondelete="CASCADE"), index=True)
    editor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    # The votes the idea had when it was edited, and the editor's reason (required of staff
    # editing from the voting phase on).
    votes: Mapped[int] = mapped_column(default=0, server_default="0")
    note: Mapped[str | None] = mapped_column(Text)
    created: Mapped[datetime] = mapped_column(default=utcnow)

    editor = relationship("User")


class Vote(db.Model):
    __table_args__ = (
        UniqueConstraint("solution_id", "user_id"),
        # The vote budget counts a fan's votes in one challenge.
        Index("ix_vote_user_challenge", "user_id", "challenge_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    solution_id: Mapped[int] = mapped_column(ForeignKey("solution.id", ondelete="CASCADE"))
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenge.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    created: Mapped[datetime] = mapped_column(default=utcnow)


class Comment(db.Model):
    """A comment on a challenge or a solution; `parent` makes it a reply (one level)."""

    __table_args__ = (
        Index("ix_comment_solution_id", "solution_id", "id"),
        # A challenge's own discussion (solution_id NULL) without walking its solutions' comments.
        Index("ix_comment_challenge_solution_id", "challenge_id", "solution_id", "id"),
    )
    not_found_message = _l("No such comment.")

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenge.id", ondelete="CASCADE"))
    # None for a comment on the challenge itself.
    solution_id: Mapped[int | None] = mapped_column(ForeignKey("solution.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    # The language it is written in (forum/languages.py), for lang= on pages; None: undetermined.
    lang: Mapped[str | None] = mapped_column(String(16))
    deleted: Mapped[bool] = mapped_column(default=False)
    visibility: Mapped[str] = mapped_column(String(8), default="public", server_default="public")
    created: Mapped[datetime] = mapped_column(default=utcnow)
    edited: Mapped[datetime | None]

    author = relationship("User")
    solution = relationship("Solution")
    challenge = relationship("Challenge")


class Follow(db.Model):
    """A user following a challenge or a solution.

    Typed target columns rather than two nullable keys, so that the unique constraint holds
    (NULLs never collide in SQL) and a double click cannot follow twice.
    """

    __table_args__ = (
        UniqueConstraint("user_id", "target_type", "target_id"),
        Index("ix_follow_target", "target_type", "target_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    target_type: Mapped[str] = mapped_column(String(16))  # "challenge" or "solution"
    target_id: Mapped[int]
    created: Mapped[datetime] = mapped_column(default=utcnow)


class Merge(db.Model):
    """A duplicate merged into another solution, with what it takes to undo it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("solution.id", ondelete="CASCADE"), index=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("solution.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")
    source_status: Mapped[str] = mapped_column(String(16))
    # Votes moved to the target, and voters whose vote for the source was dropped because they
    # had voted for the target too (their vote came back to their budget).
    moved_vote_ids: Mapped[list] = mapped_column(JSON, default=list)
    dropped_voter_ids: Mapped[list] = mapped_column(JSON, default=list)
    created: Mapped[datetime] = mapped_column(default=utcnow)
    undone: Mapped[datetime | None]

    source = relationship("Solution", foreign_keys=[source_id])
    target = relationship("Solution", foreign_keys=[target_id])
