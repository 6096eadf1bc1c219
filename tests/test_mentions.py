"""@mentions: members' @names link to their profiles and tell them once per item; code, links,
email addresses and names of nobody stay text; items waiting for approval tell no one."""

import pytest

from forum import text
from forum.communities.models import Community
from forum.extensions import db
from forum.notifications.models import Notification
from forum.solutions import comments, follows
from forum.solutions import services as solutions
from tests import factories


@pytest.fixture
def challenge(app, community, users):
    return factories.challenge(users["staff"], community)


@pytest.fixture
def members(app):
    return {name: factories.user(name) for name in ("lin_wei", "米粉小王", "anna")}


def _kinds(user):
    rows = db.session.execute(db.select(Notification.kind).filter_by(user_id=user.id).order_by(Notification.id))
    return list(rows.scalars())


def test_a_comment_links_its_members_and_tells_each_once(app, challenge, users, members, client):
    idea = factories.solution(members["anna"], challenge)
    factories.door(follows.add_follow, members["lin_wei"], idea)  # a follower, named too
    body = "Ask @lin_wei and @米粉小王 (not `@anna` in code, nor @nobody, nor mail@anna.example)"
    comment = factories.door(comments.add_comment, users["fan"], challenge, body, solution=idea)
    html = comment.body_html
    assert '<a href="/u/lin_wei" rel="nofollow noopener ugc">@lin_wei</a>' in html
    assert 'href="/u/%E7%B1%B3%E7%B2%89%E5%B0%8F%E7%8E%8B"' in html
    assert "<code>@anna</code>" in html and "@nobody" in html and 'href="/u/nobody"' not in html
    assert "mail@anna.example" in html
    assert _kinds(members["lin_wei"]) == ["mention"]  # not a "comment" besides
    assert _kinds(members["米粉小王"]) == ["mention"]
    assert _kinds(members["anna"]) == ["comment"]  # the idea's author: its comments, not a mention
    page = client.get(f"/solutions/{idea.id}").get_data(as_text=True)
    assert 'href="/u/lin_wei"' in page and client.get("/u/lin_wei").status_code == 200


def test_an_edit_tells_only_the_newly_named_and_never_the_author(app, challenge, users, members):
    comment = factories.door(comments.add_comment, users["fan"], challenge, "Thanks @lin_wei and @fan")
    assert _kinds(users["fan"]) == []  # naming yourself tells no one
    factories.door(comments.edit_comment, users["fan"], comment, "Thanks @lin_wei, and @anna too")
    assert _kinds(members["lin_wei"]) == ["mention"]  # once, not again on the edit
    assert _kinds(members["anna"]) == ["mention"]


def test_a_solution_names_members_in_its_body(app, challenge, users, members):
    factories.door(follows.add_follow, members["lin_wei"], challenge)
    idea = factories.solution(users["fan"], challenge, title="Mesh", body="Built with @lin_wei and @anna")
    assert 'href="/u/anna"' in idea.body_html
    assert _kinds(members["lin_wei"]) == ["mention"]  # not "solution" as a follower of the challenge too
    assert _kinds(members["anna"]) == ["mention"]
    factories.door(solutions.edit_solution, users["fan"], idea, "Mesh", "Built with @anna and @米粉小王")
    assert _kinds(members["anna"]) == ["mention"] and _kinds(members["米粉小王"]) == ["mention"]


def test_a_post_waiting_for_approval_tells_no_one(app, community, challenge, members):
    with app.app_context():
        db.session.get(Community, community.id).hold_first_posts = True
        db.session.commit()
    newcomer = factories.user("newcomer")
    factories.door(comments.add_comment, newcomer, challenge, "Hello @lin_wei")
    assert _kinds(members["lin_wei"]) == []


def test_names_in_links_and_code_are_not_mentions():
    source = "[see @lin_wei](https://x.example) `@anna` @米粉小王\n\n```\n@fan\n```\n\n    @paul_k indented\n"
    assert text.mentioned_names(source) == ["米粉小王"]
    assert text.render("@lin_wei", {}).strip() == "<p>@lin_wei</p>"
