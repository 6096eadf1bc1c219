"""The one vocabulary of who may do what: can_* predicates, shared by views, API, CLI and templates.

Every predicate takes the user first (an anonymous user is a visitor) and returns a bool;
`require` turns a False into Forbidden. Rules that depend on a challenge's phase come as
`*_refusal` functions returning the reason (or None), so the button a template hides and the
message a service raises are one rule.
"""

from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l

from forum.clock import utcnow
from forum.errors import Forbidden
from forum.phases import SUBMISSION_PHASES, VOTING_PHASES

COMMENT_EDIT_WINDOW = timedelta(minutes=15)


def is_member(user):
    return bool(getattr(user, "is_authenticated", False))


def is_admin(user):
    return is_member(user) and user.is_admin


def is_staff(user, community):
    """Staff of this community; admins are staff everywhere."""
    return is_admin(user) or (is_member(user) and "staff" in user.roles_in(community.id))


def is_product(user, community):
    """A product-team member here: site-wide or for this community."""
    if not is_member(user):
        return False
    return user.site_role == "product" or "product" in user.roles_in(community.id)


def can_administer(user):
    """Create communities, assign roles, read the audit log."""
    return is_admin(user)


def can_edit_community(user, community):
    return is_admin(user)


def suspension_refusal(user, community=None):
    """Suspended members can read but not write: everywhere when an admin suspended them, in one
    community when its staff did (pass the community the write is in, or its id)."""
    now = utcnow()
    until = getattr(user, "suspended_until", None)
    if until is not None and until > now:
        return _l("Your account is suspended until %(date)s.", date=until.strftime("%Y-%m-%d %H:%M UTC"))
    community_id = getattr(community, "id", community)
    local = user.suspended_in(community_id) if community_id is not None and is_member(user) else None
    if local is not None and local > now:
        return _l("You are suspended in this community until %(date)s.", date=local.strftime("%Y-%m-%d %H:%M UTC"))
    return None


def writing_refusal(user, community=None):
    """Why a member may not post, comment or report here (None: they may): a suspension, or, when
    REQUIRE_CONFIRMED_EMAIL is on, an address never confirmed. Voting asks only about suspensions
    (vote_refusal): an unconfirmed member reads and votes."""
    suspended = suspension_refusal(user, community)
    if suspended:
        return suspended
    if unconfirmed(user):
        return _l("Confirm your email address to post: your settings page sends the link.")
    return None


def unconfirmed(user):
    """A member held to reading and voting until they confirm their address."""
    return (
        is_member(user)
        and current_app.config["REQUIRE_CONFIRMED_EMAIL"]
        and getattr(user, "email_confirmed", None) is None
    )


def community_of(obj):
    """The community a challenge, solution or comment belongs to."""
    return obj.community if hasattr(obj, "community") else obj.challenge.community


def can_see(user, obj):
    """Hidden and pending content is seen by the community's staff and its author only."""
    if getattr(obj, "visibility", "public") == "public":
        return True
    return _is_author(user, obj) or is_staff(user, community_of(obj))


def visible_to(model, user):
    """SQL condition for the rows of `model` a non-staff user may see: public ones and their own."""
    if is_member(user):
        return (model.visibility == "public") | (model.author_id == user.id)
    return model.visibility == "public"


def can_manage_webhooks(user, community):
    """Add, remove, test and replay a community's webhooks: its staff (admins everywhere)."""
    return is_staff(user, community)


def webhook_may_receive(creator, obj, community):
    """Whether a hook created by `creator` in `community` may be sent `obj`: public content, or
    anything when its creator is (still) staff there. Asked at each event, so a hook whose
    creator lost the role stops receiving hidden items."""
    if getattr(obj, "visibility", "public") == "public":
        return True
    return creator is not None and is_staff(creator, community)


def can_moderate(user, community):
    """Work the flag queue, hide, restore, lock, approve, suspend: the community's staff."""
    return is_staff(user, community)


def problem_refusal(user, community):
    if not is_member(user):
        return _l("Log in to post a problem.")
    return writing_refusal(user, community)


def can_post_problem(user, community):
    return problem_refusal(user, community) is None


def can_run_campaign(user, community):
    """Set phases, deadlines, budget, threshold and reward; adopt fans' problems."""
    return is_staff(user, community)


def can_edit_challenge(user, challenge):
    if is_staff(user, challenge.community):
        return True
    return _is_writing_author(user, challenge) and challenge.current_phase() in SUBMISSION_PHASES


def submission_refusal(user, challenge):
    if not is_member(user):
        return _l("Log in to submit a solution.")
    if writing_refusal(user, challenge.community):
        return writing_refusal(user, challenge.community)
    if challenge.current_phase() not in SUBMISSION_PHASES:
        return _l("This challenge no longer accepts solutions.")
    return None


def can_submit_solution(user, challenge):
    return submission_refusal(user, challenge) is None


def vote_refusal(user, solution):
    if not is_member(user):
        return _l("Log in to vote.")
    # By id: loading the community would be one more query inside the vote's write lock.
    suspended = suspension_refusal(user, solution.community_id)
    if suspended:
        return suspended
    if solution.author_id == user.id:
        return _l("You cannot vote for your own solution.")
    if solution.status == "merged":
        return _l("This idea was merged into another one: vote there.")
    if solution.challenge.current_phase() not in VOTING_PHASES:
        return _l("Voting has closed for this challenge.")
    return None


def can_vote(user, solution):
    return vote_refusal(user, solution) is None


def can_edit_solution(user, solution):
    """Staff always; the author while submissions are open. From the voting phase on an idea's
    text is what people vote for, so only staff change it, with a note (edit_needs_note)."""
    if is_staff(user, solution.challenge.community):
        return True
    return _is_writing_author(user, solution) and solution.challenge.current_phase() in SUBMISSION_PHASES


def edit_needs_note(solution):
    """Whether an edit must say why: past the submission phase, where only staff edit."""
    return solution.challenge.current_phase() not in SUBMISSION_PHASES


def can_answer(user, solution):
    """Give a solution a status, shortlist, decline or promote it: the community's staff."""
    return is_staff(user, solution.challenge.community)


def can_read_reviews(user, community):
    """Review scores, the review board, staff notes: staff and the product team, never fans."""
    return is_staff(user, community) or is_product(user, community)


def can_read_dashboard(user, community):
    """Open the community's dashboard (unanswered ideas, response times, the funnel): staff, and
    the product team to read. What it links to that writes stays staff-only (can_moderate)."""
    return is_staff(user, community) or is_product(user, community)


def can_export(user, community):
    """Download the community's ideas as CSV, XLSX or JSON: staff and the product team."""
    return is_staff(user, community) or is_product(user, community)


def review_refusal(user, solution):
    if not is_staff(user, solution.challenge.community):
        return _l("Only staff review solutions.")
    if solution.challenge.current_phase() != "review":
        return _l("Solutions are scored in the review phase.")
    return None


def comment_refusal(user, challenge, solution=None):
    if not is_member(user):
        return _l("Log in to comment.")
    if writing_refusal(user, challenge.community):
        return writing_refusal(user, challenge.community)
    if challenge.current_phase() == "closed":
        return _l("This challenge is closed.")
    if challenge.locked or (solution is not None and solution.locked):
        return _l("Staff have locked this discussion.")
    return None


def can_comment(user, challenge, solution=None):
    return comment_refusal(user, challenge, solution) is None


def flag_refusal(user, obj):
    if not is_member(user):
        return _l("Log in to report content.")
    if writing_refusal(user, community_of(obj)):
        return writing_refusal(user, community_of(obj))
    if _is_author(user, obj):
        return _l("You cannot report what you wrote.")
    return None


def can_edit_comment(user, comment, now=None):
    """Authors may fix a comment for 15 minutes after posting it; staff may edit it (recorded)."""
    if comment.deleted or not is_member(user):  # a visitor's page asks for every comment shown
        return False
    if is_staff(user, comment.challenge.community):
        return True
    if not _is_writing_author(user, comment):
        return False
    return (now or utcnow()) - comment.created <= COMMENT_EDIT_WINDOW


def can_delete_comment(user, comment):
    if comment.deleted or not is_member(user):
        return False
    return _is_author(user, comment) or is_staff(user, comment.challenge.community)


def _is_author(user, obj):
    return is_member(user) and obj.author_id == user.id


def _is_writing_author(user, obj):
    return _is_author(user, obj) and writing_refusal(user, community_of(obj)) is None


def require(allowed, message=None):
    """Raise Forbidden unless `allowed` is true."""
    if not allowed:
        raise Forbidden(message)


def init_app(app):
    """Expose the predicates to templates, so a button and the server never disagree."""
    exposed = {
        name: value
        for name, value in globals().items()
        if callable(value)
        and (name.startswith(("can_", "is_")) or name.endswith("_refusal") or name in ("community_of", "unconfirmed"))
    }
    app.jinja_env.globals.update(exposed)
