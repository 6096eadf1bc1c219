"""Cocreate, a co-creation idea forum: the application factory."""

import os

from flask import Flask

from forum import database, errors, i18n, logs, permissions, security, settings
from forum.extensions import csrf, limiter, login_manager

PROJECT_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def create_app(overrides=None, instance_path=None):
    """Build the app: config -> logging -> extensions -> blueprints -> errors -> cli."""
    app = Flask(
        "forum",
        instance_path=instance_path or os.path.join(PROJECT_ROOT, "instance"),
        instance_relative_config=True,
        template_folder="../templates",
        static_folder="../static",
    )
    settings.load(app, overrides)
    logs.init_app(app)
    register_extensions(app)
    register_blueprints(app)
    errors.init_app(app)
    register_cli(app)
    return app


def register_extensions(app):
    database.init_app(app)
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    permissions.init_app(app)
    # Importing the login hooks wires user_loader onto login_manager.
    from forum.accounts import sessions

    sessions.init_app(app)


def register_blueprints(app):
    from forum.accounts.views import bp as accounts_bp
    from forum.admin.views import bp as admin_bp
    from forum.communities.views import bp as communities_bp
    from forum.main.views import bp as main_bp

    for blueprint in (main_bp, accounts_bp, communities_bp, admin_bp):
        app.register_blueprint(blueprint)


def register_cli(app):
    from forum import cli

    cli.init_app(app)
