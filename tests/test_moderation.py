"""Moderation: reports, the queue, hiding everywhere, locks, first-post approval, suspensions."""

from datetime import timedelta

import pytest

from forum.audit import AuditEntry
from forum.clock import utcnow
from forum.errors import RuleBroken
from forum.extensions import db
from forum.moderation import services
from forum.moderation.models import Flag
from forum.notifications.models import Notification
from forum.solutions import comments
from forum.solutions.models import Comment, Solution
from tests import factories


@pytest.fixture
def challenge(app, community, users):
    return factories.challenge(users["staff"], community)


@pytest.fixture
def solution(challenge):
    return factories.solution(factories.user("spammer"), challenge, title="Buy cheap watches")


def _fans(n):
    return [factories.user(f"reporter{i}") for i in range(n)]


def test_a_fan_reports_and_staff_see_it_in_the_queue(app, solution, users, login, community):
    fan = login(users["fan"])
    response = fan.post(f"/report/solution/{solution.id}", data={"reason": "spam", "detail": "Link farm"})
    assert response.status_code == 302
    again = fan.post(f"/report/solution/{solution.id}", data={"reason": "spam"})
    assert "You have already reported this." in again.get_data(as_text=True)
    queue = login(users["staff"]).get(f"/c/{community.slug}/moderation").get_data(as_text=True)
    assert "Buy cheap watches" in queue and "1 fan reported this" in queue and "Link farm" in queue
    assert login(users["fan"]).get(f"/c/{community.slug}/moderation").status_code == 403


def test_authors_cannot_report_themselves(app, solution, users):
    with pytest.raises(RuleBroken):
        services.raise_flag(solution.author, solution, "spam")


def test_enough_reports_hide_at_once_and_tell_the_author(app, solution, community, users):
    reporters = _fans(3)
    for reporter in reporters[:2]:
        services.raise_flag(reporter, solution, "spam")
    assert db.session.get(Solution, solution.id).visibility == "public"
    factories.door(services.raise_flag, reporters[2], solution, "abuse")
    assert db.session.get(Solution, solution.id).visibility == "hidden"
    told = db.session.execute(db.select(Notification).filter_by(kind="hidden")).scalar_one()
    assert told.user_id == solution.author_id and told.detail == "flags"
    # Dismissing the reports brings back what the reports hid.
    services.dismiss(users["staff"], solution)
    assert db.session.get(Solution, solution.id).visibility == "public"
    assert db.session.execute(db.select(Flag).filter_by(resolved=None)).first() is None


def test_hidden_content_is_gone_for_everyone_but_staff_and_the_author(app, solution, challenge, users, login, client):
    comment = comments.add_comment(users["product"], challenge, "Looks like spam", solution=solution)
    services.hide(users["staff"], solution)
    services.hide(users["staff"], comment)
    fan = login(users["fan"])
    for viewer in (client, fan):
        assert viewer.get(f"/solutions/{solution.id}").status_code == 404
        assert "Buy cheap watches" not in viewer.get(f"/challenges/{challenge.id}").get_data(as_text=True)
    author = login(db.session.get(type(users["fan"]), solution.author_id))
    assert "Hidden by staff" in author.get(f"/solutions/{solution.id}").get_data(as_text=True)
    staff = login(users["staff"])
    assert "Buy cheap watches" in staff.get(f"/challenges/{challenge.id}").get_data(as_text=True)
    assert "Looks like spam" in staff.get(f"/solutions/{solution.id}").get_data(as_text=True)
    assert fan.post(f"/solutions/{solution.id}/vote", data={"action": "add"}).status_code == 404
    services.restore(users["staff"], solution)
    page = fan.get(f"/solutions/{solution.id}").get_data(as_text=True)
    assert "Buy cheap watches" in page and "Looks like spam" not in page  # the comment stays hidden
    actions = db.session.execute(db.select(AuditEntry.action).order_by(AuditEntry.id)).scalars().all()
    assert actions[-3:] == ["content.hide", "content.hide", "content.restore"]


def test_staff_hide_and_restore_through_the_pages(app, solution, users, login):
    staff = login(users["staff"])
    assert staff.post(f"/moderation/solution/{solution.id}/hide", data={"confirmed": "1"}).status_code == 302
    assert db.session.get(Solution, solution.id).visibility == "hidden"
    assert staff.post(f"/moderation/solution/{solution.id}/restore").status_code == 302
    assert db.session.get(Solution, solution.id).visibility == "public"
    assert staff.post(f"/moderation/solution/{solution.id}/explode").status_code == 404
    assert staff.post("/moderation/planet/1/hide").status_code == 404


def test_a_comment_hidden_by_staff_is_restored_from_where_it_stands(app, solution, challenge, users, login):
    remark = factories.door(comments.add_comment, users["fan"], challenge, "Off topic remark", solution=solution)
    staff = login(users["staff"])
    staff.post(f"/moderation/comment/{remark.id}/hide", data={"confirmed": "1"})
    page = staff.get(f"/solutions/{solution.id}").get_data(as_text=True)
    restore = f'action="/moderation/comment/{remark.id}/restore"'
    assert restore in page  # no report put it in the queue: the button is on the comment itself
    assert restore not in login(users["fan"]).get(f"/solutions/{solution.id}").get_data(as_text=True)
    assert staff.post(f"/moderation/comment/{remark.id}/restore").status_code == 302
    db.session.expire_all()
    assert db.session.get(Comment, remark.id).visibility == "public"


def test_locking_a_comment_is_refused_not_a_server_error(app, solution, challenge, users, login):
    remark = factories.door(comments.add_comment, users["fan"], challenge, "A remark", solution=solution)
    answer = login(users["staff"]).post(f"/moderation/comment/{remark.id}/lock", follow_redirects=True)
    assert answer.status_code == 200 and "Only a challenge or a solution can be locked." in answer.get_data(
        as_text=True
    )


def test_locked_discussions_take_no_comments(app, solution, users, login):
    services.set_locked(users["staff"], solution, True)
    response = login(users["fan"]).post(f"/solutions/{solution.id}/comments", data={"body": "Hello"})
    assert response.status_code == 422 and "Staff have locked this discussion." in response.get_data(as_text=True)
    services.set_locked(users["staff"], solution, False)
    assert login(users["fan"]).post(f"/solutions/{solution.id}/comments", data={"body": "Hello"}).status_code == 302


def test_suspended_members_read_but_cannot_write(app, solution, challenge, users, login, community):
    staff = login(users["staff"])
    response = staff.post(
        f"/c/{community.slug}/moderation/suspend/{users['fan'].id}", data={"days": "7", "confirmed": "1"}
    )
    assert response.status_code == 302
    fan = login(users["fan"])
    assert fan.get(f"/solutions/{solution.id}").status_code == 200
    refused = fan.post(f"/solutions/{solution.id}/comments", data={"body": "Let me talk"})
    assert refused.status_code == 422 and "You are suspended in this community until" in refused.get_data(as_text=True)
    vote = fan.post(f"/solutions/{solution.id}/vote", data={"action": "add"}, headers={"Accept": "application/json"})
    assert vote.status_code == 422
    post = fan.post(f"/challenges/{challenge.id}/solutions/new", data={"title": "Mine", "body": "Text kept"})
    assert "You are suspended in this community until" in post.get_data(as_text=True)
    problem = fan.post(f"/c/{community.slug}/challenges/new", data={"title": "T", "body": "Typed problem"})
    assert "You are suspended in this community until" in problem.get_data(as_text=True)
    assert "Typed problem" in problem.get_data(as_text=True)  # the form comes back, not a 403
    staff.post(f"/c/{community.slug}/moderation/suspend/{users['fan'].id}", data={"days": "0", "confirmed": "1"})
    assert fan.post(f"/solutions/{solution.id}/comments", data={"body": "Back"}).status_code == 302
    actions = (
        db.session.execute(db.select(AuditEntry.action).filter(AuditEntry.action.like("user.%suspend"))).scalars().all()
    )
    assert actions == ["user.suspend", "user.unsuspend"]


def test_community_staff_suspend_in_their_community_only_and_admins_everywhere(app, solution, users, login, community):
    other = factories.community(slug="xiaomi-phones", name="Xiaomi")
    elsewhere = factories.solution(factories.user("mi_author"), factories.challenge(users["admin"], other))
    staff = login(users["staff"])
    assert (
        staff.post(
            f"/c/{community.slug}/moderation/suspend/{users['fan'].id}", data={"days": "7", "confirmed": "1"}
        ).status_code
        == 302
    )
    fan = login(users["fan"])
    here = fan.post(f"/solutions/{solution.id}/comments", data={"body": "Silenced here"})
    assert here.status_code == 422 and "You are suspended in this community until" in here.get_data(as_text=True)
    assert fan.post(f"/solutions/{elsewhere.id}/comments", data={"body": "Free there"}).status_code == 302
    entry = db.session.execute(db.select(AuditEntry).filter_by(action="user.suspend")).scalar_one()
    assert entry.community_id == community.id

    # Staff cannot reach further than their community; an admin can, and the log says so.
    data = {"days": "7", "everywhere": "y", "confirmed": "1"}
    assert staff.post(f"/c/{community.slug}/moderation/suspend/{users['fan'].id}", data=data).status_code == 403
    admin = login(users["admin"])
    assert admin.post(f"/c/{community.slug}/moderation/suspend/{users['fan'].id}", data=data).status_code == 302
    there = fan.post(f"/solutions/{elsewhere.id}/comments", data={"body": "Now silenced everywhere"})
    assert there.status_code == 422 and "Your account is suspended until" in there.get_data(as_text=True)
    site_wide = db.session.execute(db.select(AuditEntry).filter_by(action="user.suspend_everywhere")).scalar_one()
    assert site_wide.community_id is None


def test_staff_cannot_suspend_admins_or_themselves(app, users, community):
    with pytest.raises(RuleBroken):
        services.suspend(users["staff"], community, users["admin"], utcnow() + timedelta(days=1))
    with pytest.raises(RuleBroken):
        services.suspend(users["staff"], community, users["staff"], utcnow() + timedelta(days=1))


def test_first_posts_of_new_accounts_wait_for_approval(app, challenge, community, users, login):
    services.update_settings(users["staff"], community, 3, True)
    newcomer = factories.user("newcomer")
    held = factories.solution(newcomer, challenge, title="My first idea")
    assert held.visibility == "pending"
    assert login(users["fan"]).get(f"/solutions/{held.id}").status_code == 404
    queue = login(users["staff"]).get(f"/c/{community.slug}/moderation").get_data(as_text=True)
    assert "My first idea" in queue and "Waiting for approval" in queue
    services.restore(users["staff"], held)
    assert login(users["fan"]).get(f"/solutions/{held.id}").status_code == 200
    assert factories.solution(newcomer, challenge, title="Second idea").visibility == "public"


def test_staff_edits_are_recorded(app, solution, challenge, users, login):
    staff = login(users["staff"])
    staff.post(f"/solutions/{solution.id}/edit", data={"title": "Watches (edited by staff)", "body": "Removed link."})
    entry = db.session.execute(db.select(AuditEntry).filter_by(action="solution.edit")).scalar_one()
    assert entry.before["title"] == "Buy cheap watches" and entry.after["body"] == "Removed link."
    comment = comments.add_comment(users["fan"], challenge, "call 555-1234", solution=solution)
    staff.post(f"/comments/{comment.id}/edit", data={"body": "[number removed]"})
    entry = db.session.execute(db.select(AuditEntry).filter_by(action="comment.edit")).scalar_one()
    assert entry.before == {"body": "call 555-1234"} and entry.after == {"body": "[number removed]"}


def test_moderation_settings_are_staff_only_and_checked(app, community, users, login):
    staff = login(users["staff"])
    staff.post(f"/c/{community.slug}/moderation/settings", data={"flag_threshold": "5", "hold_first_posts": "y"})
    db.session.refresh(community)
    assert community.flag_threshold == 5 and community.hold_first_posts
    assert (
        login(users["fan"]).post(f"/c/{community.slug}/moderation/settings", data={"flag_threshold": "1"}).status_code
        == 403
    )


def test_flagging_is_rate_limited(make_app, app, solution, users):
    limited = make_app(RATELIMIT_FLAG="2 per minute")
    client = limited.test_client()
    client.post("/login", data={"login": "fan", "password": factories.PASSWORD})
    statuses = [client.post(f"/report/solution/{solution.id}", data={"reason": "spam"}).status_code for _ in range(3)]
    assert statuses[-1] == 429


@pytest.fixture
def held_posts(app, community, users, challenge):
    """A solution staff hid, a challenge fans' reports hid, a first post held, a comment a second
    staff member hid (in that order); a public idea and another community's hidden one besides."""
    from forum.challenges.services import post_challenge
    from forum.solutions.services import submit_solution

    lead = factories.user("lead2", community_roles={community: "staff"})
    hidden = factories.solution(factories.user("spammer"), challenge, title="Buy cheap watches")
    factories.solution(factories.user("maker"), challenge, title="A public idea")
    factories.door(services.hide, users["staff"], hidden)
    reported = factories.door(post_challenge, factories.user("troll"), community, "Rude problem", "Rude words.")
    for reporter in _fans(3):
        factories.door(services.raise_flag, reporter, reported, "abuse")
    factories.door(services.update_settings, users["staff"], community, 3, True)
    newcomer = factories.user("newcomer")
    held = factories.door(submit_solution, newcomer, challenge, "My first idea", "Please approve.")
    comment = factories.door(comments.add_comment, factories.user("rude"), challenge, "You are all wrong")
    factories.door(services.hide, lead, comment)
    other = factories.community(slug="other-place", name="Other place")
    elsewhere = factories.solution(
        factories.user("far"), factories.challenge(users["staff"], other), title="Hidden elsewhere"
    )
    factories.door(services.hide, users["admin"], elsewhere)
    return {"hidden": hidden, "reported": reported, "held": held, "comment": comment, "lead": lead}


def _listed(page):
    return [(item.kind, item.target.id, item.why) for item in page.items]


def test_the_hidden_and_held_list_newest_first_with_why_and_who(app, community, users, held_posts):
    from forum.moderation import held

    page = held.hidden_and_held(users["staff"], community)
    assert _listed(page) == [
        ("comment", held_posts["comment"].id, "staff"),
        ("solution", held_posts["held"].id, "held"),
        ("challenge", held_posts["reported"].id, "reports"),
        ("solution", held_posts["hidden"].id, "staff"),
    ]
    by_kind = {(item.kind, item.why): item for item in page.items}
    assert by_kind[("comment", "staff")].actor.username == "lead2"
    assert by_kind[("solution", "staff")].actor.username == "staff"
    assert by_kind[("challenge", "reports")].actor is None
    assert by_kind[("challenge", "reports")].reasons == {"abuse": 3}
    assert page.next_cursor is None


def test_the_list_filters_by_kind_reason_who_and_date(app, community, users, held_posts):
    from forum.moderation import held

    def listed(**filters):
        return [
            (kind, why)
            for kind, _id, why in _listed(held.hidden_and_held(users["staff"], community, held.Filters(**filters)))
        ]

    assert listed(kind="comment") == [("comment", "staff")]
    assert listed(kind="solution") == [("solution", "held"), ("solution", "staff")]
    assert listed(why="reports") == [("challenge", "reports")]
    assert listed(why="held") == [("solution", "held")]
    assert listed(reported="abuse") == [("challenge", "reports")]
    assert listed(reported="spam") == []
    assert listed(actor_id=held_posts["lead"].id) == [("comment", "staff")]
    today = utcnow().date()
    assert len(listed(since=today, until=today)) == 4
    assert listed(until=today - timedelta(days=1)) == [] and listed(since=today + timedelta(days=1)) == []
    assert [user.username for user in held.hiders(users["staff"], community)] == ["lead2", "staff"]


def test_the_list_is_paged_and_refuses_forged_page_links(app, community, users, held_posts):
    from forum.moderation import held

    first = held.hidden_and_held(users["staff"], community, limit=3)
    second = held.hidden_and_held(users["staff"], community, cursor=first.next_cursor, limit=3)
    assert len(first.items) == 3 and first.next_cursor
    assert _listed(second) == [("solution", held_posts["hidden"].id, "staff")] and second.next_cursor is None
    from forum.paging import encode_cursor

    for forged in ("nonsense", encode_cursor(["not a time", "solution", 1]), encode_cursor(["2026-01-01", "user", 1])):
        with pytest.raises(RuleBroken):
            held.hidden_and_held(users["staff"], community, cursor=forged)


def test_the_list_is_for_the_communitys_staff_and_admins(app, community, users, held_posts, login):
    from forum.errors import Forbidden
    from forum.moderation import held

    with pytest.raises(Forbidden):
        held.hidden_and_held(users["fan"], community)
    outsider = factories.user("outsider", community_roles={factories.community(slug="third", name="Third"): "staff"})
    url = f"/c/{community.slug}/moderation/hidden"
    for user, status in ((users["fan"], 403), (outsider, 403), (users["product"], 403), (users["admin"], 200)):
        assert login(user).get(url).status_code == status, user.username
    assert "Hidden elsewhere" not in login(users["admin"]).get(url).get_data(as_text=True)


def test_restore_and_approve_from_the_list_come_back_to_it(app, community, users, held_posts, login):
    staff = login(users["staff"])
    queue = staff.get(f"/c/{community.slug}/moderation").get_data(as_text=True)
    assert f'href="/c/{community.slug}/moderation/hidden"' in queue
    url = f"/c/{community.slug}/moderation/hidden?kind=solution"
    page = staff.get(url).get_data(as_text=True)
    assert "Buy cheap watches" in page and "My first idea" in page and "You are all wrong" not in page
    assert ">Approve</button>" in page and ">Restore</button>" in page
    held_id, hidden_id = held_posts["held"].id, held_posts["hidden"].id
    approved = staff.post(f"/moderation/solution/{held_id}/restore", data={"next": url})
    assert approved.status_code == 302 and approved.headers["Location"] == url
    staff.post(f"/moderation/solution/{hidden_id}/restore", data={"next": url})
    assert db.session.get(Solution, held_id).visibility == "public"
    assert db.session.get(Solution, hidden_id).visibility == "public"
    assert db.session.get(Solution, held_id).author.trusted  # approving trusts the author, as in the queue
    page = staff.get(url).get_data(as_text=True)
    assert "Nothing matches these filters." in page


def test_malformed_filters_are_answered_not_failed(app, community, users, held_posts, login):
    staff = login(users["staff"])
    base = f"/c/{community.slug}/moderation/hidden"
    response = staff.get(base + "?since=yesterday&who=abc&kind=user&why=%00&until=2026-02-31&reported=x")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Not a valid date value." in page and "Buy cheap watches" in page
    assert staff.get(base + "?cursor=forged").status_code == 302
