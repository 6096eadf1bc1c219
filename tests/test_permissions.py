"""A permission matrix generated from the URL map: every route, every role.

A new route fails `test_every_route_has_an_access_rule` until it is given a rule here,
so no page can slip past the check.
"""

import pytest

from forum.transaction import unit_of_work
from tests import factories

# public: anyone; member: logged-in users; staff: staff of the sample community (and admins);
# reviews: staff and the product team (review scores and the board);
# author: only the sample objects' author (nobody in the matrix); own: the fan's own object
# (others get 404); admin: site admins only.
ACCESS = {
    "static": "public",
    "main.home": "public",
    "main.set_language": "public",
    "main.set_theme": "public",
    "main.healthz": "public",
    "accounts.register": "public",
    "accounts.finish_sign_up": "public",
    "accounts.forgot_password": "public",
    "accounts.reset_password": "public",
    "accounts.login": "public",
    "accounts.logout": "public",
    "accounts.profile": "public",
    "accounts.settings": "member",
    "accounts.change_password": "member",
    "accounts.change_address": "member",
    "accounts.change_mail": "member",
    "notifications.unsubscribe": "public",
    "review.release_list": "public",
    "review.release_new": "staff",
    "accounts.confirm_address": "public",
    "accounts.change_language": "member",
    "accounts.change_time_zone": "member",
    "accounts.switch_language": "member",
    "accounts.switch_theme": "member",
    "accounts.request_confirmation": "member",
    "solutions.follow_from_mail": "public",
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
    "solutions.history": "public",
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
    "review.roster": "staff",
    "review.roster_csv": "staff",
    "review.attendance": "staff",
    "review.merge": "staff",
    "review.dashboard": "reviews",
    "review.undo_merge": "staff",
    "moderation.report": "member",
    "moderation.queue": "staff",
    "moderation.hidden": "staff",
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
    "sharing.qr_code": "public",
    "points.leaderboard": "public",
    "admin.index": "admin",
    "admin.community_list": "admin",
    "admin.community_new": "admin",
    "admin.community_edit": "admin",
    "admin.user_list": "admin",
    "admin.user_detail": "admin",
    "admin.user_site_role": "admin",
    "admin.user_password_reset": "admin",
    "admin.user_grant_role": "admin",
    "admin.revoke_role": "admin",
    "admin.audit": "admin",
    "accounts.create_token": "member",
    "accounts.revoke_token": "own",
    "exports.export": "reviews",
    "main.api_docs": "public",
    "writing.preview": "member",
    "webhooks.manage": "staff",
    "webhooks.log": "staff",
    "webhooks.delete": "staff",
    "webhooks.act": "staff",
    "webhooks.replay": "staff",
    # Sign-in with a provider (tests/conftest.py configures one that does not answer): starting
    # and the provider's return are for anyone, linking and unlinking for the signed-in member.
    "oidc.start": "public",
    "oidc.callback": "public",
    "oidc.new_account": "public",
    "oidc.link": "member",
    "oidc.unlink": "member",
}
# The API answers 401 where a page sends visitors to log in; levels as above.
API_ACCESS = {
    "api.create_token": "public",
    "api.list_communities": "public",
    "api.create_community": "admin",
    "api.get_community": "public",
    "api.list_challenges": "public",
    "api.post_challenge": "member",
    "api.get_challenge": "public",
    "api.change_challenge": "staff",
    "api.list_solutions": "public",
    "api.submit_solution": "member",
    "api.get_solution": "public",
    "api.change_solution": "staff",
    "api.cast_vote": "member",
    "api.withdraw_vote": "member",
    "api.list_comments": "public",
    "api.add_comment": "member",
    "api.raise_flag": "member",
    "api.list_reviews": "reviews",
    "api.add_review": "staff",
    "api.change_status": "staff",
    "api.list_updates": "public",
    "api.post_update": "staff",
    "api.search_everything": "public",
    "api.leaderboard": "public",
    "api.export_csv": "reviews",
    "api.export_xlsx": "reviews",
    "api.export_json": "reviews",
    "api.openapi_document": "public",
    "api.list_webhooks": "staff",
    "api.create_webhook": "staff",
    "api.test_webhook": "staff",
    "api.delete_webhook": "staff",
    "api.list_deliveries": "staff",
    "api.replay_delivery": "staff",
}
# outsider: staff of another community, who must get nothing more here than a fan.
ROLES = ("visitor", "fan", "outsider", "staff", "product", "admin")


def test_every_route_has_an_access_rule(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    rules = ACCESS.keys() | API_ACCESS.keys()
    assert endpoints - rules == set(), "give new routes an access rule"
    assert rules - endpoints == set(), "remove rules of routes that are gone"


def _sample_content(community, users):
    """A challenge, a solution and a comment by a fan outside the matrix; a notification for the fan."""
    from forum.challenges.services import post_challenge
    from forum.solutions import follows
    from forum.solutions.comments import add_comment
    from forum.solutions.services import submit_solution

    author = factories.user("author")
    with unit_of_work():
        challenge = post_challenge(author, community, "Lint on dark clothes", "Grey fluff after every wash.")
        solution = submit_solution(author, challenge, "A finer filter", "Use a 50 micron mesh.")
        comment = add_comment(author, challenge, "Would it clog?", solution=solution)
        follows.set_following(users["fan"], solution, True)
        add_comment(author, challenge, "Tested it: it does not.", solution=solution)
    from forum.extensions import db
    from forum.notifications.models import Notification

    notification = db.session.execute(db.select(Notification).filter_by(user_id=users["fan"].id)).scalars().first()
    from datetime import timedelta

    from forum.clock import utcnow
    from forum.review import prototypes, status

    attendee = factories.user("attendee")
    with unit_of_work():
        status.change_status(users["staff"], solution, "shortlisted")
        prototype = prototypes.promote(users["staff"], solution, [users["staff"]])
        event = prototypes.create_event(
            users["staff"], prototype, "Workshop", utcnow() + timedelta(days=9), "Qingdao", 5
        )
        signup = prototypes.sign_up(attendee, event)
    return {
        "challenge_id": challenge.id,
        "solution_id": solution.id,
        "comment_id": comment.id,
        "notification_id": notification.id,
        "event_id": event.id,
        "signup_id": signup.id,
        "merge_id": _sample_merge(challenge, users),
    }


def _sample_token(users):
    from forum.accounts import tokens

    return factories.door(tokens.issue_token, users["fan"], "matrix")[0].id


def _sample_merge(challenge, users):
    from forum.solutions import merges

    duplicate = factories.solution(factories.user("dup_author"), challenge, title="Dup")
    original = factories.solution(factories.user("orig_author"), challenge, title="Orig")
    with unit_of_work():
        merge = merges.merge(users["staff"], duplicate, original)
    return merge.id


def _sample_webhook(community):
    """A hook of the sample community with one delivery in its log. Its address is loopback, which
    delivery refuses without a connection, and it hears only of releases, which the matrix's empty
    forms never publish: the matrix sends nothing anywhere."""
    from forum.extensions import db
    from forum.webhooks.models import Webhook, WebhookDelivery, WebhookEvent

    with unit_of_work():
        hook = Webhook(community_id=community.id, url="http://127.0.0.1:9/hook", events=" release.published ")
        hook.secret, hook.active, hook.failures = "whsec_c2FtcGxlIHNlY3JldCBmb3IgdGhlIG1hdHJpeA==", True, 0
        payload = '{"type":"webhook.test","timestamp":"2026-12-02T06:00:00Z","data":{}}'
        event = WebhookEvent(community_id=community.id, type="webhook.test", subject={}, payload=payload, done=True)
        db.session.add_all([hook, event])
        db.session.flush()
        sample = WebhookDelivery(webhook_id=hook.id, event_id=event.id, message_id="msg_matrix", state="delivered")
        db.session.add(sample)
        db.session.flush()
    return {"webhook_id": hook.id, "delivery_id": sample.id}


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
        "theme": "dark",
        "filename": "app.css",
        "token_id": _sample_token(users),
        "token": "not-a-mailed-link",
        "provider": "brand",
        **_sample_webhook(community),
    }
    # Logging out ends the session, so it goes last.
    rules = sorted(app.url_map.iter_rules(), key=lambda rule: rule.endpoint == "accounts.logout")
    samples["target_id"] = samples["solution_id"]
    for rule in rules:
        if rule.endpoint.startswith("api."):
            continue
        url = rule.build({name: samples[name] for name in rule.arguments})[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, url


def _add_outsider(users):
    other = factories.community(slug="other-place", name="Other place")
    users["outsider"] = factories.user("outsider", community_roles={other: "staff"})


def _allowed(access, role):
    return (
        access == "public"
        or (access == "member" and role != "visitor")
        or (access == "staff" and role in ("staff", "admin"))
        or (access == "reviews" and role in ("staff", "admin", "product"))
        or (access == "own" and role == "fan")
        or (access == "admin" and role == "admin")
    )


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(app, community, users, login, role):
    if role == "outsider":
        _add_outsider(users)
    client = app.test_client() if role == "visitor" else login(users[role])
    for endpoint, method, url in _requests(app, community, users):
        access = ACCESS[endpoint]
        response = client.open(url, method=method, data={})
        where = f"{role} {method} {url} -> {response.status_code}"
        to_login = response.status_code == 302 and response.headers["Location"].startswith("/login")
        if _allowed(access, role):
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


def _api_calls(app, community, users):
    """(endpoint, method, url, body) for every API route, with a body each call accepts."""
    from forum.challenges.services import post_challenge
    from forum.solutions.services import submit_solution

    samples = _sample_content(community, users)
    # A fresh solution of the fan's own for the calls that move a status.
    author = factories.user("api_author")
    open_challenge = post_challenge(author, community, "Noise at night", "The spin is loud.")
    fresh = submit_solution(author, open_challenge, "Rubber feet", "Dampen the spin.")
    args = {
        "slug": community.slug,
        "challenge_id": samples["challenge_id"],
        "solution_id": samples["solution_id"],
        **_sample_webhook(community),
    }
    bodies = {
        "api.create_token": {"username": "fan", "password": factories.PASSWORD},
        "api.create_community": {"slug": "new-place", "name": "New place"},
        "api.post_challenge": {"title": "Problem", "body": "Details."},
        "api.change_challenge": {"title": "Renamed problem"},
        "api.submit_solution": {"title": "Idea", "body": "Details."},
        "api.change_solution": {"title": "Renamed idea"},
        "api.add_comment": {"body": "Nice."},
        "api.raise_flag": {"reason": "spam"},
        "api.add_review": {"feasibility": 3, "impact": 3, "novelty": 3, "cost": 3},
        "api.change_status": {"status": "shortlisted", "note": "Good."},
        "api.post_update": {"body": "Workshop held."},
        "api.create_webhook": {
            "url": "https://hooks.example.com/in",
            "events": ["release.published"],
            "community": community.slug,
        },
    }
    queries = {"search_everything": "?q=filter", "export_csv": "?community=" + community.slug}
    queries["list_webhooks"] = "?community=" + community.slug
    queries["export_xlsx"] = queries["export_json"] = queries["export_csv"]
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("api."):
            continue
        url_args = {name: args[name] for name in rule.arguments}
        if rule.endpoint in ("api.submit_solution",):
            url_args["challenge_id"] = open_challenge.id
        if rule.endpoint in ("api.change_status", "api.change_solution", "api.add_review"):
            url_args["solution_id"] = fresh.id
        url = rule.build(url_args)[1] + queries.get(rule.endpoint.removeprefix("api."), "")
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, url, bodies.get(rule.endpoint)


@pytest.mark.parametrize("role", ROLES)
def test_api_permission_matrix(app, community, users, role):
    """Every API call as every role, by token: visitors get 401, the refused 403, the allowed neither."""
    from forum.accounts import tokens

    if role == "outsider":
        _add_outsider(users)
    headers = {} if role == "visitor" else {"Authorization": f"Bearer {tokens.issue_token(users[role], 'm')[1]}"}
    client = app.test_client()
    for endpoint, method, url, body in _api_calls(app, community, users):
        access = API_ACCESS[endpoint]
        response = client.open(url, method=method, json=body, headers=headers)
        where = f"{role} {method} {url} -> {response.status_code} {response.get_data()[:200]!r}"
        assert response.status_code != 500, where
        if _allowed(access, role):
            assert response.status_code not in (401, 403, 404), where
        elif role == "visitor":
            assert response.status_code == 401, where
        else:
            assert response.status_code == 403, where
