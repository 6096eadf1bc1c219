"""The durable queue of content whose search document must be rewritten, and the documents the
PostgreSQL backend searches (forum/search/pg.py)."""

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import TSVECTOR
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


class SearchDocument(db.Model):
    """What search reads of a challenge, solution, comment or prototype update."""

    __tablename__ = "search_document"
    __table_args__ = (
        UniqueConstraint("kind", "obj_id"),
        Index("ix_search_document_words", "words", postgresql_using="gin"),
        Index("ix_search_document_community", "community_id", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    obj_id: Mapped[int]
    community_id: Mapped[int]
    challenge_id: Mapped[int] = mapped_column(Integer, default=0)
    solution_id: Mapped[int] = mapped_column(Integer, default=0)
    author_id: Mapped[int] = mapped_column(Integer, default=0)
    visibility: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(20), default="")
    title: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    created: Mapped[datetime]
    # Text on SQLite, where this backend never runs (the table exists so both schemas match).
    words = mapped_column(TSVECTOR().with_variant(Text(), "sqlite"))
