"""Colour themes: light, dark, or the system's (the reader's pick in the header, else the device's).

A member's pick is saved on the account, so it follows them to another device; a visitor's (and
that of a member who never picked) is a cookie, since a GET never writes to the database. The
server renders the pick as <html data-theme>, which Pico CSS and static/app.css both follow, so a
page never flashes in the other theme first; "system" renders no attribute, and the stylesheets
follow the device's prefers-color-scheme.
"""

from flask import current_app, g, has_request_context, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

THEME_COOKIE = "theme"
SYSTEM = "system"
# In the order the header offers them.
THEMES = ("light", "dark", SYSTEM)
THEME_LABELS = {"light": _l("Light"), "dark": _l("Dark"), SYSTEM: _l("System")}
# The browser's bar beside the page (<meta name="theme-color">): each theme's page background.
BAR_COLOURS = {"light": "#ffffff", "dark": "#13171f"}


def init_app(app):
    app.context_processor(_theme_context)


def is_theme(name):
    return isinstance(name, str) and name in THEMES


def from_cookie():
    """The visitor's pick from the cookie, if it names a theme."""
    if not has_request_context():
        return None
    name = request.cookies.get(THEME_COOKIE)
    return name if is_theme(name) else None


def chosen():
    """The theme this request is shown in: the member's saved pick, else the cookie's, else the system's."""
    if not g.get("database_down") and current_user and current_user.is_authenticated:
        own = getattr(current_user, "theme", None)
        if is_theme(own):
            return own
    return from_cookie() or SYSTEM


def page_theme():
    """The value of <html data-theme>, or None to follow the device."""
    theme = chosen()
    return None if theme == SYSTEM else theme


def cache_key_part():
    """What of the theme a visitor's kept page depends on: the cookie's pick, or "-" (the device
    decides, in the stylesheet). forum/pagecache.py keys pages by it."""
    return from_cookie() or "-"


def remember(response, theme):
    """Keep the pick on this browser for a year; "system" forgets it, so the device decides again."""
    config = current_app.config
    if theme == SYSTEM:
        response.delete_cookie(THEME_COOKIE, samesite="Lax", secure=config["HTTPS"], httponly=True)
        return response
    response.set_cookie(
        THEME_COOKIE, theme, max_age=60 * 60 * 24 * 365, httponly=True, samesite="Lax", secure=config["HTTPS"]
    )
    return response


def _theme_context():
    return {
        "themes": THEMES,
        "theme_labels": THEME_LABELS,
        "theme_bar_colours": BAR_COLOURS,
        "chosen_theme": chosen,
        "page_theme": page_theme,
    }
