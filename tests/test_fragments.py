"""Kept cards and comments (forum/fragments.py): each changes as soon as anything it shows does,
each language has its own, and what differs per reader (the vote button, a comment's edit link)
is never shared."""

from datetime import timedelta

import pytest

from forum.challenges import models as challenge_models
from forum.clock import utcnow
from forum.extensions import db
from forum.review import status
from forum.solutions import comments, services
from tests import factories


@pytest.fixture
def idea(users, community):
    challenge = factories.challenge(users["staff"], community, title="Lint on dark clothes")
    return factories.solution(factories.user("maker"), challenge, title="A finer filter", tags="lint")


def _card(client, idea, **headers):
    page = client.get(f"/challenges/{idea.challenge_id}", headers=headers).get_data(as_text=True)
    start = page.index(f'id="solution-{idea.id}"')
    return page[start : page.index("</article>", start)]


def test_the_card_is_kept_between_pages(app, client, idea):
    assert "A finer filter" in _card(client, idea)
    # A change behind the app's back (no `updated` moved) shows only when the entry expires.
    db.session.execute(db.text("UPDATE solution SET title = 'Changed in SQL' WHERE id = :id"), {"id": idea.id})
    db.session.commit()
    assert "A finer filter" in _card(client, idea)
    app.extensions["fragments"].clear()
    assert "Changed in SQL" in _card(client, idea)


def test_the_card_follows_every_change_it_shows(client, idea, users):
    maker = idea.author
    _card(client, idea)
    services.edit_solution(maker, idea, "A much finer filter", idea.body, "lint, filter")
    assert "A much finer filter" in _card(client, idea) and "#filter" in _card(client, idea)
    services.edit_solution(maker, idea, idea.title, idea.body, "mesh")  # the tags alone: the row is unchanged
    card = _card(client, idea)
    assert "#mesh" in card and "#lint" not in card
    comments.add_comment(users["fan"], idea.challenge, "Would a mesh clog?", solution=idea)
    assert "1 comment" in _card(client, idea)
    status.change_status(users["staff"], idea, "shortlisted")
    assert "Shortlisted" in _card(client, idea)
    maker.username = "maker_renamed"
    db.session.commit()
    assert "maker_renamed" in _card(client, idea)


def test_each_language_has_its_own_card(client, idea, users):
    comments.add_comment(users["fan"], idea.challenge, "Would a mesh clog?", solution=idea)
    assert "1 comment" in _card(client, idea, **{"Accept-Language": "en"})
    assert "1 条评论" in _card(client, idea, **{"Accept-Language": "zh-CN"})


def test_the_vote_button_is_each_readers_own(login, idea, users):
    fan, other = login(users["fan"]), login(users["product"])
    fan.post(f"/solutions/{idea.id}/vote", data={"action": "add"})
    assert 'aria-pressed="true"' in _card(fan, idea)
    assert 'aria-pressed="false"' in _card(other, idea)


def test_a_challenge_card_moves_to_the_next_phase_when_its_deadline_passes(client, community, users, monkeypatch):
    soon = utcnow() + timedelta(hours=1)
    factories.challenge(
        users["staff"], community, title="Quieter spin", submission_ends=soon, voting_ends=soon + timedelta(hours=1)
    )
    assert "Submissions open" in client.get(f"/c/{community.slug}").get_data(as_text=True)
    later = utcnow() + timedelta(days=1)
    monkeypatch.setattr(challenge_models, "utcnow", lambda: later)  # nothing in the row changes
    page = client.get(f"/c/{community.slug}").get_data(as_text=True)
    assert "Staff review" in page and "Submissions open" not in page


def _comment(client, solution, comment):
    page = client.get(f"/solutions/{solution.id}").get_data(as_text=True)
    start = page.index(f'id="comment-{comment.id}"')
    return page[start : page.index("</article>", start)]


def test_a_comment_follows_edits_removal_and_renames_and_its_links_stay_each_readers(login, idea, users):
    fan = users["fan"]
    comment = comments.add_comment(fan, idea.challenge, "Would a mesh clog?", solution=idea)
    author, other = login(fan), login(users["product"])
    assert "Would a mesh clog?" in _comment(other, idea, comment)
    assert "/edit" in _comment(author, idea, comment) and "/edit" not in _comment(other, idea, comment)
    comments.edit_comment(fan, comment, "Would a finer mesh clog?")
    assert "Would a finer mesh clog?" in _comment(other, idea, comment)
    fan.username = "fan_renamed"
    db.session.commit()
    assert "fan_renamed" in _comment(other, idea, comment)
    comments.delete_comment(fan, comment)
    kept = _comment(other, idea, comment)
    assert "finer mesh" not in kept and "removed" in kept
