"""The renderer for all user text: Markdown without raw HTML, then Bleach's allow-list."""

from html.parser import HTMLParser

import pytest

from forum.text import render

UNSAFE_SCHEMES = ("javascript:", "data:", "vbscript:")


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.elements = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def elements(html):
    parser = _Elements()
    parser.feed(html)
    return parser.elements


def test_markdown_renders():
    assert render("**bold** and *em*") == "<p><strong>bold</strong> and <em>em</em></p>\n"
    assert render("") == ""


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](data:text/html;base64,PHNjcmlwdD4=)",
        "![x](javascript:alert(1))",
        '<a href="javascript:alert(1)">x</a>',
        "<svg onload=alert(1)>",
        "<iframe src=//evil.example></iframe>",
        "<style>body{}</style>",
    ],
)
def test_hostile_input_comes_out_harmless(hostile):
    for tag, attrs in elements(render(hostile)):
        assert tag not in ("script", "svg", "iframe", "style")
        assert not any(name.startswith("on") for name in attrs)
        for name in ("href", "src"):
            assert not (attrs.get(name) or "").strip().lower().startswith(UNSAFE_SCHEMES)


def test_links_are_nofollow_and_bare_urls_become_links():
    html = render("see [docs](https://example.com) or https://haier.example.com/x")
    assert html.count('rel="nofollow noopener ugc"') == 2


def test_rendering_twice_changes_nothing():
    once = render("**x** <b>y</b> [a](https://example.com)")
    assert render(once) != "" and "<strong>x</strong>" in once
