"""Small factories for test data, through the same services the app uses; each is a door of its
own (one unit of work, committed, its jobs run), as a request or a command would be."""

from forum.accounts import services as accounts
from forum.communities import services as communities
from forum.transaction import writes

PASSWORD = "correct horse battery"


@writes
def user(username, *, site_role="fan", community_roles=None, email=None, locale=None):
    created = accounts.register(username, email or f"{username}@example.com", PASSWORD, locale)
    if site_role != "fan":
        accounts.set_site_role(None, created, site_role)
    for community_, role in (community_roles or {}).items():
        communities.grant_role(None, created, community_, role)
    return created


@writes
def community(slug="xiaomi-phones", name="小米手机 · Xiaomi Phones", description="Phones **we** love."):
    return communities.create_community(None, slug, name, description)


@writes
def challenge(
    author, community_, title="Laundry smells after washing", body="Dirt hides between the drums.", **campaign
):
    from forum.challenges.services import Campaign, post_challenge

    return post_challenge(author, community_, title, body, Campaign(**campaign) if campaign else None)


@writes
def solution(author, challenge_, title="Steam-clean the drum gap", body="A steam nozzle after each wash.", tags=""):
    from forum.solutions.services import submit_solution

    return submit_solution(author, challenge_, title, body, tags)


def door(service, *args, **kwargs):
    """Call a service as a front door would: in a unit of work of its own, committed, its jobs
    (notifications, indexing) run."""
    from forum.transaction import unit_of_work

    with unit_of_work():
        return service(*args, **kwargs)
