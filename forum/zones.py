"""Time zones: whose zone a page shows times in, zone names checked against the zone database,
and a form field that takes a time in the reader's zone and gives it back in UTC.

Times are stored as naive UTC. The reader's zone is the member's own setting, else the browser's
guess (static/timezone.js keeps `Intl.DateTimeFormat().resolvedOptions().timeZone` in a cookie:
a GET never writes to the database, so the guess stays there until the member saves settings),
else the zone of the community whose page this is, else UTC.
"""

import functools
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from babel import dates
from flask import current_app, g, has_request_context, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import DateTimeLocalField

from forum.errors import RuleBroken

ZONE_MAX = 64
ZONE_COOKIE = "tz"
DEFAULT_ZONE = "UTC"
# Where a community's language is Chinese, its members most likely read in Beijing time.
LOCALE_ZONES = {"zh_Hans": "Asia/Shanghai"}
# Names Chinese readers know their zone by, whatever Babel's CLDR data calls it.
BEIJING_ZONES = frozenset({"Asia/Shanghai", "Asia/Chongqing", "Asia/Harbin", "PRC"})


@functools.cache
def zone_names():
    """Every zone name the zone database knows, sorted (for the forms' suggestions)."""
    return tuple(sorted(available_timezones()))


def zone(name):
    """The ZoneInfo of a known zone name, else None (never raises on what a browser or a form sent)."""
    if not isinstance(name, str) or not name or len(name) > ZONE_MAX or name not in _known():
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


@functools.cache
def _known():
    return frozenset(available_timezones()) | {"UTC"}


def is_zone(name):
    return zone(name) is not None


def checked(name):
    """A zone name as typed, stripped. Raises RuleBroken (field "time_zone") if the zone database
    does not know it."""
    name = str(name or "").strip()
    if not is_zone(name):
        raise RuleBroken(
            _l(
                "“%(zone)s” is not a time zone we know. Use a name like Asia/Shanghai or Europe/Berlin.", zone=name[:40]
            ),
            field="time_zone",
        )
    return name


def default_for_locale(locale):
    """A new community's zone when nothing says otherwise: Beijing time for Chinese, else UTC."""
    return LOCALE_ZONES.get(str(locale or ""), DEFAULT_ZONE)


def guessed():
    """The browser's guess from the cookie, if it names a known zone."""
    if not has_request_context():
        return None
    name = request.cookies.get(ZONE_COOKIE)
    return name if is_zone(name) else None


def reading_in(community):
    """Show this page's times in the community's zone to a reader who has none of their own."""
    g.community_zone = community.time_zone if community is not None else None
    # Formatting may already have looked the zone up (forum/i18n.py keeps it for the request).
    g.pop("_formatting", None)
    g.pop("_reader_zone", None)


def reader_zone_name():
    """The name of the zone this request shows times in (see the module's docstring)."""
    if not has_request_context():
        return DEFAULT_ZONE
    cached = g.get("_reader_zone")
    if cached is None:
        cached = g._reader_zone = _choose()
    return cached


def _choose():
    if not g.get("database_down") and current_user and current_user.is_authenticated:
        own = getattr(current_user, "time_zone", None)
        if is_zone(own):
            return own
    return guessed() or (g.get("community_zone") if is_zone(g.get("community_zone")) else None) or DEFAULT_ZONE


def reader_zone():
    return zone(reader_zone_name()) or UTC


def zone_label(tzinfo, when=None, locale=None):
    """How a reader knows the zone: "UTC", "北京时间", "Central European Summer Time" (the
    variant in force at `when`, an aware time)."""
    name = getattr(tzinfo, "key", None) or str(tzinfo)
    if name in ("UTC", "Etc/UTC", "Etc/Universal", "Universal", "Zulu", "Etc/Zulu"):
        return "UTC"
    if name in BEIJING_ZONES:
        return str(_l("Beijing time"))
    locale = locale or get_locale()
    try:
        return dates.get_timezone_name(when or tzinfo, "long", locale=locale)
    except (LookupError, ValueError):
        return name


def describe(name):
    """A zone for a form's hint: its reader's name and its database name, e.g. 北京时间 (Asia/Shanghai)."""
    tzinfo = zone(name) or UTC
    label = zone_label(tzinfo, datetime.now(UTC).astimezone(tzinfo))
    return label if label == name or label == "UTC" else f"{label} ({name})"


def cache_key_part():
    """What of the zone a visitor's kept page depends on: the cookie's zone, or nothing (then the
    page's own community, which its address already names). forum/pagecache.py keys pages by it."""
    return guessed() or "-"


def to_utc(local, tzinfo=None):
    """A naive time read in the reader's zone (or `tzinfo`), as naive UTC for storing."""
    if local is None:
        return None
    tzinfo = tzinfo or reader_zone()
    return local.replace(tzinfo=tzinfo).astimezone(UTC).replace(tzinfo=None)


def to_local(stored, tzinfo=None):
    """A stored naive UTC time as an aware time in the reader's zone (or `tzinfo`)."""
    if stored is None:
        return None
    return stored.replace(tzinfo=UTC).astimezone(tzinfo or reader_zone())


def iso(stored):
    """A stored time for <time datetime> and feeds: UTC ISO 8601, whole seconds, with a Z."""
    if stored is None:
        return ""
    if isinstance(stored, datetime):
        if stored.tzinfo is not None:
            stored = stored.astimezone(UTC).replace(tzinfo=None)
        return stored.replace(microsecond=0).isoformat() + "Z"
    return stored.isoformat()


def remember_guess(response, name):
    """Keep the browser's guess (used by tests and the settings page's "use this browser's zone")."""
    config = current_app.config
    response.set_cookie(ZONE_COOKIE, name, max_age=60 * 60 * 24 * 365, samesite="Lax", secure=config["HTTPS"])
    return response


class ZonedDateTimeField(DateTimeLocalField):
    """A date and time typed in the reader's zone; `data` is naive UTC, as times are stored.

    The zone is the reader's at the time the form is read and shown; the field's description names
    it, so staff entering a deadline know which clock they are reading."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("format", ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"])
        super().__init__(label, validators, **kwargs)

    def process(self, formdata, data=None, **kwargs):
        super().process(formdata, data, **kwargs)
        if not self.description:
            self.description = _l("In your time zone: %(zone)s", zone=describe(reader_zone_name()))

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None:
            self.data = to_utc(self.data)

    def _value(self):
        if self.raw_data:
            return " ".join(self.raw_data)
        if self.data is None:
            return ""
        return to_local(self.data).strftime(self.format[0])
