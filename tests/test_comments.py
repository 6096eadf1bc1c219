"""Comments with one level of replies, the edit window, soft delete, and the notifications they send."""

import re
from datetime import timedelta

import pytest

from forum.challenges import services as challenges
from forum.errors import Forbidden, RuleBroken
from forum.extensions import db
from forum.notifications.models import Notification
from forum.solutions import comments
from forum.solutions.models import Comment, Solution
from tests import factories


@pytest.fixture
def solution(app, community, users):
    challenge = factories.challenge(users["staff"], community)
    return factories.solution(users["fan"], challenge)


def test_comment_and_reply_notify_the_author_and_the_person_replied_to(app, solution, users, login):
    product = login(users["product"])
    response = product.post(f"/solutions/{solution.id}/comments", data={"body": "Would steam age the *seal*?"})
    assert response.status_code == 302 and "#comment-" in response.headers["Location"]
    first = db.session.execute(db.select(Comment)).scalar_one()
    assert first.body_html == "<p>Would steam age the <em>seal</em>?</p>\n"

    fan = login(users["fan"])
    fan.post(f"/solutions/{solution.id}/comments", data={"body": "EPDM seals take it.", "parent_id": str(first.id)})
    reply = db.session.execute(db.select(Comment).where(Comment.parent_id.is_not(None))).scalar_one()
    assert reply.parent_id == first.id
    # A reply to a reply joins its thread: one level.
    product.post(f"/solutions/{solution.id}/comments", data={"body": "Thanks!", "parent_id": str(reply.id)})
    assert db.session.execute(db.select(Comment).filter_by(body="Thanks!")).scalar_one().parent_id == first.id

    kinds = {
        (n.user_id, n.kind) for n in db.session.execute(db.select(Notification)).scalars() if n.comment_id is not None
    }
    assert (users["fan"].id, "comment") in kinds  # the author hears of the comment
    assert (users["product"].id, "reply") in kinds  # the commenter hears of the reply
    assert db.session.get(Solution, solution.id).comment_count == 3
    page = fan.get(f"/solutions/{solution.id}").get_data(as_text=True)
    assert page.index("Would steam age") < page.index("EPDM seals") < page.index("Thanks!")


def test_edit_within_fifteen_minutes_only(app, solution, users, login):
    comment = comments.add_comment(users["product"], solution.challenge, "Frist!", solution=solution)
    product = login(users["product"])
    assert product.post(f"/comments/{comment.id}/edit", data={"body": "First!"}).status_code == 302
    assert db.session.get(Comment, comment.id).body == "First!"
    comment = db.session.get(Comment, comment.id)
    comment.created -= timedelta(minutes=16)
    db.session.commit()
    assert product.post(f"/comments/{comment.id}/edit", data={"body": "Too late"}).status_code == 403
    assert login(users["fan"]).get(f"/comments/{comment.id}/edit").status_code == 403


def test_delete_is_soft_and_shown_as_removed(app, solution, users, login):
    comment = comments.add_comment(users["product"], solution.challenge, "Spam spam", solution=solution)
    with pytest.raises(Forbidden):
        comments.delete_comment(users["fan"], comment)
    staff = login(users["staff"])
    assert staff.post(f"/comments/{comment.id}/delete", data={"confirmed": "1"}).status_code == 302
    stored = db.session.get(Comment, comment.id)
    assert stored.deleted and stored.body == ""
    page = staff.get(f"/solutions/{solution.id}").get_data(as_text=True)
    assert "This comment was removed." in page and "Spam spam" not in page
    assert db.session.get(Solution, solution.id).comment_count == 0


def test_comments_close_with_the_challenge(app, solution, users, login):
    challenges.set_phase(users["staff"], solution.challenge, "closed")
    with pytest.raises(RuleBroken, match="closed"):
        comments.add_comment(users["fan"], solution.challenge, "Hello?", solution=solution)
    response = login(users["fan"]).post(f"/solutions/{solution.id}/comments", data={"body": "Hello?"})
    assert response.status_code == 422
    assert "This challenge is closed." in response.get_data(as_text=True)
    assert "Hello?" in response.get_data(as_text=True)


def test_comments_on_the_challenge_itself(app, solution, users, login):
    fan = login(users["fan"])
    challenge_id = solution.challenge_id
    response = fan.post(f"/challenges/{challenge_id}/comments", data={"body": "Is rust part of the problem?"})
    assert response.status_code == 302
    assert "Is rust part of the problem?" in fan.get(f"/challenges/{challenge_id}").get_data(as_text=True)


def test_a_reply_must_belong_to_the_same_discussion(app, solution, users, community):
    other = factories.solution(users["fan"], solution.challenge, title="Other idea")
    elsewhere = comments.add_comment(users["fan"], solution.challenge, "Over here", solution=other)
    with pytest.raises(RuleBroken):
        comments.add_comment(users["fan"], solution.challenge, "Cross-post", solution=solution, parent=elsewhere)


def test_empty_and_oversized_comments(app, solution, users):
    with pytest.raises(RuleBroken):
        comments.add_comment(users["fan"], solution.challenge, "   ", solution=solution)
    with pytest.raises(RuleBroken):
        comments.add_comment(users["fan"], solution.challenge, "x" * 5001, solution=solution)


def test_long_discussions_come_in_pages_with_their_replies(app, users, community, client, monkeypatch):
    from forum.solutions import comments as comment_services

    monkeypatch.setattr(comment_services, "THREAD_PAGE", 3)
    challenge = factories.challenge(users["staff"], community)
    solution = factories.solution(users["fan"], challenge)
    first = [
        comment_services.add_comment(users["product"], challenge, f"Point {n}", solution=solution) for n in range(4)
    ]
    comment_services.add_comment(users["staff"], challenge, "An answer to point 2", solution=solution, parent=first[2])
    page = client.get(f"/solutions/{solution.id}").get_data(as_text=True)
    assert "Point 2" in page and "An answer to point 2" in page and "Point 3" not in page
    more = re.search(r'href="([^"]+comments_after=\d+)[^"]*" class="more-comments"', page).group(1)
    rest = client.get(more.replace("&amp;", "&")).get_data(as_text=True)
    assert "Point 3" in rest and "Point 0" not in rest and "more-comments" not in rest
    assert client.get(f"/solutions/{solution.id}?comments_after=99999999999999").status_code == 200


def test_a_comment_saved_unchanged_from_a_browser_is_not_marked_edited(app, solution, users, login):
    comment = comments.add_comment(users["product"], solution.challenge, "Line one\nLine two", solution=solution)
    product = login(users["product"])
    assert product.post(f"/comments/{comment.id}/edit", data={"body": "Line one\r\nLine two"}).status_code == 302
    comment = db.session.get(Comment, comment.id)
    assert comment.body == "Line one\nLine two" and comment.edited is None
