"""Solutions: the phase rules, tags, edits with history, lists and what users may not set."""

import pytest

from forum.challenges import services as challenges
from forum.errors import Forbidden, RuleBroken
from forum.extensions import db
from forum.solutions import services
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


def test_edits_keep_a_history_staff_can_read(app, challenge, users, login):
    solution = factories.solution(users["fan"], challenge, title="First", body="Version one")
    fan = login(users["fan"])
    response = fan.post(f"/solutions/{solution.id}/edit", data={"title": "Second", "body": "Version two"})
    assert response.status_code == 302
    revision = db.session.execute(db.select(SolutionRevision)).scalar_one()
    assert (revision.title, revision.body) == ("First", "Version one")
    assert fan.get(f"/solutions/{solution.id}/history").status_code == 403
    staff = login(users["staff"])
    assert "Version one" in staff.get(f"/solutions/{solution.id}/history").get_data(as_text=True)
    other = factories.user("other_fan")
    with pytest.raises(Forbidden):
        services.edit_solution(other, solution, "Hijack", "Mine now")


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
