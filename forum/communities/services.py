"""Community rules: creating and editing communities, granting staff and product-team roles."""

import re

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from forum import languages, text
from forum.audit import record_action
from forum.communities.models import COMMUNITY_ROLES, Community, CommunityRole
from forum.database import get_or_raise
from forum.errors import RuleBroken
from forum.extensions import db
from forum.permissions import can_administer, can_edit_community, require
from forum.validation import checked_markdown, checked_text
from forum.zones import checked, default_for_locale

SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,39}$")
NAME_MAX = 80
DESCRIPTION_MAX = 5000


def list_communities():
    return db.session.execute(db.select(Community).order_by(Community.name)).scalars().all()


def get_community(slug):
    """Raises NotFound."""
    return get_or_raise(Community, slug=slug)


def get_community_by_id(community_id):
    """Raises NotFound."""
    return get_or_raise(Community, id=community_id)


def create_community(actor, slug, name, description="", time_zone=None):
    """Create a community (admins; `actor` None is the command line). Its time zone defaults to
    its creator's language's (Beijing time for Chinese, else UTC).

    Raises Forbidden, or RuleBroken naming the field at fault.
    """
    if actor is not None:
        require(can_administer(actor))
    slug = (slug or "").strip().lower()
    if not SLUG_PATTERN.match(slug):
        raise RuleBroken(_l("Use 2 to 40 lowercase letters, digits and hyphens."), field="slug")
    if db.session.execute(db.select(Community.id).filter_by(slug=slug)).first():
        raise RuleBroken(_l("That address is taken by another community."), field="slug")
    community = Community(slug=slug)
    _apply_details(community, name, description)
    community.time_zone = _checked_zone(time_zone, default_for_locale(actor.locale if actor is not None else None))
    db.session.add(community)
    record_action(actor, "community.create", community, community=community, after=_snapshot(community))
    _flush_or_slug_taken()
    return community


def update_community(actor, community, name, description, time_zone=None):
    """Edit name, description and time zone (None keeps it; admins). Raises Forbidden or RuleBroken."""
    if actor is not None:
        require(can_edit_community(actor, community))
    before = _snapshot(community)
    _apply_details(community, name, description)
    community.time_zone = _checked_zone(time_zone, community.time_zone)
    after = _snapshot(community)
    if after != before:  # saved as it was: nothing to audit
        record_action(actor, "community.update", community, community=community, before=before, after=after)
    return community


def grant_role(actor, user, community, role):
    """Make the user staff or product team in the community (audited). Raises Forbidden or RuleBroken."""
    if actor is not None:
        require(can_administer(actor))
    if role not in COMMUNITY_ROLES:
        raise RuleBroken(_l("Unknown role."), field="role")
    if role in user.roles_in(community.id):
        return None
    grant = CommunityRole(user=user, community=community, role=role)
    db.session.add(grant)
    record_action(actor, "role.grant", user, community=community, after={"role": role})
    return grant


def revoke_role(actor, grant):
    """Remove a staff or product-team role (audited). Raises Forbidden."""
    if actor is not None:
        require(can_administer(actor))
    user, community, role = grant.user, grant.community, grant.role
    db.session.delete(grant)
    record_action(actor, "role.revoke", user, community=community, before={"role": role})


def get_role_grant(grant_id):
    """Raises NotFound."""
    return get_or_raise(CommunityRole, id=grant_id)


def staff_of(community):
    """Staff members of the community, for its page."""
    return (
        db.session.execute(
            db.select(CommunityRole)
            .filter_by(community_id=community.id, role="staff")
            .options(joinedload(CommunityRole.user))
        )
        .scalars()
        .all()
    )


def _apply_details(community, name, description):
    name = checked_text(name, "name", NAME_MAX, _l("A name is required."))
    description = checked_markdown(description, "description", DESCRIPTION_MAX)
    if (name, description) == (community.name, community.description):
        return  # unchanged: nothing to write
    community.name = name
    community.description = description
    community.description_html = text.render(description)
    community.lang = languages.detect(community.name, community.description)


def _checked_zone(name, default):
    return default if name is None else checked(name)


def _snapshot(community):
    return {
        "slug": community.slug,
        "name": community.name,
        "description": community.description,
        "time_zone": community.time_zone,
    }


def _flush_or_slug_taken():
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise RuleBroken(_l("That address is taken by another community."), field="slug") from None


def roles_of(user):
    """The user's community roles with their communities, for profile and admin pages."""
    return (
        db.session.execute(
            db.select(CommunityRole)
            .filter_by(user_id=user.id)
            .options(joinedload(CommunityRole.community))
            .order_by(CommunityRole.community_id, CommunityRole.role)
        )
        .scalars()
        .all()
    )
