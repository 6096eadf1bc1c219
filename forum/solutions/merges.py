"""Merging duplicate solutions: votes move with one per fan, authors are credited, and it can be undone."""

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from forum.audit import record_action
from forum.clock import utcnow
from forum.database import get_or_raise, insert_new
from forum.errors import RuleBroken
from forum.extensions import db
from forum.notifications.services import notify
from forum.permissions import can_answer, require
from forum.points import services as points
from forum.review.status import record_status
from forum.solutions import follows
from forum.solutions.models import Merge, Solution, Vote
from forum.solutions.ranking import hot_score
from forum.solutions.votes import voter_ids
from forum.validation import checked_markdown
from forum.webhooks import events as webhooks


def merge(actor, source, target, note=""):
    """Merge `source` into `target`: each fan's vote moves over unless they voted for both (then
    they keep one and the other returns to their budget); the source points to the target; both
    authors and all voters are told. Raises Forbidden or RuleBroken."""
    require(can_answer(actor, source))
    if target.id == source.id or target.challenge_id != source.challenge_id:
        raise RuleBroken(_l("Merge into another solution of the same challenge."), field="target")
    if "merged" in (source.status, target.status):
        raise RuleBroken(_l("One of these solutions is already merged."), field="target")
    note = checked_markdown(note, "note", 2000)
    _lock(source, target)
    target_voters = voter_ids(target)
    source_votes = db.session.execute(db.select(Vote).filter_by(solution_id=source.id)).scalars().all()
    moved = [v for v in source_votes if v.user_id not in target_voters]
    dropped = [v for v in source_votes if v.user_id in target_voters]
    stake = voter_ids(source) | target_voters | follows.follower_ids(source) | {source.author_id, target.author_id}
    for vote in moved:
        vote.solution_id = target.id
    for vote in dropped:
        db.session.delete(vote)
    record = Merge(
        source_id=source.id,
        target_id=target.id,
        actor_id=actor.id,
        note=note,
        source_status=source.status,
        moved_vote_ids=[v.id for v in moved],
        dropped_voter_ids=[v.user_id for v in dropped],
    )
    db.session.add(record)
    db.session.flush()
    _recount(source, target)
    record_status(actor, source, "merged", note, tell=False)
    # The status entry says only "Merged": this one names where the idea went.
    record_action(actor, "solution.merge", source, community=source.challenge.community, after={"target": target.id})
    points.resync(target)
    notify(stake, "merge", actor=actor, challenge=target.challenge, solution=target, detail=str(source.id))
    webhooks.emit(source.community_id, "solution.merged", solution=source.id, into=target.id)
    return record


def undo(actor, record):
    """Split a merge again: moved votes go back, dropped votes return where the fan's budget
    still allows, and the source takes its former status."""
    source, target = record.source, record.target
    require(can_answer(actor, source))
    if record.undone is not None:
        raise RuleBroken(_l("This merge was already undone."))
    _lock(source, target)
    if record.moved_vote_ids:
        # Not the votes of fans who have one on the source again (cast while the merge was being
        # made): a second vote there would break the one-vote-per-fan rule, and the undo with it.
        again = db.select(Vote.user_id).where(Vote.solution_id == source.id)
        db.session.execute(
            db.update(Vote)
            .where(Vote.id.in_(record.moved_vote_ids), Vote.solution_id == target.id, Vote.user_id.not_in(again))
            .values(solution_id=source.id)
        )
    budget = source.challenge.vote_budget
    for user_id in record.dropped_voter_ids:
        used = db.session.execute(
            db.select(db.func.count()).select_from(Vote).filter_by(user_id=user_id, challenge_id=source.challenge_id)
        ).scalar()
        if budget is None or used < budget:
            insert_new(Vote, solution_id=source.id, challenge_id=source.challenge_id, user_id=user_id)
    record.undone = utcnow()
    db.session.flush()
    _recount(source, target)
    record_status(actor, source, record.source_status, "", note_key="merge_undone")
    points.resync(target)
    record_action(actor, "solution.unmerge", source, community=source.challenge.community, after={"target": target.id})


def merged_into(solution):
    """The active merge that folded this solution into another, if any."""
    if solution.status != "merged":
        return None  # only a merge sets "merged", and only undoing it leaves that status
    stmt = db.select(Merge).filter_by(source_id=solution.id, undone=None).options(joinedload(Merge.target))
    return db.session.execute(stmt).scalar_one_or_none()


def merged_from(solution):
    """Active merges into this solution, with their sources and authors (the co-authors)."""
    stmt = (
        db.select(Merge)
        .filter_by(target_id=solution.id, undone=None)
        .options(joinedload(Merge.source).joinedload(Solution.author))
        .order_by(Merge.id)
    )
    return db.session.execute(stmt).scalars().all()


def get_merge(merge_id):
    """Raises NotFound."""
    return get_or_raise(Merge, id=merge_id)


def _lock(*solutions):
    db.session.execute(
        db.select(Solution.id).where(Solution.id.in_([s.id for s in solutions])).order_by(Solution.id).with_for_update()
    )


def _recount(*solutions):
    """Counts from the votes themselves: a merge moves many votes at once."""
    for solution in solutions:
        count = db.session.execute(
            db.select(db.func.count()).select_from(Vote).filter_by(solution_id=solution.id)
        ).scalar()
        solution.vote_count = count
        solution.hot = hot_score(count, solution.created)
    challenge = solutions[0].challenge
    # The challenge counts the votes on the ideas fans can see (forum.solutions.counts).
    challenge.vote_count = db.session.execute(
        db.select(db.func.count())
        .select_from(Vote)
        .join(Solution, Solution.id == Vote.solution_id)
        .where(Vote.challenge_id == challenge.id, Solution.visibility == "public")
    ).scalar()
    challenge.hot = hot_score(challenge.vote_count, challenge.created)
