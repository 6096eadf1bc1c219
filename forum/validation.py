"""Checks every service applies to user text: required, capped, with a message for the field."""

from flask_babel import lazy_gettext as _l

from forum.errors import RuleBroken


def checked_text(value, field, maximum, missing=None, strip=True):
    """The value (stripped for one-line fields), or RuleBroken naming `field` when it is empty
    and `missing` gives the message for that, or longer than `maximum`."""
    # PostgreSQL cannot store NUL in text, and no reader wants one.
    value = (value or "").replace("\x00", "")
    if strip:
        value = value.strip()
    if missing is not None and not value.strip():
        raise RuleBroken(missing, field=field)
    if len(value) > maximum:
        raise RuleBroken(_l("Use at most %(n)d characters.", n=maximum), field=field)
    return value
