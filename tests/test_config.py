"""Configuration layering, the generated secret key, and the production configuration as a whole."""

import os
import stat

from forum import create_app


def test_defaults_then_instance_file_then_environment(tmp_path, monkeypatch, database_uri):
    (tmp_path / "config.py").write_text("PAGE_SIZE = 11\nHSTS_SECONDS = 5\nSECRET_KEY = 'from-file'\n")
    monkeypatch.setenv("COCREATE_PAGE_SIZE", "22")
    monkeypatch.setenv("COCREATE_SQLALCHEMY_DATABASE_URI", database_uri)
    app = create_app(instance_path=str(tmp_path))
    assert app.config["PAGE_SIZE"] == 22  # environment beats the file
    assert app.config["HSTS_SECONDS"] == 5  # the file beats the default
    assert app.config["SECRET_KEY"] == "from-file"
    assert app.config["LOG_LEVEL"] == "INFO"  # untouched default


def test_rate_limits_switch_off_from_the_environment(tmp_path, monkeypatch, database_uri):
    monkeypatch.setenv("COCREATE_RATELIMIT_ENABLED", "false")
    monkeypatch.setenv("COCREATE_SQLALCHEMY_DATABASE_URI", database_uri)
    app = create_app(instance_path=str(tmp_path))
    assert app.config["RATELIMIT_ENABLED"] is False


def test_secret_key_is_generated_once_into_the_instance_folder(tmp_path, monkeypatch, database_uri):
    monkeypatch.setenv("COCREATE_SQLALCHEMY_DATABASE_URI", database_uri)
    first = create_app(instance_path=str(tmp_path))
    second = create_app(instance_path=str(tmp_path))
    key_file = tmp_path / "secret_key"
    assert len(first.config["SECRET_KEY"]) >= 64
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"] == key_file.read_text()
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600


def test_default_database_is_sqlite_in_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("COCREATE_SQLALCHEMY_DATABASE_URI", raising=False)
    app = create_app(instance_path=str(tmp_path))
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'cocreate.db'}"


def test_production_configuration_as_a_whole(tmp_path, monkeypatch, database_uri):
    """What `manage.py check --deploy` asks of Django, asked of a production-style Cocreate."""
    monkeypatch.setenv("COCREATE_HTTPS", "true")
    monkeypatch.setenv("COCREATE_SQLALCHEMY_DATABASE_URI", database_uri)
    app = create_app(instance_path=str(tmp_path))
    config = app.config

    assert not app.debug and not app.testing
    assert len(config["SECRET_KEY"]) >= 64
    assert config["SESSION_COOKIE_SECURE"] and config["REMEMBER_COOKIE_SECURE"]
    assert config["SESSION_COOKIE_HTTPONLY"] and config["REMEMBER_COOKIE_HTTPONLY"]
    assert config["SESSION_COOKIE_SAMESITE"] == config["REMEMBER_COOKIE_SAMESITE"] == "Lax"
    assert config["PREFERRED_URL_SCHEME"] == "https"
    assert config["WTF_CSRF_ENABLED"]
    assert config["RATELIMIT_ENABLED"]
    assert config["PASSWORD_HASH_METHOD"] == "scrypt"

    response = app.test_client().get("/", base_url="https://localhost")
    headers = response.headers
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    csp = headers["Content-Security-Policy"]
    for directive in ("script-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
        assert directive in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert headers["X-Frame-Options"] == "DENY"
