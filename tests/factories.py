"""Small factories for test data, through the same services the app uses."""

from forum.accounts import services as accounts
from forum.communities import services as communities

PASSWORD = "correct horse battery"


def user(username, *, site_role="fan", community_roles=None, email=None, locale=None):
    created = accounts.register(username, email or f"{username}@example.com", PASSWORD, locale)
    if site_role != "fan":
        accounts.set_site_role(None, created, site_role)
    for community_, role in (community_roles or {}).items():
        communities.grant_role(None, created, community_, role)
    return created


def community(slug="xiaomi-phones", name="小米手机 · Xiaomi Phones", description="Phones **we** love."):
    return communities.create_community(None, slug, name, description)
