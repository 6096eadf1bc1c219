"""The challenge: a problem in a community, optionally run by staff as a campaign with phases."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.clock import utcnow
from forum.extensions import db
from forum.phases import PHASE_LABELS, PHASES, SUBMISSION_PHASES, VOTING_PHASES  # noqa: F401  (re-exported)


class Challenge(db.Model):
    __table_args__ = (
        Index("ix_challenge_community_hot", "community_id", "hot", "id"),
        Index("ix_challenge_community_votes", "community_id", "vote_count", "id"),
        Index("ix_challenge_community_id", "community_id", "id"),
        Index("ix_challenge_hot", "hot", "id"),
    )
    not_found_message = _l("No such challenge.")

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    # The language it is written in (forum/languages.py), for lang= on pages; None: undetermined.
    lang: Mapped[str | None] = mapped_column(String(16))
    # A campaign is run by staff (phases, deadlines, budget, reward); a fan's problem is not, until adopted.
    is_campaign: Mapped[bool] = mapped_column(default=False)
    phase: Mapped[str] = mapped_column(String(16), default="submission")
    submission_ends: Mapped[datetime | None]
    voting_ends: Mapped[datetime | None]
    vote_budget: Mapped[int | None]
    review_threshold: Mapped[int | None]
    reward: Mapped[str | None] = mapped_column(String(500))
    # Counts kept on the row, changed in the transaction that changes what they count.
    solution_count: Mapped[int] = mapped_column(default=0)
    vote_count: Mapped[int] = mapped_column(default=0)
    comment_count: Mapped[int] = mapped_column(default=0)
    follower_count: Mapped[int] = mapped_column(default=0)
    hot: Mapped[float] = mapped_column(default=0.0)
    # public, hidden (by staff or by flags) or pending (a new account's post awaiting approval).
    visibility: Mapped[str] = mapped_column(String(8), default="public", server_default="public")
    # Locked: no new comments.
    locked: Mapped[bool] = mapped_column(default=False, server_default="0")
    created: Mapped[datetime] = mapped_column(default=utcnow)
    updated: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    community = relationship("Community")
    author = relationship("User")
    # The cover is the newest image uploaded for the challenge itself.
    cover_image = relationship(
        "Image",
        primaryjoin="Image.challenge_id == Challenge.id",
        order_by="Image.id.desc()",
        uselist=False,
        viewonly=True,
    )

    def current_phase(self, now=None):
        """The phase with passed deadlines applied: deadlines advance a campaign when read."""
        now = now or utcnow()
        phase = self.phase
        if phase == "submission" and self.submission_ends and self.submission_ends <= now:
            phase = "voting"
        if phase == "voting" and self.voting_ends and self.voting_ends <= now:
            phase = "review"
        return phase

    @property
    def phase_label(self):
        return PHASE_LABELS[self.current_phase()]

    def __repr__(self):
        return f"<Challenge {self.id} {self.title!r}>"
