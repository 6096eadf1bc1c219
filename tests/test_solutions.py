"""Solutions: the phase rules, tags, edits with history, lists and what users may not set."""

import html
import re

import pytest

from forum.challenges import services as challenges
from forum.errors import Forbidden, RuleBroken
from forum.extensions import db
from forum.notifications.models import Notification
from forum.solutions import follows, services, votes
from forum.solutions.models import Solution, SolutionRevision
from tests import factories


@pytest.fixture
def challenge(app, community, users):
    return factories.challenge(users["staff"], community, vote_budget=3)


def test_a_fan_submits_a_solution_with_tags(app, challenge, users, login):
    fan = login(users["fan"])
    response = fan.post(
        f"/challenges/{challenge.id}/solutions/new",
        data={"title": "蒸汽自清洁", "body": "每次洗完喷**蒸汽**", "tags": "自清洁, steam，Steam"},
    )
    assert response.status_code == 302
    solution = db.session.execute(db.select(Solution)).scalar_one()
    assert [t.name for t in solution.tags] == ["steam", "自清洁"]
    assert solution.status == "open" and solution.author_id == users["fan"].id
    assert db.session.get(type(challenge), challenge.id).solution_count == 1
    page = fan.get(f"/solutions/{solution.id}").get_data(as_text=True)
    assert "<strong>蒸汽</strong>" in page and "#自清洁" in page


def test_a_late_solution_is_refused_with_a_message(app, challenge, users, login):
    challenges.set_phase(users["staff"], challenge, "voting")
    fan = login(users["fan"])
    page = fan.get(f"/challenges/{challenge.id}/solutions/new").get_data(as_text=True)
    assert "This challenge no longer accepts solutions." in page
    response = fan.post(f"/challenges/{challenge.id}/solutions/new", data={"title": "Late", "body": "Too late."})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "This challenge no longer accepts solutions." in body
    assert "Too late." in body  # the text comes back
    assert db.session.execute(db.select(Solution)).first() is None
    with pytest.raises(RuleBroken):
        services.submit_solution(users["fan"], challenge, "Late", "Too late.")


def test_validation_errors_keep_the_text(app, challenge, users, login):
    fan = login(users["fan"])
    long_body = "我的方案很长。" * 500
    response = fan.post(
        f"/challenges/{challenge.id}/solutions/new", data={"title": "", "body": long_body, "tags": "a b"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert long_body in page and 'value="a b"' in page
    too_long = fan.post(f"/challenges/{challenge.id}/solutions/new", data={"title": "T", "body": "x" * 20_001})
    assert "Field cannot be longer than 20000 characters." in too_long.get_data(as_text=True)


def test_bad_tags_are_refused(app, challenge, users):
    with pytest.raises(RuleBroken) as caught:
        services.submit_solution(users["fan"], challenge, "T", "B", "a,b,c,d,e,f,g,h,i")
    assert caught.value.field == "tags"
    with pytest.raises(RuleBroken):
        services.submit_solution(users["fan"], challenge, "T", "B", "<script>")


def test_edits_before_any_vote_are_free_and_their_history_is_public(app, challenge, users, login, client):
    solution = factories.solution(users["fan"], challenge, title="First", body="Version one")
    fan = login(users["fan"])
    response = fan.post(f"/solutions/{solution.id}/edit", data={"title": "Second", "body": "Version two"})
    assert response.status_code == 302
    revision = db.session.execute(db.select(SolutionRevision)).scalar_one()
    assert (revision.title, revision.body, revision.votes, revision.note) == ("First", "Version one", 0, None)
    assert db.session.get(Solution, solution.id).edited is None  # nobody had voted: no mark
    assert 'class="edited"' not in client.get(f"/solutions/{solution.id}").get_data(as_text=True)
    # The history was staff-only (403 to the author); it is everyone's now, visitors included.
    history = client.get(f"/solutions/{solution.id}/history")
    assert history.status_code == 200 and "Version one" in history.get_data(as_text=True)
    assert _told(solution, "edited") == set()
    other = factories.user("other_fan")
    with pytest.raises(Forbidden):
        factories.door(services.edit_solution, other, solution, "Hijack", "Mine now")


def test_an_edit_after_votes_is_marked_public_and_tells_voters_and_followers(app, challenge, users, login, client):
    author, voter, follower = factories.user("author"), factories.user("voter"), factories.user("follower")
    solution = factories.solution(author, challenge, title="Steam the drum", body="Steam after each wash.")
    factories.door(votes.cast_vote, voter, solution)
    factories.door(follows.add_follow, follower, solution)
    page = login(author).get(f"/solutions/{solution.id}/edit").get_data(as_text=True)
    assert "1 person has voted for this idea." in page  # the author knows before saving
    assert 'name="note"' not in page  # in submission the author needs no reason

    changed = login(author).post(
        f"/solutions/{solution.id}/edit", data={"title": "Steam the drum", "body": "Steam and dry it."}
    )
    assert changed.status_code == 302
    edited = db.session.get(Solution, solution.id).edited
    assert edited is not None
    assert 'class="edited"' in client.get(f"/solutions/{solution.id}").get_data(as_text=True)
    history = client.get(f"/solutions/{solution.id}/history").get_data(as_text=True)
    assert "after 1 vote" in history and "Steam after each wash." in history
    assert _told(solution, "edited") == {voter.id, follower.id}  # not the author, who made it

    # Saving the same text again changes nothing anyone voted for: no one is told again.
    login(author).post(f"/solutions/{solution.id}/edit", data={"title": "Steam the drum", "body": "Steam and dry it."})
    assert len(_notices(solution, "edited")) == 2
    assert db.session.get(Solution, solution.id).edited == edited


def test_from_voting_on_only_staff_edit_and_they_say_why(app, challenge, users, login):
    author, voter = factories.user("author"), factories.user("voter")
    solution = factories.solution(author, challenge, title="Steam the drum", body="Steam after each wash.")
    factories.door(votes.cast_vote, voter, solution)
    factories.door(challenges.set_phase, users["staff"], challenge, "voting")

    assert login(author).get(f"/solutions/{solution.id}/edit").status_code == 403
    refused = login(author).post(f"/solutions/{solution.id}/edit", data={"title": "Bait", "body": "Switch"})
    assert refused.status_code == 403
    assert db.session.get(Solution, solution.id).title == "Steam the drum"

    staff = login(users["staff"])
    assert 'name="note"' in staff.get(f"/solutions/{solution.id}/edit").get_data(as_text=True)
    unexplained = staff.post(f"/solutions/{solution.id}/edit", data={"title": "Steam the drum", "body": "Fixed typo"})
    page = unexplained.get_data(as_text=True)
    assert unexplained.status_code == 200 and "Say why you change an idea people are voting on." in page
    assert "Fixed typo" in page  # what staff typed comes back
    assert db.session.get(Solution, solution.id).body == "Steam after each wash."

    explained = staff.post(
        f"/solutions/{solution.id}/edit",
        data={"title": "Steam the drum", "body": "Steam after each wash, then dry.", "note": "The author's fix"},
    )
    assert explained.status_code == 302
    revision = db.session.execute(db.select(SolutionRevision)).scalar_one()
    assert (revision.note, revision.votes, revision.editor_id) == ("The author's fix", 1, users["staff"].id)
    assert "The author&#39;s fix" in login(voter).get(f"/solutions/{solution.id}/history").get_data(as_text=True)
    assert _told(solution, "edited") == {voter.id, author.id}
    with pytest.raises(RuleBroken) as caught:
        factories.door(services.edit_solution, users["staff"], solution, "T", "B", note="")
    assert caught.value.field == "note"


def _notices(solution, kind):
    return db.session.execute(db.select(Notification).filter_by(solution_id=solution.id, kind=kind)).scalars().all()


def _told(solution, kind):
    return {notice.user_id for notice in _notices(solution, kind)}


def test_users_cannot_set_what_they_may_not(app, challenge, users, login):
    """votes, status, author, hidden, created, roles: ignored, whatever the form sends."""
    fan = login(users["fan"])
    response = fan.post(
        f"/challenges/{challenge.id}/solutions/new",
        data={
            "title": "Honest idea",
            "body": "Plain text.",
            "votes": "999",
            "vote_count": "999",
            "status": "prototyped",
            "author": str(users["admin"].id),
            "author_id": str(users["admin"].id),
            "hidden": "y",
            "created": "2001-01-01",
            "site_role": "admin",
            "role": "admin",
        },
    )
    assert response.status_code == 302
    solution = db.session.execute(db.select(Solution)).scalar_one()
    assert solution.vote_count == 0 and solution.status == "open"
    assert solution.author_id == users["fan"].id and solution.created.year > 2001
    fan.post(f"/solutions/{solution.id}/edit", data={"title": "Edited", "body": "B", "status": "shortlisted"})
    assert db.session.get(Solution, solution.id).status == "open"
    fan.post("/account/language", data={"lang-language": "en", "site_role": "admin"})
    assert db.session.get(type(users["fan"]), users["fan"].id).site_role == "fan"


def test_lists_sort_and_page(app, challenge, users):
    made = [factories.solution(users["fan"], challenge, title=f"Idea {n:02d}") for n in range(25)]
    newest = services.list_solutions(challenge, "new")
    assert [s.title for s in newest.items[:2]] == ["Idea 24", "Idea 23"] and len(newest.items) == 20
    rest = services.list_solutions(challenge, "new", newest.next_cursor)
    assert [s.title for s in rest.items][-1] == "Idea 00" and rest.next_cursor is None
    from forum.solutions import votes

    votes.cast_vote(users["staff"], made[3])
    assert services.list_solutions(challenge, "top").items[0].id == made[3].id
    assert services.list_solutions(challenge, "hot").items[0].id == made[3].id
    with pytest.raises(RuleBroken):
        services.list_solutions(challenge, "bogus")
    with pytest.raises(RuleBroken):
        services.list_solutions(challenge, "new", "not-a-cursor")


def test_an_edit_that_leaves_fields_out_keeps_them(app, challenge, users, login):
    # A POST without the tags field answered 500: the form took the solution's tag rows as text.
    solution = factories.solution(users["fan"], challenge, title="First", body="Version one", tags="steam, drum")
    fan = login(users["fan"])
    answer = fan.post(f"/solutions/{solution.id}/edit", data={"title": "Second", "body": "Version two"})
    assert answer.status_code == 302
    edited = db.session.get(Solution, solution.id)
    assert edited.title == "Second" and [t.name for t in edited.tags] == ["drum", "steam"]
    empty = login(users["staff"]).post(f"/solutions/{solution.id}/edit", data={})  # a form with nothing in it
    assert empty.status_code == 302
    assert db.session.get(Solution, solution.id).body == "Version two"  # what the form showed, kept


def _note(page, solution_id):
    """The note beside an idea's vote button: its tag's attributes and its text."""
    found = re.search(rf'<p class="vote-note" id="vote-{solution_id}-note"([^>]*)>([^<]*)</p>', page)
    assert found, f"no vote note for idea {solution_id}"
    return found.group(1), html.unescape(found.group(2))


def test_a_refused_vote_without_javascript_comes_back_at_its_button_with_the_reason_beside_it(
    app, challenge, users, login
):
    author = factories.user("author")
    ideas = [factories.solution(author, challenge, title=f"Idea {n}") for n in range(4)]
    for idea in ideas[:3]:
        factories.door(votes.cast_vote, users["fan"], idea)
    fan = login(users["fan"])
    page_url = f"/challenges/{challenge.id}"
    refused = fan.post(f"/solutions/{ideas[3].id}/vote", data={"action": "add", "next": page_url})
    assert refused.status_code == 302 and refused.headers["Location"] == f"{page_url}#vote-{ideas[3].id}"
    page = fan.get(page_url).get_data(as_text=True)
    attributes, text = _note(page, ideas[3].id)
    assert text == "You have used all 3 of your votes in this challenge. Withdraw one to vote here."
    assert 'role="alert"' in attributes and "data-refused" in attributes
    assert _note(page, ideas[0].id)[1] == ""  # beside the button pressed, no other
    assert f'data-refused-at="vote-{ideas[3].id}"' in page  # the top copy, for a page without the button
    again = fan.get(page_url).get_data(as_text=True)
    assert _note(again, ideas[3].id)[1] == "" and "data-refused-at" not in again  # said once

    # The page to go back to is this site's only, and the anchor is the server's, not the form's.
    for hostile in ("//evil.example/#vote-1", "https://evil.example/", f"{page_url}#top", ""):
        response = fan.post(f"/solutions/{ideas[3].id}/vote", data={"action": "add", "next": hostile})
        location = response.headers["Location"]
        assert location.endswith(f"#vote-{ideas[3].id}") and location.count("#") == 1, hostile
        assert location.startswith("/") and not location.startswith("//"), hostile


def test_a_refused_withdrawal_comes_back_at_its_button_too(app, challenge, users, login):
    idea = factories.solution(factories.user("author"), challenge, title="Steam the drum gap")
    factories.door(votes.cast_vote, users["fan"], idea)
    factories.door(challenges.set_phase, users["staff"], challenge, "review")
    fan = login(users["fan"])
    refused = fan.post(f"/solutions/{idea.id}/vote", data={"action": "remove"})
    assert refused.headers["Location"] == f"/solutions/{idea.id}#vote-{idea.id}"
    page = fan.get(f"/solutions/{idea.id}").get_data(as_text=True)
    assert _note(page, idea.id)[1] == "Voting has closed for this challenge."
    assert db.session.get(Solution, idea.id).vote_count == 1


def test_the_vote_button_is_named_by_its_idea_and_says_why_in_words(app, challenge, users, login):
    own = factories.solution(users["fan"], challenge, title="My <own> idea")
    other = factories.solution(factories.user("author"), challenge, title="Steam the drum gap")
    fan = login(users["fan"])
    page = fan.get(f"/challenges/{challenge.id}").get_data(as_text=True)
    # The name is the button's own text (no aria-label to drift from what it shows).
    assert "data-vote-name>Vote for My &lt;own&gt; idea, 0 votes</span>" in page
    assert "data-vote-name>Vote for Steam the drum gap, 0 votes</span>" in page
    assert 'aria-label="votes"' not in page and 'aria-label="Vote' not in page
    # Their own idea: the reason is in words from the start; the button is not disabled (focus).
    attributes, text = _note(page, own.id)
    assert text == "You cannot vote for your own solution." and "data-refused" not in attributes
    button = re.search(rf'<form [^>]*id="vote-{own.id}"[^>]*>.*?<button([^>]*)>', page, re.S).group(1)
    assert 'aria-disabled="true"' in button and " disabled" not in button and "title=" not in button
    assert f'aria-describedby="vote-{own.id}-note"' in button

    # The in-place answer carries the button's new name and what its live region says.
    answer = fan.post(f"/solutions/{other.id}/vote", data={"action": "add"}, headers={"Accept": "application/json"})
    assert answer.json["name"] == "Vote for Steam the drum gap, 1 vote"
    assert answer.json["said"] == (
        "You voted for Steam the drum gap. It has 1 vote now. Votes left in this challenge: 2."
    )
    back = fan.post(f"/solutions/{other.id}/vote", data={"action": "remove"}, headers={"Accept": "application/json"})
    assert back.json["name"] == "Vote for Steam the drum gap, 0 votes"
    assert back.json["said"].startswith("You withdrew your vote for Steam the drum gap. It has 0 votes now.")
    refused = fan.post(f"/solutions/{own.id}/vote", data={"action": "add"}, headers={"Accept": "application/json"})
    assert refused.status_code == 422 and refused.json["error"]["message"] == "You cannot vote for your own solution."


def test_visitors_are_offered_log_in_to_vote_instead_of_a_budget(app, challenge, client):
    idea = factories.solution(factories.user("author"), challenge, title="Steam the drum gap")
    for url in (f"/challenges/{challenge.id}", f"/solutions/{idea.id}"):
        page = client.get(url).get_data(as_text=True)
        assert "data-budget-used" not in page and "of 3 used" not in page, url
        assert re.search(r'<a href="/login\?next=[^"]*">Log in to vote</a>', page), url
        assert '<span class="visually-hidden">Log in to vote for Steam the drum gap, 0 votes</span>' in page, url
    challenges.set_phase(factories.user("lead", community_roles={challenge.community: "staff"}), challenge, "review")
    closed = client.get(f"/challenges/{challenge.id}").get_data(as_text=True)
    assert ">Log in to vote</a>" not in closed  # no vote to log in for


def test_saving_an_edit_unchanged_from_a_browser_adds_no_history(app, challenge, users, login):
    solution = factories.solution(users["fan"], challenge, title="First", body="Line one\nLine two")
    fan = login(users["fan"])
    form = {"title": "First", "body": "Line one\r\nLine two"}
    assert fan.post(f"/solutions/{solution.id}/edit", data=form).status_code == 302
    assert db.session.execute(db.select(SolutionRevision)).scalars().all() == []
    assert db.session.get(Solution, solution.id).body == "Line one\nLine two"
    staff = login(users["staff"])
    assert staff.post(f"/solutions/{solution.id}/edit", data=form).status_code == 302
    assert db.session.execute(db.select(SolutionRevision)).scalars().all() == []
    from forum.audit import AuditEntry

    assert db.session.execute(db.select(AuditEntry).filter_by(action="solution.edit")).scalars().all() == []
