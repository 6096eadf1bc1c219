"""Visitors' pages: no cookie for a visitor who only reads, and a short cache of whole pages."""

import re

import pytest

from forum.extensions import db
from forum.solutions import votes
from tests import factories


@pytest.fixture
def cached(make_app, app):
    return make_app(PAGE_CACHE_SECONDS=60, WTF_CSRF_ENABLED=True)


@pytest.fixture
def idea(users, community):
    challenge = factories.challenge(users["staff"], community, title="Lint on dark clothes")
    return factories.solution(factories.user("maker"), challenge, title="A finer filter")


def test_reading_gives_a_visitor_no_cookie(cached, community, idea):
    for url in ("/", f"/c/{community.slug}", f"/challenges/{idea.challenge_id}", f"/solutions/{idea.id}",
                "/search?q=filter", "/leaderboard"):  # fmt: skip
        response = cached.test_client().get(url)
        assert response.status_code == 200, url
        assert "Set-Cookie" not in response.headers, url
    page = cached.test_client().get(f"/solutions/{idea.id}").get_data(as_text=True)
    assert 'class="vote-button" role="button"' in page and "/login?next=" in page  # voting starts at log in


def _votes_shown(page, idea):
    card = page[page.index(f'id="solution-{idea.id}"') :]
    return re.search(r'class="vote-count"[^>]*>(\d+)<', card).group(1)


def test_visitors_get_the_kept_page_and_members_a_fresh_one(cached, users, community, idea):
    url = f"/challenges/{idea.challenge_id}"
    visitor = cached.test_client()
    first = visitor.get(url)
    assert first.headers["Cache-Control"] == "public, no-cache"  # a proxy asks again every time
    assert "Cookie" in first.headers["Vary"]
    # A vote changes only a count, which visitors may see late: their page is kept.
    votes.cast_vote(users["fan"], idea)
    db.session.commit()
    assert _votes_shown(cached.test_client().get(url).get_data(as_text=True), idea) == "0"
    member = cached.test_client()
    form = member.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    member.post("/login", data={"login": "fan", "password": factories.PASSWORD, "csrf_token": token})
    fresh = member.get(url)
    assert _votes_shown(fresh.get_data(as_text=True), idea) == "1"
    assert "public" not in fresh.headers.get("Cache-Control", "")


def test_new_content_reaches_visitors_at_once(cached, idea):
    url = f"/challenges/{idea.challenge_id}"
    cached.test_client().get(url)
    factories.solution(factories.user("latecomer"), idea.challenge, title="Steam the lint away")
    db.session.commit()
    assert "Steam the lint away" in cached.test_client().get(url).get_data(as_text=True)


def test_pages_that_set_a_cookie_are_never_kept(cached):
    client = cached.test_client()
    first, second = client.get("/login"), cached.test_client().get("/login")
    assert "Set-Cookie" in first.headers and "Set-Cookie" in second.headers
    assert first.get_data() != second.get_data()  # each visitor gets a form token of their own


def test_each_language_has_its_own_kept_page(cached, community):
    english = cached.test_client().get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    chinese = cached.test_client().get("/", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert 'lang="en"' in english and 'lang="zh' in chinese


def test_static_files_have_fingerprinted_urls_kept_for_a_year(app, client):
    page = client.get("/").get_data(as_text=True)
    url = re.search(r'href="(/static/app\.css\?v=[0-9a-f]{12})"', page).group(1)
    response = client.get(url)
    assert response.status_code == 200
    # Exactly: Flask's own "no-cache" would make every page check each file again.
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "Cookie" not in response.headers.get("Vary", "")  # the same file for every visitor
    assert "immutable" not in client.get("/static/app.css").headers.get("Cache-Control", "")


def test_pages_and_files_are_compressed_for_clients_that_take_it(cached, community):
    import brotli

    visitor = cached.test_client()
    plain = visitor.get("/").get_data(as_text=True)
    for _ in range(2):  # rendered, then the kept page: each answered in the encoding asked for
        squeezed = visitor.get("/", headers={"Accept-Encoding": "br, gzip"})
        assert squeezed.headers["Content-Encoding"] == "br" and "Accept-Encoding" in squeezed.headers["Vary"]
        assert brotli.decompress(squeezed.get_data()).decode() == plain
        assert "Content-Encoding" not in visitor.get("/").headers  # one that asks for nothing gets plain HTML
    gzipped = visitor.get("/", headers={"Accept-Encoding": "gzip"})
    assert gzipped.headers["Content-Encoding"] == "gzip"
    css = re.search(r'href="(/static/vendor/pico/pico\.min\.css\?v=[0-9a-f]{12})"', plain).group(1)
    response = visitor.get(css, headers={"Accept-Encoding": "br"})
    assert response.headers["Content-Encoding"] == "br" and len(response.get_data()) < 20_000  # 83 KB as sent before


def test_static_text_goes_out_at_the_highest_levels_once_per_file(cached, app):
    """The fast level Flask-Compress uses for pages sent Pico at 12.4 KB; brotli's best is 10.1 KB,
    and a first view is mostly these files."""
    import gzip

    import brotli

    visitor = cached.test_client()
    with open(f"{cached.static_folder}/vendor/pico/pico.min.css", "rb") as handle:
        original = handle.read()
    for encoding, best, unpack in (
        ("br", len(brotli.compress(original, quality=11)), brotli.decompress),
        ("gzip", len(gzip.compress(original, compresslevel=9)), gzip.decompress),
    ):
        for _ in range(2):  # compressed, then the kept copy
            response = visitor.get(
                "/static/vendor/pico/pico.min.css", headers={"Accept-Encoding": f"{encoding}, deflate"}
            )
            assert response.headers["Content-Encoding"] == encoding
            assert "Accept-Encoding" in response.headers["Vary"] and "Cookie" not in response.headers["Vary"]
            assert abs(len(response.get_data()) - best) < 64 and unpack(response.get_data()) == original
            assert response.headers["ETag"].endswith(f':{encoding}"')
            again = visitor.get(
                "/static/vendor/pico/pico.min.css",
                headers={"Accept-Encoding": encoding, "If-None-Match": response.headers["ETag"]},
            )
            assert again.status_code == 304 and not again.get_data()
    plain = visitor.get("/static/vendor/pico/pico.min.css")
    assert "Content-Encoding" not in plain.headers and plain.get_data() == original
    favicon = visitor.get("/static/favicon.svg", headers={"Accept-Encoding": "br"})
    assert favicon.headers["Content-Encoding"] == "br" and favicon.mimetype == "image/svg+xml"
    picture = visitor.get("/static/og-card.png", headers={"Accept-Encoding": "br"})
    assert picture.status_code == 200 and "Content-Encoding" not in picture.headers  # PNG is packed already
