"""The language members write in, told from its script, so pages can mark it for screen readers
(WCAG 3.1.2: a Chinese idea on an English page is read with a Chinese voice, and the reverse).

The forum speaks two languages, which two scripts tell apart: Han characters are Chinese, Latin
letters English. Only what a reader reads counts: code, addresses, @names and Markdown syntax are
left out. A Latin word weighs about two Han characters ("pollution" 污染, "washing machine"
洗衣机), so a Chinese sentence naming HyperOS stays Chinese and an English one quoting 蒸汽 stays
English; text whose two parts are closer than DOMINANT (a bilingual campaign) or in another
script is undetermined (None), and pages leave it to the page's language.
"""

import re

from markdown_it import MarkdownIt
from markupsafe import Markup

from forum.text import MENTION

CHINESE = "zh-Hans"
ENGLISH = "en"
# The column's width: a BCP 47 tag.
TAG_MAX = 16

# Weight of one Latin word against one Han character, and the share one script must reach.
HAN_PER_WORD = 2
DOMINANT = 0.7

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u024f]+(?:['’][A-Za-z]+)*")
# Letters of any script; those neither Han nor Latin (kana, hangul, Cyrillic ...) are another language.
_LETTER = re.compile(r"[^\W\d_]")
_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f]")
_ADDRESS = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+", re.IGNORECASE)
_INLINE_CODE = re.compile(r"`[^`]*`")

# Parsing only, to find the text among the syntax: rendering stays in forum.text.
_markdown = MarkdownIt("commonmark", {"html": False}).enable("table").enable("strikethrough")


def detect(plain="", markdown=""):
    """The language of `plain` text (a title, a name) and `markdown` (a body) read together:
    CHINESE, ENGLISH, or None when there is nothing to tell or it is mixed or neither."""
    words = _strip(_INLINE_CODE.sub(" ", plain or "")) + " " + _strip(" ".join(_markdown_text(markdown or "")))
    han = len(_HAN.findall(words))
    latin = len(_LATIN_WORD.findall(words))
    other = len(_LETTER.findall(words)) - han - len(_LATIN_LETTER.findall(words))
    weight = han + HAN_PER_WORD * latin + other
    if not weight:
        return None
    if han / weight >= DOMINANT:
        return CHINESE
    if HAN_PER_WORD * latin / weight >= DOMINANT:
        return ENGLISH
    return None


def attribute(tag, page_tag):
    """` lang="…"` for an element holding text in `tag` on a page in `page_tag`; nothing when they
    agree or the text's language is undetermined (the page's then stands)."""
    if not tag or _primary(tag) == _primary(page_tag or ""):
        return Markup("")
    return Markup(' lang="%s"') % tag


def _primary(tag):
    # zh-Hans and zh_Hans, en and en-GB: the same voice.
    return tag.replace("_", "-").split("-")[0].lower()


def _strip(content):
    return MENTION.sub(" ", _ADDRESS.sub(" ", content))


def _markdown_text(source):
    """The text a reader reads in Markdown `source`: no code, no raw HTML, no link targets."""
    stack = [token for token in _markdown.parse(source) if token.type == "inline"]
    while stack:
        token = stack.pop()
        if token.type == "text":
            yield token.content
        elif token.children:
            stack.extend(token.children)
