"""Language selection (the user's choice, then Accept-Language) and formatting in the reader's
language and time zone (forum/zones.py chooses the zone)."""

import contextlib

from babel import dates
from flask import current_app, g, has_request_context, request
from flask_babel import force_locale, format_timedelta, get_locale, get_translations
from flask_login import current_user
from markupsafe import Markup, escape

from forum import languages, zones
from forum.clock import utcnow
from forum.extensions import babel


def init_app(app):
    babel.init_app(app, locale_selector=select_locale)
    # Flask-Babel finds the catalog afresh for every string (~15 µs); a page of cards asks for a
    # hundred strings, so templates look it up once per request instead.
    app.jinja_env.install_gettext_callables(
        gettext=lambda string: _catalog().ugettext(string),
        ngettext=lambda singular, plural, n: _catalog().ungettext(singular, plural, n),
        pgettext=lambda context, string: _catalog().upgettext(context, string),
        npgettext=lambda context, singular, plural, n: _catalog().unpgettext(context, singular, plural, n),
        newstyle=True,
    )
    app.jinja_env.filters["datetime"] = _format_datetime
    app.jinja_env.filters["date"] = _format_date
    app.jinja_env.filters["timedelta"] = format_timedelta
    app.jinja_env.filters["iso"] = zones.iso
    app.jinja_env.globals["zone_names"] = zones.zone_names
    app.jinja_env.globals["reader_zone_label"] = reader_zone_label
    app.jinja_env.globals["user_lang"] = user_lang
    app.jinja_env.globals["user_span"] = user_span
    app.context_processor(_language_context)


@contextlib.contextmanager
def in_language(locale):
    """Render in `locale` for a while (a mail in its recipient's language), then go back: Flask-
    Babel's force_locale, and this module's per-request catalog and formatting set aside with it."""
    kept = {name: g.pop(name, None) for name in ("_catalog", "_formatting")}
    try:
        with force_locale(locale):
            yield
    finally:
        for name, value in kept.items():
            g.pop(name, None)
            if value is not None:
                setattr(g, name, value)


def _catalog():
    """This request's translations. Kept on `g`: the locale is chosen once per request, and
    in_language() sets the catalog aside while it renders in another."""
    catalog = g.get("_catalog")
    if catalog is None:
        catalog = g._catalog = get_translations()
    return catalog


def supported():
    return current_app.config["LANGUAGES"]


def select_locale():
    """A member's saved language (the one their settings show, whichever browser saved it), then
    the switch in the header (a cookie, for visitors), then the browser's."""
    if not has_request_context():  # commands speak the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    languages = supported()
    # With the database down, loading the user would fail again inside the error page.
    if not g.get("database_down") and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    chosen = chosen_language()
    if chosen:
        return chosen
    return from_accept_language(request.accept_languages, languages)


def chosen_language():
    """The language picked with the header switch, if any."""
    chosen = request.cookies.get(current_app.config["LANGUAGE_COOKIE"])
    return chosen if chosen in supported() else None


def from_accept_language(accept, languages):
    # Any Chinese tag gets Simplified Chinese: closer for zh-TW and zh-HK readers than English.
    for tag, _quality in accept:
        primary = tag.lower().replace("_", "-").split("-")[0]
        if primary == "zh" and "zh_Hans" in languages:
            return "zh_Hans"
        if primary in languages:
            return primary
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def html_lang():
    """The BCP 47 tag for <html lang>."""
    return str(get_locale()).replace("_", "-")


def user_lang(item):
    """` lang="…"` for the element showing `item`'s text when it is not in the page's language:
    `item` is a row with its `lang` (forum/languages.py), or plain text, told as it is read."""
    tag = languages.detect(item) if isinstance(item, str) else getattr(item, "lang", None)
    return languages.attribute(tag, html_lang())


def user_span(item, shown):
    """`shown` (text of `item`'s, escaped) in a <span lang> when it is not in the page's language,
    for a title inside a sentence of the page's own ("on “…”", a notification)."""
    lang = user_lang(item)
    shown = "" if shown is None else shown
    return Markup("<span%s>%s</span>") % (lang, shown) if lang else escape(shown)


def _format_datetime(value, format="medium", zone=True):
    """A stored (naive UTC) time in the reader's language and zone, the zone named:
    "Dec 20, 2026, 2:00 PM UTC", "2026年12月20日 22:00 (北京时间)". Babel directly, with the locale
    and zone looked up once per request: through Flask-Babel a page of fifty comments spent ~4 ms
    finding them again for every time."""
    if not value:
        return ""
    locale, tzinfo = formatting()
    return format_in_zone(value, tzinfo, locale, format, named=zone)


def reader_zone_label():
    """The reader's zone as a heading says it once for a column of times (shown with zone=False)."""
    locale, tzinfo = formatting()
    return zones.zone_label(tzinfo, zones.to_local(utcnow(), tzinfo), locale)


def format_in_zone(value, zone, locale, format="medium", named=True):
    """`value` (naive UTC) in `zone`, with the zone's name unless `named` is false; "medium" is the
    date with hours and minutes (seconds say nothing to a reader planning to come)."""
    local = zones.to_local(value, zone)
    if format == "medium":
        pattern = dates.get_datetime_format("medium", locale=locale)
        shown = pattern.replace("{0}", dates.format_time(local, "short", locale=locale)).replace(
            "{1}", dates.format_date(local, "medium", locale=locale)
        )
    else:
        shown = dates.format_datetime(local, format, locale=locale)
    if not named:
        return shown
    label = zones.zone_label(zone, local, locale)
    return f"{shown} {label}" if label == "UTC" else f"{shown} ({label})"


def _format_date(value, format="medium"):
    if not value:
        return ""
    locale, zone = formatting()
    if hasattr(value, "hour"):  # a datetime: its date where the reader is
        value = zones.to_local(value, zone)
    return dates.format_date(value, format, locale=locale)


def formatting():
    formatting = g.get("_formatting")
    if formatting is None:
        formatting = g._formatting = (get_locale(), zones.reader_zone())
    return formatting


def _language_context():
    return {
        "languages": supported(),
        "language_short_names": current_app.config["LANGUAGE_SHORT_NAMES"],
        "html_lang": html_lang,
        "current_locale": lambda: str(get_locale()),
    }


def remember_language(response, code):
    """Keep the visitor's language choice for a year."""
    config = current_app.config
    response.set_cookie(
        config["LANGUAGE_COOKIE"],
        code,
        max_age=60 * 60 * 24 * 365,
        httponly=True,
        samesite="Lax",
        secure=config["HTTPS"],
    )
    return response
