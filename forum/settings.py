"""Loads configuration: code defaults, then instance/config.py, then COCREATE_* variables."""

import os
import secrets
import time

from forum import ratelimit_storage

SECRET_KEY_FILE = "secret_key"  # noqa: S105  (a file name, not a secret)


def load(app, overrides=None):
    app.config.from_object("forum.config")
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("COCREATE")
    if overrides:
        app.config.update(overrides)
    os.makedirs(app.instance_path, exist_ok=True)

    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _instance_secret_key(app.instance_path)
    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        path = os.path.join(app.instance_path, "cocreate.db")
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"
    if not app.config["RATELIMIT_STORAGE_URI"]:
        # Counters all workers share: in the nodes' Redis, else in a file in the instance folder
        # (importing ratelimit_storage registered its sqlite:// scheme with `limits`).
        app.config["RATELIMIT_STORAGE_URI"] = app.config["REDIS_URL"] or ratelimit_storage.uri_for(
            os.path.join(app.instance_path, ratelimit_storage.FILE_NAME)
        )
    app.config["BASE_URL"] = app.config["BASE_URL"] or app.config["PUBLIC_URL"]
    if not app.config["MAIL_BACKEND"]:
        app.config["MAIL_BACKEND"] = "smtp" if app.config["MAIL_SERVER"] else "file"
    if not app.config["MAIL_FILE_PATH"]:
        app.config["MAIL_FILE_PATH"] = os.path.join(app.instance_path, "mail")
    if app.config["SEARCH_BACKEND"] not in ("whoosh", "postgres"):
        raise ValueError(f"SEARCH_BACKEND must be whoosh or postgres, not {app.config['SEARCH_BACKEND']!r}")
    if app.config["SEARCH_BACKEND"] == "postgres" and not app.config["SQLALCHEMY_DATABASE_URI"].startswith(
        "postgresql"
    ):
        raise ValueError("SEARCH_BACKEND=postgres needs a PostgreSQL database (SQLALCHEMY_DATABASE_URI)")
    if app.config["HTTPS"]:
        app.config.update(
            SESSION_COOKIE_SECURE=True,
            REMEMBER_COOKIE_SECURE=True,
            PREFERRED_URL_SCHEME="https",
        )


def _instance_secret_key(instance_path):
    """Read the instance's secret key, creating it on first start.

    O_EXCL makes the first of several starting workers the only writer; the others read.
    """
    path = os.path.join(instance_path, SECRET_KEY_FILE)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        with open(path, encoding="ascii") as f:
            key = f.read().strip()
        if key:
            return key
        # A concurrent first start has created the file but not written it yet.
        time.sleep(0.2)
        with open(path, encoding="ascii") as f:
            return f.read().strip()
    key = secrets.token_hex(32)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(key)
    return key
