"""Rendered pieces of pages kept per worker, keyed by the data they show.

A card in a list (a solution's title, status, author, tags, excerpt and picture) costs more to
render than the rest of its row, and its HTML changes only when something its key names does: the
row's `updated` time, which every change to the row moves (counts included), the author's name,
the tags, the picture, and the reader's language. Whatever differs per reader (the vote button)
stays outside. Entries expire after FRAGMENT_CACHE_SECONDS too, a bound on anything a key misses.

Templates use it as a call block: {% call cached("solution-card", solution.id, ...) %}...{% endcall %}
"""

from flask import current_app
from flask_babel import get_locale

from forum.pagecache import ExpiringCache


def init_app(app):
    size = app.config["FRAGMENT_CACHE_SIZE"]
    app.extensions["fragments"] = ExpiringCache(size) if size else None
    app.jinja_env.globals["cached"] = cached


def cached(*key, caller):
    """The block's HTML as rendered before for the same key and language, else rendered now."""
    fragments = current_app.extensions["fragments"]
    if fragments is None:
        return caller()
    key = (*key, str(get_locale()))
    html = fragments.get(key)
    if html is None:
        html = caller()
        fragments.put(key, html, current_app.config["FRAGMENT_CACHE_SECONDS"])
    return html
