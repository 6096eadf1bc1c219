"""The one source of "now": naive UTC datetimes, as stored in every engine's columns."""

from datetime import UTC, datetime


def utcnow():
    return datetime.now(UTC).replace(tzinfo=None)


def isoformat(value):
    """ISO 8601 in UTC with a Z, as the API and exports write times."""
    return value.isoformat(timespec="seconds") + "Z" if value else None
