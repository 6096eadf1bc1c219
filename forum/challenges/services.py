"""Challenge rules: posting problems, running campaigns, moving phases, listing."""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l

from forum import jobs, languages, text
from forum.audit import DEADLINE, record_action
from forum.challenges.models import PHASES, Challenge
from forum.clock import utcnow
from forum.database import get_or_raise
from forum.errors import NotFound, RuleBroken
from forum.extensions import db
from forum.media import services as media
from forum.moderation.services import initial_visibility
from forum.notifications.services import notify
from forum.paging import keyset_page
from forum.permissions import (
    can_edit_challenge,
    can_run_campaign,
    can_see,
    is_staff,
    problem_refusal,
    require,
    visible_to,
)
from forum.solutions import follows
from forum.solutions.models import Solution, Vote
from forum.solutions.ranking import hot_score
from forum.transaction import unit_of_work
from forum.validation import checked_markdown, checked_text
from forum.webhooks import events as webhooks

TITLE_MAX = 200
BODY_MAX = 20_000
REWARD_MAX = 500
PAGE_SIZE = 20
SORTS = ("hot", "top", "new")


@dataclass
class Campaign:
    """The settings staff give a challenge they run as a campaign."""

    submission_ends: datetime | None = None
    voting_ends: datetime | None = None
    vote_budget: int | None = None
    review_threshold: int | None = None
    reward: str | None = None


def get_challenge(challenge_id, options=()):
    """Raises NotFound."""
    return get_or_raise(Challenge, options=options, id=challenge_id)


def get_challenge_for(viewer, challenge_id, with_page=False):
    """The challenge if the viewer may see it; hidden ones are NotFound to others. `with_page`
    loads its community and author in the same query, as its page shows both."""
    options = (db.joinedload(Challenge.community), db.joinedload(Challenge.author)) if with_page else ()
    challenge = get_challenge(challenge_id, options)
    if not can_see(viewer, challenge):
        raise NotFound(Challenge.not_found_message)
    return challenge


def list_challenges(community, sort="hot", cursor=None, viewer=None):
    """A page of the community's challenges the viewer may see; raises RuleBroken for an
    unknown sort or cursor."""
    stmt = db.select(Challenge).where(Challenge.community_id == community.id)
    if not is_staff(viewer, community):
        stmt = stmt.where(visible_to(Challenge, viewer))
    return keyset_page(stmt.options(db.joinedload(Challenge.author)), _sort_keys(sort), cursor, PAGE_SIZE)


def trending_challenges(limit=6):
    stmt = (
        db.select(Challenge)
        .options(db.joinedload(Challenge.community))
        .where(Challenge.phase != "closed", Challenge.visibility == "public")
        .order_by(Challenge.hot.desc(), Challenge.id.desc())
        .limit(limit)
    )
    return db.session.execute(stmt).scalars().all()


def post_challenge(actor, community, title, body, campaign=None, cover_id=None):
    """Post a problem (any member) or a campaign (staff). Raises Forbidden or RuleBroken."""
    refusal = problem_refusal(actor, community)
    if refusal:
        raise RuleBroken(refusal)
    if campaign is not None:
        require(can_run_campaign(actor, community), _l("Only staff can run campaigns."))
    challenge = Challenge(
        community=community, author=actor, phase="submission", visibility=initial_visibility(actor, community)
    )
    _apply_text(challenge, title, body)
    if campaign is not None:
        _apply_campaign(challenge, campaign)
    now = utcnow()
    challenge.created = now
    challenge.hot = hot_score(0, now)
    db.session.add(challenge)
    db.session.flush()
    if cover_id:
        media.attach_cover(actor, challenge, cover_id)
    follows.add_follow(actor, challenge)
    webhooks.emit(community.id, "challenge.created", challenge=challenge.id)
    return challenge


def update_challenge(actor, challenge, title, body, campaign=None, cover_id=None):
    """Edit the text (author during submissions, or staff) and, for staff, the campaign."""
    require(can_edit_challenge(actor, challenge))
    if campaign is not None:
        require(can_run_campaign(actor, challenge.community), _l("Only staff can run campaigns."))
    before, body_before = _snapshot(challenge), challenge.body
    _apply_text(challenge, title, body)
    if campaign is not None:
        _apply_campaign(challenge, campaign)
    if cover_id:
        media.attach_cover(actor, challenge, cover_id)
    changed = _snapshot(challenge) != before or challenge.body != body_before
    if changed and (can_run_campaign(actor, challenge.community) or actor.id != challenge.author_id):
        record_action(
            actor,
            "challenge.update",
            challenge,
            community=challenge.community,
            before=before,
            after=_snapshot(challenge),
        )
    return challenge


def set_phase(actor, challenge, phase):
    """Move a campaign to a later phase and tell its followers. Raises Forbidden or RuleBroken."""
    current = check_phase(actor, challenge, phase)
    challenge.phase = phase
    challenge.is_campaign = True
    # Deadlines already passed would move the phase again on read; the new phase stands.
    if phase != "submission":
        challenge.submission_ends = min(challenge.submission_ends or utcnow(), utcnow())
    if phase == "voting" and challenge.voting_ends and challenge.voting_ends <= utcnow():
        challenge.voting_ends = None  # a deadline already past would skip the voting the staff just opened
    if phase not in ("submission", "voting"):
        challenge.voting_ends = min(challenge.voting_ends or utcnow(), utcnow())
    record_action(
        actor,
        "challenge.phase",
        challenge,
        community=challenge.community,
        before={"phase": current},
        after={"phase": phase},
    )
    notify(_participants(challenge), "phase", actor=actor, challenge=challenge, detail=phase)
    webhooks.emit(challenge.community_id, "challenge.phase_changed", challenge=challenge.id, previous_phase=current)


@jobs.job("challenges.deadlines", sweep=True)
def apply_deadlines():
    """Store the phase a campaign's passed deadlines gave it (pages show it already, computed when
    read), each move logged as the deadline's doing. The consumer runs it every minute."""
    now = utcnow()
    passed = db.or_(
        db.and_(Challenge.phase == "submission", Challenge.submission_ends <= now),
        db.and_(Challenge.phase == "voting", Challenge.voting_ends <= now),
    )
    with unit_of_work():
        # Another consumer's sweep skips the rows this one moves (PostgreSQL; SQLite's write lock
        # already lets one at a time in).
        stmt = db.select(Challenge).where(passed).order_by(Challenge.id).with_for_update(skip_locked=True, of=Challenge)
        for challenge in db.session.execute(stmt).scalars():
            before, phase = challenge.phase, challenge.current_phase(now)
            challenge.phase = phase
            record_action(
                None,
                "challenge.phase",
                challenge,
                community=challenge.community,
                before={"phase": before},
                after={"phase": phase},
                cause=DEADLINE,
            )
            webhooks.emit(
                challenge.community_id, "challenge.phase_changed", challenge=challenge.id, previous_phase=before
            )


def check_phase(actor, challenge, phase):
    """Refuse a phase move the actor may not make (Forbidden) or that goes backwards (RuleBroken);
    return the current phase."""
    require(can_run_campaign(actor, challenge.community))
    if phase not in PHASES:
        raise RuleBroken(_l("Unknown phase."), field="phase")
    current = challenge.current_phase()
    if PHASES.index(phase) <= PHASES.index(current):
        raise RuleBroken(_l("A challenge only moves forward through its phases."), field="phase")
    return current


def _participants(challenge):
    """Everyone with a stake in a phase move: followers, solution authors and voters."""
    authors = db.select(Solution.author_id).where(Solution.challenge_id == challenge.id)
    voters = db.select(Vote.user_id).where(Vote.challenge_id == challenge.id)
    stake = set(db.session.execute(authors.union(voters)).scalars())
    return follows.follower_ids(challenge) | stake


def _sort_keys(sort):
    if sort == "hot":
        return [Challenge.hot, Challenge.id]
    if sort == "top":
        return [Challenge.vote_count, Challenge.id]
    if sort == "new":
        return [Challenge.id]
    raise RuleBroken(_l("Unknown sort order."), field="sort")


def _apply_text(challenge, title, body):
    title = checked_text(title, "title", TITLE_MAX, _l("A title is required."))
    body = checked_markdown(body, "body", BODY_MAX, _l("Describe the problem."))
    if (title, body) == (challenge.title, challenge.body):
        return  # unchanged: nothing to write
    challenge.title = title
    challenge.body = body
    challenge.body_html = text.render(challenge.body)
    challenge.lang = languages.detect(challenge.title, challenge.body)


def _apply_campaign(challenge, campaign):
    for name in ("vote_budget", "review_threshold"):
        value = getattr(campaign, name)
        if value is not None and not 1 <= value <= 10_000:
            raise RuleBroken(_l("Use a number from 1 to 10,000."), field=name)
    _check_deadlines(challenge, campaign)
    reward = checked_text(campaign.reward, "reward", REWARD_MAX) or None
    challenge.is_campaign = True
    challenge.submission_ends = campaign.submission_ends
    challenge.voting_ends = campaign.voting_ends
    challenge.vote_budget = campaign.vote_budget
    challenge.review_threshold = campaign.review_threshold
    challenge.reward = reward


def _check_deadlines(challenge, campaign):
    """A deadline set or moved must lie ahead: one already past would end the phase at once (a
    problem jumping to voting with no solutions). One kept as it was may have passed."""
    now = utcnow()
    past = {
        "submission_ends": _l("The submission deadline has already passed: choose a later time."),
        "voting_ends": _l("The voting deadline has already passed: choose a later time."),
    }
    for name, message in past.items():
        value = getattr(campaign, name)
        if value is not None and value != getattr(challenge, name) and value <= now:
            raise RuleBroken(message, field=name)
    if campaign.submission_ends and campaign.voting_ends and campaign.voting_ends <= campaign.submission_ends:
        raise RuleBroken(_l("Voting must end after submissions close."), field="voting_ends")


def _snapshot(challenge):
    return {
        "title": challenge.title,
        "phase": challenge.phase,
        "vote_budget": challenge.vote_budget,
        "review_threshold": challenge.review_threshold,
        "submission_ends": challenge.submission_ends.isoformat() if challenge.submission_ends else None,
        "voting_ends": challenge.voting_ends.isoformat() if challenge.voting_ends else None,
        "reward": challenge.reward,
    }
