"""Solutions: the phase rules, tags, edits with history, lists and what users may not set."""

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
