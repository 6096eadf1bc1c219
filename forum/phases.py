"""A challenge's phases, in order, and which of them take submissions and votes: a leaf, so the
permission rules can name phases without importing the challenges feature."""

from flask_babel import lazy_gettext as _l

PHASES = ("submission", "voting", "review", "prototyping", "closed")
PHASE_LABELS = {
    "submission": _l("Submissions open"),
    "voting": _l("Voting"),
    "review": _l("Staff review"),
    "prototyping": _l("Prototyping"),
    "closed": _l("Closed"),
}
SUBMISSION_PHASES = frozenset({"submission"})
VOTING_PHASES = frozenset({"submission", "voting"})
