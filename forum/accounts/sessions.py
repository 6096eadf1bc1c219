"""Flask-Login wiring: loading the user by alternative id, the anonymous visitor, login views."""

from flask_babel import lazy_gettext as _l
from flask_login import AnonymousUserMixin

from forum.accounts.models import User
from forum.extensions import db, login_manager


class Visitor(AnonymousUserMixin):
    site_role = "visitor"
    is_admin = False
    locale = None

    def roles_in(self, community_id):
        return frozenset()


def init_app(app):
    login_manager.anonymous_user = Visitor
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please log in to continue.")
    login_manager.login_message_category = "info"
    # Flask-Login's session protection would log users out on an IP change (phones roam).
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user)


def load_user(session_token):
    """Sessions and remember-me cookies carry the session token; a replaced token ends them."""
    if not session_token or len(session_token) > 64:
        return None
    # The member's community suspensions (almost always none) come in the same query: every
    # write button on a page asks about them.
    stmt = db.select(User).filter_by(session_token=session_token).options(db.joinedload(User.suspensions))
    return db.session.execute(stmt).unique().scalar_one_or_none()
