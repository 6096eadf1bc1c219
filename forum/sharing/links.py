"""The absolute address of a shared page, and the outbound links that share it.

Addresses are built from BASE_URL, as mail builds them, never from the request's Host header:
visitors' pages are kept and served again to every visitor (forum/pagecache.py) whatever Host they
asked with, so a forged Host would otherwise put another site into everyone's copied link and QR
code. `make run` sets BASE_URL to the port it serves; deployments set it as mail needs it anyway.

A shared address never carries the sharer's language: the reader gets the page in theirs.
"""

from urllib.parse import urlencode

from forum.mail.services import public_url
from forum.paging import encode_cursor

WEIBO_SHARE = "https://service.weibo.com/share/share.php"
# What `page_address` can name, and the QR endpoint encodes: this forum's own pages, nothing else.
KINDS = ("challenge", "solution", "release")


def page_address(kind, obj):
    """The absolute, canonical address of the page that shows `obj`."""
    if kind == "challenge":
        return public_url("challenges.detail", challenge_id=obj.id)
    if kind == "solution":
        return public_url("solutions.detail", solution_id=obj.id)
    if kind == "release":
        return public_url("review.release_list", slug=obj.community.slug, cursor=release_cursor(obj))
    raise ValueError(f"nothing to share of kind {kind!r}")


def release_cursor(release):
    """The cursor of the release page that starts with `release`: releases are paged newest first
    by id (forum/review/releases.py), and a page shows the ids below its cursor's. A shared release
    stays on top of the page it opens however many are published after it."""
    return encode_cursor([release.id + 1])


def static_address(filename):
    return public_url("static", filename=filename)


def media_address(name):
    return public_url("media.file", name=name)


def weibo_link(address, title):
    """Weibo's share page, pre-filled: the browser goes there, the forum never asks Weibo anything."""
    return f"{WEIBO_SHARE}?{urlencode({'url': address, 'title': title})}"
