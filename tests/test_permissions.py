"""A permission matrix generated from the URL map: every route, every role.

A new route fails `test_every_route_has_an_access_rule` until it is given a rule here,
so no page can slip past the check.
"""

import pytest

from tests import factories

# public: anyone; member: logged-in users; staff: staff of the sample community (and admins);
# reviews: staff and the product team (review scores and the board);
# author: only the sample objects' author (nobody in the matrix); own: the fan's own object
# (others get 404); admin: site admins only.
ACCESS = {
    "static": "public",
    "main.home": "public",
    "main.set_language": "public",
    "main.healthz": "public",
    "accounts.register": "public",
    "accounts.login": "public",
    "accounts.logout": "public",
    "accounts.profile": "public",
    "accounts.settings": "member",
    "accounts.change_password": "member",
    "accounts.change_language": "member",
    "communities.index": "public",
    "communities.detail": "public",
    "challenges.new": "member",
    "challenges.edit": "staff",
    "challenges.detail": "public",
    "challenges.phase": "staff",
    "challenges.follow": "member",
    "solutions.new": "member",
    "solutions.edit": "staff",
    "solutions.detail": "public",
    "solutions.history": "staff",
    "solutions.vote": "member",
    "solutions.follow": "member",
    "solutions.comment_on_challenge": "member",
    "solutions.comment_on_solution": "member",
    "solutions.edit_comment": "staff",
    "review.change_status": "staff",
    "review.review": "staff",
    "review.assign": "staff",
    "review.add_note": "staff",
    "review.board": "reviews",
    "review.my_reviews": "member",
    "review.promote": "staff",
    "review.post_update": "staff",
    "review.create_event": "staff",
    "review.signup": "member",
    "review.merge": "staff",
    "review.dashboard": "staff",
    "review.undo_merge": "staff",
    "moderation.report": "member",
    "moderation.queue": "staff",
    "moderation.settings": "staff",
    "moderation.act": "staff",
    "moderation.suspend": "staff",
    "solutions.delete_comment": "staff",
    "notifications.index": "member",
    "notifications.open_one": "own",
    "notifications.read_all": "member",
    "media.file": "public",
    "search.results": "public",
    "search.similar": "public",
    "points.leaderboard": "public",
    "admin.index": "admin",
    "admin.community_list": "admin",
    "admin.community_new": "admin",
    "admin.community_edit": "admin",
    "admin.user_list": "admin",
    "admin.user_detail": "admin",
    "admin.user_site_role": "admin",
    "admin.user_grant_role": "admin",
    "admin.revoke_role": "admin",
    "admin.audit": "admin",
}
# outsider: staff of another community, who must get nothing more here than a fan.
ROLES = ("visitor", "fan", "outsider", "staff", "product", "admin")


def test_every_route_has_an_access_rule(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - ACCESS.keys() == set(), "give new routes an access rule"
    assert ACCESS.keys() - endpoints == set(), "remove rules of routes that are gone"


def _sample_content(community, users):
    """A challenge, a solution and a comment by a fan outside the matrix; a notification for the fan."""
    from forum.challenges.services import post_challenge
    from forum.solutions.comments import add_comment
    from forum.solutions.services import submit_solution

    author = factories.user("author")
    challenge = post_challenge(author, community, "Lint on dark clothes", "Grey fluff after every wash.")
    solution = submit_solution(author, challenge, "A finer filter", "Use a 50 micron mesh.")
    comment = add_comment(author, challenge, "Would it clog?", solution=solution)
    from forum.solutions import follows

    follows.set_following(users["fan"], solution, True)
    add_comment(author, challenge, "Tested it: it does not.", solution=solution)
    from forum.extensions import db
    from forum.notifications.models import Notification

    notification = db.session.execute(db.select(Notification).filter_by(user_id=users["fan"].id)).scalars().first()
    from datetime import timedelta

    from forum.clock import utcnow
    from forum.review import prototypes, status

    status.change_status(users["staff"], solution, "shortlisted")
    prototype = prototypes.promote(users["staff"], solution, [users["staff"]])
    event = prototypes.create_event(users["staff"], prototype, "Workshop", utcnow() + timedelta(days=9), "Qingdao", 5)
    return {
        "challenge_id": challenge.id,
        "solution_id": solution.id,
        "comment_id": comment.id,
        "notification_id": notification.id,
        "event_id": event.id,
        "merge_id": _sample_merge(challenge, users),
    }


def _sample_merge(challenge, users):
    from forum.solutions import merges

    duplicate = factories.solution(factories.user("dup_author"), challenge, title="Dup")
    original = factories.solution(factories.user("orig_author"), challenge, title="Orig")
    return merges.merge(users["staff"], duplicate, original).id


def _requests(app, community, users):
    """(endpoint, method, url) for every route, with sample arguments."""
    grant = users["staff"].community_roles[0]
    samples = {
        **_sample_content(community, users),
        "name": "missing.png",
        "kind": "solution",
        "target_id": None,
        "action": "lock",
        "slug": community.slug,
        "user_id": users["fan"].id,
        "grant_id": grant.id,
        "username": users["fan"].username,
        "code": "en",
        "filename": "app.css",
    }
    # Logging out ends the session, so it goes last.
    rules = sorted(app.url_map.iter_rules(), key=lambda rule: rule.endpoint == "accounts.logout")
    samples["target_id"] = samples["solution_id"]
    for rule in rules:
        url = rule.build({name: samples[name] for name in rule.arguments})[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, url


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(app, community, users, login, role):
    if role == "outsider":
        other = factories.community(slug="other-place", name="Other place")
        users["outsider"] = factories.user("outsider", community_roles={other: "staff"})
    client = app.test_client() if role == "visitor" else login(users[role])
    for endpoint, method, url in _requests(app, community, users):
        access = ACCESS[endpoint]
        response = client.open(url, method=method, data={})
        where = f"{role} {method} {url} -> {response.status_code}"
        to_login = response.status_code == 302 and response.headers["Location"].startswith("/login")
        allowed = (
            access == "public"
            or (access == "member" and role != "visitor")
            or (access == "staff" and role in ("staff", "admin"))
            or (access == "reviews" and role in ("staff", "admin", "product"))
            or (access == "own" and role == "fan")
            or (access == "admin" and role == "admin")
        )
        if allowed:
            assert response.status_code not in (401, 403, 404) or endpoint == "media.file", where
            assert not to_login, where
        elif role == "visitor":
            assert to_login, where
        elif access == "own":
            assert response.status_code == 404, where
        else:
            assert response.status_code == 403, where


def test_fan_cannot_assign_roles_or_create_communities(app, community, users, login):
    fan = login(users["fan"])
    assert fan.post(f"/admin/users/{users['fan'].id}/site-role", data={"role": "admin"}).status_code == 403
    assert (
        fan.post(
            f"/admin/users/{users['fan'].id}/roles", data={"grant-community": community.id, "grant-role": "staff"}
        ).status_code
        == 403
    )
    assert fan.post("/admin/communities/new", data={"slug": "mine", "name": "Mine"}).status_code == 403
    from forum.accounts.models import User
    from forum.extensions import db

    fan_row = db.session.get(User, users["fan"].id)
    assert fan_row.site_role == "fan" and fan_row.community_roles == []


def test_services_refuse_non_admin_actors(app, community, users):
    from forum.accounts import services as accounts
    from forum.communities import services as communities
    from forum.errors import Forbidden

    with pytest.raises(Forbidden):
        accounts.set_site_role(users["staff"], users["fan"], "admin")
    with pytest.raises(Forbidden):
        communities.grant_role(users["product"], users["fan"], community, "staff")
    with pytest.raises(Forbidden):
        communities.create_community(users["staff"], "new-one", "New")
    with pytest.raises(Forbidden):
        communities.update_community(users["staff"], community, "Renamed", "")


def test_staff_role_is_per_community(app, community, users):
    from forum import permissions

    other = factories.community(slug="other-one", name="Other")
    assert permissions.is_staff(users["staff"], community)
    assert not permissions.is_staff(users["staff"], other)
    assert permissions.is_staff(users["admin"], other)
    assert permissions.is_product(users["product"], other)
    assert not permissions.is_product(users["fan"], community)
