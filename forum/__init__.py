"""Cocreate, a co-creation idea forum: the application factory."""

import os

from flask import Flask

from forum import (
    assets,
    cli,
    confirm,
    database,
    errors,
    forms,
    fragments,
    i18n,
    jobs,
    logs,
    models,  # noqa: F401  (every table on the metadata, for migrations)
    pagecache,
    permissions,
    security,
    settings,
    themes,
    transaction,
    views,
)
from forum.accounts import oidc, sessions, token_views  # noqa: F401  (token_views adds its routes to accounts)
from forum.accounts.oidc_views import bp as oidc_bp
from forum.accounts.views import bp as accounts_bp
from forum.admin.views import bp as admin_bp
from forum.api import auth as api_auth
from forum.api import bp as api_bp
from forum.challenges.views import bp as challenges_bp
from forum.communities.views import bp as communities_bp
from forum.exports.views import bp as exports_bp
from forum.extensions import compress, csrf, limiter, login_manager, mail
from forum.main.views import bp as main_bp
from forum.media.views import bp as media_bp
from forum.moderation.views import bp as moderation_bp
from forum.notifications.views import bp as notifications_bp
from forum.points.views import bp as points_bp
from forum.review import (
    prototype_views,  # noqa: F401  (adds the prototype routes to the review blueprint)
    release_views,  # noqa: F401  (adds the release routes to the review blueprint)
)
from forum.review.views import bp as review_bp
from forum.search import queue as search_queue
from forum.search.views import bp as search_bp
from forum.sharing.views import bp as sharing_bp
from forum.solutions import comment_views  # noqa: F401  (adds the comment routes to the solutions blueprint)
from forum.solutions.views import bp as solutions_bp
from forum.webhooks.views import bp as webhooks_bp
from forum.writing.views import bp as writing_bp

PROJECT_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BLUEPRINTS = (
    main_bp,
    accounts_bp,
    oidc_bp,
    communities_bp,
    challenges_bp,
    solutions_bp,
    notifications_bp,
    review_bp,
    moderation_bp,
    search_bp,
    sharing_bp,
    points_bp,
    media_bp,
    writing_bp,
    admin_bp,
    exports_bp,
    webhooks_bp,
    api_bp,
)


def create_app(overrides=None, instance_path=None):
    """Build the app: config -> logging -> extensions -> blueprints -> errors -> cli.

    The instance folder (config.py, the SQLite files, the index) is `instance_path`, else
    COCREATE_INSTANCE_PATH, else instance/ in the project; config.py is read from it, so it is
    chosen before the COCREATE_* settings are.
    """
    instance_path = instance_path or os.environ.get("COCREATE_INSTANCE_PATH") or os.path.join(PROJECT_ROOT, "instance")
    app = Flask(
        "forum",
        instance_path=instance_path,
        instance_relative_config=True,
        template_folder="../templates",
        static_folder="../static",
    )
    settings.load(app, overrides)
    logs.init_app(app)
    register_extensions(app)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    errors.init_app(app)
    cli.init_app(app)
    return app


def register_extensions(app):
    # First, so its after_request hook runs last: the page cache keeps pages uncompressed and
    # each answer is compressed for the client that asked, kept page or not.
    compress.init_app(app)
    assets.init_app(app)
    database.init_app(app)
    transaction.init_app(app)
    jobs.init_app(app)
    login_manager.init_app(app)
    sessions.init_app(app)
    oidc.init_app(app)  # checks OIDC_PROVIDERS: a bad one stops the start with its reason
    api_auth.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    mail.init_app(app)
    i18n.init_app(app)
    themes.init_app(app)
    security.init_app(app)
    permissions.init_app(app)
    search_queue.init_app(app)
    pagecache.init_app(app)
    fragments.init_app(app)
    views.init_app(app)
    confirm.init_app(app)
    forms.init_app(app)
