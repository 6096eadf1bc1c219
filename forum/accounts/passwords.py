"""The password rule: long enough, and hard to guess as judged by zxcvbn against the member's own
username and email. A refusal gives its reason in our own translated words, not zxcvbn's English."""

import re
import threading

from flask_babel import lazy_gettext as _l
from zxcvbn import zxcvbn

MIN_LENGTH = 10
MAX_LENGTH = 256
# zxcvbn's scores: 0-2 fall to fewer than 10^8 guesses, 3 takes 10^8 to 10^10, 4 more. A login
# guesser gets 100 tries a day per account (RATELIMIT_LOGIN_ACCOUNT), so 3 is out of its reach,
# and offline, against a stolen scrypt hash, 10^8 guesses still cost real hardware time. 4 would
# also refuse passphrases people remember, such as "a long password".
MIN_SCORE = 3
# zxcvbn only judges the first characters. Its time grows with the square of the length, and
# with every look-alike substitution it tries (@ for a, 0 for o, ...): measured here, 64 ordinary
# characters take 20-40 ms, but 32 made of look-alikes take 0.7 s and 64 take 3 s. A password
# whose first 32 characters are hard to guess is hard to guess.
JUDGED_LENGTH = 32
# Pieces of a username or email shorter than this are not matched against the password: "li"
# turns up inside too many good passwords.
MIN_PIECE = 3

TOO_SHORT = _l("Use at least %(n)d characters.", n=MIN_LENGTH)
TOO_LONG = _l("Use at most %(n)d characters.", n=MAX_LENGTH)
TOO_COMMON = _l("This password is too common.")
ABOUT_YOU = _l("Do not base the password on your username or email.")
PATTERN = _l("Avoid repeats, sequences and keyboard rows such as aaaa, 1234 or asdf.")
GUESSABLE = _l("Choose a password that is harder to guess: a few unrelated words work well.")

# zxcvbn keeps the user inputs of the current call in a dictionary shared by the whole module, so
# two threads judging at once would match against each other's username.
_zxcvbn_lock = threading.Lock()


def weakness(password, username="", email=""):
    """Why the password may not be used, as a translated message; None when it is good."""
    password = password or ""
    if len(password) < MIN_LENGTH:
        return TOO_SHORT
    if len(password) > MAX_LENGTH:
        return TOO_LONG
    judged = password[:JUDGED_LENGTH]
    with _zxcvbn_lock:
        result = zxcvbn(judged, user_inputs=personal_words(username, email))
    if result["score"] >= MIN_SCORE:
        return None
    return _reason(result["sequence"], len(judged))


def personal_words(username, email):
    """What a guesser tries first for this account: the name, the email, and their parts."""
    words = {username or "", email or ""}
    local_part = (email or "").partition("@")[0]
    for text in (username or "", local_part):
        words.add(text)
        words.update(re.split(r"[\W_]+", text))
    return sorted(word for word in words if len(word) >= MIN_PIECE)


def _reason(sequence, length):
    """Our message for zxcvbn's explanation: the matches it found and what they cover."""

    def covering(test):
        return sum(len(match["token"]) for match in sequence if test(match))

    if covering(lambda match: match.get("dictionary_name") == "user_inputs"):
        return ABOUT_YOU
    if covering(lambda match: match.get("dictionary_name") == "passwords") * 2 >= length:
        return TOO_COMMON
    if covering(lambda match: match["pattern"] in ("repeat", "sequence", "spatial")) * 2 >= length:
        return PATTERN
    return GUESSABLE
