"""Votes: one per fan per solution, within the challenge's vote budget, counted on the rows."""

from flask_babel import lazy_gettext as _l

from forum.accounts.models import User
from forum.challenges.models import Challenge
from forum.clock import utcnow
from forum.database import increment, insert_new, is_sqlite, store
from forum.errors import RuleBroken
from forum.extensions import db
from forum.notifications.services import audience, notify
from forum.permissions import vote_refusal
from forum.points import services as points
from forum.solutions import follows
from forum.solutions.models import Solution, Vote
from forum.solutions.ranking import hot_score
from forum.webhooks import events as webhooks


def cast_vote(actor, solution):
    """Vote for a solution; voting again changes nothing. Returns whether a vote was added.

    Raises RuleBroken when voting is closed, the solution is the actor's own, or the
    challenge's vote budget is spent. Holds under concurrent requests from the same fan.
    """
    _refuse_unless_allowed(actor, solution)
    challenge = solution.challenge
    _lock_voter(actor)
    _refuse_if_merged_since(solution)
    budget = challenge.vote_budget
    if budget and not has_voted(actor, solution) and budget_used(actor, challenge) >= budget:
        raise RuleBroken(
            _l("You have used all %(n)d of your votes in this challenge. Withdraw one to vote here.", n=budget),
            field="vote",
        )
    now = utcnow()
    if not insert_new(Vote, solution_id=solution.id, challenge_id=challenge.id, user_id=actor.id, created=now):
        return False  # voted already
    votes = _change_counts(solution, challenge, +1)
    points.add_vote(solution, now.date())
    follows.add_follow(actor, solution)
    _check_review_threshold(actor, solution, challenge, votes)
    webhooks.emit(solution.community_id, "vote.created", solution=solution.id)
    return True


def withdraw_vote(actor, solution):
    """Take a vote back while voting is open. Returns whether a vote was removed."""
    _refuse_unless_allowed(actor, solution)
    _lock_voter(actor)
    deleted = db.session.execute(db.delete(Vote).filter_by(solution_id=solution.id, user_id=actor.id)).rowcount
    if deleted:
        _change_counts(solution, solution.challenge, -deleted)
        points.resync(solution)
        webhooks.emit(solution.community_id, "vote.removed", solution=solution.id)
    return bool(deleted)


def has_voted(user, solution):
    stmt = db.select(Vote.id).filter_by(solution_id=solution.id, user_id=user.id)
    return db.session.execute(stmt).first() is not None


def count(solution_id):
    """A solution's vote count as committed, without loading the solution again (a vote's commit
    expires it, and the API answers with the new count)."""
    return db.session.execute(_COUNT, {"solution_id": solution_id}).scalar_one()


_COUNT = db.select(Solution.__table__.c.vote_count).where(Solution.__table__.c.id == db.bindparam("solution_id"))


def voted_ids(user, solution_ids):
    """Which of these solutions the user voted for, in one query."""
    if not getattr(user, "is_authenticated", False) or not solution_ids:
        return set()
    stmt = db.select(Vote.solution_id).where(Vote.user_id == user.id, Vote.solution_id.in_(solution_ids))
    return set(db.session.execute(stmt).scalars())


def budget_used(user, challenge):
    stmt = db.select(db.func.count()).select_from(Vote).filter_by(user_id=user.id, challenge_id=challenge.id)
    return db.session.execute(stmt).scalar()


def voter_ids(solution):
    return set(db.session.execute(db.select(Vote.user_id).filter_by(solution_id=solution.id)).scalars())


STAKE = "solution.stake"


@audience(STAKE)
def stake(solution_id):
    """Everyone with a stake in an idea: its voters, its followers and its author (resolved by
    the consumer: notify(..., audience=(STAKE, solution.id)))."""
    solution = db.session.get(Solution, solution_id)
    if solution is None:
        return set()
    return voter_ids(solution) | follows.follower_ids(solution) | {solution.author_id}


def _refuse_unless_allowed(actor, solution):
    refusal = vote_refusal(actor, solution)
    if refusal:
        raise RuleBroken(refusal, field="vote")


def _refuse_if_merged_since(solution):
    """The door read the idea before its unit of work began: a merge may have committed since,
    and a vote stored on a merged idea would keep the merge from ever being undone. Read its
    status again under the idea's row lock, which a merge (it locks both ideas) waits for. The
    lock the vote's count update would take anyway, only earlier: a share lock here deadlocked
    twelve fans voting at once, each holding it and waiting on the others to update the row."""
    stmt = db.select(Solution.status).where(Solution.id == solution.id)
    if not is_sqlite():  # on SQLite the unit of work holds the database's write lock already
        stmt = stmt.with_for_update()
    if db.session.execute(stmt).scalar_one() == "merged":
        raise RuleBroken(_l("This idea was merged into another one: vote there."), field="vote")


def _lock_voter(actor):
    """Serialise one fan's votes so the budget check and the insert see each other.

    PostgreSQL locks the fan's row until commit; on SQLite the door's unit of work holds the
    database's write lock already.
    """
    if not is_sqlite():
        db.session.execute(db.select(User.id).where(User.id == actor.id).with_for_update())


def _change_counts(solution, challenge, delta):
    """Move both vote counts and re-score both rows for the hot sort; returns the solution's votes.

    The challenge counts only the votes on solutions fans can see (forum.solutions.counts): a
    vote by staff on a hidden idea moves the idea's count, not the challenge's."""
    votes = increment(solution, "vote_count", delta)
    store(solution, "hot", hot_score(votes, solution.created))
    total = db.session.execute(
        _CHALLENGE_VOTES, {"challenge_id": challenge.id, "solution_id": solution.id, "delta": delta}
    )
    db.session.expire(challenge, ["vote_count"])
    total = total.scalar_one_or_none()
    if total is not None:
        store(challenge, "hot", hot_score(total, challenge.created))
    return votes


# Visibility read in the statement, after the solution's count update took its row lock: a hide
# (forum.solutions.counts.set_visibility, which locks the row) either committed before and is
# seen, or waits and then takes this vote out with the others.
_challenges = Challenge.__table__
_CHALLENGE_VOTES = (
    db.update(_challenges)
    .where(_challenges.c.id == db.bindparam("challenge_id"))
    .where(
        db.select(Solution.__table__.c.visibility)
        .where(Solution.__table__.c.id == db.bindparam("solution_id"))
        .scalar_subquery()
        == "public"
    )
    .values(vote_count=_challenges.c.vote_count + db.bindparam("delta"))
    .returning(_challenges.c.vote_count)
)


def _check_review_threshold(actor, solution, challenge, votes):
    """The first time a solution reaches the threshold, staff get it to review and its author
    and voters hear so."""
    if not challenge.review_threshold or votes < challenge.review_threshold or solution.review_requested:
        return
    solution.review_requested = utcnow()
    notify(
        voter_ids(solution) | {solution.author_id},
        "threshold",
        challenge=challenge,
        solution=solution,
        detail=str(challenge.review_threshold),
    )
