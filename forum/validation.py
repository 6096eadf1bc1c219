"""Checks every service applies to user text: required, capped, with a message for the field."""

from flask_babel import lazy_gettext as _l

from forum import text
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


def checked_markdown(value, field, maximum, missing=None):
    """A Markdown field, checked as checked_text does, and refused when it shows pictures from
    other sites: the forum shows only its own uploads (the page's security policy blocks others)."""
    value = checked_text(value, field, maximum, missing, strip=False)
    if text.external_images(value):
        raise RuleBroken(
            _l("Pictures from other sites cannot be shown here. Attach the picture with the form instead."),
            field=field,
        )
    return value
