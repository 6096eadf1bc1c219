"""The one vocabulary of who may do what: can_* predicates, shared by views, API, CLI and templates.

Every predicate takes the user first (an anonymous user is a visitor) and returns a bool;
`require` turns a False into Forbidden.
"""

from forum.errors import Forbidden


def is_member(user):
    return bool(getattr(user, "is_authenticated", False))


def is_admin(user):
    return is_member(user) and user.is_admin


def is_staff(user, community):
    """Staff of this community; admins are staff everywhere."""
    return is_admin(user) or (is_member(user) and "staff" in user.roles_in(community.id))


def is_product(user, community):
    """A product-team member here: site-wide or for this community."""
    if not is_member(user):
        return False
    return user.site_role == "product" or "product" in user.roles_in(community.id)


def can_administer(user):
    """Create communities, assign roles, read the audit log."""
    return is_admin(user)


def can_edit_community(user, community):
    return is_admin(user)


def require(allowed, message=None):
    """Raise Forbidden unless `allowed` is true."""
    if not allowed:
        raise Forbidden(message)


def init_app(app):
    """Expose the predicates to templates, so a button and the server never disagree."""
    app.jinja_env.globals.update({name: value for name, value in globals().items() if name.startswith(("can_", "is_"))})
