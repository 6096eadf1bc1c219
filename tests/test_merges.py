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
    merged = staff.post(f"/solutions/{source.id}/merge", data={"target": str(target.id), "confirmed": "1"})
    assert merged.status_code == 302
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


@pytest.fixture
def picker(app, community, users):
    """A duplicate, its twin, a Chinese twin, an idea merged away, a hidden one, one elsewhere."""
    challenge = factories.challenge(users["staff"], community, title="Laundry smells")
    maker = factories.user("maker")
    ideas = {
        "source": factories.solution(maker, challenge, title="Steam clean the drum gap", body="Steam the gap."),
        "twin": factories.solution(maker, challenge, title="Steam-cleaning the drum gap", body="Steam after washing."),
        "chinese": factories.solution(maker, challenge, title="蒸汽清洁内筒缝隙", body="每次洗完用蒸汽清洁。"),
        "merged": factories.solution(maker, challenge, title="Steam the drum gap daily", body="Steam daily."),
        "hidden": factories.solution(maker, challenge, title="Steam gap cleaner kit", body="A steam kit."),
    }
    other = factories.challenge(users["staff"], community, title="Noise")
    ideas["elsewhere"] = factories.solution(maker, other, title="Steam the drum gap quietly", body="Quiet steam.")
    factories.door(merges.merge, users["staff"], ideas["merged"], ideas["twin"])
    from forum.moderation import services as moderation

    factories.door(moderation.hide, users["staff"], ideas["hidden"])
    return {name: idea.id for name, idea in ideas.items()}


def test_the_picker_offers_likely_duplicates_of_the_same_challenge_only(app, picker, users):
    from forum.review.merge_picker import merge_candidates

    source = db.session.get(Solution, picker["source"])
    found = merge_candidates(users["staff"], source)
    hint_ids = [idea.id for idea in found.hints]
    assert picker["twin"] in hint_ids
    assert picker["hidden"] in hint_ids  # staff may see it, so they may merge into it
    for left_out in ("source", "merged", "elsewhere"):
        assert picker[left_out] not in hint_ids, left_out
    assert found.found == [] and found.query == ""


@pytest.mark.parametrize(("query", "expected"), [("drum gap", "twin"), ("内筒", "chinese"), ("蒸汽清洁", "chinese")])
def test_the_picker_searches_the_challenge_by_title_in_english_and_chinese(app, picker, users, query, expected):
    from forum.review.merge_picker import merge_candidates

    found = merge_candidates(users["staff"], db.session.get(Solution, picker["source"]), query)
    ids = [idea.id for idea in found.found]
    assert picker[expected] in ids
    for left_out in ("source", "merged", "elsewhere"):
        assert picker[left_out] not in ids, left_out


def test_the_picker_needs_staff(app, picker, users, login):
    from forum.errors import Forbidden
    from forum.review.merge_picker import merge_candidates

    with pytest.raises(Forbidden):
        merge_candidates(users["fan"], db.session.get(Solution, picker["source"]), "steam")
    assert login(users["fan"]).get(f"/solutions/{picker['source']}/merge?q=steam").status_code == 403
    assert login(users["staff"]).get(f"/solutions/{picker['merged']}/merge").status_code == 302  # merged already


def test_the_picker_page_without_javascript(app, picker, users, login):
    staff = login(users["staff"])
    solution_page = staff.get(f"/solutions/{picker['source']}").get_data(as_text=True)
    assert f'action="/solutions/{picker["source"]}/merge"' in solution_page and 'name="q"' in solution_page
    page = staff.get(f"/solutions/{picker['source']}/merge?q=内筒").get_data(as_text=True)
    assert "Likely duplicates" in page and "Steam-cleaning the drum gap" in page
    assert f'type="radio" name="choice" value="{picker["chinese"]}"' in page
    assert f'value="{picker["elsewhere"]}"' not in page and "Steam the drum gap daily" not in page
    assert 'name="target"' in page  # the number stays, for keyboards
    # The picked solution is merged once the merge is confirmed; a POST without the answer asks first.
    asked = staff.post(f"/solutions/{picker['source']}/merge?q=内筒", data={"choice": str(picker["chinese"])})
    assert asked.status_code == 200 and "Merge this duplicate into the solution you chose?" in asked.get_data(True)
    assert db.session.get(Solution, picker["source"]).status == "open"
    assert f'name="choice" value="{picker["chinese"]}"' in asked.get_data(as_text=True)
    done = staff.post(
        f"/solutions/{picker['source']}/merge",
        data={"choice": str(picker["chinese"]), "note": "Same", "confirmed": "1"},
    )
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/solutions/{picker['chinese']}")
    record = merges.merged_into(db.session.get(Solution, picker["source"]))
    assert record.target_id == picker["chinese"] and record.note == "Same"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Pick the solution to merge into, or type its number."),
        ({"choice": "TWIN", "target": "ELSEWHERE"}, "keep one of them"),
        ({"target": "ELSEWHERE"}, "Merge into another solution of the same challenge."),
        ({"target": "999999"}, "No such solution."),
        ({"target": "99999999999999"}, "Number must be between"),
        ({"choice": "SOURCE"}, "Merge into another solution of the same challenge."),
    ],
)
def test_a_refused_merge_comes_back_with_what_was_typed(app, picker, users, login, data, message):
    staff = login(users["staff"])
    values = {key: value.replace("TWIN", str(picker["twin"])) for key, value in data.items()}
    values = {key: value.replace("ELSEWHERE", str(picker["elsewhere"])) for key, value in values.items()}
    values = {key: value.replace("SOURCE", str(picker["source"])) for key, value in values.items()}
    response = staff.post(f"/solutions/{picker['source']}/merge", data={**values, "note": "Kept", "confirmed": "1"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and message in page
    assert "\nKept</textarea>" in page
    assert db.session.get(Solution, picker["source"]).status == "open"


def test_malformed_picker_input_is_answered_not_failed(app, picker, users, login):
    staff = login(users["staff"])
    url = f"/solutions/{picker['source']}/merge"
    queries = ("?q=" + "x" * 5000, "?q=%00%01", "?q=steam&page=-5", "?q=steam&page=abc", "?q=steam&page=9999999999")
    for query in queries:
        assert staff.get(url + query).status_code == 200, query
    for data in ({"choice": "abc"}, {"target": "-1"}, {"choice": "1e9"}, {"note": "x" * 5000, "target": "2"}):
        response = staff.post(url, data={**data, "confirmed": "1"})
        assert response.status_code == 422, data
    assert db.session.get(Solution, picker["source"]).status == "open"
