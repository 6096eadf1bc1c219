"""Where the forum's two caches live (Flask-Caching): visitors' whole pages and rendered fragments.

Both are kept in each process's memory by default. With REDIS_URL set, visitors' pages move to
that Redis, shared by every worker and node, and so does the content generation that tells them a
kept page is out of date (forum/pagecache.py). Fragments stay in each process even then: their keys
name the data they show, so workers cannot disagree about them, and a round trip to Redis per card
costs about what rendering the card does (forum/fragments.py).
"""

from flask_caching import Cache
from flask_caching.backends.simplecache import SimpleCache

# Our own `cached` call blocks (forum/fragments.py) replace Flask-Caching's Jinja extension.
pages = Cache(with_jinja2_ext=False)
fragments = Cache(with_jinja2_ext=False)

# Redis is on the request's path: a Redis that stops answering slows each page by this much at
# most, and the page is then rendered afresh (forum/pagecache.py logs it).
REDIS_TIMEOUT_SECONDS = 0.5


class KeptAsIs:
    """Values kept as the objects they are, for SimpleCache (which asks only for dumps and loads).

    What the forum keeps is immutable (HTML strings, tuples of bytes), so pickling would only copy
    it, at 4 µs a fragment read and a hundred fragments a discussion page."""

    def dumps(self, value, protocol=None):
        return value

    def loads(self, bvalue):
        return bvalue


class ProcessCache(SimpleCache):
    """Flask-Caching's per-process cache, kept as is and pruned a tenth at a time.

    SimpleCache makes room by sorting every entry, then drops only as many as it must: once full,
    each new entry cost a sort of them all (1.2 ms with 5,000 fragments, more than rendering the
    card). Dropping the tenth that expires first spreads one sort over a tenth of the entries."""

    serializer = KeptAsIs()

    def _remove_older(self):
        surplus = len(self._cache) - self._threshold + self._threshold // 10
        for key, _entry in sorted(self._cache.items(), key=lambda item: item[1][0])[:surplus]:
            del self._cache[key]


def init_pages(app):
    """Visitors' pages: in the Redis at REDIS_URL when set, else in this process."""
    config = app.config
    if config.get("REDIS_URL"):
        backend = {
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": config["REDIS_URL"],
            "CACHE_KEY_PREFIX": f"{config['CACHE_KEY_PREFIX']}page:",
            "CACHE_OPTIONS": {
                "socket_timeout": REDIS_TIMEOUT_SECONDS,
                "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
            },
            "CACHE_DEFAULT_TIMEOUT": config["PAGE_CACHE_SECONDS"],
        }
    else:
        backend = _in_process(config["PAGE_CACHE_SIZE"], config["PAGE_CACHE_SECONDS"])
    pages.init_app(app, backend)


def init_fragments(app):
    """Rendered fragments: in this process, FRAGMENT_CACHE_SIZE of them (0: none kept)."""
    config = app.config
    if config["FRAGMENT_CACHE_SIZE"]:
        fragments.init_app(app, _in_process(config["FRAGMENT_CACHE_SIZE"], config["FRAGMENT_CACHE_SECONDS"]))


def _in_process(size, seconds):
    return {"CACHE_TYPE": f"{__name__}.ProcessCache", "CACHE_THRESHOLD": max(size, 1), "CACHE_DEFAULT_TIMEOUT": seconds}


def is_shared(cache, app):
    """Whether every process reads the same entries (a Redis), not each its own memory."""
    return not isinstance(app.extensions["cache"][cache], SimpleCache)
