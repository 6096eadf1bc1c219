"""Reading the mail a test caused: flask_mailman's in-memory outbox (the tests' backend)."""

import re

from flask import current_app

LINK = re.compile(r"https?://[^\s<>\"]+")


def sent(to=None, app=None):
    """The messages sent so far in this test (by `app`, else the current one), to `to` alone when given."""
    messages = getattr((app or current_app).extensions["mailman"], "outbox", [])
    return [m for m in messages if to is None or to in m.to]


def link_in(message, path_part):
    """The one link of the message's text whose path contains `path_part`, relative to the site."""
    [link] = {found for found in LINK.findall(message.body) if path_part in found}
    return re.sub(r"^https?://[^/]+", "", link)
