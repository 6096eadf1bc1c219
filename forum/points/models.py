"""Points awarded to a member, derived from the records of one solution and rebuilt from them."""

from datetime import date

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from forum.extensions import db


class PointAward(db.Model):
    __table_args__ = (
        Index("ix_point_award_community_day", "community_id", "day"),
        Index("ix_point_award_user_id", "user_id"),
        Index("ix_point_award_solution_id", "solution_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="CASCADE"))
    solution_id: Mapped[int] = mapped_column(ForeignKey("solution.id", ondelete="CASCADE"))
    # vote, comment, shortlisted, prototyping, prototyped
    reason: Mapped[str] = mapped_column(String(16))
    points: Mapped[int]
    day: Mapped[date]
