"""An uploaded image, stored under the instance folder with a random name."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from forum.clock import utcnow
from forum.extensions import db


class Image(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    # None until the solution it was uploaded with is saved (a failed form keeps its uploads).
    solution_id: Mapped[int | None] = mapped_column(ForeignKey("solution.id", ondelete="SET NULL"), index=True)
    # Set for a photo of a prototype's milestone update.
    update_id: Mapped[int | None] = mapped_column(ForeignKey("prototype_update.id", ondelete="SET NULL"), index=True)
    # Set for a challenge's cover image.
    challenge_id: Mapped[int | None] = mapped_column(ForeignKey("challenge.id", ondelete="SET NULL"), index=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    thumb_name: Mapped[str] = mapped_column(String(64))
    content_type: Mapped[str] = mapped_column(String(32))
    width: Mapped[int]
    height: Mapped[int]
    size: Mapped[int]
    created: Mapped[datetime] = mapped_column(default=utcnow)
