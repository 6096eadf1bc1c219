"""The staff dashboard: unanswered ideas, median first response, funnel, flags waiting."""

from datetime import timedelta

from forum.extensions import db
from forum.moderation import services as moderation
from forum.review import dashboard, status
from forum.solutions import comments
from forum.solutions.models import Solution
from tests import factories


def test_the_numbers(app, community, users, login):
    challenge = factories.challenge(users["staff"], community, title="Secondary pollution")
    ideas = [factories.solution(factories.user(f"maker{n}"), challenge, title=f"Idea {n}") for n in range(5)]
    for hours, idea in ((2, ideas[0]), (6, ideas[1])):
        db.session.get(Solution, idea.id).created -= timedelta(hours=hours)
    db.session.commit()
    status.change_status(users["staff"], ideas[0], "shortlisted")  # answered 2 h after posting
    comments.add_comment(users["staff"], challenge, "We are looking at this", solution=ideas[1])  # 6 h
    comments.add_comment(users["fan"], challenge, "Me too!", solution=ideas[2])  # a fan: no answer
    status.change_status(users["staff"], ideas[3], "shortlisted")
    status.change_status(users["staff"], ideas[3], "prototyping")
    moderation.raise_flag(users["fan"], ideas[4], "spam")

    board = dashboard.dashboard(users["staff"], community)
    assert [s.title for s in board.unanswered] == ["Idea 2", "Idea 4"]
    assert board.unanswered_count == 2
    assert board.responses_counted == 3
    assert timedelta(hours=1, minutes=59) < board.median_response < timedelta(hours=2, minutes=1)
    assert board.funnels == [
        {"id": challenge.id, "title": "Secondary pollution", "submitted": 5, "shortlisted": 2, "prototyping": 1,
         "prototyped": 0}
    ]  # fmt: skip
    assert board.flags_waiting == 1

    page = login(users["staff"]).get(f"/c/{community.slug}/dashboard").get_data(as_text=True)
    assert "ideas without an answer" in page and "<svg" in page and "Idea 2" in page
    assert login(users["fan"]).get(f"/c/{community.slug}/dashboard").status_code == 403


def test_the_product_team_reads_the_dashboard_without_the_staff_actions(app, community, users, login):
    challenge = factories.challenge(users["staff"], community, title="Secondary pollution")
    idea = factories.solution(factories.user("maker"), challenge, title="Steam the gap")
    factories.door(moderation.raise_flag, users["fan"], idea, "spam")
    team = factories.user("team_member", community_roles={community: "product"})
    url = f"/c/{community.slug}/dashboard"
    queue = f'href="/c/{community.slug}/moderation'
    for reader in (team, users["product"]):  # the community's product team, and the site-wide role
        client = login(reader)
        page = client.get(url)
        assert page.status_code == 200, reader
        text = page.get_data(as_text=True)
        assert "Steam the gap" in text and "as the product team" in text
        assert queue not in text  # the moderation queue is staff's: not offered
        assert f'href="{url}"' in client.get(f"/c/{community.slug}").get_data(as_text=True)
        assert client.get(f"/c/{community.slug}/moderation").status_code == 403  # nor open on the server
        assert board_readable(reader, community)
    staff_page = login(users["staff"]).get(url).get_data(as_text=True)
    assert queue in staff_page and "as the product team" not in staff_page
    outsider = factories.user("outsider", community_roles={factories.community(slug="other"): "product"})
    assert login(outsider).get(url).status_code == 403
    assert login(users["fan"]).get(url).status_code == 403
    assert f'href="{url}"' not in login(users["fan"]).get(f"/c/{community.slug}").get_data(as_text=True)


def board_readable(reader, community):
    return dashboard.dashboard(reader, community).unanswered_count == 1
