"""Merging duplicates: one vote per fan moves over, budgets come back, authors are credited, undo."""

import pytest

from forum.errors import RuleBroken
from forum.extensions import db
from forum.notifications.models import Notification
from forum.solutions import comments, merges, votes
from forum.solutions.models import Solution, Vote
from forum.transaction import unit_of_work
from tests import factories


@pytest.fixture
def pair(app, community, users):
    challenge = factories.challenge(users["staff"], community, vote_budget=2)
    source = factories.solution(factories.user("copycat"), challenge, title="Steam clean the gap")
    target = factories.solution(factories.user("original"), challenge, title="Steam-cleaning the drum gap")
    both, only_source, only_target = (
        factories.user("both"),
        factories.user("only_source"),
        factories.user("only_target"),
    )
    votes.cast_vote(both, source)
    votes.cast_vote(both, target)
    votes.cast_vote(only_source, source)
    votes.cast_vote(only_target, target)
    comments.add_comment(only_source, challenge, "Great minds think alike", solution=source)
    return source, target, both, only_source, only_target


def _votes_of(solution_id):
    return db.session.execute(db.select(Vote.user_id).filter_by(solution_id=solution_id)).scalars().all()


def test_votes_move_with_one_per_fan_and_budgets_come_back(app, pair, users):
    source, target, both, only_source, only_target = pair
    with unit_of_work():
        merges.merge(users["staff"], source, target, "Same idea")
    assert sorted(_votes_of(target.id)) == sorted([both.id, only_source.id, only_target.id])
    assert _votes_of(source.id) == []
    assert db.session.get(Solution, target.id).vote_count == 3
    assert db.session.get(Solution, source.id).vote_count == 0 and source.status == "merged"
    assert votes.budget_used(both, target.challenge) == 1  # one vote came back to the budget
    told = set(db.session.execute(db.select(Notification.user_id).filter_by(kind="merge")).scalars())
    assert {source.author_id, target.author_id, both.id, only_source.id, only_target.id} <= told


def test_the_pages_point_credit_and_keep_the_discussion(app, pair, users, login, client):
    source, target, *_ = pair
    merges.merge(users["staff"], source, target)
    source_page = client.get(f"/solutions/{source.id}").get_data(as_text=True)
    assert "This idea was merged into" in source_page and f'href="/solutions/{target.id}"' in source_page
    target_page = client.get(f"/solutions/{target.id}").get_data(as_text=True)
    assert "With ideas from" in target_page and "copycat" in target_page
    assert "Great minds think alike" in target_page
    fan = login(users["fan"])
    refused = fan.post(f"/solutions/{source.id}/vote", data={"action": "add"}, headers={"Accept": "application/json"})
    assert refused.status_code == 422 and "merged" in refused.json["error"]["message"]


def test_undo_restores_votes_and_status(app, pair, users, login):
    source, target, both, only_source, only_target = pair
    staff = login(users["staff"])
    assert staff.post(f"/solutions/{source.id}/merge", data={"merge-target": str(target.id)}).status_code == 302
    record = merges.merged_into(db.session.get(Solution, source.id))
    assert staff.post(f"/merges/{record.id}/undo").status_code == 302
    assert sorted(_votes_of(source.id)) == sorted([both.id, only_source.id])
    assert sorted(_votes_of(target.id)) == sorted([both.id, only_target.id])
    assert db.session.get(Solution, source.id).status == "open"
    assert db.session.get(Solution, source.id).vote_count == 2
    with pytest.raises(RuleBroken):
        merges.undo(users["staff"], record)


def test_merges_stay_within_a_challenge_and_need_staff(app, pair, users, community):
    source, target, *_ = pair
    elsewhere = factories.solution(factories.user("far"), factories.challenge(users["staff"], community, title="Other"))
    with pytest.raises(RuleBroken):
        merges.merge(users["staff"], source, elsewhere)
    with pytest.raises(RuleBroken):
        merges.merge(users["staff"], source, source)
    from forum.errors import Forbidden

    with pytest.raises(Forbidden):
        merges.merge(users["fan"], source, target)


def test_a_vote_that_read_the_idea_before_a_merge_is_refused_and_the_merge_can_be_undone(app, pair, users):
    source, target, *_others = pair
    latecomer = factories.user("latecomer")
    db.session.commit()
    # The vote's door read the idea (still open) before its unit of work began...
    stale = db.session.get(Solution, source.id)
    stale.challenge  # noqa: B018 (loaded, as the door loads it)
    db.session.expunge(stale)
    # ...and staff merged it meanwhile.
    with unit_of_work():
        record = merges.merge(users["staff"], db.session.get(Solution, source.id), target, "Same idea")
    with pytest.raises(RuleBroken, match="merged"), unit_of_work():
        votes.cast_vote(db.session.get(type(latecomer), latecomer.id), stale)
    assert latecomer.id not in _votes_of(source.id)
    with unit_of_work():
        merges.undo(users["staff"], db.session.merge(record))
    assert db.session.get(Solution, source.id).status == "open"
