"""Rendered pieces of pages kept per worker, keyed by the data they show.

A card in a list (a solution's title, status, author, tags, excerpt and picture) or a comment (its
author, time and text) costs more to render than the rest of its row, and its HTML changes only
when something its key names does: for a card, the row's `updated` time, which every change to the
row moves (counts included), the author's name, the tags and the picture; for a comment, its edit
time, its removal and its author's name; for both, the reader's language and time zone. Whatever
differs per reader (the vote button, a comment's edit and report links) stays outside. Entries
expire after FRAGMENT_CACHE_SECONDS too, a bound on anything a key misses.

Templates use it as a call block: {% call cached("solution-card", solution.id, ...) %}...{% endcall %}
"""

from flask import current_app

from forum.i18n import formatting
from forum.pagecache import ExpiringCache


def init_app(app):
    size = app.config["FRAGMENT_CACHE_SIZE"]
    app.extensions["fragments"] = ExpiringCache(size) if size else None
    app.jinja_env.globals["cached"] = cached


def cached(*key, caller):
    """The block's HTML as rendered before for the same key, language and time zone, else rendered now."""
    fragments = current_app.extensions["fragments"]
    if fragments is None:
        return caller()
    locale, zone = formatting()
    key = (*key, str(locale), str(zone))
    html = fragments.get(key)
    if html is None:
        html = caller()
        fragments.put(key, html, current_app.config["FRAGMENT_CACHE_SECONDS"])
    return html
