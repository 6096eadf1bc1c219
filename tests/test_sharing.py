"""Sharing a page: Open Graph and Twitter-card tags (plain, escaped, absolute), the Weibo link, the
copy field, and the QR code that encodes only this forum's own pages."""

import io
import re
from datetime import date
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
import segno
from PIL import Image as PILImage

from forum.extensions import db
from forum.media.models import Image
from forum.moderation.services import hide
from forum.review import releases
from forum.sharing import cards, qr
from tests import factories

BASE = "https://ideas.example.com/forum"


class Head(HTMLParser):
    """The page's meta tags, canonical link, share fields and Weibo links, as a browser reads them."""

    def __init__(self, page):
        super().__init__()
        self.meta, self.canonical, self.fields, self.weibo, self.qr = {}, [], [], [], []
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and ("property" in attrs or "name" in attrs):
            self.meta[attrs.get("property") or attrs["name"]] = attrs["content"]
        elif tag == "link" and attrs.get("rel") == "canonical":
            self.canonical.append(attrs["href"])
        elif tag == "input" and "data-share-url" in attrs:
            self.fields.append(attrs["value"])
        elif tag == "a" and "share-weibo" in (attrs.get("class") or ""):
            self.weibo.append(attrs["href"])
        elif tag == "img" and "/qr.svg" in (attrs.get("src") or ""):
            self.qr.append(attrs["src"])


@pytest.fixture
def shared(make_app, app):
    """An app whose BASE_URL is a public address under a path, as a deployment sets it."""
    return make_app(BASE_URL=BASE)


@pytest.fixture
def challenge(app, community, users):
    return factories.challenge(users["staff"], community, title="Laundry smells", body="Dirt hides **between** drums.")


def _idea(challenge, title="Steam-clean the drum gap", body="A *steam* nozzle after each wash."):
    return factories.solution(factories.user("anna"), challenge, title=title, body=body)


def _head(client, url, **kwargs):
    response = client.get(url, **kwargs)
    assert response.status_code == 200, url
    return Head(response.get_data(as_text=True))


def _attach(solution=None, challenge=None, name="first.png", width=800, height=600):
    image = Image(
        owner_id=None,
        solution_id=solution.id if solution else None,
        challenge_id=challenge.id if challenge else None,
        name=name,
        thumb_name=f"thumb-{name}.webp",
        content_type="image/png",
        width=width,
        height=height,
        size=1000,
    )
    factories.door(db.session.add, image)


def test_a_solution_page_describes_itself_to_the_sites_it_is_pasted_into(shared, challenge):
    idea = _idea(challenge, body="A *steam* nozzle\n\nafter each **wash**, <b>raw</b> & done.")
    head = _head(shared.test_client(), f"/solutions/{idea.id}")
    url = f"{BASE}/solutions/{idea.id}"
    assert head.canonical == [url] and head.meta["og:url"] == url
    assert head.meta["og:title"] == head.meta["twitter:title"] == "Steam-clean the drum gap"
    # Plain text of the body: no Markdown marks, no tags, paragraphs on one line.
    description = "A steam nozzle after each wash, <b>raw</b> & done."
    assert head.meta["og:description"] == head.meta["twitter:description"] == description
    assert head.meta["og:type"] == "article" and head.meta["og:site_name"] == "Cocreate"
    assert head.meta["twitter:card"] == "summary_large_image"
    assert head.meta["og:image"].startswith(f"{BASE}/static/og-card.png")
    assert (head.meta["og:image:width"], head.meta["og:image:height"]) == ("1200", "630")
    assert head.fields == [url]  # the read-only field a fan without JavaScript selects


def test_tags_are_escaped_and_carry_no_user_html(shared, challenge):
    idea = _idea(challenge, title='Dryer "fix" <script>alert(1)</script>', body='Say "hi" <img src=x onerror=alert(1)>')
    page = shared.test_client().get(f"/solutions/{idea.id}").get_data(as_text=True)
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    head = Head(page)
    assert head.meta["og:title"] == 'Dryer "fix" <script>alert(1)</script>'  # as text, once unescaped
    assert head.meta["og:description"] == 'Say "hi" <img src=x onerror=alert(1)>'


def test_the_picture_is_the_solutions_first_image_else_the_first_in_its_text(shared, challenge):
    client = shared.test_client()
    idea = _idea(challenge, body="Look: ![drum](/media/inline-pic.png)")
    assert _head(client, f"/solutions/{idea.id}").meta["og:image"] == f"{BASE}/media/inline-pic.png"
    _attach(solution=idea, name="uploaded.png")
    _attach(solution=idea, name="second.png")
    head = _head(client, f"/solutions/{idea.id}")
    assert head.meta["og:image"] == f"{BASE}/media/uploaded.png"
    assert (head.meta["og:image:width"], head.meta["og:image:height"]) == ("800", "600")


def test_a_challenge_shows_its_cover(shared, challenge):
    _attach(challenge=challenge, name="cover.png", width=1600, height=900)
    head = _head(shared.test_client(), f"/challenges/{challenge.id}?sort=new")
    assert head.canonical == [f"{BASE}/challenges/{challenge.id}"]  # the sort is not part of the page
    assert head.meta["og:image"] == f"{BASE}/media/cover.png"
    assert head.meta["og:description"] == "Dirt hides between drums."
    assert head.fields == [f"{BASE}/challenges/{challenge.id}"]


def test_the_site_card_is_a_1200_by_630_png(app):
    with open(f"{app.static_folder}/og-card.png", "rb") as handle:
        card = PILImage.open(io.BytesIO(handle.read()))
    assert (card.format, card.size) == ("PNG", (1200, 630))


def test_hidden_content_gets_no_excerpt_no_picture_and_no_share_control(shared, challenge, users):
    idea = _idea(challenge, body="Secret plans ![x](/media/secret.png)")
    factories.door(hide, users["staff"], idea)
    client = shared.test_client()
    client.post("/login", data={"login": "staff", "password": factories.PASSWORD})
    page = client.get(f"/solutions/{idea.id}").get_data(as_text=True)
    head = Head(page)
    assert "Secret plans" not in head.meta["og:description"]
    assert head.meta["og:image"].startswith(f"{BASE}/static/og-card.png")
    assert head.fields == [] and head.weibo == [] and head.qr == [] and "data-share" not in page
    assert shared.test_client().get(f"/share/solution/{idea.id}/qr.svg").status_code == 404


def test_addresses_come_from_base_url_never_from_the_host_header(shared, challenge):
    idea = _idea(challenge)
    head = _head(shared.test_client(), f"/solutions/{idea.id}", headers={"Host": "evil.example"})
    assert head.meta["og:url"] == f"{BASE}/solutions/{idea.id}"
    assert "evil.example" not in repr(head.__dict__)


def test_weibo_gets_the_address_and_title_in_an_outbound_link(shared, challenge):
    idea = _idea(challenge, title="Quiet spin & less lint")
    head = _head(shared.test_client(), f"/solutions/{idea.id}")
    (link,) = head.weibo
    parts = urlsplit(link)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://service.weibo.com/share/share.php"
    assert parse_qs(parts.query) == {"url": [f"{BASE}/solutions/{idea.id}"], "title": ["Quiet spin & less lint"]}


def test_a_shared_link_does_not_carry_the_sharers_language(make_app, challenge):
    """The sharer reads in Chinese; the address they pass on opens in each reader's language,
    also from the visitors' page cache."""
    caching = make_app(BASE_URL=BASE, PAGE_CACHE_SECONDS=60)
    idea = _idea(challenge)
    sharer = caching.test_client()
    sharer.get("/language/zh_Hans")
    chinese = sharer.get(f"/solutions/{idea.id}").get_data(as_text=True)
    assert 'lang="zh-Hans"' in chinese and "复制链接" in chinese
    (field,) = Head(chinese).fields
    assert field == f"{BASE}/solutions/{idea.id}"
    path = urlsplit(field).path.removeprefix("/forum")
    english = caching.test_client().get(path, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'lang="en"' in english and "Copy link" in english
    again = caching.test_client().get(path, headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "复制链接" in again


def _modules(svg):
    """The dark modules an SVG from segno draws: its path is rows of horizontal runs."""
    path = re.search(rb' d="([^"]+)"', svg.split(b'class="qrline"')[1]).group(1).decode()
    dark, x, y = set(), 0.0, 0.0
    for command, numbers in re.findall(r"([Mmh])([-\d. ]+)", path):
        values = [float(n) for n in numbers.split()]
        if command == "M":
            x, y = values
        elif command == "m":
            x, y = x + values[0], y + values[1]
        else:
            dark |= {(int(y), int(x) + i) for i in range(int(values[0]))}
            x += values[0]
    return dark


def _matrix_modules(address):
    code = segno.make(address, error=qr.ERROR_LEVEL, micro=False)
    return {
        (row + qr.BORDER, col + qr.BORDER)
        for row, line in enumerate(code.matrix)
        for col, module in enumerate(line)
        if module
    }


def test_the_qr_code_encodes_the_pages_own_address(shared, challenge):
    idea = _idea(challenge)
    client = shared.test_client()
    response = client.get(f"/share/solution/{idea.id}/qr.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert _modules(response.data) == _matrix_modules(f"{BASE}/solutions/{idea.id}")
    assert _modules(response.data) != _matrix_modules(f"{BASE}/solutions/{idea.id + 1}")
    challenge_code = client.get(f"/share/challenge/{challenge.id}/qr.svg").data
    assert _modules(challenge_code) == _matrix_modules(f"{BASE}/challenges/{challenge.id}")
    # The page links to the same code.
    assert _head(client, f"/solutions/{idea.id}").qr == [f"/share/solution/{idea.id}/qr.svg"]


def test_the_qr_code_is_cacheable_and_never_writes(shared, challenge):
    idea = _idea(challenge)
    client = shared.test_client()
    response = client.get(f"/share/solution/{idea.id}/qr.svg")
    assert response.cache_control.public and response.cache_control.max_age >= 3600
    assert "Set-Cookie" not in response.headers and response.headers["ETag"]
    again = client.get(f"/share/solution/{idea.id}/qr.svg", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


@pytest.mark.parametrize(
    "url",
    [
        "/share/solution/999/qr.svg",
        "/share/user/1/qr.svg",
        "/share/community/1/qr.svg",
        "/share/solution/abc/qr.svg",
        "/share/qr.svg?url=https://evil.example/",
    ],
)
def test_the_qr_code_is_only_for_this_forums_pages(shared, challenge, url):
    assert shared.test_client().get(url).status_code == 404


def test_an_address_given_to_the_qr_code_is_ignored(shared, challenge):
    idea = _idea(challenge)
    response = shared.test_client().get(f"/share/solution/{idea.id}/qr.svg?url=https://evil.example/")
    assert _modules(response.data) == _matrix_modules(f"{BASE}/solutions/{idea.id}")


def _publish(staff, community, idea, version):
    return factories.door(
        releases.publish, staff, community, version, date(2026, 11, 28), "**Faster** charging.", [idea.id]
    )


def test_a_shared_release_opens_on_top_of_its_page_however_many_follow(shared, community, users, challenge):
    idea = _idea(challenge)
    first = _publish(users["staff"], community, idea, "HyperOS 2.1.5")
    client = shared.test_client()
    listing = _head(client, f"/c/{community.slug}/releases")
    assert listing.canonical == [f"{BASE}/c/{community.slug}/releases"]
    assert listing.meta["og:title"] == f"HyperOS 2.1.5 · {community.name}"
    assert listing.meta["og:description"] == "Faster charging."
    (address,) = listing.fields
    for n in range(12):  # more than a page of releases after it
        _publish(users["staff"], community, idea, f"HyperOS 2.2.{n}")
    path = urlsplit(address)._replace(scheme="", netloc="").geturl().removeprefix("/forum")
    shared_page = client.get(path).get_data(as_text=True)
    head = Head(shared_page)
    assert head.meta["og:title"] == f"HyperOS 2.1.5 · {community.name}" and head.canonical == [address]
    assert re.search(r'<article id="release-(\d+)"', shared_page).group(1) == str(first.id)
    assert head.fields[0] == address
    code = client.get(f"/share/release/{first.id}/qr.svg").data
    assert _modules(code) == _matrix_modules(address)


def test_an_excerpt_is_cut_at_a_word_or_anywhere_in_chinese():
    assert cards.excerpt("<p>short</p>") == "short"
    english = cards.excerpt("<p>" + "word " * 100 + "</p>", limit=40)
    assert english.endswith("word…") and len(english) <= 40
    chinese = cards.excerpt("<p>" + "洗衣机二次污染" * 50 + "</p>", limit=40)
    assert len(chinese) == 40 and chinese.endswith("…")
