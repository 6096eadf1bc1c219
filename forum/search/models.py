"""The durable queue of content whose search document must be rewritten."""

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from forum.clock import utcnow
from forum.extensions import db


class SearchQueue(db.Model):
    """A change to index, written in the transaction of the change itself, so that a crash
    between the commit and the index update loses nothing: the next drain picks it up."""

    id: Mapped[int] = mapped_column(primary_key=True)
    # "challenge:12", "solution:7", "comment:3", "update:5"
    key: Mapped[str] = mapped_column(String(40))
    created: Mapped[datetime] = mapped_column(default=utcnow)
