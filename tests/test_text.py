"""The renderer for all user text: Markdown without raw HTML, then Bleach's allow-list.

A corpus of hostile inputs (script, event handlers, javascript: and data: links in many
spellings, broken and nested markup, mutation-XSS payloads from Bleach's own advisories) must
come out with no script, no handler and no unsafe URL, parsed the way a browser parses it.
"""

import itertools
import re

import html5lib
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forum import text
from forum.text import ALLOWED_ATTRIBUTES, ALLOWED_PROTOCOLS, ALLOWED_TAGS, LINK_REL, render, sanitize

SCHEME_SPELLINGS = [
    "javascript:",
    "JAVASCRIPT:",
    "JaVaScRiPt:",
    " javascript:",
    "java\tscript:",
    "java\nscript:",
    "java&#x09;script:",
    "&#106;avascript:",
    "&#x6A;avascript:",
    "&#0000106&#0000097vascript:",
    "javascript&colon;",
    "jav&#x61;script:",
    "%6A%61vascript:",
    "\x01javascript:",
    "vbscript:",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "data:image/svg+xml,<svg onload=alert(1)>",
    "livescript:",
    "file:///etc/passwd",
]
LINK_FORMS = [
    "[click]({u}alert(1))",
    "[click](<{u}alert(1)>)",
    "![img]({u}alert(1))",
    "<{u}alert(1)>",
    "[ref][1]\n\n[1]: {u}alert(1)",
    '<a href="{u}alert(1)">x</a>',
    '<img src="{u}alert(1)">',
    '<iframe src="{u}alert(1)"></iframe>',
    '[x]({u}alert(1) "title")',
]
TAG_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<img src=x onerror=alert(1)//",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<body onload=alert(1)>",
    "<iframe srcdoc='<script>alert(1)</script>'></iframe>",
    "<object data=javascript:alert(1)>",
    "<embed src=javascript:alert(1)>",
    "<form action=javascript:alert(1)><input type=submit>",
    "<input onfocus=alert(1) autofocus>",
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)>",
    "<audio src=x onerror=alert(1)>",
    "<marquee onstart=alert(1)>",
    "<style>@import 'http://evil.example/x.css';</style>",
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<div style="width: expression(alert(1))">',
    "<base href=//evil.example/>",
    "<meta http-equiv=refresh content='0;url=javascript:alert(1)'>",
    "<link rel=stylesheet href=//evil.example/x.css>",
    "<math><mi xlink:href=javascript:alert(1)>x</mi></math>",
    "<a href=# onclick=alert(1)>x</a>",
    '<a href="https://ok.example" onmouseover="alert(1)">x</a>',
    "<table background=javascript:alert(1)>",
    "<isindex action=javascript:alert(1) type=image>",
    "<!--<img src=x onerror=alert(1)>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<svg><style><img src=x onerror=alert(1)></style></svg>",
    "<math><style><img src=x onerror=alert(1)></style></math>",
    "<template><img src=x onerror=alert(1)></template>",
    "<select><template><style><img src=x onerror=alert(1)></style></template></select>",
    "<textarea></textarea><img src=x onerror=alert(1)>",
    "<title><img src=x onerror=alert(1)></title>",
    "<xmp><img src=x onerror=alert(1)></xmp>",
    "<plaintext><img src=x onerror=alert(1)>",
    "<a href='x' title='\"><img src=x onerror=alert(1)>'>x</a>",
    "<<script>script>alert(1)<</script>/script>",
    "<img/src=x/onerror=alert(1)>",
    "<img src=`x`onerror=alert(1)>",
    "<img src=x onerror\x0b=alert(1)>",
    "<div><p><b><i><u><s><img src=x onerror=alert(1)>",
    "**bold <img src=x onerror=alert(1)>**",
    "`<script>alert(1)</script>`",
    "```html\n<script>alert(1)</script>\n```",
    "> <img src=x onerror=alert(1)>",
    "| a | b |\n|---|---|\n| <img src=x onerror=alert(1)> | x |",
    "[<img src=x onerror=alert(1)>](https://ok.example)",
    '[x](https://ok.example" onmouseover="alert(1))',
    '![x](https://ok.example/a.png" onerror="alert(1))',
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    '<a href="javas&#99;ript:alert(1)">x</a>',
    '<a href="&#x6a;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3a;alert(1)">x</a>',
]
HOSTILE = TAG_PAYLOADS + [form.format(u=u) for form, u in itertools.product(LINK_FORMS, SCHEME_SPELLINGS)]


def elements(html):
    """Every element a browser would build from `html` (html5lib follows the HTML spec's parser)."""
    fragment = html5lib.parseFragment(html, treebuilder="etree", namespaceHTMLElements=False)
    for element in fragment.iter():
        if isinstance(element.tag, str) and element is not fragment:
            yield element


def url_scheme(url):
    """The scheme a browser reads in `url` (WHATWG URL parsing), or None for a relative URL."""
    cleaned = re.sub(r"[\t\n\r]", "", url).strip(
        "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f"
        "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c"
        "\x1d\x1e\x1f "
    )
    match = re.match(r"([a-zA-Z][a-zA-Z0-9+.-]*):", cleaned)
    return match.group(1).lower() if match else None


def assert_safe(html):
    for element in elements(html):
        tag = element.tag.split("}")[-1]
        assert tag in ALLOWED_TAGS, f"tag {tag} in {html!r}"
        for name, value in element.attrib.items():
            name = name.split("}")[-1]
            assert name in ALLOWED_ATTRIBUTES.get(tag, ()), f"attribute {name} on {tag} in {html!r}"
            if name in ("href", "src"):
                scheme = url_scheme(value)
                assert scheme is None or scheme in ALLOWED_PROTOCOLS, f"{name}={value!r} in {html!r}"


def test_the_corpus_is_large():
    assert len(HOSTILE) >= 100


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_input_comes_out_safe_and_stable(hostile):
    html = render(hostile)
    assert_safe(html)
    assert sanitize(html) == html  # sanitizing again changes nothing
    assert render(hostile) == html  # the same input always gives the same output


def test_markdown_renders():
    assert render("**bold** and *em*") == "<p><strong>bold</strong> and <em>em</em></p>\n"
    assert render("") == ""
    assert "<table>" in render("| a | b |\n|---|---|\n| 1 | 2 |")
    assert "<s>gone</s>" in render("~~gone~~")


def test_raw_html_is_shown_as_text_not_dropped():
    assert "&lt;b&gt;hi&lt;/b&gt;" in render("<b>hi</b>")


def test_links_are_nofollow_and_bare_urls_become_links():
    html = render("see [docs](https://example.com) or https://haier.example.com/x and mailto:a@example.com")
    assert html.count(f'rel="{LINK_REL}"') == 3
    assert 'href="https://example.com"' in html


def test_relative_links_and_uploaded_images_survive():
    html = render("[mine](/solutions/3) ![photo](/media/abc.png)")
    assert 'href="/solutions/3"' in html and 'src="/media/abc.png"' in html


def test_worst_case_bodies_at_the_maximum_length_render_and_stay_bounded():
    for body in ("[" * 20_000, "*" * 20_000, "> " * 10_000, "<" * 20_000, "![" * 10_000, "_a" * 10_000, "`" * 20_000):
        html = render(body)
        assert_safe(html)
        assert len(html) < 20 * len(body)


MARKUP = st.sampled_from(
    ["<", ">", "/", "=", '"', "'", " ", "\n", "[", "]", "(", ")", "!", "*", "`", ":", "&", "#", ";",
     "a", "img", "script", "svg", "math", "style", "onerror", "href", "src", "javascript", "data",
     "http://x.example", "alert(1)", "<a ", "<img ", "<p>", "</p>", "<table>", "&#x6A;"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(MARKUP, max_size=60).map("".join))
def test_any_output_uses_only_the_allow_list(source):
    assert_safe(render(source))


def test_only_this_sites_pictures_survive_the_sanitizer():
    assert 'src="/media/abc.png"' in text.render("![drum](/media/abc.png)")
    for source in ("![x](https://example.com/a.png)", "![x](//evil.example/a.png)", "![x](data:image/png;base64,AAAA)"):
        html = text.render(source)
        assert "src=" not in html, html
    assert text.external_images("![a](/media/a.png) and ![b](https://example.com/b.png)") == [
        "https://example.com/b.png"
    ]


def test_a_solution_with_a_picture_from_another_site_is_refused_with_the_reason(app, users, community, login):
    from tests import factories

    challenge = factories.challenge(users["staff"], community)
    page = login(users["fan"]).post(
        f"/challenges/{challenge.id}/solutions/new",
        data={"title": "Hot-linked", "body": "Look: ![drum](https://example.com/drum.png)"},
    )
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "Pictures from other sites cannot be shown here." in body
    assert "https://example.com/drum.png" in body  # what the fan typed comes back
