"""Rubric reviews: scoring in the review phase, assignments, private notes, the board."""

import pytest

from forum.challenges import services as challenges
from forum.errors import Forbidden, RuleBroken
from forum.extensions import db
from forum.review import scoring
from forum.review.models import Review
from forum.solutions import votes
from tests import factories

FULL = {"feasibility": 4, "impact": 5, "novelty": 3, "cost": 2}


@pytest.fixture
def setup(app, community, users):
    challenge = factories.challenge(users["staff"], community, vote_budget=3)
    ideas = [factories.solution(factories.user(f"maker{n}"), challenge, title=f"Idea {n}") for n in range(3)]
    votes.cast_vote(users["fan"], ideas[2])
    votes.cast_vote(users["product"], ideas[2])
    challenges.set_phase(users["staff"], challenge, "review")
    second = factories.user("second_reviewer", community_roles={community: "staff"})
    return challenge, ideas, second


def test_scores_only_in_review_and_only_by_staff(app, community, users):
    challenge = factories.challenge(users["staff"], community)
    idea = factories.solution(users["fan"], challenge)
    with pytest.raises(RuleBroken, match="review phase"):
        scoring.score(users["staff"], idea, FULL)
    challenges.set_phase(users["staff"], challenge, "review")
    with pytest.raises(Forbidden, match="Only staff"):
        scoring.score(users["product"], idea, FULL)
    with pytest.raises(RuleBroken) as caught:
        scoring.score(users["staff"], idea, {**FULL, "impact": 6})
    assert caught.value.field == "impact"
    scoring.score(users["staff"], idea, FULL, "Solid")
    scoring.score(users["staff"], idea, {**FULL, "impact": 3})  # scoring again replaces
    review = db.session.execute(db.select(Review)).scalar_one()
    assert review.impact == 3


def test_two_reviewers_and_the_board(app, setup, users, login):
    challenge, ideas, second = setup
    scoring.score(users["staff"], ideas[0], {"feasibility": 5, "impact": 5, "novelty": 5, "cost": 5})
    scoring.score(second, ideas[0], {"feasibility": 3, "impact": 3, "novelty": 3, "cost": 3})
    scoring.score(users["staff"], ideas[1], {"feasibility": 2, "impact": 2, "novelty": 2, "cost": 2})
    rows = scoring.board(users["product"], challenge)
    by_title = {row.solution.title: row for row in rows}
    assert by_title["Idea 0"].reviewers == 2 and by_title["Idea 0"].averages["impact"] == 4.0
    assert by_title["Idea 2"].reviewers == 0 and by_title["Idea 2"].weighted is None
    assert rows[0].solution.title == "Idea 0"
    # Idea 2 has no reviews but all the votes: the votes' 30% put it above a weakly reviewed idea.
    assert [r.solution.title for r in rows] == ["Idea 0", "Idea 2", "Idea 1"]
    page = login(users["product"]).get(f"/challenges/{challenge.id}/board").get_data(as_text=True)
    assert "Review board" in page and "Idea 0" in page
    assert login(users["fan"]).get(f"/challenges/{challenge.id}/board").status_code == 403
    with pytest.raises(Forbidden):
        scoring.board(users["fan"], challenge)


def test_assignments_show_in_the_reviewers_queue_until_scored(app, setup, users, login):
    _, ideas, second = setup
    staff = login(users["staff"])
    response = staff.post(f"/solutions/{ideas[1].id}/assign", data={"assign-reviewer": str(second.id)})
    assert response.status_code == 302
    assert "Idea 1" in login(second).get("/reviews/mine").get_data(as_text=True)
    with pytest.raises(RuleBroken):
        scoring.assign(users["staff"], ideas[1], users["fan"])
    reviewer = login(second)
    reviewer.post(
        f"/solutions/{ideas[1].id}/review",
        data={"review-feasibility": "4", "review-impact": "4", "review-novelty": "4", "review-cost": "4"},
    )
    assert "Idea 1" not in reviewer.get("/reviews/mine").get_data(as_text=True)


def test_reviews_and_notes_are_never_shown_to_fans(app, setup, users, login):
    _, ideas, _ = setup
    scoring.score(users["staff"], ideas[0], FULL, "Secret reviewer remark")
    staff = login(users["staff"])
    staff.post(f"/solutions/{ideas[0].id}/notes", data={"note-body": "Talk to supplier X first"})
    for viewer, visible in ((login(users["fan"]), False), (login(users["product"]), True), (staff, True)):
        page = viewer.get(f"/solutions/{ideas[0].id}").get_data(as_text=True)
        assert ("Talk to supplier X first" in page) is visible
        assert ("Secret reviewer remark" in page) is visible


def test_the_rubric_is_published_on_campaign_pages(app, setup, client):
    challenge, _, _ = setup
    page = client.get(f"/challenges/{challenge.id}").get_data(as_text=True)
    assert "How ideas are judged" in page and "Feasibility — 30%" in page


def test_every_score_starts_empty(app, setup, users, login):
    _, ideas, _ = setup
    page = login(users["staff"]).get(f"/solutions/{ideas[0].id}").get_data(as_text=True)
    for criterion in FULL:
        select = page[page.index(f'name="review-{criterion}"') :]
        select = select[: select.index("</select>")]
        assert '<option selected value="">—</option>' in select, criterion
        assert "selected" not in select.split("—", 1)[1], criterion


def test_a_review_with_a_score_missing_is_not_stored_and_comes_back(app, setup, users, login):
    _, ideas, _ = setup
    response = login(users["staff"]).post(
        f"/solutions/{ideas[0].id}/review",
        data={"review-feasibility": "4", "review-impact": "5", "review-novelty": "", "review-note": "Half done"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Choose a score from 1 to 5 for “Novelty”." in page
    assert "Choose a score from 1 to 5 for “Cost (5 = cheap)”." in page
    assert "Feasibility”" not in page and "Impact”" not in page
    assert '<option selected value="4">4</option>' in page and '<option selected value="5">5</option>' in page
    assert "\nHalf done</textarea>" in page
    assert db.session.execute(db.select(Review)).first() is None


def test_a_forged_score_is_refused_by_the_form_and_the_service(app, setup, users, login):
    _, ideas, _ = setup
    forged = {f"review-{c}": "3" for c in FULL} | {"review-cost": "9"}
    assert login(users["staff"]).post(f"/solutions/{ideas[0].id}/review", data=forged).status_code == 422
    with pytest.raises(RuleBroken) as caught:
        scoring.score(users["staff"], ideas[0], {**FULL, "cost": None})
    assert caught.value.field == "cost"
    assert db.session.execute(db.select(Review)).first() is None


def test_the_board_says_not_scored_for_solutions_nobody_scored(app, setup, users, login):
    challenge, ideas, _ = setup
    scoring.score(users["staff"], ideas[0], FULL)
    page = login(users["staff"]).get(f"/challenges/{challenge.id}/board").get_data(as_text=True)
    rows = {idea.title: page[page.index(f">{idea.title}</a>") :].split("</tr>")[0] for idea in ideas}
    assert "Not scored" not in rows["Idea 0"] and "4.0" in rows["Idea 0"]
    for title in ("Idea 1", "Idea 2"):
        assert "Not scored" in rows[title] and "(votes only)" in rows[title]
        assert "—" not in rows[title]
