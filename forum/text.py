"""The one place user text becomes HTML: Markdown (raw HTML off), then Bleach with an allow-list.

Bleach is the second wall behind Markdown's own escaping; the Content-Security-Policy
is the third. Keep every tag, attribute and protocol decision in this module.
"""

import html as html_lib
import re
from functools import partial

import bleach
from bleach.linkifier import LinkifyFilter
from markdown_it import MarkdownIt
from markdown_it.token import Token

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4",
        "h5", "h6", "hr", "i", "img", "li", "ol", "p", "pre", "strong", "table", "tbody",
        "s", "td", "th", "thead", "tr", "ul",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": ["href", "title", "rel"],
    "abbr": ["title"],
    "img": ["src", "alt", "title"],
    "th": ["align"],
    "td": ["align"],
    "ol": ["start"],
}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow noopener ugc"

_markdown = (
    MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    .enable("table")
    .enable("strikethrough")
)


# @name, where name is a username (letters of any script, digits, _ and -); not inside a word or an
# email address (a@b.com), nor in code or in a link's text.
MENTION = re.compile(r"(?<![\w@.+-])@([\w-]{3,30})")


def _mention_links(state):
    """A core rule: @names the renderer was given a link for become links to the profile."""
    links = state.env.get("mentions")
    if not links:
        return
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        children, in_link = [], 0
        for token in block.children:
            in_link += {"link_open": 1, "link_close": -1}.get(token.type, 0)
            if token.type == "text" and not in_link and "@" in token.content:
                children.extend(_split_mentions(token.content, links))
            else:
                children.append(token)
        block.children = children


def _split_mentions(content, links):
    pieces, start = [], 0
    for match in MENTION.finditer(content):
        href = links.get(match.group(1))
        if href is None:
            continue
        pieces.append(_text(content[start : match.start()]))
        pieces += [Token("link_open", "a", 1, attrs={"href": href}), _text(match.group()), Token("link_close", "a", -1)]
        start = match.end()
    pieces.append(_text(content[start:]))
    return [piece for piece in pieces if piece.type != "text" or piece.content]


def _text(content):
    token = Token("text", "", 0)
    token.content = content
    return token


_markdown.core.ruler.push("mentions", _mention_links)


def mentioned_names(source):
    """The @names written in Markdown `source`, outside code and links, in order, once each."""
    names = []
    stack = list(_markdown.parse(source or ""))
    for block in stack:
        in_link = 0
        for token in block.children or ():
            in_link += {"link_open": 1, "link_close": -1}.get(token.type, 0)
            if token.type == "text" and not in_link:
                names += [name for name in MENTION.findall(token.content) if name not in names]
    return names


def _set_rel(attrs, new=False):
    attrs[(None, "rel")] = LINK_REL
    return attrs


def _allowed_attribute(tag, name, value):
    # Pictures come from this site alone: the Content-Security-Policy (img-src 'self') would block
    # any other, and a reader would see a broken image. Services refuse such Markdown with a
    # message (external_images); this keeps the rule for HTML from anywhere else.
    if tag == "img" and name == "src":
        return is_local_image(value)
    return name in ALLOWED_ATTRIBUTES.get(tag, ())


_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=_allowed_attribute,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
    filters=[partial(LinkifyFilter, callbacks=[_set_rel], skip_tags={"pre", "code"}, parse_email=False)],
)


def is_local_image(src):
    """A picture this forum serves: a path on this site (an upload), not another site or data."""
    return src.startswith("/") and not src.startswith("//") and "\\" not in src


def external_images(source):
    """The addresses of Markdown images in `source` that are not this forum's own."""
    found = []
    stack = list(_markdown.parse(source or ""))
    while stack:
        token = stack.pop()
        if token.type == "image" and not is_local_image(token.attrGet("src") or ""):
            found.append(token.attrGet("src") or "")
        stack.extend(token.children or ())
    return found


def render(source, mentions=None):
    """Render untrusted Markdown to safe HTML, to be stored beside its source. `mentions` maps
    @names as written to the links they become (the members they name; other @names stay text)."""
    if not source:
        return ""
    return sanitize(_markdown.render(source, {"mentions": mentions or {}}))


def sanitize(html):
    """The allow-list alone, for HTML that did not come from our Markdown."""
    return _cleaner.clean(html)


_BLOCK_END = re.compile(r"</(?:p|li|h[1-6]|pre|blockquote|tr)>|<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")


def plain(html):
    """Plain text of HTML this module produced (exports, previews). A regex is enough here, and
    quick, because the input has already been through the allow-list above."""
    return html_lib.unescape(_TAG.sub("", _BLOCK_END.sub("\n", html or ""))).strip()


def excerpt(html, length=180):
    """The opening words of HTML this module produced, on one line for a card or a notice: its
    paragraphs and list items kept apart by " · " (without tags they ran into one sentence), cut
    at a word near `length` characters."""
    text = " · ".join(" ".join(line.split()) for line in plain(html).splitlines() if line.strip())
    if len(text) <= length:
        return text
    cut = text[: length - 1]
    if " " in cut[length // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ·") + "…"
