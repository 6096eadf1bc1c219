"""Account rules: registration, authentication, passwords, sessions, language and site roles."""

import re
import unicodedata

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from forum import themes, zones
from forum.accounts import passwords
from forum.accounts.models import SITE_ROLES, User, new_session_token
from forum.audit import record_action
from forum.clock import utcnow
from forum.database import get_or_raise
from forum.errors import RuleBroken
from forum.extensions import db
from forum.permissions import can_administer, require

# Latin letters, digits, _ and -, and Chinese, Japanese and Korean characters: a name is shown
# beside everything its owner writes, so no letter may pass for another (a Cyrillic "a", a Greek
# "o", a dotless "i", Armenian or Cherokee look-alikes, invisible fillers and joiners).
USERNAME_PATTERN = re.compile(
    r"^[A-Za-z0-9_\-\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u309f\u30a0-\u30ff\uac00-\ud7a3]{3,30}$"
)

# Checked when the user does not exist, so an unknown name costs as long as a wrong password.
_dummy_hashes = {}


def username_key(username):
    return unicodedata.normalize("NFKC", username).casefold()


def normalize_email(email):
    return email.strip().lower()


def register(username, email, password, locale=None):
    """Create a fan account at once (the command line, the demo; the sign-up form goes through
    forum/accounts/signup.py). Its address counts as confirmed: whoever runs the forum typed it.
    Raises RuleBroken (with the field) when a name or email is taken."""
    username, email = normal_username(username), normalize_email(email)
    check_new_account(username, email, password)
    if email_taken(email):
        raise RuleBroken(_l("An account with that email already exists."), field="email")
    user = create_account(username, email, hash_password(password), locale)
    user.email_confirmed = utcnow()
    return user


def check_new_account(username, email, password):
    """Refuse what a sign-up may be told: a bad or taken username (names are public), a bad
    address, a weak password. Whether the address has an account it is never told."""
    refusals = new_account_refusals(username, email, password)
    if refusals:
        raise refusals[0]


def new_account_refusals(username, email, password):
    """Every reason check_new_account has to refuse, one per field at most, so that a form can
    show them all at once instead of one a submit."""
    refusals = []
    for check in (_check_username, _check_taken):
        try:
            check(username)
        except RuleBroken as error:
            refusals.append(error)
            break  # a name that is not valid is not looked up
    for check, args in ((check_email, (email,)), (_check_password, (password, username, email))):
        try:
            check(*args)
        except RuleBroken as error:
            refusals.append(error)
    return refusals


def check_username(username):
    """The name normalised, if a new account may take it (the rules of registration). Raises
    RuleBroken (field "username") for a name that is not valid or is taken."""
    username = normal_username(username)
    _check_username(username)
    _check_taken(username)
    return username


def _check_taken(username):
    if db.session.execute(db.select(User.id).filter_by(username_key=username_key(username))).first():
        raise RuleBroken(_l("That username is taken."), field="username")


def email_taken(email):
    return db.session.execute(db.select(User.id).filter_by(email=email)).first() is not None


def create_account(username, email, password_hash, locale):
    user = User(
        username=username,
        username_key=username_key(username),
        email=email,
        password_hash=password_hash,
        password_change_required=False,
        locale=locale,
    )
    try:
        with db.session.begin_nested():
            db.session.add(user)
    except IntegrityError:
        # Another request registered the same name or email between our check and this insert.
        raise RuleBroken(_l("That username or email is taken."), field="username") from None
    return user


def normal_username(username):
    return unicodedata.normalize("NFKC", (username or "").strip())


def authenticate(login, password):
    """Return the user for a username or email and password, else None.

    Unknown users and wrong passwords take the same path and time.
    """
    user = user_by_login(login)
    # An account with no password (made by signing in with a provider) costs the same check.
    password_hash = user.password_hash if user and user.password_hash else _dummy_hash()
    if check_password_hash(password_hash, password or "") and user is not None and user.has_password:
        return user
    return None


def user_by_login(login):
    """The account a username or an email address names, or None."""
    login = (login or "").strip()
    column = User.email if "@" in login else User.username_key
    value = normalize_email(login) if "@" in login else username_key(login)
    # No account has a NUL in its name or email, and PostgreSQL would refuse to look for one.
    if "\x00" in value:
        return None
    return db.session.execute(db.select(User).where(column == value)).scalar_one_or_none()


def password_unjudged(user):
    """Whether the account's password was set before the password rule, and not judged since."""
    return user.password_change_required is None


def judge_password_at_login(user, password):
    """Judge the password a member has just logged in with by the password rule, once: if weak,
    the member must change it before anything else.

    Only at login is the password at hand in plain text; only the verdict is kept. Passwords
    set since the rule passed it, so each account is judged here at most once."""
    if password_unjudged(user):
        user.password_change_required = passwords.weakness(password, user.username, user.email) is not None


def change_password(user, current_password, new_password):
    """Set a new password and end every other session. Raises RuleBroken on a wrong current
    password or a weak new one."""
    check_current_password(user, current_password)
    set_new_password(user, new_password)


def check_current_password(user, password):
    """Raises RuleBroken (field "current_password") unless `password` is the user's."""
    if not user.has_password or not check_password_hash(user.password_hash, password or ""):
        raise RuleBroken(_l("Your current password is not correct."), field="current_password")


def set_new_password(user, new_password):
    """Set it and end every session of the user (other devices are logged out). Raises
    RuleBroken (field "password") when the password rule refuses it."""
    _check_password(new_password, user.username, user.email)
    user.password_hash = hash_password(new_password)
    user.password_change_required = False
    user.session_token = new_session_token()


def end_all_sessions(user):
    """Invalidate every session and remember-me cookie of the user (at logout)."""
    user.session_token = new_session_token()


def set_time_zone(user, name):
    """The zone the member reads and types times in; empty: the browser's guess. Raises RuleBroken
    (field "time_zone") for a name the zone database does not know."""
    user.time_zone = zones.checked(name) if (name or "").strip() else None


def set_locale(user, locale, languages):
    if locale not in languages:
        raise RuleBroken(_l("That language is not available."), field="language")
    user.locale = locale


def set_theme(user, theme):
    """Save the member's colour theme. Raises RuleBroken for a theme there is none of."""
    if not themes.is_theme(theme):
        raise RuleBroken(_l("That theme is not available."), field="theme")
    user.theme = theme


def set_site_role(actor, user, role):
    """Make the user a fan, a site-wide product-team member or an admin (audited).

    `actor` None is the command line. Raises Forbidden for a non-admin actor, RuleBroken
    for an unknown role or when the last admin would be demoted.
    """
    if actor is not None:
        require(can_administer(actor))
    if role not in SITE_ROLES:
        raise RuleBroken(_l("Unknown role."), field="role")
    if user.site_role == role:
        return
    if user.site_role == "admin" and _admin_count() <= 1:
        raise RuleBroken(_l("The forum needs at least one admin."), field="role")
    before = user.site_role
    user.site_role = role
    record_action(actor, "user.site_role", user, before={"site_role": before}, after={"site_role": role})


def get_user_by_name(username):
    """Raises NotFound."""
    return get_or_raise(User, username_key=username_key(username))


def get_user(user_id):
    """Raises NotFound."""
    return get_or_raise(User, id=user_id)


def hash_password(password):
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def _dummy_hash():
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _dummy_hashes:
        _dummy_hashes[method] = hash_password("not anybody's password")
    return _dummy_hashes[method]


def _admin_count():
    return db.session.execute(db.select(db.func.count()).select_from(User).filter_by(site_role="admin")).scalar()


def _check_username(username):
    if not USERNAME_PATTERN.match(username):
        raise RuleBroken(
            _l("Use 3 to 30 Latin letters, Chinese, Japanese or Korean characters, digits, _ or -."),
            field="username",
        )


def check_email(email):
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        raise RuleBroken(_l("Enter a valid email address."), field="email") from None


def _check_password(password, username, email):
    reason = passwords.weakness(password, username, email)
    if reason is not None:
        raise RuleBroken(reason, field="password")
