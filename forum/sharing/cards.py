"""What a shared page tells the site it is pasted into: its Open Graph and Twitter-card tags.

Only plain text goes into the tags (forum/text.py's `plain` of the stored, sanitized HTML), and
the templates escape it. Content not public (hidden by staff, awaiting approval) gives no excerpt
and no picture of its own, and no share control: whoever opens its link could not read it.
"""

import html
import re
from dataclasses import dataclass

from flask_babel import gettext as _

from forum import text
from forum.sharing import links

EXCERPT_MAX = 200
# The brand card, 1200 x 630 (the size Open Graph readers crop to), for pages without a picture.
SITE_CARD = ("og-card.png", 1200, 630)
_IMG_SRC = re.compile(r"<img\b[^>]*?\ssrc=\"([^\"]+)\"", re.IGNORECASE)
_MEDIA_PREFIX = "/media/"
_MEDIA_NAME = re.compile(r"[A-Za-z0-9_-]+\.(?:png|jpg|webp|gif)")


@dataclass(frozen=True)
class Picture:
    url: str
    width: int | None = None
    height: int | None = None


@dataclass(frozen=True)
class ShareCard:
    kind: str
    id: int
    title: str
    url: str
    description: str
    picture: Picture
    shareable: bool

    @property
    def weibo(self):
        return links.weibo_link(self.url, self.title)


def share_card(obj):
    """The card of a challenge, a solution or a release (raises ValueError for anything else)."""
    kind = kind_of(obj)
    public = getattr(obj, "visibility", "public") == "public"
    title = f"{obj.version} · {obj.community.name}" if kind == "release" else obj.title
    return ShareCard(
        kind=kind,
        id=obj.id,
        title=title,
        url=links.page_address(kind, obj),
        description=(excerpt(obj.body_html) if public else "") or _("Cocreate — every idea gets an answer."),
        picture=(_own_picture(kind, obj) if public else None) or site_picture(),
        shareable=public,
    )


def kind_of(obj):
    kind = type(obj).__name__.lower()
    if kind not in links.KINDS:
        raise ValueError(f"nothing to share of {obj!r}")
    return kind


def excerpt(html, limit=EXCERPT_MAX):
    """The first `limit` characters of stored HTML as plain text on one line, cut at a word where
    there are words (Chinese has no spaces to cut at)."""
    plain = " ".join(text.plain(html).split())
    if len(plain) <= limit:
        return plain
    cut = plain[: limit - 1]
    space = cut.rfind(" ")
    if plain[limit - 1] != " " and space > limit // 2:  # not a whole word already: drop the part
        cut = cut[:space]
    return cut.rstrip(" ,.;:，。；：、") + "…"


def site_picture():
    name, width, height = SITE_CARD
    return Picture(links.static_address(name), width, height)


def _own_picture(kind, obj):
    """The first picture of the post: an uploaded image (a solution's, a challenge's cover), else
    the first in its text. Only this forum's uploads: the allow-list keeps no other."""
    upload = None
    if kind == "solution" and obj.images:
        upload = obj.images[0]
    elif kind == "challenge":
        upload = obj.cover_image
    if upload is not None:
        return Picture(links.media_address(upload.name), upload.width, upload.height)
    match = _IMG_SRC.search(obj.body_html or "")
    name = html.unescape(match.group(1)).removeprefix(_MEDIA_PREFIX) if match else ""
    if _MEDIA_NAME.fullmatch(name):
        return Picture(links.media_address(name))
    return None
