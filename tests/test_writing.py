"""Writing: the preview of every Markdown form, pictures kept through a failed submit, the
lightbox's galleries, author names linked to profiles, generated avatars."""

import io
import re
from pathlib import Path

import pytest
from PIL import Image as PILImage

from forum import text
from forum.extensions import db
from forum.media import services as media
from forum.media.models import Image
from forum.solutions import comments
from forum.solutions.models import Solution
from forum.transaction import unit_of_work as factories_unit
from tests import factories

MACROS = Path(__file__).resolve().parents[1] / "templates" / "_macros" / "writing.html"


@pytest.fixture
def challenge(app, community, users):
    return factories.challenge(users["staff"], community)


def picture():
    out = io.BytesIO()
    PILImage.new("RGB", (40, 30), (20, 120, 200)).save(out, format="PNG")
    return out.getvalue()


def _submit(client, challenge, count=0, **data):
    form = {"title": "With pictures", "body": "See the images.", **data}
    form["images"] = [(io.BytesIO(picture()), f"{n}.png") for n in range(count)]
    return client.post(f"/challenges/{challenge.id}/solutions/new", data=form, content_type="multipart/form-data")


def _kept(page):
    return re.findall(r'<input type="hidden" name="kept_image" value="([^"]+)">', page)


# The preview


def test_the_preview_is_what_the_stored_text_will_be(app, users, login):
    fan = login(users["fan"])
    source = "**Bold** <script>alert(1)</script> [a link](https://example.com) ![x](https://evil.example/p.png)"
    response = fan.post("/preview", data={"body": source})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    html = response.get_json()["html"]
    assert html == text.render(source)
    assert "<strong>Bold</strong>" in html and "<script>" not in html and 'rel="nofollow noopener ugc"' in html
    assert "evil.example" not in html


def test_the_preview_links_members_named_where_the_text_will(app, users, login):
    fan = login(users["fan"])
    linked = fan.post("/preview", data={"body": "Thanks @staff", "mentions": "1"}).get_json()["html"]
    assert '<a href="/u/staff"' in linked
    plain = fan.post("/preview", data={"body": "Thanks @staff"}).get_json()["html"]
    assert "<a" not in plain


def test_the_preview_refuses_what_no_form_takes_and_answers_members_only(app, client, users, login):
    assert client.post("/preview", data={"body": "hi"}).status_code == 302  # to the login page
    fan = login(users["fan"])
    too_long = fan.post("/preview", data={"body": "x" * 20_001})
    assert too_long.status_code == 422 and too_long.get_json()["error"]["field"] == "body"
    assert fan.post("/preview", data={}).get_json() == {"html": ""}
    assert fan.get("/preview").status_code == 405


def test_the_preview_needs_the_csrf_token(make_app, app, users):
    strict = make_app(WTF_CSRF_ENABLED=True)
    client = strict.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post("/login", data={"login": "fan", "password": factories.PASSWORD, "csrf_token": token})
    assert client.post("/preview", data={"body": "hi"}).status_code == 400
    answer = client.post("/preview", data={"body": "*hi*"}, headers={"X-CSRFToken": token})
    assert answer.status_code == 200 and answer.get_json()["html"] == "<p><em>hi</em></p>\n"


def test_the_preview_is_rate_limited_like_other_writes(make_app, app, users):
    limited = make_app(RATELIMIT_ACTION="2 per minute")
    client = limited.test_client()
    client.post("/login", data={"login": "fan", "password": factories.PASSWORD})
    codes = [client.post("/preview", data={"body": "hi"}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_every_markdown_form_has_the_editor(app, community, challenge, users, login):
    fan = login(users["fan"])
    solution = factories.solution(users["fan"], challenge)
    new_solution = fan.get(f"/challenges/{challenge.id}/solutions/new").get_data(as_text=True)
    assert 'class="markdown-editor"' in new_solution and 'data-preview-url="/preview"' in new_solution
    assert 'data-mentions="1"' in new_solution
    new_problem = fan.get(f"/c/{community.slug}/challenges/new").get_data(as_text=True)
    assert new_problem.count('class="markdown-editor"') == 1
    detail = fan.get(f"/solutions/{solution.id}").get_data(as_text=True)
    assert 'class="markdown-editor"' in detail  # the comment box
    staff = login(users["staff"])
    release = staff.get(f"/c/{community.slug}/releases/new").get_data(as_text=True)
    assert release.count('class="markdown-editor"') == 1
    # Fields that are not Markdown get no tabs.
    assert 'class="markdown-editor"' not in fan.get("/account").get_data(as_text=True)


# Pictures kept through a failed submit


def test_a_failed_submit_keeps_signed_pictures_that_can_be_removed(app, challenge, users, login):
    fan = login(users["fan"])
    page = _submit(fan, challenge, count=3, title="").get_data(as_text=True)
    kept = _kept(page)
    assert len(kept) == 3 and page.count('name="remove_image"') == 3
    assert page.count("/media/") >= 3  # shown as thumbnails
    assert all(not ref.isdigit() for ref in kept)  # signed, not bare ids
    # The fan fixes the title and leaves the second picture out.
    response = _submit(fan, challenge, kept_image=kept, remove_image=[kept[1]])
    assert response.status_code == 302
    solution = db.session.execute(db.select(Solution)).scalar_one()
    assert len(solution.images) == 2


def test_kept_pictures_count_against_the_limit_before_new_ones_are_decoded(app, challenge, users, login):
    fan = login(users["fan"])
    kept = _kept(_submit(fan, challenge, count=4, title="").get_data(as_text=True))
    page = _submit(fan, challenge, count=3, kept_image=kept).get_data(as_text=True)
    assert "Attach at most 6 images." in page
    assert len(_kept(page)) == 4  # the four stay with the form
    assert db.session.execute(db.select(db.func.count()).select_from(Image)).scalar() == 4
    assert db.session.execute(db.select(Solution)).first() is None


def test_a_kept_picture_cannot_be_attached_by_another_member(app, challenge, users, login):
    fan = login(users["fan"])
    kept = _kept(_submit(fan, challenge, count=1, title="").get_data(as_text=True))
    other = login(users["product"])
    page = _submit(other, challenge, title="", kept_image=kept).get_data(as_text=True)
    assert _kept(page) == []  # not shown to them either
    assert _submit(other, challenge, kept_image=kept).status_code == 302
    image = db.session.execute(db.select(Image)).scalar_one()
    assert image.solution_id is None
    with app.test_request_context():
        assert media.referenced_ids(users["product"], kept) == []
        assert media.referenced_ids(users["fan"], kept) == [image.id]


# Galleries, authors and avatars


def test_galleries_open_in_the_lightbox_and_authors_link_to_profiles(app, challenge, users, login):
    fan = login(users["fan"])
    _submit(fan, challenge, count=2)
    solution = db.session.execute(db.select(Solution)).scalar_one()
    factories.door(comments.add_comment, users["staff"], challenge, "Nice", solution=solution)
    page = fan.get(f"/solutions/{solution.id}").get_data(as_text=True)
    gallery = re.search(r'<div class="gallery" data-lightbox="[^"]+"[^>]*>', page)
    assert gallery and 'data-close="Close"' in gallery.group() and 'data-next="Next image"' in gallery.group()
    assert page.count('href="/media/') == 2
    assert '<a class="author" href="/u/fan">' in page
    assert '<a class="author" href="/u/staff">' in page  # the comment's author
    listing = fan.get(f"/challenges/{challenge.id}").get_data(as_text=True)
    assert '<a class="author" href="/u/fan">' in listing  # on the solution's card
    assert '<a class="author" href="/u/staff">' in listing  # who posted the problem


# Profiles


def test_a_profile_lists_problems_solutions_and_comments_hidden_ones_to_those_who_may_see(
    app, community, challenge, users, login
):
    fan = users["fan"]
    problem = factories.challenge(fan, community, title="Lint on dark clothes")
    idea = factories.solution(fan, challenge, title="A finer filter")
    hidden_idea = factories.solution(fan, challenge, title="A secret idea")
    factories.door(comments.add_comment, fan, challenge, "Would steam help?", solution=idea)
    factories.door(comments.add_comment, fan, problem, "Only on cotton.")
    with factories_unit():
        db.session.get(Solution, hidden_idea.id).visibility = "hidden"
    visitor = app.test_client().get("/u/fan").get_data(as_text=True)
    assert "Lint on dark clothes" in visitor and "A finer filter" in visitor
    assert "Would steam help?" in visitor and "Only on cotton." in visitor
    assert "A secret idea" not in visitor
    assert f'href="/solutions/{idea.id}#comment-' in visitor
    assert "A secret idea" in login(users["fan"]).get("/u/fan").get_data(as_text=True)
    assert "A secret idea" in login(users["admin"]).get("/u/fan").get_data(as_text=True)
    assert "A secret idea" not in login(users["product"]).get("/u/fan").get_data(as_text=True)
    # The avatar: the name's first character on a colour of the member's own.
    assert f'data-avatar="{fan.id}"' in visitor


def test_profile_lists_page_and_hide_comments_under_hidden_ideas(app, community, challenge, users, login):
    fan = users["fan"]
    idea = factories.solution(fan, challenge, title="Idea zero")
    for n in range(12):
        factories.door(comments.add_comment, fan, challenge, f"Remark number {n}", solution=idea)
    first = app.test_client().get("/u/fan").get_data(as_text=True)
    assert "Remark number 11" in first and "Remark number 2<" in first.replace("</a>", "<")
    assert "Remark number 1<" not in first.replace("</a>", "<")
    older = re.search(r'href="(/u/fan\?comments_before=\d+)#comments"', first).group(1)
    second = app.test_client().get(older).get_data(as_text=True)
    assert "Remark number 1<" in second.replace("</a>", "<") and "Remark number 0" in second
    assert "Remark number 5" not in second
    with factories_unit():
        db.session.get(Solution, idea.id).visibility = "hidden"
    assert "Remark number" not in app.test_client().get("/u/fan").get_data(as_text=True)
    assert "Remark number 11" in login(users["fan"]).get("/u/fan").get_data(as_text=True)


def test_a_profile_runs_a_fixed_number_of_queries(app, community, challenge, users, client):
    from tests.test_query_counts import _queries

    fan = users["fan"]
    factories.solution(fan, challenge, title="First")
    small = _queries(app, client, "/u/fan")
    for n in range(8):
        idea = factories.solution(fan, factories.challenge(fan, community, title=f"Problem {n}"), title=f"Idea {n}")
        factories.door(comments.add_comment, fan, idea.challenge, f"Note {n}", solution=idea)
    assert _queries(app, client, "/u/fan") == small


def test_avatars_are_the_first_character_on_a_colour_fixed_by_the_member(app, challenge, users):
    chinese = factories.user("林小伟")
    idea = factories.solution(chinese, challenge, title="蒸汽清洁")
    factories.door(comments.add_comment, users["fan"], challenge, "Good", solution=idea)
    page = app.test_client().get(f"/solutions/{idea.id}").get_data(as_text=True)
    avatars = dict(re.findall(r'data-avatar="(\d+)"><circle cx="20" cy="20" r="20" fill="(#[0-9a-f]{6})"/>', page))
    letters = re.findall(r'data-avatar="\d+">.*?font-weight="600" fill="#ffffff">(.)</text>', page)
    assert letters == ["林", "F"]
    profile = app.test_client().get("/u/林小伟").get_data(as_text=True)
    assert f'data-avatar="{chinese.id}"><circle cx="20" cy="20" r="20" fill="{avatars[str(chinese.id)]}"/>' in profile
    # White letters on each colour of the palette reach 4.5:1 (WCAG AA).
    palette = re.findall(r"'(#[0-9a-f]{6})'", MACROS.read_text(encoding="utf-8"))
    assert len(palette) >= 8 and all(_contrast_with_white(colour) >= 4.5 for colour in palette)


def _contrast_with_white(colour):
    def channel(value):
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    luminance = 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)
    return 1.05 / (luminance + 0.05)


def test_a_kept_reference_to_a_picture_since_attached_to_a_milestone_attaches_nothing(app, challenge, users, login):
    from forum.review import prototypes, status

    staff = login(users["staff"])
    kept = _kept(_submit(staff, challenge, count=1, title="").get_data(as_text=True))
    image = db.session.execute(db.select(Image)).scalar_one()
    idea = factories.solution(users["fan"], challenge, title="Promoted idea")
    factories.door(status.change_status, users["staff"], idea, "shortlisted")
    prototype = factories.door(prototypes.promote, users["staff"], idea, [users["staff"]])
    factories.door(prototypes.post_update, users["staff"], prototype, "Sample built", [image.id])
    assert _submit(staff, challenge, kept_image=kept, title="Another").status_code == 302
    image = db.session.get(Image, image.id)
    assert image.update_id is not None and image.solution_id is None


def test_an_edit_counts_attached_kept_and_new_pictures_together(app, challenge, users, login):
    fan = login(users["fan"])
    _submit(fan, challenge, count=5)
    solution = db.session.execute(db.select(Solution)).scalar_one()
    url = f"/solutions/{solution.id}/edit"

    def edit(count, **data):
        form = {"title": "With pictures", "body": "See the images.", **data}
        form["images"] = [(io.BytesIO(picture()), f"{n}.png") for n in range(count)]
        return fan.post(url, data=form, content_type="multipart/form-data")

    kept = _kept(edit(1, title="").get_data(as_text=True))
    assert len(kept) == 1
    page = edit(1, kept_image=kept).get_data(as_text=True)
    assert "Attach at most 6 images." in page and _kept(page) == kept
    assert edit(0, kept_image=kept).status_code == 302
    assert len(db.session.get(Solution, solution.id).images) == 6
