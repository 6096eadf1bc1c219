"""Challenges: fans' problems, staff campaigns, phases and deadlines, lists."""

from datetime import timedelta

import pytest

from forum.audit import AuditEntry
from forum.challenges import services
from forum.challenges.models import Challenge
from forum.clock import utcnow
from forum.errors import Forbidden, RuleBroken
from forum.extensions import db
from tests import factories


def test_a_fan_posts_a_problem_and_follows_it(app, community, users, login):
    fan = login(users["fan"])
    response = fan.post(
        f"/c/{community.slug}/challenges/new",
        data={"title": "洗完的衣服有异味", "body": "夹层**发霉**了", "is_campaign": "y", "vote_budget": "2"},
    )
    assert response.status_code == 302
    challenge = db.session.execute(db.select(Challenge)).scalar_one()
    # A fan cannot run a campaign: the campaign fields are ignored for them.
    assert not challenge.is_campaign and challenge.vote_budget is None
    assert challenge.body_html == "<p>夹层<strong>发霉</strong>了</p>\n"
    page = fan.get(f"/challenges/{challenge.id}").get_data(as_text=True)
    assert "洗完的衣服有异味" in page and "Following" in page


def test_staff_start_a_campaign_with_settings(app, community, users, login):
    staff = login(users["staff"])
    response = staff.post(
        f"/c/{community.slug}/challenges/new",
        data={
            "title": "Secondary pollution",
            "body": "Keep the drum clean.",
            "is_campaign": "y",
            "submission_ends": "2030-01-01T10:00",
            "voting_ends": "2030-02-01T10:00",
            "vote_budget": "3",
            "review_threshold": "10",
            "reward": "Build a sample machine with us",
        },
    )
    assert response.status_code == 302
    challenge = db.session.execute(db.select(Challenge)).scalar_one()
    assert challenge.is_campaign and challenge.vote_budget == 3 and challenge.review_threshold == 10
    assert challenge.submission_ends.year == 2030 and challenge.reward == "Build a sample machine with us"


def test_campaign_form_errors_keep_the_text(app, community, users, login):
    staff = login(users["staff"])
    body = "A long problem statement. " * 50
    response = staff.post(
        f"/c/{community.slug}/challenges/new",
        data={
            "title": "Secondary pollution",
            "body": body,
            "is_campaign": "y",
            "submission_ends": "2030-02-01T10:00",
            "voting_ends": "2030-01-01T10:00",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Voting must end after submissions close." in page
    assert body.strip() in page
    assert db.session.execute(db.select(Challenge)).first() is None


def test_deadlines_advance_the_phase_when_read(app, community, users):
    now = utcnow()
    challenge = factories.challenge(
        users["staff"], community, submission_ends=now + timedelta(minutes=1), voting_ends=now + timedelta(days=1)
    )
    challenge.submission_ends = now - timedelta(minutes=1)  # as if two minutes had gone by
    assert challenge.phase == "submission"
    assert challenge.current_phase() == "voting"
    assert challenge.current_phase(now + timedelta(days=2)) == "review"
    assert challenge.current_phase(now - timedelta(minutes=2)) == "submission"


def test_phases_only_move_forward_and_only_by_staff(app, community, users):
    challenge = factories.challenge(users["fan"], community)
    with pytest.raises(Forbidden):
        services.set_phase(users["fan"], challenge, "voting")
    services.set_phase(users["staff"], challenge, "voting")
    assert challenge.current_phase() == "voting" and challenge.is_campaign
    with pytest.raises(RuleBroken):
        services.set_phase(users["staff"], challenge, "submission")
    with pytest.raises(RuleBroken):
        services.set_phase(users["staff"], challenge, "nonsense")
    services.set_phase(users["staff"], challenge, "review")
    assert challenge.current_phase() == "review"
    entries = db.session.execute(db.select(AuditEntry).filter_by(action="challenge.phase")).scalars().all()
    assert [e.after["phase"] for e in entries] == ["voting", "review"]


def test_opening_voting_is_not_undone_by_a_deadline_already_past(app, community, users):
    challenge = factories.challenge(users["staff"], community, voting_ends=utcnow() + timedelta(days=3))
    challenge.voting_ends = utcnow() - timedelta(hours=1)
    challenge.submission_ends = None
    services.set_phase(users["staff"], challenge, "voting")
    assert challenge.current_phase() == "voting"


def test_phase_move_notifies_followers(app, community, users, login):
    challenge = factories.challenge(users["staff"], community)
    fan = login(users["fan"])
    fan.post(f"/challenges/{challenge.id}/follow", data={"action": "follow"})
    staff = login(users["staff"])
    assert staff.post(f"/challenges/{challenge.id}/phase", data={"phase": "voting"}).status_code == 302
    page = fan.get("/notifications/").get_data(as_text=True)
    assert "moved to a new phase: Voting" in page


def test_fans_cannot_edit_campaigns_but_authors_edit_their_problem(app, community, users, login):
    campaign = factories.challenge(users["staff"], community)
    problem = factories.challenge(users["fan"], community, title="Mine")
    fan = login(users["fan"])
    assert fan.post(f"/challenges/{campaign.id}/edit", data={"title": "x", "body": "y"}).status_code == 403
    response = fan.post(f"/challenges/{problem.id}/edit", data={"title": "Mine, clearer", "body": "Details."})
    assert response.status_code == 302
    assert db.session.get(Challenge, problem.id).title == "Mine, clearer"


def test_community_page_lists_challenges_with_paging(app, community, users, client):
    for number in range(25):
        factories.challenge(users["fan"], community, title=f"Problem {number:02d}")
    first = client.get(f"/c/{community.slug}?sort=new").get_data(as_text=True)
    assert "Problem 24" in first and "Problem 04" not in first
    next_link = first.split('class="pager"')[1].split('href="')[1].split('"')[0].replace("&amp;", "&")
    second = client.get(next_link).get_data(as_text=True)
    assert "Problem 04" in second and "Problem 24" not in second
    assert client.get(f"/c/{community.slug}?sort=bogus").status_code == 404
    assert client.get(f"/c/{community.slug}?cursor=garbage!").status_code == 404


def test_trending_challenges_on_the_home_page(app, community, users, client):
    factories.challenge(users["staff"], community, title="清洁度传感器")
    assert "清洁度传感器" in client.get("/").get_data(as_text=True)


def test_challenge_title_and_body_are_capped(app, community, users):
    with pytest.raises(RuleBroken) as caught:
        services.post_challenge(users["fan"], community, "t" * 201, "body")
    assert caught.value.field == "title"
    with pytest.raises(RuleBroken) as caught:
        services.post_challenge(users["fan"], community, "title", "b" * 20_001)
    assert caught.value.field == "body"


def test_staff_adopt_a_fans_problem_as_a_campaign_with_a_cover(app, community, users, login):
    import io

    from PIL import Image as PILImage

    problem = factories.challenge(users["fan"], community, title="Socks vanish")
    staff = login(users["staff"])
    cover = io.BytesIO()
    PILImage.new("RGB", (800, 300), (10, 120, 200)).save(cover, format="JPEG")
    cover.seek(0)
    response = staff.post(
        f"/challenges/{problem.id}/edit",
        data={
            "title": "Socks vanish",
            "body": "Where do they go?",
            "is_campaign": "y",
            "vote_budget": "5",
            "cover": (cover, "cover.jpg"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    adopted = db.session.get(Challenge, problem.id)
    assert adopted.is_campaign and adopted.vote_budget == 5 and adopted.author_id == users["fan"].id
    assert adopted.cover_image is not None and adopted.cover_image.content_type == "image/jpeg"
    assert f'src="/media/{adopted.cover_image.name}"' in staff.get(f"/challenges/{problem.id}").get_data(True)
    audit = db.session.execute(db.select(AuditEntry).filter_by(action="challenge.update")).scalar_one()
    assert audit.before["vote_budget"] is None and audit.after["vote_budget"] == 5


def test_a_bad_cover_is_refused_before_anything_is_posted(app, community, users, login):
    import io

    staff = login(users["staff"])
    response = staff.post(
        f"/c/{community.slug}/challenges/new",
        data={"title": "T", "body": "B", "cover": (io.BytesIO(b"<svg onload=alert(1)>"), "c.svg")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert "It is not a PNG, JPEG, WebP or GIF image, or the file is damaged." in response.get_data(as_text=True)
    assert db.session.execute(db.select(Challenge)).first() is None


def test_a_deadline_already_past_is_refused_where_it_is_set(app, community, users, login):
    staff = login(users["staff"])
    form = {"title": "Secondary pollution", "body": "Keep the drum clean.", "is_campaign": "y"}
    response = staff.post(f"/c/{community.slug}/challenges/new", data={**form, "submission_ends": "2020-01-01T10:00"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "The submission deadline has already passed" in page
    assert db.session.execute(db.select(Challenge)).first() is None
    challenge = factories.challenge(users["staff"], community, submission_ends=utcnow() + timedelta(days=1))
    with pytest.raises(RuleBroken) as refused:
        factories.door(
            services.update_challenge,
            users["staff"],
            challenge,
            challenge.title,
            challenge.body,
            services.Campaign(voting_ends=utcnow() - timedelta(hours=1)),
        )
    assert refused.value.field == "voting_ends"
    # A deadline that passed since it was set may be kept while the rest changes.
    challenge.submission_ends = utcnow() - timedelta(hours=1)
    db.session.commit()
    kept = services.Campaign(submission_ends=challenge.submission_ends)
    factories.door(services.update_challenge, users["staff"], challenge, "Renamed", challenge.body, kept)
    assert db.session.get(Challenge, challenge.id).title == "Renamed"


def test_a_challenge_saved_unchanged_from_a_browser_audits_nothing(app, community, users, login):
    problem = factories.challenge(users["fan"], community, title="Socks vanish", body="Line one\nLine two")
    staff = login(users["staff"])
    form = {"title": "Socks vanish", "body": "Line one\r\nLine two"}
    assert staff.post(f"/challenges/{problem.id}/edit", data=form).status_code == 302
    assert db.session.get(Challenge, problem.id).body == "Line one\nLine two"
    assert db.session.execute(db.select(AuditEntry).filter_by(action="challenge.update")).first() is None
